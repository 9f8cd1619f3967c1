/*
 * test-verdict.c - verdict, hypervisor naming and remediation from
 * hand-built facts (no hardware): ready, degraded without EPT/NPT/VPID,
 * not-capable locked by firmware, hypervisor bit hidden, Hyper-V without
 * nested, VMware ESX vs Workstation texts, every hypervisor signature,
 * and the --brief format.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "userland/lib/tap.h"
#include "tools/nhv-check/derive.h"
#include "tools/nhv-check/output.h"
#include "tools/nhv-check/report.h"

static struct facts F;
static struct report R;

#define BIT(n) (1ULL << (n))

/* A live, root Intel machine under hypervisor `sig` with VT-x, EPT, VPID,
 * unrestricted guest (secondary controls in the allowed-1 half). */
static void intel(const char *sig)
{
	facts_init(&F);
	F.origin = ORIGIN_LIVE;
	fact_set(&F, N_ROOT, 1, SRC_NONE);
	fact_set_str(&F, S_CPU_VENDOR, "GenuineIntel", SRC_CPUID);
	fact_set(&F, N_CPUID_VMX, 1, SRC_CPUID);
	fact_set(&F, N_CPUID_SVM, 0, SRC_CPUID);
	fact_set(&F, N_CPUID_HV_BIT, sig != NULL, SRC_CPUID);
	if (sig)
		fact_set_str(&F, S_HV_SIG, sig, SRC_CPUID);
	fact_set(&F, N_MSR_FEATURE_CONTROL, 0x5, SRC_MSR);
	fact_set(&F, msr_vmx_fact(0x481), BIT(32 + 7), SRC_MSR);
	fact_set(&F, msr_vmx_fact(0x482), BIT(63), SRC_MSR);
	fact_set(&F, msr_vmx_fact(0x48b), (BIT(1) | BIT(5) | BIT(7) | BIT(8) | BIT(9) | BIT(14)) << 32, SRC_MSR);
	fact_set(&F, msr_vmx_fact(0x48c), BIT(16) | BIT(17) | BIT(21), SRC_MSR);
	fact_set(&F, N_MSR_CPUS_FC_DIFFER, 0, SRC_MSR);
	fact_set(&F, N_BD_PRESENT, 0, SRC_BACKDOOR);
}

static void amd(const char *sig, uint32_t svm_edx, uint64_t vm_cr)
{
	facts_init(&F);
	F.origin = ORIGIN_LIVE;
	fact_set(&F, N_ROOT, 1, SRC_NONE);
	fact_set_str(&F, S_CPU_VENDOR, "AuthenticAMD", SRC_CPUID);
	fact_set(&F, N_CPUID_VMX, 0, SRC_CPUID);
	fact_set(&F, N_CPUID_SVM, 1, SRC_CPUID);
	fact_set(&F, N_CPUID_HV_BIT, sig != NULL, SRC_CPUID);
	if (sig)
		fact_set_str(&F, S_HV_SIG, sig, SRC_CPUID);
	fact_set(&F, N_SVM_EDX, svm_edx, SRC_CPUID);
	fact_set(&F, N_MSR_VM_CR, vm_cr, SRC_MSR);
}

static void no_hv_virt(const char *sig)
{
	intel(sig);
	fact_set(&F, N_CPUID_VMX, 0, SRC_CPUID);
}

static void judge(void)
{
	facts_derive(&F);
	report_build(&F, &R);
}

static int has_reason(const char *code)
{
	for (int i = 0; i < R.verdict.nitems; i++)
		if (strcmp(R.verdict.items[i].code, code) == 0)
			return 1;
	return 0;
}

/* Does any remediation text contain `needle`? */
static int remedy_has(const char *needle)
{
	for (int i = 0; i < R.remedy.n; i++)
		if (strstr(R.remedy.items[i].text, needle))
			return 1;
	return 0;
}

static void test_ready(void)
{
	intel("KVMKVMKVM\\x00\\x00\\x00");
	judge();
	tap_is_str(verdict_name(R.verdict.verdict), "ready", "Intel VT-x with EPT, VPID, UG: ready");
	tap_is_int(R.verdict.verdict, 0, "ready exits 0");
	tap_is_str(confidence_name(R.verdict.confidence), "high", "MSRs read: confidence high");
	tap_is_str(R.verdict.paging, "ept", "nested paging is ept");
	tap_ok(fact_yes(&F, N_EPT_AD) && fact_yes(&F, N_EPT_2M) && fact_yes(&F, N_EPT_1G),
	       "EPT A/D, 2M, 1G pages from IA32_VMX_EPT_VPID_CAP bits 21, 16, 17");
	tap_ok(fact_yes(&F, N_VMCS_SHADOWING) && fact_yes(&F, N_APIC_VIRT) && fact_yes(&F, N_POSTED_INTR),
	       "VMCS shadowing, APIC virtualization, posted interrupts from the control MSRs");
	tap_is_str(R.hv.name, "kvm", "KVMKVMKVM signature names kvm");
	tap_ok(!has_reason("no-ept") && R.remedy.n == 0, "ready on KVM needs no remediation");
}

static void test_degraded(void)
{
	intel("VMwareVMware");
	fact_set(&F, msr_vmx_fact(0x48b), (BIT(5) | BIT(7)) << 32, SRC_MSR);
	judge();
	tap_is_str(verdict_name(R.verdict.verdict), "degraded", "VT-x without EPT: degraded");
	tap_is_int(R.verdict.verdict, 1, "degraded exits 1");
	tap_ok(has_reason("no-ept"), "reason no-ept");
	int cost = 0;
	for (int i = 0; i < R.verdict.nitems; i++)
		cost |= R.verdict.items[i].kind == IK_COST && strstr(R.verdict.items[i].text, "shadow page tables");
	tap_ok(cost, "the cost of missing EPT is stated (shadow page tables)");
	tap_ok(fact_no(&F, N_EPT_AD) && fact_no(&F, N_EPT_1G), "no EPT means no EPT A/D or 1G pages");
	tap_ok(remedy_has("monitor.virtual_mmu"), "VMware without EPT: remediation names monitor.virtual_mmu");

	intel("KVMKVMKVM");
	fact_set(&F, msr_vmx_fact(0x48b), (BIT(1) | BIT(7)) << 32, SRC_MSR);
	judge();
	tap_ok(R.verdict.verdict == V_DEGRADED && has_reason("no-vpid"), "VT-x with EPT but no VPID: degraded, no-vpid");
	tap_ok(remedy_has("kvm_intel/parameters/vpid"), "KVM without VPID: remediation checks kvm_intel vpid");

	intel("KVMKVMKVM");
	fact_set(&F, msr_vmx_fact(0x48b), (BIT(1) | BIT(5)) << 32, SRC_MSR);
	judge();
	tap_ok(R.verdict.verdict == V_DEGRADED && has_reason("no-unrestricted-guest"),
	       "VT-x with EPT but no unrestricted guest: degraded");

	intel("KVMKVMKVM");
	fact_set(&F, msr_vmx_fact(0x482), 0, SRC_MSR);
	judge();
	tap_ok(R.verdict.verdict == V_DEGRADED && fact_no(&F, N_EPT),
	       "no secondary controls (0x482 bit 63 clear): no EPT, degraded");

	intel("KVMKVMKVM");
	fact_set(&F, N_MSR_CPUS_FC_DIFFER, 1, SRC_MSR);
	judge();
	tap_ok(R.verdict.verdict == V_DEGRADED && has_reason("feature-control-differs"),
	       "IA32_FEATURE_CONTROL differing between CPUs: degraded");
}

static void test_locked(void)
{
	intel(NULL);
	fact_set(&F, N_MSR_FEATURE_CONTROL, 0x1, SRC_MSR);
	judge();
	tap_is_str(verdict_name(R.verdict.verdict), "not-capable", "FEATURE_CONTROL locked, VMX off: not-capable");
	tap_is_int(R.verdict.verdict, 2, "not-capable exits 2");
	tap_ok(has_reason("locked-by-firmware"), "reason locked-by-firmware");
	tap_is_str(R.hv.name, "none", "no hypervisor bit, no signature: none");
	tap_ok(remedy_has("BIOS/UEFI setup") && remedy_has("Intel Virtualization Technology") &&
	       remedy_has("power the machine off completely"),
	       "bare-metal firmware lock: enable VT-x in setup and power-cycle");

	intel(NULL);
	fact_set(&F, N_MSR_FEATURE_CONTROL, 0x0, SRC_MSR);
	judge();
	tap_ok(R.verdict.verdict == V_READY, "FEATURE_CONTROL unlocked (0): not locked off, ready");

	intel("VMwareVMware");
	fact_set(&F, N_MSR_FEATURE_CONTROL, 0x1, SRC_MSR);
	judge();
	tap_ok(remedy_has("presents VT-x locked off") && remedy_has("vhv.enable"),
	       "firmware lock inside VMware: names the outer hypervisor and vhv.enable");

	amd(NULL, 1, 0x18);
	judge();
	tap_ok(R.verdict.verdict == V_NOT_CAPABLE && has_reason("locked-by-firmware"),
	       "AMD VM_CR.SVMDIS set: not-capable, locked-by-firmware");
	tap_ok(remedy_has("SVM Mode"), "AMD firmware remediation names SVM Mode");

	intel(NULL);
	fact_set(&F, N_CPUID_VMX, 1, SRC_CPUID);
	fact_unavail(&F, N_MSR_FEATURE_CONTROL, FR_NOT_ROOT, SRC_MSR);
	fact_set_str(&F, S_CPUINFO_FLAGS, "fpu vme de pse tsc msr", SRC_CPUINFO);
	judge();
	tap_ok(R.verdict.verdict == V_NOT_CAPABLE && has_reason("locked-by-firmware") &&
	       fact_yes(&F, N_VMX_HIDDEN_BY_KERNEL),
	       "CPUID has VMX, kernel hid vmx from /proc/cpuinfo: firmware left it off");
}

static void test_confidence(void)
{
	intel("KVMKVMKVM");
	fact_set(&F, N_ROOT, 0, SRC_NONE);
	fact_unavail(&F, N_MSR_FEATURE_CONTROL, FR_NOT_ROOT, SRC_MSR);
	for (int i = N_MSR_VMX_FIRST; i <= N_MSR_VMX_LAST; i++)
		fact_unavail(&F, (enum num_fact)i, FR_NOT_ROOT, SRC_MSR);
	fact_set_str(&F, S_CPUINFO_FLAGS, "fpu vmx ept vpid ept_ad hypervisor", SRC_CPUINFO);
	fact_set_str(&F, S_CPUINFO_VMX_FLAGS, "vnmi ept vpid unrestricted_guest ept_1gb", SRC_CPUINFO);
	judge();
	tap_ok(R.verdict.verdict == V_READY, "MSRs unreadable, /proc/cpuinfo shows ept: ready");
	tap_is_str(confidence_name(R.verdict.confidence), "medium", "unreadable MSRs lower the confidence");
	int note = 0;
	for (int i = 0; i < R.verdict.nitems; i++)
		note |= strcmp(R.verdict.items[i].code, "msr-unreadable") == 0 &&
			strstr(R.verdict.items[i].text, "not-root") != NULL;
	tap_ok(note, "the report says the MSRs were unreadable and why (not-root)");
	tap_ok(has_reason("not-root"), "not-root note");
	tap_ok(fact_yes(&F, N_UNRESTRICTED_GUEST) && fact_yes(&F, N_EPT_1G) && fact_no(&F, N_VMCS_SHADOWING),
	       "vmx flags line gives unrestricted guest, 1G EPT pages, no shadow VMCS");
	tap_is_int(F.n[N_EPT].src, SRC_CPUINFO, "EPT is known from /proc/cpuinfo, not guessed");

	intel("KVMKVMKVM");
	for (int i = N_MSR_VMX_FIRST; i <= N_MSR_VMX_LAST; i++)
		fact_unavail(&F, (enum num_fact)i, FR_NO_MSR_DRIVER, SRC_MSR);
	judge();
	tap_ok(R.verdict.verdict == V_DEGRADED && has_reason("ept-unknown"), "EPT not determinable: degraded, ept-unknown");
	tap_is_str(confidence_name(R.verdict.confidence), "low", "EPT unknown: confidence low");

	facts_init(&F);
	F.origin = ORIGIN_CPUINFO;
	judge();
	tap_ok(R.verdict.verdict == V_NOT_CAPABLE && has_reason("no-cpu-flags") && R.verdict.confidence == C_LOW,
	       "no CPU flags at all: not-capable with low confidence, not a guess");
}

static void test_amd(void)
{
	amd("KVMKVMKVM", 0x1 | 0x8, 0);
	judge();
	tap_ok(R.verdict.verdict == V_READY && strcmp(R.verdict.paging, "npt") == 0, "AMD-V with NPT: ready");
	amd("TCGTCGTCGTCG", 0x8, 0);
	judge();
	tap_ok(R.verdict.verdict == V_DEGRADED && has_reason("no-npt"), "AMD-V without NPT: degraded, no-npt");
	tap_is_str(R.hv.name, "qemu", "TCGTCGTCGTCG names qemu");
	tap_ok(remedy_has("+npt"), "QEMU TCG without NPT: remediation adds +npt");
}

static void test_hidden_bit(void)
{
	no_hv_virt(NULL);
	fact_set_str(&F, S_DMI_SYS_VENDOR, "VMware, Inc.", SRC_DMI);
	fact_set_str(&F, S_DMI_PRODUCT_NAME, "VMware Virtual Platform", SRC_DMI);
	fact_set(&F, N_BD_PRESENT, 1, SRC_BACKDOOR);
	fact_set(&F, N_BD_VERSION, 6, SRC_BACKDOOR);
	fact_set(&F, N_BD_TYPE, 4, SRC_BACKDOOR);
	judge();
	tap_is_str(R.hv.name, "vmware", "hypervisor bit hidden: DMI + backdoor still name vmware");
	tap_ok(R.hv.hv_bit_hidden, "the hidden hypervisor bit is reported");
	tap_ok(remedy_has("hypervisor.cpuid.v0"), "remediation explains hypervisor.cpuid.v0");
	tap_is_str(R.hv.product, "Workstation", "backdoor type 4 is Workstation");

	no_hv_virt(NULL);
	fact_set_str(&F, S_DMI_SYS_VENDOR, "Dell Inc.", SRC_DMI);
	judge();
	tap_ok(strcmp(R.hv.name, "none") == 0 && !R.hv.hv_bit_hidden, "no bit, no VMware signals: none, nothing hidden");
}

static void test_hyperv(void)
{
	no_hv_virt("Microsoft Hv");
	judge();
	tap_is_str(R.hv.name, "microsoft", "Microsoft Hv names microsoft");
	tap_ok(R.verdict.verdict == V_NOT_CAPABLE && has_reason("no-hw-virt"), "Hyper-V without nested: not-capable");
	tap_ok(remedy_has("Set-VMProcessor -VMName <VM> -ExposeVirtualizationExtensions $true"),
	       "Hyper-V remediation: Set-VMProcessor -ExposeVirtualizationExtensions $true");
	tap_ok(remedy_has("MacAddressSpoofing"), "Hyper-V L2 networking: MAC address spoofing");

	no_hv_virt("Microsoft Hv");
	fact_set_str(&F, S_HV_SIG2, "KVMKVMKVM\\x00\\x00\\x00", SRC_CPUID);
	judge();
	tap_is_str(R.hv.name, "kvm", "Microsoft Hv with KVM at 0x40000100 (enlightenments) names kvm");
}

static void vmware(int type, int hwversion)
{
	no_hv_virt("VMwareVMware");
	fact_set(&F, N_BD_PRESENT, 1, SRC_BACKDOOR);
	fact_set(&F, N_BD_VERSION, 6, SRC_BACKDOOR);
	if (type >= 0)
		fact_set(&F, N_BD_TYPE, (uint64_t)type, SRC_BACKDOOR);
	if (hwversion >= 0)
		fact_set(&F, N_BD_HWVERSION, (uint64_t)hwversion, SRC_BACKDOOR);
	judge();
}

static void test_vmware(void)
{
	vmware(2, 19);
	tap_is_str(R.hv.product, "ESX", "backdoor type 2 is ESX");
	tap_ok(remedy_has("Expose hardware assisted virtualization to the guest OS"), "ESXi: the vSphere checkbox");
	tap_ok(!remedy_has("Virtualize Intel VT-x/EPT or AMD-V/RVI"), "ESXi: no Workstation checkbox");
	tap_ok(!remedy_has("vhv.allow"), "ESXi with hardware version 19: no ESXi 5.0 vhv.allow text");
	tap_ok(remedy_has("EVC"), "ESXi: EVC cluster masking is mentioned");
	tap_ok(remedy_has("Promiscuous mode = Accept") && remedy_has("Forged transmits = Accept"),
	       "ESXi: vSwitch advice for L2 networking");

	vmware(2, 8);
	tap_ok(remedy_has("vhv.allow = \"TRUE\"") && remedy_has("/etc/vmware/config"),
	       "ESXi with hardware version 8: ESXi 5.0 vhv.allow in /etc/vmware/config");
	tap_ok(remedy_has("hardware version 8: upgrade"), "hardware version below 9 is called out");

	vmware(4, 19);
	tap_is_str(R.hv.product, "Workstation", "backdoor type 4 is Workstation");
	tap_ok(remedy_has("Virtualize Intel VT-x/EPT or AMD-V/RVI") && remedy_has("vhv.enable = \"TRUE\""),
	       "Workstation: the processor checkbox and vhv.enable");
	tap_ok(!remedy_has("Expose hardware assisted virtualization"), "Workstation: no vSphere text");
	tap_ok(!remedy_has("Promiscuous mode = Accept"), "Workstation: no vSwitch text");

	vmware(-1, -1);
	tap_ok(R.hv.product == NULL && remedy_has("Expose hardware assisted") && remedy_has("Virtualize Intel VT-x/EPT"),
	       "VMware of unknown product: both ESXi and Workstation texts");

	/* The VMware-like QEMU profile: TCG signature, VMware DMI, vmport backdoor. */
	no_hv_virt("TCGTCGTCGTCG");
	fact_set_str(&F, S_DMI_SYS_VENDOR, "VMware, Inc.", SRC_DMI);
	fact_set(&F, N_BD_PRESENT, 1, SRC_BACKDOOR);
	fact_set(&F, N_BD_TYPE, 2, SRC_BACKDOOR);
	judge();
	tap_is_str(R.hv.name, "vmware", "TCG signature + VMware DMI + backdoor: vmware");
	tap_ok(R.hv.nconflicts == 1, "the disagreeing CPUID signature is reported as a conflict");

	no_hv_virt("TCGTCGTCGTCG");
	fact_set_str(&F, S_DMI_SYS_VENDOR, "VMware, Inc.", SRC_DMI);
	fact_set(&F, N_BD_PRESENT, 0, SRC_BACKDOOR);
	judge();
	tap_is_str(R.hv.name, "qemu", "VMware DMI alone does not override a known signature");

	vmware(2, 19);
	fact_set(&F, N_BD_NESTING, 0xffffffff, SRC_BACKDOOR);
	judge();
	tap_ok(remedy_has("NESTING_CONTROL"), "no NESTING_CONTROL answer is reported");
}

static void test_signatures(void)
{
	static const struct {
		const char *sig, *name;
	} t[] = {
		{ "VMwareVMware", "vmware" },       { "KVMKVMKVM\\x00\\x00\\x00", "kvm" }, { "KVMKVMKVM", "kvm" },
		{ "Linux KVM Hv", "kvm" },         { "Microsoft Hv", "microsoft" },     { "XenVMMXenVMM", "xen" },
		{ "VBoxVBoxVBox", "oracle" },       { "prl hyperv  ", "parallels" },     { " lrpepyh  vr", "parallels" },
		{ "bhyve bhyve ", "bhyve" },        { "TCGTCGTCGTCG", "qemu" },          { "ACRNACRNACRN", "acrn" },
		{ "Jailhouse\\x00\\x00\\x00", "jailhouse" }, { "QNXQVMBSQG", "qnx" },     { "SRESRESRESRE", "sre" },
		{ "Apple VZ", "apple" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		no_hv_virt(t[i].sig);
		judge();
		tap_is_str(R.hv.name, t[i].name, "signature \"%s\" names %s", t[i].sig, t[i].name);
	}
	no_hv_virt("NotAKnownOne");
	judge();
	tap_is_str(R.hv.name, "vm-other", "hypervisor bit with an unknown signature: vm-other");
	no_hv_virt(NULL);
	fact_set(&F, N_CPUID_HV_BIT, 0, SRC_CPUID);
	fact_set_str(&F, S_HV_SIG, "GenuineIntel", SRC_CPUID);
	judge();
	tap_is_str(R.hv.name, "none", "no hypervisor bit, leaf 0x40000000 garbage: none");
}

/* Bochs itself: no hypervisor bit, leaf 0x40000000 holds leaf 0x16's data,
 * only the BIOS vendor tells (tests/data/cpuinfo/bochs-vmx-skylake). */
static void test_bochs(void)
{
	intel(NULL);
	fact_set_str(&F, S_HV_SIG, "\\xa0\\x0f\\x00\\x00d\\x00\\x00\\x00\\x00\\x00\\x00\\x00", SRC_CPUID);
	fact_set_str(&F, S_DMI_SYS_VENDOR, "", SRC_DMI);
	fact_set_str(&F, S_DMI_BIOS_VENDOR, "The Bochs Project", SRC_DMI);
	judge();
	tap_is_str(R.hv.name, "bochs", "BIOS vendor \"The Bochs Project\" names bochs");
	tap_ok(R.hv.product && strcmp(R.hv.product, "Bochs emulator") == 0, "product: Bochs emulator");
	tap_ok(!R.hv.hv_bit_hidden, "an emulator has no hypervisor bit to hide");

	no_hv_virt(NULL);
	fact_set_str(&F, S_DMI_BIOS_VENDOR, "The Bochs Project", SRC_DMI);
	judge();
	tap_ok(remedy_has("corei7_skylake_x") && !remedy_has("nested=1"), "Bochs without VMX: the bochsrc CPU model, not KVM");

	no_hv_virt("KVMKVMKVM");
	fact_set_str(&F, S_DMI_BIOS_VENDOR, "Bochs", SRC_DMI);
	judge();
	tap_ok(strcmp(R.hv.name, "kvm") == 0 && remedy_has("nested=1"), "old QEMU/KVM with Bochs BIOS strings: kvm, KVM remedy");
}

static void test_other_remedies(void)
{
	no_hv_virt("KVMKVMKVM");
	judge();
	tap_ok(remedy_has("nested=1") && remedy_has("-cpu host"), "KVM: nested=1 and -cpu host");
	no_hv_virt("VBoxVBoxVBox");
	judge();
	tap_ok(remedy_has("--nested-hw-virt on"), "VirtualBox: --nested-hw-virt on");
	no_hv_virt("XenVMMXenVMM");
	judge();
	tap_ok(remedy_has("nestedhvm=1"), "Xen: nestedhvm=1");
	no_hv_virt("TCGTCGTCGTCG");
	judge();
	tap_ok(remedy_has("never VT-x"), "QEMU TCG: says VT-x is impossible, AMD-V possible");

	intel("KVMKVMKVM");
	fact_set(&F, N_SECURE_BOOT, 1, SRC_EFI);
	judge();
	tap_ok(remedy_has("Secure Boot is on") && remedy_has("nhv.ko"), "Secure Boot: explains signing nhv.ko");
}


static int conflict_has(const char *needle)
{
	for (int i = 0; i < R.hv.nconflicts; i++)
		if (strstr(R.hv.conflicts[i], needle))
			return 1;
	return 0;
}

static int note_has(const char *code, const char *needle)
{
	for (int i = 0; i < R.verdict.nitems; i++)
		if (strcmp(R.verdict.items[i].code, code) == 0 && strstr(R.verdict.items[i].text, needle))
			return 1;
	return 0;
}

/* systemd-detect-virt's order (src/basic/virt.c detect_vm) and nhv's additions. */
static void test_precedence(void)
{
	no_hv_virt("KVMKVMKVM");
	fact_set_str(&F, S_DMI_SYS_VENDOR, "Parallels Software International Inc.", SRC_DMI);
	fact_set_str(&F, S_DMI_PRODUCT_NAME, "Parallels Virtual Platform", SRC_DMI);
	fact_set_str(&F, S_DMI_BIOS_VENDOR, "Parallels Software International Inc.", SRC_DMI);
	judge();
	tap_is_str(R.hv.name, "parallels", "Parallels DMI beats its KVM signature");
	tap_ok(conflict_has("CPUID signature says kvm") && conflict_has("cloak"),
	       "the conflict names the losing signature and the cloaking rule");
	tap_is_str(R.hv.virt_what, "parallels", "virt-what: parallels, and no kvm (skip_qemu_kvm)");

	static const struct {
		const char *sig;
		enum str_fact field;
		const char *value, *want, *what;
	} t[] = {
		{ "KVMKVMKVM", S_DMI_PRODUCT_NAME, "VirtualBox", "oracle", "VirtualBox DMI beats the KVM paravirt signature" },
		{ "Microsoft Hv", S_DMI_SYS_VENDOR, "Xen", "xen", "Xen DMI beats Xen's Hyper-V cloak" },
		{ "KVMKVMKVM", S_DMI_PRODUCT_NAME, "Google Compute Engine", "google", "Google DMI beats KVM" },
		{ "Microsoft Hv", S_DMI_SYS_VENDOR, "QEMU", "qemu", "Microsoft Hv with QEMU DMI: enlightenments, DMI decides" },
		{ "Microsoft Hv", S_DMI_BIOS_VERSION, "Hyper-V UEFI Release v4.1", "microsoft", "Microsoft Hv alone: microsoft" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		no_hv_virt(t[i].sig);
		fact_set_str(&F, t[i].field, t[i].value, SRC_DMI);
		judge();
		tap_is_str(R.hv.name, t[i].want, "%s", t[i].what);
	}

	no_hv_virt("VMwareVMware");
	fact_set_str(&F, S_DMI_SYS_VENDOR, "QEMU", SRC_DMI);
	judge();
	tap_ok(strcmp(R.hv.name, "vmware") == 0 && conflict_has("DMI says qemu"),
	       "a non-cloaking DMI string loses to the signature, as a named conflict");
}

static void amazon_facts(const char *product, int vm_bit, int hv_bit)
{
	intel(hv_bit ? "KVMKVMKVM" : NULL);
	fact_set_str(&F, S_DMI_SYS_VENDOR, "Amazon EC2", SRC_DMI);
	fact_set_str(&F, S_DMI_BIOS_VENDOR, "Amazon EC2", SRC_DMI);
	fact_set_str(&F, S_DMI_PRODUCT_NAME, product, SRC_DMI);
	if (vm_bit >= 0)
		fact_set(&F, N_SMBIOS_VM_BIT, (uint64_t)vm_bit, SRC_SYSFS);
	judge();
}

static void test_amazon(void)
{
	amazon_facts("c5.large", 1, 1);
	tap_is_str(R.hv.name, "amazon", "Amazon DMI with the SMBIOS VM bit: amazon, over KVM");
	amazon_facts("m5.metal", 0, 0);
	tap_ok(strcmp(R.hv.name, "none") == 0 && R.hv.platform && strcmp(R.hv.platform, "amazon") == 0,
	       "Amazon DMI, VM bit clear: none, platform amazon");
	tap_ok(R.verdict.verdict == V_READY, "a bare-metal instance with VT-x and EPT is ready");
	amazon_facts("c5.metal", -1, 0);
	tap_is_str(R.hv.name, "none", "VM bit unknown, product *.metal: none");
	amazon_facts("i3.metal-16xl", -1, 0);
	tap_is_str(R.hv.name, "none", "\".metal\" before a '-': none");
	amazon_facts("c5.large", -1, 1);
	tap_is_str(R.hv.name, "amazon", "VM bit unknown, no .metal: amazon");
	amazon_facts("m5.metalish", -1, 1);
	tap_is_str(R.hv.name, "amazon", "\".metalish\" is not \".metal\"");
	tap_ok(strstr(R.hv.virt_what, "aws") != NULL && strstr(R.hv.virt_what, "kvm") != NULL,
	       "virt-what says aws and kvm (%s)", R.hv.virt_what);
}

static void test_xen(void)
{
	intel(NULL);
	fact_set(&F, N_PROC_XEN, 1, SRC_PROCFS);
	fact_set_str(&F, S_SYS_HYPERVISOR_TYPE, "xen", SRC_SYSFS);
	judge();
	tap_is_str(R.hv.name, "xen", "/proc/xen in a domU: xen");
	tap_ok(R.hv.xen_pv && R.verdict.verdict == V_NOT_CAPABLE && has_reason("xen-pv"),
	       "Xen PV with VT-x and EPT in the MSRs: not-capable, xen-pv");
	tap_is_str(verdict_main_reason(&R.verdict)->code, "xen-pv", "xen-pv is the main reason");
	tap_is_str(R.hv.virt_what, "xen xen-domU", "virt-what: xen xen-domU");

	intel("XenVMMXenVMM");
	fact_set(&F, N_PROC_XEN, 1, SRC_PROCFS);
	judge();
	tap_ok(strcmp(R.hv.name, "xen") == 0 && !R.hv.xen_pv && R.verdict.verdict == V_READY,
	       "Xen with its CPUID leaf is HVM: the flags count");

	intel("KVMKVMKVM");
	fact_set(&F, N_PROC_XEN, 1, SRC_PROCFS);
	fact_set(&F, N_XEN_FEATURES, 1u << 11, SRC_SYSFS);
	judge();
	tap_is_str(R.hv.name, "kvm", "Xen dom0 nested in KVM: the CPUID answer");

	intel(NULL);
	fact_set(&F, N_PROC_XEN, 1, SRC_PROCFS);
	fact_set_str(&F, S_XEN_CAPABILITIES, "control_d", SRC_PROCFS);
	judge();
	tap_is_str(R.hv.name, "none", "Xen dom0 on bare metal: none");

	intel(NULL);
	fact_set_str(&F, S_SYS_HYPERVISOR_TYPE, "xen", SRC_SYSFS);
	judge();
	tap_ok(strcmp(R.hv.name, "xen") == 0 && R.hv.xen_pv, "/sys/hypervisor/type xen alone: Xen PV");

	intel(NULL);
	fact_set_str(&F, S_SYS_HYPERVISOR_TYPE, "s390", SRC_SYSFS);
	judge();
	tap_is_str(R.hv.name, "vm-other", "another /sys/hypervisor/type: vm-other");
}

static void test_qemu_bochs(void)
{
	no_hv_virt(NULL);
	fact_set(&F, N_CPUID_HV_BIT, 1, SRC_CPUID);
	F.s[S_HV_SIG].state = FS_UNKNOWN;
	fact_set_str(&F, S_DMI_SYS_VENDOR, "Bochs", SRC_DMI);
	fact_set_str(&F, S_DMI_PRODUCT_NAME, "Bochs", SRC_DMI);
	fact_set_str(&F, S_CPU_MODEL, "QEMU Virtual CPU version 2.5+", SRC_CPUINFO);
	judge();
	tap_ok(strcmp(R.hv.name, "qemu") == 0 && conflict_has("DMI says bochs"),
	       "Bochs SMBIOS with a QEMU CPU model: qemu, the Bochs DMI a named conflict");
	fact_set_str(&F, S_CPU_MODEL, "Common KVM processor", SRC_CPUINFO);
	judge();
	tap_is_str(R.hv.name, "kvm", "Bochs SMBIOS with QEMU's kvm64 model: kvm");

	no_hv_virt(NULL);
	fact_set(&F, N_SMBIOS_VM_BIT, 1, SRC_SYSFS);
	judge();
	tap_is_str(R.hv.name, "vm-other", "the SMBIOS VM bit alone: vm-other");

	no_hv_virt(NULL);
	fact_set_str(&F, S_CPU_VENDOR, "User Mode Linux", SRC_CPUINFO);
	judge();
	tap_is_str(R.hv.name, "uml", "User Mode Linux vendor: uml");
}

static void test_virt_what_names(void)
{
	no_hv_virt("LKVMLKVMLKVM");
	judge();
	tap_ok(strcmp(R.hv.name, "kvm") == 0 && R.hv.product && strstr(R.hv.product, "kvmtool") &&
	       strcmp(R.hv.virt_what, "lkvm") == 0, "LKVMLKVMLKVM: kvm, kvmtool, virt-what lkvm");
	no_hv_virt("OpenBSDVMM58");
	judge();
	tap_ok(strcmp(R.hv.name, "vm-other") == 0 && strcmp(R.hv.virt_what, "vmm") == 0,
	       "OpenBSDVMM58: vm-other, virt-what vmm");
	no_hv_virt("HAXMHAXMHAXM");
	judge();
	tap_ok(strcmp(R.hv.name, "vm-other") == 0 && R.hv.product && strcmp(R.hv.product, "Intel HAXM") == 0,
	       "HAXMHAXMHAXM: vm-other, Intel HAXM");
	no_hv_virt("XenVMMXenVMM");
	fact_set_str(&F, S_DMI_SYS_VENDOR, "Xen", SRC_DMI);
	judge();
	tap_is_str(R.hv.virt_what, "xen xen-hvm", "Xen HVM: virt-what xen xen-hvm");
	no_hv_virt(NULL);
	fact_set_str(&F, S_DMI_SYS_VENDOR, "Microsoft Corporation", SRC_DMI);
	fact_set_str(&F, S_DMI_PRODUCT_NAME, "Virtual Machine", SRC_DMI);
	judge();
	tap_is_str(R.hv.virt_what, "virtualpc", "Microsoft DMI without the Hv signature: virtualpc");
	tap_is_str(R.hv.name, "microsoft", "... and systemd's name microsoft");
}

static void test_paste_confidence(void)
{
	facts_init(&F);
	F.origin = ORIGIN_PASTE;
	F.paste_parts = PP_DMI_SYSTEM | PP_DMI_BIOS;
	fact_set_str(&F, S_DMI_SYS_VENDOR, "VMware, Inc.", SRC_DMI);
	judge();
	tap_is_str(confidence_name(R.verdict.confidence), "low", "a DMI-only paste: low confidence");
	tap_ok(note_has("missing-facts", "CPU flags"), "the missing CPU flags are named");
	tap_ok(note_has("pasted-input", "dmidecode (BIOS, System)") && !note_has("pasted-input", "no DMI"),
	       "the pasted-input note names the dmidecode records it read");

	facts_init(&F);
	F.origin = ORIGIN_CPUINFO;
	F.paste_parts = PP_CPUINFO | PP_DMI_SYSTEM;
	F.paste_cpus = 4;
	fact_set_str(&F, S_CPU_VENDOR, "GenuineIntel", SRC_CPUINFO);
	fact_set_str(&F, S_CPUINFO_FLAGS, "fpu vmx ept vpid hypervisor", SRC_CPUINFO);
	fact_set_str(&F, S_HV_SIG, "VMwareVMware", SRC_VIRTWHAT);
	fact_set_str(&F, S_DMI_SYS_VENDOR, "VMware, Inc.", SRC_DMI);
	judge();
	tap_ok(R.verdict.verdict == V_READY && R.verdict.confidence == C_MEDIUM,
	       "cpuinfo with vmx and ept, signature and DMI: ready, medium (no MSRs)");
	tap_ok(note_has("pasted-input", "/proc/cpuinfo (4 CPUs)"), "the note counts the CPUs read");
	tap_ok(!note_has("missing-facts", ""), "nothing the verdict needs is missing: no missing-facts note");

	facts_init(&F);
	F.origin = ORIGIN_LSCPU;
	F.paste_parts = PP_LSCPU;
	fact_set_str(&F, S_CPU_VENDOR, "GenuineIntel", SRC_LSCPU);
	fact_set_str(&F, S_LSCPU_VIRTUALIZATION, "VT-x", SRC_LSCPU);
	judge();
	tap_ok(R.verdict.confidence == C_LOW && note_has("missing-facts", "nested paging"),
	       "lscpu with VT-x but no Flags: low, nested paging named missing");

	intel(NULL);
	F.origin = ORIGIN_CPUINFO;
	F.s[S_HV_SIG].state = FS_UNKNOWN;
	fact_set(&F, N_PROC_XEN, 1, SRC_PROCFS);
	judge();
	tap_ok(R.hv.xen_pv_assumed && R.verdict.confidence == C_LOW,
	       "Xen PV judged without a CPUID signature: low confidence");

	no_hv_virt("KVMKVMKVM");
	fact_set_str(&F, S_PASTE_SDV, "qemu", SRC_SDV);
	judge();
	tap_ok(conflict_has("systemd-detect-virt says qemu"), "a pasted systemd-detect-virt answer that disagrees is a conflict");
}

static void test_brief(void)
{
	char *buf = NULL;
	size_t len = 0;

	vmware(2, 19);
	FILE *m = open_memstream(&buf, &len);
	output_brief(m, &R);
	fclose(m);
	int lines = 0, good = 1;
	for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
		lines++;
		good &= strstr(l, "\t: ") != NULL;
	}
	tap_ok(lines >= 3 && lines <= 5, "--brief prints 3 to 5 lines (%d)", lines);
	tap_ok(good, "--brief lines are key<TAB>: value");
	free(buf);

	buf = NULL;
	intel("VMwareVMware");
	judge();
	m = open_memstream(&buf, &len);
	output_brief(m, &R);
	fclose(m);
	tap_ok(strstr(buf, "verdict\t\t: ready (VT-x with EPT)") != NULL, "--brief ready line");
	tap_ok(strstr(buf, "hypervisor\t: vmware") != NULL, "--brief hypervisor line");
	free(buf);
}

int main(void)
{
	test_ready();
	test_degraded();
	test_locked();
	test_confidence();
	test_amd();
	test_hidden_bit();
	test_hyperv();
	test_vmware();
	test_signatures();
	test_bochs();
	test_other_remedies();
	test_precedence();
	test_amazon();
	test_xen();
	test_qemu_bochs();
	test_virt_what_names();
	test_paste_confidence();
	test_brief();
	return tap_done();
}
