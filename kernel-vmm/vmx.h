/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx.h - what the files of the Intel VMX backend share (vmx.c, vmx_vmcs.c,
 * vmx_run.c, vmx_exit.c): VMXON, the VMCS, VMLAUNCH/VMRESUME, exit
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
#ifndef NHV_VMX_H
#define NHV_VMX_H

#include <linux/types.h>
#include <linux/percpu.h>
#include <linux/idr.h>
#include <asm/desc.h>
#include <asm/msr-index.h>
#include <asm/trapnr.h>
#include "nhv_core.h"
#include "vmx_arch.h"

/*
 * Guest MSRs the VMCS does not switch, in the CPU while the vCPU is loaded
 * (see vmx_vcpu_load).  The guest reads all of them and writes
 * KernelGSbase without an exit; writes of the others exit (vmx_set_msr).
 * Defined in vmx_run.c.
 */
#define VMX_NR_MSRS	5
#define VMX_KGS		4		/* index of MSR_KERNEL_GS_BASE */
extern const u32 vmx_msrs[VMX_NR_MSRS];

struct vmx_vcpu {
	u32 *vmcs;
	u64 vmcs_pa;
	u64 cr0, cr4;			/* read shadows: vmx_guest_cr0/cr4 */
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
	u32 vmcs_interruptibility, vmcs_entry_intr, vmcs_proc, vmcs_exc;
};

struct vmx_cpu {
	struct page *vmxon;
	struct vmx_vcpu *loaded;	/* whose VMCS is current here */
};

/* vmx.c: capabilities and controls from nhv_vmx_probe, per-CPU state. */
DECLARE_PER_CPU(struct vmx_cpu, vmx_cpus);
extern struct ida vmx_vpids;
extern u32 vmx_revision;
extern u32 vmx_pin, vmx_proc, vmx_proc2, vmx_exit, vmx_entry;
extern u32 vmx_preempt_ticks;
extern u64 vmx_cr0_fixed0, vmx_cr0_fixed1, vmx_cr4_fixed0, vmx_cr4_fixed1;
extern unsigned long vmx_invvpid_type;
extern bool vmx_lazy_dr;
extern bool vmx_rdpmc_exiting;		/* the CPU lets nhv set RDPMC exiting */
extern struct page *vmx_msr_bitmap;

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

/* The exceptions always intercepted (#DB, #AC: no delivery loops). */
#define VMX_EXC_BITMAP	(BIT(X86_TRAP_DB) | BIT(X86_TRAP_AC))

/* vmx_vmcs.c: VMCS set-up and guest-state access between runs. */
u64 vmx_cr0_actual(u64 cr0);
u64 vmx_cr4_actual(u64 cr4);
u64 vmx_guest_cr0(struct vmx_vcpu *x);
u64 vmx_guest_cr4(struct vmx_vcpu *x);
void vmx_load_pdptrs(struct nhv_vcpu *v, u64 cr0, u64 cr3, u64 cr4, u64 efer);
void vmx_set_efer_loaded(u64 efer);
void vmx_set_sregs(struct nhv_vcpu *v, const struct nhv_sregs *s);
void vmx_get_sregs(struct nhv_vcpu *v, struct nhv_sregs *s);
u64 vmx_get_efer(struct nhv_vcpu *v);
void vmx_set_efer(struct nhv_vcpu *v, u64 efer);
u64 vmx_get_pat(struct nhv_vcpu *v);
void vmx_set_pat(struct nhv_vcpu *v, u64 pat);
u64 vmx_get_cr(struct nhv_vcpu *v, int cr);
void vmx_get_cs(struct nhv_vcpu *v, struct nhv_segment *cs);
int vmx_get_msr(struct nhv_vcpu *v, u32 msr, u64 *val);
int vmx_set_msr(struct nhv_vcpu *v, u32 msr, u64 val);
bool vmx_interruptible(struct nhv_vcpu *v);
bool vmx_nmi_allowed(struct nhv_vcpu *v);
bool vmx_event_queued(struct nhv_vcpu *v);
bool vmx_take_event(struct nhv_vcpu *v, struct nhv_event *ev);
u8 vmx_get_cpl(struct nhv_vcpu *v);
void vmx_queue_event(struct nhv_vcpu *v, const struct nhv_event *ev);
void vmx_irq_window(struct nhv_vcpu *v, bool enable);
void vmx_iret_exit(struct nhv_vcpu *v, bool enable);
int vmx_vcpu_init(struct nhv_vcpu *v);
void vmx_vcpu_destroy(struct nhv_vcpu *v);

/* vmx_exit.c: what an exit means. */
void vmx_decode_exit(struct nhv_vcpu *v, struct nhv_exit *e, u32 reason);

/* vmx_run.c: load and put, entry and exit. */
void vmx_vcpu_load(struct nhv_vcpu *v, int cpu);
void vmx_vcpu_put(struct nhv_vcpu *v);
void vmx_run(struct nhv_vcpu *v, struct nhv_exit *e);

#endif /* NHV_VMX_H */
