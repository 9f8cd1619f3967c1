# handshake/ - libnhvbd: the VMware backdoor and GuestRPC, both sides.
# No library archive: programs, tests and fuzzers list the sources they use.
#   NHVBD_CLIENT  guest side: commands, GuestRPC channel, RPCI, TCLO
#   NHVBD_HOST    host side: backdoor dispatch, GuestRPC state machine, RPCI
#   NHVBD_MEM     the in-memory transport (client talks to a host directly)
#   NHVBD_X86     the real I/O instructions (Linux, programs only)
#   NHVCONF       the guestinfo.nhv.* configuration keys and their sources
NHVBD_CLIENT := handshake/err.c handshake/commands.c handshake/facts.c handshake/message.c \
	handshake/rpci.c handshake/tclo.c
NHVBD_HOST   := handshake/err.c handshake/kvstore.c handshake/host_bdoor.c \
	handshake/host_msg.c handshake/host_rpci.c handshake/nicinfo_xdr.c
NHVBD_MEM    := handshake/transport_mem.c
NHVBD_X86    := handshake/transport_x86.c
NHVBD_ALL    := $(sort $(NHVBD_CLIENT) $(NHVBD_HOST) $(NHVBD_MEM))

# Tests and fuzzers (tests/handshake/)
$(eval $(call unit_test,test-handshake-host,tests/handshake/test-host.c $(NHVBD_HOST) $(NHVBD_MEM)))
$(eval $(call unit_test,test-handshake-conformance,tests/handshake/test-conformance.c $(NHVBD_ALL)))
$(eval $(call unit_test,test-handshake-x86probe,tests/handshake/test-x86probe.c $(NHVBD_CLIENT) $(NHVBD_X86)))
$(eval $(call fuzzer,fuzz-handshake-host,tests/handshake/fuzz-host.c $(NHVBD_HOST),-fno-sanitize-recover=all))
$(eval $(call fuzzer,fuzz-handshake-client,tests/handshake/fuzz-client.c $(NHVBD_CLIENT),-fno-sanitize-recover=all))
$(eval $(call fuzzer,fuzz-handshake-pair,tests/handshake/fuzz-pair.c $(NHVBD_ALL),-fno-sanitize-recover=all))
# The NIC report decoder (SetGuestInfo 9/10 XDR, V1 struct): hostile inputs, a fuzzer.
$(eval $(call unit_test,test-handshake-nicinfo,tests/handshake/test-nicinfo.c $(NHVBD_HOST)))
$(eval $(call fuzzer,fuzz-handshake-nicinfo,tests/handshake/fuzz-nicinfo.c handshake/nicinfo_xdr.c,-fno-sanitize-recover=all))
