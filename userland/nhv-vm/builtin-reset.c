/* builtin-reset.c - nhv vm reset NAME: a hardware reset of a running VM (it keeps running). */
#include <stdio.h>
#include "userland/nhv-vm/args.h"
#include "userland/nhv-vm/builtins.h"
#include "userland/nhv-vm/ctlclient.h"
#include "userland/nhv-vm/store.h"

int cmd_reset(int argc, char **argv)
{
	char why[300];

	if (argc != 2 || argv[1][0] == '-')
		return args_usage("reset", "NAME", argc > 2 ? argv[2] : argc == 2 ? argv[1] : NULL);
	if (args_vm("reset", argv[1]))
		return 1;
	if (!store_running(argv[1])) {
		fprintf(stderr, "nhv vm reset: %s is not running\n", argv[1]);
		return 1;
	}
	if (ctl_vm_command(argv[1], "reset", why, sizeof(why)) < 0) {
		fprintf(stderr, "nhv vm reset: %s: %s\n", argv[1], why);
		return 1;
	}
	printf("reset %s\n", argv[1]);
	return 0;
}
