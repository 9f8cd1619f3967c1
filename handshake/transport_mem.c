/*
 * transport_mem.c - the in-memory transport: guest calls go straight to
 * nhvbd_host_io/hb_out/hb_in; a #GP decision becomes NHVBD_EFAULT.
 */
#include "handshake/transport_mem.h"
#include "handshake/nhvbd_err.h"

static int mem_lb(void *ctx, struct nhvbd_regs *r)
{
	struct nhvbd_mem_transport *m = ctx;

	m->lb_calls++;
	if ((r->edx & 0xFFFFu) != BDOOR_PORT)
		return NHVBD_EFAULT;
	return nhvbd_host_io(m->host, r, m->cpl) == NHVBD_HOST_GP ? NHVBD_EFAULT : 0;
}

static int mem_hb_out(void *ctx, struct nhvbd_regs *r, const uint8_t *buf, size_t len)
{
	struct nhvbd_mem_transport *m = ctx;

	m->hb_calls++;
	if ((r->edx & 0xFFFFu) != BDOORHB_PORT || len != r->ecx)
		return NHVBD_EFAULT;
	return nhvbd_host_hb_out(m->host, r, m->cpl, buf, len) == NHVBD_HOST_GP ? NHVBD_EFAULT : 0;
}

static int mem_hb_in(void *ctx, struct nhvbd_regs *r, uint8_t *buf, size_t len)
{
	struct nhvbd_mem_transport *m = ctx;

	m->hb_calls++;
	if ((r->edx & 0xFFFFu) != BDOORHB_PORT || len != r->ecx)
		return NHVBD_EFAULT;
	return nhvbd_host_hb_in(m->host, r, m->cpl, buf, len) == NHVBD_HOST_GP ? NHVBD_EFAULT : 0;
}

void nhvbd_mem_transport_init(struct nhvbd_mem_transport *m, struct nhvbd_host *host, int cpl)
{
	m->t.ctx = m;
	m->t.lb = mem_lb;
	m->t.hb_out = mem_hb_out;
	m->t.hb_in = mem_hb_in;
	m->host = host;
	m->cpl = cpl;
	m->lb_calls = 0;
	m->hb_calls = 0;
}
