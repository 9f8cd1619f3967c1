/*
 * test-backdoor.c - nhv-vm's backdoor (userland/nhv-vm/backdoor.c) with
 * 64-bit registers as NHV_EXIT_BACKDOOR hands them over: every command,
 * what is written back (32-bit results zero-extended, the rest untouched),
 * restrict_backdoor, the hypercall of the other vendor, hostile
 * registers, GuestRPC beyond its bounds, the log limit, and reset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "handshake/nhvbd_err.h"
#include "userland/lib/tap.h"
#include "userland/nhv-vm/backdoor.h"

static unsigned int nlog;
static char last_log[600];

static void log_fn(void *ctx, const char *line)
{
	(void)ctx;
	nlog++;
	snprintf(last_log, sizeof(last_log), "%s", line);
}

static struct backdoor *fresh(int restrict_cpl3)
{
	struct backdoor_setup s = {
		.uuid = { 0x56, 0x4d, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34,
			  0x56, 0x78, 0x9a, 0xbc },
		.memsize_mb = 256, .tsc_khz = 2500000, .apic_hz = 1000000000u,
		.restrict_cpl3 = restrict_cpl3, .hypercall = NHV_BACKDOOR_VMCALL, .seed = 7,
		.log = log_fn,
	};

	nlog = 0;
	last_log[0] = 0;
	return backdoor_new(&s);
}

static const struct backdoor_call IN0 = { NHV_BACKDOOR_IN, 4, 0, BDOOR_PORT };

/* A command's registers, every other register holding a marker. */
static void load(__u64 *g, uint32_t ecx, uint32_t ebx)
{
	for (int i = 0; i < NHV_NR_GPRS; i++)
		g[i] = 0xa5a5a5a500000000ULL | (unsigned int)i;
	g[NHV_RAX] = 0xffffffff00000000ULL | BDOOR_MAGIC;
	g[NHV_RCX] = ecx;
	g[NHV_RBX] = ebx;
	g[NHV_RDX] = BDOOR_PORT;
}

/* A call by IN from CPL 0. */
static int cmd(struct backdoor *b, __u64 *g, uint32_t ecx, uint32_t ebx)
{
	load(g, ecx, ebx);
	return backdoor_call(b, g, &IN0);
}

static void commands(void)
{
	struct backdoor *b = fresh(0);
	__u64 g[NHV_NR_GPRS];
	time_t now = time(NULL);
	uint64_t secs;

	tap_is_int(cmd(b, g, BDOOR_CMD_GETVERSION, ~BDOOR_MAGIC), 0, "GETVERSION: no fault");
	tap_ok(g[NHV_RAX] == 6 && g[NHV_RBX] == BDOOR_MAGIC && g[NHV_RCX] == VMX_TYPE_SCALABLE_SERVER,
	       "GETVERSION: RAX 6 (upper half cleared), RBX magic, RCX ESX (%#llx %#llx %#llx)",
	       (unsigned long long)g[NHV_RAX], (unsigned long long)g[NHV_RBX],
	       (unsigned long long)g[NHV_RCX]);
	tap_ok(g[NHV_R8] == 0xa5a5a5a500000008ULL && g[NHV_RBP] == 0xa5a5a5a500000005ULL &&
	       g[NHV_RSI] == 0xa5a5a5a500000006ULL, "registers the host leaves alone keep all 64 bits");
	cmd(b, g, BDOOR_CMD_GETHZ, 0);
	tap_ok((g[NHV_RAX] | g[NHV_RBX] << 32) == 2500000000ULL && g[NHV_RCX] == 1000000000u,
	       "GETHZ: TSC 2.5 GHz in EBX:EAX, APIC 1 GHz in ECX");
	cmd(b, g, BDOOR_CMD_GETUUID, 0);
	tap_ok(g[NHV_RAX] == 0x34124d56 && g[NHV_RBX] == 0xbc9a7856 && g[NHV_RCX] == 0x3412f0de &&
	       g[NHV_RDX] == 0xbc9a7856, "GETUUID: uuid.bios bytes in port order");
	cmd(b, g, BDOOR_CMD_GETMEMSIZE, 0);
	tap_is_int((long long)g[NHV_RAX], 256, "GETMEMSIZE: MiB");
	cmd(b, g, BDOOR_CMD_GET_VCPU_INFO, 0);
	tap_ok(g[NHV_RAX] == (1u << BDOOR_CMD_VCPU_SYNC_VTSCS),
	       "GET_VCPU_INFO: TSCs in sync, no legacy x2APIC, not reserved (%#llx)",
	       (unsigned long long)g[NHV_RAX]);
	cmd(b, g, BDOOR_CMD_GETTIMEFULL, 0);
	secs = (uint64_t)(uint32_t)g[NHV_RSI] << 32 | (uint32_t)g[NHV_RDX];
	tap_ok(g[NHV_RAX] == BDOOR_MAGIC && secs + 5 >= (uint64_t)now && secs <= (uint64_t)now + 5,
	       "GETTIMEFULL: seconds in ESI:EDX agree with time() within 5 s");
	cmd(b, g, BDOOR_CMD_GETTIME, 0);
	tap_ok(g[NHV_RAX] + 5 >= (uint32_t)now && g[NHV_RBX] < 1000000, "GETTIME: seconds and microseconds");
	cmd(b, g, 91, 0);
	tap_ok(g[NHV_RAX] == 0xffffffffu && nlog == 0,
	       "STEALCLOCK: not available (EAX = ~0), not logged as a guest error");
	cmd(b, g, 0x1234, 0);
	tap_ok(g[NHV_RAX] == 0xffffffffu && nlog == 1 && strstr(last_log, "command 4660"),
	       "an unknown command: EAX = ~0 and a log line naming it (%s)", last_log);
	backdoor_free(b);
}

static void paths(void)
{
	struct backdoor *b = fresh(1);
	__u64 g[NHV_NR_GPRS];
	struct backdoor_call c = IN0;

	c.cpl = 3;
	load(g, BDOOR_CMD_GETVERSION, 0);
	tap_is_int(backdoor_call(b, g, &c), 13, "restrict_backdoor: IN from CPL 3 raises #GP");
	tap_ok(nlog == 1 && strstr(last_log, "restrict_backdoor"), "and says so in the log");
	backdoor_free(b);

	b = fresh(0);
	load(g, BDOOR_CMD_GETVERSION, 0);
	c = (struct backdoor_call){ NHV_BACKDOOR_VMCALL, 0, 3, 0 };
	g[NHV_RDX] = 0;
	tap_ok(backdoor_call(b, g, &c) == 0 && g[NHV_RAX] == 6,
	       "VMCALL (advertised) from CPL 3 without restriction answers GETVERSION");
	c.kind = NHV_BACKDOOR_VMMCALL;
	tap_is_int(backdoor_call(b, g, &c), 6, "VMMCALL when VMCALL is advertised raises #UD");
	load(g, BDOOR_CMD_GETVERSION, 0);
	g[NHV_RDX] = 1;		/* BDOOR_FLAGS_HB */
	c.kind = NHV_BACKDOOR_VMCALL;
	tap_ok(backdoor_call(b, g, &c) == 0 && g[NHV_RBX] == 0,
	       "a high-bandwidth hypercall gets status 0 (not offered)");
	load(g, BDOOR_CMD_GETVERSION, 0);
	g[NHV_RAX] = 0xfffffffffffffff0ULL;
	c = (struct backdoor_call){ NHV_BACKDOOR_IN, 1, 0, BDOOR_PORT };
	backdoor_call(b, g, &c);
	tap_ok(g[NHV_RAX] == 0xffffffffffffffffULL, "IN AL from 0x5658: all ones in AL, as an empty port");
	c = (struct backdoor_call){ NHV_BACKDOOR_OUT, 4, 0, BDOOR_PORT };
	load(g, BDOOR_CMD_GETVERSION, 0);
	tap_ok(backdoor_call(b, g, &c) == 0 && g[NHV_RAX] == (0xffffffff00000000ULL | BDOOR_MAGIC),
	       "OUT to 0x5658 changes nothing");
	c = (struct backdoor_call){ NHV_BACKDOOR_IN, 4, 0, BDOOR_PORT };
	load(g, BDOOR_CMD_GETVERSION, 0);
	g[NHV_RAX] = 0x12345678;
	backdoor_call(b, g, &c);
	tap_ok(g[NHV_RAX] == 0xffffffffu && g[NHV_RBX] == 0 && g[NHV_RSI] == 0xa5a5a5a500000006ULL,
	       "no magic: EAX = ~0, nothing else written");
	backdoor_free(b);
}

/* GuestRPC over backdoor_call: the raw MESSAGE steps. */
static uint32_t msg(struct backdoor *b, uint32_t type, uint32_t id, uint32_t hi, uint32_t lo,
		    uint32_t ebx, __u64 *g)
{
	for (int i = 0; i < NHV_NR_GPRS; i++)
		g[i] = 0;
	g[NHV_RAX] = BDOOR_MAGIC;
	g[NHV_RBX] = ebx;
	g[NHV_RCX] = type << 16 | BDOOR_CMD_MESSAGE;
	g[NHV_RDX] = id << 16 | BDOOR_PORT;
	g[NHV_RSI] = hi;
	g[NHV_RDI] = lo;
	backdoor_call(b, g, &IN0);
	return (uint32_t)g[NHV_RCX] >> 16;
}

struct chan {
	uint32_t id, hi, lo;
};

static int open_chan(struct backdoor *b, struct chan *c)
{
	__u64 g[NHV_NR_GPRS];
	uint32_t st = msg(b, MESSAGE_TYPE_OPEN, 0, 0, 0, RPCI_PROTOCOL_NUM | GUESTMSG_FLAG_COOKIE, g);

	c->id = (uint32_t)g[NHV_RDX] >> 16;
	c->hi = (uint32_t)g[NHV_RSI];
	c->lo = (uint32_t)g[NHV_RDI];
	return st & MESSAGE_STATUS_SUCCESS;
}

static const char *rpc(struct backdoor *b, const char *text)
{
	static char buf[256];
	struct chan c;
	__u64 g[NHV_NR_GPRS];
	size_t n = strlen(text);
	uint32_t len;

	if (!open_chan(b, &c))
		return "(open refused)";
	msg(b, MESSAGE_TYPE_SENDSIZE, c.id, c.hi, c.lo, (uint32_t)n, g);
	for (size_t off = 0; off < n; off += 4) {
		uint32_t w = 0;

		for (size_t i = 0; i < 4 && off + i < n; i++)
			w |= (uint32_t)(uint8_t)text[off + i] << (8 * i);
		msg(b, MESSAGE_TYPE_SENDPAYLOAD, c.id, c.hi, c.lo, w, g);
	}
	if (!(msg(b, MESSAGE_TYPE_RECVSIZE, c.id, c.hi, c.lo, 0, g) & MESSAGE_STATUS_DORECV))
		return "(no reply)";
	len = (uint32_t)g[NHV_RBX];
	if (len >= sizeof(buf))
		return "(reply too long)";
	for (uint32_t off = 0; off < len; off += 4) {
		msg(b, MESSAGE_TYPE_RECVPAYLOAD, c.id, c.hi, c.lo, 1, g);
		for (uint32_t i = 0; i < 4 && off + i < len; i++)
			buf[off + i] = (char)(g[NHV_RBX] >> (8 * i));
	}
	buf[len] = 0;
	msg(b, MESSAGE_TYPE_RECVSTATUS, c.id, c.hi, c.lo, 1, g);
	msg(b, MESSAGE_TYPE_CLOSE, c.id, c.hi, c.lo, 0, g);
	return buf;
}

static void guestrpc(void)
{
	struct backdoor *b = fresh(0);
	struct chan c[NHVBD_HOST_CHANNELS + 1];
	__u64 g[NHV_NR_GPRS];
	char small[4], val[64];
	unsigned int opened = 0;

	tap_is_int(backdoor_guestinfo_set(b, "x", "from the host"), 0, "guestinfo set by the host");
	tap_is_str(rpc(b, "info-get guestinfo.x"), "1 from the host", "the guest reads it by RPCI");
	tap_is_str(rpc(b, "info-set guestinfo.y guest value"), "1 ", "the guest sets guestinfo.y");
	tap_ok(backdoor_guestinfo_get(b, "y", val, sizeof(val)) == 1 && !strcmp(val, "guest value"),
	       "the host reads the guest's value (%s)", val);
	tap_is_int(backdoor_guestinfo_get(b, "y", small, sizeof(small)), -1,
		   "a value longer than the caller's buffer is refused, not cut");
	tap_is_int(backdoor_guestinfo_get(b, "nosuch", val, sizeof(val)), 0, "an unset key: 0");
	tap_is_str(rpc(b, "info-get guestinfo.nosuch"), "0 No value found", "and the guest is told so");

	nlog = 0;
	open_chan(b, &c[0]);
	tap_ok(!(msg(b, MESSAGE_TYPE_SENDSIZE, c[0].id, c[0].hi, c[0].lo, GUESTMSG_MAX_IN_SIZE + 1, g) &
		 MESSAGE_STATUS_SUCCESS) && nlog == 1 && strstr(last_log, "GuestRPC: type 1"),
	       "a message above 64 KiB is refused with a log line (%s)", last_log);
	tap_ok(!(msg(b, MESSAGE_TYPE_SENDSIZE, c[0].id, c[0].hi, c[0].lo ^ 1, 4, g) & MESSAGE_STATUS_SUCCESS),
	       "a step with the wrong cookie is refused");
	msg(b, MESSAGE_TYPE_CLOSE, c[0].id, c[0].hi, c[0].lo, 0, g);
	for (unsigned int i = 0; i <= NHVBD_HOST_CHANNELS; i++)
		opened += (unsigned int)open_chan(b, &c[i]);
	tap_is_int(opened, NHVBD_HOST_CHANNELS, "at most %d channels: the next OPEN is refused",
		   NHVBD_HOST_CHANNELS);
	tap_is_str(rpc(b, "info-get guestinfo.x"), "(open refused)", "while all are open, RPCI fails");
	backdoor_reset(b);
	tap_is_str(rpc(b, "info-get guestinfo.x"), "1 from the host",
		   "after a guest reset every channel is free again, guestinfo kept");

	{
		uint64_t calls, errors, before;
		struct nhvbd_host_tools t;

		backdoor_tools(b, &t, &calls, &before);
		nlog = 0;
		tap_is_str(rpc(b, "log hello\x01 from the guest"), "1 ", "the guest's RPCI log line");
		backdoor_tools(b, &t, &calls, &errors);
		tap_ok(nlog == 1 && !strcmp(last_log, "guest tools log: hello? from the guest"),
		       "is logged once, control characters shown as '?' (%s)", last_log);
		tap_is_int((long long)(errors - before), 0, "and not counted as a guest error");
	}
	for (int i = 0; i < NHVBD_HOST_TCLO_QUEUE; i++)
		backdoor_tclo(b, "OS_Halt");
	tap_is_int(backdoor_tclo(b, "OS_Halt"), NHVBD_ENOSPACE, "the TCLO queue is bounded (%d)",
		   NHVBD_HOST_TCLO_QUEUE);
	backdoor_free(b);
}

static void log_limit(void)
{
	struct backdoor *b = fresh(0);
	__u64 g[NHV_NR_GPRS];
	uint64_t calls, errors;
	struct nhvbd_host_tools t;

	for (int i = 0; i < 200; i++)
		cmd(b, g, 0x7777, 0);
	backdoor_tools(b, &t, &calls, &errors);
	tap_ok(nlog == BACKDOOR_LOG_MAX + 1 && !strcmp(last_log, "backdoor: more guest errors, not logged"),
	       "200 bad calls: %d lines, then one saying the rest is not logged (%u)",
	       BACKDOOR_LOG_MAX, nlog);
	tap_ok(calls == 200 && errors == 200, "all counted (calls %llu, errors %llu)",
	       (unsigned long long)calls, (unsigned long long)errors);
	backdoor_free(b);
}

int main(void)
{
	commands();
	paths();
	guestrpc();
	log_limit();
	return tap_done();
}
