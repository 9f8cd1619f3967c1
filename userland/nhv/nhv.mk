$(eval $(call program,nhv,userland/nhv/nhv.c))
