/*
 * test-atomic.c - atomic_write_file() killed after each of its steps leaves
 * the old content or the new one, never a mix, a truncation or nothing.
 */
#include "userland/lib/tap.h"
#include "userland/lib/atomic.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct {
	const char *step;
	int want_new;
} steps[] = {
	{ "temp-created", 0 }, { "temp-half-written", 0 }, { "temp-written", 0 },
	{ "temp-synced", 0 }, { "renamed", 1 }, { "dir-synced", 1 },
};

int main(void)
{
	char dir[128], path[256];
	static char oldc[20000], newc[30000];
	size_t len;
	char *got;

	snprintf(dir, sizeof(dir), "%s/nhv-atomic-%ld", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		 (long)getpid());
	if (mkdir(dir, 0700) < 0) {
		perror(dir);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/identity", dir);
	memset(oldc, 'o', sizeof(oldc) - 1);
	memset(newc, 'n', sizeof(newc) - 1);

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		int status;
		pid_t pid;

		unsetenv("NHV_FAULT_STEP");
		tap_ok(atomic_write_file(path, oldc, strlen(oldc), 0644) == 0, "%s: old content written",
		       steps[i].step);
		pid = fork();
		if (pid == 0) {
			setenv("NHV_FAULT_STEP", steps[i].step, 1);
			atomic_write_file(path, newc, strlen(newc), 0644);
			_exit(0);
		}
		waitpid(pid, &status, 0);
		tap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		       "%s: the writer was killed at that step", steps[i].step);
		got = read_file(path, 1 << 20, &len);
		tap_ok(got != NULL, "%s: the file exists after the kill", steps[i].step);
		if (!got)
			continue;
		if (steps[i].want_new)
			tap_ok(len == strlen(newc) && strcmp(got, newc) == 0,
			       "%s: the file holds the whole new content (%zu bytes)", steps[i].step, len);
		else
			tap_ok(len == strlen(oldc) && strcmp(got, oldc) == 0,
			       "%s: the file holds the whole old content (%zu bytes)", steps[i].step, len);
		free(got);
	}

	unsetenv("NHV_FAULT_STEP");
	tap_ok(atomic_write_file(path, newc, strlen(newc), 0600) == 0, "no fault: write succeeds");
	got = read_file(path, 1 << 20, &len);
	tap_ok(got && strcmp(got, newc) == 0, "no fault: new content in place");
	free(got);
	{
		struct stat st;

		tap_ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "mode is applied");
	}
	tap_ok(atomic_write_file("/nonexistent-dir/x", "a", 1, 0644) < 0,
	       "a missing folder is an error, not a crash");
	got = read_file(path, 100, &len);
	tap_ok(got == NULL, "read_file refuses a file above its size limit");
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			tap_diag("could not remove %s", dir);
	}
	return tap_done();
}
