/* atomic.c - crash-safe file replacement (see atomic.h). */
#include "userland/lib/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void fault_point(const char *step)
{
	fault_point_for(step, "");
}

void fault_point_for(const char *step, const char *path)
{
	const char *want = getenv("NHV_FAULT_STEP"), *match = getenv("NHV_FAULT_MATCH");

	if (want && strcmp(want, step) == 0 && (!match || strstr(path, match))) {
		fprintf(stderr, "nhv: fault injected after step %s\n", step);
		fflush(stderr);
		raise(SIGKILL);
	}
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int fsync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, r;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = fsync(fd);
	/* Some file systems cannot fsync a directory; the rename is then as durable as they get. */
	if (r < 0 && (errno == EINVAL || errno == EROFS))
		r = 0;
	close(fd);
	return r;
}

int atomic_write_file(const char *path, const void *buf, size_t len, unsigned mode)
{
	char tmp[PATH_MAX];
	int fd, saved;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		fprintf(stderr, "nhv: %s: path too long\n", path);
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		saved = errno;
		fprintf(stderr, "nhv: cannot create %s: %s\n", tmp, strerror(errno));
		errno = saved;
		return -1;
	}
	fault_point_for("temp-created", path);
	if (write_all(fd, buf, len / 2) < 0)
		goto fail;
	fault_point_for("temp-half-written", path);
	if (write_all(fd, (const char *)buf + len / 2, len - len / 2) < 0)
		goto fail;
	fault_point_for("temp-written", path);
	if (fsync(fd) < 0)
		goto fail;
	fault_point_for("temp-synced", path);
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail;
	fault_point_for("renamed", path);
	if (fsync_dir_of(path) < 0) {
		saved = errno;
		fprintf(stderr, "nhv: cannot fsync the directory of %s: %s\n", path, strerror(errno));
		errno = saved;
		return -1;
	}
	fault_point_for("dir-synced", path);
	return 0;
fail:
	saved = errno;
	fprintf(stderr, "nhv: cannot write %s: %s\n", tmp, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}

char *read_file(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 4096, n = 0;
	char *buf;

	if (fd < 0)
		return NULL;
	buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		return NULL;
	}
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb;

			if (cap >= max) {
				free(buf);
				close(fd);
				errno = EFBIG;
				return NULL;
			}
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				close(fd);
				return NULL;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int saved = errno;

			free(buf);
			close(fd);
			errno = saved;
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}
