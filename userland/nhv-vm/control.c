/*
 * control.c - the control socket's server: a unix stream socket; a client
 * sends one line and gets one line back, then the connection closes:
 *   status   -> a JSON object (name, state, accel, vcpus, memsize_mib,
 *               uptime_s, resets, pid, exits by reason)
 *   powerbtn -> ok (ACPI power button)     reset -> ok
 *   kill     -> ok, then nhv-vm exits 137
 *   console  -> ok, then a raw byte stream both ways (guest serial output
 *               from now on to the client, client bytes to the UART)
 * Runs in the main thread's poll loop; console clients are non-blocking,
 * so a slow client loses output rather than stalling a vCPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "userland/nhv-vm/control.h"
#include "userland/lib/clock.h"
#include "userland/lib/json.h"

#define LINE_MAX_BYTES	8192	/* guestinfo-set KEY VALUE, the value |XX-encoded */

struct client {
	int fd;
	int console;
	char line[LINE_MAX_BYTES];
	size_t len;
};

struct control {
	struct vm *vm;
	int lfd;
	char *path;
	struct client cl[CONTROL_MAX_CLIENTS];
};

struct control *control_open(struct vm *vm, const char *path, char *why, size_t whylen)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct control *c;
	mode_t old;

	if (strlen(path) >= sizeof(a.sun_path)) {
		snprintf(why, whylen, "%s: socket path longer than %zu bytes", path,
			 sizeof(a.sun_path) - 1);
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c || !(c->path = strdup(path))) {
		free(c);
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	c->vm = vm;
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		c->cl[i].fd = -1;
	strcpy(a.sun_path, path);
	c->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	unlink(path);
	old = umask(0077);
	if (c->lfd < 0 || bind(c->lfd, (struct sockaddr *)&a, sizeof(a)) || listen(c->lfd, 8)) {
		snprintf(why, whylen, "%s: control socket: %s", path, strerror(errno));
		umask(old);
		if (c->lfd >= 0)
			close(c->lfd);
		free(c->path);
		free(c);
		return NULL;
	}
	umask(old);
	return c;
}

nfds_t control_pollfds(struct control *c, struct pollfd *p)
{
	nfds_t n = 0;

	if (!c)
		return 0;
	p[n++] = (struct pollfd){ .fd = c->lfd, .events = POLLIN };
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		p[n++] = (struct pollfd){ .fd = c->cl[i].fd, .events = POLLIN };
	return n;
}

static void drop(struct control *c, struct client *cl)
{
	if (cl->console)
		vm_remove_console_out(c->vm, cl->fd);
	close(cl->fd);
	cl->fd = -1;
	cl->console = 0;
	cl->len = 0;
}

static void reply(struct client *cl, const char *s)
{
	size_t n = strlen(s), done = 0;

	while (done < n) {
		ssize_t w = write(cl->fd, s + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct pollfd p = { .fd = cl->fd, .events = POLLOUT };

			if (poll(&p, 1, 1000) <= 0)
				return;
			continue;
		}
		if (w <= 0)
			return;
		done += (size_t)w;
	}
}

static void status(struct control *c, struct client *cl)
{
	static const char *const names[VX_NR] = {
		"io", "mmio", "hlt", "shutdown", "fail_entry", "internal", "intr", "ipi", "other",
		"backdoor",
	};
	struct vm *vm = c->vm;
	uint64_t sum[VX_NR] = { 0 }, hw = 0, io_faults = 0;
	struct nhv_vm_stats st;
	char buf[CONTROL_STATUS_MAX] = "";
	FILE *f;

	for (unsigned int i = 0; i < vm->nvcpus; i++) {
		for (int r = 0; r < VX_NR; r++)
			sum[r] += vm->vcpus[i].exits[r];
		hw += vm->accel->exits(&vm->vcpus[i]);
		io_faults += vm->vcpus[i].io_faults;
	}
	/* The name is the user's: the library's JSON quoting (userland/lib/json.h). */
	f = fmemopen(buf, sizeof(buf), "w");
	if (!f) {
		reply(cl, "error: out of memory\n");
		return;
	}
	fputs("{\"name\":", f);
	json_str(f, vm->name);
	fprintf(f, ",\"state\":\"running\",\"accel\":\"%s\",\"vcpus\":%u,"
		"\"memsize_mib\":%" PRIu64 ",\"uptime_s\":%.3f,\"resets\":%u,\"pid\":%d,"
		"\"startup_ms\":%.1f,\"exits\":{\"total\":%" PRIu64, vm->accel->name, vm->nvcpus,
		vm->cfg->memsize_mib, mono_s() - vm->started, vm->resets, (int)getpid(),
		vm->t_first_run ? (vm->t_first_run - vm->t_start) * 1e3 : -1.0, hw);
	for (int r = 0; r < VX_NR; r++)
		fprintf(f, ",\"%s\":%" PRIu64, names[r], sum[r]);
	fprintf(f, "},\"io_faults\":%" PRIu64, io_faults);
	/* nhv.ko: guest RAM pinned so far (on first touch) and its nested tables. */
	if (vm->accel->mem_stats && !vm->accel->mem_stats(vm, &st))
		fprintf(f, ",\"nhv_mem\":{\"pages_pinned\":%llu,\"regions_pinned\":%llu,"
			"\"slot_pages\":%llu,\"pt_pages\":%llu}",
			(unsigned long long)st.pages_pinned, (unsigned long long)st.regions_pinned,
			(unsigned long long)st.slot_pages, (unsigned long long)st.pt_pages);
	control_backdoor_status(vm, f);
	control_nesting_status(vm, f);
	fputs("}\n", f);
	fclose(f);
	reply(cl, buf);
}

/* 1 when the connection stays open (console). */
static int command(struct control *c, struct client *cl, const char *line)
{
	char msg[LINE_MAX_BYTES + 128], *answer = control_backdoor(c->vm, line);

	if (answer) {
		reply(cl, answer);
		free(answer);
	} else if (!strcmp(line, "status")) {
		status(c, cl);
	} else if (!strcmp(line, "powerbtn")) {
		vm_press_power_button(c->vm);
		reply(cl, "ok\n");
	} else if (!strcmp(line, "reset")) {
		vm_request_reset(c->vm);
		reply(cl, "ok\n");
	} else if (!strcmp(line, "kill")) {
		reply(cl, "ok\n");
		/* A forced stop is often of a frozen guest: its vCPUs' state to the log. */
		c->vm->dump_on_stop = 1;
		vm_set_event(c->vm, VM_EV_KILL, 137, "killed through the control socket");
	} else if (!strcmp(line, "console")) {
		reply(cl, "ok\n");
		if (vm_add_console_out(c->vm, cl->fd, 1) == 0) {
			cl->console = 1;
			return 1;
		}
	} else {
		snprintf(msg, sizeof(msg), "error: unknown command \"%s\" (expected status, powerbtn, "
			 "reset, kill, console, guestinfo-get, guestinfo-set, tclo)\n", line);
		reply(cl, msg);
	}
	return 0;
}

static void client_input(struct control *c, struct client *cl)
{
	char buf[512];
	ssize_t n = read(cl->fd, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		drop(c, cl);
		return;
	}
	if (cl->console) {
		vm_console_input(c->vm, (const uint8_t *)buf, (size_t)n);
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			cl->line[cl->len] = '\0';
			if (cl->len && cl->line[cl->len - 1] == '\r')
				cl->line[cl->len - 1] = '\0';
			if (!command(c, cl, cl->line)) {
				drop(c, cl);
				return;
			}
			/* Bytes after "console\n" are already console input. */
			if (i + 1 < n)
				vm_console_input(c->vm, (const uint8_t *)buf + i + 1, (size_t)(n - i - 1));
			return;
		}
		if (cl->len + 1 >= sizeof(cl->line)) {
			reply(cl, "error: command line too long\n");
			drop(c, cl);
			return;
		}
		cl->line[cl->len++] = buf[i];
	}
}

void control_handle(struct control *c, const struct pollfd *p, nfds_t n)
{
	if (!c || n < 1 + CONTROL_MAX_CLIENTS)
		return;
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (c->cl[i].fd >= 0 && p[1 + i].fd == c->cl[i].fd &&
		    (p[1 + i].revents & (POLLIN | POLLHUP | POLLERR)))
			client_input(c, &c->cl[i]);
	if (p[0].revents & POLLIN) {
		int fd = accept4(c->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		int i;

		if (fd < 0)
			return;
		for (i = 0; i < CONTROL_MAX_CLIENTS && c->cl[i].fd >= 0; i++)
			;
		if (i == CONTROL_MAX_CLIENTS) {
			struct client tmp = { .fd = fd };

			reply(&tmp, "error: too many clients\n");
			close(fd);
			return;
		}
		c->cl[i] = (struct client){ .fd = fd };
	}
}

void control_close(struct control *c)
{
	if (!c)
		return;
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (c->cl[i].fd >= 0)
			drop(c, &c->cl[i]);
	close(c->lfd);
	unlink(c->path);
	free(c->path);
	free(c);
}
