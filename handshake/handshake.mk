# handshake/ - libnhvbd: the VMware backdoor and GuestRPC, both sides.
# No library archive: programs, tests and fuzzers list the sources they use.
#   NHVBD_CLIENT  guest side: commands, GuestRPC channel, RPCI, TCLO
#   NHVBD_HOST    host side: backdoor dispatch, GuestRPC state machine, RPCI
#   NHVBD_MEM     the in-memory transport (client talks to a host directly)
#   NHVBD_X86     the real I/O instructions (Linux, programs only)
#   NHVCONF       the guestinfo.nhv.* configuration keys and their sources
NHVBD_CLIENT := handshake/err.c handshake/commands.c handshake/message.c \
	handshake/rpci.c handshake/tclo.c
NHVBD_HOST   := handshake/err.c handshake/kvstore.c handshake/host_bdoor.c \
	handshake/host_msg.c handshake/host_rpci.c
NHVBD_MEM    := handshake/transport_mem.c
NHVBD_X86    := handshake/transport_x86.c
NHVCONF      := handshake/nhvconf.c
NHVBD_ALL    := $(sort $(NHVBD_CLIENT) $(NHVBD_HOST) $(NHVBD_MEM))
