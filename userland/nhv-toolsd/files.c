/*
 * files.c - small-file writes (atomic: userland/lib/atomic.c) and bounded reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "userland/lib/atomic.h"
#include "userland/nhv-toolsd/toolsd.h"

void run_path(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", opts.run_dir, name);
}

int file_write(const char *path, const char *text, size_t len)
{
	return atomic_write_file(path, text, len, 0644) < 0 ? -errno : 0;
}

long file_read(const char *path, char *buf, size_t cap)
{
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (got + 1 < cap) {
		ssize_t n = read(fd, buf + got, cap - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	return (long)got;
}
