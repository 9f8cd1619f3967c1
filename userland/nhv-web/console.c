/*
 * console.c - a VM's serial console over a WebSocket
 * (/api/v1/vms/NAME/console): each connection runs `nhv vm console NAME`
 * on a pseudo-terminal, exactly as a person at the appliance's shell
 * would, and copies bytes both ways.  A client that stops reading blocks
 * only its own copier, which gives up after civetweb's write time-out.
 */
#include "userland/nhv-web/console.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "userland/lib/log.h"
#include "userland/nhv-web/api.h"
#include "userland/nhv-web/http.h"
#include "userland/nhv-web/route.h"
#include "userland/nhv-web/run.h"

extern char **environ;

/* Each open console holds one of civetweb's 16 worker threads and one of
 * the VMM's 8 control connections (userland/nhv-vm/control.h): at most 4,
 * so that pages, the API and `nhv vm stop` always get theirs. */
#define MAX_CONSOLES 4

static int open_consoles;	/* __atomic: changed from several worker threads */

#define DETACH_KEY 0x1d	/* Ctrl-]: `nhv vm console` would detach; the page's close does that */

struct console {
	int master;
	pid_t pid;
	pthread_t copier;
	int copier_started;
	char name[ROUTE_SEG_MAX + 1];
};

static int connect_handler(const struct mg_connection *cc, void *data)
{
	struct mg_connection *c = (struct mg_connection *)cc;
	struct route r;
	struct client cl;
	char why[300];
	size_t len;
	char *vmx;

	(void)data;
	if (route_parse(mg_get_request_info(c)->local_uri, &r, why, sizeof(why)) < 0 ||
	    r.res != RT_VM_CONSOLE) {
		http_error(c, 404, "%s", r.res != RT_VM_CONSOLE ? "no WebSocket here" : why);
		return 1;
	}
	if (http_client(c, &cl) < 0 || !http_origin_ok(c))
		return 1;
	vmx = api_vmx_text(r.arg, &len);
	if (!vmx) {
		http_error(c, 404, "no VM named \"%s\"", r.arg);
		return 1;
	}
	free(vmx);
	if (__atomic_load_n(&open_consoles, __ATOMIC_SEQ_CST) >= MAX_CONSOLES) {
		http_error(c, 503, "%d consoles are open already: close one first", MAX_CONSOLES);
		return 1;
	}
	return 0;
}

static void *copier(void *arg)
{
	struct mg_connection *c = arg;
	struct console *k = mg_get_user_connection_data(c);
	char buf[4096];

	for (;;) {
		ssize_t n = read(k->master, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)	/* EIO: `nhv vm console` ended (the VM stopped) */
			break;
		if (mg_websocket_write(c, MG_WEBSOCKET_OPCODE_BINARY, buf, (size_t)n) <= 0)
			break;	/* the client went, or did not read within the time-out */
	}
	mg_websocket_write(c, MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE, "", 0);
	return NULL;
}

static void ready_handler(struct mg_connection *c, void *data)
{
	const struct mg_request_info *ri = mg_get_request_info(c);
	struct console *k = calloc(1, sizeof(*k));
	struct route r;
	char why[PATH_MAX + 400], path[PATH_MAX + 8], slave_name[64];
	char *argv[] = { "nhv", "vm", "console", NULL, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int slave = -1, rc;

	(void)data;
	if (!k || route_parse(ri->local_uri, &r, why, sizeof(why)) < 0) {
		free(k);
		mg_websocket_write(c, MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE, "", 0);
		return;
	}
	__atomic_add_fetch(&open_consoles, 1, __ATOMIC_SEQ_CST);
	snprintf(k->name, sizeof(k->name), "%s", r.arg);
	k->master = -1;
	k->pid = -1;
	mg_set_user_connection_data(c, k);
	if (openpty(&k->master, &slave, slave_name, NULL, NULL) < 0) {
		snprintf(why, sizeof(why), "\r\n[nhv-web: no pseudo-terminal: %s]\r\n", strerror(errno));
		mg_websocket_write(c, MG_WEBSOCKET_OPCODE_TEXT, why, strlen(why));
		mg_websocket_write(c, MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE, "", 0);
		return;
	}
	fcntl(k->master, F_SETFD, FD_CLOEXEC);
	fcntl(slave, F_SETFD, FD_CLOEXEC);
	argv[3] = k->name;
	snprintf(path, sizeof(path), "%s/nhv", run_bindir());
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, slave, 0);
	posix_spawn_file_actions_adddup2(&fa, slave, 1);
	posix_spawn_file_actions_adddup2(&fa, slave, 2);
	rc = run_spawnattr(&attr) ? ENOMEM : posix_spawn(&k->pid, path, &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(slave);
	if (rc) {
		k->pid = -1;
		snprintf(why, sizeof(why), "\r\n[nhv-web: cannot run %s: %s]\r\n", path, strerror(rc));
		mg_websocket_write(c, MG_WEBSOCKET_OPCODE_TEXT, why, strlen(why));
		mg_websocket_write(c, MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE, "", 0);
		return;
	}
	log_at(LOG_NOTICE, "console of %s opened from %s", k->name, ri->remote_addr);
	if (pthread_create(&k->copier, NULL, copier, c) == 0)
		k->copier_started = 1;
}

static int data_handler(struct mg_connection *c, int bits, char *data, size_t len, void *cb)
{
	struct console *k = mg_get_user_connection_data(c);
	int op = bits & 0x0f;

	(void)cb;
	if (op == MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE)
		return 0;
	if (op != MG_WEBSOCKET_OPCODE_TEXT && op != MG_WEBSOCKET_OPCODE_BINARY && op != 0)
		return 1;	/* ping, pong */
	if (!k || k->master < 0)
		return 0;
	for (size_t i = 0; i < len; i++)	/* the page closes the console; no detach key */
		if (data[i] == DETACH_KEY)
			data[i] = ' ';
	while (len > 0) {
		ssize_t n = write(k->master, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		data += n;
		len -= (size_t)n;
	}
	return 1;
}

static void close_handler(const struct mg_connection *cc, void *data)
{
	struct mg_connection *c = (struct mg_connection *)cc;
	struct console *k = mg_get_user_connection_data(c);

	(void)data;
	if (!k)
		return;
	/* `nhv vm console` is only a client (the VM runs on); it may take
	 * SIGTERM for an interrupted call, so it is killed.  Its end closes the
	 * terminal: the copier then reads EIO and ends. */
	if (k->pid > 0)
		kill(k->pid, SIGKILL);
	if (k->copier_started)
		pthread_join(k->copier, NULL);
	if (k->pid > 0)
		while (waitpid(k->pid, NULL, 0) < 0 && errno == EINTR)
			;
	if (k->master >= 0)
		close(k->master);
	log_at(LOG_NOTICE, "console of %s closed", k->name);
	mg_set_user_connection_data(c, NULL);
	free(k);
	__atomic_sub_fetch(&open_consoles, 1, __ATOMIC_SEQ_CST);
}

void console_register(struct mg_context *ctx)
{
	mg_set_websocket_handler(ctx, "/api/v1/vms", connect_handler, ready_handler, data_handler,
				 close_handler, NULL);
}
