/*
 * builtin-run.c - nhv vm run [--vmx FILE] [--set KEY=VALUE]... [--timeout S]
 *                            [--accel nhv|kvm] [--verbose] [-- COMMAND...]
 * A throwaway guest in the foreground (no store, no supervisor), from the
 * default image (/usr/lib/nhv/l2/default.vmx) or FILE.  With COMMAND (its
 * words joined by spaces, run by the guest's sh): the guest's init runs it
 * (nhv.exec=, images/l2/init) and this prints its stdout and stderr and
 * exits with its status.  Without: the guest's console on this terminal,
 * and nhv-vm boot's exit status (a multiboot kernel's isa-debug-exit
 * status (value << 1) | 1, as under QEMU).  A guest that resets while
 * COMMAND runs (a kernel panic, with the default image's panic=-1) ends the
 * run (nhv-vm boot --no-reboot, status 125) instead of running it again.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "userland/nhv-vm/args.h"
#include "userland/nhv-vm/builtins.h"
#include "userland/nhv-vm/writeall.h"
#include "userland/nhv-vm/config.h"
#include "userland/nhv-vm/execproto.h"

#define MAX_SETS 64
#define CMDLINE_ROOM 1800	/* of the kernel's 2048, some left for the VMM's own words */

static const char usage[] = "[--vmx FILE] [--set KEY=VALUE]... [--timeout SECONDS] "
			    "[--accel nhv|kvm] [--verbose] [-- COMMAND...]";

static const char *default_vmx(void)
{
	const char *e = getenv("NHV_VM_DEFAULT_VMX");

	return e && e[0] ? e : "/usr/lib/nhv/l2/default.vmx";
}

/* "nhv.cmdline=CMDLINE nhv.exec=BASE64(COMMAND)", malloc'd; NULL after a message. */
static char *exec_set(const struct vm_config *c, char **words, int nwords)
{
	size_t clen = 0, need;
	char *cmd, *b64, *set;

	for (int i = 0; i < nwords; i++)
		clen += strlen(words[i]) + 1;
	cmd = calloc(1, clen + 1);
	b64 = malloc(4 * (clen + 2) / 3 + 8);
	if (!cmd || !b64) {
		free(cmd);
		free(b64);
		fprintf(stderr, "nhv vm run: out of memory\n");
		return NULL;
	}
	for (int i = 0; i < nwords; i++) {
		strcat(cmd, words[i]);
		if (i + 1 < nwords)
			strcat(cmd, " ");
	}
	execproto_b64encode((const unsigned char *)cmd, strlen(cmd), b64);
	free(cmd);
	need = strlen(c->cmdline ? c->cmdline : "") + strlen(b64) + 16;
	if (need > CMDLINE_ROOM) {
		fprintf(stderr, "nhv vm run: COMMAND is too long: %zu bytes of kernel command line "
			"once encoded, at most %d\n", need, CMDLINE_ROOM);
		free(b64);
		return NULL;
	}
	set = malloc(need + 32);
	if (set)
		snprintf(set, need + 32, "nhv.cmdline=%s%snhv.exec=%s", c->cmdline ? c->cmdline : "",
			 c->cmdline && c->cmdline[0] ? " " : "", b64);
	free(b64);
	return set;
}

static int wait_child(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Runs argv with stdout into the report parser; returns the VMM's exit status. */
static int run_exec(char **argv, struct execproto *p, int verbose)
{
	char buf[4096];
	int pfd[2];
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return 1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		dup2(pfd[1], 1);
		if (null >= 0)
			dup2(null, 0);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		ssize_t n = read(pfd[0], buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		execproto_feed(p, buf, (size_t)n);
		if (verbose)
			write_all(2, buf, (size_t)n);
	}
	close(pfd[0]);
	return wait_child(pid);
}

int cmd_run(int argc, char **argv)
{
	char *sets[MAX_SETS + 1], *bootv[2 * MAX_SETS + 16], exe[PATH_MAX], err[1024], why[300];
	const char *vmx = default_vmx(), *timeout = NULL, *accel = NULL;
	char **words = NULL, *exec = NULL;
	int nwords = 0, verbose = 0, b = 0, status;
	size_t nsets = 0;
	struct vm_config c;
	struct execproto p;
	ssize_t n;
	double secs;

	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--")) {
			words = argv + i + 1;
			nwords = argc - i - 1;
			break;
		} else if (!strcmp(argv[i], "--vmx") && v) {
			vmx = v;
			i++;
		} else if (!strcmp(argv[i], "--set") && v && nsets < MAX_SETS) {
			sets[nsets++] = (char *)v;
			i++;
		} else if (!strcmp(argv[i], "--timeout")) {
			if (args_seconds("run", "--timeout", v, &secs))
				return 2;
			timeout = v;
			i++;
		} else if (!strcmp(argv[i], "--accel") && v && (!strcmp(v, "nhv") || !strcmp(v, "kvm"))) {
			accel = v;
			i++;
		} else if (!strcmp(argv[i], "--verbose")) {
			verbose = 1;
		} else {
			return args_usage("run", usage, argv[i]);
		}
	}
	if (words && nwords == 0) {
		fprintf(stderr, "nhv vm run: nothing after \"--\" (expected a COMMAND)\n");
		return 2;
	}
	if (vm_config_load(&c, vmx, sets, nsets, err, sizeof(err))) {
		fprintf(stderr, "nhv vm run: %s\n", err);
		return 2;
	}
	if (nwords) {
		exec = exec_set(&c, words, nwords);
		if (!exec) {
			vm_config_free(&c);
			return 2;
		}
		sets[nsets++] = exec;
	}
	vm_config_free(&c);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		fprintf(stderr, "nhv vm run: cannot find nhv-vm itself: %s\n", strerror(errno));
		free(exec);
		return 1;
	}
	exe[n] = '\0';
	bootv[b++] = exe;
	bootv[b++] = "boot";
	bootv[b++] = "--vmx";
	bootv[b++] = (char *)vmx;
	for (size_t i = 0; i < nsets; i++) {
		bootv[b++] = "--set";
		bootv[b++] = sets[i];
	}
	if (timeout) {
		bootv[b++] = "--timeout";
		bootv[b++] = (char *)timeout;
	}
	if (accel) {
		bootv[b++] = "--accel";
		bootv[b++] = (char *)accel;
	}
	if (!nwords) {
		bootv[b++] = "--console";
		bootv[b] = NULL;
		fflush(NULL);
		execv(exe, bootv);
		fprintf(stderr, "nhv vm run: cannot run %s boot: %s\n", exe, strerror(errno));
		return 1;
	}
	/* A guest that resets (a panic: panic=-1) would run COMMAND again. */
	bootv[b++] = "--no-reboot";
	bootv[b] = NULL;
	execproto_init(&p);
	status = run_exec(bootv, &p, verbose);
	free(exec);
	switch (execproto_result(&p, why, sizeof(why))) {
	case 0:
		write_all(1, p.out.data, p.out.len);
		write_all(2, p.err.data, p.err.len);
		status = p.status;
		break;
	case -2:
		fprintf(stderr, "nhv vm run: %s\n", why);
		status = 125;
		break;
	default:
		if (status == 124)
			fprintf(stderr, "nhv vm run: COMMAND did not finish within %s s\n", timeout);
		else if (status == 125)
			fprintf(stderr, "nhv vm run: the VM stopped before COMMAND's status came "
				"(--verbose shows the guest's console)\n");
		else if (status == 0)
			fprintf(stderr, "nhv vm run: the guest powered off without reporting COMMAND's "
				"status (is %s's initrd nhv's L2 image? --verbose shows its console)\n", vmx);
		else
			fprintf(stderr, "nhv vm run: the VM ended with status %d before COMMAND's "
				"status came (--verbose shows the guest's console)\n", status);
		if (status == 0)
			status = 125;
	}
	execproto_free(&p);
	return status;
}
