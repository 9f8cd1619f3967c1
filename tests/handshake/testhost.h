/*
 * testhost.h - shared helpers for the handshake tests: a libnhvbd host with
 * a fixed identity, raw MESSAGE steps on it, and a "meddling" transport
 * that passes calls to the host and then lets a test rewrite the answer
 * (to play a host that checkpoints, closes, lies about lengths, ...).
 */
#ifndef NHV_TESTHOST_H
#define NHV_TESTHOST_H

#include <string.h>

#include "handshake/bdoor_def.h"
#include "handshake/host.h"
#include "handshake/nhvbd_err.h"
#include "handshake/transport_mem.h"

static const uint8_t test_uuid[16] = {
	0x56, 0x4d, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
	0xde, 0xf0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
};

static inline int test_now(void *ctx, uint64_t *usec)
{
	(void)ctx;
	*usec = 1700000000ull * 1000000ull + 123456u;
	return 0;
}

static inline void test_config(struct nhvbd_host_config *c, int hb)
{
	memset(c, 0, sizeof(*c));
	c->version = BDOOR_VERSION_MAGIC;
	c->vmx_type = VMX_TYPE_SCALABLE_SERVER;
	c->hw_version = 19;
	memcpy(c->uuid, test_uuid, 16);
	c->memsize_mb = 2048;
	c->tsc_hz = 2900000000ull;
	c->apic_hz = 1000000000u;
	c->vcpu_info = 1u << BDOOR_CMD_VCPU_LEGACY_X2APIC_OK;
	c->build_num = 24022510;
	c->nesting_query = 2;
	c->offer_hb = hb;
	c->seed = 12345;
	c->now_usec = test_now;
}

/* One raw MESSAGE step; returns the status (ECX high 16). */
static inline uint32_t raw_msg(struct nhvbd_host *h, uint32_t type, uint32_t chan, uint32_t hi,
			uint32_t lo, uint32_t ebx, struct nhvbd_regs *out)
{
	struct nhvbd_regs r = {
		.eax = BDOOR_MAGIC, .ebx = ebx, .ecx = BDOOR_ECX(BDOOR_CMD_MESSAGE, type),
		.edx = (chan << 16) | BDOOR_PORT, .esi = hi, .edi = lo, .ebp = 0,
	};

	nhvbd_host_io(h, &r, 3);
	if (out)
		*out = r;
	return r.ecx >> 16;
}

/* The meddling transport. */
struct meddle {
	struct nhvbd_transport t;
	struct nhvbd_mem_transport mem;
	unsigned calls;
	/* Called after the host answered an LB MESSAGE step of type `type`
	 * (or 100 + 0/1 for HB out/in); may rewrite r. */
	void (*after)(struct meddle *m, uint32_t type, struct nhvbd_regs *r);
	int state;
};

static inline int meddle_lb(void *ctx, struct nhvbd_regs *r)
{
	struct meddle *m = ctx;
	uint32_t type = BDOOR_SUBCMD(r->ecx), cmd = BDOOR_CMD(r->ecx);
	int err;

	m->calls++;
	err = m->mem.t.lb(m->mem.t.ctx, r);
	if (!err && m->after && cmd == BDOOR_CMD_MESSAGE)
		m->after(m, type, r);
	return err;
}

static inline int meddle_hb_out(void *ctx, struct nhvbd_regs *r, const uint8_t *buf, size_t len)
{
	struct meddle *m = ctx;
	int err;

	m->calls++;
	err = m->mem.t.hb_out(m->mem.t.ctx, r, buf, len);
	if (!err && m->after)
		m->after(m, 100, r);
	return err;
}

static inline int meddle_hb_in(void *ctx, struct nhvbd_regs *r, uint8_t *buf, size_t len)
{
	struct meddle *m = ctx;
	int err;

	m->calls++;
	err = m->mem.t.hb_in(m->mem.t.ctx, r, buf, len);
	if (!err && m->after)
		m->after(m, 101, r);
	return err;
}

static inline void meddle_init(struct meddle *m, struct nhvbd_host *h)
{
	memset(m, 0, sizeof(*m));
	nhvbd_mem_transport_init(&m->mem, h, 3);
	m->t.ctx = m;
	m->t.lb = meddle_lb;
	m->t.hb_out = meddle_hb_out;
	m->t.hb_in = meddle_hb_in;
}

#endif
