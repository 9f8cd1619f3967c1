/*
 * fuzz-sntp.c - libFuzzer target: the SNTP reply parser of
 * userland/nhv-toolsd/sntp.c.  Input: one flag byte (bit 0: the request
 * stamp is taken from the packet's own originate field, so that the checks
 * after it run too), T1 and T4 (8 bytes each, little-endian, local send and
 * receive times in Unix ns), then the datagram.  A reply that is taken must
 * satisfy every rule the parser promises; the reason for a refusal must be
 * a bounded, terminated string; the offset arithmetic must not overflow
 * (UBSan) and NTP timestamps must survive a round trip through Unix time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "userland/nhv-toolsd/sntp.h"

static int64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return (int64_t)v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sntp_reply r;
	char why[64];
	const uint8_t *pkt;
	uint64_t sent = 0x0123456789abcdefULL, back;
	int64_t t1, t4, off, delay;
	size_t len;
	int rc, i;

	if (size < 17)
		return 0;
	t1 = le64(data + 1);
	t4 = le64(data + 9);
	pkt = data + 17;
	len = size - 17;
	if ((data[0] & 1) && len >= 32)
		for (sent = 0, i = 24; i < 32; i++)
			sent = sent << 8 | pkt[i];
	memset(why, 'x', sizeof(why));
	rc = sntp_parse(pkt, len, sent, &r, why, sizeof(why));
	if (memchr(why, '\0', sizeof(why)) == NULL)
		abort();	/* reason not terminated */
	if (rc > 0 || rc < -SNTP_BACKWARDS)
		abort();
	if (rc == 0) {
		if (len < SNTP_PACKET_LEN || r.mode != 4 || (r.version != 3 && r.version != 4) ||
		    r.stratum < 1 || r.stratum > 15 || r.leap == 3 || r.transmit == 0 ||
		    r.originate != sent || r.transmit_ns < r.receive_ns || why[0])
			abort();
		sntp_offset(t1, &r, t4, &off, &delay);
		(void)off;
		(void)delay;
	}
	/* to Unix and back: equal within the rounding of a nanosecond */
	back = sntp_from_unix_ns(sntp_to_unix_ns(r.transmit));
	if ((int64_t)(back - r.transmit) > 5 || (int64_t)(back - r.transmit) < -5)
		abort();
	return 0;
}
