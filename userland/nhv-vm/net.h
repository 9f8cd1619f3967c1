/*
 * net.h - L1's side of L2 networking (docs/networking.md): a tap device
 * per guest NIC, joined to the NAT bridge nhvbr0 (10.77.0.1/24: DHCP and
 * DNS by dnsmasq, masquerade and port forwards by nftables) or to a bridge
 * with an L1 NIC (bridged mode).
 */
#ifndef NHV_VM_NET_H
#define NHV_VM_NET_H

#include <stddef.h>
#include <stdint.h>
#include "userland/nhv-vm/config.h"

#define NET_BRIDGE	"nhvbr0"
#define NET_PREFIX	"10.77.0."	/* the NAT network, /24 */
#define NET_GATEWAY	NET_PREFIX "1"
#define NET_RUN_DIR	"/run/nhv/net"

/* A guest NIC ready for virtio_net_create. */
struct net_nic_up {
	int index;		/* N of ethernetN */
	int fd;			/* the tap device */
	uint8_t mac[6];
	char tap[16];
};

/* net-link.c: interfaces by ioctl.  0, or -1 with why set. */
int link_tap_open(char name[16], char *why, size_t len);	/* a new tap "nhvtN", up */
int link_exists(const char *ifname);
int link_flags(const char *ifname, unsigned int *flags);
int link_up(const char *ifname, char *why, size_t len);
int link_bridge_add(const char *br, char *why, size_t len);	/* exists already: 0 */
int link_bridge_join(const char *br, const char *ifname, char *why, size_t len);
int link_set_ipv4(const char *ifname, const char *ip, const char *mask, char *why, size_t len);
/* The first IPv4 address of ifname as text; -1 when it has none. */
int link_ipv4(const char *ifname, char ip[16]);

/* net-nat.c: the NAT network (idempotent, under a lock), reservations and forwards. */
/* The kernel modules of NAT mode (nat 1) or bridged mode (0); -1 naming the missing one. */
int net_load_modules(int nat, char *why, size_t len);
int nat_up(char *why, size_t len);
/* 10.77.0.X reserved for mac (kept for name:N, else the lowest free); -1 when the /24 is full. */
int nat_reserve(const char *name, int nic, const uint8_t mac[6], char ip[16], char *why, size_t len);
/*
 * Replaces name's forwards with those of c's NAT NICs, to ips[N] of
 * ethernetN (c NULL: removes them).  A port L1 or another running VM uses
 * is refused, naming the owner.
 */
int nat_forward(const char *name, const struct vm_config *c, char ips[][16], char *why, size_t len);
/* The guest address dnsmasq leased to mac, or else the reserved one; -1 when neither. */
int nat_guest_ip(const uint8_t mac[6], char ip[16], int *leased);

/*
 * net-promisc.c: frames for other MACs that reach ifname within ms (an
 * AF_PACKET socket on it: PACKET_OTHERHOST), at most stop_at; -1 on error.
 */
int link_foreign_frames(const char *ifname, int ms, int stop_at);

/* net-ports.c: who in L1 listens on port (tcp or udp): "dropbear (pid 12)"; 0 when someone does. */
int port_owner(int udp, unsigned int port, char *owner, size_t len);

/* net.c: every present NIC of c up for VM name; out holds *n NICs.  -1 with why set (nothing left open). */
int net_up(const struct vm_config *c, const char *name, struct net_nic_up *out, unsigned int *n,
	   char *why, size_t len);
/* At the VM's end: its forwards removed. */
void net_down(const char *name);
/* The MAC NIC i uses: its address, else the one nhv-identity gives (else random). */
int net_mac(const struct vm_config *c, const char *name, int i, uint8_t mac[6]);

#endif
