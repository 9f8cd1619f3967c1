$(eval $(call program,nhv-datadisk,userland/nhv-datadisk/main.c))
