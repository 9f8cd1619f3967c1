/*
 * nhvconf-settings.c - /run/nhv/settings, the decided settings every
 * program reads (format in nhvconf.h and docs/handshake.md).
 */
#include <stdio.h>
#include <string.h>

#include "userland/lib/nhvconf.h"

#define PASSWORD_SHOWN "(set)"

enum nhvconf_source nhvconf_source_index(const char *name, size_t len)
{
	enum nhvconf_source s;

	for (s = NHVCONF_DEFAULT; s <= NHVCONF_GUESTINFO; s++) {
		const char *n = nhvconf_source_name(s);

		if (strlen(n) == len && memcmp(n, name, len) == 0)
			return s;
	}
	return NHVCONF_UNSET;
}

long nhvconf_format_settings(const struct nhvconf *c, char *buf, size_t cap)
{
	size_t len;
	int k, n;

	n = snprintf(buf, cap, "# nhv appliance settings, decided by nhv-toolsd "
			       "(docs/handshake.md)\n");
	if (n < 0 || (size_t)n >= cap)
		return -1;
	len = (size_t)n;
	for (k = 0; k < NHVCONF_NKEYS; k++) {
		const char *v = nhvconf_get(c, (enum nhvconf_key)k);
		const char *name = nhvconf_key_name((enum nhvconf_key)k);

		if (!v)
			continue;
		n = snprintf(buf + len, cap - len, "%s=%s\n%s_source=%s\n", name,
			     k == NHVCONF_PASSWORD ? PASSWORD_SHOWN : v, name,
			     nhvconf_source_name(c->v[k].source));
		if (n < 0 || (size_t)n >= cap - len)
			return -1;
		len += (size_t)n;
	}
	return (long)len;
}

static int fail(char *why, size_t whylen, unsigned line, const char *what, const char *name,
		size_t nlen)
{
	if (why && whylen)
		snprintf(why, whylen, "line %u: %s%s%.*s%s", line, what, nlen ? " (" : "",
			 (int)(nlen > 64 ? 64 : nlen), name, nlen ? ")" : "");
	return -1;
}

static int parse_settings(struct nhvconf *c, const char *text, size_t len, char *why,
			  size_t whylen)
{
	unsigned char have_value[NHVCONF_NKEYS] = { 0 }, have_source[NHVCONF_NKEYS] = { 0 };
	enum nhvconf_source src[NHVCONF_NKEYS];
	char reason[160];
	size_t pos = 0;
	unsigned line = 0;
	int k;

	nhvconf_init(c);
	while (pos < len) {
		const char *l = text + pos, *eq, *nl = memchr(l, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - l) : len - pos, klen, vlen;
		const char *v;
		int is_source = 0;

		pos += llen + (nl != NULL);
		line++;
		if (memchr(l, '\0', llen))
			return fail(why, whylen, line, "a NUL byte; expected text", "", 0);
		if (llen == 0 || l[0] == '#')
			continue;
		eq = memchr(l, '=', llen);
		if (!eq)
			return fail(why, whylen, line, "expected KEY=VALUE or KEY_source=SOURCE", "",
				    0);
		klen = (size_t)(eq - l);
		v = eq + 1;
		vlen = llen - klen - 1;
		if (klen > 7 && memcmp(l + klen - 7, "_source", 7) == 0) {
			is_source = 1;
			klen -= 7;
		}
		for (k = 0; k < NHVCONF_NKEYS; k++)
			if (strlen(nhvconf_key_name((enum nhvconf_key)k)) == klen &&
			    memcmp(nhvconf_key_name((enum nhvconf_key)k), l, klen) == 0)
				break;
		if (k == NHVCONF_NKEYS)
			return fail(why, whylen, line, "unknown key; expected hostname, ipaddress, "
				    "netmask, gateway, dns, ntp, password, datadisk, macprefix or macmode",
				    l, (size_t)(eq - l));
		if (is_source) {
			if (have_source[k])
				return fail(why, whylen, line, "a second source for", l, klen);
			src[k] = nhvconf_source_index(v, vlen);
			if (src[k] == NHVCONF_UNSET)
				return fail(why, whylen, line, "unknown source; expected default, data "
					    "disk, kernel command line, guestinfo.ovfEnv or guestinfo",
					    v, vlen);
			have_source[k] = 1;
			continue;
		}
		if (have_value[k])
			return fail(why, whylen, line, "a second value for", l, klen);
		have_value[k] = 1;
		if (k == NHVCONF_PASSWORD) {
			if (vlen != strlen(PASSWORD_SHOWN) || memcmp(v, PASSWORD_SHOWN, vlen) != 0)
				return fail(why, whylen, line, "expected password=" PASSWORD_SHOWN
					    " (the value is never written)", "", 0);
			continue;
		}
		if (vlen == 0 || vlen >= NHVCONF_VALUE_MAX)
			return fail(why, whylen, line, "expected a value of 1-255 bytes for", l, klen);
		memcpy(c->v[k].value, v, vlen);
		c->v[k].value[vlen] = '\0';
		if (nhvconf_check((enum nhvconf_key)k, c->v[k].value, reason, sizeof(reason)) != 0) {
			c->v[k].value[0] = '\0';
			return fail(why, whylen, line, reason, l, klen);
		}
	}
	for (k = 0; k < NHVCONF_NKEYS; k++) {
		if (have_value[k] != have_source[k])
			return fail(why, whylen, line + 1, have_value[k] ? "end of file: a value without "
					    "its _source line" : "end of file: a _source line without a value",
				    nhvconf_key_name((enum nhvconf_key)k),
				    strlen(nhvconf_key_name((enum nhvconf_key)k)));
		if (have_value[k])
			c->v[k].source = src[k];
	}
	return 0;
}

int nhvconf_parse_settings(struct nhvconf *c, const char *text, size_t len, char *why,
			   size_t whylen)
{
	if (parse_settings(c, text, len, why, whylen) == 0)
		return 0;
	nhvconf_init(c);	/* nothing half-read */
	return -1;
}
