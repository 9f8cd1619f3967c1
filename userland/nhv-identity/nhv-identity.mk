# nhv-identity: clone-safe identity (issue 5).  Shares atomic.c, the .vmx
# editor (tools/nhv-clone/vmx.c) and the data disk code with its peers.
NHV_IDENTITY_CORE := userland/nhv-identity/decide.c userland/nhv-identity/ids.c \
	userland/nhv-identity/idfile.c userland/nhv-identity/sha256.c
NHV_IDENTITY_IO := userland/nhv-identity/atomic.c userland/nhv-identity/sysroot.c \
	userland/nhv-identity/hwid.c userland/nhv-identity/efivar.c \
	userland/nhv-identity/guests.c userland/nhv-identity/guestinfo.c userland/nhv-identity/boot.c \
	tools/nhv-clone/vmx.c userland/nhv-datadisk/datadisk.c userland/nhv-datadisk/blank.c

$(eval $(call program,nhv-identity,userland/nhv-identity/main.c $(NHV_IDENTITY_CORE) $(NHV_IDENTITY_IO)))
$(eval $(call unit_test,test-identity-decide,tests/identity/test-decide.c $(NHV_IDENTITY_CORE)))
$(eval $(call unit_test,test-identity-clones,tests/identity/test-clones.c $(NHV_IDENTITY_CORE)))
$(eval $(call unit_test,test-identity-file,tests/identity/test-idfile.c $(NHV_IDENTITY_CORE)))
$(eval $(call unit_test,test-identity-atomic,tests/identity/test-atomic.c userland/nhv-identity/atomic.c))
$(eval $(call fuzzer,fuzz-idfile,tests/identity/fuzz-idfile.c $(NHV_IDENTITY_CORE)))
