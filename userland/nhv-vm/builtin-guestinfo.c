/*
 * builtin-guestinfo.c - nhv vm guestinfo NAME [KEY | KEY=VALUE]: the live
 * guestinfo.* store of a running VM (what vmware-rpctool "info-get
 * guestinfo.KEY" reads in the guest) over its control socket.  Without KEY
 * it says how to list; KEY prints the value; KEY=VALUE sets it.
 * Exit status: 0 done, 1 no such value or the VM said no, 2 usage.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "userland/lib/vmx.h"
#include "userland/nhv-vm/args.h"
#include "userland/nhv-vm/builtins.h"
#include "userland/nhv-vm/ctlclient.h"
#include "userland/nhv-vm/store.h"

#define ANSWER_MAX	(3 * 65536 + 64)

int cmd_guestinfo(int argc, char **argv)
{
	static char answer[ANSWER_MAX];
	const char *arg, *eq;
	char sock[PATH_MAX], why[300], *cmd = NULL, *enc = NULL, *value;
	size_t elen;
	int r;

	if (argc != 3 || argv[1][0] == '-')
		return args_usage("guestinfo", "NAME KEY | NAME KEY=VALUE", argc > 3 ? argv[3] : NULL);
	if (args_vm("guestinfo", argv[1]))
		return 1;
	if (!store_running(argv[1])) {
		fprintf(stderr, "nhv vm guestinfo: %s is not running\n", argv[1]);
		return 1;
	}
	arg = argv[2];
	if (!strncmp(arg, "guestinfo.", 10))
		arg += 10;
	eq = strchr(arg, '=');
	if (eq) {
		enc = vmx_encode(eq + 1, &elen);
		if (!enc || asprintf(&cmd, "guestinfo-set %.*s %s", (int)(eq - arg), arg, enc) < 0)
			cmd = NULL;
	} else if (asprintf(&cmd, "guestinfo-get %s", arg) < 0) {
		cmd = NULL;
	}
	free(enc);
	if (!cmd) {
		fputs("nhv vm guestinfo: out of memory\n", stderr);
		return 1;
	}
	store_run_file(argv[1], "control.sock", sock, sizeof(sock));
	r = ctl_request(sock, cmd, answer, sizeof(answer), 5000, why, sizeof(why));
	free(cmd);
	if (r < 0) {
		fprintf(stderr, "nhv vm guestinfo: %s: %s\n", argv[1], why);
		return 1;
	}
	if (!strcmp(answer, "ok"))
		return 0;
	if (!strncmp(answer, "ok ", 3)) {
		value = vmx_decode(answer + 3, strlen(answer + 3));
		if (!value)
			return 1;
		printf("%s\n", value);
		free(value);
		return 0;
	}
	fprintf(stderr, "nhv vm guestinfo: %s: %s\n", argv[1],
		!strncmp(answer, "error: ", 7) ? answer + 7 : answer);
	return 1;
}
