/* log.c - messages to the console and the kernel log (see log.h). */
#include "userland/lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char log_tag[64] = "nhv";
static char log_kmsg[4096];
static int log_fd = 2;

void log_setup(const char *tag, const char *kmsg, int console_fd)
{
	snprintf(log_tag, sizeof(log_tag), "%s", tag ? tag : "nhv");
	snprintf(log_kmsg, sizeof(log_kmsg), "%s", kmsg ? kmsg : "");
	log_fd = console_fd;
}

int log_to_file(const char *path)
{
	int fd;

	if (!path || strcmp(path, "-") == 0)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot open log %s: %s; logging to stderr\n", log_tag, path,
			strerror(errno));
		log_fd = 2;
		return -1;
	}
	log_fd = fd;
	return 0;
}

static void write_line(int fd, const char *line, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, line, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;	/* a failed log write has nowhere else to go */
		line += w;
		len -= (size_t)w;
	}
}

static void vlog(int level, const char *fmt, va_list ap)
{
	char line[1100];
	int pre, n;

	if (level < 0 || level > 7)
		level = LOG_NOTICE;
	pre = snprintf(line, sizeof(line), "<%d>", level);
	n = pre + snprintf(line + pre, sizeof(line) - (size_t)pre, "%s: ", log_tag);
	if (n >= (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	line[n] = '\0';
	if (log_fd == 1)
		fflush(stdout);	/* the program's own printf lines stay in order */
	if (log_fd >= 0)
		write_line(log_fd, line + pre, (size_t)(n - pre));
	if (log_kmsg[0]) {
		int fd = open(log_kmsg, O_WRONLY | O_APPEND | O_CLOEXEC);

		if (fd >= 0) {
			write_line(fd, line, (size_t)n);
			close(fd);
		}
	}
}

void log_at(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

void log_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_NOTICE, fmt, ap);
	va_end(ap);
}
