/*
 * builtin-console.c - nhv vm console NAME [--send TEXT]: attach to a
 * running VM's serial console.  On a terminal: raw mode, both ways, Ctrl-]
 * detaches (the VM keeps running).  Otherwise read-only: the guest's output
 * from now on, until the VM stops.  --send TEXT types TEXT and a newline
 * into the console and returns (for scripts).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "userland/nhv-vm/args.h"
#include "userland/nhv-vm/builtins.h"
#include "userland/nhv-vm/writeall.h"
#include "userland/nhv-vm/ctlclient.h"
#include "userland/nhv-vm/store.h"

#define DETACH_KEY 0x1d	/* Ctrl-] */

/* Copies between the console connection and the terminal (or stdout only). */
static int relay(int fd, int interactive)
{
	struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = 0, .events = POLLIN } };
	char buf[4096];

	for (;;) {
		ssize_t n;

		if (poll(p, interactive ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (p[0].revents) {
			n = read(fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return 1;	/* the VM has stopped */
			if (write_all(1, buf, (size_t)n) < 0)
				return -1;
		}
		if (interactive && p[1].revents) {
			char *key;

			n = read(0, buf, sizeof(buf));
			if (n <= 0)
				return 0;
			key = memchr(buf, DETACH_KEY, (size_t)n);
			if (key)
				n = key - buf;
			if (n > 0 && write_all(fd, buf, (size_t)n) < 0)
				return 1;
			if (key)
				return 0;
		}
	}
}

int console_attach(const char *verb, const char *name, const char *send)
{
	char sock[PATH_MAX], why[300];
	struct termios saved, raw;
	int fd, interactive = isatty(0) && !send, r;

	store_run_file(name, "control.sock", sock, sizeof(sock));
	fd = ctl_console(sock, why, sizeof(why));
	if (fd < 0) {
		fprintf(stderr, "nhv vm %s: cannot attach to %s's console: %s\n", verb, name, why);
		return 1;
	}
	if (send) {
		r = write_all(fd, send, strlen(send)) || write_all(fd, "\n", 1);
		close(fd);
		if (r)
			fprintf(stderr, "nhv vm %s: %s's console closed before the text was sent\n",
				verb, name);
		return r ? 1 : 0;
	}
	if (interactive && tcgetattr(0, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
		fprintf(stderr, "[connected to %s's console; Ctrl-] detaches]\r\n", name);
		r = relay(fd, 1);
		tcsetattr(0, TCSANOW, &saved);
		fprintf(stderr, r == 1 ? "\n[%s has stopped]\n" : "\n[detached from %s]\n", name);
	} else {
		r = relay(fd, 0);
	}
	close(fd);
	return r < 0 ? 1 : 0;
}

int cmd_console(int argc, char **argv)
{
	static const char usage[] = "NAME [--send TEXT]";
	const char *name = NULL, *send = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--send") && i + 1 < argc)
			send = argv[++i];
		else if (!name && argv[i][0] != '-')
			name = argv[i];
		else
			return args_usage("console", usage, argv[i]);
	}
	if (!name)
		return args_usage("console", usage, NULL);
	if (args_vm("console", name))
		return 1;
	if (!store_running(name)) {
		fprintf(stderr, "nhv vm console: %s is not running (`nhv vm log %s` shows its "
			"last output)\n", name, name);
		return 1;
	}
	return console_attach("console", name, send);
}
