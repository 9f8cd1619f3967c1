/*
 * net.c - a guest's NICs at its start (see net.h): the MAC of each, the
 * NAT network or the uplink's bridge, a tap per NIC joined to it, the
 * DHCP reservation and the port forwards.  Any failure stops the start
 * with the reason: a guest never runs without the network it asked for.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include "userland/lib/hexfmt.h"
#include "userland/lib/runcap.h"
#include "userland/nhv-vm/identity.h"
#include "userland/nhv-vm/net.h"

#define BRIDGE_UPLINK "/usr/lib/nhv/bridge-uplink"

int net_mac(const struct vm_config *c, const char *name, int i, uint8_t mac[6])
{
	char nic[4], text[32];
	struct nhv_mac m;

	if (c->nics[i].has_mac) {
		memcpy(mac, c->nics[i].mac, 6);
		return 0;
	}
	snprintf(nic, sizeof(nic), "%d", i);
	if (identity_ask("guest-mac", name, nic, text, sizeof(text)) == 0 && mac_parse(text, &m) == 0 &&
	    mac_is_unicast(&m)) {
		memcpy(mac, m.b, 6);
		return 0;
	}
	/* No identity (a test, or before `nhv-identity boot`): a random local unicast MAC. */
	if (getrandom(mac, 6, 0) != 6)
		return -1;
	mac[0] = (uint8_t)((mac[0] & 0xfc) | 0x02);
	return 0;
}

/* The bridge of a bridged NIC: nhvb-UPLINK, holding the uplink and L1's addresses on it. */
static int bridged_up(const struct vm_nic *nic, char br[16], char *why, size_t len)
{
	const char *up = nic->uplink ? nic->uplink : "eth0";
	char out[512];
	int r;

	if (!link_exists(up)) {
		snprintf(why, len, "bridged mode: L1 has no interface %s (ethernetN.nhv.uplink)", up);
		return -1;
	}
	if (net_load_modules(0, why, len))
		return -1;
	snprintf(br, 16, "nhvb-%.10s", up);
	char *const argv[] = { "/bin/sh", "-c", "exec " BRIDGE_UPLINK " \"$0\" \"$1\" 2>&1", (char *)up, br, NULL };
	r = runcap(argv, out, sizeof(out), 30000, 0, NULL);
	if (r != 0) {
		out[strcspn(out, "\n")] = '\0';
		snprintf(why, len, "bridged mode: %s %s %s failed: %.200s", BRIDGE_UPLINK, up, br, out[0] ? out : "no message");
		return -1;
	}
	return 0;
}

int net_up(const struct vm_config *c, const char *name, struct net_nic_up *out, unsigned int *n,
	   char *why, size_t len)
{
	char ips[VM_MAX_NICS][16] = { { 0 } };
	int nat = 0;

	*n = 0;
	for (int i = 0; i < VM_MAX_NICS; i++) {
		const struct vm_nic *nic = &c->nics[i];
		struct net_nic_up *u = &out[*n];
		char br[16] = NET_BRIDGE, tap[16], err[400];

		if (!nic->present)
			continue;
		u->index = i;
		if (net_mac(c, name, i, u->mac)) {
			snprintf(why, len, "ethernet%d: no MAC (getrandom failed)", i);
			goto fail;
		}
		if (nic->mode == VM_NET_NAT) {
			if (!nat && nat_up(err, sizeof(err))) {
				snprintf(why, len, "ethernet%d: NAT network: %s", i, err);
				goto fail;
			}
			nat = 1;
			if (nat_reserve(name, i, u->mac, ips[i], err, sizeof(err))) {
				snprintf(why, len, "ethernet%d: %s", i, err);
				goto fail;
			}
		} else if (bridged_up(nic, br, err, sizeof(err))) {
			snprintf(why, len, "ethernet%d: %s", i, err);
			goto fail;
		}
		u->fd = link_tap_open(tap, err, sizeof(err));
		if (u->fd < 0) {
			snprintf(why, len, "ethernet%d: %s", i, err);
			goto fail;
		}
		(*n)++;
		snprintf(u->tap, sizeof(u->tap), "%s", tap);
		if (link_bridge_join(br, tap, err, sizeof(err))) {
			snprintf(why, len, "ethernet%d: %s", i, err);
			goto fail;
		}
	}
	if (nat) {
		char err[600];

		if (nat_forward(name, c, ips, err, sizeof(err))) {
			snprintf(why, len, "%s", err);
			goto fail;
		}
	}
	return 0;
fail:
	for (unsigned int k = 0; k < *n; k++)
		close(out[k].fd);
	*n = 0;
	return -1;
}

void net_down(const char *name)
{
	char why[256];

	if (nat_forward(name, NULL, NULL, why, sizeof(why)))
		fprintf(stderr, "nhv-vm: %s: removing its port forwards: %s\n", name, why);
}
