/*
 * apply.c - make the appliance match the nhv keys:
 *   hostname             sethostname(2), /etc/hostname and /etc/hosts
 *   ipaddress, netmask,  a static address on the first ethernet NIC
 *   gateway              (its DHCP client is stopped) with busybox ip
 *   dns                  /etc/resolv.conf, and RUN_DIR/dns-static so that
 *                        the udhcpc script leaves it alone on a renew
 *   ntp                  /etc/ntp.conf (the clock: timesync.c)
 *   password             root's entry in /etc/shadow (SHA-512 crypt)
 * A key that is not set leaves the default in place: DHCP from nhv-init,
 * the UUID-based host name, root's image password.  datadisk, macprefix and
 * macmode are nhv-identity's, at boot.  With --no-apply every action is
 * logged instead of done.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "userland/nhv-toolsd/toolsd.h"

static void root_path(char *out, size_t cap, const char *path)
{
	snprintf(out, cap, "%s%s", opts.root, path);
}

static int run(char *const argv[])
{
	pid_t pid;
	int status;

	if (opts.no_apply) {
		char line[512] = "";
		int i;

		for (i = 0; argv[i]; i++) {
			strncat(line, argv[i], sizeof(line) - strlen(line) - 2);
			strncat(line, " ", sizeof(line) - strlen(line) - 1);
		}
		log_msg("would run: %s", line);
		return 0;
	}
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void write_or_log(const char *path, const char *text)
{
	char p[512];
	int err;

	root_path(p, sizeof(p), path);
	if (opts.no_apply) {
		log_msg("would write %s", p);
		return;
	}
	err = file_write(p, text, strlen(text));
	if (err)
		log_msg("cannot write %s: %s", p, strerror(-err));
}

/* The running name, /etc/hostname and /etc/hosts (127.0.1.1 resolves it). */
static void apply_hostname(const char *name)
{
	char now[256] = "", text[300], hosts[400];

	if (gethostname(now, sizeof(now) - 1) == 0 && strcmp(now, name) == 0)
		return;
	if (opts.no_apply) {
		log_msg("would set the host name to %s", name);
		return;
	}
	if (sethostname(name, strlen(name)) < 0) {
		log_msg("cannot set the host name to %s: %s", name, strerror(errno));
		return;
	}
	snprintf(text, sizeof(text), "%s\n", name);
	write_or_log("/etc/hostname", text);
	if (nhvconf_hosts_text(hosts, sizeof(hosts), name) > 0)
		write_or_log("/etc/hosts", hosts);
	log_msg("host name set to %s", name);
}

/* The first ethernet NIC by name (eth0, ens192, ...). */
static int first_nic(char *out, size_t cap)
{
	char path[300], type[16];
	struct dirent *de;
	DIR *d = opendir("/sys/class/net");
	int found = 0;

	out[0] = '\0';
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "lo") == 0)
			continue;
		snprintf(path, sizeof(path), "/sys/class/net/%s/type", de->d_name);
		if (file_read(path, type, sizeof(type)) <= 0 || strncmp(type, "1", 1) != 0 ||
		    (type[1] != '\n' && type[1] != '\0'))
			continue;
		if (!found || strcmp(de->d_name, out) < 0) {
			snprintf(out, cap, "%s", de->d_name);
			found = 1;
		}
	}
	if (d)
		closedir(d);
	return found ? 0 : -1;
}

static void stop_dhcp(const char *nic)
{
	char path[300], pid[32];
	long n;

	snprintf(path, sizeof(path), "/run/udhcpc.%s.pid", nic);
	n = file_read(path, pid, sizeof(pid));
	if (n > 0 && atoi(pid) > 1) {
		if (opts.no_apply)
			log_msg("would stop udhcpc (pid %d) on %s", atoi(pid), nic);
		else
			kill(atoi(pid), SIGTERM);
	}
}

/* 1 when nic already carries ip/prefix: a restarted daemon changes nothing. */
static int has_address(const char *nic, const char *ip, int prefix)
{
	struct ifaddrs *ifa, *i;
	int found = 0;

	if (getifaddrs(&ifa) < 0)
		return 0;
	for (i = ifa; i && !found; i = i->ifa_next) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)(const void *)i->ifa_addr;
		const struct sockaddr_in *m = (const struct sockaddr_in *)(const void *)i->ifa_netmask;
		char text[INET_ADDRSTRLEN];

		if (!a || !m || a->sin_family != AF_INET || strcmp(i->ifa_name, nic) != 0 ||
		    !inet_ntop(AF_INET, &a->sin_addr, text, sizeof(text)))
			continue;
		found = strcmp(text, ip) == 0 &&
			__builtin_popcount(ntohl(m->sin_addr.s_addr)) == prefix;
	}
	freeifaddrs(ifa);
	return found;
}

static void apply_address(const struct nhvconf *c, int gateway_changed)
{
	const char *ip = nhvconf_get(c, NHVCONF_IPADDRESS);
	const char *mask = nhvconf_get(c, NHVCONF_NETMASK);
	const char *gw = nhvconf_get(c, NHVCONF_GATEWAY);
	char nic[256], cidr[64];
	int prefix = mask ? nhvconf_netmask_prefix(mask) : 24;

	if (!ip)
		return;	/* blank: DHCP, as nhv-init started it */
	if (first_nic(nic, sizeof(nic)) != 0) {
		log_msg("ipaddress %s not applied: no ethernet NIC", ip);
		return;
	}
	snprintf(cidr, sizeof(cidr), "%s/%d", ip, prefix);
	if (has_address(nic, ip, prefix)) {
		if (gateway_changed && gw) {
			char *route[] = { "/bin/ip", "route", "replace", "default", "via", (char *)gw,
					  NULL };

			if (run(route) != 0)
				log_msg("default route via %s failed", gw);
		}
		return;
	}
	stop_dhcp(nic);
	{
		char *flush[] = { "/bin/ip", "addr", "flush", "dev", nic, NULL };
		char *add[] = { "/bin/ip", "addr", "add", cidr, "dev", nic, NULL };
		char *up[] = { "/bin/ip", "link", "set", nic, "up", NULL };

		run(flush);
		if (run(add) != 0) {
			log_msg("ip addr add %s dev %s failed", cidr, nic);
			return;
		}
		run(up);
	}
	if (gw) {
		char *route[] = { "/bin/ip", "route", "replace", "default", "via", (char *)gw, NULL };

		if (run(route) != 0)
			log_msg("default route via %s failed", gw);
	}
	log_msg("static address %s on %s%s%s", cidr, nic, gw ? ", gateway " : "", gw ? gw : "");
}

/* "a, b c" -> one line per item, each "PREFIX item\n". */
static void list_lines(const char *list, const char *prefix, char *out, size_t cap)
{
	size_t len = 0;

	out[0] = '\0';
	while (*list) {
		size_t n = strcspn(list, " ,");

		if (n) {
			int w = snprintf(out + len, cap - len, "%s %.*s\n", prefix, (int)n, list);

			if (w < 0 || (size_t)w >= cap - len)
				return;
			len += (size_t)w;
		}
		list += n;
		list += strspn(list, " ,");
	}
}

/* A static dns: /etc/resolv.conf, and the marker RUN_DIR/dns-static (the
 * servers, one line) that tells the udhcpc script to keep it.  Without the
 * key the marker goes, and DHCP's servers apply again from the next lease. */
static void apply_dns(const char *dns)
{
	char text[1024], marker[300];
	int err;

	run_path(marker, sizeof(marker), "dns-static");
	if (!dns) {
		if (access(marker, F_OK) != 0)
			return;
		if (opts.no_apply) {
			log_msg("would remove %s", marker);
		} else if (unlink(marker) == 0) {
			log_msg("no static DNS: %s removed, DHCP's servers apply again", marker);
		}
		return;
	}
	list_lines(dns, "nameserver", text, sizeof(text));
	write_or_log("/etc/resolv.conf", text);
	snprintf(text, sizeof(text), "%s\n", dns);
	if (opts.no_apply) {
		log_msg("would write %s", marker);
	} else if ((err = file_write(marker, text, strlen(text))) != 0) {
		log_msg("cannot write %s: %s; a DHCP renew may replace the DNS servers", marker,
			strerror(-err));
	}
	log_msg("DNS servers: %s (static: DHCP leaves them alone)", dns);
}

static void apply_ntp(const char *ntp)
{
	char text[1024];

	list_lines(ntp, "server", text, sizeof(text));
	write_or_log("/etc/ntp.conf", text);
	log_msg("NTP servers: %s", ntp);
}

/* SHA-512 crypt of pw by busybox mkpasswd (Debian's musl has no crypt()),
 * the password on a pipe so that it never shows in a process listing. */
static int hash_password(const char *pw, char *out, size_t cap)
{
	int in[2], res[2], status;
	size_t got = 0;
	pid_t pid;

	if (pipe(in) < 0)
		return -1;
	if (pipe(res) < 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(res[1], 1);
		close(in[1]);
		close(res[0]);
		execl("/bin/busybox", "mkpasswd", "-m", "sha512", "-P", "0", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(res[1]);
	if (pid > 0 && write(in[1], pw, strlen(pw)) < 0)
		pid = -1;
	close(in[1]);
	while (pid > 0 && got + 1 < cap) {
		ssize_t n = read(res[0], out + got, cap - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(res[0]);
	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	out[got] = '\0';
	out[strcspn(out, "\n")] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || strncmp(out, "$6$", 3) != 0)
		return -1;
	return 0;
}

static void apply_password(const char *pw)
{
	char path[512], shadow[8192], out[8192], hash[256];
	const char *line, *end;
	size_t o = 0;
	long n;
	int done = 0;

	root_path(path, sizeof(path), "/etc/shadow");
	if (opts.no_apply) {
		log_msg("would set root's password in %s", path);
		return;
	}
	if (hash_password(pw, hash, sizeof(hash)) != 0) {
		log_msg("password not set: busybox mkpasswd -m sha512 failed");
		return;
	}
	n = file_read(path, shadow, sizeof(shadow));
	if (n < 0) {
		log_msg("password not set: cannot read %s: %s", path, strerror((int)-n));
		return;
	}
	/* Replace root's hash (field 2), keep every other line. */
	for (line = shadow; *line; line = end) {
		int w;

		end = strchr(line, '\n');
		end = end ? end + 1 : line + strlen(line);
		if (strncmp(line, "root:", 5) == 0) {
			const char *rest = strchr(line + 5, ':');

			if (!rest || rest > end)
				rest = end;
			w = snprintf(out + o, sizeof(out) - o, "root:%s%.*s", hash, (int)(end - rest),
				     rest);
			done = 1;
		} else {
			w = snprintf(out + o, sizeof(out) - o, "%.*s", (int)(end - line), line);
		}
		if (w < 0 || (size_t)w >= sizeof(out) - o) {
			log_msg("password not set: %s too large", path);
			return;
		}
		o += (size_t)w;
	}
	if (!done) {
		log_msg("password not set: no root entry in %s", path);
		return;
	}
	if (file_write(path, out, o) == 0) {
		chmod(path, 0600);
		log_msg("root password set from guestinfo");
	}
}

#define BIT(k) (1u << (k))

static void apply_keys(const struct nhvconf *c, unsigned mask, int changed)
{
	const char *v;
	int k;

	if ((mask & BIT(NHVCONF_HOSTNAME)) && (v = nhvconf_get(c, NHVCONF_HOSTNAME)))
		apply_hostname(v);
	if (opts.hostname_only)
		return;
	if (mask & (BIT(NHVCONF_IPADDRESS) | BIT(NHVCONF_NETMASK) | BIT(NHVCONF_GATEWAY))) {
		if (changed && !nhvconf_get(c, NHVCONF_IPADDRESS))
			log_msg("no static address now: the one in use stays until the next boot, "
				"which asks DHCP");
		apply_address(c, changed && (mask & BIT(NHVCONF_GATEWAY)));
	}
	if (mask & BIT(NHVCONF_DNS))
		apply_dns(nhvconf_get(c, NHVCONF_DNS));
	if ((mask & BIT(NHVCONF_NTP)) && (v = nhvconf_get(c, NHVCONF_NTP)))
		apply_ntp(v);
	if (mask & BIT(NHVCONF_PASSWORD)) {
		if ((v = nhvconf_get(c, NHVCONF_PASSWORD)))
			apply_password(v);
		else if (changed)
			log_msg("no password setting now: root's password stays as it is");
	}
	/* nhv-identity uses these at boot (the data disk, the L2 MACs). */
	for (k = NHVCONF_DATADISK; k <= NHVCONF_MACMODE; k++)
		if (changed && (mask & BIT(k)))
			log_msg("%s takes effect at the next boot (nhv-identity)",
				nhvconf_key_name((enum nhvconf_key)k));
}

void config_apply(const struct nhvconf *c)
{
	apply_keys(c, ~0u, 0);
}

void config_apply_changed(const struct nhvconf *c, unsigned changed)
{
	apply_keys(c, changed, 1);
}
