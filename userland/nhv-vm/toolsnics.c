/*
 * toolsnics.c - see toolsnics.h.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include "userland/nhv-vm/toolsnics.h"

void toolsnics_json(FILE *f, const struct nicinfo *n)
{
	char a[NICINFO_ADDR_STR];

	fputc('[', f);
	for (unsigned int i = 0; i < n->nnics && i < NICINFO_NICS_MAX; i++) {
		const struct nicinfo_nic *nic = &n->nic[i];

		/* The MAC is canonical (hex and colons) or empty: no quoting needed. */
		fprintf(f, "%s{\"mac\":\"%s\",\"addrs\":[", i ? "," : "", nic->mac);
		for (unsigned int k = 0; k < nic->naddrs && k < NICINFO_ADDRS_MAX; k++) {
			nicinfo_addr_str(&nic->addr[k], a, sizeof(a));
			fprintf(f, "%s\"%s\"", k ? "," : "", a);
		}
		fprintf(f, "],\"dropped\":%u}", nic->dropped);
	}
	fputc(']', f);
}

struct rd {
	const char *p;
	int bad;
};

/* Consumes lit when it comes next. */
static int lit(struct rd *r, const char *s)
{
	size_t n = strlen(s);

	if (r->bad || strncmp(r->p, s, n)) {
		r->bad = 1;
		return -1;
	}
	r->p += n;
	return 0;
}

/* A string of at most cap-1 characters from [0-9a-f.:/], as the writer makes them. */
static int str(struct rd *r, char *out, size_t cap)
{
	size_t n = 0;

	if (lit(r, "\""))
		return -1;
	while (*r->p && *r->p != '"') {
		if (n + 1 >= cap || !strchr("0123456789abcdef.:/", *r->p)) {
			r->bad = 1;
			return -1;
		}
		out[n++] = *r->p++;
	}
	out[n] = '\0';
	return lit(r, "\"");
}

/* "10.0.0.1/24", "fe80::1/64" or a V1 address without prefix. */
static int parse_addr(const char *s, struct nicinfo_addr *a)
{
	char ip[NICINFO_ADDR_STR];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	long prefix = 0xFF;

	memset(a, 0, sizeof(*a));
	if (n >= sizeof(ip))
		return -1;
	memcpy(ip, s, n);
	ip[n] = '\0';
	a->family = strchr(ip, ':') ? 6 : 4;
	if (inet_pton(a->family == 4 ? AF_INET : AF_INET6, ip, a->bytes) != 1)
		return -1;
	if (slash) {
		char *end;

		prefix = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || prefix < 0 || prefix > (a->family == 4 ? 32 : 128))
			return -1;
	}
	a->prefix = (uint8_t)prefix;
	return 0;
}

static int number(struct rd *r, unsigned int *v)
{
	char *end;
	unsigned long x;

	if (r->bad || *r->p < '0' || *r->p > '9') {
		r->bad = 1;
		return -1;
	}
	x = strtoul(r->p, &end, 10);
	if (x > 1000000) {
		r->bad = 1;
		return -1;
	}
	r->p = end;
	*v = (unsigned int)x;
	return 0;
}

static int nic(struct rd *r, struct nicinfo_nic *n)
{
	char a[NICINFO_ADDR_STR];

	if (lit(r, "{\"mac\":") || str(r, n->mac, sizeof(n->mac)) || lit(r, ",\"addrs\":["))
		return -1;
	if (n->mac[0] && strlen(n->mac) != 17)
		return r->bad = 1, -1;
	while (*r->p != ']') {
		if (n->naddrs && lit(r, ","))
			return -1;
		if (n->naddrs >= NICINFO_ADDRS_MAX || str(r, a, sizeof(a)) ||
		    parse_addr(a, &n->addr[n->naddrs]))
			return r->bad = 1, -1;
		n->naddrs++;
	}
	if (lit(r, "],\"dropped\":") || number(r, &n->dropped))
		return -1;
	return lit(r, "}");
}

int toolsnics_parse(const char *status, struct nicinfo *out)
{
	struct rd r = { strstr(status, "\"tools_nics\":"), 0 };

	memset(out, 0, sizeof(*out));
	if (!r.p)
		return 0;
	if (lit(&r, "\"tools_nics\":["))
		return -1;
	while (*r.p != ']') {
		if (out->nnics && lit(&r, ","))
			break;
		if (out->nnics >= NICINFO_NICS_MAX || nic(&r, &out->nic[out->nnics])) {
			r.bad = 1;
			break;
		}
		out->nnics++;
	}
	if (r.bad) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 1;
}

static int known(const char *mac, const char (*vm_macs)[18], unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(mac, vm_macs[i]))
			return 1;
	return 0;
}

static int usable_ipv4(const struct nicinfo_addr *a)
{
	return a->family == 4 && a->bytes[0] != 127 && a->bytes[0] != 0 &&
	       !(a->bytes[0] == 169 && a->bytes[1] == 254);
}

void toolsnics_ip(const struct nicinfo *n, const char *mac, const char *skip,
		  const char (*vm_macs)[18], unsigned int nmacs, char *out, size_t len)
{
	out[0] = '\0';
	for (unsigned int i = 0; i < n->nnics && i < NICINFO_NICS_MAX; i++) {
		const struct nicinfo_nic *nic = &n->nic[i];

		if (mac ? strcmp(nic->mac, mac) != 0 : known(nic->mac, vm_macs, nmacs))
			continue;
		for (unsigned int k = 0; k < nic->naddrs && k < NICINFO_ADDRS_MAX; k++) {
			if (!usable_ipv4(&nic->addr[k]) ||
			    !inet_ntop(AF_INET, nic->addr[k].bytes, out, (socklen_t)len))
				continue;
			if (!skip || strcmp(out, skip))
				return;
		}
	}
	out[0] = '\0';
}

void toolsnics_print_addrs(FILE *f, const struct nicinfo_nic *n)
{
	char a[NICINFO_ADDR_STR];

	for (unsigned int k = 0; k < n->naddrs; k++) {
		nicinfo_addr_str(&n->addr[k], a, sizeof(a));
		fprintf(f, "%s %s", k ? "," : "", a);
	}
	fputs(n->naddrs ? "" : " no address", f);
	if (n->dropped)
		fprintf(f, " (+%u not shown)", n->dropped);
}
