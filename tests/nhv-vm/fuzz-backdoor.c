/*
 * fuzz-backdoor.c - libFuzzer target for nhv-vm's backdoor dispatcher
 * (backdoor.c over handshake's host): the input is a run of calls, each
 * 1 byte of kind/CPL/size and 7 32-bit registers (EAX EBX ECX EDX ESI EDI
 * EBP); the upper halves hold a marker.  A byte of 0xFF in the kind slot
 * resets the guest.  Invariants: the only faults are #GP (CPL 3 with
 * restrict) and #UD (the other hypercall); registers outside EAX..EBP keep
 * their 64 bits; every written register is zero-extended; the channels,
 * the TCLO queue and the guestinfo store stay inside their bounds.
 */
#include <stdlib.h>
#include <string.h>
#include "userland/nhv-vm/backdoor.h"

static struct backdoor *b;

static void quiet(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
}

static const int slot[7] = { NHV_RAX, NHV_RBX, NHV_RCX, NHV_RDX, NHV_RSI, NHV_RDI, NHV_RBP };

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct backdoor_setup s = { .memsize_mb = 64, .tsc_khz = 1000000, .apic_hz = 1000000000u,
				    .hypercall = NHV_BACKDOOR_VMMCALL, .log = quiet };

	if (size < 1)
		return 0;
	s.restrict_cpl3 = data[0] & 1;
	b = backdoor_new(&s);
	if (!b)
		return 0;
	backdoor_guestinfo_set(b, "x", "value");
	backdoor_tclo(b, "OS_Halt");
	for (size_t off = 1; off + 29 <= size; off += 29) {
		const unsigned char *p = data + off;
		struct backdoor_call c = { .kind = p[0] & 3, .cpl = (p[0] >> 2) & 3,
					   .size = (p[0] & 0x30) == 0 ? 1 : (p[0] & 0x30) == 0x10 ? 2 : 4,
					   .port = (p[0] & 0x40) ? BDOOR_PORT + 1 : BDOOR_PORT };
		__u64 g[NHV_NR_GPRS], before[NHV_NR_GPRS];
		int r;

		if (p[0] == 0xff) {
			backdoor_reset(b);
			continue;
		}
		for (int i = 0; i < NHV_NR_GPRS; i++)
			g[i] = 0x5a5a5a5a00000000ULL | (unsigned int)i;
		for (int i = 0; i < 7; i++) {
			uint32_t v;

			memcpy(&v, p + 1 + 4 * i, 4);
			/* Mostly the magic and MESSAGE, so GuestRPC gets deep. */
			if (i == 0 && (p[0] & 0x80))
				v = BDOOR_MAGIC;
			g[slot[i]] = (g[slot[i]] & 0xffffffff00000000ULL) | v;
		}
		memcpy(before, g, sizeof(g));
		r = backdoor_call(b, g, &c);
		if (r != 0 && r != 6 && r != 13)
			abort();
		if (r == 13 && !(s.restrict_cpl3 && c.cpl == 3))
			abort();
		if (r == 6 && c.kind != NHV_BACKDOOR_VMCALL)
			abort();
		for (int i = 0; i < NHV_NR_GPRS; i++) {
			int ours = 0;

			for (int k = 0; k < 7; k++)
				ours |= slot[k] == i;
			if (!ours && g[i] != before[i])
				abort();
			if (ours && g[i] != before[i] && g[i] >> 32 && i != NHV_RAX)
				abort();
		}
		for (unsigned int i = 0; i < NHVBD_HOST_CHANNELS; i++)
			if (b->host.chan[i].send_len > GUESTMSG_MAX_IN_SIZE ||
			    b->host.chan[i].reply_len > GUESTMSG_MAX_IN_SIZE)
				abort();
		if (b->host.tclo_count > NHVBD_HOST_TCLO_QUEUE ||
		    b->host.guestinfo.used > NHVBD_KV_ARENA)
			abort();
	}
	backdoor_free(b);
	return 0;
}
