/*
 * netinfo.c - the host name and IPv4 address the guest reports, with
 * SetGuestInfo (types 1 DNS_NAME and 2 IPADDRESS, reference 4.1) and
 * info-set guestinfo.ip, as minimal agents do (OpenBSD vmt).  Sent again
 * only when they change, or when the host asks (Set_Option broadcastIP 1).
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "userland/nhv-toolsd/toolsd.h"
#include "handshake/nhvbd_err.h"
#include "handshake/rpci.h"

int net_primary_ipv4(char *out, size_t cap)
{
	struct ifaddrs *ifa, *i;
	int found = -1;

	out[0] = '\0';
	if (getifaddrs(&ifa) < 0)
		return -1;
	for (i = ifa; i; i = i->ifa_next) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)i->ifa_addr;

		if (!sin || sin->sin_family != AF_INET || (i->ifa_flags & IFF_LOOPBACK) ||
		    !(i->ifa_flags & IFF_UP))
			continue;
		if (inet_ntop(AF_INET, &sin->sin_addr, out, (socklen_t)cap)) {
			found = 0;
			break;
		}
	}
	freeifaddrs(ifa);
	return found;
}

int net_hostname(char *out, size_t cap)
{
	if (gethostname(out, cap - 1) < 0)
		return -1;
	out[cap - 1] = '\0';
	return 0;
}

void report_guest_info(const struct nhvbd_transport *t, int force)
{
	static char sent_name[256], sent_ip[64];
	char name[256], ip[64], cmd[400], reply[128];
	int err;

	if (net_hostname(name, sizeof(name)) == 0 && (force || strcmp(name, sent_name) != 0)) {
		snprintf(cmd, sizeof(cmd), "SetGuestInfo  %d %s", 1, name);
		err = nhvbd_rpci(t, cmd, reply, sizeof(reply));
		if (err == 0)
			snprintf(sent_name, sizeof(sent_name), "%s", name);
		else
			log_msg("reporting the host name failed: %s%s%s", nhvbd_strerror(err),
				reply[0] ? ": " : "", reply);
	}
	if (net_primary_ipv4(ip, sizeof(ip)) == 0 && (force || strcmp(ip, sent_ip) != 0)) {
		snprintf(cmd, sizeof(cmd), "SetGuestInfo  %d %s", 2, ip);
		err = nhvbd_rpci(t, cmd, reply, sizeof(reply));
		if (err == 0)
			err = nhvbd_info_set(t, "ip", ip);
		if (err == 0) {
			snprintf(sent_ip, sizeof(sent_ip), "%s", ip);
			log_msg("reported host name %s, address %s", name, ip);
		} else {
			log_msg("reporting the address failed: %s", nhvbd_strerror(err));
		}
	}
}
