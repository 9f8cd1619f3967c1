/*
 * test-sntp.c - the SNTP packet code (userland/nhv-toolsd/sntp.c) with
 * valid and hostile replies: short packets, wrong mode and version,
 * stratum 0 (kiss-o'-death) and 16, leap alarm, zero and mismatched
 * timestamps, and times on both sides of the 2036 NTP era wrap.
 */
#include <stdint.h>
#include <string.h>

#include "userland/lib/tap.h"
#include "userland/nhv-toolsd/sntp.h"

#define NS 1000000000LL
#define ERA1_UNIX 2085978496LL	/* 2036-02-07 06:28:16 UTC: NTP seconds wrap to 0 */

static void put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* A valid server reply to the request that carried `sent`. */
static void reply(uint8_t *p, uint64_t sent, uint64_t rx, uint64_t tx)
{
	memset(p, 0, SNTP_PACKET_LEN);
	p[0] = 0 << 6 | 4 << 3 | 4;
	p[1] = 2;
	memcpy(p + 12, "GPS\0", 4);
	put64(p + 24, sent);
	put64(p + 32, rx);
	put64(p + 40, tx);
}

int main(void)
{
	const int64_t t1 = 1700000000LL * NS + 250000000;	/* 2023-11-14 22:13:20.25 */
	const uint64_t sent = sntp_from_unix_ns(t1);
	uint8_t req[SNTP_PACKET_LEN], p[64];
	struct sntp_reply r;
	char why[200];
	int64_t off, delay;

	sntp_request(req, 0x0123456789abcdefULL);
	tap_is_int(req[0], 0x23, "request: LI 0, version 4, mode 3 (client)");
	tap_ok(req[1] == 0 && req[24] == 0 && req[32] == 0, "request: stratum and other stamps zero");
	tap_ok(req[40] == 0x01 && req[47] == 0xef, "request: transmit timestamp in network order");

	tap_is_int((int64_t)(sent >> 32), 1700000000LL + 2208988800LL, "Unix -> NTP seconds (era 0)");
	tap_is_int((int64_t)(sent & 0xffffffffu), 0x40000000, "Unix -> NTP fraction (0.25 s)");
	tap_is_int(sntp_to_unix_ns(sent), t1, "NTP -> Unix round trip");
	tap_is_int(sntp_to_unix_ns(0x83aa7e8000000000ULL), 0, "NTP 0x83aa7e80 is the Unix epoch");

	/* The 2036 wrap: seconds 0xffffffff is era 0, 0x00000001 era 1. */
	tap_is_int(sntp_to_unix_ns(0xffffffffULL << 32), (ERA1_UNIX - 1) * NS,
		   "NTP seconds 0xffffffff: 2036-02-07 06:28:15 (era 0)");
	tap_is_int(sntp_to_unix_ns(1ULL << 32), (ERA1_UNIX + 1) * NS,
		   "NTP seconds 0x00000001: 2036-02-07 06:28:17 (era 1), not 1900");
	tap_is_int((int64_t)(sntp_from_unix_ns((ERA1_UNIX + 10) * NS) >> 32), 10,
		   "Unix 2036-02-07 06:28:26 -> NTP seconds 10");
	tap_is_int(sntp_to_unix_ns(sntp_from_unix_ns((ERA1_UNIX + 86400 * 365LL) * NS)),
		   (ERA1_UNIX + 86400 * 365LL) * NS, "round trip in 2037 (era 1)");
	tap_is_int(sntp_to_unix_ns(sntp_from_unix_ns(-100 * NS - 1)), -100 * NS - 1,
		   "round trip before 1970 (1969, era 0; floor of a negative time)");

	/* A good reply: the server is 5 s ahead, 20 ms each way. */
	reply(p, sent, sntp_from_unix_ns(t1 + 5 * NS + 20000000),
	      sntp_from_unix_ns(t1 + 5 * NS + 21000000));
	tap_is_int(sntp_parse(p, SNTP_PACKET_LEN, sent, &r, why, sizeof(why)), 0,
		   "a valid reply is taken");
	tap_is_str(why, "", "... with no reason given");
	tap_ok(r.mode == 4 && r.version == 4 && r.stratum == 2 && !strcmp(r.refid, "GPS?"),
	       "... fields read: mode %u version %u stratum %u refid %s", r.mode, r.version,
	       r.stratum, r.refid);
	sntp_offset(t1, &r, t1 + 41000000, &off, &delay);
	tap_is_int(off / 1000, 5000000, "offset ((T2-T1)+(T3-T4))/2 = +5 s");
	tap_is_int(delay / 1000, 40000, "delay (T4-T1)-(T3-T2) = 40 ms");
	tap_is_int(sntp_parse(p, 60, sent, &r, why, sizeof(why)), 0,
		   "a reply with trailing bytes (key id, digest) is taken");
	p[0] = 0 << 6 | 3 << 3 | 4;
	tap_is_int(sntp_parse(p, SNTP_PACKET_LEN, sent, &r, why, sizeof(why)), 0,
		   "a version 3 reply is taken");

	/* Hostile and broken replies. */
	tap_is_int(sntp_parse(p, 47, sent, &r, why, sizeof(why)), -SNTP_SHORT, "47 bytes: refused");
	tap_is_str(why, "47 bytes, expected at least 48", "... reason names the size");
	tap_is_int(sntp_parse(p, 0, sent, &r, why, sizeof(why)), -SNTP_SHORT, "empty datagram: refused");
	tap_is_int(sntp_parse(p, 0, sent, &r, NULL, 0), -SNTP_SHORT, "no reason buffer: still refused");

	reply(p, sent, sent, sent + 1);
	p[0] = 4 << 3 | 3;
	tap_is_int(sntp_parse(p, SNTP_PACKET_LEN, sent, &r, why, sizeof(why)), -SNTP_BAD_MODE,
		   "mode 3 (our own request reflected): refused");
	tap_is_str(why, "mode 3, expected 4 (server)", "... reason names the mode");
	p[0] = 4 << 3 | 5;
	tap_is_int(sntp_parse(p, SNTP_PACKET_LEN, sent, &r, why, sizeof(why)), -SNTP_BAD_MODE,
		   "mode 5 (broadcast) to a unicast request: refused");
	p[0] = 2 << 3 | 4;
	tap_is_int(sntp_parse(p, SNTP_PACKET_LEN, sent, &r, why, sizeof(why)), -SNTP_BAD_VERSION,
		   "version 2: refused");
	tap_is_str(why, "version 2, expected 3 or 4", "... reason names the version");
	p[0] = 7 << 3 | 4;
	tap_is_int(sntp_parse(p, SNTP_PACKET_LEN, sent, &r, why, sizeof(why)), -SNTP_BAD_VERSION,
		   "version 7: refused");

	reply(p, sent, sent, sent + 1);
	p[1] = 0;
	memcpy(p + 12, "RATE", 4);
	tap_is_int(sntp_parse(p, SNTP_PACKET_LEN, sent, &r, why, sizeof(why)), -SNTP_KISS_OF_DEATH,
		   "stratum 0 (kiss-o'-death RATE): refused");
	tap_ok(strstr(why, "kiss-o'-death RATE") != NULL, "... reason names the kiss code: %s", why);
	memcpy(p + 12, "\x01\xff\n\0", 4);
	sntp_parse(p, SNTP_PACKET_LEN, sent, &r, why, sizeof(why));
	tap_is_str(r.refid, "????", "a kiss code with control bytes is printed as '?'");
	p[1] = 16;
	tap_is_int(sntp_parse(p, SNTP_PACKET_LEN, sent, &r, why, sizeof(why)), -SNTP_BAD_STRATUM,
		   "stratum 16 (unsynchronized): refused");
	p[1] = 255;
	tap_is_int(sntp_parse(p, SNTP_PACKET_LEN, sent, &r, why, sizeof(why)), -SNTP_BAD_STRATUM,
		   "stratum 255: refused");
	tap_is_str(why, "stratum 255 (unsynchronized), expected 1-15", "... reason names the stratum");
	p[1] = 15;
	tap_is_int(sntp_parse(p, SNTP_PACKET_LEN, sent, &r, why, sizeof(why)), 0, "stratum 15: taken");
	p[1] = 1;
	tap_is_int(sntp_parse(p, SNTP_PACKET_LEN, sent, &r, why, sizeof(why)), 0, "stratum 1: taken");
	p[0] = 3 << 6 | 4 << 3 | 4;
	tap_is_int(sntp_parse(p, SNTP_PACKET_LEN, sent, &r, why, sizeof(why)), -SNTP_ALARM,
		   "leap indicator 3 (alarm): refused");

	reply(p, sent, sent, 0);
	tap_is_int(sntp_parse(p, SNTP_PACKET_LEN, sent, &r, why, sizeof(why)), -SNTP_ZERO_TRANSMIT,
		   "transmit timestamp 0: refused");
	reply(p, sent, 0, sent);
	tap_is_int(sntp_parse(p, SNTP_PACKET_LEN, sent, &r, why, sizeof(why)), -SNTP_ZERO_RECEIVE,
		   "receive timestamp 0: refused");
	reply(p, sent + 1, sent, sent + 1);
	tap_is_int(sntp_parse(p, SNTP_PACKET_LEN, sent, &r, why, sizeof(why)), -SNTP_ORIGINATE,
		   "originate off by one fraction unit (stale or forged): refused");
	tap_ok(strstr(why, "stale or forged") != NULL && strstr(why, "expected") != NULL,
	       "... reason names both stamps: %s", why);
	reply(p, 0, sent, sent + 1);
	tap_is_int(sntp_parse(p, SNTP_PACKET_LEN, sent, &r, why, sizeof(why)), -SNTP_ORIGINATE,
		   "originate 0: refused");
	reply(p, sent, sent + 10, sent + 5);
	tap_is_int(sntp_parse(p, SNTP_PACKET_LEN, sent, &r, why, sizeof(why)), -SNTP_BACKWARDS,
		   "server transmitted before it received: refused");

	/* Across the era wrap: our clock at 2036-02-07 06:28:10 (era 0),
	 * the server's at 06:28:20 (era 1): +10 s, not -136 years. */
	{
		int64_t c1 = (ERA1_UNIX - 6) * NS;
		uint64_t s1 = sntp_from_unix_ns(c1);
		uint64_t srv = sntp_from_unix_ns((ERA1_UNIX + 4) * NS);

		tap_ok((s1 >> 63) && !(srv >> 63), "request stamp in era 0, reply stamps in era 1");
		reply(p, s1, srv, srv);
		tap_is_int(sntp_parse(p, SNTP_PACKET_LEN, s1, &r, why, sizeof(why)), 0,
			   "a reply across the 2036 wrap is taken");
		sntp_offset(c1, &r, c1, &off, &delay);
		tap_is_int(off, 10 * NS, "offset across the 2036 wrap: +10 s");
		/* and the other way round: our clock already in era 1 */
		c1 = (ERA1_UNIX + 3) * NS;
		s1 = sntp_from_unix_ns(c1);
		srv = sntp_from_unix_ns((ERA1_UNIX - 2) * NS);
		reply(p, s1, srv, srv);
		sntp_parse(p, SNTP_PACKET_LEN, s1, &r, why, sizeof(why));
		sntp_offset(c1, &r, c1, &off, &delay);
		tap_is_int(off, -5 * NS, "server in era 0, client in era 1: -5 s");
	}
	/* Extreme local times saturate instead of overflowing. */
	reply(p, sent, sent, sent);
	sntp_parse(p, SNTP_PACKET_LEN, sent, &r, why, sizeof(why));
	sntp_offset(INT64_MIN, &r, INT64_MAX, &off, &delay);
	tap_ok(delay == INT64_MAX, "T1 at INT64_MIN, T4 at INT64_MAX: delay saturates");
	return tap_done();
}
