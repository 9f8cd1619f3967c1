/*
 * remedy.c - what to change, for the detected outer product, to fix each
 * missing piece.  Pure function of facts, hypervisor and verdict.
 *
 * Sources: VMware "Running Nested VMs" (DOC-8970, ../shared/seeds),
 * reference/cpuid-and-detection.md sections 1.4, 2, 3 and 6; the Hyper-V
 * and VirtualBox options are the vendors' documented switches.
 */
#include "tools/nhv-check/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void add(struct remedy *r, const char *code, const char *fmt, ...)
{
	va_list ap;

	if (r->n >= REPORT_MAX_ITEMS)
		return;
	struct item *it = &r->items[r->n++];
	it->kind = IK_REASON;
	it->code = code;
	va_start(ap, fmt);
	vsnprintf(it->text, sizeof(it->text), fmt, ap);
	va_end(ap);
}

static int has_reason(const struct verdict_r *v, const char *code)
{
	for (int i = 0; i < v->nitems; i++)
		if (v->items[i].kind == IK_REASON && strcmp(v->items[i].code, code) == 0)
			return 1;
	return 0;
}

static int is(const struct hv_id *hv, const char *name)
{
	return strcmp(hv->name, name) == 0;
}

static int is_product(const struct hv_id *hv, const char *p)
{
	return hv->product && strcmp(hv->product, p) == 0;
}

static void vmware_expose(const struct facts *f, const struct hv_id *hv, struct remedy *r)
{
	int esx = is_product(hv, "ESX"), ws = is_product(hv, "Workstation");
	int hwv_known = fact_known(f, N_BD_HWVERSION);
	uint64_t hwv = f->n[N_BD_HWVERSION].v;

	if (esx || !ws) {
		add(r, "no-hw-virt",
		    "ESXi 5.1 and later: power the VM off; in the vSphere Client open Edit Settings > CPU and tick "
		    "\"Expose hardware assisted virtualization to the guest OS\" (the .vmx gets vhv.enable = \"TRUE\"); "
		    "the VM needs hardware version 9 or later");
		if (!hwv_known || hwv <= 8)
			add(r, "no-hw-virt",
			    "ESXi 5.0: on the ESXi host add vhv.allow = \"TRUE\" to /etc/vmware/config "
			    "(hardware version 8 VMs); not recommended on hosts without EPT/RVI");
		add(r, "evc",
		    "ESXi in an EVC cluster: EVC masks CPU features so all hosts look alike and may hide "
		    "VT-x/AMD-V; test on a host outside the EVC cluster or with EVC off");
	}
	if (ws || !esx)
		add(r, "no-hw-virt",
		    "Workstation, Player or Fusion: power the VM off; VM > Settings > Processors: tick "
		    "\"Virtualize Intel VT-x/EPT or AMD-V/RVI\" (vhv.enable = \"TRUE\" in the .vmx); "
		    "hardware version 9 or later");
	if (ws || !esx)
		add(r, "windows-host-hyperv",
		    "Workstation on a Windows host with Hyper-V, VBS/Credential Guard or WSL2 turned on cannot "
		    "virtualize VT-x/EPT (\"Virtualized Intel VT-x/EPT is not supported on this platform\"): "
		    "turn those Windows features off on the host");
	if (hwv_known && hwv < 9)
		add(r, "hw-version",
		    "this VM has virtual hardware version %llu: upgrade its compatibility to hardware version 9 "
		    "or later", (unsigned long long)hwv);
}

static void expose(const struct facts *f, const struct hv_id *hv, struct remedy *r)
{
	if (is(hv, "vmware")) {
		vmware_expose(f, hv, r);
	} else if (is(hv, "microsoft")) {
		add(r, "no-hw-virt",
		    "Hyper-V: with the VM off, run on the host (PowerShell, as administrator): "
		    "Set-VMProcessor -VMName <VM> -ExposeVirtualizationExtensions $true");
		add(r, "no-hw-virt",
		    "WSL2: add nestedVirtualization=true to the [wsl2] section of %%UserProfile%%\\.wslconfig, "
		    "then run wsl --shutdown");
	} else if (is(hv, "bochs") && is_product(hv, "Bochs emulator")) {
		add(r, "no-hw-virt",
		    "Bochs: pick a CPU model with VT-x and EPT in the bochsrc (cpu: model=corei7_skylake_x); "
		    "the bochs binary must be built with --enable-vmx=2");
	} else if (is(hv, "kvm") || is(hv, "bochs")) {
		add(r, "no-hw-virt",
		    "KVM: on the host check /sys/module/kvm_intel/parameters/nested (or kvm_amd); enable it with "
		    "\"options kvm_intel nested=1\" (or \"options kvm_amd nested=1\") in /etc/modprobe.d/kvm.conf "
		    "and reload the module with all VMs stopped");
		add(r, "no-hw-virt",
		    "KVM: start the VM with -cpu host (libvirt: <cpu mode='host-passthrough'/>) or add +vmx / +svm "
		    "to its CPU model");
	} else if (is(hv, "qemu")) {
		add(r, "no-hw-virt",
		    "QEMU without KVM (TCG) can expose AMD-V but never VT-x: use -cpu max, or add +svm,+npt to the "
		    "CPU model; for VT-x run QEMU with KVM on a host that has it");
	} else if (is(hv, "oracle")) {
		add(r, "no-hw-virt",
		    "VirtualBox: with the VM off run VBoxManage modifyvm \"<VM>\" --nested-hw-virt on "
		    "(VirtualBox 6.0 for AMD, 6.1 for Intel hosts)");
	} else if (is(hv, "xen")) {
		add(r, "no-hw-virt", "Xen: set nestedhvm=1 (and hap=1) in the guest's xl.cfg and restart it");
	} else if (is(hv, "parallels")) {
		add(r, "no-hw-virt",
		    "Parallels Desktop: Configuration > Hardware > CPU & Memory > Advanced: enable nested "
		    "virtualization");
	} else if (is(hv, "none")) {
		add(r, "no-hw-virt",
		    "bare metal: this CPU shows no VT-x/AMD-V; if it has them, enable them in the firmware setup "
		    "(see below), otherwise nhv needs other hardware");
	} else {
		add(r, "no-hw-virt",
		    "%s: nhv-check knows no switch for this outer hypervisor; expose VT-x/AMD-V with EPT/NPT "
		    "(\"nested virtualization\") to this VM", hv->name);
	}
}

static void firmware(const struct facts *f, const struct hv_id *hv, struct remedy *r, int amd)
{
	if (is(hv, "none")) {
		add(r, "locked-by-firmware",
		    "firmware: enter the BIOS/UEFI setup, enable %s, save, then power the machine off completely "
		    "and on again (the setting is locked until the next power-on)",
		    amd ? "SVM Mode (AMD-V)" : "Intel Virtualization Technology (VT-x)");
	} else {
		add(r, "locked-by-firmware",
		    "the outer hypervisor (%s) presents %s locked off to this VM; enable nested virtualization "
		    "for the VM as below and power it off and on",
		    hv->name, amd ? "AMD-V" : "VT-x");
		expose(f, hv, r);
	}
}

static void paging(const struct hv_id *hv, struct remedy *r, int amd)
{
	const char *code = amd ? "no-npt" : "no-ept";

	if (is(hv, "vmware"))
		add(r, code,
		    "VMware exposes VT-x/AMD-V without %s only when it runs without it itself: the physical CPU "
		    "must have %s, and the VM must not force monitor.virtual_mmu = \"software\" "
		    "(set monitor.virtual_mmu = \"hardware\")", amd ? "RVI" : "EPT", amd ? "RVI (NPT)" : "EPT");
	else if (is(hv, "kvm"))
		add(r, code,
		    "KVM: on the host check /sys/module/%s/parameters/%s is Y/1 and start the VM with -cpu host",
		    amd ? "kvm_amd" : "kvm_intel", amd ? "npt" : "ept");
	else if (is(hv, "qemu"))
		add(r, code, "QEMU TCG: add +npt to the CPU model (-cpu max already has it)");
	else if (is(hv, "microsoft"))
		add(r, code, "Hyper-V passes %s through only when the host CPU has SLAT; check the host's CPU",
		    amd ? "NPT" : "EPT");
	else if (is(hv, "xen"))
		add(r, code, "Xen: set hap=1 in the guest's xl.cfg (the host needs EPT/NPT)");
	else if (is(hv, "oracle"))
		add(r, code, "VirtualBox: VBoxManage modifyvm \"<VM>\" --nested-paging on");
	else if (is(hv, "none"))
		add(r, code, "this CPU has %s without %s: a hardware limit, no setting enables it",
		    amd ? "AMD-V" : "VT-x", amd ? "NPT" : "EPT");
	else
		add(r, code, "ask the outer hypervisor (%s) to expose %s to this VM", hv->name, amd ? "NPT" : "EPT");
}

void remedy_compute(const struct facts *f, const struct hv_id *hv, const struct verdict_r *v,
		    struct remedy *r)
{
	int amd = strcmp(v->virt, "svm") == 0 ||
		  (strcmp(v->virt, "none") == 0 && strcmp(str_get(f, S_CPU_VENDOR), "AuthenticAMD") == 0);

	memset(r, 0, sizeof(*r));
	if (has_reason(v, "locked-by-firmware"))
		firmware(f, hv, r, amd);
	else if (has_reason(v, "no-hw-virt") || has_reason(v, "no-cpu-flags"))
		expose(f, hv, r);
	if (has_reason(v, "no-ept") || has_reason(v, "ept-unknown"))
		paging(hv, r, 0);
	if (has_reason(v, "no-npt") || has_reason(v, "npt-unknown"))
		paging(hv, r, 1);
	if (has_reason(v, "no-vpid"))
		add(r, "no-vpid", is(hv, "kvm") ? "KVM: on the host check /sys/module/kvm_intel/parameters/vpid is Y"
						 : "the outer hypervisor (%s) does not expose VPID; a newer version "
						   "or another host CPU may", hv->name);
	if (has_reason(v, "no-unrestricted-guest"))
		add(r, "no-unrestricted-guest",
		    is(hv, "kvm") ? "KVM: on the host check /sys/module/kvm_intel/parameters/unrestricted_guest is Y"
				  : "the outer hypervisor (%s) does not expose unrestricted guest; it needs EPT on "
				    "the host", hv->name);
	if (has_reason(v, "feature-control-differs"))
		add(r, "feature-control-differs",
		    "update the firmware, or enable VT-x in its setup again and power-cycle: some CPUs came up "
		    "with VT-x off");

	if (is(hv, "vmware") && !is_product(hv, "Workstation"))
		add(r, "l2-network",
		    "L2 networking on ESXi: on the port group (or standard vSwitch) of this VM's NICs set "
		    "Security > Promiscuous mode = Accept and Forged transmits = Accept (and MAC address "
		    "changes = Accept), or frames to and from L2 MAC addresses are dropped");
	if (is(hv, "vmware") && !is_product(hv, "ESX"))
		add(r, "l2-network",
		    "L2 networking on Workstation for Linux: the user running the VM needs write access to "
		    "/dev/vmnet* for promiscuous mode");
	if (is(hv, "microsoft"))
		add(r, "l2-network",
		    "L2 networking on Hyper-V: Set-VMNetworkAdapter -VMName <VM> -MacAddressSpoofing On");
	if (is(hv, "vmware") && fact_known(f, N_BD_NESTING) &&
	    (f->n[N_BD_NESTING].v < 2 || f->n[N_BD_NESTING].v == 0xffffffffULL))
		add(r, "nesting-control",
		    "the outer VMware does not answer NESTING_CONTROL QUERY: VMware Tools in L1 and in L2 "
		    "cannot share the backdoor; set monitor_control.restrict_backdoor = \"TRUE\" for tools in L2");
	if (hv->hv_bit_hidden)
		add(r, "hypervisor-bit-hidden",
		    "the hypervisor-present bit is hidden (VMware: hypervisor.cpuid.v0 = \"FALSE\"): harmless for "
		    "nesting, but Linux and VMware Tools inside this VM then do not see %s; remove the setting "
		    "unless an L2 product needs it", hv->name);
	if (fact_yes(f, N_SECURE_BOOT))
		add(r, "secure-boot",
		    "Secure Boot is on: the kernel loads only signed modules, so nhv.ko must be signed with a key "
		    "the firmware or MOK trusts; otherwise turn Secure Boot off in the VM's firmware options%s",
		    is(hv, "vmware") ? " (VMware: VM Options > Boot Options > Secure Boot)" : "");
	const char *ld = str_get(f, S_LOCKDOWN);
	if (strstr(ld, "[integrity]") || strstr(ld, "[confidentiality]"))
		add(r, "lockdown",
		    "kernel lockdown is active: unsigned modules, MSR writes and I/O-port access (the backdoor "
		    "probe) are refused");
}
