/*
 * message.h - the GuestRPC message channel, guest side (BDOOR_CMD_MESSAGE,
 * reference 3.2 and 3.3): open with cookies, send, receive, close.
 *
 * Every status bit has a meaning here:
 *   SUCCESS  required on every step, else the step failed;
 *   DORECV   RECVSIZE: a message is waiting (else the receive is empty);
 *   HB       SENDSIZE/RECVSIZE: the payload moves by one REP OUTSB/INSB;
 *   CPT      a checkpoint cancelled the operation: it is retried whole;
 *   UNSENT   the host dropped the message being received: retried whole;
 *   CLOSED, POWEROFF, TIMEOUT  the channel is gone: NHVBD_ECLOSED,
 *            NHVBD_EPOWEROFF, NHVBD_ETIMEOUT (the caller reopens).
 * Retries are bounded (NHVBD_MSG_MAX_RETRIES), lengths from the host are
 * checked against 64 KiB and the caller's buffer before any byte moves.
 */
#ifndef NHV_MESSAGE_H
#define NHV_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "handshake/transport.h"

#define NHVBD_MSG_MAX_RETRIES 8

struct nhvbd_chan {
	const struct nhvbd_transport *t;
	uint32_t proto;
	uint16_t id;
	uint32_t cookie_hi, cookie_lo;
	int open;
	int use_hb;		/* 0 forces low bandwidth even when offered */
	unsigned retries;	/* CPT/UNSENT retries done, for tests and logs */
};

/* Opens a channel for proto (RPCI_PROTOCOL_NUM or TCLO_PROTOCOL_NUM), with
 * cookies, and once more without if the host refuses the cookie flag.
 * NHVBD_ENOMSG when the host refuses both. */
int nhvbd_msg_open(struct nhvbd_chan *c, const struct nhvbd_transport *t, uint32_t proto);
int nhvbd_msg_send(struct nhvbd_chan *c, const void *buf, size_t len);
/* Receives one message into buf (cap bytes; a NUL is kept after it, so at
 * most cap - 1 bytes of payload).  *len = 0 when the host has nothing. */
int nhvbd_msg_receive(struct nhvbd_chan *c, char *buf, size_t cap, size_t *len);
int nhvbd_msg_close(struct nhvbd_chan *c);

#endif
