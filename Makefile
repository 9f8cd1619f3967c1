# nhv — top-level build.  `make run` boots the appliance, `make check` tests it.
# Every target installs what it needs first (images/deps.sh); safe with -j2.
#
# Each part of the tree adds itself through a fragment (userland/*/NAME.mk,
# tools/*/NAME.mk, handshake/*.mk, ...) with the macros below:
#   $(eval $(call program,NAME,SOURCES[,EXTRA]))    -> build/bin/NAME (musl, static)
#   $(eval $(call unit_test,NAME,SOURCES[,EXTRA]))  -> build/tests/NAME (musl, static, prints TAP)
#   $(eval $(call fuzzer,NAME,SOURCES[,EXTRA]))     -> build/fuzz/NAME (clang libFuzzer + ASan/UBSan)
# Every program and unit test links libnhv ($(LIBNHV_A), userland/lib/lib.mk);
# a fuzzer lists the library sources it needs from $(LIBNHV_SRC) itself.
# Tests live under tests/ as *.t files that `prove -r tests` runs.

# Debian kernel ABI the appliance boots (linux-image-$(KABI)-amd64).
KABI ?= 6.1.0-56
KVER := $(KABI)-amd64

B        := build
BIN      := $(B)/bin
KDIR     := $(B)/kernel-$(KVER)
MUSL_INC := $(B)/musl-include
LIBPCI   := $(B)/libpci
ISO      := $(B)/nhv.iso

MUSLCC   := musl-gcc
FUZZCC   := clang
WARN     := -Wall -Wextra -Werror
CFLAGS   ?= -O2
ALLCFLAGS = -std=gnu11 $(WARN) $(CFLAGS) -D_GNU_SOURCE -I. -isystem $(MUSL_INC)
FUZZFLAGS = -std=gnu11 $(WARN) -O1 -g -D_GNU_SOURCE -I. -fsanitize=fuzzer,address,undefined

DEPS_STAMP := $(B)/.deps-installed
HEADERS := $(shell find handshake userland tools kernel-vmm/include tests -name '*.h' 2>/dev/null)

# libnhv: the user-space library every program links (userland/lib/lib.mk builds it).
LIBNHV_SRC := $(sort $(wildcard userland/lib/*.c))
LIBNHV_A   := $(B)/lib/libnhv.a

PROGRAMS :=
UNIT_TESTS :=
FUZZERS :=

define program
$(BIN)/$(1): $(2) $(LIBNHV_A) $(HEADERS) | $(DEPS_STAMP) $(MUSL_INC)/.ok
	@mkdir -p $$(@D)
	$(MUSLCC) $$(ALLCFLAGS) -static -o $$@ $(2) $(LIBNHV_A) $(3)
PROGRAMS += $(BIN)/$(1)
endef

define unit_test
$(B)/tests/$(1): $(2) $(LIBNHV_A) $(HEADERS) | $(DEPS_STAMP) $(MUSL_INC)/.ok
	@mkdir -p $$(@D)
	$(MUSLCC) $$(ALLCFLAGS) -static -o $$@ $(2) $(LIBNHV_A) $(3)
UNIT_TESTS += $(B)/tests/$(1)
endef

define fuzzer
$(B)/fuzz/$(1): $(2) $(HEADERS) | $(DEPS_STAMP)
	@mkdir -p $$(@D)
	$(FUZZCC) $$(FUZZFLAGS) -o $$@ $(2) $(3)
FUZZERS += $(B)/fuzz/$(1)
endef

.PHONY: all deps programs tests iso run check clean distclean bench bench-vmm bench-l2
all: programs

# Every part first, then the image, which packages what the parts built.
include $(filter-out images/images.mk,$(sort $(wildcard */*.mk */*/*.mk */*/*/*.mk)))
include images/images.mk

programs: $(PROGRAMS)
tests: $(UNIT_TESTS) $(FUZZERS)

deps: $(DEPS_STAMP) $(KDIR)/.ok $(LIBPCI)/lib/libpci.a

$(DEPS_STAMP): images/packages.list images/deps.sh
	images/deps.sh images/packages.list
	@mkdir -p $(B) && touch $@

# musl-gcc does not see the kernel's uapi headers: give it links to them.
$(MUSL_INC)/.ok: | $(DEPS_STAMP)
	@mkdir -p $(MUSL_INC)
	ln -sfn /usr/include/linux $(MUSL_INC)/linux
	ln -sfn /usr/include/asm-generic $(MUSL_INC)/asm-generic
	ln -sfn /usr/include/x86_64-linux-gnu/asm $(MUSL_INC)/asm
	@touch $@

$(KDIR)/.ok: images/fetch-kernel.sh images/deb-download.sh | $(DEPS_STAMP)
	images/fetch-kernel.sh $(KABI) $(KDIR)
	@touch $@

$(LIBPCI)/lib/libpci.a: images/build-libpci.sh | $(DEPS_STAMP) $(MUSL_INC)/.ok
	images/build-libpci.sh $(B) $(MUSL_INC)

iso: $(ISO)

run: $(ISO)
	tools/qemu-vmware-host/qemu-vmware-host --iso $(ISO)

# Two test files at a time: most boot an emulator that uses one core (one
# TCG thread), and every wait in them is bounded by the guest's own progress.
CHECK_JOBS ?= 2
check: $(PROGRAMS) $(UNIT_TESTS) $(FUZZERS) $(ISO) $(CHECK_DEPS)
	NHV_BUILD=$(abspath $(B)) NHV_ISO=$(abspath $(ISO)) KVER=$(KVER) prove -r -j$(CHECK_JOBS) --timer tests

bench: $(ISO)
	tests/bench/boot-bench.sh $(ISO)

bench-vmm: $(ISO)
	tests/kernel-vmm/bench.sh $(ISO)

bench-l2: $(ISO) $(B)/tests/guests/idle.elf
	NHV_BUILD=$(B) tests/bench/l2-bench.sh $(ISO)

clean:
	rm -rf $(BIN) $(B)/lib $(B)/tests $(B)/fuzz $(B)/initramfs* $(B)/iso* $(B)/nhv.iso* $(B)/run

distclean:
	rm -rf $(B)
