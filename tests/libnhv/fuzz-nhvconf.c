/*
 * fuzz-nhvconf.c - libFuzzer target: the kernel command line and OVF
 * environment parsers of handshake/nhvconf.c.  The first input byte picks
 * the parser; every value taken must pass its own check.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "userland/lib/nhvconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nhvconf c;
	int k;

	if (size < 1)
		return 0;
	nhvconf_init(&c);
	if (data[0] & 1)
		nhvconf_parse_ovfenv(&c, (const char *)data + 1, size - 1);
	else
		nhvconf_parse_cmdline(&c, (const char *)data + 1, size - 1);
	for (k = 0; k < NHVCONF_NKEYS; k++) {
		const char *v = nhvconf_get(&c, (enum nhvconf_key)k);

		if (v && (strlen(v) >= NHVCONF_VALUE_MAX || !*v ||
			  nhvconf_check((enum nhvconf_key)k, v, NULL, 0) != 0))
			abort();
	}
	return 0;
}
