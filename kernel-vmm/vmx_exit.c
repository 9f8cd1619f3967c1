// SPDX-License-Identifier: GPL-2.0
/*
 * vmx_exit.c - what a VM exit means: exit reason and qualification
 * decoded into a struct nhv_exit for exits.c, and the exits handled here
 * (MOV to CR0/CR3/CR4, the first debug-register access).  Section numbers
 * are Intel SDM vol. 3 (325384; 28 VM exit, appendix C exit reasons).
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/percpu.h>
#include <linux/idr.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/tlbflush.h>
#include <asm/fpu/xcr.h>
#include <asm/segment.h>
#include <asm/trapnr.h>
#include <asm/tsc.h>
#include "vmx.h"

/*
 * A MOV to CR@cr of @val that makes VM entry load PDPTEs (PAE paging
 * without long mode: paging on, PAE on, EFER.LME off) from a PDPT whose RAM
 * is not pinned yet: ask exits.c to pin it (NHV_X_PIN) and leave the
 * instruction to run again, since this path cannot sleep.
 */
static bool vmx_pdpt_unpinned(struct nhv_vcpu *v, int cr, u64 val, u64 cr0,
			      u64 cr4, u64 efer, struct nhv_exit *e)
{
	u64 cr3 = cr == 3 ? val : vmread(F_GUEST_CR3);
	struct nhv_slot *s;

	if (cr == 0)
		cr0 = val;
	else if (cr == 4)
		cr4 = val;
	if (!(cr0 & X86_CR0_PG) || !(cr4 & X86_CR4_PAE) || (efer & EFER_LME))
		return false;
	cr3 &= ~0x1fULL;
	s = nhv_find_slot(v->vm, cr3);
	if (!s || nhv_region_pinned(s, cr3))
		return false;
	e->kind = NHV_X_PIN;
	e->gpa = cr3;
	return true;
}

/* MOV to CR0/CR4 of a bit nhv owns (exit qualification, table 28-3). */
static void vmx_mov_to_cr(struct nhv_vcpu *v, u64 qual, struct nhv_exit *e)
{
	struct vmx_vcpu *x = to_vmx(v);
	int cr = qual & 15, gpr = (qual >> 8) & 15;
	u64 val = v->regs.gpr[gpr];
	u64 efer = vmread(F_GUEST_EFER);
	u64 cr0 = vmx_guest_cr0(x), cr4 = vmx_guest_cr4(x);

	e->kind = NHV_X_NONE;
	if (!((qual >> 4) & 3) && vmx_pdpt_unpinned(v, cr, val, cr0, cr4, efer, e))
		return;
	if (cr == 3 && ((qual >> 4) & 3) <= 1) {
		/* Only where the CPU forces CR3 exiting on (no TRUE controls). */
		if ((qual >> 4) & 3) {
			v->regs.gpr[gpr] = vmread(F_GUEST_CR3);
		} else {
			vmwrite(F_GUEST_CR3, val);
			vmx_load_pdptrs(v, cr0, val, cr4, efer);
		}
		v->regs.rip += vmread(F_EXIT_INSN_LEN);
		return;
	}
	if (((qual >> 4) & 3) != 0 || (cr != 0 && cr != 4)) {
		e->kind = NHV_X_UNHANDLED;
		return;
	}
	if (cr == 0) {
		if ((val >> 32) || ((val & X86_CR0_PG) && !(val & X86_CR0_PE)) ||
		    ((val & X86_CR0_NW) && !(val & X86_CR0_CD)) ||
		    ((val & X86_CR0_PG) && (efer & EFER_LME) &&
		     !(cr4 & X86_CR4_PAE))) {
			nhv_raise(v, X86_TRAP_GP, true, 0);
			return;
		}
		/* Long mode turns on and off with paging (SDM vol. 3 10.8.5). */
		if ((val & X86_CR0_PG) && (efer & EFER_LME))
			efer |= EFER_LMA;
		else
			efer &= ~EFER_LMA;
		vmx_set_efer_loaded(efer);
		x->cr0 = cr0 = val;
		vmwrite(F_CR0_SHADOW, val);
		vmwrite(F_GUEST_CR0, vmx_cr0_actual(val));
	} else {
		if ((val & X86_CR4_VMXE) || (val >> 32) ||
		    ((efer & EFER_LMA) && !(val & X86_CR4_PAE))) {
			nhv_raise(v, X86_TRAP_GP, true, 0);
			return;
		}
		x->cr4 = cr4 = val;
		vmwrite(F_CR4_SHADOW, val);
		vmwrite(F_GUEST_CR4, vmx_cr4_actual(val));
	}
	vmx_load_pdptrs(v, cr0, vmread(F_GUEST_CR3), cr4, efer);
	/* The new RIP ends any STI/MOV SS shadow at entry (vmx_run). */
	v->regs.rip += vmread(F_EXIT_INSN_LEN);
}

/*
 * The first guest access to a debug register (MOV-DR exiting, 26.1.3): from
 * now on DR0-3 and DR6 are switched at every entry; the access is executed
 * again without exiting.
 */
static void vmx_dr_exit(struct vmx_vcpu *x, struct nhv_exit *e)
{
	if (!vmx_lazy_dr || x->dr_active) {
		e->kind = NHV_X_UNHANDLED;
		return;
	}
	x->dr_active = true;
	x->proc &= ~PROC_MOV_DR;
	e->kind = NHV_X_NONE;
}

/* Exit qualification: table 28-1 (#DB), 28-3 (MOV CR), 28-5 (I/O), 28-7 (EPT). */
void vmx_decode_exit(struct nhv_vcpu *v, struct nhv_exit *e, u32 reason)
{
	struct vmx_vcpu *x = to_vmx(v);
	u64 qual;
	u32 intr;

	memset(e, 0, sizeof(*e));
	e->hw_code = reason;
	switch (reason & 0xffff) {
	case X_EXCEPTION_NMI:
		intr = vmread(F_EXIT_INTR);
		if (INTR_TYPE(intr) == INTR_TYPE_NMI) {
			/* A host NMI arrived in guest mode: give it to Linux. */
			asm volatile("int $2");
			e->kind = NHV_X_NONE;
			break;
		}
		e->kind = NHV_X_REINJECT;
		e->vector = intr & 0xff;
		e->has_error = intr & INTR_ERR_VALID;
		if (e->has_error)
			e->error = vmread(F_EXIT_INTR_ERR);
		if (e->vector == X86_TRAP_GP)
			e->kind = NHV_X_GP;	/* only while the backdoor wants it */
		if (e->vector == X86_TRAP_DB) {
			/*
			 * An intercepted #DB leaves DR6 alone (28.1): put its
			 * causes there as delivery would (B0-3 replaced, BD,
			 * BS, RTM active low).
			 */
			qual = vmread(F_EXIT_QUAL);
			x->dr6 = (x->dr6 & ~0xfULL) | BIT_ULL(16) |
				 (qual & (0xf | DR_STEP | BIT(13)));
			if (qual & BIT(16))
				x->dr6 &= ~BIT_ULL(16);
		}
		break;
	case X_EXT_INTR:
	case X_PREEMPT_TIMER:
		e->kind = NHV_X_NONE;
		break;
	case X_TRIPLE_FAULT:
		e->kind = NHV_X_SHUTDOWN;
		break;
	case X_INTR_WINDOW:
		e->kind = NHV_X_IRQ_WINDOW;
		break;
	case X_NMI_WINDOW:
		e->kind = NHV_X_IRET;
		break;
	case X_CPUID:
		e->kind = NHV_X_CPUID;
		break;
	case X_HLT:
		e->kind = NHV_X_HLT;
		break;
	case X_INVD:
	case X_WBINVD:
		e->kind = NHV_X_SKIP;
		break;
	case X_CR:
		vmx_mov_to_cr(v, vmread(F_EXIT_QUAL), e);
		return;
	case X_DR:
		vmx_dr_exit(x, e);
		return;
	case X_IO:
		qual = vmread(F_EXIT_QUAL);
		e->kind = NHV_X_IO;
		e->io_size = (qual & 7) + 1;
		e->io_in = qual & BIT(3);
		e->io_string = qual & (BIT(4) | BIT(5));
		e->port = qual >> 16;
		break;
	case X_RDMSR:
		e->kind = NHV_X_RDMSR;
		break;
	case X_RDPMC:
		e->kind = NHV_X_RDPMC;
		break;
	case X_VMCALL:
		e->kind = NHV_X_HYPERCALL;
		break;
	case X_WRMSR:
		e->kind = NHV_X_WRMSR;
		break;
	case X_XSETBV:
		e->kind = NHV_X_XSETBV;
		break;
	case X_EPT_VIOLATION:
		e->info1 = vmread(F_EXIT_QUAL);
		e->kind = NHV_X_NPF;
		e->gpa = vmread(F_GUEST_PHYS);
		e->npf_write = e->info1 & BIT(1);
		return;
	case X_MWAIT:
	case X_MONITOR:
	case X_INVEPT:
	case X_INVVPID:
		e->kind = NHV_X_UD;
		return;
	default:
		if ((reason & 0xffff) >= X_VMCALL && (reason & 0xffff) <= X_VMXON) {
			e->kind = NHV_X_UD;
		} else {
			e->kind = NHV_X_UNHANDLED;
			e->info1 = vmread(F_EXIT_QUAL);
		}
		return;
	}
	if (e->kind != NHV_X_NONE && e->kind != NHV_X_REINJECT &&
	    e->kind != NHV_X_GP && e->kind != NHV_X_SHUTDOWN && e->kind != NHV_X_IRQ_WINDOW &&
	    e->kind != NHV_X_IRET)
		e->next_rip = v->regs.rip + vmread(F_EXIT_INSN_LEN);
}
