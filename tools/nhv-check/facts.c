/* facts.c - the fact table: names, kinds, setters.  Names are the stable
 * keys of captures and of the JSON "facts" object (docs/nhv-check.md). */
#include "tools/nhv-check/facts.h"

#include <stdio.h>
#include <string.h>

static const char *const num_names[N_COUNT] = {
	[N_CPUID_1_ECX] = "cpuid.1.ecx",
	[N_CPUID_HV_BIT] = "cpuid.hypervisor_bit",
	[N_CPUID_VMX] = "cpuid.vmx",
	[N_CPUID_SVM] = "cpuid.svm",
	[N_CPUID_HV_MAX_LEAF] = "cpuid.40000000.eax",
	[N_SVM_REVISION] = "cpuid.8000000a.revision",
	[N_SVM_NASID] = "cpuid.8000000a.asids",
	[N_SVM_EDX] = "cpuid.8000000a.edx",
	[N_MSR_FEATURE_CONTROL] = "msr.0x3a",
	[N_MSR_VMX_FIRST + 0x0] = "msr.0x480",
	[N_MSR_VMX_FIRST + 0x1] = "msr.0x481",
	[N_MSR_VMX_FIRST + 0x2] = "msr.0x482",
	[N_MSR_VMX_FIRST + 0x3] = "msr.0x483",
	[N_MSR_VMX_FIRST + 0x4] = "msr.0x484",
	[N_MSR_VMX_FIRST + 0x5] = "msr.0x485",
	[N_MSR_VMX_FIRST + 0x6] = "msr.0x486",
	[N_MSR_VMX_FIRST + 0x7] = "msr.0x487",
	[N_MSR_VMX_FIRST + 0x8] = "msr.0x488",
	[N_MSR_VMX_FIRST + 0x9] = "msr.0x489",
	[N_MSR_VMX_FIRST + 0xa] = "msr.0x48a",
	[N_MSR_VMX_FIRST + 0xb] = "msr.0x48b",
	[N_MSR_VMX_FIRST + 0xc] = "msr.0x48c",
	[N_MSR_VMX_FIRST + 0xd] = "msr.0x48d",
	[N_MSR_VMX_FIRST + 0xe] = "msr.0x48e",
	[N_MSR_VMX_FIRST + 0xf] = "msr.0x48f",
	[N_MSR_VMX_FIRST + 0x10] = "msr.0x490",
	[N_MSR_VMX_FIRST + 0x11] = "msr.0x491",
	[N_MSR_VM_CR] = "msr.0xc0010114",
	[N_MSR_EFER] = "msr.0xc0000080",
	[N_MSR_CPUS_FC_DIFFER] = "msr.0x3a.differs_between_cpus",
	[N_CPUINFO_VMX] = "cpuinfo.vmx",
	[N_CPUINFO_SVM] = "cpuinfo.svm",
	[N_CPUINFO_HV_BIT] = "cpuinfo.hypervisor",
	[N_HW_VMX] = "hw.vmx",
	[N_HW_SVM] = "hw.svm",
	[N_HV_BIT] = "hw.hypervisor_bit",
	[N_VMX_LOCKED_OFF] = "hw.vmx_locked_off",
	[N_VMX_HIDDEN_BY_KERNEL] = "hw.vmx_hidden_by_kernel",
	[N_SVM_DISABLED] = "hw.svm_disabled",
	[N_EPT] = "hw.ept",
	[N_VPID] = "hw.vpid",
	[N_UNRESTRICTED_GUEST] = "hw.unrestricted_guest",
	[N_VMCS_SHADOWING] = "hw.vmcs_shadowing",
	[N_APIC_VIRT] = "hw.apic_virtualization",
	[N_POSTED_INTR] = "hw.posted_interrupts",
	[N_EPT_AD] = "hw.ept_ad",
	[N_EPT_2M] = "hw.ept_2m",
	[N_EPT_1G] = "hw.ept_1g",
	[N_NPT] = "hw.npt",
	[N_NRIP_SAVE] = "hw.nrip_save",
	[N_DECODE_ASSISTS] = "hw.decode_assists",
	[N_FLUSH_BY_ASID] = "hw.flush_by_asid",
	[N_AVIC] = "hw.avic",
	[N_PCI_DEVICES] = "pci.devices",
	[N_PCI_VMWARE] = "pci.vmware",
	[N_PCI_VMWARE_VMCI] = "pci.vmware_vmci",
	[N_PCI_VMWARE_SVGA] = "pci.vmware_svga",
	[N_PCI_VIRTIO] = "pci.virtio",
	[N_PCI_HYPERV] = "pci.hyperv",
	[N_PCI_VBOX] = "pci.virtualbox",
	[N_PCI_XEN] = "pci.xen",
	[N_EFI_BOOT] = "efi.uefi",
	[N_SECURE_BOOT] = "efi.secure_boot",
	[N_SETUP_MODE] = "efi.setup_mode",
	[N_BD_PRESENT] = "backdoor.present",
	[N_BD_VERSION] = "backdoor.version",
	[N_BD_TYPE] = "backdoor.type",
	[N_BD_HWVERSION] = "backdoor.hwversion",
	[N_BD_BUILDNUM] = "backdoor.buildnum",
	[N_BD_NESTING] = "backdoor.nesting_query",
	[N_PROC_XEN] = "proc.xen",
	[N_XEN_FEATURES] = "sys.hypervisor_features",
	[N_SMBIOS_VM_BIT] = "dmi.bios_vm_bit",
	[N_ROOT] = "probe.root",
};

static const char *const str_names[S_COUNT] = {
	[S_CPU_VENDOR] = "cpu.vendor",
	[S_CPU_MODEL] = "cpu.model",
	[S_HV_SIG] = "cpuid.40000000.signature",
	[S_HV_SIG2] = "cpuid.40000100.signature",
	[S_CPUINFO_FLAGS] = "cpuinfo.flags",
	[S_CPUINFO_VMX_FLAGS] = "cpuinfo.vmx_flags",
	[S_LSCPU_HV_VENDOR] = "lscpu.hypervisor_vendor",
	[S_LSCPU_VIRT_TYPE] = "lscpu.virtualization_type",
	[S_LSCPU_VIRTUALIZATION] = "lscpu.virtualization",
	[S_DMI_SYS_VENDOR] = "dmi.sys_vendor",
	[S_DMI_PRODUCT_NAME] = "dmi.product_name",
	[S_DMI_PRODUCT_VERSION] = "dmi.product_version",
	[S_DMI_PRODUCT_SERIAL] = "dmi.product_serial",
	[S_DMI_PRODUCT_UUID] = "dmi.product_uuid",
	[S_DMI_BOARD_VENDOR] = "dmi.board_vendor",
	[S_DMI_BIOS_VENDOR] = "dmi.bios_vendor",
	[S_DMI_BIOS_VERSION] = "dmi.bios_version",
	[S_PCI_NICS] = "pci.nics",
	[S_PCI_VMWARE_DEVICES] = "pci.vmware_devices",
	[S_LOCKDOWN] = "kernel.lockdown",
	[S_KERNEL] = "kernel.release",
	[S_DMI_CHASSIS_VENDOR] = "dmi.chassis_vendor",
	[S_SYS_HYPERVISOR_TYPE] = "sys.hypervisor_type",
	[S_XEN_CAPABILITIES] = "proc.xen_capabilities",
	[S_PASTE_SDV] = "paste.systemd_detect_virt",
	[S_PASTE_VIRTWHAT] = "paste.virt_what",
};

static const char *const reason_names[FR_COUNT] = {
	[FR_NONE] = "none",
	[FR_NOT_ROOT] = "not-root",
	[FR_NO_MSR_DRIVER] = "no-msr-driver",
	[FR_NOT_PRESENT] = "not-present",
	[FR_NO_IO_PRIVILEGE] = "no-io-privilege",
	[FR_LOCKDOWN] = "lockdown",
	[FR_IO_ERROR] = "io-error",
	[FR_NOT_APPLICABLE] = "not-applicable",
};

static const char *const source_names[SRC_COUNT] = {
	[SRC_NONE] = "none",
	[SRC_CPUID] = "cpuid",
	[SRC_MSR] = "msr",
	[SRC_CPUINFO] = "cpuinfo",
	[SRC_LSCPU] = "lscpu",
	[SRC_DMI] = "dmi",
	[SRC_PCI] = "pci",
	[SRC_EFI] = "efi",
	[SRC_BACKDOOR] = "backdoor",
	[SRC_DERIVED] = "derived",
	[SRC_VIRTWHAT] = "virt-what",
	[SRC_SYSFS] = "sysfs",
	[SRC_PROCFS] = "procfs",
	[SRC_SDV] = "systemd-detect-virt",
};

void facts_init(struct facts *f)
{
	memset(f, 0, sizeof(*f));
}

void fact_set(struct facts *f, enum num_fact id, uint64_t v, enum fact_source src)
{
	f->n[id].state = FS_PROBED;
	f->n[id].reason = FR_NONE;
	f->n[id].src = (uint8_t)src;
	f->n[id].v = v;
}

void fact_unavail(struct facts *f, enum num_fact id, enum fact_reason why, enum fact_source src)
{
	f->n[id].state = FS_UNAVAILABLE;
	f->n[id].reason = (uint8_t)why;
	f->n[id].src = (uint8_t)src;
	f->n[id].v = 0;
}

void fact_set_str(struct facts *f, enum str_fact id, const char *s, enum fact_source src)
{
	f->s[id].state = FS_PROBED;
	f->s[id].reason = FR_NONE;
	f->s[id].src = (uint8_t)src;
	snprintf(f->s[id].s, sizeof(f->s[id].s), "%s", s);
}

void fact_unavail_str(struct facts *f, enum str_fact id, enum fact_reason why, enum fact_source src)
{
	f->s[id].state = FS_UNAVAILABLE;
	f->s[id].reason = (uint8_t)why;
	f->s[id].src = (uint8_t)src;
	f->s[id].s[0] = '\0';
}

const char *num_fact_name(enum num_fact id)
{
	return num_names[id];
}

enum fact_kind num_fact_kind(enum num_fact id)
{
	if (id == N_CPUID_1_ECX || id == N_SVM_EDX || id == N_CPUID_HV_MAX_LEAF ||
	    id == N_MSR_FEATURE_CONTROL || id == N_MSR_VM_CR || id == N_MSR_EFER ||
	    (id >= N_MSR_VMX_FIRST && id <= N_MSR_VMX_LAST) ||
	    id == N_BD_NESTING || id == N_XEN_FEATURES)
		return FK_HEX;
	if (id == N_SVM_REVISION || id == N_SVM_NASID || (id >= N_PCI_DEVICES && id <= N_PCI_XEN) ||
	    id == N_BD_VERSION || id == N_BD_TYPE || id == N_BD_HWVERSION || id == N_BD_BUILDNUM)
		return FK_DEC;
	return FK_BOOL;
}

const char *str_fact_name(enum str_fact id)
{
	return str_names[id];
}

const char *fact_reason_name(enum fact_reason r)
{
	return (unsigned)r < FR_COUNT ? reason_names[r] : "?";
}

const char *fact_source_name(enum fact_source s)
{
	return (unsigned)s < SRC_COUNT ? source_names[s] : "?";
}

int fact_reason_parse(const char *s, enum fact_reason *out)
{
	for (int i = 0; i < FR_COUNT; i++)
		if (strcmp(s, reason_names[i]) == 0) {
			*out = (enum fact_reason)i;
			return 0;
		}
	return -1;
}

int fact_source_parse(const char *s, enum fact_source *out)
{
	for (int i = 0; i < SRC_COUNT; i++)
		if (strcmp(s, source_names[i]) == 0) {
			*out = (enum fact_source)i;
			return 0;
		}
	return -1;
}

int num_fact_lookup(const char *name, enum num_fact *out)
{
	for (int i = 0; i < N_COUNT; i++)
		if (strcmp(name, num_names[i]) == 0) {
			*out = (enum num_fact)i;
			return 0;
		}
	return -1;
}

int str_fact_lookup(const char *name, enum str_fact *out)
{
	for (int i = 0; i < S_COUNT; i++)
		if (strcmp(name, str_names[i]) == 0) {
			*out = (enum str_fact)i;
			return 0;
		}
	return -1;
}

int flag_in_list(const char *list, const char *flag)
{
	size_t n = strlen(flag);
	const char *p = list;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *w = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if ((size_t)(p - w) == n && memcmp(w, flag, n) == 0)
			return 1;
	}
	return 0;
}
