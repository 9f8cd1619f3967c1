/* idfile.c - the identity file format (see idfile.h). */
#include "userland/nhv-identity/idfile.h"
#include "userland/nhv-identity/sha256.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct out {
	char *buf;
	size_t size, len;
	int overflow;
};

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->len < o->size ? o->size - o->len : 0, fmt, ap);
	va_end(ap);
	if (n < 0 || o->len + (size_t)n >= o->size)
		o->overflow = 1;
	else
		o->len += (size_t)n;
}

static int needs_escape(unsigned char c)
{
	return c < 0x20 || c == 0x7f || c == '%' || c == '|' || c == ',';
}

static void put_escaped(struct out *o, const char *s)
{
	for (; *s; s++) {
		if (needs_escape((unsigned char)*s))
			put(o, "%%%02X", (unsigned char)*s);
		else
			put(o, "%c", *s);
	}
}

long idfile_format(const struct identity *id, char *buf, size_t size)
{
	struct out o = { buf, size, 0, 0 };
	char u[37], m[18];
	uint8_t sum[32];

	put(&o, "nhv-identity %d\n", ID_VERSION);
	put(&o, "generation=%lu\n", id->generation);
	uuid_format(&id->appliance_uuid, u);
	put(&o, "appliance_uuid=%s\n", u);
	put(&o, "machine_id=%s\n", id->machine_id);
	put(&o, "hostname=%s\n", id->hostname);
	put(&o, "hostname_source=%s\n", id->hostname_from_guestinfo ? "guestinfo" : "derived");
	if (id->hw.uuid_valid) {
		uuid_format(&id->hw.uuid, u);
		put(&o, "hardware_uuid=%s\n", u);
	} else {
		put(&o, "hardware_uuid=unreadable\n");
	}
	for (int i = 0; i < id->hw.nmacs; i++) {
		mac_format(&id->hw.macs[i], m);
		put(&o, "hardware_mac=%s\n", m);
	}
	put(&o, "mac_prefix=%s\n", mac_prefix_name(id->prefix));
	put(&o, "mac_mode=%s\n", mac_mode_name(id->mode));
	put(&o, "decision=%s\n", decision_name(id->decision));
	put(&o, "reason=");
	put_escaped(&o, id->reason);
	put(&o, "\n");
	for (int g = 0; g < id->nguests; g++) {
		const struct guest_id *gi = &id->guests[g];

		put(&o, "guest=");
		put_escaped(&o, gi->file);
		put(&o, "|");
		put_escaped(&o, gi->name);
		uuid_format(&gi->uuid, u);
		put(&o, "|%s|", u);
		for (int k = 0; k < gi->nnics; k++) {
			mac_format(&gi->mac[k], m);
			put(&o, "%s%d=%s", k ? "," : "", gi->nic[k], m);
		}
		put(&o, "\n");
	}
	if (o.overflow)
		return -1;
	sha256(buf, o.len, sum);
	put(&o, "checksum=sha256:");
	for (int i = 0; i < 32; i++)
		put(&o, "%02x", sum[i]);
	put(&o, "\n");
	return o.overflow ? -1 : (long)o.len;
}

static int unescape(const char *s, size_t n, char *out, size_t size)
{
	size_t j = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned v = (unsigned char)s[i];

		if (s[i] == '%') {
			char hex[3] = { 0 };
			char *end;

			if (i + 2 >= n)
				return -1;
			hex[0] = s[i + 1];
			hex[1] = s[i + 2];
			v = (unsigned)strtoul(hex, &end, 16);
			if (end != hex + 2 || v == 0)
				return -1;
			i += 2;
		}
		if (j + 1 >= size)
			return -1;
		out[j++] = (char)v;
	}
	out[j] = '\0';
	return 0;
}

static int fail(char *err, size_t size, int line, const char *fmt, const char *what)
{
	char msg[256], shortv[64];

	snprintf(shortv, sizeof(shortv), "%.60s", what);
	snprintf(msg, sizeof(msg), fmt, shortv);
	snprintf(err, size, "line %d: %s", line, msg);
	return -1;
}

static int parse_guest(const char *v, size_t n, struct guest_id *g)
{
	const char *bar1 = memchr(v, '|', n), *bar2, *bar3, *p, *end = v + n;
	char u[64];

	if (!bar1 || !(bar2 = memchr(bar1 + 1, '|', (size_t)(end - bar1 - 1))) ||
	    !(bar3 = memchr(bar2 + 1, '|', (size_t)(end - bar2 - 1))))
		return -1;
	memset(g, 0, sizeof(*g));
	if (unescape(v, (size_t)(bar1 - v), g->file, sizeof(g->file)) ||
	    unescape(bar1 + 1, (size_t)(bar2 - bar1 - 1), g->name, sizeof(g->name)) ||
	    (size_t)(bar3 - bar2 - 1) >= sizeof(u))
		return -1;
	memcpy(u, bar2 + 1, (size_t)(bar3 - bar2 - 1));
	u[bar3 - bar2 - 1] = '\0';
	if (uuid_parse(u, &g->uuid))
		return -1;
	g->has_uuid = 1;
	for (p = bar3 + 1; p < end;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end;
		char item[32], *eq, *num_end;
		long nic;

		if (g->nnics >= ID_MAX_NICS || (size_t)(stop - p) >= sizeof(item))
			return -1;
		memcpy(item, p, (size_t)(stop - p));
		item[stop - p] = '\0';
		eq = strchr(item, '=');
		if (!eq)
			return -1;
		*eq = '\0';
		nic = strtol(item, &num_end, 10);
		if (num_end == item || *num_end || nic < 0 || nic > 99 ||
		    mac_parse(eq + 1, &g->mac[g->nnics]))
			return -1;
		g->nic[g->nnics] = (int)nic;
		g->has_mac[g->nnics++] = 1;
		p = comma ? comma + 1 : end;
	}
	return 0;
}

int idfile_parse(const char *buf, size_t len, struct identity *id, char *err, size_t errsize)
{
	static const char head[] = "nhv-identity ";
	const char *p = buf, *end = buf + len, *sumline = NULL;
	unsigned seen = 0;
	int line = 0;

	memset(id, 0, sizeof(*id));
	if (len == 0)
		return fail(err, errsize, 1, "%s", "empty file, expected \"nhv-identity 1\"");
	if (len < sizeof(head) - 1 || memcmp(buf, head, sizeof(head) - 1) != 0)
		return fail(err, errsize, 1, "%s", "expected \"nhv-identity <version>\"");
	if (memchr(buf, '\0', len))
		return fail(err, errsize, 1, "%s", "NUL byte in a text file");

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end, *eq;
		size_t klen, vlen;
		char val[ID_REASON_MAX * 3 + 1024];

		line++;
		if (!nl)
			return fail(err, errsize, line, "%s", "truncated: last line has no newline");
		if (sumline)
			return fail(err, errsize, line, "%s", "text after the checksum line");
		if (line == 1) {
			char *vend;
			long v;

			if ((size_t)(eol - p) - (sizeof(head) - 1) >= 16)
				return fail(err, errsize, 1, "%s", "version field too long");
			memcpy(val, p + sizeof(head) - 1, (size_t)(eol - p) - (sizeof(head) - 1));
			val[eol - p - (long)(sizeof(head) - 1)] = '\0';
			v = strtol(val, &vend, 10);
			if (vend == val || *vend || v != ID_VERSION)
				return fail(err, errsize, 1, "unsupported version \"%s\", expected 1", val);
			id->version = (int)v;
			p = nl + 1;
			continue;
		}
		eq = memchr(p, '=', (size_t)(eol - p));
		if (!eq)
			return fail(err, errsize, line, "%s", "expected key=value");
		klen = (size_t)(eq - p);
		vlen = (size_t)(eol - eq - 1);
		if (vlen >= sizeof(val))
			return fail(err, errsize, line, "%s", "value too long");
		memcpy(val, eq + 1, vlen);
		val[vlen] = '\0';
#define KEY(k) (klen == sizeof(k) - 1 && memcmp(p, k, klen) == 0)
		if (KEY("checksum")) {
			sumline = p;
		} else if (KEY("generation")) {
			char *vend;

			id->generation = strtoul(val, &vend, 10);
			if (vend == val || *vend)
				return fail(err, errsize, line, "generation \"%s\" is not a number", val);
			seen |= 1;
		} else if (KEY("appliance_uuid")) {
			if (uuid_parse(val, &id->appliance_uuid))
				return fail(err, errsize, line, "appliance_uuid \"%s\" is not a UUID", val);
			seen |= 2;
		} else if (KEY("machine_id")) {
			if (vlen != 32 || strspn(val, "0123456789abcdef") != 32)
				return fail(err, errsize, line, "machine_id \"%s\" is not 32 hex digits", val);
			memcpy(id->machine_id, val, 33);
			seen |= 4;
		} else if (KEY("hostname")) {
			if (vlen == 0 || vlen >= sizeof(id->hostname))
				return fail(err, errsize, line, "hostname \"%s\" empty or too long", val);
			memcpy(id->hostname, val, vlen + 1);
			seen |= 8;
		} else if (KEY("hostname_source")) {
			if (strcmp(val, "guestinfo") && strcmp(val, "derived"))
				return fail(err, errsize, line, "hostname_source \"%s\", expected guestinfo or derived", val);
			id->hostname_from_guestinfo = strcmp(val, "guestinfo") == 0;
		} else if (KEY("hardware_uuid")) {
			if (strcmp(val, "unreadable") == 0) {
				id->hw.uuid_valid = 0;
			} else if (uuid_parse(val, &id->hw.uuid) == 0) {
				id->hw.uuid_valid = 1;
			} else {
				return fail(err, errsize, line, "hardware_uuid \"%s\" is not a UUID", val);
			}
			seen |= 16;
		} else if (KEY("hardware_mac")) {
			if (id->hw.nmacs >= ID_MAX_HW_MACS || mac_parse(val, &id->hw.macs[id->hw.nmacs]))
				return fail(err, errsize, line, "hardware_mac \"%s\" is not a MAC (or too many)", val);
			id->hw.nmacs++;
		} else if (KEY("mac_prefix")) {
			if (parse_mac_prefix(val, &id->prefix))
				return fail(err, errsize, line, "mac_prefix \"%s\", expected local or vmware", val);
		} else if (KEY("mac_mode")) {
			if (parse_mac_mode(val, &id->mode))
				return fail(err, errsize, line, "mac_mode \"%s\", expected random or deterministic", val);
		} else if (KEY("decision")) {
			enum decision d;

			for (d = DEC_NEW; d <= DEC_CLONED; d++)
				if (strcmp(val, decision_name(d)) == 0)
					break;
			if (d > DEC_CLONED)
				return fail(err, errsize, line, "decision \"%s\", expected new|same|moved|cloned", val);
			id->decision = d;
		} else if (KEY("reason")) {
			if (unescape(val, vlen, id->reason, sizeof(id->reason)))
				return fail(err, errsize, line, "%s", "bad escape in reason");
		} else if (KEY("guest")) {
			if (id->nguests >= ID_MAX_GUESTS ||
			    parse_guest(val, vlen, &id->guests[id->nguests]))
				return fail(err, errsize, line, "guest \"%s\", expected file|name|uuid|N=mac,...", val);
			id->nguests++;
		} else {
			char key[64];

			snprintf(key, sizeof(key), "%.*s", (int)(klen < 60 ? klen : 60), p);
			return fail(err, errsize, line, "unknown key \"%s\"", key);
		}
#undef KEY
		p = nl + 1;
	}
	if (!sumline)
		return fail(err, errsize, line, "%s", "no checksum line: file truncated");
	{
		uint8_t sum[32];
		char hex[65], want[96];
		size_t wl;

		sha256(buf, (size_t)(sumline - buf), sum);
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", sum[i]);
		snprintf(want, sizeof(want), "checksum=sha256:%s\n", hex);
		wl = strlen(want);
		if ((size_t)(end - sumline) != wl || memcmp(sumline, want, wl) != 0)
			return fail(err, errsize, line, "%s", "checksum mismatch: file damaged");
	}
	if ((seen & 31) != 31)
		return fail(err, errsize, line, "%s",
			    "missing one of generation, appliance_uuid, machine_id, hostname, hardware_uuid");
	return 0;
}
