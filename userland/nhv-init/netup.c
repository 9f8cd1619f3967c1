/*
 * netup.c - loopback up, then every ethernet NIC up with DHCP.
 * One busybox udhcpc per NIC, all in parallel.  Each udhcpc returns (and
 * keeps running in the background) once it has a lease or after three
 * unanswered discovers, so boot never waits long for a NIC without a server.
 */
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nhv-init.h"

#define MAX_NICS 32

static int link_up(int sock, const char *ifname)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
		return -1;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(sock, SIOCSIFFLAGS, &ifr);
}

static int is_ethernet(const char *ifname)
{
	char path[300], type[16];

	snprintf(path, sizeof(path), "/sys/class/net/%s/type", ifname);
	return read_text(path, type, sizeof(type)) > 0 && strcmp(type, "1") == 0;
}

static pid_t start_dhcp(const char *ifname)
{
	char pidfile[300], host[80] = "hostname:";
	pid_t pid;

	snprintf(pidfile, sizeof(pidfile), "/run/udhcpc.%s.pid", ifname);
	gethostname(host + 9, sizeof(host) - 10);
	pid = fork();
	if (pid == 0) {
		/* -b: go to the background after 3 unanswered discovers (-t 3,
		 * 1 s apart) and keep trying every 10 s (-A 10); -S: log to syslog. */
		execlp("udhcpc", "udhcpc", "-i", ifname, "-b", "-S", "-t", "3", "-T", "1",
		       "-A", "10", "-p", pidfile, "-x", host,
		       "-s", "/usr/share/udhcpc/default.script", (char *)NULL);
		log_msg("%s: cannot run udhcpc: %s", ifname, strerror(errno));
		_exit(127);
	}
	return pid;
}

int net_bring_up(void)
{
	pid_t pids[MAX_NICS];
	int n = 0, sock, i;
	struct dirent *de;
	DIR *d;

	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		log_msg("no socket for network set-up: %s", strerror(errno));
		return -1;
	}
	if (link_up(sock, "lo") < 0)
		log_msg("loopback up failed: %s", strerror(errno));

	d = opendir("/sys/class/net");
	while (d && (de = readdir(d)) && n < MAX_NICS) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "lo") == 0 ||
		    !is_ethernet(de->d_name))
			continue;
		if (link_up(sock, de->d_name) < 0) {
			log_msg("%s: link up failed: %s", de->d_name, strerror(errno));
			continue;
		}
		pids[n] = start_dhcp(de->d_name);
		if (pids[n] > 0)
			n++;
	}
	if (d)
		closedir(d);
	close(sock);

	for (i = 0; i < n; i++) {
		int status = 0;

		while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			log_msg("udhcpc (pid %d) failed with status %d", (int)pids[i], status);
	}
	log_msg("DHCP started on %d NIC(s)", n);
	return n;
}
