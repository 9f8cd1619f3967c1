/*
 * fuzz-vmx.c - libFuzzer target for the .vmx editor: any input formats back
 * byte for byte; after edits the result parses and formats to itself, the
 * edited key reads back as set, and removed keys are gone.
 */
#include "userland/lib/vmx.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct vmx v, w;
	size_t len, len2;
	char *out, *out2, *val;

	if (vmx_parse(&v, (const char *)data, size) < 0)
		return 0;
	out = vmx_format(&v, &len);
	if (!out || len != size || memcmp(out, data, size) != 0)
		abort();
	free(out);

	vmx_set(&v, "displayName", "fuzz \"name\" | ☃");
	vmx_remove(&v, "ethernet0.generatedAddress");
	val = vmx_get(&v, "displayName");
	if (!val || strcmp(val, "fuzz \"name\" | ☃") != 0)
		abort();
	free(val);
	if (vmx_count(&v, "ethernet0.generatedAddress") != 0)
		abort();

	out = vmx_format(&v, &len);
	if (!out || vmx_parse(&w, out, len) < 0)
		abort();
	out2 = vmx_format(&w, &len2);
	if (!out2 || len2 != len || memcmp(out, out2, len) != 0)
		abort();
	free(out);
	free(out2);
	vmx_free(&w);
	vmx_free(&v);
	return 0;
}
