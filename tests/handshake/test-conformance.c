/*
 * test-conformance.c - libnhvbd's client and host talking through the
 * in-memory transport: every command and RPC of the protocol end to end, in
 * low and high bandwidth; then hosts that misbehave (checkpoints, closed
 * channels, lies about lengths, garbage) against the client, which must
 * retry or fail with the right error, never hang.
 */
#include <stdio.h>
#include <string.h>

#include "userland/lib/tap.h"
#include "tests/handshake/testhost.h"
#include "handshake/commands.h"
#include "handshake/facts.h"
#include "handshake/message.h"
#include "handshake/rpci.h"
#include "handshake/tclo.h"

static struct nhvbd_host H;
static struct meddle M;
static char big[GUESTMSG_MAX_IN_SIZE + 64], back[GUESTMSG_MAX_IN_SIZE + 64];

static void setup(int hb)
{
	struct nhvbd_host_config cfg;

	test_config(&cfg, hb);
	nhvbd_host_init(&H, &cfg);
	meddle_init(&M, &H);
}

static void test_commands(void)
{
	struct nhvbd_version v;
	struct nhvbd_hz hz;
	struct nhvbd_time tm;
	uint8_t uuid[16];
	uint32_t x;
	char s[48];

	setup(0);
	tap_is_int(nhvbd_get_version(&M.t, &v), 0, "GETVERSION");
	tap_ok(v.version == 6 && v.vmx_type == VMX_TYPE_SCALABLE_SERVER, "version 6, ESX Server");
	tap_ok(nhvbd_get_hw_version(&M.t, &x) == 0 && x == 19, "GETHWVERSION 19");
	tap_ok(nhvbd_get_uuid(&M.t, uuid) == 0 && memcmp(uuid, test_uuid, 16) == 0, "GETUUID");
	nhvbd_uuid_format(uuid, s);
	tap_is_str(s, "564d1234-5678-9abc-def0-112233445566", "UUID in -uuid form");
	nhvbd_uuid_format_vmx(uuid, s);
	tap_is_str(s, "56 4d 12 34 56 78 9a bc-de f0 11 22 33 44 55 66", "UUID in uuid.bios form");
	tap_ok(nhvbd_get_memsize(&M.t, &x) == 0 && x == 2048, "GETMEMSIZE");
	tap_ok(nhvbd_get_hz(&M.t, &hz) == 0 && hz.tsc_hz == 2900000000ull && hz.apic_hz == 1000000000u,
	       "GETHZ: 64-bit TSC Hz and APIC Hz");
	tap_ok(nhvbd_get_time_full(&M.t, &tm) == 0 && tm.seconds == 1700000000ull && tm.usec == 123456,
	       "GETTIMEFULL");
	tap_ok(nhvbd_get_vcpu_info(&M.t, &x) == 0 && x == 8, "GET_VCPU_INFO");
	tap_ok(nhvbd_get_build_num(&M.t, &x) == 0 && x == 24022510, "GETBUILDNUM");
	tap_ok(nhvbd_nesting_control(&M.t, NESTING_CONTROL_QUERY, &x) == 0 && nhvbd_nesting_supported(x),
	       "NESTING_CONTROL QUERY: supported");
	tap_is_int(nhvbd_nesting_control(&M.t, NESTING_CONTROL_RESTRICT_BACKDOOR, &x), NHVBD_EUNSUPPORTED,
		   "NESTING_CONTROL RESTRICT on a host without it: unsupported");
	tap_is_int(nhvbd_nesting_control(&M.t, 7, &x), NHVBD_EINVAL, "NESTING_CONTROL op 7 is refused");
	M.mem.cpl = 3;
	H.cfg.restrict_backdoor = 1;
	tap_is_int(nhvbd_get_version(&M.t, &v), NHVBD_EFAULT, "restricted backdoor: the call faults");
	H.cfg.restrict_backdoor = 0;
}

static void test_rpci(int hb)
{
	char reply[256];
	int err;
	size_t i;

	setup(hb);
	tap_is_int(nhvbd_info_set(&M.t, "nhv.hostname", "lab1"), 0, "[hb=%d] info-set guestinfo.nhv.hostname", hb);
	tap_is_str(nhvbd_host_guestinfo_get(&H, "guestinfo.nhv.hostname"), "lab1", "[hb=%d] the host stored it", hb);
	tap_is_int(nhvbd_info_get(&M.t, "nhv.hostname", reply, sizeof(reply)), 0, "[hb=%d] info-get", hb);
	tap_is_str(reply, "lab1", "[hb=%d] info-get returns the value", hb);
	tap_is_int(nhvbd_info_get(&M.t, "guestinfo.nhv.hostname", reply, sizeof(reply)), 0,
		   "[hb=%d] info-get with the guestinfo. prefix", hb);
	err = nhvbd_info_get(&M.t, "nhv.unset", reply, sizeof(reply));
	tap_is_int(err, NHVBD_ERPC, "[hb=%d] info-get of an unset key fails", hb);
	tap_is_str(reply, RPCI_NO_VALUE, "[hb=%d] ... with the host's \"No value found\"", hb);
	tap_is_int(nhvbd_info_get(&M.t, "bad key", reply, sizeof(reply)), NHVBD_EINVAL,
		   "[hb=%d] a key with a space is refused before sending", hb);
	tap_is_int(nhvbd_rpci(&M.t, "tools.set.version 2147483647", reply, sizeof(reply)), 0,
		   "[hb=%d] tools.set.version unmanaged", hb);
	tap_ok(H.tools.version == TOOLS_VERSION_UNMANAGED, "[hb=%d] the host shows tools version unmanaged", hb);
	tap_is_int(nhvbd_rpci(&M.t, "SetGuestInfo  1 lab1", reply, sizeof(reply)), 0, "[hb=%d] SetGuestInfo", hb);
	tap_is_int(nhvbd_rpci(&M.t, "no-such-rpc", reply, sizeof(reply)), NHVBD_ERPC, "[hb=%d] unknown RPC", hb);
	tap_is_str(reply, RPCI_UNKNOWN_COMMAND, "[hb=%d] ... \"Unknown command\"", hb);
	for (i = 0; i < 60000; i++)
		big[i] = (char)('a' + i % 26);
	big[60000] = '\0';
	tap_is_int(nhvbd_info_set(&M.t, "nhv.big", big), 0, "[hb=%d] info-set of 60000 bytes", hb);
	tap_is_int(nhvbd_info_get(&M.t, "nhv.big", back, sizeof(back)), 0, "[hb=%d] info-get of 60000 bytes", hb);
	tap_ok(strcmp(big, back) == 0, "[hb=%d] 60000 bytes round-trip intact", hb);
	tap_is_int(nhvbd_info_get(&M.t, "nhv.big", reply, sizeof(reply)), NHVBD_ETOOBIG,
		   "[hb=%d] a reply above the caller's buffer: ETOOBIG", hb);
	tap_is_int(nhvbd_info_get(&M.t, "nhv.hostname", reply, sizeof(reply)), 0,
		   "[hb=%d] the next RPC works after a too-big reply", hb);
	if (hb)
		tap_ok(M.mem.hb_calls > 0, "HB offered: the client used it (%u HB calls)", M.mem.hb_calls);
	else
		tap_ok(M.mem.hb_calls == 0, "HB not offered: the client stayed on LB");
	{
		unsigned open_now = 0, c;

		for (c = 0; c < NHVBD_HOST_CHANNELS; c++)
			open_now += H.chan[c].in_use;
		tap_is_int(open_now, 0, "[hb=%d] every RPCI channel was closed again", hb);
	}
}

static void test_msg_limits(void)
{
	struct nhvbd_chan c;
	size_t len;

	setup(0);
	nhvbd_msg_open(&c, &M.t, RPCI_PROTOCOL_NUM);
	tap_is_int(nhvbd_msg_send(&c, big, GUESTMSG_MAX_IN_SIZE + 1), NHVBD_ETOOBIG,
		   "the client refuses to send above 64 KiB");
	tap_is_int(nhvbd_msg_receive(&c, back, 0, &len), NHVBD_EINVAL, "receive into no buffer");
	nhvbd_msg_close(&c);
	tap_is_int(nhvbd_msg_send(&c, "x", 1), NHVBD_EINVAL, "send on a closed channel");
	tap_ok(c.cookie_hi || c.cookie_lo, "the channel was opened with cookies");
}

static void test_tclo(void)
{
	struct nhvbd_tclo tc;
	char cmd[600], *name, *args;
	size_t len;

	setup(1);
	tap_is_int(nhvbd_tclo_open(&tc, &M.t), 0, "TCLO open");
	tap_ok(H.tools.running, "the host sees the tools running");
	tap_is_int(nhvbd_tclo_poll(&tc, cmd, sizeof(cmd), &len), 0, "first poll (empty message)");
	tap_is_str(cmd, "reset", "first command: reset");
	nhvbd_tclo_split(cmd, &name, &args);
	tap_ok(nhvbd_tclo_answer_builtin(&tc, name, TCLO_APP_NAME), "reset answered by the built-in");
	tap_is_int(nhvbd_tclo_poll(&tc, cmd, sizeof(cmd), &len), 0, "poll with the reset result");
	tap_is_str(H.tools.last_result, "OK ATR toolbox", "the host got \"OK ATR toolbox\"");
	tap_is_int(len, 0, "no command waiting");
	nhvbd_host_tclo_queue(&H, "ping");
	nhvbd_tclo_poll(&tc, cmd, sizeof(cmd), &len);
	tap_is_str(cmd, "ping", "ping delivered");
	nhvbd_tclo_split(cmd, &name, &args);
	nhvbd_tclo_answer_builtin(&tc, name, NULL);
	nhvbd_host_tclo_queue(&H, "Set_Option broadcastIP 1");
	nhvbd_tclo_poll(&tc, cmd, sizeof(cmd), &len);
	tap_is_str(H.tools.last_result, "OK ", "the host got the ping answer \"OK \"");
	nhvbd_tclo_split(cmd, &name, &args);
	tap_ok(strcmp(name, "Set_Option") == 0 && strcmp(args, "broadcastIP 1") == 0,
	       "Set_Option delivered with its arguments");
	nhvbd_tclo_set_result(&tc, 0, TCLO_BAD_OPTION);
	nhvbd_host_tclo_queue(&H, "OS_Halt");
	nhvbd_tclo_poll(&tc, cmd, sizeof(cmd), &len);
	tap_is_str(H.tools.last_result, "ERROR Unknown or invalid option", "an ERROR result reaches the host");
	tap_is_str(cmd, "OS_Halt", "OS_Halt delivered");
	tap_is_int(nhvbd_rpci(&M.t, "tools.os.statechange.status 1 1", cmd, sizeof(cmd)), 0,
		   "statechange status over RPCI while TCLO is open");
	nhvbd_tclo_set_result(&tc, 1, "");
	nhvbd_tclo_poll(&tc, cmd, sizeof(cmd), &len);
	tap_is_str(H.tools.last_result, "OK ", "OS_Halt answered");
	tap_ok(H.tools.statechange_state == GUESTOS_STATECHANGE_HALT, "the host saw the halt state change");
	nhvbd_tclo_close(&tc);
	tap_ok(!H.tools.running, "TCLO closed: tools not running");
}

/* ---- misbehaving hosts ---- */

static uint32_t want_type, put_status;
static int times;

static void inject_status(struct meddle *m, uint32_t type, struct nhvbd_regs *r)
{
	(void)m;
	if (type == want_type && times != 0) {
		if (times > 0)
			times--;
		if (type >= 100)
			r->ebx = put_status << 16;
		else
			r->ecx = put_status << 16;
	}
}

static void checkpoint_after_payload(struct meddle *m, uint32_t type, struct nhvbd_regs *r)
{
	(void)m;
	(void)r;
	if (type == MESSAGE_TYPE_RECVPAYLOAD && times > 0 && --times == 0)
		nhvbd_host_checkpoint(&H);
}

static int rpc_with(uint32_t type, uint32_t status, int n, int hb, char *reply, size_t cap)
{
	setup(hb);
	nhvbd_host_guestinfo_set(&H, "guestinfo.k", "value");
	want_type = type;
	put_status = status;
	times = n;
	M.after = inject_status;
	return nhvbd_info_get(&M.t, "k", reply, cap);
}

static void test_statuses(void)
{
	char reply[64];
	int err;

	err = rpc_with(MESSAGE_TYPE_SENDPAYLOAD, MESSAGE_STATUS_CPT, 1, 0, reply, sizeof(reply));
	tap_ok(err == 0 && strcmp(reply, "value") == 0, "CPT on SENDPAYLOAD once: retried, works");
	err = rpc_with(MESSAGE_TYPE_RECVPAYLOAD, MESSAGE_STATUS_CPT, 2, 0, reply, sizeof(reply));
	tap_ok(err == 0 && strcmp(reply, "value") == 0, "CPT on RECVPAYLOAD twice: retried, works");
	setup(0);
	nhvbd_host_guestinfo_set(&H, "guestinfo.k", "value");
	times = 2;	/* "1 value" is two words: checkpoint after the last one */
	M.after = checkpoint_after_payload;
	err = nhvbd_info_get(&M.t, "k", reply, sizeof(reply));
	tap_ok(err == 0 && strcmp(reply, "value") == 0,
	       "a real checkpoint before RECVSTATUS: CPT, receive retried, works (err %d)", err);
	tap_ok(H.chan[0].in_use == 0, "... and the channel was closed");
	err = rpc_with(MESSAGE_TYPE_RECVPAYLOAD, MESSAGE_STATUS_UNSENT, 1, 0, reply, sizeof(reply));
	tap_ok(err == 0 && strcmp(reply, "value") == 0, "UNSENT on RECVPAYLOAD once: retried, works");
	err = rpc_with(100, MESSAGE_STATUS_CPT, 1, 1, reply, sizeof(reply));
	tap_ok(err == 0 && strcmp(reply, "value") == 0, "CPT on the HB send once: retried, works");
	err = rpc_with(101, MESSAGE_STATUS_CPT, 1, 1, reply, sizeof(reply));
	tap_ok(err == 0 && strcmp(reply, "value") == 0, "CPT on the HB receive once: retried, works");
	err = rpc_with(MESSAGE_TYPE_SENDSIZE, MESSAGE_STATUS_CPT, -1, 0, reply, sizeof(reply));
	tap_is_int(err, NHVBD_ECPT, "CPT forever: gives up with ECPT");
	tap_ok(M.calls < 40, "... after a bounded number of calls (%u)", M.calls);
	err = rpc_with(MESSAGE_TYPE_RECVPAYLOAD, MESSAGE_STATUS_UNSENT, -1, 0, reply, sizeof(reply));
	tap_is_int(err, NHVBD_ECPT, "UNSENT forever: gives up, bounded (%u calls)", M.calls);
	err = rpc_with(MESSAGE_TYPE_RECVSIZE, MESSAGE_STATUS_CLOSED, 1, 0, reply, sizeof(reply));
	tap_is_int(err, NHVBD_ECLOSED, "CLOSED: ECLOSED");
	err = rpc_with(MESSAGE_TYPE_SENDPAYLOAD, MESSAGE_STATUS_POWEROFF, 1, 0, reply, sizeof(reply));
	tap_is_int(err, NHVBD_EPOWEROFF, "POWEROFF: EPOWEROFF");
	err = rpc_with(MESSAGE_TYPE_SENDSIZE, MESSAGE_STATUS_TIMEOUT, 1, 0, reply, sizeof(reply));
	tap_is_int(err, NHVBD_ETIMEOUT, "TIMEOUT: ETIMEOUT");
	err = rpc_with(MESSAGE_TYPE_SENDSIZE, 0, 1, 0, reply, sizeof(reply));
	tap_is_int(err, NHVBD_EFAILED, "a status without SUCCESS: EFAILED");
	err = rpc_with(MESSAGE_TYPE_OPEN, 0, -1, 0, reply, sizeof(reply));
	tap_is_int(err, NHVBD_ENOMSG, "OPEN refused (with and without cookies): ENOMSG");
	err = rpc_with(MESSAGE_TYPE_OPEN, 0, 1, 0, reply, sizeof(reply));
	tap_ok(err == 0 && strcmp(reply, "value") == 0, "OPEN refused with cookies only: the retry without works");
	err = rpc_with(MESSAGE_TYPE_RECVSIZE, MESSAGE_STATUS_SUCCESS, 1, 0, reply, sizeof(reply));
	tap_is_int(err, NHVBD_EPROTO, "RPCI answered with no message at all: EPROTO");
}

static uint32_t lie_value;

static void lie_size(struct meddle *m, uint32_t type, struct nhvbd_regs *r)
{
	(void)m;
	if (type == MESSAGE_TYPE_RECVSIZE && (r->ecx >> 16) & MESSAGE_STATUS_DORECV)
		r->ebx = lie_value;
}

static void wrong_recv_type(struct meddle *m, uint32_t type, struct nhvbd_regs *r)
{
	(void)m;
	if (type == MESSAGE_TYPE_RECVSIZE)
		r->edx = MESSAGE_TYPE_RECVSIZE << 16;
}

static void wrong_payload_type(struct meddle *m, uint32_t type, struct nhvbd_regs *r)
{
	(void)m;
	if (type == MESSAGE_TYPE_RECVPAYLOAD)
		r->edx = 0x1234u << 16;
}

static void garbage_reply(struct meddle *m, uint32_t type, struct nhvbd_regs *r)
{
	(void)m;
	if (type == MESSAGE_TYPE_RECVPAYLOAD)
		r->ebx = 0x6c6c6548;	/* "Hell" */
}

static void test_lies(void)
{
	char reply[64];
	int err;

	setup(0);
	nhvbd_host_guestinfo_set(&H, "guestinfo.k", "value");
	M.after = lie_size;
	lie_value = 0xFFFFFFFFu;
	tap_is_int(nhvbd_info_get(&M.t, "k", reply, sizeof(reply)), NHVBD_ETOOBIG,
		   "host claims a 4 GiB reply: ETOOBIG, nothing read");
	lie_value = GUESTMSG_MAX_IN_SIZE + 1;
	tap_is_int(nhvbd_info_get(&M.t, "k", reply, sizeof(reply)), NHVBD_ETOOBIG,
		   "host claims 64 KiB + 1: ETOOBIG");
	lie_value = 40;
	err = nhvbd_info_get(&M.t, "k", reply, sizeof(reply));
	tap_ok(err == NHVBD_EFAILED || err == NHVBD_EPROTO,
	       "host claims more than it has: the refused read ends the RPC (err %d)", err);
	M.after = wrong_recv_type;
	tap_is_int(nhvbd_info_get(&M.t, "k", reply, sizeof(reply)), NHVBD_EPROTO,
		   "RECVSIZE without type SENDSIZE in EDX: EPROTO");
	M.after = wrong_payload_type;
	tap_is_int(nhvbd_info_get(&M.t, "k", reply, sizeof(reply)), NHVBD_EPROTO,
		   "RECVPAYLOAD without type SENDPAYLOAD in EDX: EPROTO");
	M.after = garbage_reply;
	tap_is_int(nhvbd_info_get(&M.t, "k", reply, sizeof(reply)), NHVBD_EPROTO,
		   "a reply that is neither \"1 \" nor \"0 \": EPROTO");
	M.after = NULL;
	tap_is_int(nhvbd_info_get(&M.t, "k", reply, sizeof(reply)), 0, "the honest host again: works");
	{
		int ok;
		const char *text;

		tap_is_int(nhvbd_rpci_parse_reply("1", 1, &ok, &text), 0, "reply \"1\" alone is accepted");
		tap_is_int(nhvbd_rpci_parse_reply("1x", 2, &ok, &text), NHVBD_EPROTO, "reply \"1x\" is not");
		tap_is_int(nhvbd_rpci_parse_reply("", 0, &ok, &text), NHVBD_EPROTO, "an empty reply is not");
		tap_is_int(nhvbd_rpci_parse_reply("1 a\0b", 5, &ok, &text), NHVBD_EPROTO,
			   "a reply with a NUL inside is not");
	}
}

/* A host like QEMU's vmport: a few commands, no MESSAGE (reference 6.1). */
static int qemu_lb(void *ctx, struct nhvbd_regs *r)
{
	(void)ctx;
	if (r->eax != BDOOR_MAGIC) {
		r->eax = BDOOR_NO_DEVICE;
		return 0;
	}
	switch (r->ecx & 0xFF) {
	case BDOOR_CMD_GETVERSION:
		r->eax = 6;
		r->ebx = BDOOR_MAGIC;
		r->ecx = 2;
		break;
	case BDOOR_CMD_GETUUID:
		r->eax = 0x34124d56u;
		r->ebx = 0xbc9a7856u;
		r->ecx = 0x2211f0deu;
		r->edx = 0x66554433u;
		break;
	case BDOOR_CMD_GETMEMSIZE:
		r->eax = 512u << 20;
		r->ebx = 0x1177;
		break;
	default:
		r->eax = BDOOR_NO_DEVICE;
		break;
	}
	return 0;
}

static int nothing_lb(void *ctx, struct nhvbd_regs *r)
{
	(void)ctx;
	r->eax = BDOOR_NO_DEVICE;	/* EBX untouched: an empty port */
	return 0;
}

static int fault_lb(void *ctx, struct nhvbd_regs *r)
{
	(void)ctx;
	(void)r;
	return NHVBD_EFAULT;
}

static void test_qemu_like(void)
{
	struct nhvbd_transport q = { NULL, qemu_lb, NULL, NULL };
	struct nhvbd_transport none = { NULL, nothing_lb, NULL, NULL };
	struct nhvbd_transport gp = { NULL, fault_lb, NULL, NULL };
	struct nhvbd_version v;
	struct nhvbd_time tm;
	uint8_t uuid[16];
	char reply[64], s[40];
	uint32_t x;

	tap_ok(nhvbd_get_version(&q, &v) == 0 && v.version == 6 && v.vmx_type == 2,
	       "QEMU-like host: GETVERSION 6, type 2");
	nhvbd_get_uuid(&q, uuid);
	nhvbd_uuid_format(uuid, s);
	tap_is_str(s, "564d1234-5678-9abc-def0-112233445566", "QEMU-like host: GETUUID");
	tap_is_int(nhvbd_info_get(&q, "nhv.hostname", reply, sizeof(reply)), NHVBD_ENOMSG,
		   "QEMU-like host: GuestRPC fails at once with ENOMSG");
	tap_is_int(nhvbd_get_time_full(&q, &tm), NHVBD_EUNSUPPORTED, "QEMU-like host: no GETTIMEFULL");
	tap_is_int(nhvbd_get_hw_version(&q, &x), NHVBD_EUNSUPPORTED, "QEMU-like host: no GETHWVERSION");
	tap_is_int(nhvbd_get_build_num(&q, &x), NHVBD_EUNSUPPORTED, "QEMU-like host: no GETBUILDNUM");
	tap_is_int(nhvbd_nesting_control(&q, NESTING_CONTROL_QUERY, &x), NHVBD_EUNSUPPORTED,
		   "QEMU-like host: no NESTING_CONTROL");
	tap_is_int(nhvbd_get_version(&none, &v), NHVBD_ENODEV, "empty port: ENODEV");
	tap_is_int(nhvbd_get_uuid(&none, uuid), NHVBD_EUNSUPPORTED, "empty port: no UUID");
	tap_is_int(nhvbd_get_version(&gp, &v), NHVBD_EFAULT, "faulting port: EFAULT");
	tap_is_int(nhvbd_info_get(&gp, "x", reply, sizeof(reply)), NHVBD_EFAULT, "faulting port: RPCI EFAULT");
}

static void test_facts(void)
{
	struct nhvbd_transport q = { NULL, qemu_lb, NULL, NULL };
	struct nhvbd_transport none = { NULL, nothing_lb, NULL, NULL };
	struct nhvbd_facts f;
	char text[2048];

	setup(0);
	tap_is_int(nhvbd_facts_collect(&M.t, &f), 0, "facts from a VMware-like host");
	nhvbd_facts_format(&f, text, sizeof(text));
	tap_ok(strstr(text, "present=1\nversion=6\nvmx_type=2\nvmx_type_name=ESX Server\n") &&
	       strstr(text, "uuid=564d1234-5678-9abc-def0-112233445566\n") &&
	       strstr(text, "hw_version=19\n") && strstr(text, "build=24022510\n") &&
	       strstr(text, "tsc_hz=2900000000\n") &&
	       strstr(text, "nesting_supported=1\nnesting_query_eax=0x00000002\n"),
	       "facts text has every answer");
	nhvbd_facts_collect(&q, &f);
	nhvbd_facts_format(&f, text, sizeof(text));
	tap_ok(strstr(text, "present=1\n") && !strstr(text, "hw_version=") && !strstr(text, "build=") &&
	       strstr(text, "nesting_supported=0\nnesting_reason=the host does not answer NESTING_CONTROL\n"),
	       "QEMU-like facts: only what it answers, nesting absent");
	tap_is_int(nhvbd_facts_collect(&none, &f), NHVBD_ENODEV, "facts from an empty port: ENODEV");
	nhvbd_facts_format_nesting(&f, text, sizeof(text));
	tap_is_str(text, "nesting_supported=0\nnesting_reason=no VMware backdoor\n", "nesting file without a backdoor");
	nhvbd_facts_format(&f, text, 8);
	tap_is_int((long long)strlen(text), 7, "facts text is cut at the buffer, NUL-terminated");
}

int main(void)
{
	test_commands();
	test_rpci(0);
	test_rpci(1);
	test_msg_limits();
	test_tclo();
	test_statuses();
	test_lies();
	test_qemu_like();
	test_facts();
	return tap_done();
}
