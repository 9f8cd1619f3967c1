/* route.c - API URIs and HTTP Basic credentials (see route.h). */
#include "userland/nhv-web/route.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mbedtls/base64.h"

#define API "/api/v1/"

/* Copies the segment at *p (up to '/' or the end) into out; -1 when it is
 * empty, too long, "." or "..", or holds a byte that is not printable ASCII. */
static int segment(const char **p, char *out, size_t cap)
{
	size_t n = strcspn(*p, "/");

	if (n == 0 || n >= cap)
		return -1;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)(*p)[i] <= ' ' || (unsigned char)(*p)[i] >= 0x7f)
			return -1;
	memcpy(out, *p, n);
	out[n] = '\0';
	if (!strcmp(out, ".") || !strcmp(out, ".."))
		return -1;
	*p += n;
	return 0;
}

static int nothing_left(const char *p)
{
	return *p == '\0' || (p[0] == '/' && p[1] == '\0');
}

int route_parse(const char *uri, struct route *r, char *why, size_t wlen)
{
	static const struct { const char *name; enum route_res res; } top[] = {
		{ "session", RT_SESSION }, { "login", RT_LOGIN }, { "status", RT_STATUS },
		{ "check", RT_CHECK }, { "identity", RT_IDENTITY },
	};
	static const char *const actions[] = { "start", "stop", "shutdown", "reset" };
	const char *p;
	char first[ROUTE_SEG_MAX + 1], sub[ROUTE_SEG_MAX + 1];

	memset(r, 0, sizeof(*r));
	if (strncmp(uri, API, strlen(API)) != 0 || segment((p = uri + strlen(API), &p), first,
							    sizeof(first)))
		goto unknown;
	for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++) {
		if (!strcmp(first, top[i].name) && nothing_left(p)) {
			r->res = top[i].res;
			return 0;
		}
	}
	if (strcmp(first, "guestinfo") && strcmp(first, "vms"))
		goto unknown;
	r->res = first[0] == 'g' ? RT_GUESTINFO : RT_VMS;
	if (nothing_left(p))
		return 0;
	p++;
	if (segment(&p, r->arg, sizeof(r->arg))) {
		snprintf(why, wlen, "%s: a name has 1 to %d printable characters and is not . or ..",
			 uri, ROUTE_SEG_MAX);
		return -1;
	}
	if (nothing_left(p)) {
		r->res = r->res == RT_VMS ? RT_VM : RT_GUESTINFO;
		return 0;
	}
	if (r->res != RT_VMS)
		goto unknown;
	p++;
	if (segment(&p, sub, sizeof(sub)) || !nothing_left(p))
		goto unknown;
	if (!strcmp(sub, "log")) {
		r->res = RT_VM_LOG;
		return 0;
	}
	if (!strcmp(sub, "console")) {
		r->res = RT_VM_CONSOLE;
		return 0;
	}
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (!strcmp(sub, actions[i])) {
			r->res = RT_VM_ACTION;
			snprintf(r->action, sizeof(r->action), "%s", actions[i]);
			return 0;
		}
	}
unknown:
	snprintf(why, wlen, "%.200s: no such API resource (see /openapi.json)", uri);
	return -1;
}

int route_basic(const char *header, char *user, size_t ulen, char *pw, size_t plen)
{
	unsigned char dec[512];
	size_t n = 0;
	const char *colon;

	if (strncasecmp(header, "Basic ", 6) != 0)
		return -1;
	header += 6;
	while (*header == ' ')
		header++;
	if (mbedtls_base64_decode(dec, sizeof(dec) - 1, &n, (const unsigned char *)header,
				  strcspn(header, " \t")) != 0)
		return -1;
	dec[n] = '\0';
	if (memchr(dec, '\0', n))
		return -1;
	colon = strchr((char *)dec, ':');
	if (!colon || (size_t)(colon - (char *)dec) >= ulen || strlen(colon + 1) >= plen)
		return -1;
	memcpy(user, dec, (size_t)(colon - (char *)dec));
	user[colon - (char *)dec] = '\0';
	memcpy(pw, colon + 1, strlen(colon + 1) + 1);
	explicit_bzero(dec, sizeof(dec));
	return 0;
}
