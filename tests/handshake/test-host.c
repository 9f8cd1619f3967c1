/*
 * test-host.c - the host side (host_bdoor.c, host_msg.c, host_rpci.c) driven
 * with raw registers, as a hostile or broken guest would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "userland/lib/tap.h"
#include "tests/handshake/testhost.h"

static struct nhvbd_host H;

struct chan {
	uint32_t id, hi, lo;
};

static int open_chan(uint32_t proto, struct chan *c)
{
	struct nhvbd_regs r;
	uint32_t st = raw_msg(&H, MESSAGE_TYPE_OPEN, 0, 0, 0, proto | GUESTMSG_FLAG_COOKIE, &r);

	c->id = r.edx >> 16;
	c->hi = r.esi;
	c->lo = r.edi;
	return st == MESSAGE_STATUS_SUCCESS;
}

/* Sends text word by word; returns the last status. */
static uint32_t send_text(const struct chan *c, const char *text, size_t len)
{
	uint32_t st = raw_msg(&H, MESSAGE_TYPE_SENDSIZE, c->id, c->hi, c->lo, (uint32_t)len, NULL);
	size_t off;

	if (!(st & MESSAGE_STATUS_SUCCESS))
		return st;
	for (off = 0; off < len; off += 4) {
		uint32_t w = 0;
		size_t i;

		for (i = 0; i < 4 && off + i < len; i++)
			w |= (uint32_t)(uint8_t)text[off + i] << (8 * i);
		st = raw_msg(&H, MESSAGE_TYPE_SENDPAYLOAD, c->id, c->hi, c->lo, w, NULL);
		if (!(st & MESSAGE_STATUS_SUCCESS))
			return st;
	}
	return st;
}

/* Receives a reply into buf; returns its length or -1. */
static long recv_text(const struct chan *c, char *buf, size_t cap)
{
	struct nhvbd_regs r;
	uint32_t st = raw_msg(&H, MESSAGE_TYPE_RECVSIZE, c->id, c->hi, c->lo, 0, &r), len, off;

	if (!(st & MESSAGE_STATUS_SUCCESS))
		return -1;
	if (!(st & MESSAGE_STATUS_DORECV))
		return 0;
	len = r.ebx;
	if (len >= cap)
		return -1;
	for (off = 0; off < len; off += 4) {
		uint32_t i;

		st = raw_msg(&H, MESSAGE_TYPE_RECVPAYLOAD, c->id, c->hi, c->lo, 1, &r);
		if (!(st & MESSAGE_STATUS_SUCCESS))
			return -1;
		for (i = 0; i < 4 && off + i < len; i++)
			buf[off + i] = (char)(r.ebx >> (8 * i));
	}
	buf[len] = '\0';
	st = raw_msg(&H, MESSAGE_TYPE_RECVSTATUS, c->id, c->hi, c->lo, 1, NULL);
	return (st & MESSAGE_STATUS_SUCCESS) ? (long)len : -1;
}

static const char *rpc(const struct chan *c, const char *cmd)
{
	static char buf[GUESTMSG_MAX_IN_SIZE + 1];

	if (!(send_text(c, cmd, strlen(cmd)) & MESSAGE_STATUS_SUCCESS))
		return "(send refused)";
	if (recv_text(c, buf, sizeof(buf)) < 0)
		return "(receive refused)";
	return buf;
}

static void test_commands(void)
{
	struct nhvbd_regs r;

	r = (struct nhvbd_regs){ BDOOR_MAGIC, ~BDOOR_MAGIC, BDOOR_CMD_GETVERSION, BDOOR_PORT, 0, 0, 0 };
	nhvbd_host_io(&H, &r, 3);
	tap_ok(r.eax == 6 && r.ebx == BDOOR_MAGIC && r.ecx == VMX_TYPE_SCALABLE_SERVER,
	       "GETVERSION answers version 6, EBX = magic, ECX = VMX type");
	r = (struct nhvbd_regs){ 0x12345678, 0, BDOOR_CMD_GETVERSION, BDOOR_PORT, 0, 0, 0 };
	nhvbd_host_io(&H, &r, 3);
	tap_ok(r.eax == BDOOR_NO_DEVICE && r.ebx == 0, "a call without the magic gets EAX = 0xFFFFFFFF");
	r = (struct nhvbd_regs){ BDOOR_MAGIC, 0, BDOOR_CMD_GETUUID, BDOOR_PORT, 0, 0, 0 };
	nhvbd_host_io(&H, &r, 3);
	tap_ok(r.eax == 0x34124d56u && r.edx == 0x66554433u, "GETUUID packs the UUID as LE dwords");
	r = (struct nhvbd_regs){ BDOOR_MAGIC, 0, BDOOR_CMD_GETTIMEFULL, BDOOR_PORT, 0, 0, 0 };
	nhvbd_host_io(&H, &r, 3);
	tap_ok(r.eax == BDOOR_MAGIC && r.edx == 1700000000u && r.esi == 0 && r.ebx == 123456,
	       "GETTIMEFULL leaves EAX = magic and splits seconds over ESI:EDX");
	r = (struct nhvbd_regs){ BDOOR_MAGIC, 0, 0x7777, BDOOR_PORT, 0, 0, 0 };
	nhvbd_host_io(&H, &r, 3);
	tap_ok(r.eax == BDOOR_NO_DEVICE, "an unknown command gets EAX = 0xFFFFFFFF");
	r = (struct nhvbd_regs){ BDOOR_MAGIC, 0, BDOOR_ECX(BDOOR_CMD_NESTING_CONTROL, 2), BDOOR_PORT, 0, 0, 0 };
	nhvbd_host_io(&H, &r, 3);
	tap_ok(r.eax == 2, "NESTING_CONTROL QUERY answers the configured value");
}

static void test_restrict(void)
{
	struct nhvbd_host_config cfg;
	struct nhvbd_regs r = { BDOOR_MAGIC, 0, BDOOR_CMD_GETVERSION, BDOOR_PORT, 0, 0, 0 };

	test_config(&cfg, 1);
	cfg.restrict_backdoor = 1;
	nhvbd_host_init(&H, &cfg);
	tap_is_int(nhvbd_host_io(&H, &r, 3), NHVBD_HOST_GP, "restrict_backdoor: CPL3 gets #GP");
	tap_is_int(nhvbd_host_io(&H, &r, 0), NHVBD_HOST_DONE, "restrict_backdoor: CPL0 still answered");
	test_config(&cfg, 1);
	nhvbd_host_init(&H, &cfg);
}

static void test_channels(void)
{
	struct chan c[NHVBD_HOST_CHANNELS + 1], t;
	struct nhvbd_regs r;
	unsigned i, ok = 1;
	uint32_t st;

	for (i = 0; i < NHVBD_HOST_CHANNELS; i++)
		ok &= open_chan(RPCI_PROTOCOL_NUM, &c[i]);
	tap_ok(ok, "%d channels open", NHVBD_HOST_CHANNELS);
	tap_ok(!open_chan(RPCI_PROTOCOL_NUM, &c[NHVBD_HOST_CHANNELS]),
	       "channel %d is refused (at most %d per VM)", NHVBD_HOST_CHANNELS + 1,
	       NHVBD_HOST_CHANNELS);
	tap_ok(c[0].hi != c[1].hi || c[0].lo != c[1].lo, "channels get different cookies");
	for (i = 0; i < NHVBD_HOST_CHANNELS; i++)
		raw_msg(&H, MESSAGE_TYPE_CLOSE, c[i].id, c[i].hi, c[i].lo, 0, NULL);

	st = raw_msg(&H, MESSAGE_TYPE_OPEN, 0, 0, 0, 0x12345678 | GUESTMSG_FLAG_COOKIE, NULL);
	tap_ok(!(st & MESSAGE_STATUS_SUCCESS), "OPEN with an unknown protocol number is refused");

	open_chan(RPCI_PROTOCOL_NUM, &t);
	st = raw_msg(&H, MESSAGE_TYPE_SENDSIZE, t.id, t.hi ^ 1, t.lo, 4, NULL);
	tap_ok(!(st & MESSAGE_STATUS_SUCCESS), "wrong cookie (high) is refused");
	st = raw_msg(&H, MESSAGE_TYPE_SENDSIZE, t.id, t.hi, t.lo + 1, 4, NULL);
	tap_ok(!(st & MESSAGE_STATUS_SUCCESS), "wrong cookie (low) is refused");
	st = raw_msg(&H, MESSAGE_TYPE_SENDSIZE, t.id + 1, t.hi, t.lo, 4, NULL);
	tap_ok(!(st & MESSAGE_STATUS_SUCCESS), "a channel that is not open is refused");
	st = raw_msg(&H, MESSAGE_TYPE_SENDSIZE, 0xFFFF, t.hi, t.lo, 4, NULL);
	tap_ok(!(st & MESSAGE_STATUS_SUCCESS), "channel id 0xFFFF is refused");
	st = raw_msg(&H, 9, t.id, t.hi, t.lo, 4, NULL);
	tap_ok(!(st & MESSAGE_STATUS_SUCCESS), "an unknown MESSAGE type is refused");
	st = raw_msg(&H, MESSAGE_TYPE_SENDSIZE, t.id, t.hi, t.lo, GUESTMSG_MAX_IN_SIZE + 1, NULL);
	tap_ok(!(st & MESSAGE_STATUS_SUCCESS), "SENDSIZE above 64 KiB is refused");
	st = raw_msg(&H, MESSAGE_TYPE_SENDSIZE, t.id, t.hi, t.lo, 0xFFFFFFFFu, NULL);
	tap_ok(!(st & MESSAGE_STATUS_SUCCESS), "SENDSIZE 0xFFFFFFFF is refused");
	st = raw_msg(&H, MESSAGE_TYPE_SENDPAYLOAD, t.id, t.hi, t.lo, 0x41414141, NULL);
	tap_ok(!(st & MESSAGE_STATUS_SUCCESS), "SENDPAYLOAD without SENDSIZE is refused");
	st = raw_msg(&H, MESSAGE_TYPE_RECVPAYLOAD, t.id, t.hi, t.lo, 1, NULL);
	tap_ok(!(st & MESSAGE_STATUS_SUCCESS), "RECVPAYLOAD without a message is refused");
	st = raw_msg(&H, MESSAGE_TYPE_RECVSTATUS, t.id, t.hi, t.lo, 1, NULL);
	tap_ok(!(st & MESSAGE_STATUS_SUCCESS), "RECVSTATUS without a message is refused");

	/* truncated: SENDSIZE 20, only 8 bytes, then RECVSIZE */
	raw_msg(&H, MESSAGE_TYPE_SENDSIZE, t.id, t.hi, t.lo, 20, NULL);
	raw_msg(&H, MESSAGE_TYPE_SENDPAYLOAD, t.id, t.hi, t.lo, 0x6f666e69, NULL);
	raw_msg(&H, MESSAGE_TYPE_SENDPAYLOAD, t.id, t.hi, t.lo, 0x7465672d, NULL);
	st = raw_msg(&H, MESSAGE_TYPE_RECVSIZE, t.id, t.hi, t.lo, 0, NULL);
	tap_ok(!(st & MESSAGE_STATUS_SUCCESS), "RECVSIZE in the middle of a truncated send is refused");
	tap_is_str(rpc(&t, "log after a truncated message"), "1 ",
		   "a new SENDSIZE starts over after a truncated message");

	/* extra payload after the message is complete */
	send_text(&t, "log x", 5);
	st = raw_msg(&H, MESSAGE_TYPE_SENDPAYLOAD, t.id, t.hi, t.lo, 0x41414141, NULL);
	tap_ok(!(st & MESSAGE_STATUS_SUCCESS), "SENDPAYLOAD beyond the announced size is refused");

	/* read too far */
	send_text(&t, "log y", 5);
	raw_msg(&H, MESSAGE_TYPE_RECVSIZE, t.id, t.hi, t.lo, 0, &r);
	raw_msg(&H, MESSAGE_TYPE_RECVPAYLOAD, t.id, t.hi, t.lo, 1, NULL);
	st = raw_msg(&H, MESSAGE_TYPE_RECVPAYLOAD, t.id, t.hi, t.lo, 1, NULL);
	tap_ok(r.ebx == 2 && !(st & MESSAGE_STATUS_SUCCESS),
	       "RECVPAYLOAD beyond the reply's %u bytes is refused", r.ebx);
	raw_msg(&H, MESSAGE_TYPE_RECVSTATUS, t.id, t.hi, t.lo, 1, NULL);

	/* close mid-message, then the old cookies are dead */
	raw_msg(&H, MESSAGE_TYPE_SENDSIZE, t.id, t.hi, t.lo, 100, NULL);
	raw_msg(&H, MESSAGE_TYPE_SENDPAYLOAD, t.id, t.hi, t.lo, 0x41414141, NULL);
	st = raw_msg(&H, MESSAGE_TYPE_CLOSE, t.id, t.hi, t.lo, 0, NULL);
	tap_ok(st & MESSAGE_STATUS_SUCCESS, "CLOSE in the middle of a message succeeds");
	st = raw_msg(&H, MESSAGE_TYPE_SENDPAYLOAD, t.id, t.hi, t.lo, 0x41414141, NULL);
	tap_ok(!(st & MESSAGE_STATUS_SUCCESS), "the closed channel refuses the rest of the message");
	st = raw_msg(&H, MESSAGE_TYPE_CLOSE, t.id, t.hi, t.lo, 0, NULL);
	tap_ok(!(st & MESSAGE_STATUS_SUCCESS), "closing twice is refused");
	{
		struct chan n;

		open_chan(RPCI_PROTOCOL_NUM, &n);
		st = raw_msg(&H, MESSAGE_TYPE_SENDSIZE, n.id, t.hi, t.lo, 4, NULL);
		tap_ok(n.id == t.id && (n.hi != t.hi || n.lo != t.lo) && !(st & MESSAGE_STATUS_SUCCESS),
		       "a reopened channel id does not accept the old cookies");
		tap_is_str(rpc(&n, "log reopened"), "1 ", "the reopened channel works with its own cookies");
		raw_msg(&H, MESSAGE_TYPE_CLOSE, n.id, n.hi, n.lo, 0, NULL);
	}
}

static void test_interleaved(void)
{
	struct chan a, b;
	char buf[256];

	open_chan(RPCI_PROTOCOL_NUM, &a);
	open_chan(RPCI_PROTOCOL_NUM, &b);
	nhvbd_host_guestinfo_set(&H, "guestinfo.a", "alpha");
	nhvbd_host_guestinfo_set(&H, "guestinfo.b", "bravo");
	/* word by word, alternating channels */
	{
		const char *ma = "info-get guestinfo.a", *mb = "info-get guestinfo.b";
		size_t la = strlen(ma), lb = strlen(mb), off;

		raw_msg(&H, MESSAGE_TYPE_SENDSIZE, a.id, a.hi, a.lo, (uint32_t)la, NULL);
		raw_msg(&H, MESSAGE_TYPE_SENDSIZE, b.id, b.hi, b.lo, (uint32_t)lb, NULL);
		for (off = 0; off < la || off < lb; off += 4) {
			uint32_t wa = 0, wb = 0, i;

			for (i = 0; i < 4; i++) {
				if (off + i < la)
					wa |= (uint32_t)(uint8_t)ma[off + i] << (8 * i);
				if (off + i < lb)
					wb |= (uint32_t)(uint8_t)mb[off + i] << (8 * i);
			}
			if (off < la)
				raw_msg(&H, MESSAGE_TYPE_SENDPAYLOAD, a.id, a.hi, a.lo, wa, NULL);
			if (off < lb)
				raw_msg(&H, MESSAGE_TYPE_SENDPAYLOAD, b.id, b.hi, b.lo, wb, NULL);
		}
	}
	recv_text(&b, buf, sizeof(buf));
	tap_is_str(buf, "1 bravo", "interleaved channels: channel b gets its own answer");
	recv_text(&a, buf, sizeof(buf));
	tap_is_str(buf, "1 alpha", "interleaved channels: channel a gets its own answer");
	raw_msg(&H, MESSAGE_TYPE_CLOSE, a.id, a.hi, a.lo, 0, NULL);
	raw_msg(&H, MESSAGE_TYPE_CLOSE, b.id, b.hi, b.lo, 0, NULL);
}

static void test_rpci(void)
{
	static char big[GUESTMSG_MAX_IN_SIZE + 16];
	struct chan c;
	uint32_t st;

	open_chan(RPCI_PROTOCOL_NUM, &c);
	tap_is_str(rpc(&c, "info-get guestinfo.nothere"), "0 No value found",
		   "info-get of an unset key: \"0 No value found\"");
	tap_is_str(rpc(&c, "info-set guestinfo.nhv.hostname lab1"), "1 ", "info-set answers \"1 \"");
	tap_is_str(rpc(&c, "info-get guestinfo.nhv.hostname"), "1 lab1", "info-get returns the value set");
	tap_is_str(rpc(&c, "info-set guestinfo.sp two words "), "1 ", "info-set with spaces in the value");
	tap_is_str(rpc(&c, "info-get guestinfo.sp"), "1 two words ", "the value keeps its spaces");
	tap_is_str(rpc(&c, "info-set guestinfo.empty "), "1 ", "info-set of an empty value");
	tap_is_str(rpc(&c, "info-get guestinfo.empty"), "1 ", "an empty value reads back empty");
	tap_ok(rpc(&c, "info-set machine.id x")[0] == '0', "info-set outside guestinfo.* is refused");
	tap_is_str(rpc(&c, "info-get machine.id"), "0 No value found", "info-get outside guestinfo.*");
	tap_is_str(rpc(&c, "tools.set.version 2147483647"), "1 ", "tools.set.version unmanaged");
	tap_ok(H.tools.version_set && H.tools.version == TOOLS_VERSION_UNMANAGED,
	       "the host records the tools version");
	tap_ok(rpc(&c, "tools.set.version 12x")[0] == '0', "tools.set.version with a bad number is refused");
	tap_ok(rpc(&c, "tools.set.version 99999999999")[0] == '0', "tools.set.version above 32 bits is refused");
	tap_is_str(rpc(&c, "tools.set.versiontype 12416 3"), "1 ", "tools.set.versiontype");
	tap_is_str(rpc(&c, "log hello from the guest"), "1 ", "log");
	tap_is_str(rpc(&c, "SetGuestInfo  1 lab1.example"), "1 ", "SetGuestInfo  1 (DNS name)");
	tap_is_str(H.tools.hostname, "lab1.example", "the host records the guest's DNS name");
	tap_is_str(rpc(&c, "SetGuestInfo  2 10.0.0.5"), "1 ", "SetGuestInfo  2 (IP address)");
	tap_is_str(H.tools.ip, "10.0.0.5", "the host records the guest's IP address");
	tap_ok(rpc(&c, "SetGuestInfo  x y")[0] == '0', "SetGuestInfo with a bad type is refused");
	tap_is_str(rpc(&c, "tools.capability.statechange "), "1 ", "tools.capability.statechange");
	tap_is_str(rpc(&c, "tools.os.statechange.status 1 2"), "1 ", "tools.os.statechange.status");
	tap_ok(H.tools.statechange_seen && H.tools.statechange_state == 2 && H.tools.statechange_ok == 1,
	       "the host records the state change");
	tap_is_str(rpc(&c, "frobnicate now"), "0 Unknown command", "an unknown command");
	tap_is_str(rpc(&c, ""), "0 Unknown command", "an empty RPCI message");
	{
		const char nul[] = "info-get\0guestinfo.a";

		send_text(&c, nul, sizeof(nul) - 1);
		recv_text(&c, big, sizeof(big));
		tap_ok(big[0] == '0', "a message with a NUL inside is refused");
	}
	{
		/* open-vm-tools' vmtoolsd sends strlen + 1 bytes: text, then NUL */
		const char dns[] = "SetGuestInfo  1 l2-tools";
		const char set[] = "info-set guestinfo.nulend v";
		const char two[] = "info-set guestinfo.nul2 w\0";
		long n;

		send_text(&c, dns, sizeof(dns));
		n = recv_text(&c, big, sizeof(big));
		tap_ok(n == 2 && !strcmp(big, "1 ") && !strcmp(H.tools.hostname, "l2-tools"),
		       "SetGuestInfo ended by its NUL (as vmtoolsd sends it) is taken whole");
		send_text(&c, set, sizeof(set));
		recv_text(&c, big, sizeof(big));
		tap_is_str(rpc(&c, "info-get guestinfo.nulend"), "1 v",
			   "an info-set ended by its NUL stores the value without it");
		send_text(&c, two, sizeof(two));
		recv_text(&c, big, sizeof(big));
		tap_ok(big[0] == '0', "two NULs at the end: the first is inside the text, refused");
		send_text(&c, "", 1);
		recv_text(&c, big, sizeof(big));
		tap_is_str(big, "0 Unknown command", "a lone NUL is an empty message");
	}
	/* the largest message accepted, and a value that fills it */
	memset(big, 'v', sizeof(big));
	memcpy(big, "info-set guestinfo.big ", 23);
	st = send_text(&c, big, GUESTMSG_MAX_IN_SIZE);
	tap_ok(st & MESSAGE_STATUS_SUCCESS, "a 64 KiB message is accepted");
	tap_ok(recv_text(&c, big, sizeof(big)) == 2 && strcmp(big, "1 ") == 0,
	       "a 64 KiB info-set is stored");
	tap_ok(recv_text(&c, big, sizeof(big)) == 0, "nothing more to receive");
	{
		long n;

		send_text(&c, "info-get guestinfo.big", 22);
		n = recv_text(&c, big, sizeof(big));
		tap_is_int(n, 2 + GUESTMSG_MAX_IN_SIZE - 23, "the 64 KiB value reads back whole");
	}
	raw_msg(&H, MESSAGE_TYPE_CLOSE, c.id, c.hi, c.lo, 0, NULL);
}

static void test_tclo(void)
{
	struct chan c;
	char buf[600];
	long n;
	int i, err;

	tap_ok(!H.tools.running, "no TCLO channel: tools not running");
	open_chan(TCLO_PROTOCOL_NUM, &c);
	tap_ok(H.tools.running, "TCLO channel open: tools running");
	send_text(&c, "", 0);
	n = recv_text(&c, buf, sizeof(buf));
	tap_ok(n == 5 && strcmp(buf, "reset") == 0, "a new TCLO channel is sent \"reset\"");
	send_text(&c, "OK ATR toolbox", 14);
	tap_is_str(H.tools.last_result, "OK ATR toolbox", "the host records the reset result");
	tap_is_int(recv_text(&c, buf, sizeof(buf)), 0, "an empty queue: nothing to receive");
	nhvbd_host_tclo_queue(&H, "ping");
	nhvbd_host_tclo_queue(&H, "OS_Halt");
	send_text(&c, "", 0);
	recv_text(&c, buf, sizeof(buf));
	tap_is_str(buf, "ping", "the first queued command comes first");
	send_text(&c, "OK ", 3);
	recv_text(&c, buf, sizeof(buf));
	tap_is_str(buf, "OS_Halt", "then the second");
	tap_is_str(H.tools.last_result, "OK ", "the ping result was recorded");
	for (i = 0, err = 0; i < NHVBD_HOST_TCLO_QUEUE + 1 && !err; i++)
		err = nhvbd_host_tclo_queue(&H, "ping");
	tap_is_int(err, NHVBD_ENOSPACE, "the TCLO queue is bounded at %d", NHVBD_HOST_TCLO_QUEUE);
	memset(buf, 'x', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	tap_is_int(nhvbd_host_tclo_queue(&H, buf), NHVBD_ETOOBIG, "a TCLO command above 511 bytes");
	raw_msg(&H, MESSAGE_TYPE_CLOSE, c.id, c.hi, c.lo, 0, NULL);
	tap_ok(!H.tools.running, "TCLO channel closed: tools not running");
}

static void test_checkpoint(void)
{
	struct chan c;
	uint32_t st;
	char buf[64];

	open_chan(RPCI_PROTOCOL_NUM, &c);
	raw_msg(&H, MESSAGE_TYPE_SENDSIZE, c.id, c.hi, c.lo, 5, NULL);
	nhvbd_host_checkpoint(&H);
	st = raw_msg(&H, MESSAGE_TYPE_SENDPAYLOAD, c.id, c.hi, c.lo, 0x20676f6c, NULL);
	tap_ok(st == MESSAGE_STATUS_CPT, "after a checkpoint the next step answers CPT");
	st = raw_msg(&H, MESSAGE_TYPE_SENDPAYLOAD, c.id, c.hi, c.lo, 0x20676f6c, NULL);
	tap_ok(!(st & MESSAGE_STATUS_SUCCESS), "the cancelled send cannot go on");
	tap_is_str(rpc(&c, "log again"), "1 ", "the whole operation, retried, works");
	send_text(&c, "log x", 5);
	raw_msg(&H, MESSAGE_TYPE_RECVSIZE, c.id, c.hi, c.lo, 0, NULL);
	nhvbd_host_checkpoint(&H);
	st = raw_msg(&H, MESSAGE_TYPE_RECVPAYLOAD, c.id, c.hi, c.lo, 1, NULL);
	tap_ok(st == MESSAGE_STATUS_CPT, "a checkpoint during a receive answers CPT");
	tap_ok(recv_text(&c, buf, sizeof(buf)) == 2 && strcmp(buf, "1 ") == 0,
	       "the reply is still there for the retried receive");
	raw_msg(&H, MESSAGE_TYPE_CLOSE, c.id, c.hi, c.lo, 0, NULL);
}

static void test_hb_hostile(void)
{
	struct chan c;
	struct nhvbd_regs r;
	uint8_t data[16] = "log hb";

	open_chan(RPCI_PROTOCOL_NUM, &c);
	raw_msg(&H, MESSAGE_TYPE_SENDSIZE, c.id, c.hi, c.lo, 6, NULL);
	r = (struct nhvbd_regs){ BDOOR_MAGIC, MESSAGE_STATUS_SUCCESS << 16, 7,
				 (c.id << 16) | BDOORHB_PORT, 0, c.lo, c.hi };
	nhvbd_host_hb_out(&H, &r, 3, data, 7);
	tap_ok(!((r.ebx >> 16) & MESSAGE_STATUS_SUCCESS), "HB send with a count other than SENDSIZE is refused");
	r = (struct nhvbd_regs){ BDOOR_MAGIC, MESSAGE_STATUS_SUCCESS << 16, 6,
				 (c.id << 16) | BDOORHB_PORT, 0, c.lo, c.hi ^ 8 };
	nhvbd_host_hb_out(&H, &r, 3, data, 6);
	tap_ok(!((r.ebx >> 16) & MESSAGE_STATUS_SUCCESS), "HB send with a wrong cookie is refused");
	r = (struct nhvbd_regs){ BDOOR_MAGIC, MESSAGE_STATUS_SUCCESS << 16, 6,
				 (c.id << 16) | BDOORHB_PORT, 0, c.lo, c.hi };
	nhvbd_host_hb_out(&H, &r, 3, data, 6);
	tap_ok((r.ebx >> 16) & MESSAGE_STATUS_SUCCESS, "HB send with the right count and cookies");
	raw_msg(&H, MESSAGE_TYPE_RECVSIZE, c.id, c.hi, c.lo, 0, &r);
	{
		uint8_t in[8];

		r = (struct nhvbd_regs){ BDOOR_MAGIC, MESSAGE_STATUS_SUCCESS << 16, 8,
					 (c.id << 16) | BDOORHB_PORT, c.hi, 0, c.lo };
		nhvbd_host_hb_in(&H, &r, 3, in, 8);
		tap_ok(!((r.ebx >> 16) & MESSAGE_STATUS_SUCCESS), "HB receive of more than the reply is refused");
		r = (struct nhvbd_regs){ BDOOR_MAGIC, MESSAGE_STATUS_SUCCESS << 16, 2,
					 (c.id << 16) | BDOORHB_PORT, c.hi, 0, c.lo };
		nhvbd_host_hb_in(&H, &r, 3, in, 2);
		tap_ok(((r.ebx >> 16) & MESSAGE_STATUS_SUCCESS) && in[0] == '1' && in[1] == ' ',
		       "HB receive of the reply");
	}
	raw_msg(&H, MESSAGE_TYPE_CLOSE, c.id, c.hi, c.lo, 0, NULL);
}

int main(void)
{
	struct nhvbd_host_config cfg;

	test_config(&cfg, 1);
	nhvbd_host_init(&H, &cfg);
	test_commands();
	test_restrict();
	test_channels();
	test_interleaved();
	test_rpci();
	test_tclo();
	test_checkpoint();
	test_hb_hostile();
	return tap_done();
}
