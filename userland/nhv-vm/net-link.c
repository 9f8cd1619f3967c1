/*
 * net-link.c - network interfaces by ioctl (netdevice(7), tun's
 * TUNSETIFF, the bridge's SIOCBRADDBR/SIOCBRADDIF): no ip or brctl needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "userland/nhv-vm/net.h"

static int ctl_sock(void)
{
	return socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

static void set_name(struct ifreq *r, const char *ifname)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->ifr_name, IFNAMSIZ, "%s", ifname);
}

int link_tap_open(char name[16], char *why, size_t len)
{
	struct ifreq r;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		snprintf(why, len, "/dev/net/tun: %s (is the tun module loaded?)", strerror(errno));
		return -1;
	}
	set_name(&r, "nhvt%d");
	r.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (ioctl(fd, TUNSETIFF, &r) < 0) {
		snprintf(why, len, "cannot create a tap device: %s", strerror(errno));
		close(fd);
		return -1;
	}
	snprintf(name, 16, "%s", r.ifr_name);
	if (link_up(name, why, len) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int link_exists(const char *ifname)
{
	unsigned int f;

	return link_flags(ifname, &f) == 0;
}

int link_flags(const char *ifname, unsigned int *flags)
{
	struct ifreq r;
	int s = ctl_sock(), rc;

	if (s < 0)
		return -1;
	set_name(&r, ifname);
	rc = ioctl(s, SIOCGIFFLAGS, &r);
	close(s);
	if (rc < 0)
		return -1;
	*flags = (unsigned short)r.ifr_flags;
	return 0;
}

int link_up(const char *ifname, char *why, size_t len)
{
	struct ifreq r;
	int s = ctl_sock(), rc = -1;

	set_name(&r, ifname);
	if (s >= 0 && ioctl(s, SIOCGIFFLAGS, &r) == 0) {
		r.ifr_flags |= IFF_UP;
		rc = ioctl(s, SIOCSIFFLAGS, &r);
	}
	if (rc < 0)
		snprintf(why, len, "cannot bring %s up: %s", ifname, strerror(errno));
	if (s >= 0)
		close(s);
	return rc < 0 ? -1 : 0;
}

int link_bridge_add(const char *br, char *why, size_t len)
{
	int s = ctl_sock(), rc;

	if (link_exists(br)) {
		if (s >= 0)
			close(s);
		return 0;
	}
	rc = s < 0 ? -1 : ioctl(s, SIOCBRADDBR, br);
	if (rc < 0 && errno != EEXIST) {
		snprintf(why, len, "cannot create bridge %s: %s (is the bridge module loaded?)", br, strerror(errno));
		if (s >= 0)
			close(s);
		return -1;
	}
	close(s);
	return 0;
}

int link_bridge_join(const char *br, const char *ifname, char *why, size_t len)
{
	struct ifreq r;
	unsigned int idx = if_nametoindex(ifname);
	int s = ctl_sock(), rc = -1;

	set_name(&r, br);
	r.ifr_ifindex = (int)idx;
	if (idx > 0 && s >= 0)
		rc = ioctl(s, SIOCBRADDIF, &r);
	if (rc < 0)
		snprintf(why, len, "cannot add %s to bridge %s: %s", ifname, br, strerror(errno));
	if (s >= 0)
		close(s);
	return rc < 0 ? -1 : 0;
}

static int set_addr(int s, const char *ifname, unsigned long req, const char *text)
{
	struct ifreq r;
	struct sockaddr_in a = { .sin_family = AF_INET };

	set_name(&r, ifname);
	if (inet_pton(AF_INET, text, &a.sin_addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	memcpy(&r.ifr_addr, &a, sizeof(a));
	return ioctl(s, req, &r);
}

int link_set_ipv4(const char *ifname, const char *ip, const char *mask, char *why, size_t len)
{
	int s = ctl_sock(), rc = -1;

	if (s >= 0 && set_addr(s, ifname, SIOCSIFADDR, ip) == 0)
		rc = set_addr(s, ifname, SIOCSIFNETMASK, mask);
	if (rc < 0)
		snprintf(why, len, "cannot give %s the address %s/%s: %s", ifname, ip, mask, strerror(errno));
	if (s >= 0)
		close(s);
	return rc < 0 ? -1 : 0;
}

int link_ipv4(const char *ifname, char ip[16])
{
	struct ifreq r;
	struct sockaddr_in a;
	int s = ctl_sock(), rc;

	if (s < 0)
		return -1;
	set_name(&r, ifname);
	rc = ioctl(s, SIOCGIFADDR, &r);
	close(s);
	if (rc < 0)
		return -1;
	memcpy(&a, &r.ifr_addr, sizeof(a));
	return inet_ntop(AF_INET, &a.sin_addr, ip, 16) ? 0 : -1;
}
