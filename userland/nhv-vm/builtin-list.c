/*
 * builtin-list.c - nhv vm list [--json] [--verbose]: every defined VM with
 * its state, vCPUs, memory, uptime and boot-to-init time (from its
 * supervisor's state and the VMM's `status` answer); --verbose adds, for
 * running VMs, the backdoor (calls, guest errors, the guest's tools), each
 * NIC the guest's tools reported, and what L0 answered to NESTING_CONTROL.
 * A NIC's IP is dnsmasq's lease, followed by "(tools: X)" when the guest's
 * tools reported another IPv4 address X for that MAC; without a lease, the
 * tools' address marked "(tools)", else the reservation.  A tools NIC with
 * an IPv4 address and a MAC that is none of the VM's gets a line of its own
 * (docs/nhv-vm.md "Guest addresses").
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "userland/lib/json.h"
#include "userland/nhv-vm/args.h"
#include "userland/nhv-vm/builtins.h"
#include "userland/nhv-vm/config.h"
#include "userland/nhv-vm/control.h"
#include "userland/nhv-vm/ctlclient.h"
#include "userland/nhv-vm/net.h"
#include "userland/nhv-vm/store.h"
#include "userland/nhv-vm/toolsnics.h"

struct row {
	char state[16];
	unsigned int vcpus;
	unsigned long long mib;
	int autostart, valid;
	double uptime, init_s;	/* < 0: not known */
	double resets;
	struct vm_state st;
	char err[1024];
	char *status;		/* the VMM's status line (malloc'd), NULL when not running */
	int nnics;
	struct {
		int index, nat, leased;
		char mac[18], ip[16];
		char tools_ip[16];	/* the tools' first IPv4 for this MAC */
		char tools_other[16];	/* the tools' first IPv4 for it besides the lease */
	} nic[VM_MAX_NICS];
	struct nicinfo tools;		/* the tools' NIC report (status "tools_nics") */
	char other_ip[16];		/* a tools IPv4 on a NIC none of the VM's */
	char other_mac[18];
	char tools_ip[64];		/* the VM's address from the tools, "" none */
};

/* The raw text of string member key after the first "after" in json, or "?". */
static void json_text(const char *json, const char *after, const char *key, char *out, size_t len)
{
	char pat[64];
	const char *p = strstr(json, after);
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = p ? strstr(p, pat) : NULL;
	if (!p) {
		snprintf(out, len, "?");
		return;
	}
	for (p += strlen(pat); *p && *p != '"' && n + 1 < len; p++) {
		if (*p == '\\' && p[1])
			p++;
		out[n++] = *p;
	}
	out[n] = '\0';
}

/* The tools' NICs from the status line, matched to the VM's NICs by MAC. */
static void fill_tools(struct row *r)
{
	char macs[VM_MAX_NICS][18], text[64];
	const char *bd = r->status ? strstr(r->status, "\"backdoor\":{") : NULL;

	if (!bd || toolsnics_parse(bd, &r->tools) <= 0)
		memset(&r->tools, 0, sizeof(r->tools));
	for (int k = 0; k < r->nnics; k++) {
		snprintf(macs[k], sizeof(macs[k]), "%s", r->nic[k].mac);
		toolsnics_ip(&r->tools, r->nic[k].mac, NULL, NULL, 0, r->nic[k].tools_ip, 16);
		toolsnics_ip(&r->tools, r->nic[k].mac, r->nic[k].leased ? r->nic[k].ip : NULL, NULL, 0,
			     r->nic[k].tools_other, 16);
		if (!r->tools_ip[0] && r->nic[k].tools_ip[0])
			snprintf(r->tools_ip, sizeof(r->tools_ip), "%s", r->nic[k].tools_ip);
	}
	toolsnics_ip(&r->tools, NULL, NULL, (const char (*)[18])macs, (unsigned int)r->nnics,
		     r->other_ip, sizeof(r->other_ip));
	for (unsigned int i = 0; r->other_ip[0] && i < r->tools.nnics; i++) {
		char ip[16];

		toolsnics_ip(&r->tools, r->tools.nic[i].mac, NULL, NULL, 0, ip, sizeof(ip));
		if (!strcmp(ip, r->other_ip)) {
			snprintf(r->other_mac, sizeof(r->other_mac), "%s",
				 r->tools.nic[i].mac[0] ? r->tools.nic[i].mac : "-");
			break;
		}
	}
	if (!r->tools_ip[0] && r->other_ip[0])
		snprintf(r->tools_ip, sizeof(r->tools_ip), "%s", r->other_ip);
	/* Tools without a NIC report: the text form (SetGuestInfo 2). */
	if (!r->tools_ip[0] && bd) {
		json_text(bd, "", "ip", text, sizeof(text));
		if (strcmp(text, "?"))
			snprintf(r->tools_ip, sizeof(r->tools_ip), "%s", text);
	}
}

/* The row's NICs: MAC, mode, and in NAT mode the leased (else reserved) address. */
static void fill_nics(const struct vm_config *c, struct row *r)
{
	for (int i = 0; i < VM_MAX_NICS; i++) {
		const struct vm_nic *nic = &c->nics[i];

		if (!nic->present)
			continue;
		r->nic[r->nnics].index = i;
		r->nic[r->nnics].nat = nic->mode == VM_NET_NAT;
		snprintf(r->nic[r->nnics].mac, 18, "-");
		snprintf(r->nic[r->nnics].ip, 16, "-");
		if (nic->has_mac) {
			snprintf(r->nic[r->nnics].mac, 18, "%02x:%02x:%02x:%02x:%02x:%02x", nic->mac[0], nic->mac[1],
				 nic->mac[2], nic->mac[3], nic->mac[4], nic->mac[5]);
			if (nic->mode == VM_NET_NAT &&
			    nat_guest_ip(nic->mac, r->nic[r->nnics].ip, &r->nic[r->nnics].leased))
				snprintf(r->nic[r->nnics].ip, 16, "-");
		}
		r->nnics++;
	}
}

static void json_num(double v, int whole)
{
	if (v < 0)
		printf("null");
	else if (whole)
		printf("%.0f", v);
	else
		printf("%.3f", v);
}

static void fill(const char *name, struct row *r)
{
	char vmx[PATH_MAX], sock[PATH_MAX], *answer, why[300];
	struct vm_config c;
	struct timespec now;

	memset(r, 0, sizeof(*r));
	r->uptime = r->init_s = r->resets = -1;
	store_vmx_path(name, vmx, sizeof(vmx));
	r->valid = vm_config_load(&c, vmx, NULL, 0, r->err, sizeof(r->err)) == 0;
	if (r->valid) {
		r->vcpus = c.numvcpus;
		r->mib = (unsigned long long)c.memsize_mib;
		r->autostart = c.autostart;
		fill_nics(&c, r);
		vm_config_free(&c);
	}
	store_state_read(name, &r->st);
	if (!r->st.running) {
		snprintf(r->state, sizeof(r->state), "%s", r->valid ? "off" : "invalid");
		return;
	}
	snprintf(r->state, sizeof(r->state), "%s", r->st.state[0] ? r->st.state : "running");
	r->init_s = r->st.init_s;
	clock_gettime(CLOCK_REALTIME, &now);
	if (r->st.started > 0)
		r->uptime = (double)now.tv_sec + now.tv_nsec / 1e9 - r->st.started;
	store_run_file(name, "control.sock", sock, sizeof(sock));
	answer = malloc(CONTROL_STATUS_MAX);
	if (answer && ctl_request(sock, "status", answer, CONTROL_STATUS_MAX, 2000, why,
				  sizeof(why)) == 0) {
		ctl_json_number(answer, "uptime_s", &r->uptime);
		ctl_json_number(answer, "resets", &r->resets);
		r->status = answer;
	} else {
		free(answer);
	}
	fill_tools(r);
}

static void verbose_lines(const struct row *r)
{
	char policy[32], query[128], action[128], ip[64], hc[16];
	double calls = -1, errors = -1;
	const char *bd;

	if (!r->status)
		return;
	bd = strstr(r->status, "\"backdoor\":{");

	if (bd) {
		ctl_json_number(bd, "calls", &calls);
		ctl_json_number(bd, "guest_errors", &errors);
		json_text(bd, "", "ip", ip, sizeof(ip));
		json_text(bd, "", "hypercall", hc, sizeof(hc));
		printf("    backdoor: %.0f calls, %.0f guest errors, hypercall %s, tools %s%s%s\n",
		       calls, errors, hc, strstr(bd, "\"tools_running\":true") ? "running" : "not running",
		       ip[0] && strcmp(ip, "?") ? ", IP " : "", ip[0] && strcmp(ip, "?") ? ip : "");
		for (unsigned int i = 0; i < r->tools.nnics; i++) {
			const struct nicinfo_nic *n = &r->tools.nic[i];

			printf("    tools NIC %s:", n->mac[0] ? n->mac : "(no MAC)");
			toolsnics_print_addrs(stdout, n);
			putchar('\n');
		}
	} else {
		printf("    backdoor: none (hypervisor.cpuid.v0 = FALSE)\n");
	}
	if (strstr(r->status, "\"nesting\":{")) {
		json_text(r->status, "\"nesting\":{", "policy", policy, sizeof(policy));
		json_text(r->status, "\"nesting\":{", "query", query, sizeof(query));
		json_text(r->status, "\"nesting\":{", "action", action, sizeof(action));
		printf("    nesting (L0): policy %s; QUERY: %s%s%s\n", policy, query,
		       action[0] ? "; " : "", action);
	}
}

int cmd_list(int argc, char **argv)
{
	static char names[STORE_MAX_VMS][STORE_NAME_MAX + 1];
	static struct row rows[STORE_MAX_VMS];
	int json = 0, verbose = 0, n;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--verbose"))
			verbose = 1;
		else
			return args_usage("list", "[--json] [--verbose]", argv[i]);
	}
	n = store_list(names, STORE_MAX_VMS);
	if (n < 0) {
		fprintf(stderr, "nhv vm list: cannot read the store %s\n", store_root());
		return 1;
	}
	for (int i = 0; i < n; i++)
		fill(names[i], &rows[i]);
	if (json) {
		printf("[");
		for (int i = 0; i < n; i++) {
			struct row *r = &rows[i];

			printf("%s\n  {\"name\": ", i ? "," : "");
			json_str(stdout, names[i]);
			printf(", \"state\": ");
			json_str(stdout, r->state);
			printf(", \"vcpus\": %u, \"memsize_mib\": %llu, \"autostart\": %s, \"uptime_s\": ",
			       r->vcpus, r->mib, r->autostart ? "true" : "false");
			json_num(r->uptime, 0);
			printf(", \"init_s\": ");
			json_num(r->init_s, 0);
			printf(", \"resets\": ");
			json_num(r->resets, 1);
			printf(", \"last_exit\": ");
			json_num(!r->st.running && r->st.exit_status >= 0 ? r->st.exit_status : -1, 1);
			printf(", \"reason\": ");
			json_str(stdout, r->st.running ? "" : r->valid ? r->st.reason : r->err);
			if (verbose)
				printf(", \"status\": %s", r->status ? r->status : "null");
			printf(", \"nics\": [");
			for (int k = 0; k < r->nnics; k++) {
				printf("%s{\"nic\": \"ethernet%d\", \"mac\": ", k ? ", " : "", r->nic[k].index);
				json_str(stdout, r->nic[k].mac);
				printf(", \"mode\": \"%s\", \"ip\": ", r->nic[k].nat ? "nat" : "bridged");
				if (strcmp(r->nic[k].ip, "-"))
					json_str(stdout, r->nic[k].ip);
				else
					printf("null");
				printf(", \"leased\": %s, \"tools_ip\": ", r->nic[k].leased ? "true" : "false");
				if (r->nic[k].tools_ip[0])
					json_str(stdout, r->nic[k].tools_ip);
				else
					printf("null");
				printf("}");
			}
			printf("], \"tools_ip\": ");
			if (r->tools_ip[0])
				json_str(stdout, r->tools_ip);
			else
				printf("null");
			printf(", \"tools_nics\": ");
			toolsnics_json(stdout, &r->tools);
			printf("}");
		}
		printf("%s]\n", n ? "\n" : "");
		return 0;
	}
	printf("%-16s %-8s %5s %8s %9s %8s  %-9s %-17s %s\n", "NAME", "STATE", "VCPUS", "MEMORY", "UPTIME",
	       "INIT", "NIC", "MAC", "IP");
	for (int i = 0; i < n; i++) {
		struct row *r = &rows[i];
		char up[32] = "-", init[32] = "-", mem[32] = "-", cpus[16] = "-";

		if (r->uptime >= 0)
			snprintf(up, sizeof(up), "%.1f s", r->uptime);
		if (r->init_s >= 0)
			snprintf(init, sizeof(init), "%.1f s", r->init_s);
		if (r->valid) {
			snprintf(mem, sizeof(mem), "%llu MiB", r->mib);
			snprintf(cpus, sizeof(cpus), "%u", r->vcpus);
		}
		printf("%-16s %-8s %5s %8s %9s %8s", names[i], r->state, cpus, mem, up, init);
		/* Further NICs on lines of their own, under the first. */
		for (int k = 0; k < r->nnics; k++) {
			const char *t = r->nic[k].tools_other;

			/* The lease, and beside it another address the tools saw; or the tools' address. */
			printf("%s%*sethernet%d %-17s %s%s%s%s", k ? "\n" : "", k ? 61 : 2, "",
			       r->nic[k].index, r->nic[k].mac,
			       !r->nic[k].leased && t[0] ? t : r->nic[k].ip,
			       !t[0] ? "" : r->nic[k].leased ? " (tools: " : " (tools)",
			       r->nic[k].leased ? t : "", r->nic[k].leased && t[0] ? ")" : "");
		}
		if (r->other_ip[0])
			printf("%s%*s%-9s %-17s %s (tools)", r->nnics ? "\n" : "", r->nnics ? 61 : 2, "",
			       "guest", r->other_mac, r->other_ip);
		if (!r->valid)
			printf("  %s", r->err);
		else if (!r->st.running && r->st.reason[0])
			printf("  (last: %s)", r->st.reason);
		putchar('\n');
		if (verbose)
			verbose_lines(r);
	}
	return 0;
}
