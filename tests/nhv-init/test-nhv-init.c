/* Unit tests of nhv-init's pure parts: the kernel command line reader. */
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

	return tap_done();
}
