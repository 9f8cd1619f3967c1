/* Unit tests of nhv-init's pure parts: the kernel command line reader, the boot medium's label. */
#include <string.h>

#include "userland/lib/tap.h"
#include "userland/nhv-init/nhv-init.h"

int main(void)
{
	cmdline_set("BOOT_IMAGE=/boot/vmlinuz console=ttyS0 quiet nhv.shell=serial "
		    "nhv.guestinfo.hostname=lab1 nhv.shellx=1 nhv.debug nhv.guestinfo.hostname=lab2");
	tap_is_str(cmdline_get("nhv.shell"), "serial", "key=value is found");
	tap_is_str(cmdline_get("nhv.guestinfo.hostname"), "lab2", "a later word overrides an earlier one");
	tap_is_str(cmdline_get("nhv.debug"), "", "a bare key has an empty value");
	tap_ok(cmdline_get("nhv.shel") == NULL, "a key is not matched by a prefix of it");
	tap_ok(cmdline_get("nhv") == NULL, "a key is not matched inside a longer key");
	tap_ok(cmdline_get("missing") == NULL, "an absent key is NULL");
	cmdline_set("");
	tap_ok(cmdline_get("nhv.shell") == NULL, "an empty command line has no keys");

	unsigned char pvd[128];

	memset(pvd, ' ', sizeof(pvd));
	pvd[0] = 1;
	memcpy(pvd + 1, "CD001", 5);
	memcpy(pvd + 40, "NHV", 3);
	tap_ok(bootmedia_is_nhv(pvd, sizeof(pvd)), "an ISO9660 volume labelled NHV is the boot medium");
	tap_ok(!bootmedia_is_nhv(pvd, 71), "a short read is not");
	memcpy(pvd + 40, "NHVDATA", 7);
	tap_ok(!bootmedia_is_nhv(pvd, sizeof(pvd)), "a label that only starts with NHV is not");
	memcpy(pvd + 40, "NHV    ", 7);
	pvd[0] = 2;
	tap_ok(!bootmedia_is_nhv(pvd, sizeof(pvd)), "a supplementary volume descriptor is not");
	pvd[0] = 1;
	pvd[3] = 'X';
	tap_ok(!bootmedia_is_nhv(pvd, sizeof(pvd)), "no CD001 signature, no ISO9660");

	return tap_done();
}
