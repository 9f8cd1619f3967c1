/*
 * host_bdoor.c - backdoor command dispatch, host side (reference section 2
 * for what each command returns in which register), plus the host's small
 * public helpers.  MESSAGE goes to host_msg.c.
 */
#include <string.h>

#include "handshake/host.h"
#include "handshake/nhvbd_err.h"

/* xorshift32: cookies only need to be unguessable by accident, not by a
 * determined guest (a guest can read its own channel's cookies anyway). */
static uint32_t next_random(struct nhvbd_host *h)
{
	uint32_t x;

	if (h->cfg.random32)
		return h->cfg.random32(h->cfg.ctx);
	x = h->rng;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	h->rng = x;
	return x;
}

uint32_t nhvbd_host_random(struct nhvbd_host *h)
{
	return next_random(h);
}

void nhvbd_host_init(struct nhvbd_host *h, const struct nhvbd_host_config *cfg)
{
	unsigned i;

	h->cfg = *cfg;
	h->rng = cfg->seed ? cfg->seed : 0x9E3779B9u;
	for (i = 0; i < NHVBD_HOST_CHANNELS; i++) {
		h->chan[i].in_use = 0;
		h->chan[i].sending = 0;
		h->chan[i].reply_ready = 0;
		h->chan[i].tclo_outstanding = 0;
	}
	h->tclo_head = 0;
	h->tclo_count = 0;
	nhvbd_kv_init(&h->guestinfo);
	memset(&h->tools, 0, sizeof(h->tools));
}

void nhvbd_host_emit(struct nhvbd_host *h, enum nhvbd_host_event_type type, const char *key,
		     const char *text, uint32_t num, uint32_t num2)
{
	struct nhvbd_host_event ev = { type, key, text, num, num2 };

	if (h->cfg.on_event)
		h->cfg.on_event(h->cfg.ctx, &ev);
}

static void get_time(struct nhvbd_host *h, struct nhvbd_regs *r, int full)
{
	uint64_t usec, sec;

	if (!h->cfg.now_usec || h->cfg.now_usec(h->cfg.ctx, &usec) != 0) {
		r->eax = BDOOR_NO_DEVICE;
		return;
	}
	sec = usec / 1000000u;
	r->ebx = (uint32_t)(usec % 1000000u);
	r->ecx = 0;	/* max time lag: none, the device model answers at once */
	if (full) {
		r->esi = (uint32_t)(sec >> 32);
		r->edx = (uint32_t)sec;	/* EAX stays = magic: success */
	} else {
		r->eax = (uint32_t)sec;
		r->edx = 0;	/* UTC offset in minutes: the host clock is UTC */
	}
}

int nhvbd_host_io(struct nhvbd_host *h, struct nhvbd_regs *r, int cpl)
{
	const struct nhvbd_host_config *c = &h->cfg;

	if (c->restrict_backdoor && cpl == 3)
		return NHVBD_HOST_GP;
	if (r->eax != BDOOR_MAGIC) {
		r->eax = BDOOR_NO_DEVICE;
		return NHVBD_HOST_DONE;
	}
	switch (BDOOR_CMD(r->ecx)) {
	case BDOOR_CMD_GETVERSION:
		r->eax = c->version;
		r->ebx = BDOOR_MAGIC;
		r->ecx = c->vmx_type;
		break;
	case BDOOR_CMD_GETHWVERSION:
		if (!c->hw_version) {
			r->eax = BDOOR_NO_DEVICE;
			break;
		}
		r->eax = c->hw_version;
		r->ebx = BDOOR_MAGIC;
		break;
	case BDOOR_CMD_GETUUID:
		r->eax = (uint32_t)c->uuid[0] | (uint32_t)c->uuid[1] << 8 |
			 (uint32_t)c->uuid[2] << 16 | (uint32_t)c->uuid[3] << 24;
		r->ebx = (uint32_t)c->uuid[4] | (uint32_t)c->uuid[5] << 8 |
			 (uint32_t)c->uuid[6] << 16 | (uint32_t)c->uuid[7] << 24;
		r->ecx = (uint32_t)c->uuid[8] | (uint32_t)c->uuid[9] << 8 |
			 (uint32_t)c->uuid[10] << 16 | (uint32_t)c->uuid[11] << 24;
		r->edx = (uint32_t)c->uuid[12] | (uint32_t)c->uuid[13] << 8 |
			 (uint32_t)c->uuid[14] << 16 | (uint32_t)c->uuid[15] << 24;
		break;
	case BDOOR_CMD_GETMEMSIZE:
		r->eax = c->memsize_mb;
		break;
	case BDOOR_CMD_GETMHZ:
		r->eax = c->tsc_hz ? (uint32_t)(c->tsc_hz / 1000000u) : BDOOR_NO_DEVICE;
		break;
	case BDOOR_CMD_GETHZ:
		if (!c->tsc_hz) {
			r->ebx = 0xFFFFFFFFu;
			break;
		}
		r->eax = (uint32_t)c->tsc_hz;
		r->ebx = (uint32_t)(c->tsc_hz >> 32);
		r->ecx = c->apic_hz;
		break;
	case BDOOR_CMD_GETTIME:
		get_time(h, r, 0);
		break;
	case BDOOR_CMD_GETTIMEFULL:
		get_time(h, r, 1);
		break;
	case BDOOR_CMD_GET_VCPU_INFO:
		r->eax = c->vcpu_info;
		break;
	case BDOOR_CMD_GETBUILDNUM:
		r->eax = c->build_num;
		break;
	case BDOOR_CMD_NESTING_CONTROL:
		r->eax = BDOOR_SUBCMD(r->ecx) == NESTING_CONTROL_QUERY ? c->nesting_query
								       : BDOOR_NO_DEVICE;
		break;
	case BDOOR_CMD_MESSAGE:
		nhvbd_host_message(h, r);
		break;
	default:
		r->eax = BDOOR_NO_DEVICE;
		break;
	}
	return NHVBD_HOST_DONE;
}

int nhvbd_host_tclo_queue(struct nhvbd_host *h, const char *cmd)
{
	size_t len = cmd ? strlen(cmd) : 0;

	if (!len)
		return NHVBD_EINVAL;
	if (len >= NHVBD_HOST_TCLO_CMD_MAX)
		return NHVBD_ETOOBIG;
	if (h->tclo_count >= NHVBD_HOST_TCLO_QUEUE)
		return NHVBD_ENOSPACE;
	memcpy(h->tclo_queue[(h->tclo_head + h->tclo_count) % NHVBD_HOST_TCLO_QUEUE], cmd,
	       len + 1);
	h->tclo_count++;
	return 0;
}

void nhvbd_host_checkpoint(struct nhvbd_host *h)
{
	unsigned i;

	for (i = 0; i < NHVBD_HOST_CHANNELS; i++)
		if (h->chan[i].in_use)
			h->chan[i].cpt_pending = 1;
}

int nhvbd_host_guestinfo_set(struct nhvbd_host *h, const char *key, const char *value)
{
	if (!key || strncmp(key, "guestinfo.", 10) != 0 || !value)
		return NHVBD_EINVAL;
	/* "1 " and the value must fit one GuestRPC message. */
	if (strlen(value) + 2 > GUESTMSG_MAX_IN_SIZE)
		return NHVBD_ETOOBIG;
	return nhvbd_kv_set(&h->guestinfo, key, value, strlen(value));
}

const char *nhvbd_host_guestinfo_get(const struct nhvbd_host *h, const char *key)
{
	return key ? nhvbd_kv_get(&h->guestinfo, key) : NULL;
}
