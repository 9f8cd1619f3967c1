/*
 * nhv-web - the appliance's web UI and JSON API over HTTPS (docs/web.md,
 * docs/api.md).  civetweb serves HTTP/1.1 and WebSockets, mbedtls TLS;
 * static pages come from the web root, /api/v1 from api.c, the consoles
 * from console.c.
 *
 *   nhv-web --prepare    make (or load) the TLS certificate, write its
 *                        fingerprint to RUN/fingerprint, and exit
 *                        (nhv-init, before the status block)
 *   nhv-web              the server (busybox init respawns it): port 443,
 *                        and port 80 redirecting to it
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "civetweb.h"
#include "userland/lib/atomic.h"
#include "userland/lib/log.h"
#include "userland/nhv-web/api.h"
#include "userland/nhv-web/auth.h"
#include "userland/nhv-web/cert.h"
#include "userland/nhv-web/console.h"
#include "userland/nhv-web/jsonin.h"
#include "userland/nhv-web/run.h"

struct opts {
	const char *https, *http, *root, *tls_dir, *run, *owner, *shadow, *status, *settings,
		*vms, *log;
	int prepare, no_kmsg;
};

static int usage(FILE *to)
{
	fprintf(to,
		"usage: nhv-web [--prepare] [--https PORT] [--http PORT] [--root DIR] [--bindir DIR]\n"
		"               [--tls-dir DIR] [--run DIR] [--owner UUID] [--shadow FILE]\n"
		"               [--status FILE] [--settings FILE] [--vms DIR] [--log FILE] [--no-kmsg]\n"
		"  --prepare   make or load the TLS certificate, write RUN/fingerprint, exit\n"
		"  defaults: --https 443 --http 80 (0: none) --root /usr/share/nhv/web --bindir /bin\n"
		"            --tls-dir /var/lib/nhv/nhv/tls --run /run/nhv/web --shadow /etc/shadow\n"
		"            --status /run/nhv/status --settings /run/nhv/settings\n"
		"            --vms /var/lib/nhv/vms; --owner: the appliance UUID (nhv identity --json)\n");
	return to == stdout ? 0 : 2;
}

static int parse(int argc, char **argv, struct opts *o)
{
	struct { const char *name; const char **dst; } v[] = {
		{ "--https", &o->https }, { "--http", &o->http }, { "--root", &o->root },
		{ "--tls-dir", &o->tls_dir }, { "--run", &o->run }, { "--owner", &o->owner },
		{ "--shadow", &o->shadow }, { "--status", &o->status },
		{ "--settings", &o->settings }, { "--vms", &o->vms }, { "--log", &o->log },
	};

	*o = (struct opts){ "443", "80", "/usr/share/nhv/web", "/var/lib/nhv/nhv/tls", "/run/nhv/web",
			    NULL, "/etc/shadow", "/run/nhv/status", "/run/nhv/settings",
			    "/var/lib/nhv/vms", NULL, 0, 0 };
	for (int i = 1; i < argc; i++) {
		size_t k;

		if (!strcmp(argv[i], "--prepare")) {
			o->prepare = 1;
			continue;
		}
		if (!strcmp(argv[i], "--no-kmsg")) {
			o->no_kmsg = 1;
			continue;
		}
		if (!strcmp(argv[i], "--help"))
			exit(usage(stdout));
		if (!strcmp(argv[i], "--bindir") && i + 1 < argc) {
			run_set_bindir(argv[++i]);
			continue;
		}
		for (k = 0; k < sizeof(v) / sizeof(v[0]); k++)
			if (!strcmp(argv[i], v[k].name) && i + 1 < argc)
				break;
		if (k == sizeof(v) / sizeof(v[0])) {
			fprintf(stderr, "nhv-web: unexpected argument \"%s\"\n", argv[i]);
			return usage(stderr);
		}
		*v[k].dst = argv[++i];
	}
	return 0;
}

/* The appliance UUID the certificate belongs to: `nhv identity --json`. */
static int owner_uuid(char *out, size_t len)
{
	const char *args[] = { "identity", "--json", NULL };
	struct run_out r;
	char why[200];
	int rc = -1;

	if (run_cmd("nhv", args, 1 << 20, 15000, &r) == 0 && r.status == 0)
		rc = jsonin_string(r.out, r.outlen, "appliance_uuid", out, len, why, sizeof(why));
	if (rc != 0)
		log_at(LOG_ERR, "no appliance UUID from `nhv identity --json` (exit %d: %s)", r.status,
		       r.err && r.err[0] ? r.err : rc > 0 ? "no appliance_uuid" : why);
	run_free(&r);
	return rc == 0 ? 0 : -1;
}

static int prepare(const struct opts *o, char *pem, size_t pemlen, char fp[CERT_FP_LEN])
{
	char uuid[64], host[256] = "nhv", why[300], path[PATH_MAX];
	int made;

	if (o->owner)
		snprintf(uuid, sizeof(uuid), "%s", o->owner);
	else if (owner_uuid(uuid, sizeof(uuid)) < 0)
		snprintf(uuid, sizeof(uuid), "unknown");
	gethostname(host, sizeof(host) - 1);
	if (cert_ensure(o->tls_dir, uuid, host, pem, pemlen, fp, &made, why, sizeof(why)) < 0) {
		log_at(LOG_ERR, "no TLS certificate: %s", why);
		return -1;
	}
	log_at(LOG_NOTICE, "TLS certificate %s for appliance %s, SHA-256 %s", made ? "made" : "kept",
	       uuid, fp);
	mkdir(o->run, 0700);
	snprintf(path, sizeof(path), "%s/fingerprint", o->run);
	{
		char line[CERT_FP_LEN + 1];
		int n = snprintf(line, sizeof(line), "%s\n", fp);

		atomic_write_file(path, line, (size_t)n, 0644);
	}
	return 0;
}

static const char *https_port = "443";

/* s with every byte that may not stand in a URL (RFC 3986 section 2) as %XX. */
static void url_safe(const char *s, char *out, size_t cap)
{
	static const char keep[] = "/-._~!$&'()*+,;=:@%?";
	size_t n = 0;

	for (; *s && n + 4 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    (c && strchr(keep, c)))
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, cap - n, "%%%02X", c);
	}
	out[n] = '\0';
}

/*
 * Plain HTTP gets a redirect to the same host and path over HTTPS (civetweb's
 * own redirect names its authentication_domain, not the host asked for).
 */
static int begin_request(struct mg_connection *c)
{
	const struct mg_request_info *ri = mg_get_request_info(c);
	const char *host = mg_get_header(c, "Host");
	char name[256] = "127.0.0.1", where[2048], path[700], query[300];
	size_t n;

	if (ri->is_ssl)
		return 0;
	if (host) {
		/* A bracketed IPv6 literal keeps its brackets; a port goes. */
		n = host[0] == '[' ? strcspn(host, "]") + 1 : strcspn(host, ":");
		if (n > 0 && n < sizeof(name) && !strpbrk(host, " \t\r\n/\\@?#"))
			snprintf(name, sizeof(name), "%.*s", (int)n, host);
	}
	url_safe(ri->local_uri_raw ? ri->local_uri_raw : "/", path, sizeof(path));
	url_safe(ri->query_string ? ri->query_string : "", query, sizeof(query));
	snprintf(where, sizeof(where), "https://%s%s%s%s%s%s", name,
		 strcmp(https_port, "443") ? ":" : "", strcmp(https_port, "443") ? https_port : "",
		 path, query[0] ? "?" : "", query);
	mg_printf(c, "HTTP/1.1 308 Permanent Redirect\r\nLocation: %s\r\nContent-Length: 0\r\n"
		  "Connection: close\r\n\r\n", where);
	return 308;
}

static int log_message(const struct mg_connection *c, const char *msg)
{
	(void)c;
	log_at(LOG_INFO, "%s", msg);
	return 1;
}

int main(int argc, char **argv)
{
	static char pem[PATH_MAX], fp[CERT_FP_LEN], ports[64];
	struct opts o;
	struct mg_callbacks cb;
	struct api_paths ap;
	struct mg_context *ctx;
	sigset_t set;
	int sig;

	if (parse(argc, argv, &o))
		return 2;
	log_setup("nhv-web", o.no_kmsg ? NULL : "/dev/kmsg", 2);
	if (o.log)
		log_to_file(o.log);
	if (prepare(&o, pem, sizeof(pem), fp) < 0)
		return 1;
	if (o.prepare)
		return 0;

	auth_init(o.shadow);
	ap = (struct api_paths){ o.status, o.settings, o.vms, o.run, fp };
	api_init(&ap);
	if (strcmp(o.http, "0") != 0)
		snprintf(ports, sizeof(ports), "%s,%ss", o.http, o.https);
	else
		snprintf(ports, sizeof(ports), "%ss", o.https);
	const char *options[] = {
		"listening_ports", ports,
		"document_root", o.root,
		"ssl_certificate", pem,
		"num_threads", "16",
		"request_timeout_ms", "10000",
		"websocket_timeout_ms", "30000",
		"enable_websocket_ping_pong", "yes",
		"enable_directory_listing", "no",
		"enable_keep_alive", "yes",
		"max_request_size", "16384",
		"additional_header",
		"Strict-Transport-Security: max-age=31536000\r\nX-Frame-Options: DENY\r\n"
		"Referrer-Policy: no-referrer\r\n"
		"Content-Security-Policy: default-src 'self'; img-src 'self' data:; "
		"style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
		NULL
	};

	memset(&cb, 0, sizeof(cb));
	cb.log_message = log_message;
	cb.begin_request = begin_request;
	https_port = o.https;
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);	/* every civetweb thread inherits it */
	mg_init_library(0);
	ctx = mg_start(&cb, NULL, options);
	if (!ctx) {
		log_at(LOG_ERR, "cannot start the server on ports %s (root %s, certificate %s)", ports,
		       o.root, pem);
		return 1;
	}
	mg_set_request_handler(ctx, "/api/v1", api_handler, NULL);
	console_register(ctx);
	log_at(LOG_NOTICE, "serving https on port %s%s%s, root %s", o.https,
	       strcmp(o.http, "0") ? ", redirecting http on port " : "",
	       strcmp(o.http, "0") ? o.http : "", o.root);
	while (sigwait(&set, &sig) != 0)
		;
	log_at(LOG_NOTICE, "stopping (signal %d)", sig);
	mg_stop(ctx);
	return 0;
}
