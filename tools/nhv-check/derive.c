/*
 * derive.c - turn raw facts (CPUID registers, MSR values, /proc/cpuinfo
 * flag lists) into capabilities (hw.*).  Pure: no I/O.
 *
 * A derived fact is set only when the raw facts it comes from are known,
 * so a hand-written capture that gives hw.* keys directly keeps them.
 * MSRs win over /proc/cpuinfo, which wins over lscpu's summary lines.
 *
 * Bit positions: Intel SDM vol. 3, appendix A (A.3.1 pin-based controls,
 * A.3.2 primary and A.3.3 secondary processor-based controls, A.10
 * VPID and EPT capabilities); AMD APM vol. 2 and CPUID spec #25481 for
 * CPUID 0x8000000A:EDX and VM_CR.
 */
#include "tools/nhv-check/derive.h"

#include <string.h>

#define BIT(n) (1ULL << (n))

static void set_if(struct facts *f, enum num_fact id, uint64_t cond, enum fact_source src)
{
	fact_set(f, id, cond ? 1 : 0, src);
}

static void derive_flags(struct facts *f)
{
	const char *fl = f->s[S_CPUINFO_FLAGS].s;
	enum fact_source src = f->s[S_CPUINFO_FLAGS].src;

	if (str_known(f, S_CPUINFO_FLAGS)) {
		set_if(f, N_CPUINFO_VMX, flag_in_list(fl, "vmx"), src);
		set_if(f, N_CPUINFO_SVM, flag_in_list(fl, "svm"), src);
		set_if(f, N_CPUINFO_HV_BIT, flag_in_list(fl, "hypervisor"), src);
		return;
	}
	/* lscpu prints "Virtualization:" only when the flags show vmx or svm. */
	if (str_known(f, S_LSCPU_VIRTUALIZATION)) {
		const char *v = f->s[S_LSCPU_VIRTUALIZATION].s;
		set_if(f, N_CPUINFO_VMX, strcmp(v, "VT-x") == 0, SRC_LSCPU);
		set_if(f, N_CPUINFO_SVM, strcmp(v, "AMD-V") == 0, SRC_LSCPU);
	}
}

static void copy_or(struct facts *f, enum num_fact dst, enum num_fact primary, enum num_fact fallback)
{
	if (fact_known(f, primary))
		fact_set(f, dst, f->n[primary].v != 0, f->n[primary].src);
	else if (fact_known(f, fallback))
		fact_set(f, dst, f->n[fallback].v != 0, f->n[fallback].src);
}

static void derive_intel_msr(struct facts *f)
{
	enum num_fact fc = N_MSR_FEATURE_CONTROL;
	enum num_fact proc = msr_vmx_fact(MSR_VMX_PROCBASED);
	enum num_fact proc2 = msr_vmx_fact(MSR_VMX_PROCBASED2);
	enum num_fact pin = msr_vmx_fact(MSR_VMX_PINBASED);
	enum num_fact eptcap = msr_vmx_fact(MSR_VMX_EPT_VPID_CAP);

	/* IA32_FEATURE_CONTROL: bit 0 lock, bit 2 VMXON outside SMX. */
	if (fact_known(f, fc)) {
		uint64_t v = f->n[fc].v;
		set_if(f, N_VMX_LOCKED_OFF, (v & BIT(0)) && !(v & BIT(2)), SRC_MSR);
	}
	if (fact_known(f, pin))
		set_if(f, N_POSTED_INTR, (f->n[pin].v & BIT(32 + 7)) != 0, SRC_MSR);
	if (!fact_known(f, proc))
		return;
	if (!(f->n[proc].v & BIT(63))) {
		/* No secondary controls: no EPT, VPID, unrestricted guest, ... */
		set_if(f, N_EPT, 0, SRC_MSR);
		set_if(f, N_VPID, 0, SRC_MSR);
		set_if(f, N_UNRESTRICTED_GUEST, 0, SRC_MSR);
		set_if(f, N_VMCS_SHADOWING, 0, SRC_MSR);
		set_if(f, N_APIC_VIRT, 0, SRC_MSR);
	} else if (fact_known(f, proc2)) {
		uint64_t a1 = f->n[proc2].v >> 32; /* allowed-1 settings */
		set_if(f, N_EPT, a1 & BIT(1), SRC_MSR);
		set_if(f, N_VPID, a1 & BIT(5), SRC_MSR);
		set_if(f, N_UNRESTRICTED_GUEST, a1 & BIT(7), SRC_MSR);
		set_if(f, N_APIC_VIRT, (a1 & BIT(8)) && (a1 & BIT(9)), SRC_MSR);
		set_if(f, N_VMCS_SHADOWING, a1 & BIT(14), SRC_MSR);
	}
	if (fact_no(f, N_EPT)) {
		set_if(f, N_EPT_AD, 0, SRC_MSR);
		set_if(f, N_EPT_2M, 0, SRC_MSR);
		set_if(f, N_EPT_1G, 0, SRC_MSR);
	} else if (fact_yes(f, N_EPT) && fact_known(f, eptcap)) {
		uint64_t c = f->n[eptcap].v;
		set_if(f, N_EPT_AD, c & BIT(21), SRC_MSR);
		set_if(f, N_EPT_2M, c & BIT(16), SRC_MSR);
		set_if(f, N_EPT_1G, c & BIT(17), SRC_MSR);
	}
}

/* Capabilities from /proc/cpuinfo: `flags` carries ept, vpid, ept_ad;
 * the `vmx flags` line (Linux >= 5.6) carries the rest. */
static void derive_intel_cpuinfo(struct facts *f)
{
	const char *fl = str_get(f, S_CPUINFO_FLAGS);
	const char *vf = str_get(f, S_CPUINFO_VMX_FLAGS);
	int have_vf = str_known(f, S_CPUINFO_VMX_FLAGS);
	enum fact_source src = f->s[S_CPUINFO_FLAGS].src;

	if (!str_known(f, S_CPUINFO_FLAGS) || !fact_yes(f, N_CPUINFO_VMX))
		return;
#define FROM(id, name)                                                            \
	do {                                                                      \
		if (!fact_known(f, id))                                           \
			set_if(f, id, flag_in_list(fl, name) || flag_in_list(vf, name), src); \
	} while (0)
#define FROM_VF(id, cond)                                                         \
	do {                                                                      \
		if (!fact_known(f, id) && have_vf)                                \
			set_if(f, id, cond, src);                                 \
	} while (0)
	FROM(N_EPT, "ept");
	FROM(N_VPID, "vpid");
	FROM(N_EPT_AD, "ept_ad");
	FROM_VF(N_UNRESTRICTED_GUEST, flag_in_list(vf, "unrestricted_guest"));
	FROM_VF(N_VMCS_SHADOWING, flag_in_list(vf, "shadow_vmcs"));
	FROM_VF(N_APIC_VIRT, flag_in_list(vf, "vapic_reg") && flag_in_list(vf, "vid"));
	FROM_VF(N_POSTED_INTR, flag_in_list(vf, "posted_intr"));
	FROM_VF(N_EPT_1G, flag_in_list(vf, "ept_1gb"));
#undef FROM
#undef FROM_VF
}

static void derive_amd(struct facts *f)
{
	if (fact_known(f, N_MSR_VM_CR))
		set_if(f, N_SVM_DISABLED, f->n[N_MSR_VM_CR].v & BIT(4), SRC_MSR);
	if (fact_known(f, N_SVM_EDX)) {
		uint64_t d = f->n[N_SVM_EDX].v;
		set_if(f, N_NPT, d & BIT(0), SRC_CPUID);
		set_if(f, N_NRIP_SAVE, d & BIT(3), SRC_CPUID);
		set_if(f, N_FLUSH_BY_ASID, d & BIT(6), SRC_CPUID);
		set_if(f, N_DECODE_ASSISTS, d & BIT(7), SRC_CPUID);
		set_if(f, N_AVIC, d & BIT(13), SRC_CPUID);
	} else if (str_known(f, S_CPUINFO_FLAGS) && fact_yes(f, N_CPUINFO_SVM)) {
		const char *fl = f->s[S_CPUINFO_FLAGS].s;
		enum fact_source src = f->s[S_CPUINFO_FLAGS].src;
		set_if(f, N_NPT, flag_in_list(fl, "npt"), src);
		set_if(f, N_NRIP_SAVE, flag_in_list(fl, "nrip_save"), src);
		set_if(f, N_FLUSH_BY_ASID, flag_in_list(fl, "flushbyasid"), src);
		set_if(f, N_DECODE_ASSISTS, flag_in_list(fl, "decodeassists"), src);
		set_if(f, N_AVIC, flag_in_list(fl, "avic"), src);
	}
}

static void clear_family(struct facts *f, const enum num_fact *ids, int n)
{
	for (int i = 0; i < n; i++)
		if (!fact_known(f, ids[i]))
			fact_set(f, ids[i], 0, SRC_DERIVED);
}

void facts_derive(struct facts *f)
{
	static const enum num_fact intel[] = {
		N_EPT, N_VPID, N_UNRESTRICTED_GUEST, N_VMCS_SHADOWING, N_APIC_VIRT,
		N_POSTED_INTR, N_EPT_AD, N_EPT_2M, N_EPT_1G,
	};
	static const enum num_fact amd[] = {
		N_NPT, N_NRIP_SAVE, N_FLUSH_BY_ASID, N_DECODE_ASSISTS, N_AVIC,
	};

	derive_flags(f);
	copy_or(f, N_HW_VMX, N_CPUID_VMX, N_CPUINFO_VMX);
	copy_or(f, N_HW_SVM, N_CPUID_SVM, N_CPUINFO_SVM);
	copy_or(f, N_HV_BIT, N_CPUID_HV_BIT, N_CPUINFO_HV_BIT);

	/* Linux >= 5.6 clears the vmx flag when firmware left VMX off. */
	if (fact_known(f, N_CPUID_VMX) && fact_known(f, N_CPUINFO_VMX) &&
	    f->s[S_CPUINFO_FLAGS].src == SRC_CPUINFO)
		set_if(f, N_VMX_HIDDEN_BY_KERNEL,
		       fact_yes(f, N_CPUID_VMX) && fact_no(f, N_CPUINFO_VMX), SRC_DERIVED);

	derive_intel_msr(f);
	derive_intel_cpuinfo(f);
	derive_amd(f);

	/* Without VMX (or SVM) its features are simply absent. */
	if (fact_no(f, N_HW_VMX))
		clear_family(f, intel, (int)(sizeof(intel) / sizeof(intel[0])));
	if (fact_no(f, N_HW_SVM))
		clear_family(f, amd, (int)(sizeof(amd) / sizeof(amd[0])));
}
