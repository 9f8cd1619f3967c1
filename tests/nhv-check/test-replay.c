/*
 * test-replay.c - the replay parser: capture round trip (every fact,
 * state, reason and source survives), malformed captures and pastes are
 * errors naming the line, lscpu's wrapped Flags are joined right,
 * `vmx flags` is not taken for `flags`, dmidecode blocks and
 * virt-what-cpuid-helper signatures are read.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "userland/lib/tap.h"
#include "tools/nhv-check/capture.h"
#include "tools/nhv-check/derive.h"
#include "tools/nhv-check/replay.h"

static struct facts A, B;
static struct replay_error E;

static int parse(const char *text)
{
	return replay_parse(text, strlen(text), &B, &E);
}

static int same_facts(const struct facts *x, const struct facts *y, char *why, size_t sz)
{
	for (int i = 0; i < N_COUNT; i++) {
		const struct num_fact_v *a = &x->n[i], *b = &y->n[i];
		if (a->state != b->state || (a->state != FS_UNKNOWN && (a->src != b->src || a->reason != b->reason)) ||
		    (a->state == FS_PROBED && a->v != b->v)) {
			snprintf(why, sz, "%s differs", num_fact_name((enum num_fact)i));
			return 0;
		}
	}
	for (int i = 0; i < S_COUNT; i++) {
		const struct str_fact_v *a = &x->s[i], *b = &y->s[i];
		if (a->state != b->state || (a->state != FS_UNKNOWN && (a->src != b->src || a->reason != b->reason)) ||
		    (a->state == FS_PROBED && strcmp(a->s, b->s) != 0)) {
			snprintf(why, sz, "%s differs", str_fact_name((enum str_fact)i));
			return 0;
		}
	}
	return 1;
}

static void test_round_trip(void)
{
	char *buf = NULL;
	size_t len = 0;
	char why[128] = "";

	facts_init(&A);
	fact_set_str(&A, S_CPU_VENDOR, "GenuineIntel", SRC_CPUID);
	fact_set_str(&A, S_CPU_MODEL, "quote \" backslash \\ tab \t newline \n ctl \x01 utf8 \xc3\xa9", SRC_CPUID);
	fact_set_str(&A, S_HV_SIG, "KVMKVMKVM\\x00\\x00\\x00", SRC_CPUID);
	fact_set_str(&A, S_PCI_NICS, "", SRC_PCI);
	fact_unavail_str(&A, S_DMI_PRODUCT_UUID, FR_NOT_ROOT, SRC_DMI);
	fact_set(&A, N_CPUID_VMX, 1, SRC_CPUID);
	fact_set(&A, msr_vmx_fact(0x48b), 0xfff9fffe0401e172ULL, SRC_MSR);
	fact_set(&A, N_BD_BUILDNUM, 24022510, SRC_BACKDOOR);
	fact_unavail(&A, N_MSR_FEATURE_CONTROL, FR_NO_MSR_DRIVER, SRC_MSR);
	fact_unavail(&A, N_BD_PRESENT, FR_NO_IO_PRIVILEGE, SRC_BACKDOOR);
	fact_set(&A, N_ROOT, 0, SRC_NONE);

	FILE *m = open_memstream(&buf, &len);
	tap_is_int(capture_write(m, &A, "test"), 0, "capture_write succeeds");
	fclose(m);
	tap_is_int(replay_parse(buf, len, &B, &E), 0, "the capture parses back (%s)", E.msg);
	tap_is_int(B.origin, ORIGIN_CAPTURE, "origin is capture");
	tap_ok(same_facts(&A, &B, why, sizeof(why)), "every fact, state, reason and source survives %s", why);
	free(buf);
}

static void expect_error(const char *text, int line, const char *needle, const char *name)
{
	int r = parse(text);
	tap_ok(r != 0 && E.line == line && strstr(E.msg, needle) != NULL, "%s: error at line %d mentioning \"%s\" (got %d: %s)",
	       name, line, needle, E.line, E.msg);
}

static void test_malformed_capture(void)
{
	expect_error(CAPTURE_MAGIC "\n# c\ncpu.bogus = \"x\" [cpuid]\n", 3, "unknown key", "unknown capture key");
	expect_error(CAPTURE_MAGIC "\ncpuid.vmx = maybe [cpuid]\n", 2, "not yes, no or a number", "bad boolean");
	expect_error(CAPTURE_MAGIC "\ncpuid.vmx = 7 [cpuid]\n", 2, "expected yes or no", "boolean out of range");
	expect_error(CAPTURE_MAGIC "\ncpuid.vmx = yes [cpuid]\ncpuid.vmx = no [cpuid]\n", 3, "twice", "duplicate key");
	expect_error(CAPTURE_MAGIC "\ncpuid.vmx = yes\n", 2, "VALUE [SOURCE]", "missing source");
	expect_error(CAPTURE_MAGIC "\ncpuid.vmx = yes [martian]\n", 2, "SOURCE", "unknown source");
	expect_error(CAPTURE_MAGIC "\nmsr.0x3a = unavailable(tired) [msr]\n", 2, "unknown reason", "unknown reason");
	expect_error(CAPTURE_MAGIC "\ncpu.vendor = \"GenuineIntel [cpuid]\n", 2, "quoted string", "unterminated string");
	expect_error(CAPTURE_MAGIC "\ncpu.vendor = \"a\\q\" [cpuid]\n", 2, "quoted string", "bad escape");
	expect_error(CAPTURE_MAGIC "\n\njust words\n", 3, "KEY = VALUE", "line without KEY = VALUE");
	expect_error(CAPTURE_MAGIC "\n  cpuid.vmx = yes [cpuid]\n", 2, "column 1", "indented capture line");
	expect_error(CAPTURE_MAGIC "\ncpuid.1.ecx = -1 [cpuid]\n", 2, "not yes, no or a number", "negative number");
	tap_is_int(parse(CAPTURE_MAGIC "\ncpuid.vmx = unknown\nmsr.0x3a = unavailable(not-root) [msr]\n"), 0,
		   "unknown and unavailable values parse");
	tap_ok(B.n[N_MSR_FEATURE_CONTROL].state == FS_UNAVAILABLE && B.n[N_MSR_FEATURE_CONTROL].reason == FR_NOT_ROOT,
	       "unavailable(not-root) keeps its reason");
}

static void test_malformed_text(void)
{
	expect_error("processor\t: 0\nvendor_id\t: Genuine\x01Intel\n", 2, "byte 0x01", "control byte");
	expect_error("processor\t: 0\n\nflags\t\t: fpu vme De!\n", 3, "not a CPU flag name", "bad flag token");
	expect_error("vendor_id\t: GenuineIntel\nflags\t: fpu\n\nvendor_id\t: AuthenticAMD\n", 4, "contradicts",
		     "two vendors");
	expect_error("Vendor ID:  GenuineIntel\nVirtualization: maybe\n", 2, "VT-x or AMD-V", "bad lscpu Virtualization");
	expect_error("Hello, my VM does not work.\nThanks!\n", 0, "no line looks like", "prose only");
	expect_error("", 0, "no line looks like", "empty input");
	expect_error("vendor_id\t: ThisIsFarTooLongForAVendor\n", 1, "not a CPU vendor id", "over-long vendor");

	static char big[REPLAY_LINE_MAX + 100];
	memset(big, 'a', sizeof(big) - 1);
	memcpy(big, "flags\t: ", 8);
	expect_error(big, 1, "longer than", "over-long line");
}

static void test_lscpu_wrapped(void)
{
	const char *t =
		"    Flags:               fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush\n"
		"                         mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl\n"
		"                         xtopology tsc_reliable nonstop_tsc cpuid pni pclmulqdq vmx ssse3 fma cx16 sse4_1\n"
		"                          sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervi\n"
		"                         sor lahf_lm abm 3dnowprefetch ssbd ibrs ibpb stibp ibrs_enhanced tpr_shadow vnmi\n"
		"                          ept vpid ept_ad fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid rdseed adx\n"
		"Virtualization features:\n"
		"  Virtualization:        VT-x\n"
		"  Hypervisor vendor:     Microsoft\n";
	tap_is_int(parse(t), 0, "wrapped lscpu Flags parse (%s)", E.msg);
	const char *fl = B.s[S_CPUINFO_FLAGS].s;
	tap_ok(flag_in_list(fl, "clflush") && flag_in_list(fl, "mmx") && !flag_in_list(fl, "clflushmmx"),
	       "a line that lost its trailing blank ends a word (clflush | mmx)");
	tap_ok(flag_in_list(fl, "hypervisor") && !flag_in_list(fl, "hypervi"),
	       "a full-width line ending mid-word continues (hypervi|sor)");
	tap_ok(flag_in_list(fl, "sse4_1") && flag_in_list(fl, "sse4_2") && flag_in_list(fl, "ept") &&
	       flag_in_list(fl, "adx"), "words split at a leading blank stay apart");
	tap_is_int(B.origin, ORIGIN_LSCPU, "origin lscpu");
	tap_is_str(B.s[S_LSCPU_HV_VENDOR].s, "Microsoft", "Hypervisor vendor read");
	facts_derive(&B);
	tap_ok(fact_yes(&B, N_HW_VMX) && fact_yes(&B, N_EPT) && fact_yes(&B, N_VPID), "vmx, ept, vpid from lscpu Flags");
	tap_is_int(B.n[N_EPT].src, SRC_LSCPU, "EPT source is lscpu");
}

static void test_cpuinfo_shapes(void)
{
	const char *t =
		"processor\t: 0\n"
		"vendor_id\t: GenuineIntel\n"
		"model name\t: Intel(R) Xeon(R) CPU E5-2680 v4\n"
		"flags\t\t: fpu vmx ept vpid hypervisor\n"
		"vmx flags\t: vnmi preemption_timer posted_intr invvpid ept_x_only ept_ad ept_1gb flexpriority apicv "
		"tsc_offset vtpr mtf vapic ept vpid unrestricted_guest vapic_reg vid ple shadow_vmcs pml\n"
		"\n"
		"processor\t: 1\n"
		"vendor_id\t: GenuineIntel\n"
		"flags\t\t: fpu vmx ept vpid hypervisor\n";
	tap_is_int(parse(t), 0, "cpuinfo with a vmx flags line parses");
	tap_ok(strstr(B.s[S_CPUINFO_FLAGS].s, "posted_intr") == NULL, "'vmx flags' is not taken for 'flags'");
	tap_ok(flag_in_list(B.s[S_CPUINFO_VMX_FLAGS].s, "shadow_vmcs"), "'vmx flags' is kept");
	facts_derive(&B);
	tap_ok(fact_yes(&B, N_UNRESTRICTED_GUEST) && fact_yes(&B, N_VMCS_SHADOWING) && fact_yes(&B, N_POSTED_INTR) &&
	       fact_yes(&B, N_APIC_VIRT) && fact_yes(&B, N_EPT_1G) && fact_yes(&B, N_EPT_AD),
	       "capabilities from the vmx flags line");
	tap_ok(!fact_known(&B, N_EPT_2M), "2M EPT pages are not in /proc/cpuinfo: unknown, not guessed");

	tap_is_int(parse("processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vmx ept\n"), 0, "cpuinfo without vmx flags");
	facts_derive(&B);
	tap_ok(!fact_known(&B, N_UNRESTRICTED_GUEST), "no vmx flags line: unrestricted guest unknown");

	const char *prose =
		"Guest OS is Debian 12\n"
		"uname: `Linux testlnx2 6.1.0-18-amd64`\n"
		"    vendor_id       : AuthenticAMD\n"
		"    flags           : fpu svm npt nrip_save hypervisor\n"
		"cpuinfo from the host: AMD EPYC 7413\n";
	tap_is_int(parse(prose), 0, "indented cpuinfo inside prose parses");
	facts_derive(&B);
	tap_ok(fact_yes(&B, N_HW_SVM) && fact_yes(&B, N_NPT) && fact_yes(&B, N_NRIP_SAVE), "svm, npt, nrip_save");

	const char *vw =
		"# ---- tests/esx4.1/sbin/virt-what-cpuid-helper (recorded output) ----\n"
		"#!/bin/sh -\n"
		"echo \"Microsoft Hv\"\n"
		"System Information\n"
		"\tManufacturer: VMware, Inc.\n"
		"\tProduct Name: VMware Virtual Platform\n"
		"\tSerial Number: VMware-56 4d bc\n"
		"\n"
		"Manufacturer: not-dmi\n";
	tap_is_int(parse(vw), 0, "virt-what helper and dmidecode block parse");
	tap_is_str(B.s[S_HV_SIG].s, "Microsoft Hv", "virt-what-cpuid-helper echo gives the signature");
	tap_is_str(B.s[S_DMI_SYS_VENDOR].s, "VMware, Inc.", "dmidecode Manufacturer");
	tap_is_str(B.s[S_DMI_PRODUCT_SERIAL].s, "VMware-56 4d bc", "dmidecode Serial Number");

	tap_is_int(parse("Vendor ID:  GenuineIntel\nHypervisor vendor: VMware\nVirtualization type: full\n"), 0,
		   "lscpu without Flags and without Virtualization:");
	facts_derive(&B);
	tap_ok(fact_no(&B, N_HW_VMX) && B.n[N_HW_VMX].src == SRC_LSCPU,
	       "no Virtualization: line before Hypervisor vendor: means no vmx (lscpu)");
}

int main(void)
{
	test_round_trip();
	test_malformed_capture();
	test_malformed_text();
	test_lscpu_wrapped();
	test_cpuinfo_shapes();
	return tap_done();
}
