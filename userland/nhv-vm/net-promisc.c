/*
 * net-promisc.c - does the outer switch deliver frames for MACs other than
 * L1's own?  Bridged L2 guests need it (promiscuous mode, or MAC learning,
 * on the outer port group: docs/networking.md).  L1 can only watch: a
 * packet socket on the uplink (promiscuous on L1's side once it is in a
 * bridge) counts frames the kernel marks PACKET_OTHERHOST (packet(7)).
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "userland/lib/clock.h"
#include "userland/nhv-vm/net.h"

int link_foreign_frames(const char *ifname, int ms, int stop_at)
{
	struct sockaddr_ll a = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	int s = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ALL)), n = 0;
	double end = mono_s() + ms / 1000.0;

	a.sll_ifindex = (int)if_nametoindex(ifname);
	if (s < 0 || a.sll_ifindex == 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		if (s >= 0)
			close(s);
		return -1;
	}
	while (n < stop_at) {
		struct pollfd p = { .fd = s, .events = POLLIN };
		double left = end - mono_s();
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		char buf[64];

		if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) <= 0)
			break;
		if (recvfrom(s, buf, sizeof(buf), MSG_TRUNC, (struct sockaddr *)&from, &fl) >= 0 &&
		    from.sll_pkttype == PACKET_OTHERHOST)
			n++;
	}
	close(s);
	return n;
}
