// SPDX-License-Identifier: GPL-2.0
/*
 * vmx.c - the Intel VMX backend: VMXON, the VMCS, VMLAUNCH/VMRESUME, exit
 * decoding, EPT, VPIDs.  Section numbers are Intel SDM vol. 3 (325384;
 * 25 VMCS, 26 non-root operation, 27 VM entry, 28 VM exit, 29 EPT/VPID).
 *
 * A vCPU's VMCS is current on a CPU from vcpu_load to vcpu_put: while its
 * thread is in NHV_RUN and on that CPU.  vcpu_put VMCLEARs it, so no VMCS is
 * ever active on a CPU the thread has left: migration needs no IPI, and CPU
 * hotplug and suspend find nothing to clear.  The first entry after a load
 * is a VMLAUNCH, the next ones VMRESUME.  The syscall MSRs hold the guest's
 * values from load to put; each entry writes only the VMCS fields that
 * changed.  State the core asks for between runs is read by loading the
 * VMCS briefly (VMPTRLD, then VMCLEAR).
 */
#define pr_fmt(fmt) "nhv: " fmt

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
#include "nhv_core.h"

/* VMCS field encodings, appendix B. */
enum {
	F_VPID = 0x0000,
	F_GUEST_ES_SEL = 0x0800, F_HOST_ES_SEL = 0x0c00, F_HOST_CS_SEL = 0x0c02,
	F_HOST_SS_SEL = 0x0c04, F_HOST_DS_SEL = 0x0c06, F_HOST_FS_SEL = 0x0c08,
	F_HOST_GS_SEL = 0x0c0a, F_HOST_TR_SEL = 0x0c0c,
	F_MSR_BITMAP = 0x2004, F_EPT_POINTER = 0x201a,
	F_GUEST_PHYS = 0x2400, F_VMCS_LINK = 0x2800, F_GUEST_DEBUGCTL = 0x2802,
	F_GUEST_PAT = 0x2804, F_GUEST_EFER = 0x2806, F_GUEST_PDPTR0 = 0x280a,
	F_HOST_PAT = 0x2c00, F_HOST_EFER = 0x2c02,
	F_PIN_CTL = 0x4000, F_PROC_CTL = 0x4002, F_EXC_BITMAP = 0x4004,
	F_EXIT_CTL = 0x400c, F_ENTRY_CTL = 0x4012, F_ENTRY_INTR = 0x4016,
	F_ENTRY_ERR = 0x4018, F_ENTRY_INSN_LEN = 0x401a, F_PROC_CTL2 = 0x401e,
	F_INSN_ERROR = 0x4400, F_EXIT_REASON = 0x4402, F_EXIT_INTR = 0x4404,
	F_EXIT_INTR_ERR = 0x4406, F_IDT_VEC = 0x4408, F_IDT_VEC_ERR = 0x440a,
	F_EXIT_INSN_LEN = 0x440c,
	F_GUEST_ES_LIMIT = 0x4800, F_GUEST_GDTR_LIMIT = 0x4810,
	F_GUEST_IDTR_LIMIT = 0x4812, F_GUEST_ES_AR = 0x4814,
	F_GUEST_INTERRUPTIBILITY = 0x4824, F_GUEST_ACTIVITY = 0x4826,
	F_PREEMPT_TIMER = 0x482e,
	F_HOST_SYSENTER_CS = 0x4c00,
	F_CR0_MASK = 0x6000, F_CR4_MASK = 0x6002, F_CR0_SHADOW = 0x6004,
	F_CR4_SHADOW = 0x6006, F_EXIT_QUAL = 0x6400,
	F_GUEST_CR0 = 0x6800, F_GUEST_CR3 = 0x6802, F_GUEST_CR4 = 0x6804,
	F_GUEST_ES_BASE = 0x6806, F_GUEST_GDTR_BASE = 0x6816,
	F_GUEST_IDTR_BASE = 0x6818, F_GUEST_DR7 = 0x681a, F_GUEST_RSP = 0x681c,
	F_GUEST_RIP = 0x681e, F_GUEST_RFLAGS = 0x6820,
	F_HOST_CR0 = 0x6c00, F_HOST_CR3 = 0x6c02, F_HOST_CR4 = 0x6c04,
	F_HOST_FS_BASE = 0x6c06, F_HOST_GS_BASE = 0x6c08, F_HOST_TR_BASE = 0x6c0a,
	F_HOST_GDTR_BASE = 0x6c0c, F_HOST_IDTR_BASE = 0x6c0e,
	F_HOST_SYSENTER_ESP = 0x6c10, F_HOST_SYSENTER_EIP = 0x6c12,
	F_HOST_RIP = 0x6c16,
};

/*
 * Segment fields come in order ES, CS, SS, DS, FS, GS, LDTR, TR with a
 * stride of 2 in each group (B.1.2, B.3.3, B.4.3).
 */
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR };

/* Controls, 25.6. */
#define PIN_EXT_INTR		BIT(0)
#define PIN_NMI			BIT(3)
#define PIN_VIRTUAL_NMI		BIT(5)
#define PIN_PREEMPT_TIMER	BIT(6)
#define PROC_INTR_WINDOW	BIT(2)
#define PROC_HLT		BIT(7)
#define PROC_MWAIT		BIT(10)
#define PROC_NMI_WINDOW		BIT(22)
#define PROC_MOV_DR		BIT(23)
#define PROC_UNCOND_IO		BIT(24)
#define PROC_MSR_BITMAP		BIT(28)
#define PROC_MONITOR		BIT(29)
#define PROC_SECONDARY		BIT(31)
#define PROC2_EPT		BIT(1)
#define PROC2_RDTSCP		BIT(3)
#define PROC2_VPID		BIT(5)
#define PROC2_WBINVD		BIT(6)
#define PROC2_UNRESTRICTED	BIT(7)
#define PROC2_INVPCID		BIT(12)
#define EXIT_SAVE_DEBUG		BIT(2)
#define EXIT_HOST_64		BIT(9)
#define EXIT_SAVE_PAT		BIT(18)
#define EXIT_LOAD_PAT		BIT(19)
#define EXIT_SAVE_EFER		BIT(20)
#define EXIT_LOAD_EFER		BIT(21)
#define ENTRY_LOAD_DEBUG	BIT(2)
#define ENTRY_IA32E		BIT(9)
#define ENTRY_LOAD_PAT		BIT(14)
#define ENTRY_LOAD_EFER		BIT(15)

#define INTR_VALID		BIT(31)
#define INTR_ERR_VALID		BIT(11)
#define INTR_TYPE(x)		(((x) >> 8) & 7)
#define INTR_TYPE_NMI		2
#define INTR_TYPE_SOFT_INTR	4
#define INTR_TYPE_SOFT_EXC	6
#define BLOCK_STI		BIT(0)
#define BLOCK_MOV_SS		BIT(1)
#define BLOCK_NMI		BIT(3)

/* Basic exit reasons, appendix C. */
#define X_EXCEPTION_NMI		0
#define X_EXT_INTR		1
#define X_TRIPLE_FAULT		2
#define X_INTR_WINDOW		7
#define X_NMI_WINDOW		8
#define X_CPUID			10
#define X_HLT			12
#define X_INVD			13
#define X_VMCALL		18
#define X_VMXON			27
#define X_CR			28
#define X_DR			29
#define X_IO			30
#define X_RDMSR			31
#define X_WRMSR			32
#define X_MWAIT			36
#define X_MONITOR		39
#define X_EPT_VIOLATION		48
#define X_INVEPT		50
#define X_RDTSCP		51
#define X_INVVPID		53
#define X_WBINVD		54
#define X_XSETBV		55
#define X_PREEMPT_TIMER		52
#define X_ENTRY_FAILED		BIT(31)

/*
 * Guest MSRs the VMCS does not switch, in the CPU while the vCPU is loaded
 * (see vmx_vcpu_load).  The guest reads all of them and writes
 * KernelGSbase without an exit; writes of the others exit (vmx_set_msr).
 */
static const u32 vmx_msrs[] = {
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK, MSR_KERNEL_GS_BASE,
};
#define VMX_NR_MSRS	ARRAY_SIZE(vmx_msrs)
#define VMX_KGS		4		/* index of MSR_KERNEL_GS_BASE */

struct vmx_vcpu {
	u32 *vmcs;
	u64 vmcs_pa;
	u64 cr0, cr4;			/* the guest's view (read shadows) */
	u32 interruptibility;		/* as of the last exit */
	u32 entry_intr, entry_err;	/* event to inject at the next entry */
	u32 entry_insn_len;
	bool irq_window, nmi_window;
	bool dr_active;			/* guest DR0-3/DR6 switched at entries */
	u64 dr6, cr2;
	u32 proc;			/* PROC_CTL without the window bits */
	u16 vpid;			/* 0: none, entries and exits flush */
	/* Guest values; msr[VMX_KGS] is stale while loaded (no exit). */
	u64 msr[VMX_NR_MSRS];

	/* From vcpu_load to vcpu_put. */
	int cpu;			/* the VMCS is current here, or -1 */
	int last_cpu;			/* loaded there last (VPID flush) */
	bool launched;			/* next entry is a VMRESUME */
	bool exited;			/* host GDTR/IDTR/TR, segments to restore */
	u64 host_msr[VMX_NR_MSRS];
	u64 host_debugctl;
	struct desc_ptr host_gdt, host_idt;
	u16 host_ds, host_es, host_fs, host_gs;

	/* What the VMCS holds, so that unchanged fields are not rewritten. */
	int host_cpu;			/* whose per-CPU host state, or -1 */
	u64 host_cr3, host_cr4, host_fs_base, host_rsp;
	u64 vmcs_rip, vmcs_rsp, vmcs_rflags;
	u32 vmcs_interruptibility, vmcs_entry_intr, vmcs_proc;
};

struct vmx_cpu {
	struct page *vmxon;
	struct vmx_vcpu *loaded;	/* whose VMCS is current here */
};

static DEFINE_PER_CPU(struct vmx_cpu, vmx_cpus);
static DEFINE_IDA(vmx_vpids);
static u32 vmx_revision;
static u32 vmx_pin, vmx_proc, vmx_proc2, vmx_exit, vmx_entry;
static u32 vmx_preempt_ticks;
static u64 vmx_cr0_fixed0, vmx_cr0_fixed1, vmx_cr4_fixed0, vmx_cr4_fixed1;
static unsigned long vmx_invvpid_type;
static bool vmx_lazy_dr;
static struct page *vmx_msr_bitmap;

#define VMX_MAX_VPID	0xffff


static inline struct vmx_vcpu *to_vmx(struct nhv_vcpu *v)
{
	return v->backend;
}

static inline u64 vmread(unsigned long field)
{
	unsigned long val = 0;

	asm volatile("vmread %1, %0" : "=rm"(val) : "r"(field) : "cc");
	return val;
}

static inline void vmwrite(unsigned long field, u64 val)
{
	asm volatile("vmwrite %1, %0" : : "r"(field), "rm"((unsigned long)val) : "cc");
}

/* 31.3: VMPTRLD makes a VMCS current; VMCLEAR writes it back and deactivates it. */
static inline void vmptrld(u64 pa)
{
	asm volatile("vmptrld %0" : : "m"(pa) : "cc", "memory");
}

static inline void vmclear(u64 pa)
{
	asm volatile("vmclear %0" : : "m"(pa) : "cc", "memory");
}

/* INVVPID (31.3): this VPID's linear and combined mappings, or all VPIDs'. */
static void vmx_flush_vpid(u16 vpid)
{
	struct { u64 vpid, addr; } desc = { vpid, 0 };

	asm volatile("invvpid %0, %1" : : "m"(desc), "r"(vmx_invvpid_type)
		     : "cc", "memory");
}

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
static u64 cr0_actual(u64 cr0)
{
	u64 fixed0 = vmx_cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG);

	return (cr0 | fixed0) & (vmx_cr0_fixed1 | X86_CR0_PE | X86_CR0_PG);
}

static u64 cr4_actual(u64 cr4)
{
	return (cr4 | vmx_cr4_fixed0) & vmx_cr4_fixed1;
}

static u64 cr0_owned(void)
{
	return (vmx_cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG)) | X86_CR0_PG |
	       X86_CR0_CD | X86_CR0_NW;
}

/* PAE paging without long mode: VM entry loads PDPTEs from the VMCS (27.3.2.4). */
static void load_pdptrs(struct nhv_vcpu *v, u64 cr0, u64 cr3, u64 cr4, u64 efer)
{
	u64 pdpte[4] = { 0 };
	int i;

	if ((cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE) && !(efer & EFER_LMA))
		nhv_read_guest_phys(v->vm, cr3 & ~0x1fULL, pdpte, sizeof(pdpte));
	for (i = 0; i < 4; i++)
		vmwrite(F_GUEST_PDPTR0 + 2 * i, pdpte[i]);
}

static void set_efer_loaded(u64 efer)
{
	u64 entry = vmread(F_ENTRY_CTL);

	vmwrite(F_GUEST_EFER, efer);
	if (efer & EFER_LMA)
		entry |= ENTRY_IA32E;
	else
		entry &= ~ENTRY_IA32E;
	vmwrite(F_ENTRY_CTL, entry);
}

static void vmx_set_sregs(struct nhv_vcpu *v, const struct nhv_sregs *s)
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
	vmwrite(F_GUEST_CR0, cr0_actual(s->cr0));
	vmwrite(F_CR4_SHADOW, s->cr4);
	vmwrite(F_GUEST_CR4, cr4_actual(s->cr4));
	vmwrite(F_GUEST_CR3, s->cr3);
	set_efer_loaded(s->efer);
	load_pdptrs(v, s->cr0, s->cr3, s->cr4, s->efer);
	vmcs_put(v, b);
}

static void vmx_get_sregs(struct nhv_vcpu *v, struct nhv_sregs *s)
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
	s->cr0 = x->cr0;
	s->cr4 = x->cr4;
	s->cr3 = vmread(F_GUEST_CR3);
	s->efer = vmread(F_GUEST_EFER);
	vmcs_put(v, b);
	s->cr2 = x->cr2;
}

static u64 vmx_get_efer(struct nhv_vcpu *v)
{
	bool b = vmcs_get(v);
	u64 efer = vmread(F_GUEST_EFER);

	vmcs_put(v, b);
	return efer;
}

static void vmx_set_efer(struct nhv_vcpu *v, u64 efer)
{
	bool b = vmcs_get(v);

	/* LMA follows CR0.PG and EFER.LME; a write does not change it. */
	efer = (efer & ~EFER_LMA) | (vmread(F_GUEST_EFER) & EFER_LMA);
	set_efer_loaded(efer);
	vmcs_put(v, b);
}

static u64 vmx_get_pat(struct nhv_vcpu *v)
{
	bool b = vmcs_get(v);
	u64 pat = vmread(F_GUEST_PAT);

	vmcs_put(v, b);
	return pat;
}

static void vmx_set_pat(struct nhv_vcpu *v, u64 pat)
{
	bool b = vmcs_get(v);

	vmwrite(F_GUEST_PAT, pat);
	vmcs_put(v, b);
}

static u64 vmx_get_cr(struct nhv_vcpu *v, int cr)
{
	u64 val;
	bool b;

	if (cr == 0)
		return to_vmx(v)->cr0;
	if (cr == 4)
		return to_vmx(v)->cr4;
	b = vmcs_get(v);
	val = vmread(F_GUEST_CR3);
	vmcs_put(v, b);
	return val;
}

static void vmx_get_cs(struct nhv_vcpu *v, struct nhv_segment *cs)
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
static int vmx_get_msr(struct nhv_vcpu *v, u32 msr, u64 *val)
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

static int vmx_set_msr(struct nhv_vcpu *v, u32 msr, u64 val)
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

static bool vmx_interruptible(struct nhv_vcpu *v)
{
	struct vmx_vcpu *x = to_vmx(v);

	return (v->regs.rflags & X86_EFLAGS_IF) &&
	       !(x->interruptibility & (BLOCK_STI | BLOCK_MOV_SS)) &&
	       !(x->entry_intr & INTR_VALID);
}

static bool vmx_nmi_allowed(struct nhv_vcpu *v)
{
	return !(to_vmx(v)->interruptibility &
		 (BLOCK_STI | BLOCK_MOV_SS | BLOCK_NMI));
}

static bool vmx_event_queued(struct nhv_vcpu *v)
{
	return to_vmx(v)->entry_intr & INTR_VALID;
}

/* 27.6: VM-entry interruption-information. */
static void vmx_queue_event(struct nhv_vcpu *v, const struct nhv_event *ev)
{
	struct vmx_vcpu *x = to_vmx(v);

	x->entry_intr = ev->vector | ((u32)ev->type << 8) | INTR_VALID;
	/* Real mode pushes no error code; VM entry insists (27.2.1.3). */
	if (ev->has_error && (x->cr0 & X86_CR0_PE)) {
		x->entry_intr |= INTR_ERR_VALID;
		x->entry_err = ev->error;
	}
	x->entry_insn_len = 0;
}

static void vmx_irq_window(struct nhv_vcpu *v, bool enable)
{
	to_vmx(v)->irq_window = enable;
}

/* Virtual NMIs: the NMI-window exit comes once the guest has executed IRET. */
static void vmx_iret_exit(struct nhv_vcpu *v, bool enable)
{
	to_vmx(v)->nmi_window = enable;
}

/* MOV to CR0/CR4 of a bit nhv owns (exit qualification, table 28-3). */
static void vmx_mov_to_cr(struct nhv_vcpu *v, u64 qual, struct nhv_exit *e)
{
	struct vmx_vcpu *x = to_vmx(v);
	int cr = qual & 15, gpr = (qual >> 8) & 15;
	u64 val = v->regs.gpr[gpr];
	u64 efer = vmread(F_GUEST_EFER);

	e->kind = NHV_X_NONE;
	if (cr == 3 && ((qual >> 4) & 3) <= 1) {
		/* Only where the CPU forces CR3 exiting on (no TRUE controls). */
		if ((qual >> 4) & 3) {
			v->regs.gpr[gpr] = vmread(F_GUEST_CR3);
		} else {
			vmwrite(F_GUEST_CR3, val);
			load_pdptrs(v, x->cr0, val, x->cr4, efer);
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
		     !(x->cr4 & X86_CR4_PAE))) {
			nhv_raise(v, X86_TRAP_GP, true, 0);
			return;
		}
		/* Long mode turns on and off with paging (SDM vol. 3 10.8.5). */
		if ((val & X86_CR0_PG) && (efer & EFER_LME))
			efer |= EFER_LMA;
		else
			efer &= ~EFER_LMA;
		set_efer_loaded(efer);
		x->cr0 = val;
		vmwrite(F_CR0_SHADOW, val);
		vmwrite(F_GUEST_CR0, cr0_actual(val));
	} else {
		if ((val & X86_CR4_VMXE) || (val >> 32) ||
		    ((efer & EFER_LMA) && !(val & X86_CR4_PAE))) {
			nhv_raise(v, X86_TRAP_GP, true, 0);
			return;
		}
		x->cr4 = val;
		vmwrite(F_CR4_SHADOW, val);
		vmwrite(F_GUEST_CR4, cr4_actual(val));
	}
	load_pdptrs(v, x->cr0, vmread(F_GUEST_CR3), x->cr4, efer);
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
static void vmx_decode_exit(struct nhv_vcpu *v, struct nhv_exit *e, u32 reason)
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
	    e->kind != NHV_X_SHUTDOWN && e->kind != NHV_X_IRQ_WINDOW &&
	    e->kind != NHV_X_IRET)
		e->next_rip = v->regs.rip + vmread(F_EXIT_INSN_LEN);
}

/*
 * This CPU's host state (28.5, checked by 27.2.3), written when the VMCS is
 * loaded on a CPU other than the one it holds the state of.  Per CPU and
 * fixed while it is up: GDT, TSS, per-CPU GS base, SYSENTER stack; the
 * same everywhere: CR0, selectors, IDT, EFER, PAT.
 */
static void vmx_write_host_state(struct vmx_vcpu *x, int cpu)
{
	struct desc_ptr gdt, idt;
	struct desc_struct *d;
	u16 tr;
	u64 tr_base, v;

	native_store_gdt(&gdt);
	store_idt(&idt);
	asm volatile("str %0" : "=r"(tr));
	d = (struct desc_struct *)(gdt.address + (tr & ~7));
	tr_base = get_desc_base(d) | ((u64)((u32 *)d)[2] << 32);

	vmwrite(F_HOST_CR0, read_cr0());
	vmwrite(F_HOST_CS_SEL, __KERNEL_CS);
	vmwrite(F_HOST_SS_SEL, __KERNEL_DS);
	vmwrite(F_HOST_DS_SEL, 0);
	vmwrite(F_HOST_ES_SEL, 0);
	vmwrite(F_HOST_FS_SEL, 0);
	vmwrite(F_HOST_GS_SEL, 0);
	vmwrite(F_HOST_TR_SEL, tr);
	rdmsrl(MSR_GS_BASE, v);
	vmwrite(F_HOST_GS_BASE, v);
	vmwrite(F_HOST_TR_BASE, tr_base);
	vmwrite(F_HOST_GDTR_BASE, gdt.address);
	vmwrite(F_HOST_IDTR_BASE, idt.address);
	rdmsrl(MSR_IA32_SYSENTER_CS, v);
	vmwrite(F_HOST_SYSENTER_CS, v);
	rdmsrl(MSR_IA32_SYSENTER_ESP, v);
	vmwrite(F_HOST_SYSENTER_ESP, v);
	rdmsrl(MSR_IA32_SYSENTER_EIP, v);
	vmwrite(F_HOST_SYSENTER_EIP, v);
	rdmsrl(MSR_EFER, v);
	vmwrite(F_HOST_EFER, v);
	rdmsrl(MSR_IA32_CR_PAT, v);
	vmwrite(F_HOST_PAT, v);
	x->host_cpu = cpu;
}

/*
 * The thread enters NHV_RUN or is scheduled in on @cpu (preemption off).
 *
 * The guest's STAR, LSTAR, CSTAR, SFMASK and KernelGSbase stay in the CPU
 * until vcpu_put.  That is safe: kernel mode never uses them.  SYSCALL and
 * SYSRET only run in user mode, and no user code runs on this CPU before
 * vcpu_put, which comes on sched-out (before switch_to reads KernelGSbase to
 * save the user GS base, and before any other task runs) or when NHV_RUN
 * returns.  Interrupts, exceptions and NMIs taken in kernel mode do not
 * execute SWAPGS, so they never see KernelGSbase.  Saving and restoring the
 * host's values here costs a few MSR accesses per load instead of twenty
 * per exit.
 *
 * XCR0 and DR0-3/DR6 are still switched at each entry, interrupts off:
 * in-kernel FPU use (softirqs, switch_fpu_return) saves with the live XCR0,
 * and hardware breakpoints may be installed on this CPU by IPI.
 */
static void vmx_vcpu_load(struct nhv_vcpu *v, int cpu)
{
	struct vmx_vcpu *x = to_vmx(v);
	u64 fs_base;
	int i;

	vmptrld(x->vmcs_pa);
	this_cpu_write(vmx_cpus.loaded, x);
	x->cpu = cpu;
	x->launched = false;	/* clear since vcpu_put or vcpu_init */
	x->exited = false;
	/*
	 * Linear and combined mappings of this VPID cached here may be stale:
	 * the guest may have changed its page tables elsewhere, or an earlier
	 * vCPU had the VPID (last_cpu starts at -1).  29.4.3.3.
	 */
	if (x->vpid && x->last_cpu != cpu)
		vmx_flush_vpid(x->vpid);
	x->last_cpu = cpu;
	if (x->host_cpu != cpu)
		vmx_write_host_state(x, cpu);
	/* The user FS base of the thread (a vCPU may be run by any thread). */
	rdmsrl(MSR_FS_BASE, fs_base);
	if (fs_base != x->host_fs_base) {
		vmwrite(F_HOST_FS_BASE, fs_base);
		x->host_fs_base = fs_base;
	}
	native_store_gdt(&x->host_gdt);
	store_idt(&x->host_idt);
	savesegment(ds, x->host_ds);
	savesegment(es, x->host_es);
	savesegment(fs, x->host_fs);
	savesegment(gs, x->host_gs);
	x->host_debugctl = get_debugctlmsr();
	for (i = 0; i < VMX_NR_MSRS; i++) {
		rdmsrl(vmx_msrs[i], x->host_msr[i]);
		if (x->msr[i] != x->host_msr[i])
			wrmsrl(vmx_msrs[i], x->msr[i]);
	}
}

/* The thread leaves NHV_RUN or this CPU (preemption off; on sched-out IRQs too). */
static void vmx_vcpu_put(struct nhv_vcpu *v)
{
	struct vmx_vcpu *x = to_vmx(v);
	int i;

	if (x->cpu < 0)
		return;
	rdmsrl(MSR_KERNEL_GS_BASE, x->msr[VMX_KGS]);
	for (i = 0; i < VMX_NR_MSRS; i++)
		if (x->msr[i] != x->host_msr[i])
			wrmsrl(vmx_msrs[i], x->host_msr[i]);
	if (x->exited) {
		/*
		 * VM exit left the GDTR/IDTR limits at 0xffff, TR's at 0x67
		 * and DS/ES/FS/GS null (28.5.2); kernel mode does not mind,
		 * user mode and the next task do.
		 */
		native_load_gdt(&x->host_gdt);
		load_idt(&x->host_idt);
		invalidate_tss_limit();
		if (x->host_ds)
			loadsegment(ds, x->host_ds);
		if (x->host_es)
			loadsegment(es, x->host_es);
		if (x->host_fs) {
			loadsegment(fs, x->host_fs);
			wrmsrl(MSR_FS_BASE, x->host_fs_base);
		}
		if (x->host_gs)
			load_gs_index(x->host_gs);
	}
	vmclear(x->vmcs_pa);
	this_cpu_write(vmx_cpus.loaded, NULL);
	x->cpu = -1;
	x->launched = false;
}

/*
 * After a failed VMLAUNCH/VMRESUME or VM entry: VMCLEAR and VMPTRLD give a
 * known launch state ("clear", 25.1), and the copies of the fields nhv
 * caches are read back, as a failed entry may or may not have touched them.
 */
static void vmx_reload(struct vmx_vcpu *x)
{
	vmclear(x->vmcs_pa);
	vmptrld(x->vmcs_pa);
	x->launched = false;
	x->vmcs_rip = vmread(F_GUEST_RIP);
	x->vmcs_rsp = vmread(F_GUEST_RSP);
	x->vmcs_rflags = vmread(F_GUEST_RFLAGS);
	x->vmcs_interruptibility = vmread(F_GUEST_INTERRUPTIBILITY);
	x->vmcs_entry_intr = vmread(F_ENTRY_INTR);
	x->vmcs_proc = vmread(F_PROC_CTL);
}

/* Entry: only the fields that differ from what the VMCS holds are written. */
static void vmx_enter_state(struct nhv_vcpu *v)
{
	struct vmx_vcpu *x = to_vmx(v);
	u64 cr3 = __read_cr3(), cr4 = __read_cr4();
	u32 proc;

	/* PCID and CR4 updates change these while the VMCS stays loaded. */
	if (unlikely(cr3 != x->host_cr3)) {
		vmwrite(F_HOST_CR3, cr3);
		x->host_cr3 = cr3;
	}
	if (unlikely(cr4 != x->host_cr4)) {
		vmwrite(F_HOST_CR4, cr4);
		x->host_cr4 = cr4;
	}
	if (v->regs.gpr[NHV_RSP] != x->vmcs_rsp) {
		vmwrite(F_GUEST_RSP, v->regs.gpr[NHV_RSP]);
		x->vmcs_rsp = v->regs.gpr[NHV_RSP];
	}
	if (v->regs.rflags != x->vmcs_rflags) {
		vmwrite(F_GUEST_RFLAGS, v->regs.rflags);
		x->vmcs_rflags = v->regs.rflags;
	}
	if (v->regs.rip != x->vmcs_rip) {
		/* Moved past the instruction: no STI/MOV SS shadow any more. */
		x->interruptibility &= ~(BLOCK_STI | BLOCK_MOV_SS);
		vmwrite(F_GUEST_RIP, v->regs.rip);
		x->vmcs_rip = v->regs.rip;
	}
	if (x->interruptibility != x->vmcs_interruptibility) {
		vmwrite(F_GUEST_INTERRUPTIBILITY, x->interruptibility);
		x->vmcs_interruptibility = x->interruptibility;
	}
	/* VM exits clear the valid bit (25.8.3): write only to set or clear it. */
	if ((x->entry_intr | x->vmcs_entry_intr) & INTR_VALID) {
		vmwrite(F_ENTRY_INTR, x->entry_intr);
		x->vmcs_entry_intr = x->entry_intr;
		if (x->entry_intr & INTR_VALID) {
			vmwrite(F_ENTRY_ERR, x->entry_err);
			vmwrite(F_ENTRY_INSN_LEN, x->entry_insn_len);
		}
	}
	proc = x->proc;
	if (x->irq_window)
		proc |= PROC_INTR_WINDOW;
	if (x->nmi_window)
		proc |= PROC_NMI_WINDOW;
	if (proc != x->vmcs_proc) {
		vmwrite(F_PROC_CTL, proc);
		x->vmcs_proc = proc;
	}
	/* Counts down from each entry: it bounds every stay in guest mode. */
	if (vmx_pin & PIN_PREEMPT_TIMER)
		vmwrite(F_PREEMPT_TIMER, vmx_preempt_ticks);
}

static void vmx_fail_launch(struct nhv_vcpu *v, struct nhv_exit *e, int r)
{
	memset(e, 0, sizeof(*e));
	e->kind = NHV_X_FAIL_ENTRY;
	/* VMfailValid: the VM-instruction error number (31.4). */
	e->hw_code = r == 1 ? vmread(F_INSN_ERROR) : ~0ULL;
	e->info1 = r;
	vmx_reload(to_vmx(v));
}

/* The guest's DR0-3 and DR6, in the CPU only from entry to exit. */
static void vmx_load_guest_dr(struct nhv_vcpu *v)
{
	/* Host breakpoints off first: an NMI may come before the entry. */
	if (hw_breakpoint_active())
		set_debugreg(0, 7);
	set_debugreg(v->dr[0], 0);
	set_debugreg(v->dr[1], 1);
	set_debugreg(v->dr[2], 2);
	set_debugreg(v->dr[3], 3);
	set_debugreg(to_vmx(v)->dr6, 6);
}

static void vmx_save_guest_dr(struct nhv_vcpu *v)
{
	get_debugreg(v->dr[0], 0);
	get_debugreg(v->dr[1], 1);
	get_debugreg(v->dr[2], 2);
	get_debugreg(v->dr[3], 3);
	get_debugreg(to_vmx(v)->dr6, 6);
	/* Without host breakpoints only DR6 matters to the host (#DB). */
	set_debugreg(DR6_RESERVED, 6);
}

static void vmx_run(struct nhv_vcpu *v, struct nhv_exit *e)
{
	struct vmx_vcpu *x = to_vmx(v);
	bool xcr0 = nhv_host_xcr0 && v->xcr0 != nhv_host_xcr0;
	u32 reason, idt_vec;
	int r;

	vmx_enter_state(v);
	if (xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, v->xcr0);
	if (x->dr_active)
		vmx_load_guest_dr(v);
	/* CR2 is not in the VMCS (28.3.1): it stays live across the switch. */
	if (read_cr2() != x->cr2)
		write_cr2(x->cr2);

	r = nhv_vmx_launch(v->regs.gpr, &x->host_rsp, x->launched);
	x->exited = true;
	x->cr2 = read_cr2();

	if (x->dr_active)
		vmx_save_guest_dr(v);
	/* VM exit cleared DR7 and IA32_DEBUGCTL (28.5.1). */
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
	if (x->host_debugctl)
		update_debugctlmsr(x->host_debugctl);
	if (xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, nhv_host_xcr0);
	if (unlikely(r)) {
		vmx_fail_launch(v, e, r);
		return;
	}
	reason = vmread(F_EXIT_REASON);
	if (unlikely(reason & X_ENTRY_FAILED)) {
		/* Invalid guest state or MSR loading (27.8): report, drop the event. */
		memset(e, 0, sizeof(*e));
		e->kind = NHV_X_FAIL_ENTRY;
		e->hw_code = reason;
		e->info1 = vmread(F_EXIT_QUAL);
		x->entry_intr = 0;
		vmx_reload(x);
		return;
	}
	x->launched = true;
	v->regs.gpr[NHV_RSP] = x->vmcs_rsp = vmread(F_GUEST_RSP);
	v->regs.rip = x->vmcs_rip = vmread(F_GUEST_RIP);
	v->regs.rflags = x->vmcs_rflags = vmread(F_GUEST_RFLAGS);
	x->interruptibility = vmread(F_GUEST_INTERRUPTIBILITY);
	x->vmcs_interruptibility = x->interruptibility;
	x->vmcs_entry_intr &= ~INTR_VALID;
	x->entry_intr = 0;
	/* An event cut short by the exit is delivered again (28.2.4). */
	idt_vec = vmread(F_IDT_VEC);
	if (idt_vec & INTR_VALID) {
		x->entry_intr = idt_vec & ~BIT(12);
		x->entry_err = vmread(F_IDT_VEC_ERR);
		x->entry_insn_len = vmread(F_EXIT_INSN_LEN);
	}
	vmx_decode_exit(v, e, reason);
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
	vmwrite(F_EXC_BITMAP, BIT(X86_TRAP_DB) | BIT(X86_TRAP_AC));
	vmwrite(F_MSR_BITMAP, page_to_phys(vmx_msr_bitmap));
	/* 25.6.11: write-back, 4-level walk (length - 1 in bits 5:3). */
	eptp = __pa(v->vm->pt_root) | 6 | (3 << 3);
	vmwrite(F_EPT_POINTER, eptp);
	vmwrite(F_CR0_MASK, cr0_owned());
	vmwrite(F_CR4_MASK, vmx_cr4_fixed0 | X86_CR4_VMXE);
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
	vmwrite(F_GUEST_CR0, cr0_actual(x->cr0));
	vmwrite(F_CR4_SHADOW, 0);
	vmwrite(F_GUEST_CR4, cr4_actual(0));
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
	load_pdptrs(v, 0, 0, 0, 0);
	x->dr6 = DR6_RESERVED;
	/* What the fields written above hold, for vmx_enter_state. */
	x->vmcs_proc = x->proc;
	x->vmcs_rip = 0xfff0;
	x->vmcs_rflags = X86_EFLAGS_FIXED;
}

static int vmx_vcpu_init(struct nhv_vcpu *v)
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
static void vmx_vcpu_destroy(struct nhv_vcpu *v)
{
	struct vmx_vcpu *x = to_vmx(v);

	if (x->vpid)
		ida_free(&vmx_vpids, x->vpid);
	free_page((unsigned long)x->vmcs);
	kfree(x);
}

static int vmx_vm_init(struct nhv_vm *vm)
{
	return 0;
}

/* INVEPT all contexts (31.3): a freed EPT root may come back as another VM's. */
static void vmx_invept_all(void *unused)
{
	struct { u64 eptp, rsvd; } desc = { 0, 0 };

	asm volatile("invept %0, %1" : : "m"(desc), "r"(2UL) : "cc", "memory");
}

/* From an IPI: skip CPUs where VMX is off (reboot); VMXON flushes anyway. */
static void vmx_invept_if_on(void *unused)
{
	if (nhv_cpu_is_on())
		vmx_invept_all(NULL);
}

static void vmx_vm_destroy(struct nhv_vm *vm)
{
	on_each_cpu(vmx_invept_if_on, NULL, 1);
}

/* 25.11.5 and 24.7: CR4.VMXE, then VMXON with this CPU's region. */
static int vmx_cpu_enable(void)
{
	struct vmx_cpu *c = this_cpu_ptr(&vmx_cpus);
	u64 pa;

	if (__read_cr4() & X86_CR4_VMXE)
		return -EBUSY;
	if (!c->vmxon) {
		c->vmxon = alloc_page(GFP_ATOMIC | __GFP_ZERO);
		if (!c->vmxon)
			return -ENOMEM;
	}
	*(u32 *)page_address(c->vmxon) = vmx_revision;
	pa = page_to_phys(c->vmxon);
	cr4_set_bits(X86_CR4_VMXE);
	asm goto("1: vmxon %0\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 "jbe %l[fault]"
		 : : "m"(pa) : "cc", "memory" : fault);
	vmx_invept_all(NULL);
	return 0;
fault:
	cr4_clear_bits(X86_CR4_VMXE);
	return -EIO;
}

static void vmx_cpu_disable(void)
{
	struct vmx_cpu *c = this_cpu_ptr(&vmx_cpus);

	asm volatile("vmxoff" : : : "cc", "memory");
	cr4_clear_bits(X86_CR4_VMXE);
	__free_page(c->vmxon);
	c->vmxon = NULL;
}

static void vmx_caps(struct nhv_caps *caps)
{
	caps->flags = NHV_CAP_EPT | NHV_CAP_UNRESTRICTED;
	caps->nr_asids = 0;
	if (vmx_proc2 & PROC2_VPID) {
		caps->flags |= NHV_CAP_VPID;
		caps->nr_asids = VMX_MAX_VPID;
	}
}

/* EPT entries (29.3.2): RWX; leaves write-back (type 6) with the PAT ignored. */
static u64 ept_table(phys_addr_t pa)
{
	return pa | 7;
}

static u64 ept_leaf(phys_addr_t pa, int level)
{
	u64 e = pa | 7 | (6 << 3) | BIT(6);

	return level == 2 ? e | BIT(7) : e;
}

static bool ept_present(u64 pte)
{
	return pte & 7;
}

static phys_addr_t ept_addr(u64 pte)
{
	return pte & GENMASK_ULL(51, 12);
}

static struct nhv_ops vmx_ops = {
	.name = "VMX",
	.vendor = NHV_VENDOR_VMX,
	.pt_levels = 4,
	.cpu_enable = vmx_cpu_enable,
	.cpu_disable = vmx_cpu_disable,
	.caps = vmx_caps,
	.vm_init = vmx_vm_init,
	.vm_destroy = vmx_vm_destroy,
	.vcpu_init = vmx_vcpu_init,
	.vcpu_destroy = vmx_vcpu_destroy,
	.vcpu_load = vmx_vcpu_load,
	.vcpu_put = vmx_vcpu_put,
	.get_sregs = vmx_get_sregs,
	.set_sregs = vmx_set_sregs,
	.get_efer = vmx_get_efer,
	.set_efer = vmx_set_efer,
	.get_pat = vmx_get_pat,
	.set_pat = vmx_set_pat,
	.get_msr = vmx_get_msr,
	.set_msr = vmx_set_msr,
	.get_cr = vmx_get_cr,
	.get_cs = vmx_get_cs,
	.interruptible = vmx_interruptible,
	.nmi_allowed = vmx_nmi_allowed,
	.event_queued = vmx_event_queued,
	.queue_event = vmx_queue_event,
	.irq_window = vmx_irq_window,
	.iret_exit = vmx_iret_exit,
	.run = vmx_run,
	.pt_table = ept_table,
	.pt_leaf = ept_leaf,
	.pt_present = ept_present,
	.pt_addr = ept_addr,
};

/* A.3-A.5: allowed-0 settings must be 1, allowed-1 settings may be 1. */
static int vmx_adjust(u32 msr, u32 want, u32 need, u32 *out, const char *what)
{
	u64 cap;

	rdmsrl(msr, cap);
	if (need & ~(u32)(cap >> 32)) {
		pr_err("refusing to load: VMX %s controls lack %#x\n", what,
		       need & ~(u32)(cap >> 32));
		return -ENODEV;
	}
	*out = (want | (u32)cap) & (u32)(cap >> 32);
	return 0;
}

static void vmx_check_held(void *busy)
{
	if (__read_cr4() & X86_CR4_VMXE)
		cpumask_set_cpu(smp_processor_id(), busy);
}

const struct nhv_ops *nhv_vmx_probe(void)
{
	/* Reads and writes; then reads only (the guest's values are live). */
	static const u32 passthrough[] = {
		MSR_FS_BASE, MSR_GS_BASE, MSR_IA32_SYSENTER_CS,
		MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP, MSR_KERNEL_GS_BASE,
		MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
	};
	u64 basic, feat, ept_cap, cap;
	bool true_ctls;
	cpumask_var_t busy;
	u8 *bitmap;
	u32 need;
	int i, r;

	rdmsrl(MSR_IA32_FEAT_CTL, feat);
	if (!(feat & FEAT_CTL_LOCKED) || !(feat & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		pr_err("refusing to load: VMX is disabled by firmware (IA32_FEATURE_CONTROL %#llx)\n",
		       feat);
		return ERR_PTR(-EPERM);
	}
	if (!boot_cpu_has(X86_FEATURE_VMX)) {
		pr_err("refusing to load: VMX present but disabled by the kernel\n");
		return ERR_PTR(-ENODEV);
	}
	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	vmx_revision = basic & 0x7fffffff;
	true_ctls = basic & VMX_BASIC_TRUE_CTLS;
	r = vmx_adjust(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
		       MSR_IA32_VMX_PINBASED_CTLS,
		       PIN_EXT_INTR | PIN_NMI | PIN_VIRTUAL_NMI | PIN_PREEMPT_TIMER,
		       PIN_EXT_INTR | PIN_NMI | PIN_VIRTUAL_NMI, &vmx_pin, "pin-based");
	need = PROC_HLT | PROC_MWAIT | PROC_UNCOND_IO | PROC_MSR_BITMAP |
	       PROC_MONITOR | PROC_SECONDARY;
	r = r ?: vmx_adjust(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
			    MSR_IA32_VMX_PROCBASED_CTLS, need | PROC_MOV_DR, need,
			    &vmx_proc, "processor-based");
	r = r ?: vmx_adjust(MSR_IA32_VMX_PROCBASED_CTLS2,
			    PROC2_EPT | PROC2_UNRESTRICTED | PROC2_WBINVD |
			    PROC2_VPID |
			    (boot_cpu_has(X86_FEATURE_RDTSCP) ? PROC2_RDTSCP : 0) |
			    (boot_cpu_has(X86_FEATURE_INVPCID) ? PROC2_INVPCID : 0),
			    PROC2_EPT | PROC2_UNRESTRICTED, &vmx_proc2, "secondary");
	need = EXIT_HOST_64 | EXIT_SAVE_EFER | EXIT_LOAD_EFER | EXIT_SAVE_PAT |
	       EXIT_LOAD_PAT | EXIT_SAVE_DEBUG;
	r = r ?: vmx_adjust(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
			    MSR_IA32_VMX_EXIT_CTLS, need, need, &vmx_exit, "exit");
	need = ENTRY_LOAD_EFER | ENTRY_LOAD_PAT | ENTRY_LOAD_DEBUG;
	r = r ?: vmx_adjust(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
			    MSR_IA32_VMX_ENTRY_CTLS, need, need, &vmx_entry, "entry");
	if (r)
		return ERR_PTR(r);
	/* CR3 exiting is off with EPT (not in the wanted set, allowed-0 may force it). */
	vmx_entry &= ~ENTRY_IA32E;
	/* MOV-DR exiting, if it can be turned off again: lazy DR switch. */
	rdmsrl(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
	       MSR_IA32_VMX_PROCBASED_CTLS, cap);
	vmx_lazy_dr = (vmx_proc & PROC_MOV_DR) && !((u32)cap & PROC_MOV_DR);
	rdmsrl(MSR_IA32_VMX_EPT_VPID_CAP, ept_cap);
	/* 4-level walks, write-back, INVEPT all-context (A.10). */
	if (!(ept_cap & BIT(6)) || !(ept_cap & BIT(14)) || !(ept_cap & BIT(20)) ||
	    !(ept_cap & BIT(26))) {
		pr_err("refusing to load: EPT lacks 4-level walks, WB or INVEPT (cap %#llx)\n",
		       ept_cap);
		return ERR_PTR(-ENODEV);
	}
	/*
	 * VPIDs need INVVPID (bit 32) with the single-context (41) or the
	 * all-context (42) type (A.10, 31.3 INVVPID); else entries and exits
	 * flush as before.
	 */
	vmx_invvpid_type = 0;
	if (ept_cap & BIT_ULL(32)) {
		if (ept_cap & BIT_ULL(41))
			vmx_invvpid_type = 1;
		else if (ept_cap & BIT_ULL(42))
			vmx_invvpid_type = 2;
	}
	if (!vmx_invvpid_type)
		vmx_proc2 &= ~PROC2_VPID;
	/*
	 * The VMX-preemption timer (26.5.1) bounds every stay in guest mode to
	 * about 10 ms, so the run loop sees need_resched() and signals even if
	 * the (possibly emulated) CPU fails to exit on a host interrupt.
	 */
	if (vmx_pin & PIN_PREEMPT_TIMER) {
		u64 misc, ticks = (tsc_khz ? tsc_khz : 1000000) * 10ULL;

		rdmsrl(MSR_IA32_VMX_MISC, misc);
		ticks >>= misc & 0x1f;
		vmx_preempt_ticks = clamp_t(u64, ticks, 1000, U32_MAX);
	}
	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, vmx_cr0_fixed0);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, vmx_cr0_fixed1);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED0, vmx_cr4_fixed0);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED1, vmx_cr4_fixed1);

	if (!zalloc_cpumask_var(&busy, GFP_KERNEL))
		return ERR_PTR(-ENOMEM);
	on_each_cpu(vmx_check_held, busy, 1);
	if (!cpumask_empty(busy)) {
		pr_err("refusing to load: CR4.VMXE is already set on CPU %u: another hypervisor (kvm_intel?) is using VMX\n",
		       cpumask_first(busy));
		free_cpumask_var(busy);
		return ERR_PTR(-EBUSY);
	}
	free_cpumask_var(busy);

	/* 25.6.9: one bit per MSR for reads/writes, low and high ranges. */
	if (!vmx_msr_bitmap)
		vmx_msr_bitmap = alloc_page(GFP_KERNEL);
	if (!vmx_msr_bitmap)
		return ERR_PTR(-ENOMEM);
	bitmap = page_address(vmx_msr_bitmap);
	memset(bitmap, 0xff, PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(passthrough); i++) {
		u32 m = passthrough[i];
		int base = m >= 0xc0000000 ? 1024 : 0;
		u32 bit = m & 0x1fff;

		bitmap[base + bit / 8] &= ~BIT(bit % 8);
		if (m != MSR_STAR && m != MSR_LSTAR && m != MSR_CSTAR &&
		    m != MSR_SYSCALL_MASK)
			bitmap[2048 + base + bit / 8] &= ~BIT(bit % 8);
	}
	pr_info("VMX: revision %#x, EPT, unrestricted guest, %s, controls pin %#x proc %#x/%#x\n",
		vmx_revision, vmx_proc2 & PROC2_VPID ? "VPID" : "no VPID",
		vmx_pin, vmx_proc, vmx_proc2);
	return &vmx_ops;
}

void nhv_vmx_release(void)
{
	if (vmx_msr_bitmap)
		__free_page(vmx_msr_bitmap);
	vmx_msr_bitmap = NULL;
}
