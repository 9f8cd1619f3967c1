/* sha512crypt.c - SHA-512 crypt (see sha512crypt.h; the steps are numbered as in Drepper's specification). */
#include "userland/nhv-web/sha512crypt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/sha512.h"

#define SALT_MAX 16
#define ROUNDS_DEFAULT 5000
#define ROUNDS_MIN 1000
#define ROUNDS_MAX 999999999UL

static const char b64[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static void add(mbedtls_sha512_context *c, const void *p, size_t n)
{
	mbedtls_sha512_update_ret(c, p, n);
}

/* Step 22e: three bytes as four characters, least significant 6 bits first. */
static char *put24(char *o, unsigned b2, unsigned b1, unsigned b0, int n)
{
	unsigned long w = (unsigned long)b2 << 16 | b1 << 8 | b0;

	while (n-- > 0) {
		*o++ = b64[w & 0x3f];
		w >>= 6;
	}
	return o;
}

int sha512crypt(const char *pw, const char *setting, char out[SHA512CRYPT_MAX])
{
	mbedtls_sha512_context c;
	unsigned char a[64], b[64], dp[64], ds[64], *p_bytes, s_bytes[SALT_MAX];
	const char *s = setting + 3;
	unsigned long rounds = ROUNDS_DEFAULT;
	int custom = 0;
	size_t pl = strlen(pw), sl, i;
	char *o;

	if (strncmp(setting, "$6$", 3) != 0)
		return -1;
	if (strncmp(s, "rounds=", 7) == 0) {
		char *end;

		rounds = strtoul(s + 7, &end, 10);
		if (end == s + 7 || *end != '$')
			return -1;
		rounds = rounds < ROUNDS_MIN ? ROUNDS_MIN : rounds > ROUNDS_MAX ? ROUNDS_MAX : rounds;
		custom = 1;
		s = end + 1;
	}
	sl = strcspn(s, "$");
	if (sl > SALT_MAX)
		sl = SALT_MAX;
	p_bytes = malloc(pl + 1);
	if (!p_bytes)
		return -1;
	mbedtls_sha512_init(&c);
	/* Steps 4-8: B = H(P S P). */
	mbedtls_sha512_starts_ret(&c, 0);
	add(&c, pw, pl);
	add(&c, s, sl);
	add(&c, pw, pl);
	mbedtls_sha512_finish_ret(&c, b);
	/* Steps 1-3, 9-12: A. */
	mbedtls_sha512_starts_ret(&c, 0);
	add(&c, pw, pl);
	add(&c, s, sl);
	for (i = pl; i > 64; i -= 64)
		add(&c, b, 64);
	add(&c, b, i);
	for (i = pl; i > 0; i >>= 1) {
		if (i & 1)
			add(&c, b, 64);
		else
			add(&c, pw, pl);
	}
	mbedtls_sha512_finish_ret(&c, a);
	/* Steps 13-16: P' from DP = H(P repeated |P| times). */
	mbedtls_sha512_starts_ret(&c, 0);
	for (i = 0; i < pl; i++)
		add(&c, pw, pl);
	mbedtls_sha512_finish_ret(&c, dp);
	for (i = 0; i < pl; i++)
		p_bytes[i] = dp[i % 64];
	/* Steps 17-20: S' from DS = H(S repeated 16 + A[0] times). */
	mbedtls_sha512_starts_ret(&c, 0);
	for (i = 0; i < 16u + a[0]; i++)
		add(&c, s, sl);
	mbedtls_sha512_finish_ret(&c, ds);
	memcpy(s_bytes, ds, sl);
	/* Step 21: the rounds. */
	for (unsigned long r = 0; r < rounds; r++) {
		mbedtls_sha512_starts_ret(&c, 0);
		if (r & 1)
			add(&c, p_bytes, pl);
		else
			add(&c, a, 64);
		if (r % 3)
			add(&c, s_bytes, sl);
		if (r % 7)
			add(&c, p_bytes, pl);
		if (r & 1)
			add(&c, a, 64);
		else
			add(&c, p_bytes, pl);
		mbedtls_sha512_finish_ret(&c, a);
	}
	mbedtls_sha512_free(&c);
	/* Step 22: the text. */
	o = out + snprintf(out, SHA512CRYPT_MAX, "$6$");
	if (custom)
		o += snprintf(o, 32, "rounds=%lu$", rounds);
	memcpy(o, s, sl);
	o += sl;
	*o++ = '$';
	for (int k = 0; k < 21; k++) {
		unsigned x = a[k], y = a[k + 21], z = a[k + 42];

		if (k % 3 == 0)
			o = put24(o, x, y, z, 4);
		else if (k % 3 == 1)
			o = put24(o, y, z, x, 4);
		else
			o = put24(o, z, x, y, 4);
	}
	o = put24(o, 0, 0, a[63], 2);
	*o = '\0';
	memset(p_bytes, 0, pl);
	free(p_bytes);
	memset(a, 0, sizeof(a));
	return 0;
}
