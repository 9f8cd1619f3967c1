/*
 * builtin-stop.c - nhv vm stop NAME|--all [--timeout S] [--force]: the ACPI
 * power button, then a forced stop when the guest is still running after S
 * seconds (default 30); --force stops at once.  --all stops every running
 * VM in parallel (nhv-init runs it when the appliance halts).
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "userland/lib/clock.h"
#include "userland/nhv-vm/args.h"
#include "userland/nhv-vm/builtins.h"
#include "userland/nhv-vm/ctlclient.h"
#include "userland/nhv-vm/store.h"

/* The power button, by the control socket or else by SIGTERM to the VMM. */
static void press(const char *name)
{
	struct vm_state st;
	char why[300];

	if (ctl_vm_command(name, "powerbtn", why, sizeof(why)) == 0)
		return;
	store_state_read(name, &st);
	if (st.vmm_pid > 0 && kill((pid_t)st.vmm_pid, SIGTERM) == 0)
		return;
	fprintf(stderr, "nhv vm stop: cannot press %s's power button: %s\n", name, why);
}

static void force(const char *name)
{
	struct vm_state st;
	char why[300];

	if (ctl_vm_command(name, "kill", why, sizeof(why)) == 0)
		return;
	store_state_read(name, &st);
	if (st.vmm_pid > 0)
		kill((pid_t)st.vmm_pid, SIGKILL);
}

/* Waits until none of names[] with want[] set runs, or until end; clears want[] of stopped ones. */
static int wait_all(char names[][STORE_NAME_MAX + 1], int *want, int n, double end)
{
	int left;

	for (;;) {
		left = 0;
		for (int i = 0; i < n; i++) {
			if (want[i] && !store_running(names[i]))
				want[i] = 0;
			left += want[i];
		}
		if (!left || mono_s() >= end)
			return left;
		usleep(100000);
	}
}

int cmd_stop(int argc, char **argv)
{
	static const char usage[] = "NAME|--all [--timeout SECONDS] [--force]";
	static char names[STORE_MAX_VMS][STORE_NAME_MAX + 1];
	static int want[STORE_MAX_VMS], forced[STORE_MAX_VMS], target[STORE_MAX_VMS];
	const char *name = NULL;
	double timeout = 30, t0;
	int all = 0, hard = 0, n = 0, left;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--timeout")) {
			if (args_seconds("stop", "--timeout", i + 1 < argc ? argv[i + 1] : NULL, &timeout))
				return 2;
			i++;
		} else if (!strcmp(argv[i], "--force")) {
			hard = 1;
		} else if (!strcmp(argv[i], "--all")) {
			all = 1;
		} else if (!name && argv[i][0] != '-') {
			name = argv[i];
		} else {
			return args_usage("stop", usage, argv[i]);
		}
	}
	if (!!name == all)
		return args_usage("stop", usage, NULL);
	if (all) {
		n = store_list(names, STORE_MAX_VMS);
		for (int i = 0; i < n; i++)
			want[i] = store_running(names[i]);
	} else {
		if (args_vm("stop", name))
			return 1;
		if (!store_running(name)) {
			fprintf(stderr, "nhv vm stop: %s is not running\n", name);
			return 1;
		}
		snprintf(names[0], sizeof(names[0]), "%s", name);
		want[0] = 1;
		n = 1;
	}
	t0 = mono_s();
	for (int i = 0; i < n; i++) {
		target[i] = want[i];
		if (!want[i])
			continue;
		forced[i] = hard;
		if (hard)
			force(names[i]);
		else
			press(names[i]);
	}
	left = wait_all(names, want, n, t0 + (hard ? 10 : timeout));
	if (left && !hard) {
		for (int i = 0; i < n; i++) {
			if (!want[i])
				continue;
			fprintf(stderr, "nhv vm stop: %s still runs after %.0f s: forcing it off\n",
				names[i], timeout);
			forced[i] = 1;
			force(names[i]);
		}
		left = wait_all(names, want, n, mono_s() + 10);
	}
	for (int i = 0; i < n; i++) {
		struct vm_state st;

		if (!target[i])
			continue;
		if (want[i]) {
			fprintf(stderr, "nhv vm stop: %s does not stop\n", names[i]);
			continue;
		}
		store_state_read(names[i], &st);
		printf("%s: %s%s\n", names[i], forced[i] ? "forced off: " : "", st.reason);
	}
	return left ? 1 : 0;
}
