/*
 * fuzz-nhvconf-settings.c - libFuzzer target: the /run/nhv/settings parser
 * and the data disk's settings file (userland/lib/nhvconf-settings.c and
 * nhvconf-decide.c).  The first input byte picks the parser.  Every value
 * taken must pass its own check; a settings file that parses must format
 * and parse back to the same text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "userland/lib/nhvconf.h"

static void check_values(const struct nhvconf *c)
{
	int k;

	for (k = 0; k < NHVCONF_NKEYS; k++) {
		const char *v = nhvconf_get(c, (enum nhvconf_key)k);

		if (!v || (k == NHVCONF_PASSWORD && !*v))
			continue;
		if (strlen(v) >= NHVCONF_VALUE_MAX || !*v ||
		    nhvconf_check((enum nhvconf_key)k, v, NULL, 0) != 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char a[8192], b[8192];
	struct nhvconf c, back;
	char why[200];
	long n, m;

	if (size < 1)
		return 0;
	nhvconf_init(&c);
	if (data[0] & 1) {
		nhvconf_parse_datadisk(&c, (const char *)data + 1, size - 1, NULL, NULL);
		if (nhvconf_get(&c, NHVCONF_DATADISK))
			abort();	/* never from the data disk */
		check_values(&c);
		return 0;
	}
	if (nhvconf_parse_settings(&c, (const char *)data + 1, size - 1, why, sizeof(why)) != 0)
		return 0;
	check_values(&c);
	n = nhvconf_format_settings(&c, a, sizeof(a));
	if (n < 0 || nhvconf_parse_settings(&back, a, (size_t)n, why, sizeof(why)) != 0)
		abort();
	m = nhvconf_format_settings(&back, b, sizeof(b));
	if (m != n || memcmp(a, b, (size_t)n) != 0)
		abort();
	return 0;
}
