/*
 * nicinfo_xdr.h - the guest's NIC report (SetGuestInfo), decoded from
 * guest-controlled bytes.  open-vm-tools' vmtoolsd sends, newest first
 * until one is accepted (services/plugins/guestInfo/guestInfoServer.c,
 * GuestInfoSendNicInfo):
 *   "SetGuestInfo  10 " + XDR GuestNicProto (NIC_INFO_V3)   INFO_IPADDRESS_V3
 *   "SetGuestInfo  9 "  + XDR GuestNicProto (V3, then V2)   INFO_IPADDRESS_V2
 *   "SetGuestInfo  2 "  + the C struct GuestNicInfoV1       INFO_IPADDRESS
 * (types: bdoor_def.h INFO_IPADDRESS*).  XDR types in lib/guestRpc/nicinfo.x,
 * RFC 4506 encoding: every item a multiple of 4 bytes, big-endian; a fixed
 * char array is one 4-byte word a character; a pointer is a bool, then the
 * object when the bool is 1.
 *
 * Bounded: every count is checked against nicinfo.x's limit and against
 * the bytes left before anything is read; the structure has a fixed depth
 * (no recursion); nothing is allocated.  Only what a status display needs
 * is kept: the first NICINFO_NICS_MAX NICs with a MAC in canonical form and
 * their first NICINFO_ADDRS_MAX IPv4/IPv6 addresses with prefix, parsed
 * into binary (a guest's text never reaches the output as such).
 * DNS, WINS, DHCP and route parts are checked for bounds and skipped.
 */
#ifndef NHV_NICINFO_XDR_H
#define NHV_NICINFO_XDR_H

#include <stddef.h>
#include <stdint.h>

#define NICINFO_NICS_MAX	16	/* nicinfo.x NICINFO_MAX_NICS */
#define NICINFO_ADDRS_MAX	8	/* kept per NIC; the rest are counted */
#define NICINFO_MAC_STR		18	/* "aa:bb:cc:dd:ee:ff" and NUL */
#define NICINFO_ADDR_STR	48	/* an IPv6 address, '/', prefix, NUL */

/* sizeof(GuestNicInfoV1) on x86: 4 + 16 * (4 + 19 + 8 * 16 + 1 padding). */
#define NICINFO_V1_SIZE		2436u

enum nicinfo_err {
	NICINFO_OK = 0,
	NICINFO_ETRUNC = -1,	/* the data ends inside an item */
	NICINFO_EVERSION = -2,	/* a NicInfoVersion other than 2 or 3 */
	NICINFO_ECOUNT = -3,	/* an array count above nicinfo.x's limit */
	NICINFO_ELEN = -4,	/* a string or opaque longer than its limit */
	NICINFO_EBOOL = -5,	/* a bool (or pointer tag) other than 0 or 1 */
	NICINFO_ETRAIL = -6,	/* bytes after the report */
	NICINFO_ENULL = -7,	/* the top pointer is NULL: no report */
	NICINFO_ESIZE = -8,	/* a V1 report of the wrong size */
};

struct nicinfo_addr {
	uint8_t family;		/* 4 or 6 */
	uint8_t prefix;		/* 0..32 or 0..128 */
	uint8_t bytes[16];	/* IPv4 in the first 4 */
};

struct nicinfo_nic {
	char mac[NICINFO_MAC_STR];	/* canonical, or "" when the guest's was not a MAC */
	unsigned int naddrs;
	unsigned int dropped;		/* addresses not kept (over the limit, unusable) */
	struct nicinfo_addr addr[NICINFO_ADDRS_MAX];
};

struct nicinfo {
	unsigned int version;		/* NicInfo version decoded: 1, 2 or 3 */
	unsigned int nnics;
	unsigned int dropped;		/* NICs over NICINFO_NICS_MAX */
	struct nicinfo_nic nic[NICINFO_NICS_MAX];
};

/* An XDR GuestNicProto (the bytes after "SetGuestInfo  9 " or "  10 "). */
int nicinfo_decode_xdr(const uint8_t *p, size_t len, struct nicinfo *out);
/* A GuestNicInfoV1 (after "SetGuestInfo  2 "): exactly NICINFO_V1_SIZE bytes. */
int nicinfo_decode_v1(const uint8_t *p, size_t len, struct nicinfo *out);
const char *nicinfo_strerror(int err);

/* "10.0.0.1/24" or "fe80::1/64" into out (NICINFO_ADDR_STR bytes). */
void nicinfo_addr_str(const struct nicinfo_addr *a, char *out, size_t len);

#endif
