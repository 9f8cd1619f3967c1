/*
 * host_msg.c - the GuestRPC state machine, host side (BDOOR_CMD_MESSAGE on
 * 0x5658 and BDOORHB_CMD_MESSAGE on 0x5659; reference 3.2, 3.3, 3.5).
 *
 * Per channel: a guest-to-host message being assembled (SENDSIZE then
 * SENDPAYLOAD words, or one HB transfer) and a host-to-guest message being
 * read (RECVSIZE, RECVPAYLOAD words or one HB transfer, RECVSTATUS).
 * A step that does not fit the channel's state, names a channel that is not
 * open or carries the wrong cookies is refused: status 0, nothing changes.
 */
#include <string.h>

#include "handshake/host.h"

static void set_status(struct nhvbd_regs *r, uint32_t status)
{
	r->ecx = status << 16;
}

static struct nhvbd_host_chan *lookup(struct nhvbd_host *h, uint32_t edx, uint32_t hi,
				      uint32_t lo)
{
	uint32_t id = edx >> 16;
	struct nhvbd_host_chan *c;

	if (id >= NHVBD_HOST_CHANNELS)
		return NULL;
	c = &h->chan[id];
	if (!c->in_use)
		return NULL;
	if (c->cookies && (c->cookie_hi != hi || c->cookie_lo != lo))
		return NULL;
	return c;
}

static void reset_transfers(struct nhvbd_host_chan *c)
{
	c->sending = 0;
	c->send_pos = 0;
	c->reply_sized = 0;
	c->reply_pos = 0;
}

static void set_reply(struct nhvbd_host_chan *c, const char *text, size_t len)
{
	memcpy(c->reply_buf, text, len);
	c->reply_len = (uint32_t)len;
	c->reply_pos = 0;
	c->reply_sized = 0;
	c->reply_ready = 1;
}

/* The RPCI reply text is built straight into the channel's reply buffer. */
static void message_complete(struct nhvbd_host *h, struct nhvbd_host_chan *c)
{
	c->sending = 0;
	c->send_buf[c->send_len] = '\0';
	if (c->proto == RPCI_PROTOCOL_NUM) {
		size_t n = nhvbd_host_rpci(h, (const char *)c->send_buf, c->send_len,
					   (char *)c->reply_buf, sizeof(c->reply_buf) - 1);

		c->reply_len = (uint32_t)n;
		c->reply_pos = 0;
		c->reply_sized = 0;
		c->reply_ready = 1;
		return;
	}
	/* TCLO: a message answers the outstanding command; otherwise it is a
	 * poll (the first, empty one announces the guest). */
	if (c->tclo_outstanding) {
		size_t n = c->send_len < NHVBD_HOST_TCLO_CMD_MAX - 1 ? c->send_len
								      : NHVBD_HOST_TCLO_CMD_MAX - 1;

		memcpy(h->tools.last_result, c->send_buf, n);
		h->tools.last_result[n] = '\0';
		c->tclo_outstanding = 0;
		nhvbd_host_emit(h, NHVBD_EV_TCLO_RESULT, c->tclo_cmd, h->tools.last_result, 0, 0);
	}
}

/* TCLO: hand the next queued command to a polling channel. */
static void tclo_fill(struct nhvbd_host *h, struct nhvbd_host_chan *c)
{
	const char *cmd;
	size_t len;

	if (c->proto != TCLO_PROTOCOL_NUM || c->reply_ready || c->tclo_outstanding ||
	    !h->tclo_count)
		return;
	cmd = h->tclo_queue[h->tclo_head];
	len = strlen(cmd);
	memcpy(c->tclo_cmd, cmd, len + 1);
	set_reply(c, cmd, len);
	h->tclo_head = (h->tclo_head + 1) % NHVBD_HOST_TCLO_QUEUE;
	h->tclo_count--;
}

static void msg_open(struct nhvbd_host *h, struct nhvbd_regs *r)
{
	uint32_t proto = r->ebx & ~GUESTMSG_FLAG_COOKIE;
	struct nhvbd_host_chan *c = NULL;
	unsigned i;

	if (proto != RPCI_PROTOCOL_NUM && proto != TCLO_PROTOCOL_NUM) {
		set_status(r, 0);
		return;
	}
	for (i = 0; i < NHVBD_HOST_CHANNELS; i++)
		if (!h->chan[i].in_use) {
			c = &h->chan[i];
			break;
		}
	if (!c) {
		set_status(r, 0);
		return;
	}
	c->in_use = 1;
	c->proto = proto;
	c->cookies = (r->ebx & GUESTMSG_FLAG_COOKIE) != 0;
	c->cookie_hi = c->cookies ? nhvbd_host_random(h) : 0;
	c->cookie_lo = c->cookies ? nhvbd_host_random(h) : 0;
	c->cpt_pending = 0;
	c->reply_ready = 0;
	c->tclo_outstanding = 0;
	reset_transfers(c);
	r->edx = i << 16;
	r->esi = c->cookie_hi;
	r->edi = c->cookie_lo;
	set_status(r, MESSAGE_STATUS_SUCCESS);
	if (proto == TCLO_PROTOCOL_NUM) {
		int was_running = h->tools.running;

		h->tools.running = 1;
		/* A new TCLO channel starts with "reset", as the guest expects. */
		if (!was_running) {
			set_reply(c, "reset", 5);
			memcpy(c->tclo_cmd, "reset", 6);
		}
		nhvbd_host_emit(h, NHVBD_EV_TOOLS_RUNNING, NULL, NULL, 1, 0);
	}
}

static void msg_close(struct nhvbd_host *h, struct nhvbd_host_chan *c, struct nhvbd_regs *r)
{
	unsigned i, tclo_left = 0;

	c->in_use = 0;
	c->reply_ready = 0;
	c->tclo_outstanding = 0;
	reset_transfers(c);
	set_status(r, MESSAGE_STATUS_SUCCESS);
	if (c->proto != TCLO_PROTOCOL_NUM)
		return;
	for (i = 0; i < NHVBD_HOST_CHANNELS; i++)
		if (h->chan[i].in_use && h->chan[i].proto == TCLO_PROTOCOL_NUM)
			tclo_left++;
	if (!tclo_left && h->tools.running) {
		h->tools.running = 0;
		nhvbd_host_emit(h, NHVBD_EV_TOOLS_RUNNING, NULL, NULL, 0, 0);
	}
}

static uint32_t hb_flag(const struct nhvbd_host *h)
{
	return h->cfg.offer_hb ? MESSAGE_STATUS_HB : 0;
}

void nhvbd_host_message(struct nhvbd_host *h, struct nhvbd_regs *r)
{
	uint32_t type = BDOOR_SUBCMD(r->ecx);
	struct nhvbd_host_chan *c;

	if (type == MESSAGE_TYPE_OPEN) {
		msg_open(h, r);
		return;
	}
	c = lookup(h, r->edx, r->esi, r->edi);
	if (!c || type > MESSAGE_TYPE_CLOSE) {
		set_status(r, 0);
		return;
	}
	if (type == MESSAGE_TYPE_CLOSE) {
		msg_close(h, c, r);
		return;
	}
	if (c->cpt_pending) {
		c->cpt_pending = 0;
		reset_transfers(c);
		set_status(r, MESSAGE_STATUS_CPT);
		return;
	}
	switch (type) {
	case MESSAGE_TYPE_SENDSIZE:
		if (r->ebx > GUESTMSG_MAX_IN_SIZE) {
			c->sending = 0;
			set_status(r, 0);
			return;
		}
		/* RPCI: a new request replaces an unread reply.  TCLO: a
		 * queued command stays for the next RECVSIZE. */
		if (c->proto == RPCI_PROTOCOL_NUM)
			c->reply_ready = 0;
		c->reply_sized = 0;
		c->sending = 1;
		c->send_len = r->ebx;
		c->send_pos = 0;
		set_status(r, MESSAGE_STATUS_SUCCESS | hb_flag(h));
		if (c->send_len == 0)
			message_complete(h, c);
		return;
	case MESSAGE_TYPE_SENDPAYLOAD: {
		uint32_t n, i;

		if (!c->sending) {
			set_status(r, 0);
			return;
		}
		n = c->send_len - c->send_pos < 4 ? c->send_len - c->send_pos : 4;
		for (i = 0; i < n; i++)
			c->send_buf[c->send_pos + i] = (uint8_t)(r->ebx >> (8 * i));
		c->send_pos += n;
		set_status(r, MESSAGE_STATUS_SUCCESS);
		if (c->send_pos == c->send_len)
			message_complete(h, c);
		return;
	}
	case MESSAGE_TYPE_RECVSIZE:
		if (c->sending) {	/* a half-sent message cannot be answered */
			set_status(r, 0);
			return;
		}
		tclo_fill(h, c);
		if (!c->reply_ready) {
			r->ebx = 0;
			set_status(r, MESSAGE_STATUS_SUCCESS);
			return;
		}
		c->reply_sized = 1;
		c->reply_pos = 0;
		r->ebx = c->reply_len;
		r->edx = MESSAGE_TYPE_SENDSIZE << 16;
		set_status(r, MESSAGE_STATUS_SUCCESS | MESSAGE_STATUS_DORECV | hb_flag(h));
		return;
	case MESSAGE_TYPE_RECVPAYLOAD: {
		uint32_t word = 0, n, i;

		if (!c->reply_ready || !c->reply_sized || c->reply_pos >= c->reply_len) {
			set_status(r, 0);
			return;
		}
		n = c->reply_len - c->reply_pos < 4 ? c->reply_len - c->reply_pos : 4;
		for (i = 0; i < n; i++)
			word |= (uint32_t)c->reply_buf[c->reply_pos + i] << (8 * i);
		c->reply_pos += n;
		r->ebx = word;
		r->edx = MESSAGE_TYPE_SENDPAYLOAD << 16;
		set_status(r, MESSAGE_STATUS_SUCCESS);
		return;
	}
	case MESSAGE_TYPE_RECVSTATUS:
		if (!c->reply_ready || !c->reply_sized) {
			set_status(r, 0);
			return;
		}
		/* Received or given up: either way the message is gone.  A
		 * TCLO command that arrived now awaits its result. */
		if (c->proto == TCLO_PROTOCOL_NUM && (r->ebx & MESSAGE_STATUS_SUCCESS) &&
		    c->reply_pos == c->reply_len)
			c->tclo_outstanding = 1;
		c->reply_ready = 0;
		c->reply_sized = 0;
		set_status(r, MESSAGE_STATUS_SUCCESS);
		return;
	}
}

static void hb_status(struct nhvbd_regs *r, uint32_t status)
{
	r->ebx = (status << 16) | BDOORHB_CMD_MESSAGE;
}

int nhvbd_host_hb_out(struct nhvbd_host *h, struct nhvbd_regs *r, int cpl,
		      const uint8_t *data, size_t len)
{
	struct nhvbd_host_chan *c;

	if (h->cfg.restrict_backdoor && cpl == 3)
		return NHVBD_HOST_GP;
	if (r->eax != BDOOR_MAGIC || !h->cfg.offer_hb ||
	    (r->ebx & 0xFFFFu) != BDOORHB_CMD_MESSAGE) {
		r->eax = BDOOR_NO_DEVICE;
		hb_status(r, 0);
		return NHVBD_HOST_DONE;
	}
	/* guest to host: EBP = cookie high, EDI = cookie low */
	c = lookup(h, r->edx, r->ebp, r->edi);
	if (!c || !c->sending || c->send_pos != 0 || r->ecx != c->send_len || len != r->ecx ||
	    (len && !data)) {
		hb_status(r, 0);
		return NHVBD_HOST_DONE;
	}
	if (c->cpt_pending) {
		c->cpt_pending = 0;
		reset_transfers(c);
		hb_status(r, MESSAGE_STATUS_CPT);
		return NHVBD_HOST_DONE;
	}
	memcpy(c->send_buf, data, len);
	c->send_pos = (uint32_t)len;
	hb_status(r, MESSAGE_STATUS_SUCCESS);
	message_complete(h, c);
	return NHVBD_HOST_DONE;
}

int nhvbd_host_hb_in(struct nhvbd_host *h, struct nhvbd_regs *r, int cpl,
		     uint8_t *data, size_t len)
{
	struct nhvbd_host_chan *c;

	if (h->cfg.restrict_backdoor && cpl == 3)
		return NHVBD_HOST_GP;
	if (r->eax != BDOOR_MAGIC || !h->cfg.offer_hb ||
	    (r->ebx & 0xFFFFu) != BDOORHB_CMD_MESSAGE) {
		r->eax = BDOOR_NO_DEVICE;
		hb_status(r, 0);
		return NHVBD_HOST_DONE;
	}
	/* host to guest: ESI = cookie high, EBP = cookie low */
	c = lookup(h, r->edx, r->esi, r->ebp);
	if (!c || !c->reply_ready || !c->reply_sized || c->reply_pos != 0 ||
	    r->ecx != c->reply_len || len != r->ecx || (len && !data)) {
		hb_status(r, 0);
		return NHVBD_HOST_DONE;
	}
	if (c->cpt_pending) {
		c->cpt_pending = 0;
		reset_transfers(c);
		hb_status(r, MESSAGE_STATUS_CPT);
		return NHVBD_HOST_DONE;
	}
	memcpy(data, c->reply_buf, len);
	c->reply_pos = (uint32_t)len;
	hb_status(r, MESSAGE_STATUS_SUCCESS);
	return NHVBD_HOST_DONE;
}
