/*
 * test-replay.c - the replay parser: capture round trip (every fact,
 * state, reason and source survives), malformed captures and pastes are
 * errors naming the line, lscpu's wrapped Flags are joined right,
 * `vmx flags` is not taken for `flags`, dmidecode blocks and
 * virt-what-cpuid-helper signatures are read; whole dmidecode tables,
 * lscpu -J, CRLF, other tools' output, contradictions, and the property
 * that the order of a paste's sections does not change the answer.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "userland/lib/tap.h"
#include "tools/nhv-check/capture.h"
#include "tools/nhv-check/derive.h"
#include "tools/nhv-check/replay.h"
#include "tools/nhv-check/report.h"

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


/* A whole dmidecode table: a Processor "Flags:" list, OEM strings that look
 * like /proc/cpuinfo and lscpu keys, an OEM-specific record. */
static void test_dmidecode_whole(void)
{
	const char *t =
		"# dmidecode 3.3\n"
		"Getting SMBIOS data from sysfs.\n"
		"SMBIOS 2.8 present.\n"
		"12 structures occupying 655 bytes.\n"
		"Table at 0x000F5A40.\n"
		"\n"
		"Handle 0x0000, DMI type 0, 24 bytes\n"
		"BIOS Information\n"
		"\tVendor: SeaBIOS\n"
		"\tVersion: 1.16.0-debian-1.16.0-5\n"
		"\tCharacteristics:\n"
		"\t\tBIOS characteristics not supported\n"
		"\t\tTargeted content distribution is supported\n"
		"\tBIOS Revision: 0.0\n"
		"\n"
		"Handle 0x0100, DMI type 1, 27 bytes\n"
		"System Information\n"
		"\tManufacturer: QEMU\n"
		"\tProduct Name: Standard PC (i440FX + PIIX, 1996)\n"
		"\tVersion: pc-i440fx-7.2\n"
		"\n"
		"Handle 0x0400, DMI type 4, 48 bytes\n"
		"Processor Information\n"
		"\tManufacturer: QEMU\n"
		"\tFlags:\n"
		"\t\tFPU (Floating-point unit on-chip)\n"
		"\t\tVME (Virtual mode extension)\n"
		"\tVersion: pc-i440fx-7.2\n"
		"\n"
		"Handle 0x0B00, DMI type 11, 5 bytes\n"
		"OEM Strings\n"
		"\tString 1: vendor_id: AuthenticAMD\n"
		"\tString 2: Hypervisor vendor: VMware\n"
		"\tString 3: flags: fpu svm npt\n"
		"\n"
		"Handle 0x8000, DMI type 128, 8 bytes\n"
		"OEM-specific Type\n"
		"\tHeader and Data:\n"
		"\t\t80 08 00 80 01 02 03 04\n"
		"\tStrings:\n"
		"\t\tVirtualization: VT-x\n"
		"\n"
		"Handle 0x7F00, DMI type 127, 4 bytes\n"
		"End Of Table\n";
	tap_is_int(parse(t), 0, "a whole dmidecode table parses (%s)", E.msg);
	tap_is_str(B.s[S_DMI_SYS_VENDOR].s, "QEMU", "type 1 Manufacturer");
	tap_is_str(B.s[S_DMI_BIOS_VENDOR].s, "SeaBIOS", "type 0 Vendor");
	tap_is_str(B.s[S_DMI_PRODUCT_VERSION].s, "pc-i440fx-7.2", "type 1 Version, not type 4's");
	tap_ok(!str_known(&B, S_CPU_VENDOR) && !str_known(&B, S_CPUINFO_FLAGS) && !str_known(&B, S_LSCPU_HV_VENDOR) &&
	       !str_known(&B, S_LSCPU_VIRTUALIZATION),
	       "OEM strings and Processor Flags are dmidecode's, not cpuinfo or lscpu lines");
	tap_ok(fact_no(&B, N_SMBIOS_VM_BIT), "dmidecode 3.3 without \"System is a virtual machine\": the bit is clear");
	tap_is_int(B.origin, ORIGIN_PASTE, "a dmidecode-only paste has origin paste");
	tap_ok((B.paste_parts & (PP_DMI_BIOS | PP_DMI_SYSTEM | PP_DMI_OTHER)) == (PP_DMI_BIOS | PP_DMI_SYSTEM | PP_DMI_OTHER),
	       "the records read are noted");

	tap_is_int(parse("# dmidecode 2.10\nHandle 0x0000, DMI type 0, 24 bytes\nBIOS Information\n\tVendor: Bochs\n"
			 "\tCharacteristics:\n\t\tTargeted content distribution is supported\n"), 0, "old dmidecode parses");
	tap_ok(!fact_known(&B, N_SMBIOS_VM_BIT), "dmidecode 2.10 may not print the VM line: the bit stays unknown");
	tap_is_int(parse("Handle 0x0000, DMI type 0, 24 bytes\nBIOS Information\n\tVendor: BHYVE\n"
			 "\tCharacteristics:\n\t\tUEFI is supported\n\t\tSystem is a virtual machine\n"), 0, "VM line parses");
	tap_ok(fact_yes(&B, N_SMBIOS_VM_BIT), "\"System is a virtual machine\" sets the bit");
	tap_is_int(parse("# dmidecode 2.7\n# No SMBIOS nor DMI entry point found, sorry.\nvendor_id : GenuineIntel\n"), 0,
		   "no SMBIOS table parses");
	tap_ok(B.s[S_DMI_SYS_VENDOR].state == FS_UNAVAILABLE && B.s[S_DMI_SYS_VENDOR].reason == FR_NOT_PRESENT,
	       "no SMBIOS table: DMI unavailable (not-present)");
}

static void test_lscpu_json(void)
{
	const char *t =
		"{\n"
		"   \"lscpu\": [\n"
		"      {\"field\": \"Architecture:\", \"data\": \"x86_64\"},\n"
		"      {\"field\": \"Vendor ID:\", \"data\": \"AuthenticAMD\"},\n"
		"      {\"field\": \"Model name:\", \"data\": \"AMD EPYC 7763 64-Core Processor\",\n"
		"         \"children\": [\n"
		"            {\"field\": \"Thread(s) per core:\", \"data\": \"2\"},\n"
		"            {\"field\": \"Flags:\", \"data\": \"fpu svm npt nrip_save hypervisor\"}\n"
		"         ]\n"
		"      },\n"
		"      {\"field\": \"Virtualization:\", \"data\": \"AMD-V\"},\n"
		"      {\"field\": \"Hypervisor vendor:\", \"data\": \"Microsoft\"},\n"
		"      {\"field\": \"L1d:\", \"data\": null}\n"
		"   ]\n"
		"}\n";
	tap_is_int(parse(t), 0, "lscpu -J (nested children, null data) parses (%s)", E.msg);
	tap_is_int(B.origin, ORIGIN_LSCPU, "origin lscpu");
	tap_ok(strcmp(B.s[S_CPU_VENDOR].s, "AuthenticAMD") == 0 && strcmp(B.s[S_LSCPU_HV_VENDOR].s, "Microsoft") == 0,
	       "vendor and hypervisor vendor from -J");
	facts_derive(&B);
	tap_ok(fact_yes(&B, N_HW_SVM) && fact_yes(&B, N_NPT), "svm and npt from the -J Flags");
	expect_error("{\"field\": \"Vendor ID:\", \"data\": \"Genuine\n", 1, "lscpu -J", "unterminated -J string");
}

static void test_crlf_same(void)
{
	const char *lf = "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vmx ept\n\n"
			 "System Information\n\tManufacturer: VMware, Inc.\n";
	char crlf[512];
	size_t n = 0;
	for (const char *p = lf; *p; p++) {
		if (*p == '\n')
			crlf[n++] = '\r';
		crlf[n++] = *p;
	}
	crlf[n] = '\0';
	char why[128] = "";
	tap_is_int(parse(lf), 0, "LF paste parses");
	A = B;
	tap_is_int(parse(crlf), 0, "CRLF paste parses");
	tap_ok(same_facts(&A, &B, why, sizeof(why)), "CRLF and LF give the same facts %s", why);
}

static void test_tools(void)
{
	const char *t =
		"root@vm:~# systemd-detect-virt\n"
		"kvm\n"
		"root@vm:~# virt-what\n"
		"kvm\n"
		"aws\n"
		"[root@vm ~]# cat /sys/hypervisor/type\n"
		"cat: /sys/hypervisor/type: No such file or directory\n"
		"$ ls /proc/xen\n"
		"ls: cannot access '/proc/xen': No such file or directory\n"
		"$ grep . /sys/class/dmi/id/sys_vendor /sys/devices/virtual/dmi/id/product_name\n"
		"/sys/class/dmi/id/sys_vendor:Amazon EC2\n"
		"/sys/devices/virtual/dmi/id/product_name:c6i.large\n"
		"$ sudo /usr/libexec/virt-what-cpuid-helper\n"
		"KVMKVMKVM\n";
	tap_is_int(parse(t), 0, "tool outputs parse (%s)", E.msg);
	tap_is_str(B.s[S_PASTE_SDV].s, "kvm", "systemd-detect-virt answer");
	tap_is_str(B.s[S_PASTE_VIRTWHAT].s, "kvm aws", "virt-what facts, one per line");
	tap_ok(B.s[S_SYS_HYPERVISOR_TYPE].state == FS_UNAVAILABLE, "cat of a missing file: unavailable");
	tap_ok(fact_no(&B, N_PROC_XEN), "ls of a missing /proc/xen: no");
	tap_is_str(B.s[S_DMI_PRODUCT_NAME].s, "c6i.large", "/sys/devices/virtual/dmi/id is /sys/class/dmi/id");
	tap_is_str(B.s[S_HV_SIG].s, "KVMKVMKVM", "the helper's output after its prompt");
	facts_derive(&B);
	struct report rep;
	report_build(&B, &rep);
	tap_is_str(rep.hv.name, "amazon", "Amazon DMI beats the KVM signature");

	expect_error("$ systemd-detect-virt\nmaybe-kvm\n", 2, "not a name it prints", "bad systemd-detect-virt answer");
	expect_error("$ cat /sys/hypervisor/properties/features\nzz\n", 2, "hex number", "bad features file");
	expect_error("System Information\n\tManufacturer: VMware, Inc.\n\n/sys/class/dmi/id/sys_vendor:QEMU\n", 4,
		     "on line 2", "two manufacturers: both lines named");
	expect_error("$ systemd-detect-virt\nkvm\n$ systemd-detect-virt\nvmware\n", 4, "on line 2",
		     "two systemd-detect-virt answers");
	expect_error("Vendor ID: AuthenticAMD\nvendor_id\t: GenuineIntel\n", 2, "on line 1",
		     "lscpu and cpuinfo vendors disagree");
	expect_error("vendor_id\t: GenuineIntel\nVendor ID: AuthenticAMD\n", 2, "on line 1",
		     "cpuinfo and lscpu vendors disagree, other order");
	expect_error("Hello.\nMy VM is slow:\n", 0, "line 1: \"Hello.\"", "an unplaceable paste names its first line");
}

/* The property: the order of a paste's sections does not change the answer. */
static void test_shuffle(void)
{
	static const char *const sec[] = {
		"$ cat /proc/cpuinfo\nprocessor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Gold 6230\n"
		"flags\t\t: fpu vmx ept vpid hypervisor\nvmx flags\t: ept vpid unrestricted_guest\n\n"
		"processor\t: 1\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vmx ept vpid hypervisor\n",
		"$ lscpu\nVendor ID:           GenuineIntel\nModel name:          Intel Xeon Gold\nVirtualization:      VT-x\n"
		"Hypervisor vendor:   VMware\nVirtualization type: full\nFlags:               fpu vmx hypervisor\n",
		"# dmidecode -t system\n# dmidecode 3.3\nHandle 0x0001, DMI type 1, 27 bytes\nSystem Information\n"
		"\tManufacturer: VMware, Inc.\n\tProduct Name: VMware7,1\n\tSerial Number: VMware-56 4d\n",
		"$ systemd-detect-virt\nvmware\n",
		"$ virt-what\nvmware\n",
		"$ grep . /sys/class/dmi/id/bios_vendor\n/sys/class/dmi/id/bios_vendor:VMware, Inc.\n",
	};
	enum { NS = sizeof(sec) / sizeof(sec[0]) };
	static char buf[8192];
	static struct facts first;
	static struct report r0, r;
	int perm[NS], bad = 0, tried = 0;

	memset(&r0, 0, sizeof(r0));
	r0.hv.name = "(none)";
	char why[128] = "";

	for (int i = 0; i < NS; i++)
		perm[i] = i;
	/* Every order (Heap's algorithm, iterative). */
	int c[NS] = { 0 };
	for (int k = 0;;) {
		size_t n = 0;
		for (int i = 0; i < NS; i++) {
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s\n", sec[perm[i]]);
		}
		if (replay_parse(buf, n, &B, &E) != 0) {
			bad++;
			break;
		}
		facts_derive(&B);
		report_build(&B, &r);
		if (tried == 0) {
			first = B;
			r0 = r;
		} else if (!same_facts(&first, &B, why, sizeof(why)) || strcmp(r.hv.name, r0.hv.name) != 0 ||
			   r.verdict.verdict != r0.verdict.verdict || r.verdict.confidence != r0.verdict.confidence ||
			   B.paste_parts != first.paste_parts || B.paste_cpus != first.paste_cpus) {
			bad++;
			break;
		}
		tried++;
		while (k < NS && c[k] >= k) {
			c[k] = 0;
			k++;
		}
		if (k >= NS)
			break;
		int j = (k % 2) ? c[k] : 0;
		int tmp = perm[j];
		perm[j] = perm[k];
		perm[k] = tmp;
		c[k]++;
		k = 0;
	}
	tap_ok(bad == 0 && tried == 720, "all %d orders of 6 sections give the same facts and answer %s %s", tried, why, E.msg);
	tap_ok(strcmp(r0.hv.name, "vmware") == 0 && r0.verdict.verdict == V_READY, "... and it is vmware, ready");
	tap_is_int(first.s[S_CPUINFO_FLAGS].src, SRC_CPUINFO, "/proc/cpuinfo's flags win over lscpu's in every order");
}

int main(void)
{
	test_round_trip();
	test_malformed_capture();
	test_malformed_text();
	test_lscpu_wrapped();
	test_cpuinfo_shapes();
	test_dmidecode_whole();
	test_lscpu_json();
	test_crlf_same();
	test_tools();
	test_shuffle();
	return tap_done();
}
