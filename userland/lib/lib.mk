# libnhv: the user-space library (docs/development.md, "Layout").  The top
# Makefile defines LIBNHV_SRC and LIBNHV_A; program and unit_test link it.
LIBNHV_OBJ := $(patsubst userland/lib/%.c,$(B)/lib/obj/%.o,$(LIBNHV_SRC))

$(B)/lib/obj/%.o: userland/lib/%.c $(HEADERS) | $(DEPS_STAMP) $(MUSL_INC)/.ok
	@mkdir -p $(@D)
	$(MUSLCC) $(ALLCFLAGS) -c -o $@ $<

$(LIBNHV_A): $(LIBNHV_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $(LIBNHV_OBJ)

LIB_FUZZ := -fno-sanitize-recover=all
$(eval $(call unit_test,test-vmx,tests/libnhv/test-vmx.c))
$(eval $(call fuzzer,fuzz-vmx,tests/libnhv/fuzz-vmx.c userland/lib/vmx.c userland/lib/hexfmt.c))
$(eval $(call unit_test,test-atomic,tests/libnhv/test-atomic.c))
$(eval $(call unit_test,test-cmdline,tests/libnhv/test-cmdline.c))
$(eval $(call fuzzer,fuzz-cmdline,tests/libnhv/fuzz-cmdline.c userland/lib/cmdline.c,$(LIB_FUZZ)))
$(eval $(call unit_test,test-hexfmt,tests/libnhv/test-hexfmt.c))
$(eval $(call fuzzer,fuzz-hexfmt,tests/libnhv/fuzz-hexfmt.c userland/lib/hexfmt.c,$(LIB_FUZZ)))
$(eval $(call unit_test,test-runcap,tests/libnhv/test-runcap.c))
$(eval $(call unit_test,test-log,tests/libnhv/test-log.c))
$(eval $(call unit_test,test-tap,tests/libnhv/test-tap.c))
$(eval $(call unit_test,test-nhvdev,tests/libnhv/test-nhvdev.c,-lpthread))
$(eval $(call unit_test,test-datadisk-blank,tests/libnhv/test-datadisk-blank.c))
$(eval $(call unit_test,test-nhvconf,tests/libnhv/test-nhvconf.c))
$(eval $(call fuzzer,fuzz-nhvconf,tests/libnhv/fuzz-nhvconf.c userland/lib/nhvconf.c userland/lib/cmdline.c userland/lib/hexfmt.c,$(LIB_FUZZ)))
$(eval $(call unit_test,test-nhvconf-decide,tests/libnhv/test-nhvconf-decide.c))
$(eval $(call fuzzer,fuzz-nhvconf-settings,tests/libnhv/fuzz-nhvconf-settings.c userland/lib/nhvconf.c \
	userland/lib/nhvconf-decide.c userland/lib/nhvconf-settings.c userland/lib/cmdline.c \
	userland/lib/hexfmt.c userland/lib/vmx.c,$(LIB_FUZZ)))
$(eval $(call unit_test,test-strlist,tests/libnhv/test-strlist.c))
$(eval $(call unit_test,test-json,tests/libnhv/test-json.c))
$(eval $(call unit_test,test-clock,tests/libnhv/test-clock.c))
