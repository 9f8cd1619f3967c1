/* api.c - the /api/v1 resources (see api.h and docs/api.md). */
#include "userland/nhv-web/api.h"

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "userland/lib/atomic.h"
#include "userland/lib/json.h"
#include "userland/lib/log.h"
#include "userland/lib/nhvconf.h"
#include "userland/nhv-web/http.h"
#include "userland/nhv-web/jsonin.h"
#include "userland/nhv-web/route.h"
#include "userland/nhv-web/run.h"

#define OUT_MAX (4 << 20)	/* what is kept of a command's output */

static struct api_paths paths;

void api_init(const struct api_paths *p)
{
	paths = *p;
}

static int is(const char *method, const char *m)
{
	return strcmp(method, m) == 0;
}

/* Answers status with {"K1": "V1", ...}: n pairs of strings after n. */
static void reply_pairs(struct mg_connection *c, int status, int n, ...)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	va_list ap;

	if (!f) {
		http_error(c, 500, "out of memory");
		return;
	}
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		fprintf(f, "%s\"%s\": ", i ? ", " : "{", va_arg(ap, const char *));
		json_str(f, va_arg(ap, const char *));
	}
	va_end(ap);
	fputs("}\n", f);
	if (fclose(f) != 0 || !buf)
		http_error(c, 500, "out of memory");
	else
		http_reply(c, status, "application/json", buf, len, NULL);
	free(buf);
}

/* A memstream for an answer; NULL (and 500 sent) when there is no memory. */
static FILE *answer_open(struct mg_connection *c, char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

	if (!f)
		http_error(c, 500, "out of memory");
	return f;
}

/* lead ("{" or ", "), then "key": value as a JSON string. */
static void member(FILE *f, const char *lead, const char *key, const char *value)
{
	fprintf(f, "%s\"%s\": ", lead, key);
	json_str(f, value);
}

/* A memstream's text as the answer. */
static void send_stream(struct mg_connection *c, int status, FILE *f, char **buf, size_t *len)
{
	if (fclose(f) != 0 || !*buf) {
		http_error(c, 500, "out of memory");
	} else {
		http_reply(c, status, "application/json", *buf, *len, NULL);
	}
	free(*buf);
}

/* The command's last error line(s), without the trailing line end. */
static const char *trimmed(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/*
 * Runs nhv program prog with args; on exit 0 (or any status in ok_mask) the
 * command's JSON output is the answer.  Other statuses become errors:
 * 2 -> 400 (usage or configuration), others -> fail_status, with stderr.
 */
static void passthrough(struct mg_connection *c, const char *prog, const char *const args[],
			int timeout_ms, unsigned ok_mask, int fail_status)
{
	struct run_out o;

	if (run_cmd(prog, args, OUT_MAX, timeout_ms, &o) < 0) {
		http_error(c, 500, "%s", o.err ? o.err : "cannot run a command");
	} else if (o.timed_out) {
		http_error(c, 504, "%s", o.err);
	} else if (o.status >= 0 && o.status < 32 && (ok_mask >> o.status & 1) && o.outlen) {
		http_reply(c, 200, "application/json", o.out, o.outlen, NULL);
	} else {
		http_error(c, o.status == 2 ? 400 : fail_status, "%s (exit %d)",
			   o.errlen ? trimmed(o.err) : "no output", o.status);
	}
	run_free(&o);
}

static void get_session(struct mg_connection *c, const struct client *cl)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f) {
		http_error(c, 500, "out of memory");
		return;
	}
	fprintf(f, "{\"user\": \"root\", \"auth\": \"%s\", \"csrf\": \"%s\"}\n",
		cl->who == WHO_SESSION ? "session" : "basic", cl->csrf);
	send_stream(c, 200, f, &buf, &len);
}

static void login(struct mg_connection *c)
{
	const char *addr = mg_get_request_info(c)->remote_addr;
	char pw[256], why[200], token[AUTH_TOKEN_LEN + 1], csrf[AUTH_TOKEN_LEN + 1];
	char extra[256], body[256];
	size_t len;
	char *text;
	int wait = auth_blocked(addr), rc;

	if (wait > 0) {
		log_at(LOG_WARNING, "login from %s refused: too many failed logins", addr);
		http_too_many(c, wait);
		return;
	}
	text = http_body(c, 4096, &len);
	if (!text)
		return;
	rc = jsonin_string(text, len, "password", pw, sizeof(pw), why, sizeof(why));
	explicit_bzero(text, len);
	free(text);
	if (rc != 0) {
		http_error(c, 400, "the body must be {\"password\": \"...\"}: %s",
			   rc > 0 ? "no \"password\" member" : why);
		return;
	}
	if (!auth_password_ok("root", pw)) {
		explicit_bzero(pw, sizeof(pw));
		auth_failed(addr);
		log_at(LOG_WARNING, "failed login from %s", addr);
		http_error(c, 401, "wrong password");
		return;
	}
	explicit_bzero(pw, sizeof(pw));
	auth_succeeded(addr);
	auth_session_new(token, csrf);
	log_at(LOG_NOTICE, "login from %s", addr);
	snprintf(extra, sizeof(extra), "Set-Cookie: %s=%s; Path=/; HttpOnly; Secure; SameSite=Strict\r\n",
		 SESSION_COOKIE, token);
	len = (size_t)snprintf(body, sizeof(body),
			       "{\"user\": \"root\", \"auth\": \"session\", \"csrf\": \"%s\"}\n", csrf);
	http_reply(c, 200, "application/json", body, len, extra);
}

static void logout(struct mg_connection *c, const struct client *cl)
{
	char extra[160];

	if (cl->who == WHO_SESSION)
		auth_session_end(cl->token);
	snprintf(extra, sizeof(extra), "Set-Cookie: %s=; Path=/; HttpOnly; Secure; SameSite=Strict; "
		 "Max-Age=0\r\n", SESSION_COOKIE);
	http_reply(c, 200, "application/json", "{\"logged_out\": true}\n", 21, extra);
}

/* The status block as text and as its "key : value" lines. */
static void get_status(struct mg_connection *c)
{
	char *buf = NULL, *block, *line, *save = NULL, *copy;
	size_t len = 0, blen;
	FILE *f;

	block = read_file(paths.status, 65536, &blen);
	if (!block) {
		http_error(c, 503, "no status block yet (%s: %s): the appliance is still booting",
			   paths.status, strerror(errno));
		return;
	}
	copy = strdup(block);
	f = copy ? answer_open(c, &buf, &len) : NULL;
	if (!f) {
		if (!copy)
			http_error(c, 500, "out of memory");
		free(block);
		free(copy);
		return;
	}
	member(f, "{", "block", block);
	member(f, ", ", "tls_sha256", paths.fingerprint);
	fputs(", \"items\": [", f);
	int n = 0;

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strstr(line, " : ");
		char *k = line, *end;

		if (!colon)
			continue;
		while (*k == ' ')
			k++;
		end = colon;
		while (end > k && end[-1] == ' ')
			end--;
		*end = '\0';
		fprintf(f, "%s\n  {\"key\": ", n++ ? "," : "");
		json_str(f, k);
		fputs(", \"value\": ", f);
		json_str(f, colon + 3);
		fputs("}", f);
	}
	fputs("]}\n", f);
	free(copy);
	free(block);
	send_stream(c, 200, f, &buf, &len);
}

/* The decided guestinfo.nhv.* settings (the password's value is never there). */
static void get_settings(struct mg_connection *c)
{
	static struct nhvconf conf;	/* guarded: civetweb may call from several threads */
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	char why[256], *buf = NULL;
	size_t tlen, len = 0;
	char *text = read_file(paths.settings, 65536, &tlen);
	FILE *f;
	int n = 0;

	if (!text) {
		http_error(c, 503, "no decided settings (%s: %s)", paths.settings, strerror(errno));
		return;
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		free(text);
		http_error(c, 500, "out of memory");
		return;
	}
	pthread_mutex_lock(&lock);
	nhvconf_init(&conf);
	if (nhvconf_parse_settings(&conf, text, tlen, why, sizeof(why)) < 0) {
		pthread_mutex_unlock(&lock);
		fclose(f);
		free(buf);
		free(text);
		http_error(c, 500, "%s: %s", paths.settings, why);
		return;
	}
	fputs("{\"settings\": [", f);
	for (int k = 0; k < NHVCONF_NKEYS; k++) {
		const char *v = nhvconf_get(&conf, (enum nhvconf_key)k);

		if (!v || conf.v[k].source == NHVCONF_UNSET)
			continue;
		fprintf(f, "%s\n  {\"key\": \"guestinfo.nhv.%s\", \"value\": ", n++ ? "," : "",
			nhvconf_key_name((enum nhvconf_key)k));
		json_str(f, k == nhvconf_key_index("password") ? "(set)" : v);
		fputs(", \"source\": ", f);
		json_str(f, nhvconf_source_name(conf.v[k].source));
		fputs("}", f);
	}
	pthread_mutex_unlock(&lock);
	fputs("]}\n", f);
	free(text);
	send_stream(c, 200, f, &buf, &len);
}

/* One guestinfo key, read from the outer host now (`nhv guestinfo get KEY`). */
static void get_guestinfo_key(struct mg_connection *c, const char *key)
{
	const char *args[] = { "get", key, NULL };
	struct run_out o;

	if (strstr(key, "password")) {
		http_error(c, 403, "%s is not readable through the API", key);
		return;
	}
	if (run_cmd("nhv-guestinfo", args, 65536, 10000, &o) < 0 || o.status != 0) {
		int st = o.status == 1 ? 404 : o.status == 2 ? 400 : o.status == 3 ? 503 : 500;

		http_error(c, st, "%s", o.err && o.err[0] ? trimmed(o.err) : "nhv guestinfo failed");
		run_free(&o);
		return;
	}
	reply_pairs(c, 200, 2, "key", key, "value", trimmed(o.out));
	run_free(&o);
}

char *api_vmx_text(const char *name, size_t *len)
{
	char path[PATH_MAX];

	/* name is one URI segment (route.h): no '/', not "." or "..". */
	if (name[0] == '.' || strchr(name, '/'))
		return NULL;
	snprintf(path, sizeof(path), "%s/%s/%s.vmx", paths.vms, name, name);
	return read_file(path, 1 << 20, len);
}

static int vm_known(struct mg_connection *c, const char *name);

/* A VM: its .vmx and, while it runs, the VMM's status line. */
static void get_vm(struct mg_connection *c, const char *name)
{
	const char *args[] = { "vm", "status", name, NULL };
	size_t vlen, len = 0;
	char *vmx = api_vmx_text(name, &vlen), *buf = NULL;
	struct run_out o;
	FILE *f;

	if (!vmx) {
		vm_known(c, name);	/* says 404 */
		return;
	}
	f = answer_open(c, &buf, &len);
	if (!f) {
		free(vmx);
		return;
	}
	member(f, "{", "name", name);
	member(f, ", ", "vmx", vmx);
	free(vmx);
	fputs(", \"status\": ", f);
	if (run_cmd("nhv", args, 65536, 10000, &o) == 0 && o.status == 0 && o.out[0] == '{')
		fputs(trimmed(o.out), f);
	else
		fputs("null", f);
	run_free(&o);
	fputs("}\n", f);
	send_stream(c, 200, f, &buf, &len);
}

/* A .vmx from the body: {"vmx": TEXT, "name": NAME}, checked and stored by `nhv vm define`. */
static void define_vm(struct mg_connection *c)
{
	char name[ROUTE_SEG_MAX + 1] = "", why[256], dir[PATH_MAX], file[PATH_MAX + 80];
	size_t len;
	char *body = http_body(c, HTTP_BODY_MAX, &len), *text;
	int rc;

	if (!body)
		return;
	text = malloc(HTTP_BODY_MAX);
	if (!text) {
		free(body);
		http_error(c, 500, "out of memory");
		return;
	}
	rc = jsonin_string(body, len, "vmx", text, HTTP_BODY_MAX, why, sizeof(why));
	if (rc == 0)
		rc = jsonin_string(body, len, "name", name, sizeof(name), why, sizeof(why)) < 0 ? -1 : 0;
	free(body);
	if (rc != 0) {
		free(text);
		http_error(c, 400, "the body must be {\"vmx\": \".vmx text\", \"name\": \"NAME\"}: %s",
			   rc > 0 ? "no \"vmx\" member" : why);
		return;
	}
	if (!name[0])
		snprintf(name, sizeof(name), "vm");
	if (strchr(name, '/') || name[0] == '.') {
		free(text);
		http_error(c, 400, "\"%s\" is not a usable VM name", name);
		return;
	}
	snprintf(dir, sizeof(dir), "%s/define.XXXXXX", paths.work);
	if (!mkdtemp(dir)) {
		free(text);
		http_error(c, 500, "cannot make a folder in %s: %s", paths.work, strerror(errno));
		return;
	}
	/* The file keeps the name the user gave: the define's FILE:LINE errors name it. */
	snprintf(file, sizeof(file), "%s/%s.vmx", dir, name);
	if (atomic_write_file(file, text, strlen(text), 0600) < 0) {
		free(text);
		rmdir(dir);
		http_error(c, 500, "cannot write %s: %s", file, strerror(errno));
		return;
	}
	free(text);
	{
		const char *args[] = { "vm", "define", file, NULL };
		struct run_out o;

		if (run_cmd("nhv", args, 65536, 30000, &o) < 0 || o.status != 0) {
			http_error(c, o.status == 2 ? 400 : o.timed_out ? 504 : 409, "%s",
				   o.err && o.err[0] ? trimmed(o.err) : "nhv vm define failed");
		} else {
			reply_pairs(c, 201, 1, "defined", trimmed(o.out));
		}
		run_free(&o);
	}
	unlink(file);
	rmdir(dir);
}

/* 1 when VM name is defined; else 404 is sent and 0 returned. */
static int vm_known(struct mg_connection *c, const char *name)
{
	size_t len;
	char *vmx = api_vmx_text(name, &len);

	if (!vmx) {
		http_error(c, 404, "no VM named \"%s\" (GET /api/v1/vms lists them)", name);
		return 0;
	}
	free(vmx);
	return 1;
}

/* Runs `nhv vm ...`: 0 when it succeeded (o to be freed); else the error is sent (o freed). */
static int vm_run(struct mg_connection *c, const char *const args[], size_t cap, int timeout_ms,
		  struct run_out *o)
{
	if (run_cmd("nhv", args, cap, timeout_ms, o) == 0 && o->status == 0)
		return 0;
	http_error(c, o->timed_out ? 504 : o->status == 2 ? 400 : 409, "%s",
		   o->err && o->err[0] ? trimmed(o->err) : "nhv vm failed");
	run_free(o);
	return -1;
}

/* start, stop (forced off), shutdown (power button, forced after 30 s), reset, rm. */
static void vm_action(struct mg_connection *c, const char *name, const char *action)
{
	const char *start[] = { "vm", "start", name, NULL };
	const char *stop[] = { "vm", "stop", name, "--force", NULL };
	const char *shutdown[] = { "vm", "stop", name, "--timeout", "30", NULL };
	const char *reset[] = { "vm", "reset", name, NULL };
	const char *rm[] = { "vm", "rm", name, NULL };
	const char *const *args = !strcmp(action, "start") ? start : !strcmp(action, "stop") ? stop :
				  !strcmp(action, "shutdown") ? shutdown :
				  !strcmp(action, "reset") ? reset : rm;
	struct run_out o;

	if (!vm_known(c, name) || vm_run(c, args, 65536, 60000, &o) < 0)
		return;
	log_at(LOG_NOTICE, "%s %s (from %s)", action, name, mg_get_request_info(c)->remote_addr);
	reply_pairs(c, 200, 3, "name", name, "action", action, "output", trimmed(o.out));
	run_free(&o);
}

static void vm_log(struct mg_connection *c, const char *name)
{
	const char *args[] = { "vm", "log", name, NULL };
	struct run_out o;

	if (!vm_known(c, name) || vm_run(c, args, OUT_MAX, 10000, &o) < 0)
		return;
	http_reply(c, 200, "text/plain; charset=utf-8", o.out, o.outlen, NULL);
	run_free(&o);
}

int api_handler(struct mg_connection *c, void *data)
{
	const struct mg_request_info *ri = mg_get_request_info(c);
	const char *m = ri->request_method;
	struct route r;
	struct client cl;
	char why[300];
	int get = is(m, "GET") || is(m, "HEAD");

	(void)data;
	if (route_parse(ri->local_uri, &r, why, sizeof(why)) < 0) {
		http_error(c, 404, "%s", why);
		return 1;
	}
	if (r.res == RT_LOGIN) {
		if (!is(m, "POST"))
			http_error(c, 405, "log in with POST /api/v1/login {\"password\": ...}");
		else if (http_origin_ok(c))
			login(c);
		return 1;
	}
	if (http_client(c, &cl) < 0)
		return 1;
	if (!get && (!http_origin_ok(c) || !http_csrf_ok(c, &cl)))
		return 1;
	switch (r.res) {
	case RT_SESSION:
		if (get)
			get_session(c, &cl);
		else if (is(m, "DELETE"))
			logout(c, &cl);
		else
			http_error(c, 405, "GET or DELETE /api/v1/session");
		break;
	case RT_STATUS:
		if (get)
			get_status(c);
		else
			http_error(c, 405, "GET only");
		break;
	case RT_CHECK: {
		const char *args[] = { "--json", NULL };

		if (get)	/* nhv-check's exit status is its verdict (0, 1, 2) */
			passthrough(c, "nhv-check", args, 60000, 0x7, 500);
		else
			http_error(c, 405, "GET only");
		break;
	}
	case RT_IDENTITY: {
		const char *args[] = { "identity", "--json", NULL };

		if (get)
			passthrough(c, "nhv", args, 10000, 0x1, 500);
		else
			http_error(c, 405, "GET only");
		break;
	}
	case RT_GUESTINFO:
		if (!get)
			http_error(c, 405, "GET only");
		else if (r.arg[0])
			get_guestinfo_key(c, r.arg);
		else
			get_settings(c);
		break;
	case RT_VMS: {
		const char *args[] = { "vm", "list", "--json", NULL };

		if (get)
			passthrough(c, "nhv", args, 10000, 0x1, 500);
		else if (is(m, "POST"))
			define_vm(c);
		else
			http_error(c, 405, "GET or POST /api/v1/vms");
		break;
	}
	case RT_VM:
		if (get)
			get_vm(c, r.arg);
		else if (is(m, "DELETE"))
			vm_action(c, r.arg, "rm");
		else
			http_error(c, 405, "GET or DELETE /api/v1/vms/NAME");
		break;
	case RT_VM_ACTION:
		if (is(m, "POST"))
			vm_action(c, r.arg, r.action);
		else
			http_error(c, 405, "POST /api/v1/vms/NAME/%s", r.action);
		break;
	case RT_VM_LOG:
		if (get)
			vm_log(c, r.arg);
		else
			http_error(c, 405, "GET only");
		break;
	case RT_VM_CONSOLE:
		http_error(c, 400, "the console is a WebSocket: connect with Upgrade: websocket");
		break;
	default:
		http_error(c, 404, "no such API resource");
	}
	return 1;
}
