/* runcap.c - run a child, capture its output, with a time limit (see runcap.h). */
#include "userland/lib/runcap.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int wait_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int runcap(char *const argv[], char *out, size_t size, int timeout_ms, int flags,
	   int *timed_out)
{
	long long deadline = now_ms() + timeout_ms;
	size_t used = 0;
	int fds[2], killed = 0, r;
	pid_t pid;

	if (size)
		out[0] = '\0';
	if (timed_out)
		*timed_out = 0;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fds[1], 1);
		if (flags & RUNCAP_QUIET) {
			int null = open("/dev/null", O_WRONLY);

			if (null >= 0)
				dup2(null, 2);
		}
		if (flags & RUNCAP_PATH)
			execvp(argv[0], argv);
		else
			execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		struct pollfd p = { fds[0], POLLIN, 0 };
		long long left = deadline - now_ms();
		char sink[512];
		ssize_t n;

		if (left <= 0 || (r = poll(&p, 1, (int)left)) == 0) {
			kill(pid, SIGKILL);
			killed = 1;
			break;
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			kill(pid, SIGKILL);
			killed = 1;
			break;
		}
		if (used + 1 < size)
			n = read(fds[0], out + used, size - 1 - used);
		else
			n = read(fds[0], sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (used + 1 < size) {
			used += (size_t)n;
			out[used] = '\0';
		}
	}
	close(fds[0]);
	/* Its output is closed; it still gets no longer than the deadline to exit. */
	while (!killed) {
		int status;
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid) {
			if (!WIFEXITED(status))
				return -1;
			return WEXITSTATUS(status);
		}
		if (w < 0 && errno != EINTR)
			return -1;
		if (now_ms() >= deadline) {
			kill(pid, SIGKILL);
			killed = 1;
			break;
		}
		usleep(5000);
	}
	wait_child(pid);
	if (killed) {
		if (timed_out)
			*timed_out = 1;
		return -1;
	}
	return -1;
}

int run_wait(char *const argv[])
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	return wait_child(pid);
}
