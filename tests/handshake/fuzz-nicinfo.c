/*
 * fuzz-nicinfo.c - libFuzzer target: the NIC report decoder
 * (handshake/nicinfo_xdr.c) on guest bytes.  Input: 1 selector byte, then
 * the report: selector even, an XDR GuestNicProto of exactly the rest;
 * odd, a V1 struct (the rest copied into a zeroed 2436-byte struct, so
 * that the fuzzer reaches its fields).  A decoded report must be within
 * its bounds, and every kept address must format.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "handshake/nicinfo_xdr.h"

static void check(const struct nicinfo *ni)
{
	char s[NICINFO_ADDR_STR];

	if (ni->nnics > NICINFO_NICS_MAX || ni->version < 1 || ni->version > 3)
		abort();
	for (unsigned int i = 0; i < ni->nnics; i++) {
		const struct nicinfo_nic *n = &ni->nic[i];

		if (n->naddrs > NICINFO_ADDRS_MAX || memchr(n->mac, '\0', NICINFO_MAC_STR) == NULL)
			abort();
		if (n->mac[0] && strlen(n->mac) != 17)
			abort();
		for (unsigned int k = 0; k < n->naddrs; k++) {
			const struct nicinfo_addr *a = &n->addr[k];

			if ((a->family != 4 && a->family != 6) ||
			    (a->prefix != 0xFF && a->prefix > (a->family == 4 ? 32 : 128)))
				abort();
			nicinfo_addr_str(a, s, sizeof(s));
			if (!s[0] || s[0] == '?')
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t v1[NICINFO_V1_SIZE];
	static struct nicinfo ni;
	int r;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		size_t n = size - 1 < sizeof(v1) ? size - 1 : sizeof(v1);

		memset(v1, 0, sizeof(v1));
		memcpy(v1, data + 1, n);
		r = nicinfo_decode_v1(v1, sizeof(v1), &ni);
	} else {
		/* A copy of exactly the report's size: ASan sees any read past it. */
		uint8_t *p = malloc(size - 1 ? size - 1 : 1);

		if (!p)
			return 0;
		memcpy(p, data + 1, size - 1);
		r = nicinfo_decode_xdr(p, size - 1, &ni);
		free(p);
	}
	if (r == 0)
		check(&ni);
	else if (!nicinfo_strerror(r)[0])
		abort();
	return 0;
}
