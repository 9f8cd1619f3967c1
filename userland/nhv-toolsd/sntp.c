/*
 * sntp.c - SNTP (RFC 4330) request and reply checks; see sntp.h.
 * Packet layout (RFC 4330 section 4): byte 0 LI(2) VN(3) Mode(3), 1 stratum,
 * 2 poll, 3 precision, 4 root delay, 8 root dispersion, 12 reference id,
 * 16 reference, 24 originate, 32 receive, 40 transmit timestamp.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "userland/nhv-toolsd/sntp.h"

#define NS 1000000000LL
#define ERA_SECONDS 4294967296LL	/* 2^32 */

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

void sntp_request(uint8_t pkt[SNTP_PACKET_LEN], uint64_t xmt)
{
	memset(pkt, 0, SNTP_PACKET_LEN);
	pkt[0] = 0 << 6 | 4 << 3 | 3;	/* no leap warning, version 4, client */
	put64(pkt + 40, xmt);
}

uint64_t sntp_from_unix_ns(int64_t ns)
{
	int64_t sec = ns / NS, rem = ns % NS;

	if (rem < 0) {
		rem += NS;
		sec--;
	}
	/* Seconds modulo 2^32: the era is implied (see sntp_to_unix_ns). */
	return (uint64_t)(uint32_t)((uint64_t)sec + SNTP_NTP_TO_UNIX) << 32 |
	       ((((uint64_t)rem << 32) + NS / 2) / NS);	/* nearest: round trips exactly */
}

int64_t sntp_to_unix_ns(uint64_t ts)
{
	int64_t sec = (int64_t)(ts >> 32) - SNTP_NTP_TO_UNIX;
	uint64_t frac = ts & 0xffffffffu;

	if (!(ts >> 63))
		sec += ERA_SECONDS;	/* era 1: from 2036-02-07 06:28:16 UTC */
	return sec * NS + (int64_t)((frac * NS + (1u << 31)) >> 32);
}

static int refuse(char *why, size_t whylen, int reason, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int refuse(char *why, size_t whylen, int reason, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -reason;
}

int sntp_parse(const uint8_t *buf, size_t len, uint64_t sent, struct sntp_reply *r, char *why,
	       size_t whylen)
{
	unsigned i;

	memset(r, 0, sizeof(*r));
	if (why && whylen)
		why[0] = '\0';
	if (len < SNTP_PACKET_LEN)
		return refuse(why, whylen, SNTP_SHORT, "%u bytes, expected at least %u",
			      (unsigned)len, SNTP_PACKET_LEN);
	r->leap = buf[0] >> 6;
	r->version = buf[0] >> 3 & 7;
	r->mode = buf[0] & 7;
	r->stratum = buf[1];
	for (i = 0; i < 4; i++)
		r->refid[i] = buf[12 + i] >= 0x20 && buf[12 + i] < 0x7f ? (char)buf[12 + i] : '?';
	r->refid[4] = '\0';
	r->originate = get64(buf + 24);
	r->receive = get64(buf + 32);
	r->transmit = get64(buf + 40);
	if (r->mode != 4)
		return refuse(why, whylen, SNTP_BAD_MODE, "mode %u, expected 4 (server)", r->mode);
	if (r->version != 3 && r->version != 4)
		return refuse(why, whylen, SNTP_BAD_VERSION, "version %u, expected 3 or 4",
			      r->version);
	if (r->stratum == 0)
		return refuse(why, whylen, SNTP_KISS_OF_DEATH,
			      "kiss-o'-death %s (stratum 0), expected stratum 1-15", r->refid);
	if (r->stratum > 15)
		return refuse(why, whylen, SNTP_BAD_STRATUM,
			      "stratum %u (unsynchronized), expected 1-15", r->stratum);
	if (r->leap == 3)
		return refuse(why, whylen, SNTP_ALARM,
			      "leap indicator %u (server clock not synchronized), expected 0-2",
			      r->leap);
	if (r->transmit == 0)
		return refuse(why, whylen, SNTP_ZERO_TRANSMIT,
			      "transmit timestamp 0, expected the server's time");
	if (r->originate != sent)
		return refuse(why, whylen, SNTP_ORIGINATE,
			      "originate timestamp %08x.%08x, expected %08x.%08x (the request's): "
			      "stale or forged",
			      (unsigned)(r->originate >> 32), (unsigned)r->originate,
			      (unsigned)(sent >> 32), (unsigned)sent);
	if (r->receive == 0)
		return refuse(why, whylen, SNTP_ZERO_RECEIVE,
			      "receive timestamp 0, expected the server's time");
	r->receive_ns = sntp_to_unix_ns(r->receive);
	r->transmit_ns = sntp_to_unix_ns(r->transmit);
	if (r->transmit_ns < r->receive_ns)
		return refuse(why, whylen, SNTP_BACKWARDS,
			      "transmit timestamp before receive timestamp, expected T3 >= T2");
	return 0;
}

static int64_t sat(__int128 v)
{
	if (v > INT64_MAX)
		return INT64_MAX;
	if (v < INT64_MIN)
		return INT64_MIN;
	return (int64_t)v;
}

void sntp_offset(int64_t t1, const struct sntp_reply *r, int64_t t4, int64_t *offset,
		 int64_t *delay)
{
	__int128 t2 = r->receive_ns, t3 = r->transmit_ns;

	*offset = sat(((t2 - t1) + (t3 - t4)) / 2);
	*delay = sat(((__int128)t4 - t1) - (t3 - t2));
}
