/* builtin-log.c - nhv vm log NAME: the guest's serial output since the appliance booted (the last 2 MiB). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "userland/nhv-vm/args.h"
#include "userland/nhv-vm/builtins.h"
#include "userland/nhv-vm/store.h"

static int cat(const char *path)
{
	char buf[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			break;
	close(fd);
	return 0;
}

int cmd_log(int argc, char **argv)
{
	char path[PATH_MAX], old[PATH_MAX + 4];
	int shown = 0;

	if (argc != 2 || argv[1][0] == '-')
		return args_usage("log", "NAME", argc > 2 ? argv[2] : argc == 2 ? argv[1] : NULL);
	if (args_vm("log", argv[1]))
		return 1;
	store_run_file(argv[1], "serial.log", path, sizeof(path));
	snprintf(old, sizeof(old), "%s.1", path);
	shown += cat(old) == 0;
	shown += cat(path) == 0;
	fflush(stdout);
	if (!shown) {
		fprintf(stderr, "nhv vm log: %s has not run since the appliance booted (no %s)\n",
			argv[1], path);
		return 1;
	}
	return 0;
}
