// SPDX-License-Identifier: GPL-2.0
/*
 * cpuid.c - CPUID for the guest: the host's answer, made safe by nhv, then
 * shaped by the per-VM policy (and-mask, or-mask per leaf/subleaf/register).
 *
 * nhv always hides what it cannot give a guest: VMX and SVM (no nested
 * virtualization), MONITOR/MWAIT (intercepted as #UD), x2APIC (the
 * in-kernel APIC is an xAPIC; TSC-deadline is always offered) and the
 * host's hypervisor leaves 0x40000000-0x4fffffff, which start out all zero so a
 * policy can present its own signature there.  XSAVE and AVX are hidden too
 * when the host OS runs without XSAVE (no XCR0 to give the guest).
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>
#include "nhv_core.h"

int nhv_set_cpuid(struct nhv_vm *vm, const struct nhv_cpuid_policy __user *up)
{
	struct nhv_cpuid_policy p;
	struct nhv_cpuid_table *t, *old;
	u32 i;

	if (copy_from_user(&p, up, sizeof(p)))
		return -EFAULT;
	if (p.flags || p.nent > NHV_MAX_CPUID_ENTRIES)
		return -EINVAL;
	t = kzalloc(struct_size(t, e, p.nent), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	t->nent = p.nent;
	if (copy_from_user(t->e, u64_to_user_ptr(p.entries),
			   array_size(p.nent, sizeof(t->e[0])))) {
		kfree(t);
		return -EFAULT;
	}
	for (i = 0; i < t->nent; i++) {
		if (t->e[i].reg > NHV_CPUID_EDX ||
		    (t->e[i].flags & ~NHV_CPUID_ANY_SUBLEAF)) {
			kfree(t);
			return -EINVAL;
		}
	}
	mutex_lock(&vm->lock);
	old = rcu_replace_pointer(vm->cpuid, t, lockdep_is_held(&vm->lock));
	mutex_unlock(&vm->lock);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

static bool nhv_leaf_has_subleaves(u32 leaf)
{
	return leaf == 4 || leaf == 7 || leaf == 0xb || leaf == 0xd ||
	       leaf == 0xf || leaf == 0x10 || leaf == 0x12 || leaf == 0x14 ||
	       leaf == 0x17 || leaf == 0x18 || leaf == 0x1d || leaf == 0x1e ||
	       leaf == 0x1f || leaf == 0x20 || leaf == 0x8000001d ||
	       leaf == 0x80000020;
}

/*
 * CPUID.(EAX=0DH,ECX=0).EBX is the XSAVE area size for the XCR0 in effect
 * (SDM vol. 2A CPUID): the guest's, not the host's that is loaded when
 * nhv runs CPUID for it.  Standard format: the end of the highest
 * enabled component, at least the legacy area and header (576 bytes).
 */
static u32 nhv_xsave_size(u64 xcr0)
{
	u32 size = 576, eax, ebx, ecx, edx;
	int i;

	for (i = 2; i < 63; i++) {
		if (!(xcr0 & BIT_ULL(i)))
			continue;
		cpuid_count(0xd, i, &eax, &ebx, &ecx, &edx);
		size = max(size, eax + ebx);
	}
	return size;
}

void nhv_cpuid(struct nhv_vcpu *v, u32 leaf, u32 subleaf, u32 out[4])
{
	struct nhv_cpuid_table *t;
	u32 i;

	if (!nhv_leaf_has_subleaves(leaf))
		subleaf = 0;
	if (leaf >= 0x40000000 && leaf <= 0x4fffffff) {
		out[0] = out[1] = out[2] = out[3] = 0;
	} else {
		cpuid_count(leaf, subleaf, &out[0], &out[1], &out[2], &out[3]);
		switch (leaf) {
		case 1:
			/* EBX[31:24]: initial APIC ID is the vCPU id. */
			out[1] = (out[1] & 0x00ffffff) | (v->id << 24);
			out[2] &= ~(BIT(X86_FEATURE_VMX & 31) |
				    BIT(X86_FEATURE_MWAIT & 31) |
				    BIT(X86_FEATURE_OSXSAVE & 31));
			/*
			 * The in-kernel xAPIC has the TSC-deadline timer
			 * whatever the host has, and no x2APIC mode.
			 */
			out[2] &= ~BIT(X86_FEATURE_X2APIC & 31);
			out[2] |= BIT(X86_FEATURE_TSC_DEADLINE_TIMER & 31);
			out[3] |= BIT(X86_FEATURE_APIC & 31);
			/* OSXSAVE mirrors the guest's CR4 (SDM vol. 2A CPUID). */
			if (nhv_ops->get_cr(v, 4) & X86_CR4_OSXSAVE)
				out[2] |= BIT(X86_FEATURE_OSXSAVE & 31);
			/*
			 * A host OS without XSAVE (Linux under Bochs turns
			 * it off) leaves nhv no XCR0 to switch: every XSETBV
			 * but x87-only raises #GP, so offer neither XSAVE nor
			 * the AVX state that needs it (SDM vol. 1 13.2).
			 */
			if (!nhv_host_xcr0)
				out[2] &= ~(BIT(X86_FEATURE_XSAVE & 31) |
					    BIT(X86_FEATURE_OSXSAVE & 31) |
					    BIT(X86_FEATURE_AVX & 31) |
					    BIT(X86_FEATURE_FMA & 31) |
					    BIT(X86_FEATURE_F16C & 31));
			break;
		case 7:
			if (!nhv_host_xcr0 && subleaf == 0)
				out[1] &= ~(BIT(X86_FEATURE_AVX2 & 31) |
					    BIT(X86_FEATURE_AVX512F & 31));
			break;
		case 0xd:
			if (!nhv_host_xcr0)
				out[0] = out[1] = out[2] = out[3] = 0;
			break;
		case 0x80000001:
			out[2] &= ~BIT(X86_FEATURE_SVM & 31);
			break;
		case 0x8000000a:	/* SVM revision and features */
			out[0] = out[1] = out[2] = out[3] = 0;
			break;
		}
	}

	rcu_read_lock();
	t = rcu_dereference(v->vm->cpuid);
	for (i = 0; t && i < t->nent; i++) {
		const struct nhv_cpuid_entry *e = &t->e[i];

		if (e->leaf != leaf)
			continue;
		if (!(e->flags & NHV_CPUID_ANY_SUBLEAF) && e->subleaf != subleaf)
			continue;
		out[e->reg] = (out[e->reg] & e->and_mask) | e->or_mask;
	}
	rcu_read_unlock();
	if (leaf == 0xd && subleaf == 0 && nhv_host_xcr0)
		out[1] = nhv_xsave_size(v->xcr0);
}
