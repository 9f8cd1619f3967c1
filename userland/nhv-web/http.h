/*
 * http.h - answering a request on a civetweb connection: JSON and text
 * bodies, {"error": ...} answers, the request body with a size limit, and
 * who the client is (session cookie or HTTP Basic; auth.h).
 */
#ifndef NHV_WEB_HTTP_H
#define NHV_WEB_HTTP_H

#include <stddef.h>

#include "civetweb.h"
#include "userland/nhv-web/auth.h"

#define HTTP_BODY_MAX (256 * 1024)	/* the largest request body (a .vmx text) */
#define SESSION_COOKIE "nhv_session"

/* Sends status with body (Content-Length set, never cached); extra: more header lines (each with \r\n) or NULL. */
void http_reply(struct mg_connection *c, int status, const char *type, const char *body,
		size_t len, const char *extra);
/* {"error": MESSAGE} with status. */
void http_error(struct mg_connection *c, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* 429 with Retry-After: wait seconds. */
void http_too_many(struct mg_connection *c, int wait);

/*
 * Reads the request body (at most max bytes) into a malloc'd, NUL-terminated
 * buffer.  NULL when it was answered already (413 too large, 400 cut short).
 */
char *http_body(struct mg_connection *c, size_t max, size_t *len);

enum who { WHO_NOBODY, WHO_SESSION, WHO_BASIC };

struct client {
	enum who who;
	char token[AUTH_TOKEN_LEN + 1];	/* the session cookie, for WHO_SESSION */
	char csrf[AUTH_TOKEN_LEN + 1];	/* the CSRF token this client must send */
	const char *addr;		/* remote address */
};

/*
 * Who sent the request.  A bad Basic password counts as a failed login;
 * while the address is blocked, 429 is sent and -1 returned; with no (or an
 * expired) session or credentials, 401 is sent and -1 returned.
 */
int http_client(struct mg_connection *c, struct client *cl);

/* 1 when the request's X-CSRF-Token is the client's CSRF token; else 403 is sent and 0 returned. */
int http_csrf_ok(struct mg_connection *c, const struct client *cl);

/* 1 when the Origin header is absent or names this server (Host); else 403 is sent. */
int http_origin_ok(struct mg_connection *c);

#endif
