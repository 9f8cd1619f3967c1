/*
 * fuzz-pair.c - libFuzzer target: libnhvbd's client and host together, with
 * checkpoints wherever the input puts them.  The input is a list of
 * operations (info-set, info-get, TCLO command round trips, HB on/off) and a
 * bit stream: before each backdoor call one bit says whether the host takes
 * a checkpoint.  Whatever the checkpoints, a call that reports success must
 * have done the right thing: info-set stored the value, info-get returned
 * the stored value, a TCLO command arrived intact.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handshake/bdoor_def.h"
#include "handshake/host.h"
#include "handshake/nhvbd_err.h"
#include "handshake/rpci.h"
#include "handshake/tclo.h"
#include "handshake/transport_mem.h"

static struct nhvbd_host H;
static struct nhvbd_mem_transport M;
static const uint8_t *bits;
static size_t nbits, bitpos;

static void fail(const char *what)
{
	fprintf(stderr, "fuzz-pair: %s\n", what);
	abort();
}

static void maybe_checkpoint(void)
{
	if (bitpos < nbits * 8 && (bits[bitpos / 8] >> (bitpos % 8)) & 1)
		nhvbd_host_checkpoint(&H);
	bitpos++;
}

static int lb(void *ctx, struct nhvbd_regs *r)
{
	(void)ctx;
	maybe_checkpoint();
	return M.t.lb(M.t.ctx, r);
}

static int hb_out(void *ctx, struct nhvbd_regs *r, const uint8_t *buf, size_t len)
{
	(void)ctx;
	maybe_checkpoint();
	return M.t.hb_out(M.t.ctx, r, buf, len);
}

static int hb_in(void *ctx, struct nhvbd_regs *r, uint8_t *buf, size_t len)
{
	(void)ctx;
	maybe_checkpoint();
	return M.t.hb_in(M.t.ctx, r, buf, len);
}

static char value[GUESTMSG_MAX_IN_SIZE + 1];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[4] = { "nhv.a", "nhv.b", "guestinfo.c", "ovfEnv" };
	struct nhvbd_transport t = { NULL, lb, hb_out, hb_in };
	struct nhvbd_host_config cfg;
	struct nhvbd_tclo tc;
	size_t split, i = 0;
	int tclo_open = 0;

	if (size < 2)
		return 0;
	/* first byte: how much of the input is the checkpoint bit stream */
	split = 1 + (size_t)data[0] % (size - 1);
	bits = data + 1;
	nbits = split - 1;
	bitpos = 0;
	memset(&cfg, 0, sizeof(cfg));
	cfg.version = 6;
	cfg.offer_hb = 1;
	cfg.seed = 7;
	nhvbd_host_init(&H, &cfg);
	nhvbd_mem_transport_init(&M, &H, 3);

	for (i = split; i < size;) {
		uint8_t op = data[i++];
		const char *key = keys[op >> 6], *stored;
		char full[64], text[256];
		size_t len, k;
		int err;

		snprintf(full, sizeof(full), "%s%s", strncmp(key, "guestinfo.", 10) ? "guestinfo." : "", key);
		switch (op % 4) {
		case 0:	/* info-set key <printable bytes> */
			len = i < size ? data[i++] : 0;
			for (k = 0; k < len && i < size && k < sizeof(text) - 1; k++, i++)
				text[k] = (char)(0x20 + data[i] % 0x5f);
			text[k] = '\0';
			err = nhvbd_info_set(&t, key, text);
			stored = nhvbd_host_guestinfo_get(&H, full);
			if (err == 0 && (!stored || strcmp(stored, text) != 0))
				fail("info-set succeeded but the host holds another value");
			break;
		case 1:	/* info-get key */
			err = nhvbd_info_get(&t, key, value, sizeof(value));
			stored = nhvbd_host_guestinfo_get(&H, full);
			if (err == 0 && (!stored || strcmp(stored, value) != 0))
				fail("info-get succeeded with a value the host does not hold");
			if (err == NHVBD_ERPC && stored)
				fail("info-get said no value for a key the host holds");
			break;
		case 2:	/* a TCLO command round trip */
			if (!tclo_open) {
				if (nhvbd_tclo_open(&tc, &t) != 0)
					break;
				tclo_open = 1;
			}
			snprintf(text, sizeof(text), "Set_Option opt%u %u", op, (unsigned)i);
			nhvbd_host_tclo_queue(&H, text);
			for (k = 0; k < 3; k++) {
				char cmd[600];

				if (nhvbd_tclo_poll(&tc, cmd, sizeof(cmd), &len) != 0) {
					nhvbd_tclo_close(&tc);
					tclo_open = 0;
					break;
				}
				if (len && strcmp(cmd, "reset") != 0 && strncmp(cmd, "Set_Option opt", 14) != 0)
					fail("a TCLO command arrived damaged");
				if (len)
					nhvbd_tclo_set_result(&tc, 1, "");
			}
			break;
		case 3:
			H.cfg.offer_hb = !H.cfg.offer_hb;
			break;
		}
	}
	if (tclo_open)
		nhvbd_tclo_close(&tc);
	return 0;
}
