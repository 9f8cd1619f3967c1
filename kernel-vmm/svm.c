// SPDX-License-Identifier: GPL-2.0
/*
 * svm.c - the AMD SVM backend: VMCB set-up, VMRUN, exit decoding, nested
 * paging (NPT), ASIDs.  Section numbers are AMD64 APM vol. 2 (24593).
 */
#define pr_fmt(fmt) "nhv: " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/idr.h>
#include <linux/percpu.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/debugreg.h>
#include <asm/fpu/xcr.h>
#include <asm/mem_encrypt.h>
#include <asm/trapnr.h>
#include "nhv_core.h"
#include "svm_arch.h"

struct svm_cpu {
	struct page *hsave;		/* VM_HSAVE_PA: VMRUN's host state */
	struct page *host_vmcb;		/* VMSAVE/VMLOAD of host state */
	u64 last_vcpu;			/* serial of the vCPU that ran here last */
};

struct svm_vcpu {
	struct vmcb *vmcb;
	u64 vmcb_pa;
	int last_cpu;
	u64 exit_rip;
	bool virq;			/* an interrupt in V_IRQ, not taken yet */
};

static DEFINE_PER_CPU(struct svm_cpu, svm_cpus);
static DEFINE_IDA(svm_asids);
static u32 svm_nr_asids;
static bool svm_flush_by_asid, svm_nrips;
static struct page *svm_iopm, *svm_msrpm;

static u64 page_pa(struct page *p)
{
	return __sme_set(page_to_phys(p));
}

static inline struct vmcb *vmcb_of(struct nhv_vcpu *v)
{
	return ((struct svm_vcpu *)v->backend)->vmcb;
}

/* 15.4: EFER.SVME on, and where VMRUN keeps host state. */
static int svm_cpu_enable(void)
{
	struct svm_cpu *c = this_cpu_ptr(&svm_cpus);
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME)
		return -EBUSY;
	if (!c->hsave) {
		c->hsave = alloc_page(GFP_ATOMIC | __GFP_ZERO);
		c->host_vmcb = alloc_page(GFP_ATOMIC | __GFP_ZERO);
		if (!c->hsave || !c->host_vmcb) {
			__free_page(c->hsave);
			__free_page(c->host_vmcb);
			c->hsave = NULL;
			c->host_vmcb = NULL;
			return -ENOMEM;
		}
	}
	wrmsrl(MSR_EFER, efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA, page_pa(c->hsave));
	c->last_vcpu = 0;
	return 0;
}

static void svm_cpu_disable(void)
{
	struct svm_cpu *c = this_cpu_ptr(&svm_cpus);
	u64 efer;

	wrmsrl(MSR_VM_HSAVE_PA, 0);
	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer & ~EFER_SVME);
	__free_page(c->hsave);
	__free_page(c->host_vmcb);
	c->hsave = NULL;
	c->host_vmcb = NULL;
}

static void svm_caps(struct nhv_caps *caps)
{
	caps->flags = NHV_CAP_NPT | NHV_CAP_ASID | NHV_CAP_UNRESTRICTED |
		      NHV_CAP_LARGE_PAGES;
	if (svm_flush_by_asid)
		caps->flags |= NHV_CAP_FLUSH_BY_ASID;
	caps->nr_asids = svm_nr_asids;
}

static int svm_vm_init(struct nhv_vm *vm)
{
	int asid = ida_alloc_range(&svm_asids, 1, svm_nr_asids - 1, GFP_KERNEL);

	if (asid < 0)
		return asid == -ENOSPC ? -EBUSY : asid;
	vm->asid = asid;
	return 0;
}

static void svm_vm_destroy(struct nhv_vm *vm)
{
	if (vm->asid)
		ida_free(&svm_asids, vm->asid);
}

static void svm_set_seg(struct svm_seg *d, const struct nhv_segment *s)
{
	d->selector = s->selector;
	d->attrib = s->attrib & 0xfff;
	d->limit = s->limit;
	d->base = s->base;
}

static void svm_get_seg(struct nhv_segment *d, const struct svm_seg *s)
{
	d->selector = s->selector;
	d->attrib = s->attrib;
	d->limit = s->limit;
	d->base = s->base;
}

static void svm_set_sregs(struct nhv_vcpu *v, const struct nhv_sregs *s)
{
	struct vmcb *vmcb = vmcb_of(v);

	svm_set_seg(&vmcb->s.cs, &s->cs);
	svm_set_seg(&vmcb->s.ds, &s->ds);
	svm_set_seg(&vmcb->s.es, &s->es);
	svm_set_seg(&vmcb->s.fs, &s->fs);
	svm_set_seg(&vmcb->s.gs, &s->gs);
	svm_set_seg(&vmcb->s.ss, &s->ss);
	svm_set_seg(&vmcb->s.tr, &s->tr);
	svm_set_seg(&vmcb->s.ldtr, &s->ldtr);
	vmcb->s.gdtr.base = s->gdt.base;
	vmcb->s.gdtr.limit = s->gdt.limit;
	vmcb->s.idtr.base = s->idt.base;
	vmcb->s.idtr.limit = s->idt.limit;
	vmcb->s.cr0 = s->cr0;
	vmcb->s.cr2 = s->cr2;
	vmcb->s.cr3 = s->cr3;
	vmcb->s.cr4 = s->cr4;
	/* The guest's EFER.SVME must be set for VMRUN (15.5.1); it never sees it. */
	vmcb->s.efer = s->efer | EFER_SVME;
	/* CPL is SS.DPL in protected mode, 0 in real mode (15.5.1). */
	vmcb->s.cpl = (s->cr0 & X86_CR0_PE) ? (s->ss.attrib >> 5) & 3 : 0;
}

static void svm_get_sregs(struct nhv_vcpu *v, struct nhv_sregs *s)
{
	struct vmcb *vmcb = vmcb_of(v);

	svm_get_seg(&s->cs, &vmcb->s.cs);
	svm_get_seg(&s->ds, &vmcb->s.ds);
	svm_get_seg(&s->es, &vmcb->s.es);
	svm_get_seg(&s->fs, &vmcb->s.fs);
	svm_get_seg(&s->gs, &vmcb->s.gs);
	svm_get_seg(&s->ss, &vmcb->s.ss);
	svm_get_seg(&s->tr, &vmcb->s.tr);
	svm_get_seg(&s->ldtr, &vmcb->s.ldtr);
	s->gdt.base = vmcb->s.gdtr.base;
	s->gdt.limit = vmcb->s.gdtr.limit;
	s->idt.base = vmcb->s.idtr.base;
	s->idt.limit = vmcb->s.idtr.limit;
	s->cr0 = vmcb->s.cr0;
	s->cr2 = vmcb->s.cr2;
	s->cr3 = vmcb->s.cr3;
	s->cr4 = vmcb->s.cr4;
	s->efer = vmcb->s.efer & ~EFER_SVME;
}

static u64 svm_get_efer(struct nhv_vcpu *v)
{
	return vmcb_of(v)->s.efer & ~EFER_SVME;
}

static void svm_set_efer(struct nhv_vcpu *v, u64 efer)
{
	struct vmcb *vmcb = vmcb_of(v);

	/* LMA follows CR0.PG and EFER.LME; a write does not change it. */
	vmcb->s.efer = (efer & ~EFER_LMA) | (vmcb->s.efer & EFER_LMA) | EFER_SVME;
}

static u64 svm_get_pat(struct nhv_vcpu *v)
{
	return vmcb_of(v)->s.g_pat;
}

static void svm_set_pat(struct nhv_vcpu *v, u64 pat)
{
	vmcb_of(v)->s.g_pat = pat;
}

static u64 svm_get_cr(struct nhv_vcpu *v, int cr)
{
	struct vmcb *vmcb = vmcb_of(v);

	return cr == 0 ? vmcb->s.cr0 : cr == 3 ? vmcb->s.cr3 : vmcb->s.cr4;
}

static void svm_get_cs(struct nhv_vcpu *v, struct nhv_segment *cs)
{
	svm_get_seg(cs, &vmcb_of(v)->s.cs);
}

static bool svm_interruptible(struct nhv_vcpu *v)
{
	struct vmcb *vmcb = vmcb_of(v);

	return (v->regs.rflags & X86_EFLAGS_IF) &&
	       !(vmcb->c.int_state & INT_STATE_SHADOW) &&
	       !(vmcb->c.event_inj & EVENT_VALID) &&
	       !((struct svm_vcpu *)v->backend)->virq;
}

static bool svm_nmi_allowed(struct nhv_vcpu *v)
{
	return !(vmcb_of(v)->c.int_state & INT_STATE_SHADOW);
}

static bool svm_event_queued(struct nhv_vcpu *v)
{
	return (vmcb_of(v)->c.event_inj & EVENT_VALID) ||
	       ((struct svm_vcpu *)v->backend)->virq;
}

static bool svm_take_event(struct nhv_vcpu *v, struct nhv_event *ev)
{
	struct svm_vcpu *s = v->backend;
	struct vmcb *vmcb = s->vmcb;
	u64 e = vmcb->c.event_inj;

	if (!(e & EVENT_VALID) && s->virq) {
		vmcb->c.int_ctl &= ~INT_CTL_V_IRQ;
		s->virq = false;
		e = vmcb->c.int_vector | EVENT_VALID;	/* type 0: INTR */
	}
	if (!(e & EVENT_VALID))
		return false;
	vmcb->c.event_inj = 0;
	ev->valid = true;
	ev->vector = e & 0xff;
	ev->type = (e >> 8) & 7;
	ev->has_error = e & EVENT_ERR_VALID;
	ev->error = e >> 32;
	return true;
}

static u8 svm_get_cpl(struct nhv_vcpu *v)
{
	return vmcb_of(v)->s.cpl;
}

/*
 * The backdoor's intercepts follow the VM's setting at each entry: #GP
 * for CPL 3 port access and the pseudo counters, RDPMC for the latter
 * (15.9 instruction intercepts, 15.12 exception intercepts).
 */
static void svm_backdoor_intercepts(struct nhv_vcpu *v, struct vmcb *vmcb)
{
	u32 flags = READ_ONCE(v->vm->backdoor);

	if (flags & (NHV_BACKDOOR_USER | NHV_BACKDOOR_PMC))
		vmcb->c.intercept_exc |= BIT(X86_TRAP_GP);
	else
		vmcb->c.intercept_exc &= ~BIT(X86_TRAP_GP);
	if (flags & NHV_BACKDOOR_PMC)
		vmcb->c.intercept_misc1 |= MISC1_RDPMC;
	else
		vmcb->c.intercept_misc1 &= ~MISC1_RDPMC;
}

/*
 * 15.20: EVENTINJ, except for external interrupts, which go in as a
 * virtual interrupt (15.21.4: V_IRQ with the vector in V_INTR_VECTOR,
 * priority 15, TPR ignored, no VINTR intercept), taken as soon as the
 * guest can (it can now: nhv queues interrupts only then).  QEMU 7.2 TCG's
 * VMRUN delivers an EVENTINJ interrupt and leaves it as the CPU's pending
 * exception, so a round-robin kick right after VMRUN delivers it a second
 * time on the handler's first instruction (docs/vmm-design.md, "Testing
 * under QEMU TCG"); its virtual-interrupt path has no such fault.
 */
static void svm_queue_event(struct nhv_vcpu *v, const struct nhv_event *ev)
{
	struct svm_vcpu *s = v->backend;
	struct vmcb *vmcb = s->vmcb;
	u64 e = ev->vector | ((u64)ev->type << 8) | EVENT_VALID;

	if (ev->type == NHV_EV_INTR) {
		vmcb->c.int_vector = ev->vector;
		vmcb->c.int_ctl |= INT_CTL_V_IRQ | INT_CTL_V_PRIO | INT_CTL_V_IGN_TPR;
		vmcb->c.intercept_misc1 &= ~MISC1_VINTR;
		s->virq = true;
		return;
	}
	if (ev->has_error)
		e |= EVENT_ERR_VALID | ((u64)ev->error << 32);
	vmcb->c.event_inj = e;
}

/*
 * Interrupt window (15.21.4): a virtual interrupt that the guest would take
 * as soon as it can, intercepted (VINTR) before it is delivered.
 */
static void svm_irq_window(struct nhv_vcpu *v, bool enable)
{
	struct svm_vcpu *s = v->backend;
	struct vmcb *vmcb = s->vmcb;

	if (enable) {
		vmcb->c.int_ctl |= INT_CTL_V_IRQ | INT_CTL_V_PRIO | INT_CTL_V_IGN_TPR;
		vmcb->c.intercept_misc1 |= MISC1_VINTR;
	} else {
		/* A queued interrupt (svm_queue_event) keeps its V_IRQ. */
		if (!s->virq)
			vmcb->c.int_ctl &= ~(INT_CTL_V_IRQ | INT_CTL_V_PRIO |
					     INT_CTL_V_IGN_TPR);
		vmcb->c.intercept_misc1 &= ~MISC1_VINTR;
	}
}

static void svm_iret_exit(struct nhv_vcpu *v, bool enable)
{
	struct vmcb *vmcb = vmcb_of(v);

	if (enable)
		vmcb->c.intercept_misc1 |= MISC1_IRET;
	else
		vmcb->c.intercept_misc1 &= ~MISC1_IRET;
}

static void svm_decode_exit(struct nhv_vcpu *v, struct vmcb *vmcb,
			    struct nhv_exit *e)
{
	/* VMEXIT_INVALID is -1; some implementations store only 32 bits. */
	u64 code = (u32)vmcb->c.exit_code == EXIT_INVALID ? EXIT_INVALID :
		   vmcb->c.exit_code;

	memset(e, 0, sizeof(*e));
	e->hw_code = code;
	e->info1 = vmcb->c.exit_info1;
	e->info2 = vmcb->c.exit_info2;
	if (svm_nrips)
		e->next_rip = vmcb->c.next_rip;

	switch (code) {
	case EXIT_INTR:
	case EXIT_NMI:
	case EXIT_SMI:
		e->kind = NHV_X_NONE;
		break;
	case EXIT_EXCP_DB:
		e->kind = NHV_X_REINJECT;
		e->vector = X86_TRAP_DB;
		break;
	case EXIT_EXCP_AC:
		e->kind = NHV_X_REINJECT;
		e->vector = X86_TRAP_AC;
		e->has_error = true;
		e->error = e->info1;
		break;
	case EXIT_EXCP_GP:
		e->kind = NHV_X_GP;
		e->vector = X86_TRAP_GP;
		e->has_error = true;
		e->error = e->info1;
		e->next_rip = 0;
		break;
	case EXIT_RDPMC:
		e->kind = NHV_X_RDPMC;
		break;
	case EXIT_VMMCALL:
		e->kind = NHV_X_HYPERCALL;
		break;
	case EXIT_VINTR:
		e->kind = NHV_X_IRQ_WINDOW;
		break;
	case EXIT_CPUID:
		e->kind = NHV_X_CPUID;
		break;
	case EXIT_IRET:
		e->kind = NHV_X_IRET;
		break;
	case EXIT_INVD:
	case EXIT_WBINVD:
		e->kind = NHV_X_SKIP;
		break;
	case EXIT_HLT:
		e->kind = NHV_X_HLT;
		break;
	case EXIT_IOIO:
		e->kind = NHV_X_IO;
		e->port = e->info1 >> 16;
		e->io_in = e->info1 & IOIO_IN;
		e->io_string = e->info1 & (IOIO_STR | IOIO_REP);
		e->io_size = (e->info1 >> 4) & 7;	/* one-hot SZ8/SZ16/SZ32 */
		e->io_size = e->io_size == 4 ? 4 : e->io_size == 2 ? 2 : 1;
		e->next_rip = e->info2;
		break;
	case EXIT_MSR:
		e->kind = e->info1 ? NHV_X_WRMSR : NHV_X_RDMSR;
		break;
	case EXIT_SHUTDOWN:
		e->kind = NHV_X_SHUTDOWN;
		break;
	case EXIT_XSETBV:
		e->kind = NHV_X_XSETBV;
		break;
	case EXIT_NPF:
		e->kind = NHV_X_NPF;
		e->gpa = e->info2;
		e->npf_write = e->info1 & BIT(1);
		break;
	case EXIT_INVALID:
		e->kind = NHV_X_FAIL_ENTRY;
		break;
	default:
		if ((code >= EXIT_VMRUN && code <= EXIT_SKINIT) ||
		    (code >= EXIT_MONITOR && code <= EXIT_MWAIT_COND) ||
		    code == EXIT_RDPRU || code == EXIT_INVLPGA)
			e->kind = NHV_X_UD;
		else
			e->kind = NHV_X_UNHANDLED;
		break;
	}
}

static void svm_run(struct nhv_vcpu *v, struct nhv_exit *e)
{
	struct svm_vcpu *s = v->backend;
	struct vmcb *vmcb = s->vmcb;
	struct svm_cpu *c = this_cpu_ptr(&svm_cpus);
	int cpu = smp_processor_id();
	unsigned long host_dr[4];
	u64 ev;

	/* Moving RIP past an instruction ends its interrupt shadow. */
	if (v->regs.rip != s->exit_rip)
		vmcb->c.int_state &= ~INT_STATE_SHADOW;
	vmcb->s.rax = v->regs.gpr[NHV_RAX];
	vmcb->s.rsp = v->regs.gpr[NHV_RSP];
	vmcb->s.rip = v->regs.rip;
	vmcb->s.rflags = v->regs.rflags;
	svm_backdoor_intercepts(v, vmcb);

	/*
	 * One ASID per VM, so stale translations can come from another vCPU
	 * of the VM or an earlier VM with the ASID: flush them whenever this
	 * CPU last ran someone else or this vCPU last ran elsewhere (15.16).
	 */
	if (c->last_vcpu != v->serial || s->last_cpu != cpu) {
		vmcb->c.tlb_control = svm_flush_by_asid ? 3 : 1;
		c->last_vcpu = v->serial;
		s->last_cpu = cpu;
	} else {
		vmcb->c.tlb_control = 0;
	}
	vmcb->c.clean = 0;

	if (nhv_host_xcr0 && v->xcr0 != nhv_host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, v->xcr0);
	/* DR0-3 are not in the VMCB; DR6/DR7 are (15.5.1). */
	get_debugreg(host_dr[0], 0);
	get_debugreg(host_dr[1], 1);
	get_debugreg(host_dr[2], 2);
	get_debugreg(host_dr[3], 3);
	set_debugreg(v->dr[0], 0);
	set_debugreg(v->dr[1], 1);
	set_debugreg(v->dr[2], 2);
	set_debugreg(v->dr[3], 3);

	asm volatile("clgi" ::: "memory");
	raw_local_irq_enable();
	nhv_svm_vmrun(s->vmcb_pa, page_pa(c->host_vmcb), v->regs.gpr);
	raw_local_irq_disable();
	asm volatile("stgi" ::: "memory");

	get_debugreg(v->dr[0], 0);
	get_debugreg(v->dr[1], 1);
	get_debugreg(v->dr[2], 2);
	get_debugreg(v->dr[3], 3);
	set_debugreg(host_dr[0], 0);
	set_debugreg(host_dr[1], 1);
	set_debugreg(host_dr[2], 2);
	set_debugreg(host_dr[3], 3);
	if (nhv_host_xcr0) {
		/*
		 * An outer hypervisor may let the guest's XSETBV through
		 * without the intercept (QEMU 7.2 TCG's nested SVM does): the
		 * XCR0 loaded now is then the guest's own choice.  Keep it
		 * when it is one XSETBV would have accepted, and always give
		 * the host its own back.
		 */
		u64 xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);

		if (xcr0 != v->xcr0 && nhv_xcr0_valid(v, xcr0))
			v->xcr0 = xcr0;
		if (xcr0 != nhv_host_xcr0)
			xsetbv(XCR_XFEATURE_ENABLED_MASK, nhv_host_xcr0);
	}

	/* A refused VMRUN ran no guest code: keep the register cache. */
	if ((u32)vmcb->c.exit_code != EXIT_INVALID) {
		v->regs.gpr[NHV_RAX] = vmcb->s.rax;
		v->regs.gpr[NHV_RSP] = vmcb->s.rsp;
		v->regs.rip = vmcb->s.rip;
		v->regs.rflags = vmcb->s.rflags;
	}
	s->exit_rip = v->regs.rip;

	/*
	 * The CPU clears V_IRQ when the guest takes the interrupt (15.21.4);
	 * until then it stays queued.  One cut short by the exit is in
	 * EXITINTINFO and delivered again (15.7.2).
	 */
	if (s->virq && !(vmcb->c.int_ctl & INT_CTL_V_IRQ))
		s->virq = false;
	ev = vmcb->c.exit_int_info;
	vmcb->c.event_inj = 0;
	if ((ev & EVENT_VALID) && ((ev >> 8) & 7) == NHV_EV_INTR) {
		struct nhv_event again = {
			.valid = true, .type = NHV_EV_INTR, .vector = ev & 0xff,
		};

		svm_queue_event(v, &again);
	} else if (ev & EVENT_VALID) {
		vmcb->c.event_inj = ev;
	}
	svm_decode_exit(v, vmcb, e);
}

/* Reset state, 15.5 and the APM's INIT/RESET table (vol. 2 14.1.3). */
static void svm_vmcb_init(struct nhv_vcpu *v, struct vmcb *vmcb)
{
	struct svm_control *c = &vmcb->c;
	struct svm_save *s = &vmcb->s;

	c->intercept_exc = BIT(X86_TRAP_DB) | BIT(X86_TRAP_AC);
	c->intercept_misc1 = MISC1_INTR | MISC1_NMI | MISC1_CPUID | MISC1_INVD |
			     MISC1_HLT | MISC1_INVLPGA | MISC1_IOIO | MISC1_MSR |
			     MISC1_SHUTDOWN;
	c->intercept_misc2 = MISC2_VMRUN | MISC2_VMMCALL | MISC2_VMLOAD |
			     MISC2_VMSAVE | MISC2_STGI | MISC2_CLGI |
			     MISC2_SKINIT | MISC2_WBINVD | MISC2_MONITOR |
			     MISC2_MWAIT | MISC2_MWAIT_COND | MISC2_XSETBV |
			     MISC2_RDPRU;
	c->iopm_base_pa = page_pa(svm_iopm);
	c->msrpm_base_pa = page_pa(svm_msrpm);
	c->asid = v->vm->asid;
	c->int_ctl = INT_CTL_V_INTR_MASKING;
	c->nested_ctl = 1;
	c->nested_cr3 = __sme_set(__pa(v->vm->pt_root));

	s->cs.selector = 0xf000;
	s->cs.base = 0xffff0000;
	s->cs.limit = 0xffff;
	s->cs.attrib = 0x9b;
	s->ds.limit = s->es.limit = s->fs.limit = 0xffff;
	s->gs.limit = s->ss.limit = 0xffff;
	s->ds.attrib = s->es.attrib = s->fs.attrib = 0x93;
	s->gs.attrib = s->ss.attrib = 0x93;
	s->gdtr.limit = s->idtr.limit = 0xffff;
	s->ldtr.limit = s->tr.limit = 0xffff;
	s->ldtr.attrib = 0x82;
	s->tr.attrib = 0x8b;
	s->cr0 = X86_CR0_ET;
	s->efer = EFER_SVME;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->g_pat = 0x0007040600070406ULL;
	s->rflags = X86_EFLAGS_FIXED;
	s->rip = 0xfff0;
}

static int svm_vcpu_init(struct nhv_vcpu *v)
{
	struct svm_vcpu *s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	struct page *p;

	if (!s)
		return -ENOMEM;
	p = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!p) {
		kfree(s);
		return -ENOMEM;
	}
	s->vmcb = page_address(p);
	s->vmcb_pa = page_pa(p);
	s->last_cpu = -1;
	s->exit_rip = 0xfff0;
	v->backend = s;
	svm_vmcb_init(v, s->vmcb);
	return 0;
}

static void svm_vcpu_destroy(struct nhv_vcpu *v)
{
	struct svm_vcpu *s = v->backend;

	free_page((unsigned long)s->vmcb);
	kfree(s);
}

/* NPT entries have the host's long-mode format (15.25.5); all user, RWX. */
static u64 npt_table(phys_addr_t pa)
{
	return pa | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED;
}

static u64 npt_leaf(phys_addr_t pa, int level)
{
	u64 e = pa | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED |
		_PAGE_DIRTY;

	return level == 2 ? e | _PAGE_PSE : e;
}

static bool npt_present(u64 pte)
{
	return pte & _PAGE_PRESENT;
}

static phys_addr_t npt_addr(u64 pte)
{
	return __sme_clr(pte & PTE_PFN_MASK);
}

static struct nhv_ops svm_ops = {
	.name = "SVM",
	.vendor = NHV_VENDOR_SVM,
	.cpu_enable = svm_cpu_enable,
	.cpu_disable = svm_cpu_disable,
	.caps = svm_caps,
	.vm_init = svm_vm_init,
	.vm_destroy = svm_vm_destroy,
	.vcpu_init = svm_vcpu_init,
	.vcpu_destroy = svm_vcpu_destroy,
	.get_sregs = svm_get_sregs,
	.set_sregs = svm_set_sregs,
	.get_efer = svm_get_efer,
	.set_efer = svm_set_efer,
	.get_pat = svm_get_pat,
	.set_pat = svm_set_pat,
	.get_cr = svm_get_cr,
	.get_cs = svm_get_cs,
	.interruptible = svm_interruptible,
	.nmi_allowed = svm_nmi_allowed,
	.event_queued = svm_event_queued,
	.take_event = svm_take_event,
	.get_cpl = svm_get_cpl,
	.queue_event = svm_queue_event,
	.irq_window = svm_irq_window,
	.iret_exit = svm_iret_exit,
	.run = svm_run,
	.pt_table = npt_table,
	.pt_leaf = npt_leaf,
	.pt_present = npt_present,
	.pt_addr = npt_addr,
};

/* MSR permission map, 15.11: two bits (read, write) per MSR, three ranges. */
static void msrpm_allow(u8 *map, u32 msr)
{
	u32 bit;

	if (msr < 0x2000)
		bit = msr * 2;
	else if (msr >= 0xc0000000 && msr < 0xc0002000)
		bit = 0x800 * 8 + (msr - 0xc0000000) * 2;
	else
		bit = 0x1000 * 8 + (msr - 0xc0010000) * 2;
	map[bit / 8] &= ~(3 << (bit % 8));
}

static void svm_check_held(void *busy)
{
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME)
		cpumask_set_cpu(smp_processor_id(), busy);
}

const struct nhv_ops *nhv_svm_probe(void)
{
	static const u32 passthrough[] = {
		MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR,
		MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK, MSR_IA32_SYSENTER_CS,
		MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	};
	cpumask_var_t busy;
	u64 vm_cr;
	int i;

	rdmsrl(MSR_VM_CR, vm_cr);
	if (vm_cr & BIT(4)) {	/* VM_CR.SVMDIS, 15.30.1 */
		pr_err("refusing to load: SVM is disabled by firmware (VM_CR.SVMDIS)\n");
		return ERR_PTR(-EPERM);
	}
	if (cpuid_eax(0x80000000) < 0x8000000a) {
		pr_err("refusing to load: CPUID leaf 0x8000000a (SVM features) missing\n");
		return ERR_PTR(-ENODEV);
	}
	if (!(cpuid_edx(0x8000000a) & BIT(0))) {
		pr_err("refusing to load: SVM without nested paging (NPT)\n");
		return ERR_PTR(-ENODEV);
	}
	svm_nr_asids = cpuid_ebx(0x8000000a);
	if (svm_nr_asids < 2) {
		pr_err("refusing to load: SVM reports %u ASIDs\n", svm_nr_asids);
		return ERR_PTR(-ENODEV);
	}
	svm_nrips = cpuid_edx(0x8000000a) & BIT(3);
	svm_flush_by_asid = cpuid_edx(0x8000000a) & BIT(6);

	if (!zalloc_cpumask_var(&busy, GFP_KERNEL))
		return ERR_PTR(-ENOMEM);
	on_each_cpu(svm_check_held, busy, 1);
	if (!cpumask_empty(busy)) {
		pr_err("refusing to load: EFER.SVME is already set on CPU %u: another hypervisor (kvm_amd?) is using SVM\n",
		       cpumask_first(busy));
		free_cpumask_var(busy);
		return ERR_PTR(-EBUSY);
	}
	free_cpumask_var(busy);

	/* 15.10.1: 12 KiB I/O permission map, every port intercepted. */
	if (!svm_iopm)
		svm_iopm = alloc_pages(GFP_KERNEL, 2);
	if (!svm_msrpm)
		svm_msrpm = alloc_pages(GFP_KERNEL, 1);
	if (!svm_iopm || !svm_msrpm)
		return ERR_PTR(-ENOMEM);
	memset(page_address(svm_iopm), 0xff, 4 * PAGE_SIZE);
	memset(page_address(svm_msrpm), 0xff, 2 * PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(passthrough); i++)
		msrpm_allow(page_address(svm_msrpm), passthrough[i]);
	/* The nested walk has the host's depth (15.25.3): 5 levels with LA57. */
	svm_ops.pt_levels = (__read_cr4() & X86_CR4_LA57) ? 5 : 4;
	pr_info("SVM: %d-level NPT, %u ASIDs, NRIP save %s, flush by ASID %s\n", svm_ops.pt_levels,
		svm_nr_asids, svm_nrips ? "yes" : "no", svm_flush_by_asid ? "yes" : "no");
	return &svm_ops;
}

void nhv_svm_release(void)
{
	if (svm_iopm)
		__free_pages(svm_iopm, 2);
	if (svm_msrpm)
		__free_pages(svm_msrpm, 1);
	svm_iopm = NULL;
	svm_msrpm = NULL;
}
