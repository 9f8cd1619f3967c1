/*
 * net-nat.c - the NAT network of L2 guests (docs/networking.md): the
 * bridge nhvbr0 at 10.77.0.1/24, IPv4 forwarding, nftables' masquerade out
 * of L1's uplink (table ip nhv), dnsmasq for DHCP and DNS on the bridge
 * (DNS forwarded to L1's /etc/resolv.conf), a DHCP reservation per guest
 * NIC (dnsmasq's --dhcp-hostsdir, read as files appear) and the port
 * forwards of each VM (table ip nhvf_HEXNAME, replaced whole).  Set-up is
 * idempotent and serialised by a lock file: guests start concurrently.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "userland/lib/atomic.h"
#include "userland/lib/hexfmt.h"
#include "userland/lib/runcap.h"
#include "userland/lib/sysroot.h"
#include "userland/nhv-vm/net.h"

#define NFT		"/usr/sbin/nft"
#define DNSMASQ		"/usr/sbin/dnsmasq"
#define MODPROBE	"/sbin/modprobe"
#define HOSTS_DIR	NET_RUN_DIR "/hosts"
#define FWD_DIR		NET_RUN_DIR "/fwd"
#define LEASES		NET_RUN_DIR "/leases"
#define PIDFILE		NET_RUN_DIR "/dnsmasq.pid"
#define FIRST_HOST	10	/* reservations 10.77.0.10-99; dnsmasq's pool is 100-199 */
#define LAST_HOST	99

/* The kernel modules the NAT path needs (images/modules.list); bridged mode the first two. */
static const char *const modules[] = {
	"tun", "bridge", "nf_tables", "nf_conntrack", "nf_nat", "nft_chain_nat", "nft_masq",
	"nft_nat", "nft_fib_ipv4",
};

static int lock_net(void)
{
	int fd;

	mkdir("/run/nhv", 0755);
	mkdir(NET_RUN_DIR, 0755);
	fd = open(NET_RUN_DIR "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		flock(fd, LOCK_EX);
	return fd;
}

static void unlock_net(int fd)
{
	if (fd >= 0)
		close(fd);	/* drops the flock */
}

int net_load_modules(int nat, char *why, size_t len)
{
	for (size_t i = 0; i < (nat ? sizeof(modules) / sizeof(modules[0]) : 2); i++) {
		char sys[64];
		char *const argv[] = { MODPROBE, (char *)modules[i], NULL };

		snprintf(sys, sizeof(sys), "/sys/module/%s", modules[i]);
		if (access(sys, F_OK) == 0)
			continue;
		if (run_wait(argv) != 0) {
			snprintf(why, len, "kernel module %s is missing or did not load (%s %s failed; "
				 "images/modules.list)", modules[i], MODPROBE, modules[i]);
			return -1;
		}
	}
	return 0;
}

/* Runs `nft -f file`; its message in why when it fails. */
static int nft_file(const char *file, char *why, size_t len)
{
	char out[512], cmd[256];
	int r;

	snprintf(cmd, sizeof(cmd), "exec %s -f %s 2>&1", NFT, file);
	char *const argv[] = { "/bin/sh", "-c", cmd, NULL };
	r = runcap(argv, out, sizeof(out), 20000, 0, NULL);
	if (r != 0) {
		out[strcspn(out, "\n")] = '\0';
		snprintf(why, len, "nft -f %s failed (%s): %s", file, r < 0 ? "did not run" : "exit status",
			 out[0] ? out : "no message");
		return -1;
	}
	return 0;
}

static int write_text(const char *path, const char *text, char *why, size_t len)
{
	if (atomic_write_file(path, text, strlen(text), 0644) < 0) {
		snprintf(why, len, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* IPv4 forwarding on (a /proc file: written in place, not replaced). */
static int ip_forward(char *why, size_t len)
{
	int fd = open("/proc/sys/net/ipv4/ip_forward", O_WRONLY | O_CLOEXEC);
	int ok = fd >= 0 && write(fd, "1\n", 2) == 2;

	if (!ok)
		snprintf(why, len, "cannot turn IPv4 forwarding on (/proc/sys/net/ipv4/ip_forward): %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

static int masquerade(char *why, size_t len)
{
	static const char rules[] =
		"table ip nhv\n"
		"delete table ip nhv\n"
		"table ip nhv {\n"
		"\tchain postrouting {\n"
		"\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
		"\t\tip saddr " NET_PREFIX "0/24 ip daddr != " NET_PREFIX "0/24 masquerade\n"
		"\t}\n"
		"}\n";

	if (write_text(NET_RUN_DIR "/nat.nft", rules, why, len))
		return -1;
	return nft_file(NET_RUN_DIR "/nat.nft", why, len);
}

static int pid_alive(const char *pidfile)
{
	char *text = read_file(pidfile, 64, NULL);
	long pid = text ? strtol(text, NULL, 10) : 0;

	free(text);
	return pid > 0 && kill((pid_t)pid, 0) == 0;
}

static int dnsmasq(char *why, size_t len)
{
	char out[512], cmd[1024];
	int r;

	if (pid_alive(PIDFILE))
		return 0;
	mkdir(HOSTS_DIR, 0755);
	snprintf(cmd, sizeof(cmd),
		 "exec %s --conf-file=/dev/null --pid-file=%s --interface=%s --bind-interfaces "
		 "--except-interface=lo --user=root --group=root --dhcp-range=%s100,%s199,255.255.255.0,1h "
		 "--dhcp-leasefile=%s --dhcp-hostsdir=%s --dhcp-option=option:router,%s "
		 "--dhcp-option=option:dns-server,%s --domain=nhv.lan --local=/nhv.lan/ --expand-hosts "
		 "--dhcp-authoritative --log-facility=%s/dnsmasq.log 2>&1",
		 DNSMASQ, PIDFILE, NET_BRIDGE, NET_PREFIX, NET_PREFIX, LEASES, HOSTS_DIR, NET_GATEWAY,
		 NET_GATEWAY, NET_RUN_DIR);
	char *const argv[] = { "/bin/sh", "-c", cmd, NULL };
	r = runcap(argv, out, sizeof(out), 20000, 0, NULL);
	if (r != 0) {
		out[strcspn(out, "\n")] = '\0';
		snprintf(why, len, "dnsmasq (DHCP and DNS for %s) did not start: %s", NET_BRIDGE,
			 out[0] ? out : "no message");
		return -1;
	}
	return 0;
}

int nat_up(char *why, size_t len)
{
	int lock = lock_net(), r = -1;

	if (lock < 0) {
		snprintf(why, len, "cannot open %s/lock: %s", NET_RUN_DIR, strerror(errno));
		return -1;
	}
	if (net_load_modules(1, why, len) || link_bridge_add(NET_BRIDGE, why, len))
		goto out;
	/* The bridge's address once: a second set would drop the routes of a running network. */
	{
		char ip[16];

		if ((link_ipv4(NET_BRIDGE, ip) || strcmp(ip, NET_GATEWAY)) &&
		    link_set_ipv4(NET_BRIDGE, NET_GATEWAY, "255.255.255.0", why, len))
			goto out;
	}
	if (link_up(NET_BRIDGE, why, len) ||
	    ip_forward(why, len) ||
	    masquerade(why, len) || dnsmasq(why, len))
		goto out;
	r = 0;
out:
	unlock_net(lock);
	return r;
}

/* A DNS label from a VM name: letters, digits and '-'. */
static void host_label(const char *name, char *out, size_t len)
{
	size_t i;

	for (i = 0; name[i] && i + 1 < len && i < 63; i++) {
		char ch = name[i];

		out[i] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ? ch : '-';
	}
	out[i] = '\0';
}

/* The host number (10-99) reserved in a hosts file, and its MAC; -1 if unreadable. */
static int read_reservation(const char *path, char mac[18])
{
	char *text = read_file(path, 256, NULL);
	unsigned int a, b, c, d;
	int r = -1;

	if (text && sscanf(text, "%17[0-9a-fA-F:],%u.%u.%u.%u", mac, &a, &b, &c, &d) == 5 &&
	    d >= FIRST_HOST && d <= LAST_HOST)
		r = (int)d;
	free(text);
	return r;
}

int nat_reserve(const char *name, int nic, const uint8_t mac[6], char ip[16], char *why, size_t len)
{
	char own[64], path[512], label[64], text[160], m[18], mine[18];
	unsigned char used[LAST_HOST + 1] = { 0 };
	int lock = lock_net(), host = -1, r = -1;
	struct dirent *e;
	DIR *d;

	mac_format((const struct nhv_mac *)mac, mine);
	snprintf(own, sizeof(own), "%s-%d", name, nic);
	mkdir(HOSTS_DIR, 0755);
	d = opendir(HOSTS_DIR);
	while (d && (e = readdir(d))) {
		int h;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", HOSTS_DIR, e->d_name);
		h = read_reservation(path, m);
		if (h < 0)
			continue;
		if (!strcmp(e->d_name, own) && !strcasecmp(m, mine))
			host = h;	/* this NIC's, from an earlier start */
		else if (strcmp(e->d_name, own))
			used[h] = 1;
	}
	if (d)
		closedir(d);
	for (int h = FIRST_HOST; host < 0 && h <= LAST_HOST; h++)
		if (!used[h])
			host = h;
	if (host < 0) {
		snprintf(why, len, "no free address in %s%d-%d for %s (too many guest NICs)", NET_PREFIX,
			 FIRST_HOST, LAST_HOST, own);
		goto out;
	}
	snprintf(ip, 16, "%s%u", NET_PREFIX, (unsigned char)host);
	host_label(name, label, sizeof(label));
	if (nic)
		snprintf(text, sizeof(text), "%s,%s,%s-%d\n", mine, ip, label, nic);
	else
		snprintf(text, sizeof(text), "%s,%s,%s\n", mine, ip, label);
	snprintf(path, sizeof(path), "%s/%s", HOSTS_DIR, own);
	r = write_text(path, text, why, len);
out:
	unlock_net(lock);
	return r;
}

static void hexname(const char *name, char *out, size_t len)
{
	size_t k = 0;

	for (size_t i = 0; name[i] && k + 3 < len; i++)
		k += (size_t)snprintf(out + k, len - k, "%02x", (unsigned char)name[i]);
	out[k] = '\0';
}

/* Another running VM's forward of port, by the files in FWD_DIR: its name in owner. */
static int forwarded_elsewhere(const char *name, int udp, unsigned int port, char *owner, size_t len)
{
	struct dirent *e;
	DIR *d = opendir(FWD_DIR);
	int found = 0;

	while (d && !found && (e = readdir(d))) {
		char path[512], *text, *line;
		long pid;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", FWD_DIR, e->d_name);
		text = read_file(path, 4096, NULL);
		pid = text ? strtol(text, &line, 10) : 0;
		if (pid > 0 && kill((pid_t)pid, 0) == 0) {
			char want[32];

			snprintf(want, sizeof(want), "\n%s %u\n", udp ? "udp" : "tcp", port);
			if (strstr(line, want)) {
				snprintf(owner, len, "VM %.64s (pid %ld)", e->d_name, pid);
				found = 1;
			}
		}
		free(text);
	}
	if (d)
		closedir(d);
	return found;
}

int nat_forward(const char *name, const struct vm_config *c, char ips[][16], char *why, size_t len)
{
	char hex[200], path[512], list[4096], rules[8192];
	size_t n = 0, l = 0;
	int lock, any = 0, r = -1;

	hexname(name, hex, sizeof(hex));
	lock = lock_net();
	mkdir(FWD_DIR, 0755);
	l += (size_t)snprintf(list + l, sizeof(list) - l, "%ld\n", (long)getpid());
	n += (size_t)snprintf(rules + n, sizeof(rules) - n, "table ip nhvf_%s\ndelete table ip nhvf_%s\n", hex, hex);
	for (int i = 0; c && i < VM_MAX_NICS; i++) {
		const struct vm_nic *nic = &c->nics[i];
		const char *ip = ips[i];
		char owner[128];

		if (!nic->present || nic->mode != VM_NET_NAT || nic->nfwd == 0)
			continue;
		if (!any)
			n += (size_t)snprintf(rules + n, sizeof(rules) - n, "table ip nhvf_%s {\n", hex);
		any = 1;
		for (unsigned int k = 0; k < nic->nfwd; k++) {
			const struct vm_forward *f = &nic->fwd[k];
			const char *proto = f->udp ? "udp" : "tcp";

			if (port_owner(f->udp, f->host_port, owner, sizeof(owner)) == 0 ||
			    forwarded_elsewhere(name, f->udp, f->host_port, owner, sizeof(owner))) {
				snprintf(why, len, "ethernet%d.nhv.forward: L1 port %s:%u is in use by %s", i, proto,
					 f->host_port, owner);
				goto out;
			}
			l += (size_t)snprintf(list + l, sizeof(list) - l, "%s %u\n", proto, f->host_port);
			for (int hook = 0; hook < 2; hook++)
				n += (size_t)snprintf(rules + n, sizeof(rules) - n,
						      "\tchain %s%u_%u { type nat hook %s priority %s; policy accept;\n"
						      "\t\tfib daddr type local %s dport %u dnat to %s:%u\n\t}\n",
						      hook ? "out" : "pre", (unsigned int)i, k,
						      hook ? "output" : "prerouting", hook ? "-100" : "dstnat",
						      proto, f->host_port, ip, f->guest_port);
		}
	}
	if (any)
		n += (size_t)snprintf(rules + n, sizeof(rules) - n, "}\n");
	if (n >= sizeof(rules) - 1 || l >= sizeof(list) - 1) {
		snprintf(why, len, "too many forwards");
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%s.nft", FWD_DIR, hex);
	if (write_text(path, rules, why, len) || nft_file(path, why, len))
		goto out;
	snprintf(path, sizeof(path), "%s/%s", FWD_DIR, name);
	if (any)
		r = write_text(path, list, why, len);
	else
		r = unlink(path) < 0 && errno != ENOENT ? -1 : 0;
out:
	unlock_net(lock);
	return r;
}

int nat_guest_ip(const uint8_t mac[6], char ip[16], int *leased)
{
	char mine[18], m[18], *text = read_file(LEASES, 1 << 20, NULL), *line, *save = NULL;
	struct dirent *e;
	DIR *d;

	mac_format((const struct nhv_mac *)mac, mine);
	*leased = 0;
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		char lm[18], lip[16];
		unsigned long long expiry;

		if (sscanf(line, "%llu %17s %15s", &expiry, lm, lip) == 3 && !strcasecmp(lm, mine)) {
			snprintf(ip, 16, "%s", lip);
			*leased = 1;
		}
	}
	free(text);
	if (*leased)
		return 0;
	d = opendir(HOSTS_DIR);
	while (d && (e = readdir(d))) {
		char path[512];
		int h;

		snprintf(path, sizeof(path), "%s/%s", HOSTS_DIR, e->d_name);
		if (e->d_name[0] != '.' && (h = read_reservation(path, m)) >= 0 && !strcasecmp(m, mine)) {
			snprintf(ip, 16, "%s%u", NET_PREFIX, (unsigned char)h);
			closedir(d);
			return 0;
		}
	}
	if (d)
		closedir(d);
	return -1;
}
