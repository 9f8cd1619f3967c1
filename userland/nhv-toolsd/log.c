/*
 * log.c - one line per event, "nhv-toolsd: ...", to the log file (or
 * stderr).  The file is opened for append so a restarted daemon keeps the
 * history.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "userland/nhv-toolsd/toolsd.h"

static int log_fd = 2;

void log_open(const char *path)
{
	int fd;

	if (!path || strcmp(path, "-") == 0)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "nhv-toolsd: cannot open log %s; logging to stderr\n", path);
		return;
	}
	log_fd = fd;
}

void log_msg(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n = snprintf(line, sizeof(line), "nhv-toolsd: ");

	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(log_fd, line, (size_t)n) < 0)
		return;
}
