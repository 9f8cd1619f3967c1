/*
 * transport.h - the one thing libnhvbd needs from the machine: the backdoor
 * I/O instructions, as a table of functions over a register set.
 *
 *   lb()     IN EAX,DX on port 0x5658: registers in, registers out.
 *   hb_out() REP OUTSB on port 0x5659: guest-to-host bytes (ECX = count).
 *   hb_in()  REP INSB  on port 0x5659: host-to-guest bytes (ECX = count).
 *
 * transport_x86.c does it with the real instructions, transport_mem.c hands
 * the registers to a libnhvbd host (host.h) in the same process, tests bring
 * scripted ones.  A transport returns 0, or NHVBD_EFAULT when the
 * instruction faulted.  Everything above it (commands.c, message.c, rpci.c,
 * tclo.c) only sees registers.
 */
#ifndef NHV_TRANSPORT_H
#define NHV_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

/* BDOOR_ARG0..6 of backdoor_def.h, 32 bits each as the port sees them. */
struct nhvbd_regs {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp;
};

struct nhvbd_transport {
	void *ctx;
	int (*lb)(void *ctx, struct nhvbd_regs *r);
	/* HB registers as in reference 3.3; buf replaces the ESI (out) or EDI
	 * (in) pointer, len is the byte count also given in ECX. */
	int (*hb_out)(void *ctx, struct nhvbd_regs *r, const uint8_t *buf, size_t len);
	int (*hb_in)(void *ctx, struct nhvbd_regs *r, uint8_t *buf, size_t len);
};

#endif
