/*
 * fuzz-client.c - libFuzzer target: the guest side (commands, GuestRPC
 * channel, RPCI, TCLO) against a host whose every answer comes from the
 * input.  Each LB call takes 1 mode byte and then the registers it
 * overwrites: mode bit i set = register i (EAX, EBX, ECX, EDX, ESI, EDI)
 * replaced by the next 4 input bytes, so the fuzzer can keep the caller's
 * values (a plausible host) or lie in any register.  HB transfers take a
 * status word and then the bytes.  When the input ends, the "host" faults,
 * as an empty machine would.  The client must return, with its outputs
 * within bounds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handshake/bdoor_def.h"
#include "handshake/commands.h"
#include "handshake/facts.h"
#include "handshake/message.h"
#include "handshake/nhvbd_err.h"
#include "handshake/rpci.h"
#include "handshake/tclo.h"

struct src {
	const uint8_t *p;
	size_t n;
	unsigned long calls;
};

static int take(struct src *s, void *out, size_t len)
{
	if (s->n < len)
		return -1;
	memcpy(out, s->p, len);
	s->p += len;
	s->n -= len;
	return 0;
}

static int lb(void *ctx, struct nhvbd_regs *r)
{
	struct src *s = ctx;
	uint32_t *reg[6] = { &r->eax, &r->ebx, &r->ecx, &r->edx, &r->esi, &r->edi };
	uint8_t mode;
	int i;

	s->calls++;
	if (take(s, &mode, 1))
		return NHVBD_EFAULT;
	for (i = 0; i < 6; i++)
		if (mode & (1u << i))
			if (take(s, reg[i], 4))
				return NHVBD_EFAULT;
	return 0;
}

static int hb(struct src *s, struct nhvbd_regs *r, uint8_t *buf, size_t len)
{
	s->calls++;
	if (take(s, &r->ebx, 4))
		return NHVBD_EFAULT;
	if (buf) {
		size_t have = s->n < len ? s->n : len;

		memcpy(buf, s->p, have);
		s->p += have;
		s->n -= have;
	}
	return 0;
}

static int hb_out(void *ctx, struct nhvbd_regs *r, const uint8_t *buf, size_t len)
{
	volatile uint8_t sum = 0;
	size_t i;

	for (i = 0; i < len; i++)	/* the client's buffer must be readable */
		sum ^= buf[i];
	(void)sum;
	return hb(ctx, r, NULL, len);
}

static int hb_in(void *ctx, struct nhvbd_regs *r, uint8_t *buf, size_t len)
{
	return hb(ctx, r, buf, len);
}

static char reply[GUESTMSG_MAX_IN_SIZE + 1];

static void fail(const char *what)
{
	fprintf(stderr, "fuzz-client: %s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct src s = { data, size, 0 };
	struct nhvbd_transport t = { &s, lb, hb_out, hb_in };
	struct nhvbd_version v;
	struct nhvbd_hz hz;
	struct nhvbd_time tm;
	struct nhvbd_tclo tc;
	uint8_t uuid[16];
	uint32_t x;
	size_t len;
	int err;

	nhvbd_get_version(&t, &v);
	nhvbd_get_uuid(&t, uuid);
	nhvbd_get_hz(&t, &hz);
	nhvbd_get_time_full(&t, &tm);
	nhvbd_nesting_control(&t, NESTING_CONTROL_QUERY, &x);
	{
		static char text[512];
		struct nhvbd_facts f;

		nhvbd_facts_collect(&t, &f);
		if (nhvbd_facts_format(&f, text, sizeof(text)) >= sizeof(text) ||
		    strlen(text) >= sizeof(text))
			fail("facts text beyond its buffer");
	}

	err = nhvbd_info_get(&t, "nhv.hostname", reply, sizeof(reply));
	if (strlen(reply) >= sizeof(reply) || (err != 0 && err != NHVBD_ERPC && reply[0]))
		fail("info-get left text in the reply on a transport error");
	err = nhvbd_rpci(&t, "tools.set.version 2147483647", reply, 16);
	if (strlen(reply) >= 16)
		fail("rpci wrote beyond its 16-byte reply");

	if (nhvbd_tclo_open(&tc, &t) == 0) {
		int i;

		for (i = 0; i < 4; i++) {
			char cmd[600], *name, *args;

			if (nhvbd_tclo_poll(&tc, cmd, sizeof(cmd), &len) != 0)
				break;
			if (len >= sizeof(cmd) || strlen(cmd) != len)
				fail("TCLO command longer than the buffer or with a NUL inside");
			nhvbd_tclo_split(cmd, &name, &args);
			if (!nhvbd_tclo_answer_builtin(&tc, name, TCLO_APP_NAME))
				nhvbd_tclo_set_result(&tc, 0, TCLO_UNKNOWN_COMMAND);
		}
		nhvbd_tclo_close(&tc);
	}
	/* Each call ends when the input does; more calls than input bytes
	 * would mean a loop that does not consume the host's answers. */
	if (s.calls > size + 64)
		fail("more backdoor calls than input bytes: a loop that ignores the host");
	return 0;
}
