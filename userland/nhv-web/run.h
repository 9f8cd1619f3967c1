/*
 * run.h - runs an nhv command (`nhv vm list --json`, `nhv-check --json`,
 * ...) for a request: the web server answers with what the CLI answers,
 * so the two never disagree.  Both output streams are kept (the CLI's
 * error messages, e.g. a .vmx's FILE:LINE, go to the client) and the
 * command is killed at a time limit.  Safe from several threads.
 */
#ifndef NHV_WEB_RUN_H
#define NHV_WEB_RUN_H

#include <spawn.h>
#include <stddef.h>

struct run_out {
	char *out;	/* stdout, NUL-terminated (malloc'd; NULL when it could not start) */
	size_t outlen;
	char *err;	/* stderr, NUL-terminated (malloc'd) */
	size_t errlen;
	int status;	/* exit status 0-255; -1 not started, killed or timed out */
	int timed_out;
};

/* The folder holding nhv's programs (default /bin). */
void run_set_bindir(const char *dir);
const char *run_bindir(void);

/*
 * Runs BINDIR/prog with args (NULL-terminated, args[0] is the first
 * argument), stdin from /dev/null, at most cap bytes kept of each stream,
 * killed after timeout_ms.  0 when it ran to an exit (see o->status);
 * -1 with o->err saying why it did not.  Free o with run_free.
 */
int run_cmd(const char *prog, const char *const args[], size_t cap, int timeout_ms,
	    struct run_out *o);
void run_free(struct run_out *o);

/*
 * Spawn attributes for every child: the server blocks SIGTERM and SIGINT
 * (it waits for them with sigwait) and ignores SIGPIPE; a child gets them
 * back as they should be (`nhv vm start`'s supervisor stops its VM on
 * SIGTERM).  0, or -1.
 */
int run_spawnattr(posix_spawnattr_t *a);

#endif
