/*
 * fuzz-config.c - libFuzzer target for nhv-vm's .vmx config parser: any
 * input either parses into a config whose fields hold the invariants, or
 * fails with a message that names the file.
 */
#include <stdlib.h>
#include <string.h>
#include "userland/nhv-vm/config.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *sets[] = { "numvcpus=2" };
	struct vm_config c;
	char err[512];

	if (vm_config_parse(&c, "/f/g.vmx", (const char *)data, size, sets, size & 1, err,
			    sizeof(err))) {
		if (strncmp(err, "/f/g.vmx", 8) && strncmp(err, "--set", 5))
			abort();
		return 0;
	}
	if (!c.kernel || c.kernel[0] != '/' || !c.display_name || !c.display_name[0])
		abort();
	if (c.memsize_mib < VM_MIN_MEMSIZE_MIB || c.memsize_mib > VM_MAX_MEMSIZE_MIB ||
	    c.numvcpus < 1 || c.numvcpus > VM_MAX_VCPUS || c.ndisks > VM_MAX_DISKS)
		abort();
	for (unsigned int i = 0; i < c.ndisks; i++)
		if (!c.disks[i] || c.disks[i][0] != '/')
			abort();
	vm_config_free(&c);
	return 0;
}
