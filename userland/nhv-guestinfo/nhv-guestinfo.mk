# userland/nhv-guestinfo - `nhv guestinfo get|set|backdoor`
$(eval $(call program,nhv-guestinfo,userland/nhv-guestinfo/main.c $(NHVBD_CLIENT) $(NHVBD_X86)))
