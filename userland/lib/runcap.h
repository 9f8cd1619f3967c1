/*
 * runcap.h - run a program, capture what it writes to its standard output,
 * and kill it when it takes longer than a time limit.
 */
#ifndef NHV_LIB_RUNCAP_H
#define NHV_LIB_RUNCAP_H

#include <stddef.h>

/* flags */
#define RUNCAP_QUIET	1	/* the child's stderr goes to /dev/null */
#define RUNCAP_PATH	2	/* look argv[0] up in $PATH (else it is a path) */

/*
 * Runs argv[0] with argv, its stdout into out (at most size - 1 bytes kept,
 * NUL-terminated; the rest is read and dropped so the child never blocks).
 * After timeout_ms the child is killed with SIGKILL.  Returns its exit
 * status (0-255); -1 when it could not be started (errno set), was killed
 * by a signal or timed out (then *timed_out, when given, is 1).
 */
int runcap(char *const argv[], char *out, size_t size, int timeout_ms, int flags,
	   int *timed_out);

/* Runs argv[0] and waits for it: its exit status, or -1. */
int run_wait(char *const argv[]);

#endif
