/* probe-cpuinfo.c - /proc/cpuinfo `flags` and `vmx flags`, parsed by the
 * same code that replays a pasted /proc/cpuinfo. */
#include "tools/nhv-check/probe.h"
#include "tools/nhv-check/replay.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

void probe_cpuinfo(struct facts *f)
{
	static char buf[1 << 16];
	struct replay_error err;
	size_t n = 0;
	ssize_t r;
	int fd = open("/proc/cpuinfo", O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fact_unavail_str(f, S_CPUINFO_FLAGS, FR_NOT_PRESENT, SRC_CPUINFO);
		return;
	}
	/* The first processors are enough: stop at 64 KiB. */
	while (n < sizeof(buf) - 1 && (r = read(fd, buf + n, sizeof(buf) - 1 - n)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		n += (size_t)r;
	}
	close(fd);
	/* Cut at the last complete line. */
	while (n > 0 && buf[n - 1] != '\n')
		n--;
	if (replay_parse_cpuinfo_into(buf, n, f, &err) != 0 || !str_known(f, S_CPUINFO_FLAGS))
		fact_unavail_str(f, S_CPUINFO_FLAGS, FR_IO_ERROR, SRC_CPUINFO);
}
