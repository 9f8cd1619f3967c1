# userland/nhv-toolsd - VMware Tools role towards the outer host
# SNTP (RFC 4330): packets (pure) and the UDP exchange with the clock change
NHV_SNTP_PACKET := userland/nhv-toolsd/sntp.c
NHV_SNTP := $(NHV_SNTP_PACKET) userland/nhv-toolsd/sntp_sync.c
NHV_TOOLSD_SRC := userland/nhv-toolsd/main.c \
	userland/nhv-toolsd/files.c userland/nhv-toolsd/config.c userland/nhv-toolsd/apply.c \
	userland/nhv-toolsd/netinfo.c userland/nhv-toolsd/tcloloop.c userland/nhv-toolsd/timesync.c \
	$(NHV_SNTP)
$(eval $(call program,nhv-toolsd,$(NHV_TOOLSD_SRC) $(NHVBD_CLIENT) $(NHVBD_X86)))
$(eval $(call unit_test,test-toolsd,tests/nhv-toolsd/test-toolsd.c \
	$(filter-out userland/nhv-toolsd/main.c userland/nhv-toolsd/timesync.c $(NHV_SNTP),$(NHV_TOOLSD_SRC)) \
	$(NHVBD_ALL)))

# Tests and fuzzer (tests/handshake/, next to nhv-toolsd's GuestRPC tests)
$(eval $(call unit_test,test-sntp,tests/handshake/test-sntp.c $(NHV_SNTP_PACKET)))
$(eval $(call fuzzer,fuzz-sntp,tests/handshake/fuzz-sntp.c $(NHV_SNTP_PACKET),-fno-sanitize-recover=all))
$(eval $(call unit_test,test-sntp-sync,tests/handshake/test-sntp-sync.c $(NHV_SNTP)))
