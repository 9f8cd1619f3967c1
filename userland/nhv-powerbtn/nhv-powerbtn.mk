$(eval $(call program,nhv-powerbtn,userland/nhv-powerbtn/nhv-powerbtn.c))
