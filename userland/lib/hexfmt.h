/*
 * hexfmt.h - hex digits, UUIDs and MAC addresses as text, both ways.  Pure.
 */
#ifndef NHV_LIB_HEXFMT_H
#define NHV_LIB_HEXFMT_H

#include <stdint.h>

struct nhv_uuid {
	uint8_t b[16];
};

struct nhv_mac {
	uint8_t b[6];
};

/* 0-15 for '0'-'9', 'a'-'f', 'A'-'F'; -1 for any other value. */
int hex_digit(int c);

/* The 8-4-4-4-12 hex digit form, e.g. "564d1111-2222-3333-4444-555566667777" (37 bytes with NUL). */
void uuid_format(const struct nhv_uuid *u, char out[37]);
/* VMware's "56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc" (48 bytes with NUL). */
void uuid_format_vmx(const struct nhv_uuid *u, char out[48]);
/* Accepts both forms above, any hex case, and 32 bare hex digits. 0 on success. */
int uuid_parse(const char *s, struct nhv_uuid *u);
int uuid_is_nil(const struct nhv_uuid *u); /* all zero or all 0xff */
int uuid_eq(const struct nhv_uuid *a, const struct nhv_uuid *b);

void mac_format(const struct nhv_mac *m, char out[18]);
int mac_parse(const char *s, struct nhv_mac *m); /* "aa:bb:cc:dd:ee:ff" or with '-' */
int mac_eq(const struct nhv_mac *a, const struct nhv_mac *b);
int mac_is_unicast(const struct nhv_mac *m); /* not multicast, not all zero */

#endif
