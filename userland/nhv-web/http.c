/* http.c - replies, request bodies and the client's authentication (see http.h). */
#include "userland/nhv-web/http.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "userland/lib/json.h"
#include "userland/lib/log.h"
#include "userland/nhv-web/route.h"

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "Internal Server Error";
	}
}

void http_reply(struct mg_connection *c, int status, const char *type, const char *body,
		size_t len, const char *extra)
{
	mg_printf(c, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		  "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n%s\r\n",
		  status, reason(status), type, len, extra ? extra : "");
	if (strcmp(mg_get_request_info(c)->request_method, "HEAD") != 0)
		mg_write(c, body, len);
}

static void verror(struct mg_connection *c, int status, const char *extra, const char *fmt,
		   va_list ap)
{
	char msg[4096], *body = NULL;
	size_t len = 0;
	FILE *f;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	f = open_memstream(&body, &len);
	if (!f) {
		http_reply(c, 500, "application/json", "{\"error\": \"out of memory\"}\n", 27, NULL);
		return;
	}
	fputs("{\"error\": ", f);
	json_str(f, msg);
	fputs("}\n", f);
	fclose(f);
	http_reply(c, status, "application/json", body, len, extra);
	free(body);
}

void http_error(struct mg_connection *c, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(c, status, status == 405 ? "Allow: GET, POST, DELETE\r\n" : NULL, fmt, ap);
	va_end(ap);
}

static void error_extra(struct mg_connection *c, int status, const char *extra, const char *fmt,
			...) __attribute__((format(printf, 4, 5)));
static void error_extra(struct mg_connection *c, int status, const char *extra, const char *fmt,
			...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(c, status, extra, fmt, ap);
	va_end(ap);
}

void http_too_many(struct mg_connection *c, int wait)
{
	char extra[64];

	snprintf(extra, sizeof(extra), "Retry-After: %d\r\n", wait);
	error_extra(c, 429, extra, "too many failed logins from this address; try again in %d s",
		    wait);
}

char *http_body(struct mg_connection *c, size_t max, size_t *len)
{
	long long cl = mg_get_request_info(c)->content_length;
	char *buf;
	size_t got = 0;

	if (cl < 0) {
		http_error(c, 411, "a request body needs a Content-Length");
		return NULL;
	}
	if ((unsigned long long)cl > max) {
		http_error(c, 413, "the request body has %lld bytes; at most %zu are accepted", cl, max);
		return NULL;
	}
	buf = malloc((size_t)cl + 1);
	if (!buf) {
		http_error(c, 500, "out of memory");
		return NULL;
	}
	while (got < (size_t)cl) {
		int n = mg_read(c, buf + got, (size_t)cl - got);

		if (n <= 0) {
			free(buf);
			http_error(c, 400, "the request body ended after %zu of %lld bytes", got, cl);
			return NULL;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	*len = got;
	return buf;
}

int http_client(struct mg_connection *c, struct client *cl)
{
	const char *cookie = mg_get_header(c, "Cookie"), *basic = mg_get_header(c, "Authorization");
	char user[128], pw[256];
	int wait;

	memset(cl, 0, sizeof(*cl));
	cl->addr = mg_get_request_info(c)->remote_addr;
	if (cookie && mg_get_cookie(cookie, SESSION_COOKIE, cl->token, sizeof(cl->token)) > 0 &&
	    auth_session_find(cl->token, cl->csrf)) {
		cl->who = WHO_SESSION;
		return 0;
	}
	if (basic) {
		if ((wait = auth_blocked(cl->addr)) > 0) {
			http_too_many(c, wait);
			return -1;
		}
		if (route_basic(basic, user, sizeof(user), pw, sizeof(pw)) == 0 &&
		    auth_password_ok(user, pw)) {
			explicit_bzero(pw, sizeof(pw));
			auth_succeeded(cl->addr);
			auth_basic_csrf(cl->csrf);
			cl->who = WHO_BASIC;
			return 0;
		}
		explicit_bzero(pw, sizeof(pw));
		auth_failed(cl->addr);
		log_at(LOG_WARNING, "failed login (HTTP Basic) from %s", cl->addr);
		http_error(c, 401, "wrong user or password (the user is root)");
		return -1;
	}
	/* No WWW-Authenticate challenge: a browser must never cache Basic
	 * credentials, which a forged cross-site request could then carry. */
	http_error(c, 401, "log in first: POST /api/v1/login, or HTTP Basic as root");
	return -1;
}

int http_csrf_ok(struct mg_connection *c, const struct client *cl)
{
	const char *t = mg_get_header(c, "X-CSRF-Token");

	if (t && cl->csrf[0] && auth_same(t, cl->csrf))
		return 1;
	http_error(c, 403, t ? "the X-CSRF-Token header is not this session's token" :
			       "a state-changing request needs the X-CSRF-Token header "
			       "(GET /api/v1/session gives it)");
	return 0;
}

int http_origin_ok(struct mg_connection *c)
{
	const char *origin = mg_get_header(c, "Origin"), *host = mg_get_header(c, "Host");

	if (!origin)
		return 1;
	if (host && !strncasecmp(origin, "https://", 8) && !strcasecmp(origin + 8, host))
		return 1;
	http_error(c, 403, "Origin %.100s is not this server", origin);
	return 0;
}
