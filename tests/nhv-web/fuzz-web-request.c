/*
 * fuzz-web-request.c - nhv-web's request parsing (what civetweb leaves to
 * it): the input is split at the first NUL into a URI, an Authorization
 * header and a JSON body.  Checks: no crash; a found member is a
 * NUL-terminated string that fits; a parsed route's name is one segment
 * (no '/', not "." or "..").
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "userland/nhv-web/jsonin.h"
#include "userland/nhv-web/route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *uri, *auth, *body, out[64], why[300], u[64], p[64];
	struct route r;
	size_t n;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	uri = buf;
	n = strlen(uri);
	auth = n < size ? uri + n + 1 : uri + n;
	n = strlen(auth);
	body = auth + n < buf + size ? auth + n + 1 : auth + n;
	if (route_parse(uri, &r, why, sizeof(why)) == 0 &&
	    (strchr(r.arg, '/') || !strcmp(r.arg, ".") || !strcmp(r.arg, "..")))
		abort();
	if (route_basic(auth, u, sizeof(u), p, sizeof(p)) == 0 && (strlen(u) >= 64 || strlen(p) >= 64))
		abort();
	if (jsonin_string(body, (size_t)(buf + size - body), "vmx", out, sizeof(out), why,
			  sizeof(why)) == 0 && strlen(out) >= sizeof(out))
		abort();
	jsonin_check(data ? (const char *)data : "", size, why, sizeof(why));
	free(buf);
	return 0;
}
