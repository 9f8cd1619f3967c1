/*
 * builtin-start.c - nhv vm start NAME [--console]: start a defined VM under
 * its own supervisor (it outlives the shell); --console then attaches to
 * its serial console.  Also nhv vm autostart [--wait S], run by nhv-init at
 * boot: starts the VMs with nhv.autostart = "TRUE" and prints one status
 * block line each ("  l2 NAME : running (N.N s to init)").  A bridged NIC
 * whose uplink sees no frame for other MACs gets a warning.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "userland/lib/clock.h"
#include "userland/nhv-vm/args.h"
#include "userland/nhv-vm/builtins.h"
#include "userland/nhv-vm/config.h"
#include "userland/nhv-vm/net.h"
#include "userland/nhv-vm/store.h"
#include "userland/nhv-vm/supervisor.h"

/*
 * Bridged NICs: a warning when no frame for another MAC reached the uplink
 * in 2 s: the outer port group likely drops the guest's traffic.
 */
static void warn_promisc(const char *name, const struct vm_config *c)
{
	for (int i = 0; i < VM_MAX_NICS; i++) {
		const char *up = c->nics[i].uplink ? c->nics[i].uplink : "eth0";
		int n;

		if (!c->nics[i].present || c->nics[i].mode != VM_NET_BRIDGED)
			continue;
		n = link_foreign_frames(up, 2000, 1);
		if (n == 0)
			fprintf(stderr, "nhv vm start: warning: %s: ethernet%d is bridged to %s, and no frame for another "
				"MAC reached %s in 2 s: the outer switch may not allow promiscuous mode (or MAC "
				"learning); %s may get no traffic (docs/networking.md)\n", name, i, up, up, name);
		else if (n < 0)
			fprintf(stderr, "nhv vm start: warning: %s: cannot watch %s for frames of other MACs\n", name, up);
	}
}

/* Loads NAME's definition and starts it; prints why not.  Exit status. */
static int start_one(const char *verb, const char *name, char *why, size_t wlen)
{
	char vmx[PATH_MAX], err[1024];
	struct vm_config c;
	int status;

	store_vmx_path(name, vmx, sizeof(vmx));
	if (vm_config_load(&c, vmx, NULL, 0, err, sizeof(err))) {
		snprintf(why, wlen, "%.*s", (int)(wlen - 1), err);
		fprintf(stderr, "nhv vm %s: %s\n", verb, err);
		return 2;
	}
	if (store_running(name)) {
		vm_config_free(&c);
		snprintf(why, wlen, "already running");
		fprintf(stderr, "nhv vm %s: %s is already running\n", verb, name);
		return 1;
	}
	if (supervisor_start(name, vmx, &status, why, wlen) < 0) {
		vm_config_free(&c);
		fprintf(stderr, "nhv vm %s: %s did not start: %s\n", verb, name, why);
		return status;
	}
	warn_promisc(name, &c);
	vm_config_free(&c);
	return 0;
}

int cmd_start(int argc, char **argv)
{
	static const char usage[] = "NAME [--console]";
	const char *name = NULL;
	char why[600];
	int console = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--console"))
			console = 1;
		else if (!name && argv[i][0] != '-')
			name = argv[i];
		else
			return args_usage("start", usage, argv[i]);
	}
	if (!name)
		return args_usage("start", usage, NULL);
	if (args_vm("start", name))
		return 1;
	rc = start_one("start", name, why, sizeof(why));
	if (rc)
		return rc;
	if (console)
		return console_attach("start", name, NULL);
	printf("started %s\n", name);
	return 0;
}

int cmd_autostart(int argc, char **argv)
{
	static char names[STORE_MAX_VMS][STORE_NAME_MAX + 1];
	static char why[STORE_MAX_VMS][200];
	static int started[STORE_MAX_VMS];
	double wait = 0, end;
	int n, failed = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--wait") && args_seconds("autostart", "--wait",
							       i + 1 < argc ? argv[i + 1] : NULL, &wait) == 0)
			i++;
		else
			return args_usage("autostart", "[--wait SECONDS]", argv[i]);
	}
	n = store_list(names, STORE_MAX_VMS);
	for (int i = 0; i < n; i++) {
		char vmx[PATH_MAX], err[1024];
		struct vm_config c;

		started[i] = -1;
		store_vmx_path(names[i], vmx, sizeof(vmx));
		if (vm_config_load(&c, vmx, NULL, 0, err, sizeof(err))) {
			fprintf(stderr, "nhv vm autostart: %s\n", err);
			continue;
		}
		if (c.autostart && !store_running(names[i]))
			started[i] = start_one("autostart", names[i], why[i], sizeof(why[i]));
		vm_config_free(&c);
	}
	/* Wait for each started guest's init line (or its end), all at once. */
	end = mono_s() + wait;
	for (int i = 0; i < n; i++) {
		struct vm_state st;

		if (started[i] < 0)
			continue;
		for (;;) {
			store_state_read(names[i], &st);
			if (started[i] || !st.running || st.init_s >= 0 || mono_s() >= end)
				break;
			usleep(100000);
		}
		if (started[i]) {
			printf("  l2 %-9s : failed to start: %s\n", names[i], why[i]);
			failed++;
		} else if (!st.running) {
			printf("  l2 %-9s : off (%s; nhv vm log %s)\n", names[i], st.reason, names[i]);
			failed++;
		} else if (st.init_s >= 0) {
			printf("  l2 %-9s : running (%.1f s to init)\n", names[i], st.init_s);
		} else {
			printf("  l2 %-9s : running (no \"nhv-l2: init\" within %.0f s; nhv vm log %s)\n",
			       names[i], wait, names[i]);
		}
	}
	return failed ? 1 : 0;
}
