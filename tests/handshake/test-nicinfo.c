/*
 * test-nicinfo.c - the NIC report decoder (handshake/nicinfo_xdr.c) with
 * the reports vmtoolsd sends (V3 and V2 XDR, the V1 struct) built here by
 * hand from nicinfo.x, then hostile ones: every truncation, counts and
 * lengths past the limits, bad tags, trailing bytes, byte flips; and the
 * host's RPCI path ("SetGuestInfo  10 ...") around it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handshake/host.h"
#include "handshake/nicinfo_xdr.h"
#include "userland/lib/tap.h"

#define CAP 70000

struct buf {
	uint8_t b[CAP];
	size_t n;
};

static void put32(struct buf *o, uint32_t v)
{
	o->b[o->n++] = (uint8_t)(v >> 24);
	o->b[o->n++] = (uint8_t)(v >> 16);
	o->b[o->n++] = (uint8_t)(v >> 8);
	o->b[o->n++] = (uint8_t)v;
}

static void put_opaque(struct buf *o, const void *p, uint32_t len)
{
	put32(o, len);
	memcpy(o->b + o->n, p, len);
	o->n += len;
	while (o->n % 4)
		o->b[o->n++] = 0;
}

static void put_str(struct buf *o, const char *s)
{
	put_opaque(o, s, (uint32_t)strlen(s));
}

/* A fixed char[n]: one word a character, NUL-padded. */
static void put_chars(struct buf *o, const char *s, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		put32(o, i < strlen(s) ? (uint32_t)(uint8_t)s[i] : 0);
}

static void put_typed(struct buf *o, uint32_t type, const uint8_t *a, uint32_t len)
{
	put32(o, type);
	put_opaque(o, a, len);
}

static const uint8_t IP4[4] = { 10, 77, 0, 201 };
static const uint8_t IP6[16] = { 0xfe, 0x80, [15] = 1 };

/* IpAddressEntry with origin and status present. */
static void v3_entry(struct buf *o, uint32_t type, const uint8_t *a, uint32_t len, uint32_t prefix)
{
	put_typed(o, type, a, len);
	put32(o, prefix);
	put32(o, 1);
	put32(o, 2);	/* IAO_MANUAL */
	put32(o, 1);
	put32(o, 1);	/* IAS_PREFERRED */
}

/*
 * A V3 report as vmtoolsd sends it for a guest with eth0 (10.77.0.201/24,
 * fe80::1/64, a DNS block, DHCPv4 off) and a second NIC without addresses,
 * one route, no global resolver blocks.
 */
static void v3_report(struct buf *o)
{
	o->n = 0;
	put32(o, 3);		/* NIC_INFO_V3 */
	put32(o, 1);		/* nicInfoV3 pointer present */
	put32(o, 2);		/* nics<> */
	put_str(o, "00:0C:29:AA:BB:CC");
	put32(o, 2);		/* ips<> */
	v3_entry(o, 1, IP4, 4, 24);
	v3_entry(o, 2, IP6, 16, 64);
	put32(o, 1);		/* dnsConfigInfo */
	put32(o, 1);
	put_str(o, "l2");	/* hostName */
	put32(o, 0);		/* domainName */
	put32(o, 1);		/* serverList<> */
	put_typed(o, 1, IP4, 4);
	put32(o, 1);		/* searchSuffixes<> */
	put_str(o, "lab");
	put32(o, 0);		/* winsConfigInfo */
	put32(o, 1);		/* dhcpConfigInfov4 */
	put32(o, 0);
	put_str(o, "");
	put32(o, 0);		/* dhcpConfigInfov6 */
	put_str(o, "52-54-00-12-34-56");
	put32(o, 0);		/* no ips */
	put32(o, 0);
	put32(o, 0);
	put32(o, 0);
	put32(o, 0);
	put32(o, 1);		/* routes<> */
	put_typed(o, 1, (const uint8_t[4]){ 0, 0, 0, 0 }, 4);
	put32(o, 0);
	put32(o, 1);		/* next hop */
	put_typed(o, 1, (const uint8_t[4]){ 10, 77, 0, 1 }, 4);
	put32(o, 0);		/* if index */
	put32(o, 4);		/* ICRT_REMOTE */
	put32(o, 0);		/* metric */
	put32(o, 0);		/* dns, wins, dhcpv4, dhcpv6 */
	put32(o, 0);
	put32(o, 0);
	put32(o, 0);
}

/* A V2 report: one NIC, given addresses (family, ip text, mask text). */
static void v2_report(struct buf *o, const char *mac, unsigned int n, const uint32_t *fam,
		      const char *const *ip, const char *const *mask)
{
	o->n = 0;
	put32(o, 2);
	put32(o, 1);
	put32(o, 1);
	put_chars(o, mac, 18);
	put32(o, n);
	for (unsigned int i = 0; i < n; i++) {
		put32(o, fam[i]);
		put32(o, 0);
		put_chars(o, ip[i], 64);
		put_chars(o, mask[i], 64);
	}
}

static const char *addr(const struct nicinfo *ni, unsigned int nic, unsigned int k)
{
	static char s[NICINFO_ADDR_STR];

	nicinfo_addr_str(&ni->nic[nic].addr[k], s, sizeof(s));
	return s;
}

static int sane(const struct nicinfo *ni)
{
	if (ni->nnics > NICINFO_NICS_MAX)
		return 0;
	for (unsigned int i = 0; i < ni->nnics; i++) {
		const struct nicinfo_nic *n = &ni->nic[i];

		if (n->naddrs > NICINFO_ADDRS_MAX || strlen(n->mac) > 17)
			return 0;
		for (const char *p = n->mac; *p; p++)
			if (!strchr("0123456789abcdef:", *p))
				return 0;
		for (unsigned int k = 0; k < n->naddrs; k++)
			if (n->addr[k].family != 4 && n->addr[k].family != 6)
				return 0;
	}
	return 1;
}

static struct buf B, C;
static struct nicinfo NI;

static void good_reports(void)
{
	static const uint32_t fam[3] = { 0, 1, 0 };
	static const char *const ip[3] = { "192.168.5.4", "fe80::2", "not-an-ip" };
	static const char *const mask[3] = { "0xffffff00", "64", "24" };
	uint8_t v1[NICINFO_V1_SIZE] = { 0 };

	v3_report(&B);
	tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), 0, "V3 report decodes");
	tap_is_int(NI.version, 3, "V3: version 3");
	tap_is_int(NI.nnics, 2, "V3: two NICs");
	tap_is_str(NI.nic[0].mac, "00:0c:29:aa:bb:cc", "V3: MAC in canonical form");
	tap_is_int(NI.nic[0].naddrs, 2, "V3: two addresses on eth0");
	tap_is_str(addr(&NI, 0, 0), "10.77.0.201/24", "V3: IPv4 with prefix");
	tap_is_str(addr(&NI, 0, 1), "fe80::1/64", "V3: IPv6 with prefix");
	tap_is_str(NI.nic[1].mac, "52:54:00:12:34:56", "V3: dashes become colons");
	tap_is_int(NI.nic[1].naddrs, 0, "V3: second NIC without addresses");

	v2_report(&B, "00:50:56:01:02:03", 3, fam, ip, mask);
	tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), 0, "V2 report decodes");
	tap_is_int(NI.version, 2, "V2: version 2");
	tap_is_str(NI.nic[0].mac, "00:50:56:01:02:03", "V2: MAC from a char[18] of words");
	tap_is_int(NI.nic[0].naddrs, 2, "V2: two usable addresses");
	tap_is_str(addr(&NI, 0, 0), "192.168.5.4/24", "V2: a hex mask becomes a prefix");
	tap_is_str(addr(&NI, 0, 1), "fe80::2/64", "V2: IPv6 prefix length");
	tap_is_int(NI.nic[0].dropped, 1, "V2: text that is no address is dropped");

	/* V1: the C struct, little-endian. */
	v1[0] = 1;
	v1[4] = 2;
	memcpy(v1 + 8, "00-0c-29-01-02-03", 18);
	memcpy(v1 + 8 + 19, "172.16.1.9", 11);
	memcpy(v1 + 8 + 19 + 16, "0123456789abcdef", 16);	/* no NUL: dropped */
	tap_is_int(nicinfo_decode_v1(v1, sizeof(v1), &NI), 0, "V1 struct decodes");
	tap_is_str(NI.nic[0].mac, "00:0c:29:01:02:03", "V1: MAC");
	tap_is_str(addr(&NI, 0, 0), "172.16.1.9", "V1: address without prefix");
	tap_is_int(NI.nic[0].dropped, 1, "V1: an unterminated address is dropped");
	tap_is_int(nicinfo_decode_v1(v1, sizeof(v1) - 1, &NI), NICINFO_ESIZE, "V1: wrong size");
	v1[0] = 17;
	tap_is_int(nicinfo_decode_v1(v1, sizeof(v1), &NI), NICINFO_ECOUNT, "V1: 17 NICs");
	v1[0] = 1;
	v1[4] = 9;
	tap_is_int(nicinfo_decode_v1(v1, sizeof(v1), &NI), NICINFO_ECOUNT, "V1: 9 addresses");
	v1[0] = 0xff;
	v1[3] = 0xff;
	tap_is_int(nicinfo_decode_v1(v1, sizeof(v1), &NI), NICINFO_ECOUNT, "V1: count 0xff0000ff");
}

/* Words of a report overwritten one at a time: what must be refused. */
static void set_word(struct buf *o, size_t at, uint32_t v)
{
	o->b[at] = (uint8_t)(v >> 24);
	o->b[at + 1] = (uint8_t)(v >> 16);
	o->b[at + 2] = (uint8_t)(v >> 8);
	o->b[at + 3] = (uint8_t)v;
}

static void hostile_reports(void)
{
	int all = 1, ok;

	v3_report(&B);
	for (size_t n = 0; n < B.n; n++) {
		int r = nicinfo_decode_xdr(B.b, n, &NI);

		if (r != NICINFO_ETRUNC) {
			tap_diag("a V3 report cut to %zu of %zu bytes: %d (%s)", n, B.n, r,
				 nicinfo_strerror(r));
			all = 0;
		}
	}
	tap_ok(all, "every truncation of a V3 report is refused as truncated");
	B.b[B.n++] = 0;
	tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), NICINFO_ETRAIL, "one byte more: trailing");
	v3_report(&B);
	put32(&B, 0);
	tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), NICINFO_ETRAIL, "a word after the report");

	v3_report(&B);
	set_word(&B, 0, 1);
	tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), NICINFO_EVERSION, "version 1 as XDR");
	set_word(&B, 0, 0xFFFFFFFFu);
	tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), NICINFO_EVERSION, "version 0xffffffff");
	v3_report(&B);
	set_word(&B, 4, 0);
	tap_is_int(nicinfo_decode_xdr(B.b, 8, &NI), NICINFO_ENULL, "NULL NIC list");
	set_word(&B, 4, 2);
	tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), NICINFO_EBOOL, "pointer tag 2");
	v3_report(&B);
	set_word(&B, 8, 17);
	tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), NICINFO_ECOUNT, "17 NICs");
	set_word(&B, 8, 0xFFFFFFFFu);
	tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), NICINFO_ECOUNT, "0xffffffff NICs");
	v3_report(&B);
	set_word(&B, 12, 0xFFFFFFFFu);	/* MAC length */
	tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), NICINFO_ELEN, "MAC length 0xffffffff");
	set_word(&B, 12, 19);
	tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), NICINFO_ELEN, "MAC of 19 bytes");
	v3_report(&B);
	set_word(&B, 12 + 4 + 20, 2049);	/* ips<> */
	tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), NICINFO_ECOUNT, "2049 addresses");
	set_word(&B, 12 + 4 + 20, 2048);
	tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), NICINFO_ETRUNC,
		   "2048 addresses announced, 2 there");
	v3_report(&B);
	set_word(&B, 12 + 4 + 20 + 4 + 4, 0x7FFFFFFFu);	/* the first address's length */
	tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), NICINFO_ELEN, "address of 2^31 bytes");
	set_word(&B, 12 + 4 + 20 + 4 + 4, 252);
	tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), NICINFO_ETRUNC, "address of 252 bytes, 4 there");

	/* Oversized DHCP settings: 16385 refused, 16384 read past its bytes. */
	B.n = 0;
	put32(&B, 3);
	put32(&B, 1);
	put32(&B, 0);
	put32(&B, 0);
	put32(&B, 0);
	put32(&B, 0);
	put32(&B, 1);
	put32(&B, 1);
	put32(&B, 16385);
	tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), NICINFO_ELEN, "DHCP settings of 16385 bytes");
	set_word(&B, B.n - 4, 16384);
	tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), NICINFO_ETRUNC, "DHCP settings cut short");
	set_word(&B, B.n - 8, 7);
	tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), NICINFO_EBOOL, "DHCP enabled = 7");

	/* V2: character words past a char, a MAC with a quote, 9 addresses kept as 8. */
	{
		uint32_t fam[9];
		const char *ip[9], *mask[9];

		for (int i = 0; i < 9; i++) {
			fam[i] = 0;
			ip[i] = "10.0.0.1";
			mask[i] = "8";
		}
		v2_report(&B, "00:0c:29:aa:bb:\"c", 9, fam, ip, mask);
		tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), 0, "V2 with 9 addresses decodes");
		tap_is_str(NI.nic[0].mac, "", "a MAC with a quote in it is no MAC");
		tap_is_int(NI.nic[0].naddrs, NICINFO_ADDRS_MAX, "8 addresses kept");
		tap_is_int(NI.nic[0].dropped, 1, "the ninth counted as dropped");
		set_word(&B, 12, 0x100);
		tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), NICINFO_ELEN, "char word 0x100");
		set_word(&B, 12, 0xFFFFFF80u);
		tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), 0, "char word -128 is a char");
		fam[0] = 7;
		mask[1] = "33";
		mask[2] = "0xff00ff00";
		mask[3] = "";
		mask[4] = "08";
		v2_report(&B, "00:0c:29:aa:bb:cc", 5, fam, ip, mask);
		tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), 0, "V2 with unusable addresses decodes");
		tap_is_int(NI.nic[0].naddrs, 0, "family 7, /33, holes in a mask, no mask, 08: none kept");
	}

	/* V3 address kinds nhv does not show, and prefixes out of range. */
	B.n = 0;
	put32(&B, 3);
	put32(&B, 1);
	put32(&B, 1);
	put_str(&B, "00:0c:29:aa:bb:cc");
	put32(&B, 4);
	v3_entry(&B, 16, (const uint8_t *)"host.example", 12, 0);	/* IAT_DNS */
	v3_entry(&B, 1, IP6, 16, 24);	/* IPv4 of 16 bytes */
	v3_entry(&B, 1, IP4, 4, 33);
	v3_entry(&B, 4, (const uint8_t[20]){ 0xfe, 0x80, [15] = 7, [19] = 2 }, 20, 64);	/* ipv6z */
	for (int i = 0; i < 4; i++)
		put32(&B, 0);
	put32(&B, 0);
	for (int i = 0; i < 4; i++)
		put32(&B, 0);
	tap_is_int(nicinfo_decode_xdr(B.b, B.n, &NI), 0, "V3 with odd address kinds decodes");
	tap_is_int(NI.nic[0].naddrs, 1, "only the zoned IPv6 address kept");
	tap_is_str(addr(&NI, 0, 0), "fe80::7/64", "ipv6z: the address without its zone");
	tap_is_int(NI.nic[0].dropped, 3, "DNS name, 16-byte IPv4, /33 dropped");

	/* Byte flips and random words over a good report: refused or sane, never more. */
	v3_report(&C);
	ok = 1;
	srand(13);
	for (int i = 0; i < 20000; i++) {
		memcpy(B.b, C.b, C.n);
		B.n = C.n;
		for (int k = 0; k < 1 + i % 4; k++) {
			size_t at = (size_t)rand() % B.n;

			if (i & 1)
				B.b[at] ^= (uint8_t)(1u << (rand() % 8));
			else
				set_word(&B, at & ~(size_t)3, (uint32_t)rand() * 2654435761u);
		}
		if (nicinfo_decode_xdr(B.b, B.n, &NI) == 0 && !sane(&NI)) {
			tap_diag("flip %d gave an insane report", i);
			ok = 0;
		}
	}
	tap_ok(ok, "20000 mutated reports: each refused or decoded within the bounds");
}

/* The host's RPCI path: the binary message, its answer, tools.nics. */
static struct nhvbd_host H;

static const char *rpci(const void *msg, size_t len)
{
	static char reply[256];
	size_t n = nhvbd_host_rpci(&H, msg, len, reply, sizeof(reply) - 1);

	reply[n] = '\0';
	return reply;
}

static void host_path(void)
{
	struct nhvbd_host_config cfg = { .version = 6 };
	static const char pre[] = "SetGuestInfo  10 ";

	nhvbd_host_init(&H, &cfg);
	v3_report(&C);
	memcpy(B.b, pre, strlen(pre));
	memcpy(B.b + strlen(pre), C.b, C.n);
	B.n = strlen(pre) + C.n;
	tap_is_str(rpci(B.b, B.n), "1 ", "SetGuestInfo 10 with a V3 report: success");
	tap_is_int(H.tools.nics.nnics, 2, "the host keeps the two NICs");
	tap_is_int(H.tools.nic_reports, 1, "one report counted");
	B.b[strlen(pre) - 3] = '9';
	B.b[strlen(pre) - 2] = ' ';
	tap_is_str(rpci(B.b + 1, B.n - 1), "0 Invalid message", "\"etGuestInfo\" + binary: refused");
	memmove(B.b + strlen(pre) - 2, B.b + strlen(pre) - 1, B.n - strlen(pre) + 1);
	B.n--;
	tap_is_str(rpci(B.b, B.n), "1 ", "SetGuestInfo 9 with a V3 report: success");
	tap_is_str(rpci(B.b, B.n - 1), "0 Invalid NIC info", "a cut report: refused");
	tap_is_int(H.tools.nics.nnics, 0, "a refused report leaves no NICs behind");
	tap_is_str(rpci("SetGuestInfo  2 10.1.2.3", 25), "1 ", "text INFO_IPADDRESS still accepted");
	tap_is_str(H.tools.ip, "10.1.2.3", "as the text IP");
	tap_is_str(rpci("SetGuestInfo  2 \0\0\0", 19), "0 Invalid NIC info",
		   "binary INFO_IPADDRESS of the wrong size: refused");
	tap_is_str(rpci("SetGuestInfo  10 ", 17), "0 Invalid NIC info", "an empty report: refused");
}

int main(void)
{
	good_reports();
	hostile_reports();
	host_path();
	return tap_done();
}
