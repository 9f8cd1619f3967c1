/*
 * transport_mem.h - a transport that hands the registers to a libnhvbd host
 * in the same process: client and server talk without any I/O instruction
 * (conformance tests, fuzzing, and a device model's self-test).
 */
#ifndef NHV_TRANSPORT_MEM_H
#define NHV_TRANSPORT_MEM_H

#include "handshake/host.h"
#include "handshake/transport.h"

struct nhvbd_mem_transport {
	struct nhvbd_transport t;
	struct nhvbd_host *host;
	int cpl;		/* the privilege the "guest" runs at */
	unsigned lb_calls, hb_calls;
};

/* Fills m->t; m->t is then the transport to give the client calls. */
void nhvbd_mem_transport_init(struct nhvbd_mem_transport *m, struct nhvbd_host *host, int cpl);

#endif
