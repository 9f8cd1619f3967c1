/*
 * facts.h - everything nhv-check knows about the machine it runs on.
 *
 * Probes fill one `struct facts`; capture.c writes it out and replay.c
 * reads it back (or builds it from a pasted /proc/cpuinfo or lscpu
 * output).  derive.c, hypervisor.c, verdict.c, remedy.c and the outputs
 * are pure functions of it: that is what makes a replay exact.
 *
 * Every fact carries a state: probed (with a value), unavailable (with
 * the reason: not root, no msr driver, not present, ...) or unknown
 * (nobody asked, or the replay input did not say).
 */
#ifndef NHV_CHECK_FACTS_H
#define NHV_CHECK_FACTS_H

#include <stdint.h>

enum fact_state {
	FS_UNKNOWN = 0,
	FS_PROBED,
	FS_UNAVAILABLE,
};

/* Why a fact is unavailable.  Names are stable: they appear in captures. */
enum fact_reason {
	FR_NONE = 0,
	FR_NOT_ROOT,        /* the probe needs root */
	FR_NO_MSR_DRIVER,   /* /dev/cpu/N/msr missing and the msr module did not load */
	FR_NOT_PRESENT,     /* the thing does not exist here (MSR #GP, no sysfs file, ...) */
	FR_NO_IO_PRIVILEGE, /* ioperm/iopl refused (no CAP_SYS_RAWIO, lockdown) */
	FR_LOCKDOWN,        /* kernel lockdown forbids the access */
	FR_IO_ERROR,        /* read failed for another reason */
	FR_NOT_APPLICABLE,  /* e.g. VMX MSRs on a CPU without VMX */
	FR_COUNT
};

/* Where a fact came from. */
enum fact_source {
	SRC_NONE = 0,
	SRC_CPUID,
	SRC_MSR,
	SRC_CPUINFO,
	SRC_LSCPU,
	SRC_DMI,
	SRC_PCI,
	SRC_EFI,
	SRC_BACKDOOR,
	SRC_DERIVED,
	SRC_VIRTWHAT,
	SRC_SYSFS,       /* /sys/hypervisor, /sys/firmware/dmi */
	SRC_PROCFS,      /* /proc/xen */
	SRC_SDV,         /* pasted systemd-detect-virt output */
	SRC_COUNT
};

/* Numeric and yes/no facts. */
enum num_fact {
	/* CPUID */
	N_CPUID_1_ECX,       /* raw CPUID.1:ECX */
	N_CPUID_HV_BIT,      /* CPUID.1:ECX[31] */
	N_CPUID_VMX,         /* CPUID.1:ECX[5] */
	N_CPUID_SVM,         /* CPUID.80000001:ECX[2] */
	N_CPUID_HV_MAX_LEAF, /* CPUID.40000000:EAX */
	N_SVM_REVISION,      /* CPUID.8000000A:EAX[7:0] */
	N_SVM_NASID,         /* CPUID.8000000A:EBX */
	N_SVM_EDX,           /* CPUID.8000000A:EDX feature bits */
	/* MSRs (raw) */
	N_MSR_FEATURE_CONTROL, /* 0x3A */
	N_MSR_VMX_FIRST,       /* 0x480 .. 0x491, one fact each */
	N_MSR_VMX_LAST = N_MSR_VMX_FIRST + 0x11,
	N_MSR_VM_CR,           /* 0xC0010114 */
	N_MSR_EFER,            /* 0xC0000080 */
	/* MSR probe context */
	N_MSR_CPUS_FC_DIFFER,  /* IA32_FEATURE_CONTROL differs between CPUs */
	/* derived from /proc/cpuinfo or lscpu flags */
	N_CPUINFO_VMX,
	N_CPUINFO_SVM,
	N_CPUINFO_HV_BIT,
	/* derived capabilities (derive.c) */
	N_HW_VMX,
	N_HW_SVM,
	N_HV_BIT,
	N_VMX_LOCKED_OFF,    /* firmware lock with VMX off */
	N_VMX_HIDDEN_BY_KERNEL,
	N_SVM_DISABLED,      /* VM_CR.SVMDIS */
	N_EPT,
	N_VPID,
	N_UNRESTRICTED_GUEST,
	N_VMCS_SHADOWING,
	N_APIC_VIRT,
	N_POSTED_INTR,
	N_EPT_AD,
	N_EPT_2M,
	N_EPT_1G,
	N_NPT,
	N_NRIP_SAVE,
	N_DECODE_ASSISTS,
	N_FLUSH_BY_ASID,
	N_AVIC,
	/* PCI */
	N_PCI_DEVICES,
	N_PCI_VMWARE,
	N_PCI_VMWARE_VMCI,
	N_PCI_VMWARE_SVGA,
	N_PCI_VIRTIO,
	N_PCI_HYPERV,
	N_PCI_VBOX,
	N_PCI_XEN,
	/* EFI */
	N_EFI_BOOT,
	N_SECURE_BOOT,
	N_SETUP_MODE,
	/* VMware backdoor */
	N_BD_PRESENT,
	N_BD_VERSION,
	N_BD_TYPE,
	N_BD_HWVERSION,
	N_BD_BUILDNUM,
	N_BD_NESTING,        /* EAX of NESTING_CONTROL QUERY */
	/* Xen and firmware hints (probe-hv.c; systemd virt.c, virt-what.in) */
	N_PROC_XEN,          /* /proc/xen exists */
	N_XEN_FEATURES,      /* /sys/hypervisor/properties/features (hex) */
	N_SMBIOS_VM_BIT,     /* SMBIOS BIOS characteristics ext. byte 2 bit 4 */
	/* process context */
	N_ROOT,
	N_COUNT
};

/* String facts. */
enum str_fact {
	S_CPU_VENDOR,
	S_CPU_MODEL,
	S_HV_SIG,        /* CPUID 0x40000000 EBX:ECX:EDX, escaped */
	S_HV_SIG2,       /* CPUID 0x40000100 (KVM/Xen behind Hyper-V enlightenments) */
	S_CPUINFO_FLAGS,
	S_CPUINFO_VMX_FLAGS,
	S_LSCPU_HV_VENDOR,
	S_LSCPU_VIRT_TYPE,
	S_LSCPU_VIRTUALIZATION,
	S_DMI_SYS_VENDOR,
	S_DMI_PRODUCT_NAME,
	S_DMI_PRODUCT_VERSION,
	S_DMI_PRODUCT_SERIAL,
	S_DMI_PRODUCT_UUID,
	S_DMI_BOARD_VENDOR,
	S_DMI_BIOS_VENDOR,
	S_DMI_BIOS_VERSION,
	S_PCI_NICS,
	S_PCI_VMWARE_DEVICES,
	S_LOCKDOWN,
	S_KERNEL,
	S_DMI_CHASSIS_VENDOR,
	S_SYS_HYPERVISOR_TYPE, /* /sys/hypervisor/type */
	S_XEN_CAPABILITIES,    /* /proc/xen/capabilities */
	S_PASTE_SDV,           /* a pasted systemd-detect-virt answer */
	S_PASTE_VIRTWHAT,      /* pasted virt-what facts, space-separated */
	S_COUNT
};

#define FACT_STR_MAX 4096

struct num_fact_v {
	uint8_t state;  /* enum fact_state */
	uint8_t reason; /* enum fact_reason */
	uint8_t src;    /* enum fact_source */
	uint64_t v;
};

struct str_fact_v {
	uint8_t state;
	uint8_t reason;
	uint8_t src;
	char s[FACT_STR_MAX];
};

/* How the facts were obtained: live probes, a capture, or pasted text. */
enum facts_origin {
	ORIGIN_LIVE = 0,
	ORIGIN_CAPTURE,
	ORIGIN_CPUINFO,
	ORIGIN_LSCPU,
	ORIGIN_PASTE,   /* other pasted text: dmidecode, tool output, /sys files */
};

/* What a paste held (replay.c sets it; the pasted-input note names it). */
enum paste_part {
	PP_CPUINFO = 1 << 0,
	PP_LSCPU = 1 << 1,
	PP_LSCPU_JSON = 1 << 2,
	PP_DMI_BIOS = 1 << 3,     /* dmidecode type 0 */
	PP_DMI_SYSTEM = 1 << 4,   /* type 1 */
	PP_DMI_BOARD = 1 << 5,    /* type 2 */
	PP_DMI_CHASSIS = 1 << 6,  /* type 3 */
	PP_DMI_OTHER = 1 << 7,    /* any other type, OEM types included */
	PP_CPUID_HELPER = 1 << 8, /* virt-what-cpuid-helper */
	PP_SDV = 1 << 9,          /* systemd-detect-virt */
	PP_VIRTWHAT = 1 << 10,    /* virt-what */
	PP_SYSFS = 1 << 11,       /* /sys/class/dmi/id, /sys/hypervisor, /proc/xen */
	PP_COUNT_BITS = 12
};

struct facts {
	enum facts_origin origin;
	unsigned paste_parts; /* enum paste_part bits */
	int paste_cpus;       /* processors seen in a pasted /proc/cpuinfo */
	struct num_fact_v n[N_COUNT];
	struct str_fact_v s[S_COUNT];
};

/* MSR numbers. */
#define MSR_IA32_FEATURE_CONTROL 0x3aU
#define MSR_VMX_BASE             0x480U
#define MSR_VMX_PINBASED         0x481U
#define MSR_VMX_PROCBASED        0x482U
#define MSR_VMX_PROCBASED2       0x48bU
#define MSR_VMX_EPT_VPID_CAP     0x48cU
#define MSR_VMX_LAST             0x491U
#define MSR_VM_CR                0xc0010114U
#define MSR_EFER                 0xc0000080U

static inline enum num_fact msr_vmx_fact(unsigned msr)
{
	return (enum num_fact)(N_MSR_VMX_FIRST + (msr - MSR_VMX_BASE));
}

void facts_init(struct facts *f);

void fact_set(struct facts *f, enum num_fact id, uint64_t v, enum fact_source src);
void fact_unavail(struct facts *f, enum num_fact id, enum fact_reason why, enum fact_source src);
void fact_set_str(struct facts *f, enum str_fact id, const char *s, enum fact_source src);
void fact_unavail_str(struct facts *f, enum str_fact id, enum fact_reason why, enum fact_source src);

static inline int fact_known(const struct facts *f, enum num_fact id)
{
	return f->n[id].state == FS_PROBED;
}

static inline int fact_yes(const struct facts *f, enum num_fact id)
{
	return f->n[id].state == FS_PROBED && f->n[id].v != 0;
}

static inline int fact_no(const struct facts *f, enum num_fact id)
{
	return f->n[id].state == FS_PROBED && f->n[id].v == 0;
}

static inline int str_known(const struct facts *f, enum str_fact id)
{
	return f->s[id].state == FS_PROBED;
}

/* The string, or "" when it is not known. */
static inline const char *str_get(const struct facts *f, enum str_fact id)
{
	return f->s[id].state == FS_PROBED ? f->s[id].s : "";
}

/* Value kinds, for capture/replay and JSON. */
enum fact_kind { FK_BOOL, FK_HEX, FK_DEC };

const char *num_fact_name(enum num_fact id);
enum fact_kind num_fact_kind(enum num_fact id);
const char *str_fact_name(enum str_fact id);
const char *fact_reason_name(enum fact_reason r);
const char *fact_source_name(enum fact_source s);
int fact_reason_parse(const char *s, enum fact_reason *out);
int fact_source_parse(const char *s, enum fact_source *out);
int num_fact_lookup(const char *name, enum num_fact *out);
int str_fact_lookup(const char *name, enum str_fact *out);

/* Whole-word search in a space-separated flag list. */
int flag_in_list(const char *list, const char *flag);

#endif
