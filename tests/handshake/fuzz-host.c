/*
 * fuzz-host.c - libFuzzer target: a guest sends the host arbitrary register
 * sequences.  The input is a list of operations; some use the real channel
 * ids and cookies so the fuzzer gets past the cookie check and into the
 * message, RPCI and TCLO logic.  After every operation the host's bounds are
 * checked: no length beyond 64 KiB, no position beyond its length, queue and
 * arena within their sizes.
 *
 * Operation = 1 selector byte, then its arguments:
 *   0 raw LB call: 7 x 4 bytes (EAX..EBP) and 1 CPL byte
 *   1 MESSAGE step on channel slot s: type byte, slot byte, EBX 4 bytes
 *   2 HB out on slot s: slot byte, count 2 bytes, that many data bytes
 *   3 HB in on slot s: slot byte, count 2 bytes
 *   4 checkpoint
 *   5 queue a TCLO command: length byte, that many bytes
 *   6 whole message on slot s: slot byte, length 2 bytes, the bytes
 *   7 OPEN: 1 byte (bit 0: TCLO, bit 1: without cookie)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "handshake/bdoor_def.h"
#include "handshake/host.h"

static struct nhvbd_host H;
static uint8_t hbbuf[GUESTMSG_MAX_IN_SIZE + 256];

struct in {
	const uint8_t *p;
	size_t n;
};

static int take(struct in *in, void *out, size_t len)
{
	if (in->n < len)
		return -1;
	memcpy(out, in->p, len);
	in->p += len;
	in->n -= len;
	return 0;
}

static uint32_t u32(const uint8_t b[4])
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void check(void)
{
	unsigned i;

	for (i = 0; i < NHVBD_HOST_CHANNELS; i++) {
		const struct nhvbd_host_chan *c = &H.chan[i];

		if (c->send_len > GUESTMSG_MAX_IN_SIZE || c->send_pos > c->send_len ||
		    c->reply_len > GUESTMSG_MAX_IN_SIZE || c->reply_pos > c->reply_len)
			abort();
		/* Every RPCI reply is "1 <result>" or "0 <error>". */
		if (c->in_use && c->proto == RPCI_PROTOCOL_NUM && c->reply_ready &&
		    (c->reply_len < 2 || (c->reply_buf[0] != '0' && c->reply_buf[0] != '1') ||
		     c->reply_buf[1] != ' '))
			abort();
	}
	if (H.tclo_count > NHVBD_HOST_TCLO_QUEUE || H.tclo_head >= NHVBD_HOST_TCLO_QUEUE ||
	    H.guestinfo.used > sizeof(H.guestinfo.arena))
		abort();
}

static void msg_step(uint32_t type, unsigned slot, uint32_t ebx)
{
	const struct nhvbd_host_chan *c = &H.chan[slot % NHVBD_HOST_CHANNELS];
	struct nhvbd_regs r = {
		BDOOR_MAGIC, ebx, BDOOR_ECX(BDOOR_CMD_MESSAGE, type),
		((slot % NHVBD_HOST_CHANNELS) << 16) | BDOOR_PORT, c->cookie_hi, c->cookie_lo, 0,
	};

	nhvbd_host_io(&H, &r, 3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nhvbd_host_config cfg;
	struct in in = { data, size };
	uint8_t sel;

	memset(&cfg, 0, sizeof(cfg));
	cfg.version = 6;
	cfg.vmx_type = VMX_TYPE_SCALABLE_SERVER;
	cfg.tsc_hz = 1000000000ull;
	cfg.build_num = 0xFFFFFFFFu;
	cfg.nesting_query = 0xFFFFFFFFu;
	cfg.offer_hb = size & 1;
	cfg.seed = 1;
	nhvbd_host_init(&H, &cfg);
	nhvbd_host_guestinfo_set(&H, "guestinfo.nhv.hostname", "lab1");

	while (take(&in, &sel, 1) == 0) {
		uint8_t b[29], slot, cnt[2];
		struct nhvbd_regs r;
		size_t len;

		switch (sel % 8) {
		case 0:
			if (take(&in, b, 29))
				return 0;
			r = (struct nhvbd_regs){ u32(b), u32(b + 4), u32(b + 8), u32(b + 12),
						 u32(b + 16), u32(b + 20), u32(b + 24) };
			nhvbd_host_io(&H, &r, b[28] & 3);
			break;
		case 1:
			if (take(&in, b, 6))
				return 0;
			msg_step(b[0] % 8, b[1], u32(b + 2));
			break;
		case 2:
		case 3: {
			const struct nhvbd_host_chan *c;

			if (take(&in, &slot, 1) || take(&in, cnt, 2))
				return 0;
			len = (size_t)cnt[0] | (size_t)cnt[1] << 8;
			if (sel & 0x80)
				len += GUESTMSG_MAX_IN_SIZE - 0x8000;	/* near the bound */
			c = &H.chan[slot % NHVBD_HOST_CHANNELS];
			r = (struct nhvbd_regs){ BDOOR_MAGIC, MESSAGE_STATUS_SUCCESS << 16, (uint32_t)len,
						 ((uint32_t)(slot % NHVBD_HOST_CHANNELS) << 16) | BDOORHB_PORT,
						 0, 0, 0 };
			if (len > sizeof(hbbuf))
				len = sizeof(hbbuf);
			if ((sel % 8) == 2) {
				size_t have = in.n < len ? in.n : len;

				memset(hbbuf, 'x', len);
				take(&in, hbbuf, have);
				r.ebp = c->cookie_hi;
				r.edi = c->cookie_lo;
				nhvbd_host_hb_out(&H, &r, 3, hbbuf, len);
			} else {
				r.esi = c->cookie_hi;
				r.ebp = c->cookie_lo;
				nhvbd_host_hb_in(&H, &r, 3, hbbuf, len);
			}
			break;
		}
		case 4:
			nhvbd_host_checkpoint(&H);
			break;
		case 5: {
			char cmd[256];
			uint8_t l;

			if (take(&in, &l, 1) || take(&in, cmd, l))
				return 0;
			cmd[l] = '\0';
			nhvbd_host_tclo_queue(&H, cmd);
			break;
		}
		case 6: {
			size_t off;

			if (take(&in, &slot, 1) || take(&in, cnt, 2))
				return 0;
			len = (size_t)cnt[0] | (size_t)cnt[1] << 8;
			if (len > in.n)
				len = in.n;
			msg_step(MESSAGE_TYPE_SENDSIZE, slot, (uint32_t)len);
			for (off = 0; off < len; off += 4) {
				uint8_t w[4] = { 0, 0, 0, 0 };

				memcpy(w, in.p + off, len - off < 4 ? len - off : 4);
				msg_step(MESSAGE_TYPE_SENDPAYLOAD, slot, u32(w));
			}
			in.p += len;
			in.n -= len;
			break;
		}
		case 7: {
			uint8_t f;

			if (take(&in, &f, 1))
				return 0;
			r = (struct nhvbd_regs){ BDOOR_MAGIC,
						 ((f & 1) ? TCLO_PROTOCOL_NUM : RPCI_PROTOCOL_NUM) |
							 ((f & 2) ? 0 : GUESTMSG_FLAG_COOKIE),
						 BDOOR_ECX(BDOOR_CMD_MESSAGE, MESSAGE_TYPE_OPEN),
						 BDOOR_PORT, 0, 0, 0 };
			nhvbd_host_io(&H, &r, 3);
			break;
		}
		}
		check();
	}
	return 0;
}
