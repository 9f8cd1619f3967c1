/*
 * builtin-shutdown.c - nhv vm shutdown NAME [--timeout S]: asks the guest's
 * VMware tools to halt (TCLO "OS_Halt", as vSphere's "Shut Down Guest OS")
 * and waits up to S seconds (default 60) for the VM to power off.  `stop`
 * stays the ACPI power button.  Exit status: 0 off, 1 still running or
 * no tools channel, 2 usage.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "userland/lib/clock.h"
#include "userland/nhv-vm/args.h"
#include "userland/nhv-vm/builtins.h"
#include "userland/nhv-vm/ctlclient.h"
#include "userland/nhv-vm/store.h"

int cmd_shutdown(int argc, char **argv)
{
	static const char usage[] = "NAME [--timeout SECONDS]";
	const char *name = NULL;
	double timeout = 60, end;
	char why[300];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--timeout")) {
			if (args_seconds("shutdown", "--timeout", i + 1 < argc ? argv[i + 1] : NULL,
					 &timeout))
				return 2;
			i++;
		} else if (!name && argv[i][0] != '-') {
			name = argv[i];
		} else {
			return args_usage("shutdown", usage, argv[i]);
		}
	}
	if (!name)
		return args_usage("shutdown", usage, NULL);
	if (args_vm("shutdown", name))
		return 1;
	if (!store_running(name)) {
		fprintf(stderr, "nhv vm shutdown: %s is not running\n", name);
		return 1;
	}
	if (ctl_vm_command(name, "tclo OS_Halt", why, sizeof(why)) < 0) {
		fprintf(stderr, "nhv vm shutdown: %s: %s\n", name, why);
		return 1;
	}
	end = mono_s() + timeout;
	while (store_running(name)) {
		if (mono_s() >= end) {
			fprintf(stderr, "nhv vm shutdown: %s still runs after %.0f s (are the guest's "
				"VMware tools running? `nhv vm status %s` shows tools_running)\n",
				name, timeout, name);
			return 1;
		}
		usleep(100000);
	}
	printf("%s: shut down by its tools\n", name);
	return 0;
}
