/*
 * message.c - GuestRPC message channel, guest side.  The step order and the
 * retry rule follow open-vm-tools lib/message/message.c as described in the
 * reference (3.2, 3.3); the code is nhv's own.
 */
#include <string.h>

#include "handshake/message.h"
#include "handshake/bdoor_def.h"
#include "handshake/nhvbd_err.h"

/* One MESSAGE step on an open channel; returns the status (ECX high). */
static int step(struct nhvbd_chan *c, uint32_t type, uint32_t ebx, struct nhvbd_regs *r)
{
	int err;

	r->eax = BDOOR_MAGIC;
	r->ebx = ebx;
	r->ecx = BDOOR_ECX(BDOOR_CMD_MESSAGE, type);
	r->edx = ((uint32_t)c->id << 16) | BDOOR_PORT;
	r->esi = c->cookie_hi;
	r->edi = c->cookie_lo;
	r->ebp = 0;
	err = c->t->lb(c->t->ctx, r);
	if (err)
		return err;
	return 0;
}

static uint32_t status_of(const struct nhvbd_regs *r)
{
	return r->ecx >> 16;
}

/* What a status without SUCCESS means.  1 = retry the whole operation. */
static int failure(uint32_t status)
{
	if (status & MESSAGE_STATUS_CPT)
		return 1;
	if (status & MESSAGE_STATUS_POWEROFF)
		return NHVBD_EPOWEROFF;
	if (status & MESSAGE_STATUS_CLOSED)
		return NHVBD_ECLOSED;
	if (status & MESSAGE_STATUS_TIMEOUT)
		return NHVBD_ETIMEOUT;
	if (status & MESSAGE_STATUS_UNSENT)
		return 1;
	return NHVBD_EFAILED;
}

static int try_open(struct nhvbd_chan *c, uint32_t ebx)
{
	struct nhvbd_regs r = {
		.eax = BDOOR_MAGIC, .ebx = ebx,
		.ecx = BDOOR_ECX(BDOOR_CMD_MESSAGE, MESSAGE_TYPE_OPEN),
		.edx = BDOOR_PORT, .esi = 0, .edi = 0, .ebp = 0,
	};
	int err = c->t->lb(c->t->ctx, &r);

	if (err)
		return err;
	if (!(status_of(&r) & MESSAGE_STATUS_SUCCESS) || r.eax == BDOOR_NO_DEVICE)
		return NHVBD_ENOMSG;
	c->id = (uint16_t)(r.edx >> 16);
	if (ebx & GUESTMSG_FLAG_COOKIE) {
		c->cookie_hi = r.esi;
		c->cookie_lo = r.edi;
	} else {
		c->cookie_hi = 0;
		c->cookie_lo = 0;
	}
	c->open = 1;
	return 0;
}

int nhvbd_msg_open(struct nhvbd_chan *c, const struct nhvbd_transport *t, uint32_t proto)
{
	int err;

	if (!c || !t || !t->lb)
		return NHVBD_EINVAL;
	memset(c, 0, sizeof(*c));
	c->t = t;
	c->proto = proto;
	c->use_hb = 1;
	err = try_open(c, proto | GUESTMSG_FLAG_COOKIE);
	if (err == NHVBD_ENOMSG)
		err = try_open(c, proto);
	return err;
}

static int send_lb(struct nhvbd_chan *c, const uint8_t *p, size_t len)
{
	struct nhvbd_regs r;
	size_t off;
	int err;

	for (off = 0; off < len; off += 4) {
		uint32_t word = 0;
		size_t n = len - off < 4 ? len - off : 4, i;

		for (i = 0; i < n; i++)
			word |= (uint32_t)p[off + i] << (8 * i);
		err = step(c, MESSAGE_TYPE_SENDPAYLOAD, word, &r);
		if (err)
			return err;
		if (!(status_of(&r) & MESSAGE_STATUS_SUCCESS))
			return failure(status_of(&r));
	}
	return 0;
}

static int send_hb(struct nhvbd_chan *c, const uint8_t *p, size_t len)
{
	struct nhvbd_regs r = {
		.eax = BDOOR_MAGIC,
		.ebx = (MESSAGE_STATUS_SUCCESS << 16) | BDOORHB_CMD_MESSAGE,
		.ecx = (uint32_t)len,
		.edx = ((uint32_t)c->id << 16) | BDOORHB_PORT,
		.esi = 0, .edi = c->cookie_lo, .ebp = c->cookie_hi,
	};
	int err = c->t->hb_out(c->t->ctx, &r, p, len);

	if (err)
		return err;
	if (!((r.ebx >> 16) & MESSAGE_STATUS_SUCCESS))
		return failure(r.ebx >> 16);
	return 0;
}

int nhvbd_msg_send(struct nhvbd_chan *c, const void *buf, size_t len)
{
	struct nhvbd_regs r;
	unsigned tries;
	int err;

	if (!c || !c->open || (len && !buf))
		return NHVBD_EINVAL;
	if (len > GUESTMSG_MAX_IN_SIZE)
		return NHVBD_ETOOBIG;
	for (tries = 0; tries <= NHVBD_MSG_MAX_RETRIES; tries++) {
		uint32_t st;

		if (tries)
			c->retries++;
		err = step(c, MESSAGE_TYPE_SENDSIZE, (uint32_t)len, &r);
		if (err)
			return err;
		st = status_of(&r);
		if (!(st & MESSAGE_STATUS_SUCCESS)) {
			err = failure(st);
			if (err == 1)
				continue;
			return err;
		}
		if ((st & MESSAGE_STATUS_HB) && c->use_hb && c->t->hb_out && len)
			err = send_hb(c, buf, len);
		else
			err = send_lb(c, buf, len);
		if (err == 1)
			continue;
		return err;
	}
	return NHVBD_ECPT;
}

/* Tells the host the receive failed, so it drops the message. */
static void receive_abort(struct nhvbd_chan *c)
{
	struct nhvbd_regs r;

	step(c, MESSAGE_TYPE_RECVSTATUS, 0, &r);
}

static int receive_lb(struct nhvbd_chan *c, uint8_t *p, size_t len)
{
	struct nhvbd_regs r;
	size_t off;
	int err;

	for (off = 0; off < len; off += 4) {
		size_t n = len - off < 4 ? len - off : 4, i;

		err = step(c, MESSAGE_TYPE_RECVPAYLOAD, MESSAGE_STATUS_SUCCESS, &r);
		if (err)
			return err;
		if (!(status_of(&r) & MESSAGE_STATUS_SUCCESS))
			return failure(status_of(&r));
		if ((r.edx >> 16) != MESSAGE_TYPE_SENDPAYLOAD)
			return NHVBD_EPROTO;
		for (i = 0; i < n; i++)
			p[off + i] = (uint8_t)(r.ebx >> (8 * i));
	}
	return 0;
}

static int receive_hb(struct nhvbd_chan *c, uint8_t *p, size_t len)
{
	struct nhvbd_regs r = {
		.eax = BDOOR_MAGIC,
		.ebx = (MESSAGE_STATUS_SUCCESS << 16) | BDOORHB_CMD_MESSAGE,
		.ecx = (uint32_t)len,
		.edx = ((uint32_t)c->id << 16) | BDOORHB_PORT,
		.esi = c->cookie_hi, .edi = 0, .ebp = c->cookie_lo,
	};
	int err = c->t->hb_in(c->t->ctx, &r, p, len);

	if (err)
		return err;
	if (!((r.ebx >> 16) & MESSAGE_STATUS_SUCCESS))
		return failure(r.ebx >> 16);
	return 0;
}

static int receive(struct nhvbd_chan *c, char *buf, size_t cap, size_t *len)
{
	struct nhvbd_regs r;
	unsigned tries;
	int err;

	for (tries = 0; tries <= NHVBD_MSG_MAX_RETRIES; tries++) {
		uint32_t st, size;

		if (tries)
			c->retries++;
		err = step(c, MESSAGE_TYPE_RECVSIZE, 0, &r);
		if (err)
			return err;
		st = status_of(&r);
		if (!(st & MESSAGE_STATUS_SUCCESS)) {
			err = failure(st);
			if (err == 1)
				continue;
			return err;
		}
		if (!(st & MESSAGE_STATUS_DORECV))
			return 0;
		if ((r.edx >> 16) != MESSAGE_TYPE_SENDSIZE) {
			receive_abort(c);
			return NHVBD_EPROTO;
		}
		size = r.ebx;
		if (size > GUESTMSG_MAX_IN_SIZE || (size_t)size >= cap) {
			receive_abort(c);
			return NHVBD_ETOOBIG;
		}
		if ((st & MESSAGE_STATUS_HB) && c->use_hb && c->t->hb_in && size)
			err = receive_hb(c, (uint8_t *)buf, size);
		else
			err = receive_lb(c, (uint8_t *)buf, size);
		if (err == 1)
			continue;
		if (err) {
			if (err == NHVBD_EPROTO || err == NHVBD_EFAILED)
				receive_abort(c);
			return err;
		}
		err = step(c, MESSAGE_TYPE_RECVSTATUS, MESSAGE_STATUS_SUCCESS, &r);
		if (err)
			return err;
		st = status_of(&r);
		if (!(st & MESSAGE_STATUS_SUCCESS)) {
			err = failure(st);
			if (err == 1)
				continue;
			return err;
		}
		buf[size] = '\0';
		*len = size;
		return 0;
	}
	return NHVBD_ECPT;
}

int nhvbd_msg_receive(struct nhvbd_chan *c, char *buf, size_t cap, size_t *len)
{
	int err;

	if (!c || !c->open || !buf || !cap || !len)
		return NHVBD_EINVAL;
	*len = 0;
	err = receive(c, buf, cap, len);
	/* Whatever a failed or retried attempt left behind is not a message. */
	if (err || *len == 0) {
		*len = 0;
		buf[0] = '\0';
	}
	return err;
}

int nhvbd_msg_close(struct nhvbd_chan *c)
{
	struct nhvbd_regs r;
	int err;

	if (!c || !c->open)
		return NHVBD_EINVAL;
	c->open = 0;
	err = step(c, MESSAGE_TYPE_CLOSE, 0, &r);
	if (err)
		return err;
	return (status_of(&r) & MESSAGE_STATUS_SUCCESS) ? 0 : NHVBD_EFAILED;
}
