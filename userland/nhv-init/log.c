/* log.c - nhv-init's messages go to the kernel log, tagged "nhv-init:". */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nhv-init.h"

int nhv_debug;

void log_msg(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int fd, n;

	n = snprintf(line, sizeof(line), "<5>nhv-init: ");
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (strlen(line) < sizeof(line) - 1)
		strcat(line, "\n");
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		/* A failed log write has nowhere else to be reported. */
		ssize_t w = write(fd, line, strlen(line));

		(void)w;
		close(fd);
	}
	if (nhv_debug)
		fputs(line + 3, stderr);
}
