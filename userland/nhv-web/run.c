/* run.c - run an nhv command and keep both of its output streams (see run.h). */
#include "userland/nhv-web/run.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static char bindir[PATH_MAX] = "/bin";

void run_set_bindir(const char *dir)
{
	snprintf(bindir, sizeof(bindir), "%s", dir);
}

const char *run_bindir(void)
{
	return bindir;
}

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

struct sink {
	int fd;
	char *buf;
	size_t len, cap;
};

/* Reads what is there; 1 at end of stream. Bytes past cap are dropped. */
static int drain(struct sink *s)
{
	char tmp[4096];
	ssize_t n = read(s->fd, tmp, sizeof(tmp));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : 1;
	if (n == 0)
		return 1;
	if (s->len < s->cap) {
		size_t k = (size_t)n < s->cap - s->len ? (size_t)n : s->cap - s->len;

		memcpy(s->buf + s->len, tmp, k);
		s->len += k;
	}
	return 0;
}

int run_spawnattr(posix_spawnattr_t *a)
{
	sigset_t none, dfl;

	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGINT);
	if (posix_spawnattr_init(a))
		return -1;
	posix_spawnattr_setsigmask(a, &none);
	posix_spawnattr_setsigdefault(a, &dfl);
	return posix_spawnattr_setflags(a, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) ? -1 : 0;
}

static int spawn(const char *path, char *const argv[], int out_w, int err_w, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int rc;

	if (run_spawnattr(&attr))
		return ENOMEM;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_w, 1);
	posix_spawn_file_actions_adddup2(&fa, err_w, 2);
	rc = posix_spawn(pid, path, &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return rc;
}

int run_cmd(const char *prog, const char *const args[], size_t cap, int timeout_ms,
	    struct run_out *o)
{
	char path[PATH_MAX + 64];
	char *argv[32];
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, nargs = 0, rc, st = 0, open_fds = 2, exited = 0;
	struct sink s[2];
	long long deadline = now_ms() + timeout_ms;
	pid_t pid;

	memset(o, 0, sizeof(*o));
	o->status = -1;
	snprintf(path, sizeof(path), "%s/%s", bindir, prog);
	argv[nargs++] = (char *)prog;
	for (int i = 0; args[i] && nargs < 31; i++)
		argv[nargs++] = (char *)args[i];
	argv[nargs] = NULL;
	o->out = calloc(1, cap + 1);
	o->err = calloc(1, cap + 1);
	if (!o->out || !o->err || pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC)) {
		rc = errno;
		goto cannot;
	}
	rc = spawn(path, argv, po[1], pe[1], &pid);
	close(po[1]);
	close(pe[1]);
	po[1] = pe[1] = -1;
	if (rc)
		goto cannot;
	s[0] = (struct sink){ po[0], o->out, 0, cap };
	s[1] = (struct sink){ pe[0], o->err, 0, cap };
	/*
	 * Until both streams end or the child has exited: `nhv vm start` leaves
	 * a supervisor behind that may hold the pipes open for as long as the
	 * VM runs, so the child's own exit ends the wait too.
	 */
	while (open_fds > 0) {
		struct pollfd p[2];
		int np = 0, idx[2], ready;
		long long left = deadline - now_ms();

		if (!exited && waitpid(pid, &st, WNOHANG) == pid)
			exited = 1;
		if (left <= 0 && !exited) {
			o->timed_out = 1;
			kill(pid, SIGKILL);
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (s[i].fd >= 0) {
				p[np] = (struct pollfd){ .fd = s[i].fd, .events = POLLIN };
				idx[np++] = i;
			}
		}
		/* After the exit only what is already there is read. */
		ready = poll(p, (nfds_t)np, exited ? 0 : (int)(left > 100 ? 100 : left));
		if ((ready < 0 && errno != EINTR) || (exited && ready == 0))
			break;
		for (int k = 0; k < np; k++) {
			if (p[k].revents && drain(&s[idx[k]])) {
				close(s[idx[k]].fd);
				s[idx[k]].fd = -1;
				open_fds--;
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (s[i].fd >= 0)
			close(s[i].fd);
	o->outlen = s[0].len;
	o->errlen = s[1].len;
	o->out[o->outlen] = '\0';
	o->err[o->errlen] = '\0';
	while (!exited && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && !o->timed_out)
		o->status = WEXITSTATUS(st);
	else if (!o->timed_out)
		snprintf(o->err + o->errlen, cap + 1 - o->errlen, "%s%s was killed by signal %d",
			 o->errlen ? "\n" : "", prog, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	if (o->timed_out)
		snprintf(o->err, cap + 1, "%s did not answer within %d s", prog, timeout_ms / 1000);
	return 0;
cannot:
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
	}
	if (o->err)
		snprintf(o->err, cap + 1, "cannot run %s: %s", path, strerror(rc));
	return -1;
}

void run_free(struct run_out *o)
{
	free(o->out);
	free(o->err);
	o->out = o->err = NULL;
}
