// SPDX-License-Identifier: GPL-2.0
/*
 * vmx_vmcs.c - VMCS set-up at vCPU creation and guest-state access
 * between runs (registers, MSRs, pending events).  Section numbers are
 * Intel SDM vol. 3 (325384); see vmx.h for when a VMCS is current.
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
 * Guest-state access from the core.  In NHV_RUN the vCPU is loaded on this
 * CPU and the VMCS is used as it is (loading it again would VMCLEAR it under
 * the run); between runs it is loaded just for the access.
 */
static bool vmcs_get(struct nhv_vcpu *v)
{
	preempt_disable();
	if (this_cpu_read(vmx_cpus.loaded) == to_vmx(v))
		return false;
	vmptrld(to_vmx(v)->vmcs_pa);
	return true;
}

static void vmcs_put(struct nhv_vcpu *v, bool borrowed)
{
	struct vmx_vcpu *loaded = this_cpu_read(vmx_cpus.loaded);

	if (borrowed) {
		vmclear(to_vmx(v)->vmcs_pa);
		/* Cannot happen (it would be another thread's), but be exact. */
		if (loaded)
			vmptrld(loaded->vmcs_pa);
	}
	preempt_enable();
}

/* 25.4.1 access rights: the ABI's VMCB layout with G/DB/L/AVL moved up 4 bits. */
static u32 ar_from_attrib(u16 attrib, bool may_be_unusable)
{
	u32 ar = (attrib & 0xff) | ((u32)(attrib & 0xf00) << 4);

	if (may_be_unusable && !(attrib & BIT(7)))
		ar |= BIT(16);		/* unusable */
	return ar;
}

static u16 attrib_from_ar(u32 ar)
{
	if (ar & BIT(16))
		return 0;
	return (ar & 0xff) | ((ar >> 4) & 0xf00);
}

static void seg_write(int seg, const struct nhv_segment *s)
{
	vmwrite(F_GUEST_ES_SEL + 2 * seg, s->selector);
	vmwrite(F_GUEST_ES_BASE + 2 * seg, s->base);
	vmwrite(F_GUEST_ES_LIMIT + 2 * seg, s->limit);
	vmwrite(F_GUEST_ES_AR + 2 * seg,
		ar_from_attrib(s->attrib, seg != SEG_CS && seg != SEG_TR));
}

static void seg_read(int seg, struct nhv_segment *s)
{
	s->selector = vmread(F_GUEST_ES_SEL + 2 * seg);
	s->base = vmread(F_GUEST_ES_BASE + 2 * seg);
	s->limit = vmread(F_GUEST_ES_LIMIT + 2 * seg);
	s->attrib = attrib_from_ar(vmread(F_GUEST_ES_AR + 2 * seg));
}

/*
 * CR0 and CR4 as the CPU must hold them (24.8, A.7, A.8): the fixed bits
 * set, except PE and PG with unrestricted guest.  The guest sees its own
 * values through the read shadows; the bits nhv owns exit on writes.
 */
u64 vmx_cr0_actual(u64 cr0)
{
	u64 fixed0 = vmx_cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG);

	return (cr0 | fixed0) & (vmx_cr0_fixed1 | X86_CR0_PE | X86_CR0_PG);
}

u64 vmx_cr4_actual(u64 cr4)
{
	return (cr4 | vmx_cr4_fixed0) & vmx_cr4_fixed1;
}

static u64 cr0_owned(void)
{
	return (vmx_cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG)) | X86_CR0_PG |
	       X86_CR0_CD | X86_CR0_NW;
}

static u64 cr4_owned(void)
{
	return vmx_cr4_fixed0 | X86_CR4_VMXE;
}

/*
 * The CR0/CR4 the guest sees (25.6.6): the bits nhv owns from the read
 * shadow (x->cr0, x->cr4), the others from the register itself, which
 * the guest changes without an exit (CR4.OSXSAVE, CR4.PAE, CR0.TS, ...).
 * The VMCS must be current.
 */
u64 vmx_guest_cr0(struct vmx_vcpu *x)
{
	return (vmread(F_GUEST_CR0) & ~cr0_owned()) | (x->cr0 & cr0_owned());
}

u64 vmx_guest_cr4(struct vmx_vcpu *x)
{
	return (vmread(F_GUEST_CR4) & ~cr4_owned()) | (x->cr4 & cr4_owned());
}

/*
 * PAE paging without long mode: VM entry loads PDPTEs from the VMCS
 * (27.3.2.4).  Runs with preemption off: the PDPT's RAM must already be
 * pinned (vmx_mov_to_cr and NHV_SET_SREGS see to it), else they read 0.
 */
void vmx_load_pdptrs(struct nhv_vcpu *v, u64 cr0, u64 cr3, u64 cr4, u64 efer)
{
	u64 pdpte[4] = { 0 };
	int i;

	if ((cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE) && !(efer & EFER_LMA))
		nhv_read_guest_phys_pinned(v->vm, cr3 & ~0x1fULL, pdpte,
					   sizeof(pdpte));
	for (i = 0; i < 4; i++)
		vmwrite(F_GUEST_PDPTR0 + 2 * i, pdpte[i]);
}

void vmx_set_efer_loaded(u64 efer)
{
	u64 entry = vmread(F_ENTRY_CTL);

	vmwrite(F_GUEST_EFER, efer);
	if (efer & EFER_LMA)
		entry |= ENTRY_IA32E;
	else
		entry &= ~ENTRY_IA32E;
	vmwrite(F_ENTRY_CTL, entry);
}

void vmx_set_sregs(struct nhv_vcpu *v, const struct nhv_sregs *s)
{
	struct vmx_vcpu *x = to_vmx(v);
	bool b = vmcs_get(v);

	seg_write(SEG_CS, &s->cs);
	seg_write(SEG_DS, &s->ds);
	seg_write(SEG_ES, &s->es);
	seg_write(SEG_FS, &s->fs);
	seg_write(SEG_GS, &s->gs);
	seg_write(SEG_SS, &s->ss);
	seg_write(SEG_TR, &s->tr);
	seg_write(SEG_LDTR, &s->ldtr);
	vmwrite(F_GUEST_GDTR_BASE, s->gdt.base);
	vmwrite(F_GUEST_GDTR_LIMIT, s->gdt.limit);
	vmwrite(F_GUEST_IDTR_BASE, s->idt.base);
	vmwrite(F_GUEST_IDTR_LIMIT, s->idt.limit);
	x->cr0 = s->cr0;
	x->cr4 = s->cr4;
	x->cr2 = s->cr2;
	vmwrite(F_CR0_SHADOW, s->cr0);
	vmwrite(F_GUEST_CR0, vmx_cr0_actual(s->cr0));
	vmwrite(F_CR4_SHADOW, s->cr4);
	vmwrite(F_GUEST_CR4, vmx_cr4_actual(s->cr4));
	vmwrite(F_GUEST_CR3, s->cr3);
	vmx_set_efer_loaded(s->efer);
	vmx_load_pdptrs(v, s->cr0, s->cr3, s->cr4, s->efer);
	vmcs_put(v, b);
}

void vmx_get_sregs(struct nhv_vcpu *v, struct nhv_sregs *s)
{
	struct vmx_vcpu *x = to_vmx(v);
	bool b = vmcs_get(v);

	seg_read(SEG_CS, &s->cs);
	seg_read(SEG_DS, &s->ds);
	seg_read(SEG_ES, &s->es);
	seg_read(SEG_FS, &s->fs);
	seg_read(SEG_GS, &s->gs);
	seg_read(SEG_SS, &s->ss);
	seg_read(SEG_TR, &s->tr);
	seg_read(SEG_LDTR, &s->ldtr);
	s->gdt.base = vmread(F_GUEST_GDTR_BASE);
	s->gdt.limit = vmread(F_GUEST_GDTR_LIMIT);
	s->idt.base = vmread(F_GUEST_IDTR_BASE);
	s->idt.limit = vmread(F_GUEST_IDTR_LIMIT);
	s->cr0 = vmx_guest_cr0(x);
	s->cr4 = vmx_guest_cr4(x);
	s->cr3 = vmread(F_GUEST_CR3);
	s->efer = vmread(F_GUEST_EFER);
	vmcs_put(v, b);
	s->cr2 = x->cr2;
}

u64 vmx_get_efer(struct nhv_vcpu *v)
{
	bool b = vmcs_get(v);
	u64 efer = vmread(F_GUEST_EFER);

	vmcs_put(v, b);
	return efer;
}

void vmx_set_efer(struct nhv_vcpu *v, u64 efer)
{
	bool b = vmcs_get(v);

	/* LMA follows CR0.PG and EFER.LME; a write does not change it. */
	efer = (efer & ~EFER_LMA) | (vmread(F_GUEST_EFER) & EFER_LMA);
	vmx_set_efer_loaded(efer);
	vmcs_put(v, b);
}

u64 vmx_get_pat(struct nhv_vcpu *v)
{
	bool b = vmcs_get(v);
	u64 pat = vmread(F_GUEST_PAT);

	vmcs_put(v, b);
	return pat;
}

void vmx_set_pat(struct nhv_vcpu *v, u64 pat)
{
	bool b = vmcs_get(v);

	vmwrite(F_GUEST_PAT, pat);
	vmcs_put(v, b);
}

u64 vmx_get_cr(struct nhv_vcpu *v, int cr)
{
	bool b = vmcs_get(v);
	u64 val;

	if (cr == 0)
		val = vmx_guest_cr0(to_vmx(v));
	else if (cr == 4)
		val = vmx_guest_cr4(to_vmx(v));
	else
		val = vmread(F_GUEST_CR3);
	vmcs_put(v, b);
	return val;
}

void vmx_get_cs(struct nhv_vcpu *v, struct nhv_segment *cs)
{
	bool b = vmcs_get(v);

	seg_read(SEG_CS, cs);
	vmcs_put(v, b);
}

static int vmx_msr_index(u32 msr)
{
	int i;

	for (i = 0; i < VMX_NR_MSRS; i++)
		if (vmx_msrs[i] == msr)
			return i;
	return -1;
}

/* While the vCPU is loaded on this CPU, the CPU holds the guest's values. */
int vmx_get_msr(struct nhv_vcpu *v, u32 msr, u64 *val)
{
	struct vmx_vcpu *x = to_vmx(v);
	int i = vmx_msr_index(msr);

	if (i < 0)
		return 1;
	preempt_disable();
	if (this_cpu_read(vmx_cpus.loaded) == x)
		rdmsrl(msr, x->msr[i]);
	*val = x->msr[i];
	preempt_enable();
	return 0;
}

int vmx_set_msr(struct nhv_vcpu *v, u32 msr, u64 val)
{
	struct vmx_vcpu *x = to_vmx(v);
	int i = vmx_msr_index(msr), r = 0;

	/* Addresses must be canonical and SFMASK's upper half zero (#GP). */
	if (i < 0 || (msr != MSR_STAR && msr != MSR_SYSCALL_MASK &&
		      (s64)(val << 16) >> 16 != (s64)val))
		return 1;
	if (msr == MSR_SYSCALL_MASK && (val >> 32))
		return 1;
	preempt_disable();
	if (this_cpu_read(vmx_cpus.loaded) == x)
		r = wrmsrl_safe(msr, val);
	if (!r)
		x->msr[i] = val;
	preempt_enable();
	return r ? 1 : 0;
}

bool vmx_interruptible(struct nhv_vcpu *v)
{
	struct vmx_vcpu *x = to_vmx(v);

	return (v->regs.rflags & X86_EFLAGS_IF) &&
	       !(x->interruptibility & (BLOCK_STI | BLOCK_MOV_SS)) &&
	       !(x->entry_intr & INTR_VALID);
}

bool vmx_nmi_allowed(struct nhv_vcpu *v)
{
	return !(to_vmx(v)->interruptibility &
		 (BLOCK_STI | BLOCK_MOV_SS | BLOCK_NMI));
}

bool vmx_event_queued(struct nhv_vcpu *v)
{
	return to_vmx(v)->entry_intr & INTR_VALID;
}

/* The event vmx_run queued again from the IDT-vectoring information. */
bool vmx_take_event(struct nhv_vcpu *v, struct nhv_event *ev)
{
	struct vmx_vcpu *x = to_vmx(v);

	if (!(x->entry_intr & INTR_VALID))
		return false;
	ev->valid = true;
	ev->vector = x->entry_intr & 0xff;
	ev->type = INTR_TYPE(x->entry_intr);
	ev->has_error = x->entry_intr & INTR_ERR_VALID;
	ev->error = x->entry_err;
	x->entry_intr = 0;
	return true;
}

/* CPL is SS.DPL (25.4.1; 0 in real mode with unrestricted guest). */
u8 vmx_get_cpl(struct nhv_vcpu *v)
{
	bool b = vmcs_get(v);
	u8 cpl = (vmread(F_GUEST_ES_AR + 2 * SEG_SS) >> 5) & 3;

	vmcs_put(v, b);
	return cpl;
}

/* 27.6: VM-entry interruption-information. */
void vmx_queue_event(struct nhv_vcpu *v, const struct nhv_event *ev)
{
	struct vmx_vcpu *x = to_vmx(v);
	bool b = vmcs_get(v);
	u64 cr0 = vmx_guest_cr0(x);

	vmcs_put(v, b);
	x->entry_intr = ev->vector | ((u32)ev->type << 8) | INTR_VALID;
	/* Real mode pushes no error code; VM entry insists (27.2.1.3). */
	if (ev->has_error && (cr0 & X86_CR0_PE)) {
		x->entry_intr |= INTR_ERR_VALID;
		x->entry_err = ev->error;
	}
	x->entry_insn_len = 0;
}

void vmx_irq_window(struct nhv_vcpu *v, bool enable)
{
	to_vmx(v)->irq_window = enable;
}

/* Virtual NMIs: the NMI-window exit comes once the guest has executed IRET. */
void vmx_iret_exit(struct nhv_vcpu *v, bool enable)
{
	to_vmx(v)->nmi_window = enable;
}

static void vmx_vmcs_init(struct nhv_vcpu *v)
{
	struct vmx_vcpu *x = to_vmx(v);
	struct nhv_segment s = { .base = 0, .limit = 0xffff, .attrib = 0x93 };
	u64 eptp;
	int seg;

	vmwrite(F_VMCS_LINK, ~0ULL);
	vmwrite(F_PIN_CTL, vmx_pin);
	vmwrite(F_PROC_CTL, x->proc);
	vmwrite(F_PROC_CTL2, x->vpid ? vmx_proc2 : vmx_proc2 & ~PROC2_VPID);
	if (x->vpid)
		vmwrite(F_VPID, x->vpid);
	vmwrite(F_EXIT_CTL, vmx_exit);
	vmwrite(F_ENTRY_CTL, vmx_entry);
	vmwrite(F_EXC_BITMAP, VMX_EXC_BITMAP);
	vmwrite(F_MSR_BITMAP, page_to_phys(vmx_msr_bitmap));
	/* 25.6.11: write-back, 4-level walk (length - 1 in bits 5:3). */
	eptp = __pa(v->vm->pt_root) | 6 | (3 << 3);
	vmwrite(F_EPT_POINTER, eptp);
	vmwrite(F_CR0_MASK, cr0_owned());
	vmwrite(F_CR4_MASK, cr4_owned());
	/* Host state: vmx_vcpu_load and vmx_enter_state fill in the rest. */
	vmwrite(F_HOST_RIP, (unsigned long)nhv_vmx_exit);
	vmwrite(F_HOST_CR3, 0);
	vmwrite(F_HOST_CR4, 0);
	vmwrite(F_HOST_FS_BASE, 0);

	for (seg = SEG_ES; seg <= SEG_GS; seg++) {
		s.attrib = seg == SEG_CS ? 0x9b : 0x93;
		s.selector = seg == SEG_CS ? 0xf000 : 0;
		s.base = seg == SEG_CS ? 0xffff0000 : 0;
		seg_write(seg, &s);
	}
	s.selector = 0;
	s.base = 0;
	s.attrib = 0x82;
	seg_write(SEG_LDTR, &s);
	s.attrib = 0x8b;
	seg_write(SEG_TR, &s);
	vmwrite(F_GUEST_GDTR_LIMIT, 0xffff);
	vmwrite(F_GUEST_IDTR_LIMIT, 0xffff);
	x->cr0 = X86_CR0_ET;
	x->cr4 = 0;
	vmwrite(F_CR0_SHADOW, x->cr0);
	vmwrite(F_GUEST_CR0, vmx_cr0_actual(x->cr0));
	vmwrite(F_CR4_SHADOW, 0);
	vmwrite(F_GUEST_CR4, vmx_cr4_actual(0));
	vmwrite(F_GUEST_CR3, 0);
	vmwrite(F_GUEST_DR7, 0x400);
	vmwrite(F_GUEST_DEBUGCTL, 0);
	vmwrite(F_GUEST_PAT, 0x0007040600070406ULL);
	vmwrite(F_GUEST_EFER, 0);
	vmwrite(F_GUEST_RSP, 0);
	vmwrite(F_GUEST_RIP, 0xfff0);
	vmwrite(F_GUEST_RFLAGS, X86_EFLAGS_FIXED);
	vmwrite(F_GUEST_ACTIVITY, 0);
	vmwrite(F_GUEST_INTERRUPTIBILITY, 0);
	vmwrite(F_ENTRY_INTR, 0);
	vmx_load_pdptrs(v, 0, 0, 0, 0);
	x->dr6 = DR6_RESERVED;
	/* What the fields written above hold, for vmx_enter_state. */
	x->vmcs_proc = x->proc;
	x->vmcs_exc = VMX_EXC_BITMAP;
	x->vmcs_rip = 0xfff0;
	x->vmcs_rflags = X86_EFLAGS_FIXED;
}

int vmx_vcpu_init(struct nhv_vcpu *v)
{
	struct vmx_vcpu *x = kzalloc(sizeof(*x), GFP_KERNEL_ACCOUNT);
	struct page *p;
	int vpid;

	if (!x)
		return -ENOMEM;
	p = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!p) {
		kfree(x);
		return -ENOMEM;
	}
	x->vmcs = page_address(p);
	x->vmcs_pa = page_to_phys(p);
	x->vmcs[0] = vmx_revision;	/* 25.2: revision identifier */
	x->cpu = x->last_cpu = x->host_cpu = -1;
	/* Without the lazy scheme DR accesses never exit: always switch. */
	x->dr_active = !vmx_lazy_dr;
	x->proc = vmx_proc;
	if (vmx_proc2 & PROC2_VPID) {
		/* None left: this vCPU runs untagged, flushed at each switch. */
		vpid = ida_alloc_range(&vmx_vpids, 1, VMX_MAX_VPID, GFP_KERNEL);
		if (vpid > 0)
			x->vpid = vpid;
	}
	v->backend = x;
	preempt_disable();
	vmclear(x->vmcs_pa);
	vmptrld(x->vmcs_pa);
	vmx_vmcs_init(v);
	vmclear(x->vmcs_pa);
	preempt_enable();
	return 0;
}

/* The VMCS was VMCLEARed by vcpu_put: it is active on no CPU. */
void vmx_vcpu_destroy(struct nhv_vcpu *v)
{
	struct vmx_vcpu *x = to_vmx(v);

	if (x->vpid)
		ida_free(&vmx_vpids, x->vpid);
	free_page((unsigned long)x->vmcs);
	kfree(x);
}
