/*
 * nhvconf.c - nhv configuration keys: sources, precedence and checks.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "userland/lib/nhvconf.h"
#include "userland/lib/cmdline.h"
#include "userland/lib/hexfmt.h"

static const char *const key_names[NHVCONF_NKEYS] = {
	"hostname", "ipaddress", "netmask", "gateway", "dns", "ntp", "password",
	"datadisk", "macprefix", "macmode",
};

const char *nhvconf_key_name(enum nhvconf_key k)
{
	return (unsigned)k < NHVCONF_NKEYS ? key_names[k] : "?";
}

static int key_index_n(const char *name, size_t len)
{
	int i;

	for (i = 0; i < NHVCONF_NKEYS; i++)
		if (strlen(key_names[i]) == len && memcmp(key_names[i], name, len) == 0)
			return i;
	return -1;
}

int nhvconf_key_index(const char *name)
{
	return name ? key_index_n(name, strlen(name)) : -1;
}

const char *nhvconf_source_name(enum nhvconf_source s)
{
	switch (s) {
	case NHVCONF_UNSET:
		return "unset";
	case NHVCONF_DEFAULT:
		return "default";
	case NHVCONF_DATADISK_FILE:
		return "data disk";
	case NHVCONF_CMDLINE:
		return "kernel command line";
	case NHVCONF_OVFENV:
		return "guestinfo.ovfEnv";
	case NHVCONF_GUESTINFO:
		return "guestinfo";
	}
	return "?";
}

void nhvconf_init(struct nhvconf *c)
{
	memset(c, 0, sizeof(*c));
}

const char *nhvconf_get(const struct nhvconf *c, enum nhvconf_key k)
{
	if ((unsigned)k >= NHVCONF_NKEYS || c->v[k].source == NHVCONF_UNSET)
		return NULL;
	return c->v[k].value;
}

static void say(char *why, size_t whylen, const char *text)
{
	if (why && whylen)
		snprintf(why, whylen, "%s", text);
}

int nhvconf_valid_hostname(const char *name)
{
	size_t len = strlen(name), label = 0, i;

	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i < len; i++) {
		char ch = name[i];
		int alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			    (ch >= '0' && ch <= '9');

		if (ch == '.') {
			if (label == 0 || name[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!alnum && ch != '-')
			return 0;
		if (ch == '-' && label == 0)
			return 0;
		if (++label > 63)
			return 0;
	}
	return name[len - 1] != '-' && name[len - 1] != '.';
}

int nhvconf_hosts_text(char *buf, size_t cap, const char *name)
{
	int n = snprintf(buf, cap, "127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost\n",
			 name);

	return n < 0 || (size_t)n >= cap ? -1 : n;
}

int nhvconf_valid_ipv4(const char *s, size_t len)
{
	unsigned parts = 0, digits = 0, val = 0;
	size_t i;

	for (i = 0; i <= len; i++) {
		char ch = i < len ? s[i] : '.';

		if (ch >= '0' && ch <= '9') {
			if (digits && val == 0)
				return 0;	/* no leading zeros */
			val = val * 10 + (unsigned)(ch - '0');
			if (++digits > 3 || val > 255)
				return 0;
		} else if (ch == '.') {
			if (!digits)
				return 0;
			parts++;
			digits = 0;
			val = 0;
		} else {
			return 0;
		}
	}
	return parts == 4;
}

int nhvconf_netmask_prefix(const char *s)
{
	unsigned a[4], v, prefix = 0, i;
	uint32_t mask;
	int n = 0;
	char extra;

	if (*s && strlen(s) <= 2 && strspn(s, "0123456789") == strlen(s)) {
		sscanf(s, "%u", &v);
		return v <= 32 ? (int)v : -1;
	}
	if (!nhvconf_valid_ipv4(s, strlen(s)) ||
	    sscanf(s, "%u.%u.%u.%u%c%n", &a[0], &a[1], &a[2], &a[3], &extra, &n) != 4)
		return -1;
	mask = (uint32_t)a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3];
	for (i = 0; i < 32 && (mask & (0x80000000u >> i)); i++)
		prefix++;
	if (prefix < 32 && (mask << prefix) != 0)
		return -1;	/* not contiguous */
	return (int)prefix;
}

/* Space- or comma-separated list whose items pass item(). */
static int valid_list(const char *s, int (*item)(const char *, size_t))
{
	size_t n = 0;

	while (*s) {
		size_t len = strcspn(s, " ,");

		if (len) {
			if (!item(s, len))
				return 0;
			n++;
		}
		s += len;
		s += strspn(s, " ,");
	}
	return n > 0;
}

static int host_or_ip(const char *s, size_t len)
{
	char tmp[NHVCONF_VALUE_MAX];

	if (len >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	return nhvconf_valid_ipv4(s, len) || nhvconf_valid_hostname(tmp);
}

int nhvconf_check(enum nhvconf_key k, const char *v, char *why, size_t whylen)
{
	switch (k) {
	case NHVCONF_HOSTNAME:
		if (nhvconf_valid_hostname(v))
			return 0;
		say(why, whylen, "expected a host name: letters, digits and '-', labels of 1-63");
		return -1;
	case NHVCONF_IPADDRESS:
	case NHVCONF_GATEWAY:
		if (nhvconf_valid_ipv4(v, strlen(v)))
			return 0;
		say(why, whylen, "expected an IPv4 address such as 192.168.1.10");
		return -1;
	case NHVCONF_NETMASK:
		if (nhvconf_netmask_prefix(v) >= 0)
			return 0;
		say(why, whylen, "expected a netmask such as 255.255.255.0 or a prefix length 0-32");
		return -1;
	case NHVCONF_DNS:
		if (valid_list(v, nhvconf_valid_ipv4))
			return 0;
		say(why, whylen, "expected IPv4 addresses separated by spaces or commas");
		return -1;
	case NHVCONF_NTP:
		if (valid_list(v, host_or_ip))
			return 0;
		say(why, whylen, "expected host names or IPv4 addresses separated by spaces or commas");
		return -1;
	case NHVCONF_PASSWORD:
		if (!strpbrk(v, "\n\r:"))
			return 0;
		say(why, whylen, "a password cannot hold ':' or a line break");
		return -1;
	case NHVCONF_DATADISK:
		if (strcmp(v, "format") == 0)
			return 0;
		say(why, whylen, "expected format");
		return -1;
	case NHVCONF_MACPREFIX:
		if (strcmp(v, "local") == 0 || strcmp(v, "vmware") == 0)
			return 0;
		say(why, whylen, "expected local or vmware");
		return -1;
	case NHVCONF_MACMODE:
		if (strcmp(v, "random") == 0 || strcmp(v, "deterministic") == 0)
			return 0;
		say(why, whylen, "expected random or deterministic");
		return -1;
	case NHVCONF_NKEYS:
		break;
	}
	say(why, whylen, "unknown key");
	return -1;
}

int nhvconf_set(struct nhvconf *c, enum nhvconf_key k, const char *value, size_t len,
		enum nhvconf_source source, char *why, size_t whylen)
{
	char tmp[NHVCONF_VALUE_MAX];

	if ((unsigned)k >= NHVCONF_NKEYS) {
		say(why, whylen, "unknown key");
		return -1;
	}
	/* Trim surrounding white space: govc and OVF tools keep what is typed. */
	while (len && (*value == ' ' || *value == '\t')) {
		value++;
		len--;
	}
	while (len && (value[len - 1] == ' ' || value[len - 1] == '\t' ||
		       value[len - 1] == '\n' || value[len - 1] == '\r'))
		len--;
	if (len == 0)
		return 0;
	if (len >= sizeof(tmp) || memchr(value, '\0', len)) {
		say(why, whylen, "value too long (255 bytes at most)");
		return -1;
	}
	memcpy(tmp, value, len);
	tmp[len] = '\0';
	if (nhvconf_check(k, tmp, why, whylen) != 0)
		return -1;
	if (k == NHVCONF_DATADISK && source == NHVCONF_DATADISK_FILE) {
		say(why, whylen, "datadisk is read before the data disk is mounted: set it on the "
				 "kernel command line or in guestinfo");
		return -1;
	}
	if (c->v[k].source > source)
		return 0;
	memcpy(c->v[k].value, tmp, len + 1);
	c->v[k].source = source;
	return 1;
}

int nhvconf_parse_cmdline(struct nhvconf *c, const char *s, size_t len)
{
	/* Both spellings: nhv's own and the .vmx key's (same length). */
	static const char prefix[] = "nhv.guestinfo.", prefix2[] = "guestinfo.nhv.";
	const size_t plen = sizeof(prefix) - 1;
	struct cmdline_word w;
	size_t pos = 0;
	int set = 0, k;

	while (cmdline_next(s, len, &pos, &w)) {
		if (w.klen < plen || (memcmp(w.key, prefix, plen) != 0 &&
				      memcmp(w.key, prefix2, plen) != 0))
			continue;
		k = key_index_n(w.key + plen, w.klen - plen);
		if (!w.val || k < 0 || w.open_quote || memchr(w.val, '"', w.vlen)) {
			c->ignored++;
			continue;
		}
		switch (nhvconf_set(c, (enum nhvconf_key)k, w.val, w.vlen, NHVCONF_CMDLINE, NULL, 0)) {
		case 1:
			set++;
			break;
		case -1:
			c->ignored++;
			break;
		}
	}
	return set;
}

/* Finds attribute NAME (with any namespace prefix, e.g. oe:key) inside the
 * tag text [p, end); returns the value's start and length, or NULL. */
static const char *xml_attr(const char *p, const char *end, const char *name, size_t *vlen)
{
	size_t nlen = strlen(name);

	while (p < end) {
		const char *q;
		char quote;

		if ((size_t)(end - p) > nlen + 1 &&
		    (p[-1] == ' ' || p[-1] == ':' || p[-1] == '\t' || p[-1] == '\n' ||
		     p[-1] == '\r') &&
		    memcmp(p, name, nlen) == 0 && p[nlen] == '=') {
			quote = p[nlen + 1];
			if (quote != '"' && quote != '\'')
				return NULL;
			q = p + nlen + 2;
			while (q < end && *q != quote)
				q++;
			if (q >= end)
				return NULL;
			*vlen = (size_t)(q - (p + nlen + 2));
			return p + nlen + 2;
		}
		p++;
	}
	return NULL;
}

/* Decodes the five predefined XML entities and &#N;/&#xN; for ASCII;
 * returns the decoded length, or -1 when out would overflow or the text
 * holds an entity it does not know. */
static long xml_unescape(const char *s, size_t len, char *out, size_t cap)
{
	static const struct { const char *name; char ch; } ents[] = {
		{ "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' }, { "quot;", '"' }, { "apos;", '\'' },
	};
	size_t i = 0, o = 0, e;

	while (i < len) {
		char ch = s[i];

		if (ch == '&') {
			size_t rest = len - i - 1;
			int done = 0;

			for (e = 0; e < sizeof(ents) / sizeof(ents[0]); e++) {
				size_t el = strlen(ents[e].name);

				if (rest >= el && memcmp(s + i + 1, ents[e].name, el) == 0) {
					ch = ents[e].ch;
					i += el;
					done = 1;
					break;
				}
			}
			if (!done && rest >= 3 && s[i + 1] == '#') {
				size_t j = i + 2;
				unsigned v = 0, base = 10, nd = 0;

				if (s[j] == 'x') {
					base = 16;
					j++;
				}
				for (; j < len && s[j] != ';' && nd < 6; j++, nd++) {
					int d = hex_digit((unsigned char)s[j]);

					if (d < 0 || (unsigned)d >= base)
						return -1;
					v = v * base + (unsigned)d;
				}
				if (j >= len || s[j] != ';' || nd == 0 || v == 0 || v > 0x7F)
					return -1;
				ch = (char)v;
				i = j;
				done = 1;
			}
			if (!done)
				return -1;
		}
		if (o + 1 >= cap)
			return -1;
		out[o++] = ch;
		i++;
	}
	out[o] = '\0';
	return (long)o;
}

int nhvconf_parse_ovfenv(struct nhvconf *c, const char *xml, size_t len)
{
	const char *p = xml, *end = xml + len;
	int set = 0;

	while (p < end) {
		const char *tag = NULL, *tend, *kv, *vv, *name;
		size_t klen, vlen, nlen, left = (size_t)(end - p);
		char key[NHVCONF_VALUE_MAX], val[NHVCONF_VALUE_MAX];
		long kl, vl;
		int k;

		/* Next "<Property" or "<x:Property" start tag. */
		while (left >= 9) {
			if (*p == '<') {
				const char *q = p + 1;

				while (q < end && q - p < 32 && *q != ':' && *q != ' ' && *q != '>')
					q++;
				if (q < end && *q == ':')
					q++;
				else
					q = p + 1;
				if ((size_t)(end - q) >= 9 && memcmp(q, "Property", 8) == 0 &&
				    (q[8] == ' ' || q[8] == '\t' || q[8] == '\n' || q[8] == '\r')) {
					tag = q + 8;
					break;
				}
			}
			p++;
			left--;
		}
		if (!tag)
			break;
		tend = memchr(tag, '>', (size_t)(end - tag));
		if (!tend)
			break;
		p = tend + 1;
		kv = xml_attr(tag, tend, "key", &klen);
		vv = xml_attr(tag, tend, "value", &vlen);
		if (!kv || !vv)
			continue;
		kl = xml_unescape(kv, klen, key, sizeof(key));
		vl = xml_unescape(vv, vlen, val, sizeof(val));
		if (kl < 0 || vl < 0) {
			c->ignored++;
			continue;
		}
		name = key;
		nlen = (size_t)kl;
		if (nlen > 10 && memcmp(name, "guestinfo.", 10) == 0) {
			name += 10;
			nlen -= 10;
		}
		if (nlen > 4 && memcmp(name, "nhv.", 4) == 0) {
			name += 4;
			nlen -= 4;
		}
		k = key_index_n(name, nlen);
		if (k < 0)
			continue;	/* other appliances' properties are none of ours */
		switch (nhvconf_set(c, (enum nhvconf_key)k, val, (size_t)vl, NHVCONF_OVFENV, NULL,
				    0)) {
		case 1:
			set++;
			break;
		case -1:
			c->ignored++;
			break;
		}
	}
	return set;
}
