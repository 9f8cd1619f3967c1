/*
 * status.c - the block printed after "nhv: ready": hostname, each NIC
 * with its MAC and IPv4 addresses, the SMBIOS system UUID, then nhv-check's
 * brief report (outer hypervisor, VT-x/AMD-V with EPT/NPT, verdict), the
 * L2 guests started at boot (nhv-vm's "l2 NAME : ..." lines), the web UI's
 * certificate fingerprint and how long boot took.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <ifaddrs.h>
#include <libgen.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "userland/lib/runcap.h"
#include "nhv-init.h"

/* "key\t\t: value" lines of `nhv-check --brief`, re-indented as ours. */
static void append_check(char *buf, size_t len)
{
	char *argv[] = { "/bin/nhv-check", "--brief", NULL };
	char out[2048], *line, *save = NULL;
	int rc = runcap(argv, out, sizeof(out), 10000, 0, NULL);

	if (rc < 0 || rc > 2 || !out[0]) {
		appendf(buf, len, "  hv check     : nhv-check --brief failed (exit %d); run nhv-check\n", rc);
		return;
	}
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t key = strcspn(line, "\t:");
		const char *value = strchr(line, ':');

		if (!value || key == 0)
			continue;
		value++;
		while (*value == ' ')
			value++;
		appendf(buf, len, "  %-12.*s : %s\n", (int)key, line, value);
	}
}

static int prefix_len(const struct sockaddr *mask)
{
	unsigned int m = ntohl(((const struct sockaddr_in *)mask)->sin_addr.s_addr);

	return __builtin_popcount(m);
}

static void nic_line(char *buf, size_t len, const char *ifname, struct ifaddrs *ifs)
{
	char path[300], mac[32], link[300] = "", addrs[256] = "";
	struct ifaddrs *i;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/net/%s/address", ifname);
	if (read_text(path, mac, sizeof(mac)) <= 0)
		snprintf(mac, sizeof(mac), "?");
	snprintf(path, sizeof(path), "/sys/class/net/%s/device/driver", ifname);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	for (i = ifs; i; i = i->ifa_next) {
		char ip[INET_ADDRSTRLEN];

		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
		    strcmp(i->ifa_name, ifname) != 0)
			continue;
		inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, ip, sizeof(ip));
		appendf(addrs, sizeof(addrs), " %s/%d", ip,
			i->ifa_netmask ? prefix_len(i->ifa_netmask) : 32);
	}
	appendf(buf, len, "  nic %-8s : %s %s%s\n", ifname, mac,
		link[0] ? basename(link) : "(no driver)", addrs[0] ? addrs : " no IPv4 address");
}

static const char *l2_lines = "";

void status_set_l2(const char *lines)
{
	l2_lines = lines;
}

int status_build(char *buf, size_t len, const char *hostname)
{
	char uuid[64], uptime[64], fp[128];
	struct ifaddrs *ifs = NULL;
	struct dirent *de;
	const char *shell = cmdline_get("nhv.shell");
	DIR *d;
	int nics = 0;

	buf[0] = '\0';
	appendf(buf, len, "nhv: ready\n");
	appendf(buf, len, "  hostname     : %s\n", hostname);
	getifaddrs(&ifs);
	d = opendir("/sys/class/net");
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "lo") == 0)
			continue;
		nic_line(buf, len, de->d_name, ifs);
		nics++;
	}
	if (d)
		closedir(d);
	if (ifs)
		freeifaddrs(ifs);
	if (!nics)
		appendf(buf, len, "  nic          : none found\n");
	if (read_text("/sys/class/dmi/id/product_uuid", uuid, sizeof(uuid)) <= 0)
		snprintf(uuid, sizeof(uuid), "unknown (no DMI)");
	appendf(buf, len, "  system uuid  : %s\n", uuid);
	append_check(buf, len);
	appendf(buf, len, "%s", l2_lines);
	if (read_text(NHV_RUN_DIR "/web/fingerprint", fp, sizeof(fp)) > 0)
		appendf(buf, len, "  web ui       : https://<address>/ (root), TLS SHA-256 %s\n", fp);
	if (read_text("/proc/uptime", uptime, sizeof(uptime)) > 0)
		appendf(buf, len, "  boot time    : %.*s s since the kernel started\n",
			(int)strcspn(uptime, " "), uptime);
	if (shell && strcmp(shell, "serial") == 0)
		appendf(buf, len, "  console      : root shell on ttyS0 (nhv.shell=serial)\n");
	else
		appendf(buf, len, "  console      : log in as root (password: nhv)\n");
	write_file(NHV_RUN_DIR "/status", buf);
	return 0;
}
