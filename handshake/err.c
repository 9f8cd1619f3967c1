/*
 * err.c - descriptions of the NHVBD_E* codes.
 */
#include "handshake/nhvbd_err.h"

const char *nhvbd_strerror(int err)
{
	switch (err) {
	case NHVBD_OK:
		return "success";
	case NHVBD_ENODEV:
		return "nothing answers on port 0x5658";
	case NHVBD_EFAULT:
		return "the backdoor I/O instruction faulted (no backdoor, or it is restricted)";
	case NHVBD_EUNSUPPORTED:
		return "the host does not implement this backdoor command";
	case NHVBD_ENOMSG:
		return "the host answers the backdoor but has no GuestRPC (MESSAGE OPEN refused)";
	case NHVBD_EPROTO:
		return "the host's reply breaks the GuestRPC protocol";
	case NHVBD_ECLOSED:
		return "the host closed the GuestRPC channel";
	case NHVBD_ECPT:
		return "checkpoint status repeated beyond the retry limit";
	case NHVBD_EPOWEROFF:
		return "the host is powering off";
	case NHVBD_ETIMEOUT:
		return "the host timed out the GuestRPC channel";
	case NHVBD_ETOOBIG:
		return "message larger than the 64 KiB bound or the buffer";
	case NHVBD_EFAILED:
		return "the host refused the GuestRPC step";
	case NHVBD_EINVAL:
		return "invalid argument";
	case NHVBD_ERPC:
		return "the host answered the RPC with an error";
	case NHVBD_ENOSPACE:
		return "no room left in a fixed-size table";
	}
	return "unknown libnhvbd error";
}
