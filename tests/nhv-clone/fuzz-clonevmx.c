/*
 * fuzz-clonevmx.c - libFuzzer target for nhv-clone's edits of a .vmx
 * (clonevmx.c) on any input: a successful edit leaves the new name, no
 * generated address, vhv.enable TRUE, and a file that reads back with the
 * same number of lines.  The editor's own round trip: tests/libnhv/fuzz-vmx.c.
 */
#include "tools/nhv-clone/clonevmx.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct clone_params p;
	struct vmx v, again;
	char err[256], *text, *name, *vhv;
	size_t len;
	int ok;

	if (vmx_parse(&v, (const char *)data, size) < 0)
		return 0;
	memset(&p, 0, sizeof(p));
	err[0] = '\0';
	p.display_name = "clone ☃";
	p.static_macs = 1;
	ok = clone_vmx(&v, &p, err, sizeof(err)) == 0;
	if (!ok && !err[0])
		abort();	/* a refusal names its reason */
	if (ok) {
		name = vmx_get(&v, "displayName");
		vhv = vmx_get(&v, "vhv.enable");
		if (!name || strcmp(name, "clone ☃") != 0 || !vhv || strcmp(vhv, "TRUE") != 0 ||
		    vmx_count(&v, "ethernet0.generatedAddress") != 0)
			abort();
		free(name);
		free(vhv);
	}
	text = vmx_format(&v, &len);
	if (!text || vmx_parse(&again, text, len) < 0 || again.n != v.n)
		abort();
	free(text);
	vmx_free(&again);
	vmx_free(&v);
	return 0;
}
