/*
 * test-toolsnics.c - the guest tools' NIC report from the guest to
 * `nhv vm list`: a report goes into a VM's backdoor as vmtoolsd sends it
 * ("SetGuestInfo  10 " + XDR), out through the VMM's status line
 * (control_backdoor_status) and back through the list's reader
 * (toolsnics_parse), which must give the same NICs; the address the list
 * shows for a VM NIC and for an unknown one; a guest reset; then hostile
 * status lines (every truncation, too many NICs or addresses, characters
 * the writer never makes), which the reader refuses without reading more.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "handshake/host.h"
#include "userland/lib/tap.h"
#include "userland/nhv-vm/backdoor.h"
#include "userland/nhv-vm/control.h"
#include "userland/nhv-vm/toolsnics.h"

static char logged[600];

static void log_line(void *ctx, const char *line)
{
	(void)ctx;
	snprintf(logged, sizeof(logged), "%s", line);
}

struct buf {
	uint8_t b[4096];
	size_t n;
};

static void put32(struct buf *o, uint32_t v)
{
	for (int i = 3; i >= 0; i--)
		o->b[o->n++] = (uint8_t)(v >> (8 * i));
}

static void put_opaque(struct buf *o, const void *p, uint32_t len)
{
	put32(o, len);
	memcpy(o->b + o->n, p, len);
	o->n += len;
	for (; len % 4; len++)
		o->b[o->n++] = 0;
}

/* "SetGuestInfo  10 " + a V3 report: eth0 with 10.77.0.201/24 and
 * fe80::5054:ff:fe12:3456/64, dummy0 with 10.99.0.7/16. */
static void report(struct buf *o)
{
	static const uint8_t a4[4] = { 10, 77, 0, 201 }, d4[4] = { 10, 99, 0, 7 };
	static const uint8_t a6[16] = { 0xfe, 0x80, [8] = 0x50, 0x54, 0x00, 0xff, 0xfe, 0x12,
					0x34, 0x56 };

	o->n = 0;
	memcpy(o->b, "SetGuestInfo  10 ", 17);
	o->n = 17;
	put32(o, 3);
	put32(o, 1);
	put32(o, 2);
	put_opaque(o, "52:54:00:12:34:56", 17);
	put32(o, 2);
	put32(o, 1);
	put_opaque(o, a4, 4);
	put32(o, 24);
	put32(o, 0);
	put32(o, 0);
	put32(o, 2);
	put_opaque(o, a6, 16);
	put32(o, 64);
	put32(o, 0);
	put32(o, 0);
	for (int i = 0; i < 4; i++)
		put32(o, 0);
	put_opaque(o, "aa:bb:cc:00:00:07", 17);
	put32(o, 1);
	put32(o, 1);
	put_opaque(o, d4, 4);
	put32(o, 16);
	put32(o, 0);
	put32(o, 0);
	for (int i = 0; i < 4; i++)
		put32(o, 0);
	put32(o, 0);	/* routes */
	for (int i = 0; i < 4; i++)
		put32(o, 0);
}

/* The VMM's status line (the backdoor member inside an object). */
static char *status_line(struct vm *vm)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	fputs("{\"name\":\"l2\"", f);
	control_backdoor_status(vm, f);
	fputs("}", f);
	fclose(f);
	return s;
}

static const char *addr(const struct nicinfo *ni, unsigned int nic, unsigned int k)
{
	static char s[NICINFO_ADDR_STR];

	nicinfo_addr_str(&ni->nic[nic].addr[k], s, sizeof(s));
	return s;
}

static int same(const struct nicinfo *a, const struct nicinfo *b)
{
	if (a->nnics != b->nnics)
		return 0;
	for (unsigned int i = 0; i < a->nnics; i++) {
		const struct nicinfo_nic *x = &a->nic[i], *y = &b->nic[i];

		if (strcmp(x->mac, y->mac) || x->naddrs != y->naddrs || x->dropped != y->dropped)
			return 0;
		for (unsigned int k = 0; k < x->naddrs; k++)
			if (memcmp(&x->addr[k], &y->addr[k], sizeof(x->addr[k])))
				return 0;
	}
	return 1;
}

static void round_trip(void)
{
	struct backdoor_setup s = { .memsize_mb = 256, .tsc_khz = 1000000, .log = log_line };
	struct vm vm;
	struct buf m;
	struct nicinfo back;
	struct nhvbd_host_tools t;
	uint64_t calls, errors;
	char reply[64], ip[16], *line;
	const char macs[2][18] = { "52:54:00:12:34:56", "52:54:00:00:00:02" };
	size_t n;

	memset(&vm, 0, sizeof(vm));
	vm.backdoor = backdoor_new(&s);
	if (!vm.backdoor) {
		tap_ok(0, "backdoor_new");
		return;
	}
	line = status_line(&vm);
	tap_ok(toolsnics_parse(line, &back) == 1 && back.nnics == 0,
	       "before any report: an empty tools_nics");
	free(line);

	report(&m);
	n = nhvbd_host_rpci(&vm.backdoor->host, (const char *)m.b, m.n, reply, sizeof(reply) - 1);
	reply[n] = '\0';
	tap_is_str(reply, "1 ", "the host accepts the report");
	line = status_line(&vm);
	tap_ok(strstr(line, "\"nic_reports\":1,\"tools_nics\":[{\"mac\":\"52:54:00:12:34:56\","
		   "\"addrs\":[\"10.77.0.201/24\",\"fe80::5054:ff:fe12:3456/64\"],\"dropped\":0},")
	       != NULL, "the status line carries the NICs");
	if (!strstr(line, "\"tools_nics\":[{"))
		tap_diag("status: %s", line);
	tap_is_int(toolsnics_parse(line, &back), 1, "the reader finds them");
	tap_ok(same(&back, &vm.backdoor->host.tools.nics), "and reads back the same NICs");
	tap_is_str(addr(&back, 1, 0), "10.99.0.7/16", "dummy0's address");
	toolsnics_ip(&back, macs[0], NULL, NULL, 0, ip, sizeof(ip));
	tap_is_str(ip, "10.77.0.201", "ethernet0's MAC: its IPv4 from the tools");
	toolsnics_ip(&back, macs[1], NULL, NULL, 0, ip, sizeof(ip));
	tap_is_str(ip, "", "a MAC the tools did not report: nothing");
	toolsnics_ip(&back, NULL, NULL, macs, 2, ip, sizeof(ip));
	tap_is_str(ip, "10.99.0.7", "a NIC none of the VM's: its IPv4");
	toolsnics_ip(&back, NULL, NULL, macs, 0, ip, sizeof(ip));
	tap_is_str(ip, "10.77.0.201", "a VM without NICs: the first tools IPv4");
	toolsnics_ip(&back, macs[0], "10.77.0.201", NULL, 0, ip, sizeof(ip));
	tap_is_str(ip, "", "the NIC's only IPv4 is its lease: nothing besides it");
	back.nic[0].addr[1] = back.nic[1].addr[0];
	toolsnics_ip(&back, macs[0], "10.77.0.201", NULL, 0, ip, sizeof(ip));
	tap_is_str(ip, "10.99.0.7", "an IPv4 besides the lease");
	free(line);

	/* A refused report: a guest error with a log line, and no NICs. */
	n = nhvbd_host_rpci(&vm.backdoor->host, (const char *)m.b, m.n - 4, reply, sizeof(reply) - 1);
	reply[n] = '\0';
	tap_is_str(reply, "0 Invalid NIC info", "a cut report is refused");
	backdoor_tools(vm.backdoor, &t, &calls, &errors);
	tap_is_int((long long)errors, 1, "counted as a guest error");
	tap_ok(strstr(logged, "NIC report (SetGuestInfo 10") != NULL, "and logged: %s", logged);
	tap_is_int(t.nics.nnics, 0, "no NICs after it");

	nhvbd_host_rpci(&vm.backdoor->host, (const char *)m.b, m.n, reply, sizeof(reply) - 1);
	backdoor_reset(vm.backdoor);
	line = status_line(&vm);
	tap_ok(toolsnics_parse(line, &back) == 1 && back.nnics == 0,
	       "a guest reset forgets the old system's NICs");
	free(line);
	backdoor_free(vm.backdoor);
	vm.backdoor = NULL;
	line = status_line(&vm);
	tap_is_int(toolsnics_parse(line, &back), 0, "no backdoor: no tools_nics");
	free(line);
}

static void hostile(void)
{
	static const char good[] = "{\"backdoor\":{\"tools_nics\":[{\"mac\":\"52:54:00:12:34:56\","
				   "\"addrs\":[\"10.77.0.201/24\",\"fe80::1/64\"],\"dropped\":2},"
				   "{\"mac\":\"\",\"addrs\":[],\"dropped\":0}]}}";
	static const char *const bad[] = {
		"\"tools_nics\":{}",
		"\"tools_nics\":[{\"mac\":\"52:54:00:12:34:5\\\"\",\"addrs\":[],\"dropped\":0}]",
		"\"tools_nics\":[{\"mac\":\"52:54:00:12:34\",\"addrs\":[],\"dropped\":0}]",
		"\"tools_nics\":[{\"mac\":\"\",\"addrs\":[\"10.0.0.1/33\"],\"dropped\":0}]",
		"\"tools_nics\":[{\"mac\":\"\",\"addrs\":[\"10.0.0.256\"],\"dropped\":0}]",
		"\"tools_nics\":[{\"mac\":\"\",\"addrs\":[\"fe80::1/129\"],\"dropped\":0}]",
		"\"tools_nics\":[{\"mac\":\"\",\"addrs\":[\"10.0.0.1/\"],\"dropped\":0}]",
		"\"tools_nics\":[{\"mac\":\"\",\"addrs\":[\"1.2.3.4\" ],\"dropped\":0}]",
		"\"tools_nics\":[{\"mac\":\"\",\"addrs\":[],\"dropped\":-1}]",
		"\"tools_nics\":[{\"mac\":\"\",\"addrs\":[],\"dropped\":99999999999}]",
		"\"tools_nics\":[{\"mac\":\"\",\"addrs\":[]}]",
		"\"tools_nics\":[{\"mac\":\"\",\"addrs\":[],\"dropped\":0},]",
		"\"tools_nics\":[{\"mac\":\"\",\"addrs\":[\"1111111111111111111111111111111111111111111111111\"],"
		"\"dropped\":0}]",
	};
	struct nicinfo ni;
	char line[4096];
	size_t n = strlen(good);
	int all = 1;

	tap_is_int(toolsnics_parse(good, &ni), 1, "a good line reads");
	tap_ok(ni.nnics == 2 && ni.nic[0].dropped == 2 && !ni.nic[1].mac[0] && ni.nic[0].naddrs == 2,
	       "two NICs, the second without MAC or address");
	for (size_t cut = strstr(good, "[") - good; cut < n - 3; cut++) {
		memcpy(line, good, cut);
		line[cut] = '\0';
		if (toolsnics_parse(line, &ni) != -1 || ni.nnics) {
			tap_diag("cut at %zu read as a report", cut);
			all = 0;
		}
	}
	tap_ok(all, "every truncation inside the array is refused, nothing kept");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(toolsnics_parse(bad[i], &ni) == -1 && ni.nnics == 0, "refused: %s", bad[i]);

	/* 17 NICs, and a NIC with 9 addresses: past the bounds. */
	n = (size_t)snprintf(line, sizeof(line), "\"tools_nics\":[");
	for (int i = 0; i < 17; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s{\"mac\":\"\",\"addrs\":[],\"dropped\":0}",
				      i ? "," : "");
	snprintf(line + n, sizeof(line) - n, "]");
	tap_ok(toolsnics_parse(line, &ni) == -1 && ni.nnics == 0, "17 NICs refused");
	n = (size_t)snprintf(line, sizeof(line), "\"tools_nics\":[{\"mac\":\"\",\"addrs\":[");
	for (int i = 0; i < 9; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s\"10.0.0.%d/8\"", i ? "," : "", i + 1);
	snprintf(line + n, sizeof(line) - n, "],\"dropped\":0}]");
	tap_ok(toolsnics_parse(line, &ni) == -1 && ni.nnics == 0, "9 addresses refused");
}

int main(void)
{
	round_trip();
	hostile();
	return tap_done();
}
