# kernel-vmm: nhv.ko, built out of tree against Debian's headers for $(KVER).
# The header packages are downloaded (never installed) and unpacked side by
# side so their relative symlinks resolve; the sources are copied under
# build/ so no build output lands in the source tree.

KVMM_HDR   := $(B)/kheaders-$(KVER)
KVMM_KSRC  := $(KVMM_HDR)/usr/src/linux-headers-$(KVER)
KVMM_OBJ   := $(B)/kernel-vmm
KVMM_SRCS  := $(wildcard kernel-vmm/*.c kernel-vmm/*.S kernel-vmm/*.h) \
	      kernel-vmm/Kbuild kernel-vmm/include/uapi/nhv.h
KVMM_DEBS  := linux-headers-$(KVER) linux-headers-$(KABI)-common linux-kbuild-6.1

.PHONY: kernel-vmm-module
kernel-vmm-module: $(B)/modules/nhv.ko
programs: $(B)/modules/nhv.ko
IMAGE_MODULES += $(B)/modules/nhv.ko

$(KVMM_HDR)/.ok: | $(DEPS_STAMP)
	@mkdir -p $(B)/deb
	cd $(B)/deb && for p in $(KVMM_DEBS); do \
		ls $${p}_*.deb >/dev/null 2>&1 || apt-get download $$p 2>&1 | \
			grep -v '^W: Download is performed unsandboxed' >&2 || true; \
		ls $${p}_*.deb >/dev/null 2>&1 || { echo "kernel-vmm: cannot download $$p" >&2; exit 1; }; \
	done
	rm -rf $(KVMM_HDR).tmp && mkdir -p $(KVMM_HDR).tmp
	for p in $(KVMM_DEBS); do dpkg-deb -x $$(ls $(B)/deb/$${p}_*.deb | head -n 1) $(KVMM_HDR).tmp || exit 1; done
	test -f $(KVMM_HDR).tmp/usr/src/linux-headers-$(KVER)/Module.symvers
	# Debian's Makefile includes the -common tree by absolute path: point it here.
	sed -i 's|^include /usr/src/|include $(abspath $(KVMM_HDR))/usr/src/|' \
		$(KVMM_HDR).tmp/usr/src/linux-headers-$(KVER)/Makefile
	rm -rf $(KVMM_HDR) && mv $(KVMM_HDR).tmp $(KVMM_HDR)
	@touch $@

$(B)/modules/nhv.ko: $(KVMM_SRCS) kernel-vmm/kernel-vmm.mk $(KVMM_HDR)/.ok
	@mkdir -p $(KVMM_OBJ)/include/uapi $(B)/modules
	cp kernel-vmm/*.c kernel-vmm/*.S kernel-vmm/*.h kernel-vmm/Kbuild $(KVMM_OBJ)/
	cp kernel-vmm/include/uapi/nhv.h $(KVMM_OBJ)/include/uapi/
	$(MAKE) -C $(KVMM_KSRC) M=$(abspath $(KVMM_OBJ)) modules
	cp $(KVMM_OBJ)/nhv.ko $@


# checkpatch.pl, the kernel's style checker, is in no header package: take it
# (with its spelling and const-struct lists) from Debian's linux-source
# tarball.  tests/kernel-vmm/checkpatch.t runs it over kernel-vmm/.
KVMM_CHECKPATCH := $(B)/checkpatch/checkpatch.pl
CHECK_DEPS += $(KVMM_CHECKPATCH)

$(KVMM_CHECKPATCH): | $(DEPS_STAMP)
	@mkdir -p $(B)/deb
	cd $(B)/deb && { ls linux-source-6.1_*.deb >/dev/null 2>&1 || \
		apt-get download linux-source-6.1 2>&1 | \
		grep -v '^W: Download is performed unsandboxed' >&2 || true; }
	@ls $(B)/deb/linux-source-6.1_*.deb >/dev/null 2>&1 || \
		{ echo "kernel-vmm: cannot download linux-source-6.1 (for checkpatch.pl)" >&2; exit 1; }
	rm -rf $(B)/checkpatch.tmp && mkdir -p $(B)/checkpatch.tmp
	dpkg-deb --fsys-tarfile $$(ls $(B)/deb/linux-source-6.1_*.deb | head -n 1) | \
		tar -xO --wildcards '*/linux-source-6.1.tar.xz' | \
		tar -xJ -C $(B)/checkpatch.tmp --strip-components=2 --wildcards \
			'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
			'*/scripts/const_structs.checkpatch'
	test -x $(B)/checkpatch.tmp/checkpatch.pl
	rm -rf $(B)/checkpatch && mv $(B)/checkpatch.tmp $(B)/checkpatch

# The decoders of guest instruction bytes also build in user space.
$(eval $(call unit_test,test-kvmm-decode,tests/kernel-vmm/test-decode.c kernel-vmm/decode.c))
$(eval $(call fuzzer,fuzz-kvmm-decode,tests/kernel-vmm/fuzz-decode.c kernel-vmm/decode.c))
