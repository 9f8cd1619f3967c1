NHV_CLONE_SRC := tools/nhv-clone/clonevmx.c
$(eval $(call program,nhv-clone,tools/nhv-clone/main.c tools/nhv-clone/copy.c $(NHV_CLONE_SRC)))
$(eval $(call unit_test,test-clonevmx,tests/nhv-clone/test-clonevmx.c $(NHV_CLONE_SRC)))
$(eval $(call fuzzer,fuzz-clonevmx,tests/nhv-clone/fuzz-clonevmx.c $(NHV_CLONE_SRC) \
	$(filter userland/lib/vmx.c userland/lib/hexfmt.c,$(LIBNHV_SRC))))
