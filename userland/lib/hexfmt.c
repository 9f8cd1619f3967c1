/* hexfmt.c - hex digits, UUIDs and MACs as text (see hexfmt.h). */
#include "userland/lib/hexfmt.h"

#include <stdio.h>
#include <string.h>

void uuid_format(const struct nhv_uuid *u, char out[37])
{
	const uint8_t *b = u->b;

	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
		 b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

void uuid_format_vmx(const struct nhv_uuid *u, char out[48])
{
	const uint8_t *b = u->b;

	snprintf(out, 48, "%02x %02x %02x %02x %02x %02x %02x %02x-%02x %02x %02x %02x %02x %02x %02x %02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
		 b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int uuid_parse(const char *s, struct nhv_uuid *u)
{
	int n = 0;

	while (*s && n < 32) {
		int v = hex_digit((unsigned char)*s);

		if (v < 0) {
			if (*s != '-' && *s != ' ')
				return -1;
			s++;
			continue;
		}
		if (n % 2 == 0)
			u->b[n / 2] = (uint8_t)(v << 4);
		else
			u->b[n / 2] |= (uint8_t)v;
		n++;
		s++;
	}
	while (*s == ' ')
		s++;
	return n == 32 && *s == '\0' ? 0 : -1;
}

int uuid_is_nil(const struct nhv_uuid *u)
{
	int zero = 1, ones = 1;

	for (int i = 0; i < 16; i++) {
		zero &= u->b[i] == 0;
		ones &= u->b[i] == 0xff;
	}
	return zero || ones;
}

int uuid_eq(const struct nhv_uuid *a, const struct nhv_uuid *b)
{
	return memcmp(a->b, b->b, 16) == 0;
}

void mac_format(const struct nhv_mac *m, char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
		 m->b[0], m->b[1], m->b[2], m->b[3], m->b[4], m->b[5]);
}

int mac_parse(const char *s, struct nhv_mac *m)
{
	for (int i = 0; i < 6; i++) {
		int hi = hex_digit((unsigned char)s[0]);
		int lo = hi < 0 ? -1 : hex_digit((unsigned char)s[1]);

		if (lo < 0)
			return -1;
		m->b[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5) {
			if (*s != ':' && *s != '-')
				return -1;
			s++;
		}
	}
	return *s == '\0' ? 0 : -1;
}

int mac_eq(const struct nhv_mac *a, const struct nhv_mac *b)
{
	return memcmp(a->b, b->b, 6) == 0;
}

int mac_is_unicast(const struct nhv_mac *m)
{
	static const uint8_t zero[6];

	return !(m->b[0] & 1) && memcmp(m->b, zero, 6) != 0;
}
