/*
 * bdoor.c - a multiboot guest that talks to nhv-vm's VMware backdoor
 * (tests/nhv-vm/l2-vmware.t), at CPL 0, by IN on 0x5658 and by the
 * hypercall CPUID 0x40000010 advertises:
 *   1. CPUID 0x40000000: the signature, the max leaf, the hypercall bits
 *   2. GETVERSION; an RPCI round trip "info-get guestinfo.bdtest"
 *   3. hostile: random registers through both paths (MESSAGE OPEN
 *      excluded, so channels stay countable), then malformed GuestRPC:
 *      steps on channels never opened, wrong cookies, a SENDSIZE above
 *      64 KiB, payload without a size, every channel opened and one more,
 *      double CLOSE
 *   4. the RPCI round trip again: it must still work (no stuck channel)
 * Every line goes to COM1; exit 0x21 through isa-debug-exit when the last
 * round trip answered, 0x22 when it did not.  The command-line word
 * "quick" makes 500 random calls a path instead of 20000 (Bochs).
 */
#include "guest.h"

#define MAGIC		0x564d5868u
#define PORT		0x5658u
#define CMD_GETVERSION	10u
#define CMD_MESSAGE	30u
#define RPCI		0x49435052u
#define FLAG_COOKIE	0x80000000u
#define ST_SUCCESS	0x0001u
#define ST_DORECV	0x0002u
#define CHANNELS	8

/* EBP, used only by the high-bandwidth port, is left alone. */
struct regs {
	uint32_t eax, ebx, ecx, edx, esi, edi;
};

static int use_hypercall;	/* 0 IN, 1 VMCALL, 2 VMMCALL */

static void in_call(struct regs *r)
{
	__asm__ volatile("inl %%dx, %%eax"
			 : "+a"(r->eax), "+b"(r->ebx), "+c"(r->ecx), "+d"(r->edx), "+S"(r->esi),
			   "+D"(r->edi) : : "memory");
}

static void hypercall(struct regs *r)
{
	if (use_hypercall == 1)
		__asm__ volatile("vmcall"
				 : "+a"(r->eax), "+b"(r->ebx), "+c"(r->ecx), "+d"(r->edx),
				   "+S"(r->esi), "+D"(r->edi) : : "memory");
	else
		__asm__ volatile("vmmcall"
				 : "+a"(r->eax), "+b"(r->ebx), "+c"(r->ecx), "+d"(r->edx),
				   "+S"(r->esi), "+D"(r->edi) : : "memory");
}

/* DX: the port for IN, BDOOR_FLAGS (0 = low bandwidth) for the hypercall. */
static void call(struct regs *r, int via_hypercall)
{
	if (via_hypercall && use_hypercall) {
		r->edx &= 0xffff0000u;
		hypercall(r);
	} else {
		r->edx = (r->edx & 0xffff0000u) | PORT;
		in_call(r);
	}
}

static uint32_t rng = 0x12345678u;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

struct chan {
	uint32_t id, hi, lo;
};

static uint32_t msg(struct chan *c, uint32_t type, uint32_t ebx, struct regs *out, int hc)
{
	struct regs r = { MAGIC, ebx, (type << 16) | CMD_MESSAGE, c->id << 16, c->hi, c->lo };

	call(&r, hc);
	if (out)
		*out = r;
	return r.ecx >> 16;
}

static int open_rpci(struct chan *c, int hc)
{
	struct regs r = { MAGIC, RPCI | FLAG_COOKIE, CMD_MESSAGE, 0, 0, 0 };

	call(&r, hc);
	if (!((r.ecx >> 16) & ST_SUCCESS))
		return -1;
	c->id = r.edx >> 16;
	c->hi = r.esi;
	c->lo = r.edi;
	return 0;
}

static uint32_t slen(const char *s)
{
	uint32_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* One RPCI request and its reply into buf; the reply's length, or -1. */
static int rpci(const char *req, char *buf, uint32_t cap, int hc)
{
	struct chan c;
	struct regs r;
	uint32_t n = slen(req), len;

	if (open_rpci(&c, hc))
		return -1;
	if (!(msg(&c, 1, n, 0, hc) & ST_SUCCESS))
		return -1;
	for (uint32_t i = 0; i < n; i += 4) {
		uint32_t w = 0;

		for (uint32_t k = 0; k < 4 && i + k < n; k++)
			w |= (uint32_t)(uint8_t)req[i + k] << (8 * k);
		if (!(msg(&c, 2, w, 0, hc) & ST_SUCCESS))
			return -1;
	}
	if (!(msg(&c, 3, 0, &r, hc) & ST_DORECV))
		return -1;
	len = r.ebx;
	for (uint32_t i = 0; i < len; i += 4) {
		if (!(msg(&c, 4, ST_SUCCESS, &r, hc) & ST_SUCCESS))
			return -1;
		for (uint32_t k = 0; k < 4 && i + k < len; k++)
			if (i + k + 1 < cap)
				buf[i + k] = (char)(r.ebx >> (8 * k));
	}
	buf[len + 1 < cap ? len : cap - 1] = 0;
	msg(&c, 5, ST_SUCCESS, 0, hc);
	msg(&c, 6, 0, 0, hc);
	return (int)len;
}

static void say(const char *what, uint32_t v)
{
	puts_serial(what);
	put_hex(v);
	puts_serial("\n");
}

static void round_trip(const char *tag, int hc)
{
	char reply[128];
	int n = rpci("info-get guestinfo.bdtest", reply, sizeof(reply), hc);

	puts_serial(tag);
	if (n < 0) {
		puts_serial("no reply\n");
		return;
	}
	puts_serial("[");
	puts_serial(reply);
	puts_serial("]\n");
}

static void random_calls(int hc, unsigned int count)
{
	for (unsigned int i = 0; i < count; i++) {
		struct regs r = { rnd(), rnd(), rnd(), rnd(), rnd(), rnd() };

		if (i % 2)
			r.eax = MAGIC;
		if (i % 4 == 1)
			r.ecx = (r.ecx & 0xffff0000u) | CMD_MESSAGE;
		/* No MESSAGE OPEN: channels opened at random could not be closed. */
		if ((r.ecx & 0xffffu) == CMD_MESSAGE && (r.ecx >> 16) == 0)
			r.ecx |= 6u << 16;
		call(&r, hc);
	}
}

static void malformed(void)
{
	struct chan c[CHANNELS + 1], bogus = { 5, 1, 2 };
	uint32_t refused = 0, opened = 0;
	struct regs r;

	for (uint32_t t = 1; t <= 6; t++)		/* a channel never opened */
		refused += !(msg(&bogus, t, 0, 0, 0) & ST_SUCCESS);
	if (!open_rpci(&c[0], 0)) {
		struct chan wrong = c[0];

		wrong.lo ^= 1;				/* wrong cookie */
		refused += !(msg(&wrong, 1, 4, 0, 0) & ST_SUCCESS);
		refused += !(msg(&c[0], 1, 65537, 0, 0) & ST_SUCCESS);	/* above 64 KiB */
		refused += !(msg(&c[0], 2, 0x41414141, 0, 0) & ST_SUCCESS);	/* no size */
		refused += !(msg(&c[0], 4, ST_SUCCESS, &r, 0) & ST_SUCCESS);	/* nothing to read */
		msg(&c[0], 6, 0, 0, 0);
		refused += !(msg(&c[0], 6, 0, 0, 0) & ST_SUCCESS);	/* closed twice */
	}
	for (uint32_t i = 0; i <= CHANNELS; i++)
		if (!open_rpci(&c[i], 0))
			opened++;
	say("bdoor: channels opened of 9 tried ", opened);
	for (uint32_t i = 0; i < opened; i++)
		msg(&c[i], 6, 0, 0, 0);
	say("bdoor: malformed steps refused ", refused);
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	uint32_t a, b, c, d;
	struct regs r = { MAGIC, ~MAGIC, CMD_GETVERSION, 0, 0, 0 };
	unsigned int count = magic == MB_BOOT_MAGIC && cmdline_has(mbi, "quick") ? 500 : 20000;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x40000000u), "c"(0));
	puts_serial("bdoor: signature ");
	for (int i = 0; i < 4; i++)
		putc_serial((char)(b >> (8 * i)));
	for (int i = 0; i < 4; i++)
		putc_serial((char)(c >> (8 * i)));
	for (int i = 0; i < 4; i++)
		putc_serial((char)(d >> (8 * i)));
	say(" max ", a);
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x40000010u), "c"(0));
	say("bdoor: 0x40000010 ecx ", c);
	use_hypercall = (c & 2) ? 1 : (c & 1) ? 2 : 0;
	call(&r, 0);
	say("bdoor: GETVERSION eax ", r.eax);
	say("bdoor: GETVERSION ebx ", r.ebx);
	round_trip("bdoor: rpci in ", 0);
	if (use_hypercall)
		round_trip("bdoor: rpci hypercall ", 1);
	random_calls(0, count);
	if (use_hypercall)
		random_calls(1, count);
	puts_serial("bdoor: random calls done\n");
	malformed();
	{
		char reply[128];
		int n = rpci("info-get guestinfo.bdtest", reply, sizeof(reply), 0);

		puts_serial("bdoor: rpci after ");
		puts_serial(n < 0 ? "no reply" : reply);
		puts_serial("\n");
		debug_exit(n < 0 ? 0x22 : 0x21);
	}
	return 0;
}
