/*
 * test-runcap.c - running a child with a time limit (userland/lib/runcap.c):
 * output captured and cut, exit status, a missing program, a hung child.
 */
#include "userland/lib/runcap.h"
#include "userland/lib/tap.h"

#include <string.h>
#include <time.h>

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

int main(void)
{
	char out[64], small[4];
	char *echo[] = { "/bin/sh", "-c", "echo hello; echo err >&2; exit 3", NULL };
	char *big[] = { "/bin/sh", "-c", "i=0; while [ $i -lt 2000 ]; do echo 0123456789; i=$((i+1)); done", NULL };
	char *hang[] = { "/bin/sh", "-c", "echo started; exec sleep 30", NULL };
	char *bg[] = { "/bin/sh", "-c", "exec >&-; sleep 30", NULL };
	char *none[] = { "/nonexistent/program", NULL };
	char *path[] = { "sh", "-c", "echo via-path", NULL };
	struct timespec t0;
	int to;

	tap_is_int(runcap(echo, out, sizeof(out), 5000, RUNCAP_QUIET, &to), 3, "exit status 3");
	tap_is_str(out, "hello\n", "stdout captured, stderr not");
	tap_is_int(to, 0, "not timed out");
	tap_is_int(runcap(big, small, sizeof(small), 5000, 0, NULL), 0,
		   "20 kB into a 4-byte buffer: the child still finishes");
	tap_is_str(small, "012", "the output is cut to the buffer");
	tap_is_int(runcap(none, out, sizeof(out), 5000, 0, NULL), 127, "a missing program: 127");
	tap_is_int(runcap(path, out, sizeof(out), 5000, RUNCAP_PATH, NULL), 0, "RUNCAP_PATH finds sh");
	tap_is_str(out, "via-path\n", "its output");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	tap_is_int(runcap(hang, out, sizeof(out), 300, 0, &to), -1, "a hung child: -1");
	tap_ok(to == 1 && since(&t0) < 20, "it is killed at the limit (timed_out %d, %.1f s)", to,
	       since(&t0));
	tap_is_str(out, "started\n", "what it wrote before is kept");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	tap_is_int(runcap(bg, out, sizeof(out), 300, 0, &to), -1,
		   "a child that closes its output and hangs: -1");
	tap_ok(to == 1 && since(&t0) < 20, "killed at the limit too (timed_out %d, %.1f s)", to,
	       since(&t0));
	tap_is_int(run_wait(echo), 3, "run_wait: the exit status");
	return tap_done();
}
