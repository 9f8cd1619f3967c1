# nhv-clone: clone VMware VM folders offline for labs (issue 5).
NHV_CLONE_SRC := tools/nhv-clone/vmx.c tools/nhv-clone/clonevmx.c userland/nhv-identity/ids.c
$(eval $(call program,nhv-clone,tools/nhv-clone/main.c tools/nhv-clone/copy.c $(NHV_CLONE_SRC) userland/nhv-identity/atomic.c))
$(eval $(call unit_test,test-vmx,tests/nhv-clone/test-vmx.c $(NHV_CLONE_SRC)))
$(eval $(call fuzzer,fuzz-vmx,tests/nhv-clone/fuzz-vmx.c $(NHV_CLONE_SRC)))
