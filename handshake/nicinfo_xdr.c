/*
 * nicinfo_xdr.c - see nicinfo_xdr.h.  A cursor over the bytes: every read
 * checks what is left first, and the first failure sticks (later reads
 * return it at once), so the callers check once per item.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "handshake/nicinfo_xdr.h"

/* nicinfo.x limits (lib/guestRpc/nicinfo.x) */
#define X_MAX_IP_LEN		64	/* V2 VmIpAddress text fields */
#define X_MAC_LEN		18	/* V2 char[18], V3 string<18> */
#define X_MAX_IPS		2048	/* ips<NICINFO_MAX_IPS> */
#define X_INET_ADDR_MAX		255	/* opaque InetAddress<255> */
#define X_DNS_NAME_MAX		255	/* string DnsHostname<255> */
#define X_DNS_SERVERS		16
#define X_DNS_SUFFIXES		10
#define X_ROUTES		100
#define X_DHCP_MAX		16384
#define X_NIC_INFO_V2		2
#define X_NIC_INFO_V3		3
/* InetAddressType (RFC 4001) */
#define IAT_IPV4		1
#define IAT_IPV6		2
#define IAT_IPV4Z		3
#define IAT_IPV6Z		4
/* guestInfo.h, the V1 C struct: MAX_NICS, MAX_IPS, MAC_ADDR_SIZE, IP_ADDR_SIZE */
#define V1_NICS			16
#define V1_IPS			8
#define V1_MAC			19
#define V1_IP			16
#define V1_ENTRY		152	/* 4 + 19 + 8 * 16, padded to 4 */
#define PREFIX_NONE		0xFF	/* V1 has no prefix */

struct cur {
	const uint8_t *p;
	size_t left;
	int err;
};

static int u32(struct cur *c, uint32_t *v)
{
	if (c->err)
		return c->err;
	if (c->left < 4)
		return c->err = NICINFO_ETRUNC;
	*v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 | (uint32_t)c->p[2] << 8 | c->p[3];
	c->p += 4;
	c->left -= 4;
	return 0;
}

/* An XDR bool, and a pointer's "is there an object" tag (RFC 4506 4.19). */
static int boolean(struct cur *c, uint32_t *b)
{
	if (u32(c, b))
		return c->err;
	if (*b > 1)
		return c->err = NICINFO_EBOOL;
	return 0;
}

/* An array count: at most max, and each element takes at least 4 bytes. */
static int count(struct cur *c, uint32_t max, uint32_t *n)
{
	if (u32(c, n))
		return c->err;
	if (*n > max)
		return c->err = NICINFO_ECOUNT;
	if (*n > c->left / 4)
		return c->err = NICINFO_ETRUNC;
	return 0;
}

/* Variable-length opaque or string (RFC 4506 4.10, 4.11): length, bytes,
 * zero padding to 4.  The first cap bytes go to out (when not NULL);
 * *len is the full length. */
static int opaque(struct cur *c, uint32_t max, uint8_t *out, size_t cap, uint32_t *len)
{
	uint32_t n;
	size_t padded;

	if (u32(c, &n))
		return c->err;
	if (n > max)
		return c->err = NICINFO_ELEN;
	padded = ((size_t)n + 3) & ~(size_t)3;
	if (padded > c->left)
		return c->err = NICINFO_ETRUNC;
	if (out)
		memcpy(out, c->p, n < cap ? n : cap);
	c->p += padded;
	c->left -= padded;
	if (len)
		*len = n;
	return 0;
}

/* A fixed char[n]: one word a character (xdr_char: the C char as an int,
 * so -128..255 are the values it can hold).  NUL-terminated into out[n+1]. */
static int chars(struct cur *c, uint32_t n, char *out)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t v;

		if (u32(c, &v))
			return c->err;
		if (v > 0xFF && v < 0xFFFFFF80u)
			return c->err = NICINFO_ELEN;
		out[i] = (char)(v & 0xFF);
	}
	out[n] = '\0';
	return 0;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* "00:0c:29:aa:bb:cc" or "00-0C-29-AA-BB-CC" (len bytes, maybe NUL-ended)
 * into canonical lower-case colon form; "" for anything else. */
static void canon_mac(const char *s, size_t len, char out[NICINFO_MAC_STR])
{
	static const char hex[] = "0123456789abcdef";
	char tmp[NICINFO_MAC_STR];

	out[0] = '\0';
	if (len > 17 && s[17] == '\0')
		len = 17;
	if (len != 17)
		return;
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':' && s[3 * i + 2] != '-'))
			return;
		tmp[3 * i] = hex[hi];
		tmp[3 * i + 1] = hex[lo];
		tmp[3 * i + 2] = i < 5 ? ':' : '\0';
	}
	memcpy(out, tmp, sizeof(tmp));
}

/* Keeps an address on the NIC, or counts it dropped. */
static void keep(struct nicinfo_nic *nic, int family, const uint8_t *bytes, uint32_t prefix)
{
	struct nicinfo_addr *a;

	if (nic->naddrs >= NICINFO_ADDRS_MAX) {
		nic->dropped++;
		return;
	}
	a = &nic->addr[nic->naddrs++];
	memset(a, 0, sizeof(*a));
	a->family = (uint8_t)family;
	a->prefix = (uint8_t)prefix;
	memcpy(a->bytes, bytes, family == 4 ? 4 : 16);
}

/* A decimal prefix "24", or (IPv4) a mask "0xffffff00" with contiguous ones;
 * -1 for anything else. */
static int parse_prefix(const char *s, int family)
{
	int max = family == 4 ? 32 : 128;

	if (family == 4 && (s[0] == '0') && (s[1] == 'x' || s[1] == 'X')) {
		uint32_t m = 0;
		int bits = 0, i;

		for (i = 2; s[i] && i < 10; i++) {
			int h = hexval(s[i]);

			if (h < 0)
				return -1;
			m = m << 4 | (uint32_t)h;
		}
		if (i != 10 || s[i])
			return -1;
		while (bits < 32 && (m & (0x80000000u >> bits)))
			bits++;
		if (bits < 32 && (m << bits))
			return -1;	/* not contiguous */
		return bits;
	}
	int v = 0;

	if (!s[0] || strlen(s) > 3 || (s[0] == '0' && s[1]))
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v <= max ? v : -1;
}

/* V2 struct VmIpAddress: family, dhcpEnabled, ipAddress[64], subnetMask[64]. */
static int v2_address(struct cur *c, struct nicinfo_nic *nic)
{
	char ip[X_MAX_IP_LEN + 1], mask[X_MAX_IP_LEN + 1];
	uint32_t family, dhcp;
	uint8_t bytes[16];
	int fam, prefix;

	if (u32(c, &family) || boolean(c, &dhcp) || chars(c, X_MAX_IP_LEN, ip) ||
	    chars(c, X_MAX_IP_LEN, mask))
		return c->err;
	fam = family == 0 ? 4 : family == 1 ? 6 : 0;	/* NicInfoAddrType */
	prefix = fam ? parse_prefix(mask, fam) : -1;
	if (!fam || prefix < 0 || inet_pton(fam == 4 ? AF_INET : AF_INET6, ip, bytes) != 1)
		nic->dropped++;
	else
		keep(nic, fam, bytes, (uint32_t)prefix);
	return 0;
}

/* V2 struct GuestNic: macAddress[18], ips<>. */
static int v2_nic(struct cur *c, struct nicinfo_nic *nic)
{
	char mac[X_MAC_LEN + 1];
	uint32_t n;

	if (chars(c, X_MAC_LEN, mac) || count(c, X_MAX_IPS, &n))
		return c->err;
	canon_mac(mac, strlen(mac), nic->mac);
	for (uint32_t i = 0; i < n; i++)
		if (v2_address(c, nic))
			return c->err;
	return 0;
}

/* TypedIpAddress: InetAddressType, opaque InetAddress<255>.  *fam is 4 or 6
 * with the address in bytes, 0 for a type nhv does not show (DNS names). */
static int typed_address(struct cur *c, int *fam, uint8_t bytes[16])
{
	uint8_t raw[20];
	uint32_t type, len;

	*fam = 0;
	if (u32(c, &type) || opaque(c, X_INET_ADDR_MAX, raw, sizeof(raw), &len))
		return c->err;
	/* RFC 4001: ipv4 4 bytes, ipv6 16, ipv4z 8 and ipv6z 20 (address, zone index). */
	if ((type == IAT_IPV4 && len == 4) || (type == IAT_IPV4Z && len == 8)) {
		*fam = 4;
		memcpy(bytes, raw, 4);
	} else if ((type == IAT_IPV6 && len == 16) || (type == IAT_IPV6Z && len == 20)) {
		*fam = 6;
		memcpy(bytes, raw, 16);
	}
	return 0;
}

/* An optional item: the pointer's tag, then (when 1) the object. */
static int optional(struct cur *c, uint32_t *present)
{
	return boolean(c, present);
}

static int opt_u32(struct cur *c)
{
	uint32_t present, v;

	if (optional(c, &present))
		return c->err;
	return present ? u32(c, &v) : 0;
}

static int opt_string(struct cur *c, uint32_t max)
{
	uint32_t present;

	if (optional(c, &present))
		return c->err;
	return present ? opaque(c, max, NULL, 0, NULL) : 0;
}

static int skip_typed(struct cur *c)
{
	uint8_t b[16];
	int fam;

	return typed_address(c, &fam, b);
}

/* DnsConfigInfo: *hostName, *domainName, serverList<16>, searchSuffixes<10>. */
static int skip_dns(struct cur *c)
{
	uint32_t present, n;

	if (optional(c, &present) || !present)
		return c->err;
	if (opt_string(c, X_DNS_NAME_MAX) || opt_string(c, X_DNS_NAME_MAX) ||
	    count(c, X_DNS_SERVERS, &n))
		return c->err;
	for (uint32_t i = 0; i < n; i++)
		if (skip_typed(c))
			return c->err;
	if (count(c, X_DNS_SUFFIXES, &n))
		return c->err;
	for (uint32_t i = 0; i < n; i++)
		if (opaque(c, X_DNS_NAME_MAX, NULL, 0, NULL))
			return c->err;
	return 0;
}

/* WinsConfigInfo: primary, secondary. */
static int skip_wins(struct cur *c)
{
	uint32_t present;

	if (optional(c, &present) || !present)
		return c->err;
	if (skip_typed(c))
		return c->err;
	return skip_typed(c);
}

/* DhcpConfigInfo: bool enabled, string dhcpSettings<16384>. */
static int skip_dhcp(struct cur *c)
{
	uint32_t present, enabled;

	if (optional(c, &present) || !present)
		return c->err;
	if (boolean(c, &enabled))
		return c->err;
	return opaque(c, X_DHCP_MAX, NULL, 0, NULL);
}

/* DNS, WINS, DHCPv4, DHCPv6: the tail of GuestNicV3 and of NicInfoV3. */
static int skip_resolvers(struct cur *c)
{
	if (skip_dns(c) || skip_wins(c) || skip_dhcp(c))
		return c->err;
	return skip_dhcp(c);
}

/* IpAddressEntry: address, prefix length, *origin, *status. */
static int v3_address(struct cur *c, struct nicinfo_nic *nic)
{
	uint8_t bytes[16];
	uint32_t prefix;
	int fam;

	if (typed_address(c, &fam, bytes) || u32(c, &prefix) || opt_u32(c) || opt_u32(c))
		return c->err;
	if (!fam || prefix > (fam == 4 ? 32u : 128u))
		nic->dropped++;
	else
		keep(nic, fam, bytes, prefix);
	return 0;
}

/* GuestNicV3: string macAddress<18>, ips<>, then its resolvers. */
static int v3_nic(struct cur *c, struct nicinfo_nic *nic)
{
	char mac[X_MAC_LEN + 1] = "";
	uint32_t len, n;

	if (opaque(c, X_MAC_LEN, (uint8_t *)mac, X_MAC_LEN, &len) || count(c, X_MAX_IPS, &n))
		return c->err;
	mac[len] = '\0';
	canon_mac(mac, len, nic->mac);
	for (uint32_t i = 0; i < n; i++)
		if (v3_address(c, nic))
			return c->err;
	return skip_resolvers(c);
}

/* InetCidrRouteEntry: dest, prefix, *next hop, if index, type, metric. */
static int skip_route(struct cur *c)
{
	uint32_t v, present;

	if (skip_typed(c) || u32(c, &v) || optional(c, &present))
		return c->err;
	if (present && skip_typed(c))
		return c->err;
	if (u32(c, &v) || u32(c, &v))
		return c->err;
	return u32(c, &v);
}

/* nics<16>, each decoded by one_nic: NICs past NICINFO_NICS_MAX are
 * decoded into a scratch entry and counted. */
static int nic_list(struct cur *c, struct nicinfo *out,
		    int (*one_nic)(struct cur *, struct nicinfo_nic *))
{
	struct nicinfo_nic scratch;
	uint32_t n;

	if (count(c, NICINFO_NICS_MAX, &n))
		return c->err;
	for (uint32_t i = 0; i < n; i++) {
		struct nicinfo_nic *nic = out->nnics < NICINFO_NICS_MAX ? &out->nic[out->nnics] : &scratch;

		memset(nic, 0, sizeof(*nic));
		if (one_nic(c, nic))
			return c->err;
		if (nic == &scratch)
			out->dropped++;
		else
			out->nnics++;
	}
	return 0;
}

int nicinfo_decode_xdr(const uint8_t *p, size_t len, struct nicinfo *out)
{
	struct cur c = { p, len, 0 };
	uint32_t ver, present, n;

	memset(out, 0, sizeof(*out));
	/* union GuestNicProto switch (NicInfoVersion ver): the arm is a pointer. */
	if (u32(&c, &ver))
		return c.err;
	if (ver != X_NIC_INFO_V2 && ver != X_NIC_INFO_V3)
		return NICINFO_EVERSION;
	if (optional(&c, &present))
		return c.err;
	if (!present)
		return NICINFO_ENULL;
	out->version = ver;
	if (ver == X_NIC_INFO_V2) {
		if (nic_list(&c, out, v2_nic))
			return c.err;
	} else {
		if (nic_list(&c, out, v3_nic) || count(&c, X_ROUTES, &n))
			return c.err;
		for (uint32_t i = 0; i < n; i++)
			if (skip_route(&c))
				return c.err;
		if (skip_resolvers(&c))
			return c.err;
	}
	if (c.left)
		return NICINFO_ETRAIL;
	return 0;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The length of a NUL-terminated text in a field of n bytes, or n without NUL. */
static size_t field_len(const uint8_t *f, size_t n)
{
	const uint8_t *z = memchr(f, '\0', n);

	return z ? (size_t)(z - f) : n;
}

int nicinfo_decode_v1(const uint8_t *p, size_t len, struct nicinfo *out)
{
	uint32_t nnics;

	memset(out, 0, sizeof(*out));
	if (len != NICINFO_V1_SIZE)
		return NICINFO_ESIZE;
	/* struct GuestNicInfoV1 (guestInfo.h), the guest's byte order: x86, little-endian. */
	nnics = le32(p);
	if (nnics > V1_NICS)
		return NICINFO_ECOUNT;
	out->version = 1;
	for (uint32_t i = 0; i < nnics; i++) {
		const uint8_t *e = p + 4 + (size_t)i * V1_ENTRY;
		struct nicinfo_nic *nic = &out->nic[out->nnics++];
		uint32_t nips = le32(e);

		if (nips > V1_IPS)
			return NICINFO_ECOUNT;
		canon_mac((const char *)e + 4, field_len(e + 4, V1_MAC), nic->mac);
		for (uint32_t k = 0; k < nips; k++) {
			const uint8_t *f = e + 4 + V1_MAC + (size_t)k * V1_IP;
			char ip[V1_IP + 1];
			uint8_t bytes[4];
			size_t n = field_len(f, V1_IP);

			memcpy(ip, f, n);
			ip[n] = '\0';
			if (n < V1_IP && inet_pton(AF_INET, ip, bytes) == 1)
				keep(nic, 4, bytes, PREFIX_NONE);
			else
				nic->dropped++;
		}
	}
	return 0;
}

const char *nicinfo_strerror(int err)
{
	switch (err) {
	case NICINFO_OK: return "no error";
	case NICINFO_ETRUNC: return "the report ends inside an item";
	case NICINFO_EVERSION: return "unknown NicInfo version (expected 2 or 3)";
	case NICINFO_ECOUNT: return "an array count above nicinfo.x's limit";
	case NICINFO_ELEN: return "a string or opaque above its limit";
	case NICINFO_EBOOL: return "a bool or pointer tag other than 0 or 1";
	case NICINFO_ETRAIL: return "bytes after the report";
	case NICINFO_ENULL: return "no NIC list (NULL pointer)";
	case NICINFO_ESIZE: return "a V1 report is not 2436 bytes";
	default: return "unknown error";
	}
}

void nicinfo_addr_str(const struct nicinfo_addr *a, char *out, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	if (!inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->bytes, ip, sizeof(ip)))
		snprintf(ip, sizeof(ip), "?");
	if (a->prefix == PREFIX_NONE)
		snprintf(out, len, "%s", ip);
	else
		snprintf(out, len, "%s/%u", ip, a->prefix);
}
