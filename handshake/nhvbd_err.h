/*
 * nhvbd_err.h - the errors every libnhvbd call returns (0 = success,
 * a negative NHVBD_E* otherwise), and their one-line descriptions.
 */
#ifndef NHV_NHVBD_ERR_H
#define NHV_NHVBD_ERR_H

enum nhvbd_err {
	NHVBD_OK = 0,
	NHVBD_ENODEV = -1,	/* nothing answers the backdoor port */
	NHVBD_EFAULT = -2,	/* the I/O instruction faulted (#GP): no backdoor, or restricted */
	NHVBD_EUNSUPPORTED = -3, /* the host answers the backdoor but not this command */
	NHVBD_ENOMSG = -4,	/* the host has no GuestRPC (MESSAGE OPEN refused) */
	NHVBD_EPROTO = -5,	/* the host's reply breaks the protocol */
	NHVBD_ECLOSED = -6,	/* the host closed the channel (status CLOSED) */
	NHVBD_ECPT = -7,	/* checkpoint (status CPT) retried too often */
	NHVBD_EPOWEROFF = -8,	/* the host is powering off (status POWEROFF) */
	NHVBD_ETIMEOUT = -9,	/* the host timed the channel out (status TIMEOUT) */
	NHVBD_ETOOBIG = -10,	/* a message above the 64 KiB bound, or above the buffer */
	NHVBD_EFAILED = -11,	/* the host refused the step (status without SUCCESS) */
	NHVBD_EINVAL = -12,	/* a bad argument from the caller */
	NHVBD_ERPC = -13,	/* the RPC ran and the host answered "0 <error>" */
	NHVBD_ENOSPACE = -14,	/* a fixed-size table or buffer is full */
};

/* A short English description of an NHVBD_E* code. */
const char *nhvbd_strerror(int err);

#endif
