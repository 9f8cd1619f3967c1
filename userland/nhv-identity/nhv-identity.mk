# nhv-identity: clone-safe identity (issue 5).  Links userland/lib for the
# atomic writes, the .vmx editor and the data disk.
NHV_IDENTITY_CORE := userland/nhv-identity/decide.c userland/nhv-identity/ids.c \
	userland/nhv-identity/idfile.c userland/nhv-identity/sha256.c
NHV_IDENTITY_IO := userland/nhv-identity/hwid.c userland/nhv-identity/efivar.c \
	userland/nhv-identity/guests.c userland/nhv-identity/boot.c

$(eval $(call program,nhv-identity,userland/nhv-identity/main.c $(NHV_IDENTITY_CORE) $(NHV_IDENTITY_IO)))
$(eval $(call unit_test,test-identity-decide,tests/identity/test-decide.c $(NHV_IDENTITY_CORE)))
$(eval $(call unit_test,test-identity-clones,tests/identity/test-clones.c $(NHV_IDENTITY_CORE)))
$(eval $(call unit_test,test-identity-file,tests/identity/test-idfile.c $(NHV_IDENTITY_CORE)))
$(eval $(call fuzzer,fuzz-idfile,tests/identity/fuzz-idfile.c $(NHV_IDENTITY_CORE) \
	$(filter userland/lib/hexfmt.c,$(LIBNHV_SRC))))
