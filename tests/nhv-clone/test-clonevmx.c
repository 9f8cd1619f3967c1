/*
 * test-clonevmx.c - what nhv-clone changes in a .vmx (clonevmx.c), and the
 * clone names it makes.  The .vmx editor itself: tests/libnhv/test-vmx.c.
 */
#include "userland/lib/tap.h"
#include "tools/nhv-clone/clonevmx.h"

#include <stdlib.h>
#include <string.h>

static void clone_edits(void)
{
	struct clone_params p;
	struct vmx v;
	char err[256], *o, *val;
	size_t len;
	const char *susp = "displayName = \"x\"\ncheckpoint.vmState = \"x.vmss\"\n";
	const char *cp = "displayName = \"x\"\n.encoding = \"windows-1252\"\n";
	const char *plain = "displayName = \"x\"\nethernet0.present = \"TRUE\"\nethernet0.addressType = \"vpx\"\n"
			    "ethernet0.generatedAddress = \"00:50:56:9a:00:01\"\nethernet1.present = \"true\"\n"
			    "ethernet2.present = \"FALSE\"\nvmci0.id = \"123\"\n";
	int nic[VMX_MAX_NICS];

	memset(&p, 0, sizeof(p));
	p.display_name = "y";
	uuid_parse("01020304-0506-0708-090a-0b0c0d0e0f10", &p.bios);
	uuid_parse("11121314-1516-1718-191a-1b1c1d1e1f20", &p.location);

	vmx_parse(&v, susp, strlen(susp));
	tap_ok(clone_vmx(&v, &p, err, sizeof(err)) < 0 && strstr(err, "suspended"),
	       "a suspended VM is refused: %s", err);
	vmx_free(&v);

	p.display_name = "ÿ-non-ascii";
	vmx_parse(&v, cp, strlen(cp));
	tap_ok(clone_vmx(&v, &p, err, sizeof(err)) < 0 && strstr(err, "windows-1252"),
	       "non-ASCII name in a windows-1252 file is refused: %s", err);
	vmx_free(&v);

	vmx_parse(&v, plain, strlen(plain));
	tap_is_int(vmx_nics(&v, nic), 2, "present NICs: ethernet0 and ethernet1 (case-insensitive TRUE)");
	tap_ok(clone_vmx(&v, &p, err, sizeof(err)) == 0, "plain clone edit succeeds");
	o = vmx_format(&v, &len);
	tap_ok(strncmp(o, ".encoding = \"UTF-8\"\n", 20) == 0, "non-ASCII name: .encoding = UTF-8 put first");
	tap_ok(strstr(o, "generatedAddress") == NULL && strstr(o, "addressType") == NULL &&
	       strstr(o, "vmci0.id") == NULL, "generated address, its type and vmci0.id removed");
	val = vmx_get(&v, "uuid.bios");
	tap_is_str(val, "01 02 03 04 05 06 07 08-09 0a 0b 0c 0d 0e 0f 10", "uuid.bios set in VMware form");
	free(val);
	val = vmx_get(&v, "vhv.enable");
	tap_is_str(val, "TRUE", "vhv.enable set");
	free(val);
	free(o);
	vmx_free(&v);

	p.display_name = "z";
	p.static_macs = 1;
	mac_parse("00:50:56:00:00:10", &p.macs[0]);
	mac_parse("00:50:56:00:00:11", &p.macs[1]);
	p.ngi = 1;
	p.gi_key[0] = "hostname";
	p.gi_val[0] = "z";
	vmx_parse(&v, plain, strlen(plain));
	clone_vmx(&v, &p, err, sizeof(err));
	val = vmx_get(&v, "ethernet1.address");
	tap_is_str(val, "00:50:56:00:00:11", "static MACs go to the present NICs in order");
	free(val);
	val = vmx_get(&v, "ethernet2.address");
	tap_ok(val == NULL, "an absent NIC gets no MAC");
	free(val);
	val = vmx_get(&v, "guestinfo.nhv.hostname");
	tap_is_str(val, "z", "guestinfo.nhv.* key set");
	free(val);
	vmx_free(&v);
}

static void names(void)
{
	char out[64];

	tap_ok(name_format("lab%02d", 7, out, sizeof(out)) == 0 && strcmp(out, "lab07") == 0, "lab%%02d -> lab07");
	tap_ok(name_format("esx-%d-a", 12, out, sizeof(out)) == 0 && strcmp(out, "esx-12-a") == 0, "%%d in the middle");
	tap_ok(name_format("p%%%3d", 5, out, sizeof(out)) == 0 && strcmp(out, "p%  5") == 0, "%%%% and %%3d");
	tap_ok(name_format("lab", 1, out, sizeof(out)) < 0, "no %%d refused");
	tap_ok(name_format("%d%d", 1, out, sizeof(out)) < 0, "two %%d refused");
	tap_ok(name_format("%s", 1, out, sizeof(out)) < 0, "%%s refused");
	tap_ok(name_format("%n", 1, out, sizeof(out)) < 0, "%%n refused");
	tap_ok(name_format("%ld", 1, out, sizeof(out)) < 0, "%%ld refused");
	tap_ok(name_format("%999999999d", 1, out, sizeof(out)) < 0, "a huge width refused");
	tap_ok(name_format("%0", 1, out, sizeof(out)) < 0, "a dangling %% refused");
	tap_ok(name_format("abcdefghij%d", 1, out, 8) < 0, "too long for the buffer refused");
	tap_ok(name_ok("lab01") && name_ok("Größe ☃"), "plain and UTF-8 names are fine");
	tap_ok(!name_ok("") && !name_ok(".") && !name_ok("..") && !name_ok("a/b") && !name_ok("a\nb"),
	       "empty, dot, dot-dot, slash and newline names refused");
}

int main(void)
{
	clone_edits();
	names();
	return tap_done();
}
