// SPDX-License-Identifier: GPL-2.0
/*
 * msr.c - the MSRs a guest may touch.  The segment-base and syscall MSRs
 * reach the guest without an exit (on VMX, writes of STAR/LSTAR/CSTAR/
 * SFMASK exit to the backend's set_msr); the ones below exit and are
 * answered here.  Everything else raises #GP in the guest
 * (nhv_rdmsr/nhv_wrmsr return nonzero).
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <asm/msr-index.h>
#include <asm/fpu/xcr.h>
#include <asm/fpu/types.h>
#include <asm/msr.h>
#include "nhv_core.h"

/* Each PAT entry must name a memory type: 0, 1, 4, 5, 6 or 7 (SDM 13.12.2). */
static bool pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 t = (pat >> (8 * i)) & 0xff;

		if (t > 7 || t == 2 || t == 3)
			return false;
	}
	return true;
}

int nhv_rdmsr(struct nhv_vcpu *v, u32 msr, u64 *val)
{
	switch (msr) {
	case MSR_EFER:
		*val = nhv_ops->get_efer(v);
		return 0;
	case MSR_IA32_CR_PAT:
		*val = nhv_ops->get_pat(v);
		return 0;
	case MSR_IA32_TSC:
		*val = rdtsc();
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*val = MSR_IA32_MISC_ENABLE_FAST_STRING;
		return 0;
	case MSR_IA32_APICBASE:
	case MSR_IA32_TSC_DEADLINE:
		return nhv_lapic_rdmsr(v, msr, val);
	case MSR_IA32_UCODE_REV:
	case MSR_IA32_MCG_STATUS:
	case MSR_IA32_MCG_CAP:
	case MSR_MTRRcap:	/* no variable or fixed ranges, no WC (SDM 12.11.1) */
	case MSR_K8_INT_PENDING_MSG:	/* AMD E400 C1E check: no C1E (BKDG fam 0Fh) */
		*val = 0;
		return 0;
	case MSR_MTRRdefType:
		*val = v->mtrr_def_type;
		return 0;
	default:
		return nhv_ops->get_msr ? nhv_ops->get_msr(v, msr, val) : 1;
	}
}

int nhv_wrmsr(struct nhv_vcpu *v, u32 msr, u64 val)
{
	switch (msr) {
	case MSR_EFER:
		/* SCE, LME, NXE, FFXSR; LMA is the CPU's to set (APM vol. 2 3.1.7). */
		if (val & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX | EFER_FFXSR))
			return 1;
		nhv_ops->set_efer(v, val);
		return 0;
	case MSR_IA32_CR_PAT:
		if (!pat_valid(val))
			return 1;
		nhv_ops->set_pat(v, val);
		return 0;
	case MSR_IA32_UCODE_REV:
	case MSR_IA32_MCG_STATUS:
		return 0;
	case MSR_MTRRdefType:
		/* Type in bits 7:0 (UC, WC, WT, WP, WB), FE bit 10, E bit 11 (SDM 12.11.2.1). */
		if ((val & ~0xcffULL) || (val & 0xff) > 6 || (val & 0xff) == 2 ||
		    (val & 0xff) == 3)
			return 1;
		v->mtrr_def_type = val;
		return 0;
	case MSR_IA32_APICBASE:
	case MSR_IA32_TSC_DEADLINE:
		return nhv_lapic_wrmsr(v, msr, val);
	default:
		return nhv_ops->set_msr ? nhv_ops->set_msr(v, msr, val) : 1;
	}
}

/*
 * XSETBV rules (SDM vol. 1 13.3): x87 always on; AVX needs SSE; the
 * AVX-512 trio together and only with AVX; nothing the host did not enable
 * or the guest FPU buffer cannot hold.
 */
bool nhv_xcr0_valid(struct nhv_vcpu *v, u64 xcr0)
{
	u64 allowed = nhv_host_xcr0 & v->fpu.xfeatures;

	if (!nhv_host_xcr0)
		return xcr0 == XFEATURE_MASK_FP;
	if (!(xcr0 & XFEATURE_MASK_FP) || (xcr0 & ~allowed))
		return false;
	if ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE))
		return false;
	if ((xcr0 & XFEATURE_MASK_AVX512) &&
	    ((xcr0 & XFEATURE_MASK_AVX512) != XFEATURE_MASK_AVX512 ||
	     !(xcr0 & XFEATURE_MASK_YMM)))
		return false;
	if (!!(xcr0 & XFEATURE_MASK_BNDREGS) != !!(xcr0 & XFEATURE_MASK_BNDCSR))
		return false;
	return true;
}
