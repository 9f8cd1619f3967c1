/*
 * test-cpuid-mask.c - the CPUID mask parser (userland/nhv-vm/cpuid-mask.c):
 * VMware's 32-character masks with every character, the ':' grouped form,
 * subleaf and vendor keys; Xen's list syntax and libxl's feature names;
 * which key changed each bit; and hostile values, each refused with the key
 * and the column of the bad character, leaving the list unchanged.
 */
#include <stdio.h>
#include <string.h>
#include "userland/lib/tap.h"
#include "userland/nhv-vm/cpuid-mask.h"

static struct cpuid_mask_list l;
static char err[256];

/* Bits from a 32-character string written bit 31 first, for readable expectations. */
static uint32_t bits(const char *s, char one)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 32; i++)
		if (s[i] == one)
			v |= 1u << (31 - i);
	return v;
}

static void vmware_ok(void)
{
	const struct cpuid_mask *m;
	struct nhv_cpuid_entry out[8];
	const char *mask = "0000----1111HHHHRRRRXXXX-0-1-R-H";

	cpuid_mask_init(&l);
	tap_is_int(cpuid_mask_vmware(&l, "cpuid.1.ecx", mask, err, sizeof(err)), 0,
		   "VMware: cpuid.1.ecx with every character parses");
	m = &l.m[0];
	tap_ok(l.n == 1 && m->e.leaf == 1 && m->e.subleaf == 0 && m->e.reg == NHV_CPUID_ECX &&
	       m->e.flags == 0 && m->vendor == CPUID_ANY_VENDOR,
	       "VMware: leaf 1, subleaf 0, ECX, no vendor");
	tap_is_int(m->e.and_mask, ~(bits(mask, '0') | bits(mask, '1')), "VMware: and_mask clears 0 and 1 bits");
	tap_is_int(m->e.or_mask, bits(mask, '1'), "VMware: or_mask sets the 1 bits (bit 31 first)");
	tap_is_int(m->require1, bits(mask, 'R'), "VMware: R bits are required from the host");
	tap_is_str(m->key, "cpuid.1.ecx", "VMware: the entry keeps its key");

	tap_is_int(cpuid_mask_vmware(&l, "cpuid.80000001.edx.amd",
				     "----:----:---0:----:----:----:----:----", err, sizeof(err)), 0,
		   "VMware: the 39-character form grouped by ':' and .amd");
	m = &l.m[1];
	tap_ok(m->e.leaf == 0x80000001 && m->e.reg == NHV_CPUID_EDX && m->vendor == CPUID_AMD &&
	       m->e.and_mask == ~(1u << 20) && m->e.or_mask == 0,
	       "VMware: cpuid.80000001.edx.amd clears bit 20 (NX) for AMD only");
	tap_is_int(cpuid_mask_vmware(&l, "CPUID.0x7.0.EBX.Intel",
				     "-------------------------------1", err, sizeof(err)), 0,
		   "VMware: subleaf form, 0x prefix, any case");
	m = &l.m[2];
	tap_ok(m->e.leaf == 7 && m->e.subleaf == 0 && m->e.reg == NHV_CPUID_EBX &&
	       m->vendor == CPUID_INTEL && m->e.or_mask == 1,
	       "VMware: cpuid.7.0.ebx.intel sets bit 0 for Intel only");
	tap_is_int(cpuid_mask_vmware(&l, "cpuid.d.1.eax", "--------------------------------",
				     err, sizeof(err)), 0, "VMware: hex leaf d, subleaf 1");
	tap_ok(l.m[3].e.leaf == 0xd && l.m[3].e.subleaf == 1 && l.m[3].changed == 0,
	       "VMware: an all '-' mask changes nothing");

	tap_is_int(cpuid_mask_policy(&l, CPUID_AMD, out, 8), 3, "policy for AMD: 3 entries");
	tap_is_int(cpuid_mask_policy(&l, CPUID_INTEL, out, 8), 3, "policy for Intel: 3 entries");
	tap_ok(out[1].leaf == 7 && out[1].or_mask == 1, "policy keeps the config's order");
	tap_is_int(cpuid_mask_policy(&l, CPUID_INTEL, out, 1), 1, "policy stops at max");
	tap_is_str(cpuid_mask_who(&l, CPUID_INTEL, 1, 0, NHV_CPUID_ECX, 31) ?: "(none)",
		   "cpuid.1.ecx", "who: bit 31 of 1.ECX was changed by cpuid.1.ecx");
	tap_ok(!cpuid_mask_who(&l, CPUID_INTEL, 1, 0, NHV_CPUID_ECX, 19),
	       "who: an H bit was changed by nobody");
	tap_ok(!cpuid_mask_who(&l, CPUID_INTEL, 0x80000001, 0, NHV_CPUID_EDX, 20),
	       "who: an .amd key does not change Intel's bits");
	cpuid_mask_vmware(&l, "cpuid.1.ecx.intel", "1-------------------------------", err,
			  sizeof(err));
	tap_is_str(cpuid_mask_who(&l, CPUID_INTEL, 1, 0, NHV_CPUID_ECX, 31) ?: "(none)",
		   "cpuid.1.ecx.intel", "who: the last key that changed a bit wins");
	tap_ok(!cpuid_mask_who(&l, CPUID_INTEL, 1, 0, NHV_CPUID_ECX, 32) &&
	       !cpuid_mask_who(&l, CPUID_INTEL, 1, 0, NHV_CPUID_ECX, -1),
	       "who: bits outside 0..31 are nobody's");
}

static void bad(int xen, const char *key, const char *value, const char *want, const char *what)
{
	unsigned int n = l.n;
	int r = xen ? cpuid_mask_xen(&l, key, value, err, sizeof(err)) :
		      cpuid_mask_vmware(&l, key, value, err, sizeof(err));

	tap_ok(r == -1 && l.n == n && !strncmp(err, key, strlen(key)) && strstr(err, want),
	       "%s refused: \"%s\" (want \"%s\")", what, r ? err : "accepted", want);
}

static void vmware_bad(void)
{
	char big[300];

	cpuid_mask_init(&l);
	bad(0, "cpuid.1.ecx", "0000----1111HHHHRRRRXXXX-0-1-R-h", "'h' at column 32", "lower-case h");
	bad(0, "cpuid.1.ecx", "0000----1111HHHHRRRRXXXX-0-1-R-", "31 characters", "31 characters");
	bad(0, "cpuid.1.ecx", "0000----1111HHHHRRRRXXXX-0-1-R-HH", "column 33", "33 characters");
	bad(0, "cpuid.1.ecx", "", "column 1", "an empty mask");
	bad(0, "cpuid.1.ecx", "----:----:----:----:----;----:----:----", "';' at column 25",
	    "a wrong group separator");
	bad(0, "cpuid.1.ecx", "----:----:----:----:----:----:----:---\x01", "\\x01 at column 39",
	    "a control character");
	bad(0, "cpuid.1.ecx", "-------\xff------------------------", "\\xff at column 8", "a high byte");
	bad(0, "cpuid.1.exx", "--------------------------------", "not a CPUID mask key", "register exx");
	bad(0, "cpuid.1", "--------------------------------", "not a CPUID mask key", "no register");
	bad(0, "cpuid.g.eax", "--------------------------------", "leaf 'g'", "a non-hex leaf");
	bad(0, "cpuid.123456789.eax", "--------------------------------", "leaf", "a 9-digit leaf");
	bad(0, "cpuid.7.z.ebx", "--------------------------------", "subleaf 'z'", "a bad subleaf");
	bad(0, "cpuid.1.ecx.arm", "--------------------------------", "not a CPUID mask key", "vendor arm");
	bad(0, "cpuid.1.0.ecx.amd.x", "--------------------------------", "not a CPUID mask key",
	    "a part too many");
	bad(0, "cpuid..ecx", "--------------------------------", "leaf ''", "an empty leaf");
	bad(0, "guestinfo.x", "--------------------------------", "not a CPUID mask key", "another key");
	memset(big, '-', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	bad(0, "cpuid.1.ecx", big, "299 characters", "a 299-character mask");
	tap_is_int(l.n, 0, "no refused mask left an entry");
}

static void xen_ok(void)
{
	const struct cpuid_mask *m;

	cpuid_mask_init(&l);
	tap_is_int(cpuid_mask_xen(&l, "cpuid",
				  "[ '0x1:ecx=0xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1,\n  edx=kkkkkkkkkkkkkkkkkkkkkkkkkkkkkks0',"
				  " \"7,0:ebx=1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0\", ]", err, sizeof(err)), 0,
		   "Xen list: two strings, two registers in one, quotes of both kinds, trailing ','");
	tap_is_int(l.n, 3, "Xen list: three registers");
	m = &l.m[0];
	tap_ok(m->e.leaf == 1 && m->e.reg == NHV_CPUID_ECX && m->e.and_mask == ~0x80000001u &&
	       m->e.or_mask == 1, "Xen list: 0x1 ECX clears bit 31, sets bit 0");
	m = &l.m[1];
	tap_ok(m->e.reg == NHV_CPUID_EDX && m->e.and_mask == ~1u && m->e.or_mask == 0 &&
	       m->changed == 1, "Xen list: k and s keep the host's bit, 0 clears bit 0");
	m = &l.m[2];
	tap_ok(m->e.leaf == 7 && m->e.subleaf == 0 && m->e.reg == NHV_CPUID_EBX &&
	       m->e.or_mask == 0x80000000u && m->e.and_mask == ~0x80000001u,
	       "Xen list: 7,0 EBX sets bit 31, clears bit 0 (decimal leaf)");
	tap_is_str(cpuid_mask_who(&l, CPUID_AMD, 7, 0, NHV_CPUID_EBX, 31) ?: "(none)",
		   "cpuid:0x7,0:ebx", "who: a Xen list register names its leaf and register");

	cpuid_mask_init(&l);
	tap_is_int(cpuid_mask_xen(&l, "cpuid", "\"host,sse3=0,avx2=1,nx=0,tsc-deadline=k,sse4.1=0x0,x2apic=x\"",
				  err, sizeof(err)), 0, "libxl: host,feature=value");
	tap_is_int(l.n, 6, "libxl: one entry per feature");
	tap_ok(l.m[0].e.leaf == 1 && l.m[0].e.reg == NHV_CPUID_ECX && l.m[0].e.and_mask == ~1u,
	       "libxl: sse3=0 clears 1.ECX[0]");
	tap_ok(l.m[1].e.leaf == 7 && l.m[1].e.reg == NHV_CPUID_EBX && l.m[1].e.or_mask == 1u << 5,
	       "libxl: avx2=1 sets 7.0.EBX[5]");
	tap_ok(l.m[2].e.leaf == 0x80000001 && l.m[2].e.reg == NHV_CPUID_EDX &&
	       l.m[2].e.and_mask == ~(1u << 20), "libxl: nx=0 clears 0x80000001.EDX[20]");
	tap_ok(l.m[3].changed == 0 && l.m[5].changed == 0, "libxl: k and x change nothing");
	tap_ok(l.m[4].e.and_mask == ~(1u << 19), "libxl: sse4.1=0x0 (a number) clears 1.ECX[19]");
	tap_is_str(cpuid_mask_who(&l, CPUID_INTEL, 1, 0, NHV_CPUID_ECX, 0) ?: "(none)",
		   "cpuid:sse3", "who: a libxl feature names itself");
	tap_is_int(cpuid_mask_xen(&l, "cpuid", "'nx=1'", err, sizeof(err)), 0,
		   "libxl: without 'host' first");
}

static void xen_bad(void)
{
	char many[16384];
	size_t i, n = 0;

	cpuid_mask_init(&l);
	bad(1, "cpuid", "[ '0x1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxX' ]", "'X' at column 43",
	    "Xen: an upper-case X");
	bad(1, "cpuid", "[ '0x1:ecx=xxxx' ]", "4 bits for ecx at column 12", "Xen: 4 bits");
	bad(1, "cpuid", "[ '0x1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' ]", "more than 32 bits",
	    "Xen: 33 bits");
	bad(1, "cpuid", "[ '0x1:efx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' ]", "column 8", "Xen: register efx");
	bad(1, "cpuid", "[ 'leaf:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' ]", "leaf number at column 4",
	    "Xen: no leaf number");
	bad(1, "cpuid", "[ '1,:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' ]", "subleaf number at column 6",
	    "Xen: an empty subleaf");
	bad(1, "cpuid", "[ '1 ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' ]", "':' after the leaf at column 5",
	    "Xen: no ':'");
	bad(1, "cpuid", "[ '0x1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' '7:eax=" "x" "' ]",
	    "expected ',' or ']'", "Xen: two strings without a comma");
	bad(1, "cpuid", "[ '0x1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'", "column 45", "Xen: no ']'");
	bad(1, "cpuid", "[ '0x1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx ]", "not closed", "Xen: unclosed string");
	bad(1, "cpuid", "[ 'ffffffffff:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' ]", "leaf number",
	    "Xen: a leaf beyond 32 bits");
	bad(1, "cpuid", "[ '1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' ] x", "'x' at column 46",
	    "Xen: text after the list");
	bad(1, "cpuid", "\"host,sse3=2x\"", "'2' at column 12", "libxl: a bad value");
	bad(1, "cpuid", "\"host,sse3=\"", "nothing at column 12", "libxl: an empty value");
	bad(1, "cpuid", "\"host,nosuch=0\"", "unknown feature 'nosuch' at column 7", "libxl: an unknown name");
	bad(1, "cpuid", "\"host,,sse3=0\"", "name=value at column 7", "libxl: an empty item");
	bad(1, "cpuid", "\"sse3=0,host\"", "name=value at column 9", "libxl: host not first");
	bad(1, "cpuid", "host,sse3=0", "expected a quoted string", "Xen: no quotes");
	bad(1, "cpuid", "", "end of value", "Xen: nothing");
	bad(1, "cpuid", "[ '1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', '1:ecx=y' ]", "column",
	    "Xen: the second string bad");
	tap_is_int(l.n, 0, "Xen: a refused value adds nothing, even after a good first string");
	/* More registers than the policy holds. */
	n += (size_t)snprintf(many, sizeof(many), "[");
	for (i = 0; i < CPUID_MASK_MAX + 1 && n + 60 < sizeof(many); i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n,
				      "'%zu:eax=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',", i);
	snprintf(many + n, sizeof(many) - n, "]");
	if (i == CPUID_MASK_MAX + 1)
		bad(1, "cpuid", many, "more than 256", "Xen: 257 registers");
	else
		tap_ok(0, "Xen: could not build the 257-register list (%zu)", i);
}

int main(void)
{
	vmware_ok();
	vmware_bad();
	xen_ok();
	xen_bad();
	return tap_done();
}
