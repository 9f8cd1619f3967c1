/*
 * sntp.h - SNTP (RFC 4330) packets: the client request and the checks on a
 * server's reply.  Pure: no I/O, no clock; times are given and returned as
 * Unix nanoseconds (int64_t) or raw 64-bit NTP timestamps (32.32 fixed
 * point, seconds since 1900 in era 0).
 */
#ifndef NHV_SNTP_H
#define NHV_SNTP_H

#include <stddef.h>
#include <stdint.h>

#define SNTP_PACKET_LEN 48
#define SNTP_PORT 123
#define SNTP_NTP_TO_UNIX 2208988800u	/* seconds from 1900-01-01 to 1970-01-01 */

/* Reasons a reply is refused (sntp_parse's return value, negated). */
enum sntp_refusal {
	SNTP_OK = 0,
	SNTP_SHORT,		/* fewer than 48 bytes */
	SNTP_BAD_MODE,		/* not mode 4 (server) */
	SNTP_BAD_VERSION,	/* not version 3 or 4 */
	SNTP_KISS_OF_DEATH,	/* stratum 0: the kiss code is in refid */
	SNTP_BAD_STRATUM,	/* 16 or above: unsynchronized */
	SNTP_ALARM,		/* leap indicator 3: server clock not synchronized */
	SNTP_ZERO_TRANSMIT,	/* transmit timestamp 0 */
	SNTP_ZERO_RECEIVE,	/* receive timestamp 0 */
	SNTP_ORIGINATE,		/* originate timestamp is not what we sent */
	SNTP_BACKWARDS,		/* the server sent before it received */
};

struct sntp_reply {
	unsigned leap, version, mode, stratum;
	char refid[5];		/* the kiss code (e.g. "RATE") when stratum is 0 */
	uint64_t originate, receive, transmit;	/* as on the wire */
	int64_t receive_ns, transmit_ns;	/* T2, T3 in Unix nanoseconds */
};

/* A client request (version 4, mode 3) carrying xmt as its transmit time. */
void sntp_request(uint8_t pkt[SNTP_PACKET_LEN], uint64_t xmt);

/* Checks a reply to the request that carried `sent`; fills r as far as it
 * got.  Returns 0 when the reply can be used, else -enum sntp_refusal with
 * the reason in why ("mode 3, expected 4 (server)", ...). */
int sntp_parse(const uint8_t *buf, size_t len, uint64_t sent, struct sntp_reply *r, char *why,
	       size_t whylen);

/* Unix nanoseconds <-> NTP timestamp.  An NTP time with the top bit of its
 * seconds set is in era 0 (1968-2036), otherwise in era 1 (2036-2104), as
 * RFC 4330 section 3 says. */
uint64_t sntp_from_unix_ns(int64_t ns);
int64_t sntp_to_unix_ns(uint64_t ts);

/* Clock offset ((T2 - T1) + (T3 - T4)) / 2 and round-trip delay
 * (T4 - T1) - (T3 - T2), in nanoseconds; t1, t4 are the local send and
 * receive times.  Saturates instead of overflowing. */
void sntp_offset(int64_t t1, const struct sntp_reply *r, int64_t t4, int64_t *offset,
		 int64_t *delay);

#endif
