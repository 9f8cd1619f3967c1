/* hwid.c - read the hardware identity (see hwid.h). */
#include "userland/nhv-identity/hwid.h"
#include "userland/lib/atomic.h"
#include "userland/lib/sysroot.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define PERM_ADDR_MAX 32

static void read_uuid(struct hw_facts *hw, char *note, size_t notesize)
{
	char path[PATH_MAX];
	size_t len;
	char *text = read_file(sysroot("/sys/class/dmi/id/product_uuid", path, sizeof(path)), 256, &len);

	hw->uuid_valid = 0;
	if (!text) {
		snprintf(note, notesize, "cannot read %s: %s", path, strerror(errno));
		return;
	}
	text[strcspn(text, "\r\n")] = '\0';
	if (uuid_parse(text, &hw->uuid) != 0)
		snprintf(note, notesize, "%s holds \"%.40s\", expected a UUID", path, text);
	else if (uuid_is_nil(&hw->uuid))
		snprintf(note, notesize, "%s is all zeros or all ones: firmware gives no UUID", path);
	else
		hw->uuid_valid = 1;
	free(text);
}

/* ETHTOOL_GPERMADDR: the burnt-in address, which a changed runtime MAC does not hide. */
static int perm_addr(const char *ifname, struct nhv_mac *m)
{
	struct {
		struct ethtool_perm_addr h;
		unsigned char data[PERM_ADDR_MAX];
	} req;
	struct ifreq ifr;
	int fd, r;

	if (sysroot_is_fake())
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&req, 0, sizeof(req));
	req.h.cmd = ETHTOOL_GPERMADDR;
	req.h.size = PERM_ADDR_MAX;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (char *)&req;
	r = ioctl(fd, SIOCETHTOOL, &ifr);
	close(fd);
	if (r < 0 || req.h.size != 6)
		return -1;
	memcpy(m->b, req.h.data, 6);
	return mac_is_unicast(m) ? 0 : -1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void read_macs(struct hw_facts *hw)
{
	char dirpath[PATH_MAX], path[PATH_MAX * 2];
	char *names[64];
	int n = 0;
	struct dirent *e;
	DIR *d = opendir(sysroot("/sys/class/net", dirpath, sizeof(dirpath)));

	hw->nmacs = 0;
	if (!d)
		return;
	while ((e = readdir(d)) && n < 64) {
		struct stat st;

		if (e->d_name[0] == '.' || strcmp(e->d_name, "lo") == 0)
			continue;
		/* Only NICs with a device behind them: no bridges, bonds, taps, veths. */
		snprintf(path, sizeof(path), "%s/%s/device", dirpath, e->d_name);
		if (stat(path, &st) < 0)
			continue;
		names[n] = strdup(e->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), by_name);
	for (int i = 0; i < n; i++) {
		struct nhv_mac m;
		char *text;

		if (hw->nmacs < ID_MAX_HW_MACS) {
			if (perm_addr(names[i], &m) == 0) {
				hw->macs[hw->nmacs++] = m;
			} else {
				snprintf(path, sizeof(path), "%s/%s/address", dirpath, names[i]);
				text = read_file(path, 256, NULL);
				if (text) {
					text[strcspn(text, "\r\n")] = '\0';
					if (mac_parse(text, &m) == 0 && mac_is_unicast(&m))
						hw->macs[hw->nmacs++] = m;
					free(text);
				}
			}
		}
		free(names[i]);
	}
}

void hwid_read(struct hw_facts *hw, char *note, size_t notesize)
{
	memset(hw, 0, sizeof(*hw));
	note[0] = '\0';
	read_uuid(hw, note, notesize);
	read_macs(hw);
}
