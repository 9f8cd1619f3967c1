/* ctlclient.c - control socket client (see ctlclient.h). */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "userland/lib/clock.h"
#include "userland/nhv-vm/ctlclient.h"
#include "userland/nhv-vm/store.h"

static int connect_to(const char *path, char *why, size_t wlen)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(a.sun_path)) {
		snprintf(why, wlen, "control socket path %s is too long", path);
		return -1;
	}
	memcpy(a.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(why, wlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		snprintf(why, wlen, "cannot connect to %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* One line, byte by byte (the console stream may follow it on the same connection). */
static int read_line(int fd, char *buf, size_t len, int timeout_ms, char *why, size_t wlen)
{
	long long end = mono_ms() + timeout_ms;
	size_t n = 0;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = end - mono_ms();
		char c;
		ssize_t r;

		if (left <= 0) {
			snprintf(why, wlen, "no answer within %d ms", timeout_ms);
			return -1;
		}
		if (poll(&p, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			snprintf(why, wlen, "poll: %s", strerror(errno));
			return -1;
		}
		if (!p.revents)
			continue;
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			snprintf(why, wlen, "the VMM closed the connection without an answer");
			return -1;
		}
		if (c == '\n')
			break;
		if (n + 1 < len)
			buf[n++] = c;
	}
	buf[n] = '\0';
	return 0;
}

static int send_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int ctl_request(const char *path, const char *cmd, char *answer, size_t len, int timeout_ms,
		char *why, size_t wlen)
{
	int fd = connect_to(path, why, wlen), r;

	if (fd < 0)
		return -1;
	if (send_all(fd, cmd, strlen(cmd)) < 0 || send_all(fd, "\n", 1) < 0) {
		snprintf(why, wlen, "cannot send \"%s\" to %s: %s", cmd, path, strerror(errno));
		close(fd);
		return -1;
	}
	r = read_line(fd, answer, len, timeout_ms, why, wlen);
	close(fd);
	return r;
}

int ctl_console(const char *path, char *why, size_t wlen)
{
	char answer[256];
	int fd = connect_to(path, why, wlen);

	if (fd < 0)
		return -1;
	if (send_all(fd, "console\n", 8) < 0 ||
	    read_line(fd, answer, sizeof(answer), 5000, why, wlen) < 0) {
		if (!why[0])
			snprintf(why, wlen, "cannot send \"console\": %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (strcmp(answer, "ok") != 0) {
		snprintf(why, wlen, "the VMM answered \"%s\" to \"console\"", answer);
		close(fd);
		return -1;
	}
	return fd;
}

int ctl_vm_command(const char *name, const char *cmd, char *why, size_t wlen)
{
	char sock[PATH_MAX], answer[256];

	if (store_run_file(name, "control.sock", sock, sizeof(sock))) {
		snprintf(why, wlen, "run folder path too long");
		return -1;
	}
	if (ctl_request(sock, cmd, answer, sizeof(answer), 5000, why, wlen) < 0)
		return -1;
	if (strcmp(answer, "ok") != 0) {
		snprintf(why, wlen, "the VMM answered \"%s\" to \"%s\"", answer, cmd);
		return -1;
	}
	return 0;
}

int ctl_json_number(const char *json, const char *key, double *out)
{
	char pat[80];
	const char *p;
	char *end;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	*out = strtod(p, &end);
	return end == p ? -1 : 0;
}
