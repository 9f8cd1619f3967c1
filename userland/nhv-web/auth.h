/*
 * auth.h - who may use the web UI and API: root, with the appliance's root
 * password (/etc/shadow; guestinfo.nhv.password sets it, docs/handshake.md).
 * A login makes a session (a random token in an HttpOnly, Secure,
 * SameSite=Strict cookie) with its own CSRF token; scripts may send HTTP
 * Basic credentials instead, with the Basic CSRF token that
 * GET /api/v1/session gives them.  Failed logins are counted per client
 * address: AUTH_MAX_FAILS within AUTH_WINDOW_S seconds block that address
 * until the window has passed.  Thread-safe.
 */
#ifndef NHV_WEB_AUTH_H
#define NHV_WEB_AUTH_H

#include <stddef.h>

#define AUTH_TOKEN_LEN 64	/* hex digits of a session or CSRF token */
#define AUTH_MAX_FAILS 5
#define AUTH_WINDOW_S 60
#define AUTH_SESSIONS 64
#define AUTH_IDLE_S (30 * 60)

/* The shadow file to read (default /etc/shadow). */
void auth_init(const char *shadow_path);

/* 1 when user is root and pw is root's password; 0 otherwise. */
int auth_password_ok(const char *user, const char *pw);

/* Seconds the address must wait before it may try again (0: it may now). */
int auth_blocked(const char *addr);
/* Counts a failed try from addr. */
void auth_failed(const char *addr);
/* A successful login from addr forgets its failures. */
void auth_succeeded(const char *addr);

/* A new session: its token and CSRF token (AUTH_TOKEN_LEN + 1 bytes each). 0, or -1 when full. */
int auth_session_new(char *token, char *csrf);
/* 1 and the session's CSRF token when token names a live session (and it is touched). */
int auth_session_find(const char *token, char *csrf);
void auth_session_end(const char *token);

/* The CSRF token for HTTP Basic requests (fixed while the server runs). */
void auth_basic_csrf(char *csrf);

/* Constant-time comparison of two NUL-terminated strings. */
int auth_same(const char *a, const char *b);

#endif
