/*
 * consoles.c - write to every console the kernel was given (console=tty0
 * console=ttyS0,115200 gives both the VGA screen and the serial port), as
 * listed in /sys/class/tty/console/active.  /dev/console alone would reach
 * only the last one.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nhv-init.h"

void consoles_write(const char *text)
{
	char active[256], *name, *save = NULL;
	int written = 0;

	if (read_text("/sys/class/tty/console/active", active, sizeof(active)) <= 0)
		active[0] = '\0';
	for (name = strtok_r(active, " ", &save); name; name = strtok_r(NULL, " ", &save)) {
		char dev[300];
		size_t len = strlen(text), done = 0;
		int fd;

		snprintf(dev, sizeof(dev), "/dev/%s", name);
		fd = open(dev, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			continue;
		while (done < len) {
			ssize_t n = write(fd, text + done, len - done);

			if (n <= 0)
				break;
			done += (size_t)n;
		}
		close(fd);
		written++;
	}
	if (!written) {
		int fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);

		if (fd >= 0) {
			ssize_t n = write(fd, text, strlen(text));

			(void)n;
			close(fd);
		}
	}
}
