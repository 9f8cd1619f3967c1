/*
 * builtin-net.c - nhv vm net NAME: each NIC of a defined VM (MAC, mode,
 * address from dnsmasq's lease or its reservation) and its port forwards
 * from L1's addresses (docs/networking.md).
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "userland/nhv-vm/args.h"
#include "userland/nhv-vm/builtins.h"
#include "userland/nhv-vm/config.h"
#include "userland/nhv-vm/net.h"
#include "userland/nhv-vm/store.h"

/* L1's IPv4 addresses outside the guests' own interfaces, "eth0 10.0.2.15, ...". */
static void l1_addresses(char *out, size_t len)
{
	DIR *d = opendir("/sys/class/net");
	struct dirent *e;
	size_t n = 0;

	out[0] = '\0';
	while (d && (e = readdir(d))) {
		char ip[16];

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "lo") || !strncmp(e->d_name, "nhv", 3) ||
		    link_ipv4(e->d_name, ip))
			continue;
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s %s", n ? ", " : "", e->d_name, ip);
	}
	if (d)
		closedir(d);
	if (!out[0])
		snprintf(out, len, "none");
}

int cmd_net(int argc, char **argv)
{
	char vmx[PATH_MAX], err[1024], l1[256];
	struct vm_config c;
	int any = 0;

	if (argc != 2 || argv[1][0] == '-')
		return args_usage("net", "NAME", argc > 2 ? argv[2] : argc == 2 ? argv[1] : NULL);
	if (!store_exists(argv[1])) {
		fprintf(stderr, "nhv vm net: no VM named \"%s\"\n", argv[1]);
		return 1;
	}
	store_vmx_path(argv[1], vmx, sizeof(vmx));
	if (vm_config_load(&c, vmx, NULL, 0, err, sizeof(err))) {
		fprintf(stderr, "nhv vm net: %s\n", err);
		return 2;
	}
	l1_addresses(l1, sizeof(l1));
	for (int i = 0; i < VM_MAX_NICS; i++) {
		const struct vm_nic *nic = &c.nics[i];
		char mac[18] = "-", ip[16] = "-";
		int leased = 0;

		if (!nic->present)
			continue;
		any = 1;
		if (nic->has_mac) {
			snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", nic->mac[0], nic->mac[1],
				 nic->mac[2], nic->mac[3], nic->mac[4], nic->mac[5]);
			if (nic->mode == VM_NET_NAT && nat_guest_ip(nic->mac, ip, &leased))
				snprintf(ip, sizeof(ip), "-");
		}
		printf("ethernet%d: mac %s, %s%s%s, address %s%s\n", i, mac,
		       nic->mode == VM_NET_NAT ? "nat on " NET_BRIDGE : "bridged to ",
		       nic->mode == VM_NET_NAT ? "" : nic->uplink ? nic->uplink : "eth0", "", ip,
		       !strcmp(ip, "-") ? "" : leased ? " (DHCP lease)" : " (reserved, not leased yet)");
		for (unsigned int k = 0; k < nic->nfwd; k++)
			printf("  forward %s L1 port %u -> %s:%u (L1: %s)\n", nic->fwd[k].udp ? "udp" : "tcp",
			       nic->fwd[k].host_port, ip, nic->fwd[k].guest_port, l1);
	}
	if (!any)
		printf("%s has no NIC (ethernetN.present)\n", argv[1]);
	vm_config_free(&c);
	return 0;
}
