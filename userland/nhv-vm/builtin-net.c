/*
 * builtin-net.c - nhv vm net NAME: each NIC of a defined VM (MAC, mode,
 * address from dnsmasq's lease or its reservation) and its port forwards
 * from L1's addresses, then the "tools report": the NICs and addresses the
 * guest's tools (vmtoolsd) reported through the backdoor, from the running
 * VMM's status (docs/networking.md).
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "userland/nhv-vm/args.h"
#include "userland/nhv-vm/builtins.h"
#include "userland/nhv-vm/config.h"
#include "userland/nhv-vm/control.h"
#include "userland/nhv-vm/ctlclient.h"
#include "userland/nhv-vm/net.h"
#include "userland/nhv-vm/store.h"
#include "userland/nhv-vm/toolsnics.h"

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

/* The NICs the guest's tools reported, each with the VM NIC of that MAC. */
static void tools_report(const char *name, const struct vm_config *c)
{
	char sock[PATH_MAX], why[300], *status;
	struct vm_state st;
	struct nicinfo ni;
	int r;

	store_state_read(name, &st);
	if (!st.running) {
		printf("tools report: none (%s is not running)\n", name);
		return;
	}
	store_run_file(name, "control.sock", sock, sizeof(sock));
	status = malloc(CONTROL_STATUS_MAX);
	if (!status || ctl_request(sock, "status", status, CONTROL_STATUS_MAX, 2000, why,
				   sizeof(why))) {
		printf("tools report: unknown (the VMM did not answer: %s)\n", status ? why : "no memory");
		free(status);
		return;
	}
	r = toolsnics_parse(status, &ni);
	if (strstr(status, "\"backdoor\":null"))
		printf("tools report: none (no backdoor: hypervisor.cpuid.v0 = \"FALSE\")\n");
	else if (r < 0)
		printf("tools report: unreadable status line\n");
	else if (r == 0 || !ni.nnics)
		printf("tools report: none yet (vmtoolsd reports its NICs every 30 s)\n");
	else
		printf("tools report: %u NIC%s\n", ni.nnics, ni.nnics == 1 ? "" : "s");
	for (unsigned int i = 0; r > 0 && i < ni.nnics; i++) {
		const struct nicinfo_nic *n = &ni.nic[i];
		char vm_nic[32] = "not a NIC of the VM";

		for (int k = 0; k < VM_MAX_NICS; k++) {
			char mac[18];

			if (!c->nics[k].present || !c->nics[k].has_mac)
				continue;
			snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", c->nics[k].mac[0],
				 c->nics[k].mac[1], c->nics[k].mac[2], c->nics[k].mac[3],
				 c->nics[k].mac[4], c->nics[k].mac[5]);
			if (!strcmp(mac, n->mac))
				snprintf(vm_nic, sizeof(vm_nic), "ethernet%d", k);
		}
		printf("  %s (%s):", n->mac[0] ? n->mac : "no MAC", vm_nic);
		toolsnics_print_addrs(stdout, n);
		putchar('\n');
	}
	free(status);
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
	tools_report(argv[1], &c);
	vm_config_free(&c);
	return 0;
}
