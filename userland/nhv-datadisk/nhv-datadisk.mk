# nhv-datadisk: `nhv datadisk` (issue 5).  nhv-identity links datadisk.c and blank.c too.
$(eval $(call program,nhv-datadisk,userland/nhv-datadisk/main.c userland/nhv-datadisk/datadisk.c userland/nhv-datadisk/blank.c userland/nhv-identity/sysroot.c))
$(eval $(call unit_test,test-datadisk-blank,tests/identity/test-blank.c userland/nhv-datadisk/blank.c))
