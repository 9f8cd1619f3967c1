// SPDX-License-Identifier: GPL-2.0
/*
 * vmx.c - the Intel VMX backend's front: capabilities and controls read
 * at load (nhv_vmx_probe), VMXON/VMXOFF per CPU, EPT entry format, INVEPT,
 * and the ops table.  The rest: vmx_vmcs.c, vmx_run.c, vmx_exit.c (see
 * vmx.h).  Section numbers are Intel SDM vol. 3 (325384; 24 VMX operation,
 * 29 EPT/VPID, appendix A capability MSRs).
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
#include "vmx.h"

DEFINE_PER_CPU(struct vmx_cpu, vmx_cpus);
DEFINE_IDA(vmx_vpids);
u32 vmx_revision;
u32 vmx_pin, vmx_proc, vmx_proc2, vmx_exit, vmx_entry;
u32 vmx_preempt_ticks;
u64 vmx_cr0_fixed0, vmx_cr0_fixed1, vmx_cr4_fixed0, vmx_cr4_fixed1;
unsigned long vmx_invvpid_type;
bool vmx_lazy_dr;
bool vmx_rdpmc_exiting;
struct page *vmx_msr_bitmap;

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
	.take_event = vmx_take_event,
	.get_cpl = vmx_get_cpl,
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
	vmx_rdpmc_exiting = (cap >> 32) & PROC_RDPMC;
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
