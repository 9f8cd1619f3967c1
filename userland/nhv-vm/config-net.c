/*
 * config-net.c - the ethernetN.* keys of a guest's .vmx (docs/vm-config.md,
 * docs/networking.md): VMware's present, address, addressType,
 * generatedAddress(Offset), virtualDev and connectionType, and nhv's
 * nhv.mode, nhv.uplink and nhv.forward.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "userland/lib/hexfmt.h"
#include "userland/nhv-vm/config.h"

#define IFNAME_MAX 15	/* IFNAMSIZ - 1 */

static int is_bool(const char *v, int *out)
{
	if (!strcasecmp(v, "TRUE") || !strcasecmp(v, "yes") || !strcmp(v, "1") || !strcasecmp(v, "on"))
		*out = 1;
	else if (!strcasecmp(v, "FALSE") || !strcasecmp(v, "no") || !strcmp(v, "0") || !strcasecmp(v, "off"))
		*out = 0;
	else
		return -1;
	return 0;
}

/* A port 1-65535 from s up to end (exclusive); -1 if not. */
static int port(const char *s, const char *end)
{
	long n = 0;

	if (s == end || end - s > 5)
		return -1;
	for (const char *p = s; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		n = n * 10 + (*p - '0');
	}
	return n >= 1 && n <= 65535 ? (int)n : -1;
}

int vm_forward_parse(const char *v, struct vm_forward *fwd, unsigned int max, char *why, size_t len)
{
	unsigned int n = 0;
	const char *p = v;

	for (;;) {
		const char *item, *end, *c1, *c2;
		struct vm_forward f;
		int hp, gp;

		while (*p == ' ' || *p == '\t')
			p++;
		item = p;
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		while (end > item && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		c1 = memchr(item, ':', (size_t)(end - item));
		c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
		if (!c2 || ((c1 - item != 3 || (strncasecmp(item, "tcp", 3) && strncasecmp(item, "udp", 3)))) ||
		    (hp = port(c1 + 1, c2)) < 0 || (gp = port(c2 + 1, end)) < 0) {
			snprintf(why, len, "expected PROTO:L1PORT:GUESTPORT items (tcp or udp, ports 1-65535) "
				 "separated by commas, like \"tcp:2222:22, udp:5353:53\"; got \"%.*s\"",
				 (int)(end - item > 60 ? 60 : end - item), item);
			return -1;
		}
		f = (struct vm_forward){ .udp = !strncasecmp(item, "udp", 3), .host_port = (uint16_t)hp,
					 .guest_port = (uint16_t)gp };
		for (unsigned int i = 0; i < n; i++)
			if (fwd[i].udp == f.udp && fwd[i].host_port == f.host_port) {
				snprintf(why, len, "L1 port %s:%d forwarded twice", f.udp ? "udp" : "tcp", hp);
				return -1;
			}
		if (n == max) {
			snprintf(why, len, "expected at most %u forwards", max);
			return -1;
		}
		fwd[n++] = f;
		p = end;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return (int)n;
		p++;	/* the comma */
	}
}

/* "ethernetN." -> N (0..VM_MAX_NICS-1), the rest in *rest; -2 for a bad N, -1 for another key. */
static int nic_index(const char *key, const char **rest)
{
	const char *d = key + 8;

	if (strncasecmp(key, "ethernet", 8) || *d < '0' || *d > '9')
		return -1;
	if (d[1] != '.' || *d - '0' >= VM_MAX_NICS)
		return -2;
	*rest = d + 2;
	return *d - '0';
}

int vm_config_net_key(struct vm_config *c, const char *key, const char *v, char *why, size_t len)
{
	const char *rest;
	int i = nic_index(key, &rest);
	struct vm_nic *nic;

	if (i == -1)
		return 1;
	if (i == -2) {
		snprintf(why, len, "expected ethernet0 to ethernet%d", VM_MAX_NICS - 1);
		return -1;
	}
	nic = &c->nics[i];
	if (!strcasecmp(rest, "present")) {
		if (is_bool(v, &nic->present) == 0)
			return 0;
		snprintf(why, len, "expected TRUE or FALSE, got \"%s\"", v);
		return -1;
	}
	if (!strcasecmp(rest, "address") || !strcasecmp(rest, "generatedAddress")) {
		struct nhv_mac m;

		if (mac_parse(v, &m) || !mac_is_unicast(&m)) {
			snprintf(why, len, "expected a unicast MAC like \"00:50:56:12:34:56\", got \"%s\"", v);
			return -1;
		}
		/* address wins over generatedAddress, whichever line comes first. */
		if (!strcasecmp(rest, "address") || !nic->has_mac)
			memcpy(nic->mac, m.b, 6);
		nic->has_mac = 1;
		return 0;
	}
	if (!strcasecmp(rest, "addressType")) {
		if (!strcasecmp(v, "static") || !strcasecmp(v, "generated") || !strcasecmp(v, "vpx"))
			return 0;
		snprintf(why, len, "expected static, generated or vpx, got \"%s\"", v);
		return -1;
	}
	if (!strcasecmp(rest, "generatedAddressOffset") || !strcasecmp(rest, "virtualDev") ||
	    !strcasecmp(rest, "connectionType") || !strcasecmp(rest, "networkName"))
		return 0;	/* VMware's; nhv always offers virtio-net and uses nhv.mode */
	if (!strcasecmp(rest, "nhv.mode")) {
		if (!strcasecmp(v, "nat"))
			nic->mode = VM_NET_NAT;
		else if (!strcasecmp(v, "bridged"))
			nic->mode = VM_NET_BRIDGED;
		else {
			snprintf(why, len, "expected nat or bridged, got \"%s\"", v);
			return -1;
		}
		return 0;
	}
	if (!strcasecmp(rest, "nhv.uplink")) {
		size_t n = strlen(v);

		if (n == 0 || n > IFNAME_MAX || strcspn(v, "/: \t") != n || !strcmp(v, ".") || !strcmp(v, "..")) {
			snprintf(why, len, "expected an L1 interface name of 1 to %d characters without '/', ':' "
				 "or spaces, got \"%s\"", IFNAME_MAX, v);
			return -1;
		}
		free(nic->uplink);
		nic->uplink = strdup(v);
		if (!nic->uplink) {
			snprintf(why, len, "out of memory");
			return -1;
		}
		return 0;
	}
	if (!strcasecmp(rest, "nhv.forward")) {
		int n = vm_forward_parse(v, nic->fwd, VM_MAX_FORWARDS, why, len);

		if (n < 0)
			return -1;
		nic->nfwd = (unsigned int)n;
		return 0;
	}
	snprintf(why, len, "unknown key (expected ethernetN.present, address, addressType, generatedAddress, "
		 "virtualDev, connectionType, nhv.mode, nhv.uplink or nhv.forward)");
	return -1;
}

int vm_config_net_check(const struct vm_config *c, char *key, size_t keylen, char *why, size_t len)
{
	for (int i = 0; i < VM_MAX_NICS; i++) {
		const struct vm_nic *a = &c->nics[i];

		if (!a->present)
			continue;
		if (a->mode == VM_NET_BRIDGED && a->nfwd > 0) {
			snprintf(key, keylen, "ethernet%d.nhv.forward", i);
			snprintf(why, len, "forwards need nhv.mode = \"nat\" (a bridged guest is reached at its own address)");
			return -1;
		}
		for (int j = 0; j < i; j++) {
			const struct vm_nic *b = &c->nics[j];

			if (b->present && a->has_mac && b->has_mac && !memcmp(a->mac, b->mac, 6)) {
				snprintf(key, keylen, "ethernet%d.address", i);
				snprintf(why, len, "the same MAC as ethernet%d", j);
				return -1;
			}
			for (unsigned int x = 0; b->present && x < a->nfwd; x++)
				for (unsigned int y = 0; y < b->nfwd; y++)
					if (a->fwd[x].udp == b->fwd[y].udp && a->fwd[x].host_port == b->fwd[y].host_port) {
						snprintf(key, keylen, "ethernet%d.nhv.forward", i);
						snprintf(why, len, "L1 port %s:%u already forwarded by ethernet%d",
							 a->fwd[x].udp ? "udp" : "tcp", a->fwd[x].host_port, j);
						return -1;
					}
		}
	}
	return 0;
}

void vm_config_net_free(struct vm_config *c)
{
	for (int i = 0; i < VM_MAX_NICS; i++)
		free(c->nics[i].uplink);
}
