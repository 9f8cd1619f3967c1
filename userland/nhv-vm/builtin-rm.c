/*
 * builtin-rm.c - nhv vm rm NAME: forget a VM that is not running: its .vmx,
 * its folder when nothing else is in it (disk images are kept), and its
 * run state.
 */
#include <limits.h>
#include <stdio.h>
#include <unistd.h>
#include "userland/nhv-vm/args.h"
#include "userland/nhv-vm/builtins.h"
#include "userland/nhv-vm/store.h"

int cmd_rm(int argc, char **argv)
{
	static const char *const run_files[] = { "state", "serial.log", "serial.log.1", "vmm.log",
						 "supervisor.pid", "control.sock", "lock" };
	char why[600], path[PATH_MAX];
	int kept;

	if (argc != 2 || argv[1][0] == '-')
		return args_usage("rm", "NAME", argc > 2 ? argv[2] : argc == 2 ? argv[1] : NULL);
	if (args_vm("rm", argv[1]))
		return 1;
	if (store_running(argv[1])) {
		fprintf(stderr, "nhv vm rm: %s is running; `nhv vm stop %s` first\n", argv[1], argv[1]);
		return 1;
	}
	if (store_remove(argv[1], &kept, why, sizeof(why)) < 0) {
		fprintf(stderr, "nhv vm rm: %s\n", why);
		return 1;
	}
	for (size_t i = 0; i < sizeof(run_files) / sizeof(run_files[0]); i++)
		if (store_run_file(argv[1], run_files[i], path, sizeof(path)) == 0)
			unlink(path);
	if (store_run_dir(argv[1], path, sizeof(path)) == 0)
		rmdir(path);
	store_vm_dir(argv[1], path, sizeof(path));
	printf("removed %s%s%s%s\n", argv[1], kept ? " (kept " : "", kept ? path : "",
	       kept ? ": it holds other files)" : "");
	return 0;
}
