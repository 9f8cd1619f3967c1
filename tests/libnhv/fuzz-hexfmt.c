/*
 * fuzz-hexfmt.c - libFuzzer target for UUID and MAC parsing: whatever
 * parses formats to a text that parses to the same value.
 */
#include "userland/lib/hexfmt.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char text[128], s[48];
	struct nhv_uuid u, v;
	struct nhv_mac m, n;

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (uuid_parse(text, &u) == 0) {
		uuid_format(&u, s);
		if (uuid_parse(s, &v) != 0 || !uuid_eq(&u, &v))
			abort();
		uuid_format_vmx(&u, s);
		if (uuid_parse(s, &v) != 0 || !uuid_eq(&u, &v))
			abort();
	}
	if (mac_parse(text, &m) == 0) {
		mac_format(&m, s);
		if (mac_parse(s, &n) != 0 || !mac_eq(&m, &n) || strlen(s) != 17)
			abort();
	}
	return 0;
}
