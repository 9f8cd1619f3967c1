/*
 * host_rpci.c - RPCI commands, host side: one complete guest message in,
 * the reply ("1 <result>" or "0 <error>") out.  Reference 3.4 and 4.1.
 */
#include <stdio.h>
#include <string.h>

#include "handshake/host.h"
#include "handshake/nhvbd_err.h"

struct reply {
	char *buf;
	size_t cap, len;
};

static void put(struct reply *o, const char *text, size_t len)
{
	if (o->len + len > o->cap)
		len = o->cap - o->len;
	memcpy(o->buf + o->len, text, len);
	o->len += len;
}

static void answer(struct reply *o, int ok, const char *text)
{
	put(o, ok ? "1 " : "0 ", 2);
	put(o, text, strlen(text));
}

/* Decimal uint32; the whole string must be digits. */
static int parse_u32(const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > 0xFFFFFFFFu)
			return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

static void copy_text(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void info_get(struct nhvbd_host *h, const char *args, struct reply *o)
{
	char key[NHVBD_KV_KEY_MAX + 1];
	size_t n = strlen(args);
	const char *v;

	/* "info-get guestinfo.foo" and old clients' "info-get guestinfo.foo " */
	while (n && args[n - 1] == ' ')
		n--;
	if (n == 0 || n > NHVBD_KV_KEY_MAX || strncmp(args, "guestinfo.", 10) != 0) {
		answer(o, 0, RPCI_NO_VALUE);
		return;
	}
	memcpy(key, args, n);
	key[n] = '\0';
	v = nhvbd_kv_get(&h->guestinfo, key);
	if (!v) {
		answer(o, 0, RPCI_NO_VALUE);
		return;
	}
	answer(o, 1, v);
}

static void info_set(struct nhvbd_host *h, const char *args, struct reply *o)
{
	char key[NHVBD_KV_KEY_MAX + 1];
	const char *sp = strchr(args, ' '), *value;
	size_t klen = sp ? (size_t)(sp - args) : strlen(args);
	int err;

	if (klen == 0 || klen > NHVBD_KV_KEY_MAX || strncmp(args, "guestinfo.", 10) != 0 ||
	    klen <= 10) {
		answer(o, 0, "Invalid key: only guestinfo.<name> can be set");
		return;
	}
	memcpy(key, args, klen);
	key[klen] = '\0';
	value = sp ? sp + 1 : "";
	err = nhvbd_kv_set(&h->guestinfo, key, value, strlen(value));
	if (err) {
		answer(o, 0, err == NHVBD_ENOSPACE ? "Out of guestinfo space" : "Invalid value");
		return;
	}
	nhvbd_host_emit(h, NHVBD_EV_GUESTINFO_SET, key, value, 0, 0);
	answer(o, 1, "");
}

static void set_version(struct nhvbd_host *h, const char *args, int with_type,
			struct reply *o)
{
	char num[16];
	const char *sp = strchr(args, ' ');
	size_t n = sp ? (size_t)(sp - args) : strlen(args);
	uint32_t version, type = 0;

	if (n == 0 || n >= sizeof(num)) {
		answer(o, 0, "Invalid version");
		return;
	}
	memcpy(num, args, n);
	num[n] = '\0';
	if (parse_u32(num, &version) != 0 ||
	    (with_type && (!sp || parse_u32(sp + 1, &type) != 0)) ||
	    (!with_type && sp && sp[1])) {
		answer(o, 0, "Invalid version");
		return;
	}
	h->tools.version_set = 1;
	h->tools.version = version;
	h->tools.version_type = type;
	nhvbd_host_emit(h, NHVBD_EV_TOOLS_VERSION, NULL, NULL, version, type);
	answer(o, 1, "");
}

/* "SetGuestInfo  <type> <value>": args start after the first space, so
 * they read " <type> <value>". */
static void set_guest_info(struct nhvbd_host *h, const char *args, struct reply *o)
{
	char num[12];
	const char *p = args, *sp;
	uint32_t type;
	size_t n;

	while (*p == ' ')
		p++;
	sp = strchr(p, ' ');
	n = sp ? (size_t)(sp - p) : strlen(p);
	if (n == 0 || n >= sizeof(num)) {
		answer(o, 0, "Invalid SetGuestInfo type");
		return;
	}
	memcpy(num, p, n);
	num[n] = '\0';
	if (parse_u32(num, &type) != 0) {
		answer(o, 0, "Invalid SetGuestInfo type");
		return;
	}
	p = sp ? sp + 1 : "";
	if (type == INFO_DNS_NAME)
		copy_text(h->tools.hostname, sizeof(h->tools.hostname), p);
	else if (type == INFO_IPADDRESS)
		copy_text(h->tools.ip, sizeof(h->tools.ip), p);
	nhvbd_host_emit(h, NHVBD_EV_GUEST_INFO, NULL, p, type, 0);
	answer(o, 1, "");
}

static void statechange(struct nhvbd_host *h, const char *args, struct reply *o)
{
	char a[12], b[12];
	const char *sp = strchr(args, ' ');
	size_t n = sp ? (size_t)(sp - args) : 0;
	uint32_t ok, state;

	if (!sp || n == 0 || n >= sizeof(a) || strlen(sp + 1) >= sizeof(b)) {
		answer(o, 0, "Invalid state change status");
		return;
	}
	memcpy(a, args, n);
	a[n] = '\0';
	copy_text(b, sizeof(b), sp + 1);
	if (parse_u32(a, &ok) != 0 || parse_u32(b, &state) != 0) {
		answer(o, 0, "Invalid state change status");
		return;
	}
	h->tools.statechange_seen = 1;
	h->tools.statechange_ok = ok;
	h->tools.statechange_state = state;
	nhvbd_host_emit(h, NHVBD_EV_STATECHANGE, NULL, NULL, state, ok);
	answer(o, 1, "");
}

/*
 * "SetGuestInfo  <type> <binary>": the NIC report vmtoolsd sends as XDR
 * (types 9 and 10) or as the V1 C struct (type 2 with a NUL inside), see
 * nicinfo_xdr.h.  1 when msg is one of them (answered in o), else 0.
 */
static int nic_report(struct nhvbd_host *h, const char *msg, size_t len, struct reply *o)
{
	static const char cmd[] = GUEST_INFO_COMMAND " ";
	struct nicinfo *ni = &h->tools.nics;
	uint32_t type = 0;
	size_t i = sizeof(cmd) - 1, digits = 0;
	const uint8_t *data;
	char text[160];
	int r;

	if (len < i || memcmp(msg, cmd, i))
		return 0;
	while (i < len && msg[i] == ' ')
		i++;
	for (; i < len && msg[i] >= '0' && msg[i] <= '9' && digits < 3; i++, digits++)
		type = type * 10 + (uint32_t)(msg[i] - '0');
	if (!digits || i >= len || msg[i] != ' ')
		return 0;
	data = (const uint8_t *)msg + i + 1;
	len -= i + 1;
	/* Type 2 is the V1 struct when a NUL comes before the text's final one. */
	if (type == INFO_IPADDRESS_V2 || type == INFO_IPADDRESS_V3)
		r = nicinfo_decode_xdr(data, len, ni);
	else if (type == INFO_IPADDRESS && len > 1 && memchr(data, '\0', len - 1))
		r = nicinfo_decode_v1(data, len, ni);
	else
		return 0;
	if (r) {
		/* A bad report leaves nothing half-decoded behind. */
		memset(ni, 0, sizeof(*ni));
		snprintf(text, sizeof(text), "NIC report (SetGuestInfo %u, %zu bytes): %s", type,
			 len, nicinfo_strerror(r));
		nhvbd_host_emit(h, NHVBD_EV_NIC_INFO, NULL, text, type, 0);
		answer(o, 0, "Invalid NIC info");
		return 1;
	}
	h->tools.nic_reports++;
	nhvbd_host_emit(h, NHVBD_EV_NIC_INFO, NULL, NULL, type, 1);
	answer(o, 1, "");
	return 1;
}

size_t nhvbd_host_rpci(struct nhvbd_host *h, const char *msg, size_t len, char *reply, size_t cap)
{
	struct reply o = { reply, cap, 0 };
	char name[64];
	const char *sp, *args;
	size_t n;

	if (nic_report(h, msg, len, &o))
		return o.len;

	/* open-vm-tools send most RPCI text with its terminating NUL
	 * (RpcChannel_Send(chan, msg, strlen(msg) + 1, ...)): one NUL at the
	 * end ends the text.  Text only: a NUL inside the message would cut
	 * every string below (the binary NIC reports went to nic_report). */
	if (len > 0 && msg[len - 1] == '\0')
		len--;
	if (memchr(msg, '\0', len)) {
		answer(&o, 0, "Invalid message");
		return o.len;
	}
	sp = memchr(msg, ' ', len);
	n = sp ? (size_t)(sp - msg) : len;
	args = sp ? sp + 1 : msg + len;
	if (n == 0 || n >= sizeof(name)) {
		answer(&o, 0, RPCI_UNKNOWN_COMMAND);
		return o.len;
	}
	memcpy(name, msg, n);
	name[n] = '\0';

	if (strcmp(name, "info-get") == 0) {
		info_get(h, args, &o);
	} else if (strcmp(name, "info-set") == 0) {
		info_set(h, args, &o);
	} else if (strcmp(name, "tools.set.version") == 0) {
		set_version(h, args, 0, &o);
	} else if (strcmp(name, "tools.set.versiontype") == 0) {
		set_version(h, args, 1, &o);
	} else if (strcmp(name, "log") == 0) {
		h->tools.logs++;
		nhvbd_host_emit(h, NHVBD_EV_LOG, NULL, args, 0, 0);
		answer(&o, 1, "");
	} else if (strcmp(name, GUEST_INFO_COMMAND) == 0) {
		set_guest_info(h, args, &o);
	} else if (strncmp(name, "tools.capability.", 17) == 0 ||
		   strncmp(name, "vmx.capability.", 15) == 0) {
		h->tools.capabilities++;
		nhvbd_host_emit(h, NHVBD_EV_CAPABILITY, NULL, msg, 0, 0);
		answer(&o, 1, "");
	} else if (strcmp(name, "tools.os.statechange.status") == 0) {
		statechange(h, args, &o);
	} else {
		answer(&o, 0, RPCI_UNKNOWN_COMMAND);
	}
	return o.len;
}
