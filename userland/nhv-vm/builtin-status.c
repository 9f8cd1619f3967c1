/* builtin-status.c - nhv vm status NAME: the running VMM's own status line (JSON: state, accel, vCPUs, exits by reason). */
#include <limits.h>
#include <stdio.h>
#include "userland/nhv-vm/args.h"
#include "userland/nhv-vm/builtins.h"
#include "userland/nhv-vm/control.h"
#include "userland/nhv-vm/ctlclient.h"
#include "userland/nhv-vm/store.h"

int cmd_status(int argc, char **argv)
{
	char sock[PATH_MAX], answer[CONTROL_STATUS_MAX], why[300];

	if (argc != 2 || argv[1][0] == '-')
		return args_usage("status", "NAME", argc > 2 ? argv[2] : argc == 2 ? argv[1] : NULL);
	if (args_vm("status", argv[1]))
		return 1;
	if (!store_running(argv[1])) {
		fprintf(stderr, "nhv vm status: %s is not running\n", argv[1]);
		return 1;
	}
	store_run_file(argv[1], "control.sock", sock, sizeof(sock));
	if (ctl_request(sock, "status", answer, sizeof(answer), 5000, why, sizeof(why)) < 0) {
		fprintf(stderr, "nhv vm status: %s: %s\n", argv[1], why);
		return 1;
	}
	printf("%s\n", answer);
	return 0;
}
