/*
 * nhvconf-decide.c - the one decision of every appliance setting from all
 * its sources (nhvconf.h; the table is in docs/handshake.md), the data
 * disk's settings file, and the fallback host name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "userland/lib/nhvconf.h"
#include "userland/lib/hexfmt.h"
#include "userland/lib/vmx.h"

static void warn_if(nhvconf_warn_fn *warn, void *ctx, enum nhvconf_source src, const char *key,
		    unsigned line, const char *why)
{
	if (warn)
		warn(ctx, src, key, line, why);
}

void nhvconf_fallback_hostname(const char *uuid, char *out, size_t cap)
{
	char hex[7];
	size_t len = uuid ? strcspn(uuid, "\r\n") : 0, i;

	if (len < 6) {
		snprintf(out, cap, "nhv");
		return;
	}
	for (i = 0; i < 6; i++) {
		int d = hex_digit((unsigned char)uuid[len - 6 + i]);

		if (d < 0) {
			snprintf(out, cap, "nhv");
			return;
		}
		hex[i] = "0123456789abcdef"[d];
	}
	hex[6] = '\0';
	snprintf(out, cap, "nhv-%s", hex);
}

/* |00 decodes to a NUL, which would cut the value short without a word. */
static int has_nul_escape(const char *s, size_t n)
{
	for (size_t i = 0; i + 2 < n; i++)
		if (s[i] == '|' && s[i + 1] == '0' && s[i + 2] == '0')
			return 1;
	return 0;
}

int nhvconf_parse_datadisk(struct nhvconf *c, const char *text, size_t len,
			   nhvconf_warn_fn *warn, void *ctx)
{
	static const char prefix[] = "guestinfo.nhv.";
	const size_t plen = sizeof(prefix) - 1;
	struct vmx v = { 0 };
	char why[200], name[64];
	int set = 0;

	if (vmx_parse(&v, text, len) < 0)
		return -1;
	for (size_t i = 0; i < v.n; i++) {
		const char *key, *val;
		size_t klen, vlen, j;
		char *value;
		int k;

		if (!vmx_pair(&v, i, &key, &klen, &val, &vlen)) {
			const char *t = v.l[i].text;
			size_t sp = strspn(t, " \t");

			/* Blank lines and comments are fine; anything else is not a pair. */
			if (sp < v.l[i].len && t[sp] != '#') {
				c->ignored++;
				warn_if(warn, ctx, NHVCONF_DATADISK_FILE, "?", (unsigned)i + 1,
					"expected guestinfo.nhv.KEY = \"VALUE\", a comment or a blank line");
			}
			continue;
		}
		snprintf(name, sizeof(name), "%.*s", (int)(klen < 63 ? klen : 63), key);
		for (j = 0; name[j]; j++)
			if (name[j] >= 'A' && name[j] <= 'Z')
				name[j] = (char)(name[j] - 'A' + 'a');	/* keys: any case, as VMware's */
		k = klen > plen && klen < sizeof(name) && memcmp(name, prefix, plen) == 0
			    ? nhvconf_key_index(name + plen) : -1;
		if (k < 0) {
			c->ignored++;
			warn_if(warn, ctx, NHVCONF_DATADISK_FILE, name, (unsigned)i + 1,
				"unknown key; expected guestinfo.nhv.KEY, KEY one of hostname ipaddress "
				"netmask gateway dns ntp password macprefix macmode");
			continue;
		}
		if (memchr(val, '\0', vlen) || has_nul_escape(val, vlen)) {
			c->ignored++;
			warn_if(warn, ctx, NHVCONF_DATADISK_FILE, name, (unsigned)i + 1,
				"a NUL byte (or |00) in the value; expected text");
			continue;
		}
		value = vmx_decode(val, vlen);
		if (!value) {
			vmx_free(&v);
			return -1;
		}
		/* Later lines of a key win: a weaker-or-equal source is replaced. */
		if (c->v[k].source == NHVCONF_DATADISK_FILE)
			c->v[k].source = NHVCONF_UNSET;
		switch (nhvconf_set(c, (enum nhvconf_key)k, value, strlen(value), NHVCONF_DATADISK_FILE, why,
				    sizeof(why))) {
		case 1:
			set++;
			break;
		case -1:
			c->ignored++;
			warn_if(warn, ctx, NHVCONF_DATADISK_FILE, name, (unsigned)i + 1, why);
			break;
		}
		free(value);
	}
	vmx_free(&v);
	return set;
}

void nhvconf_decide(struct nhvconf *c, const struct nhvconf_sources *s, nhvconf_warn_fn *warn,
		    void *ctx)
{
	char why[200], name[32], fallback[16];
	int k;

	nhvconf_init(c);
	for (k = 0; k < NHVCONF_NKEYS; k++) {
		const char *v = s->guestinfo[k];

		if (v && nhvconf_set(c, (enum nhvconf_key)k, v, strlen(v), NHVCONF_GUESTINFO, why,
				     sizeof(why)) < 0) {
			c->ignored++;
			snprintf(name, sizeof(name), "nhv.%s", nhvconf_key_name((enum nhvconf_key)k));
			warn_if(warn, ctx, NHVCONF_GUESTINFO, name, 0, why);
		}
	}
	if (s->ovfenv && s->ovfenv_len)
		nhvconf_parse_ovfenv(c, s->ovfenv, s->ovfenv_len);
	if (s->cmdline && s->cmdline_len)
		nhvconf_parse_cmdline(c, s->cmdline, s->cmdline_len);
	if (s->datadisk && s->datadisk_len)
		nhvconf_parse_datadisk(c, s->datadisk, s->datadisk_len, warn, ctx);
	if (s->identity_hostname &&
	    nhvconf_set(c, NHVCONF_HOSTNAME, s->identity_hostname, strlen(s->identity_hostname),
			NHVCONF_DEFAULT, why, sizeof(why)) < 0)
		warn_if(warn, ctx, NHVCONF_DEFAULT, "hostname", 0, why);
	if (!nhvconf_get(c, NHVCONF_HOSTNAME)) {
		nhvconf_fallback_hostname(s->hw_uuid, fallback, sizeof(fallback));
		nhvconf_set(c, NHVCONF_HOSTNAME, fallback, strlen(fallback), NHVCONF_DEFAULT, NULL,
			    0);
	}
}
