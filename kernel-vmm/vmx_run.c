// SPDX-License-Identifier: GPL-2.0
/*
 * vmx_run.c - a vCPU on a CPU: VMCS load and put, host state, the
 * entry (only the changed fields written), VMLAUNCH/VMRESUME and what is
 * read back at the exit.  Section numbers are Intel SDM vol. 3 (325384;
 * 27 VM entry, 28 VM exit).
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

/* Declared in vmx.h; VMX_KGS there is the index of MSR_KERNEL_GS_BASE. */
const u32 vmx_msrs[VMX_NR_MSRS] = {
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK, MSR_KERNEL_GS_BASE,
};

/* INVVPID (31.3): this VPID's linear and combined mappings, or all VPIDs'. */
static void vmx_flush_vpid(u16 vpid)
{
	struct { u64 vpid, addr; } desc = { vpid, 0 };

	asm volatile("invvpid %0, %1" : : "m"(desc), "r"(vmx_invvpid_type)
		     : "cc", "memory");
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
void vmx_vcpu_load(struct nhv_vcpu *v, int cpu)
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
void vmx_vcpu_put(struct nhv_vcpu *v)
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
	x->vmcs_exc = vmread(F_EXC_BITMAP);
}

/* Entry: only the fields that differ from what the VMCS holds are written. */
static void vmx_enter_state(struct nhv_vcpu *v)
{
	struct vmx_vcpu *x = to_vmx(v);
	u64 cr3 = __read_cr3(), cr4 = __read_cr4();
	u32 proc, exc = VMX_EXC_BITMAP, backdoor = READ_ONCE(v->vm->backdoor);

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
	/*
	 * The backdoor: #GP for CPL 3 port access and the pseudo counters
	 * (25.6.3 exception bitmap), RDPMC exiting for the latter (25.6.2).
	 */
	if (backdoor & (NHV_BACKDOOR_USER | NHV_BACKDOOR_PMC))
		exc |= BIT(X86_TRAP_GP);
	if ((backdoor & NHV_BACKDOOR_PMC) && vmx_rdpmc_exiting)
		proc |= PROC_RDPMC;
	if (exc != x->vmcs_exc) {
		vmwrite(F_EXC_BITMAP, exc);
		x->vmcs_exc = exc;
	}
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

void vmx_run(struct nhv_vcpu *v, struct nhv_exit *e)
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
