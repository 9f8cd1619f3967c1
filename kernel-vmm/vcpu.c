// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu.c - the vCPU file descriptor: registers, interrupt injection, the
 * mmap()ed struct nhv_run, and the run loop.  The loop gives the CPU back on
 * need_resched(), returns to user space on a pending signal (so a vCPU
 * thread can always be killed) and lets host interrupts in after every exit.
 */
#define pr_fmt(fmt) "nhv: " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <asm/fpu/api.h>
#include "nhv_core.h"

static atomic64_t nhv_vcpu_serial = ATOMIC64_INIT(0);

static bool nhv_irr_pending(struct nhv_vcpu *v)
{
	return find_first_bit(v->irr, 256) < 256;
}

/* Something that ends a HLT (halt.c): an interrupt, an NMI or a signal. */
bool nhv_vcpu_wake_pending(struct nhv_vcpu *v)
{
	return nhv_irr_pending(v) || nhv_lapic_pending(v) >= 0 ||
	       atomic_read(&v->nmi_pending) || signal_pending(current) ||
	       nhv_stopping();
}

/*
 * Move one pending event into the backend, or arm an exit for the moment
 * the guest can take it (interrupt window; IRET for a blocked NMI).
 * Interrupts are off: nothing can change the guest's state under us.
 */
static void nhv_inject_pending(struct nhv_vcpu *v)
{
	struct nhv_event ev = { .valid = true };
	unsigned long vec;
	int apic_vec;

	if (nhv_ops->event_queued(v))
		return;
	if (v->exc.valid) {
		nhv_ops->queue_event(v, &v->exc);
		v->exc.valid = false;
		return;
	}
	if (atomic_read(&v->nmi_pending)) {
		if (!v->nmi_masked && nhv_ops->nmi_allowed(v)) {
			atomic_dec(&v->nmi_pending);
			ev.type = NHV_EV_NMI;
			ev.vector = 2;
			nhv_ops->queue_event(v, &ev);
			v->nmi_masked = true;
			nhv_ops->iret_exit(v, true);
			return;
		}
	}
	/*
	 * Two sources: vectors user space injected as external interrupts
	 * (like a PIC's, outside the APIC's priority scheme) and the local
	 * APIC's IRR above the processor priority.  The higher vector wins.
	 */
	vec = find_last_bit(v->irr, 256);
	apic_vec = nhv_lapic_pending(v);
	if (vec < 256 || apic_vec >= 0 || v->run->request_interrupt_window) {
		if ((vec < 256 || apic_vec >= 0) && nhv_ops->interruptible(v)) {
			if (apic_vec >= 0 && (vec >= 256 || apic_vec > vec)) {
				nhv_lapic_accept(v, apic_vec);
				vec = apic_vec;
			} else {
				clear_bit(vec, v->irr);
			}
			ev.type = NHV_EV_INTR;
			ev.vector = vec;
			nhv_ops->queue_event(v, &ev);
			return;
		}
		nhv_ops->irq_window(v, true);
	}
}

/*
 * Returns nonzero if completing stopped the VM (INS into memory now gone),
 * negative if user space left an invalid reply (nothing changed then).
 */
static int nhv_complete_user_exit(struct nhv_vcpu *v)
{
	if (v->pending_backdoor)
		return nhv_backdoor_complete(v);
	if (v->pending_ins) {
		nhv_complete_string_in(v);
		return v->run->exit_reason == NHV_EXIT_INTERNAL;
	}
	if (v->pending_in_size) {
		u64 *rax = &v->regs.gpr[NHV_RAX];
		u32 data = READ_ONCE(v->run->io.data);

		switch (v->pending_in_size) {
		case 1:
			*rax = (*rax & ~0xffULL) | (data & 0xff);
			break;
		case 2:
			*rax = (*rax & ~0xffffULL) | (data & 0xffff);
			break;
		default:
			*rax = data;	/* 32-bit results zero-extend */
			break;
		}
		v->pending_in_size = 0;
	}
	if (v->pending_mmio_reg >= 0)
		nhv_complete_mmio(v);
	return 0;
}

static inline struct nhv_vcpu *pn_to_vcpu(struct preempt_notifier *pn)
{
	return container_of(pn, struct nhv_vcpu, pn);
}

static void nhv_sched_in(struct preempt_notifier *pn, int cpu)
{
	nhv_ops->vcpu_load(pn_to_vcpu(pn), cpu);
}

static void nhv_sched_out(struct preempt_notifier *pn, struct task_struct *next)
{
	nhv_ops->vcpu_put(pn_to_vcpu(pn));
}

static struct preempt_ops nhv_preempt_ops = {
	.sched_in = nhv_sched_in,
	.sched_out = nhv_sched_out,
};

/* Backend state follows the thread from CPU to CPU while it is in NHV_RUN. */
static void nhv_vcpu_load(struct nhv_vcpu *v)
{
	if (!nhv_ops->vcpu_load)
		return;
	preempt_disable();
	preempt_notifier_init(&v->pn, &nhv_preempt_ops);
	preempt_notifier_register(&v->pn);
	nhv_ops->vcpu_load(v, smp_processor_id());
	preempt_enable();
}

static void nhv_vcpu_put(struct nhv_vcpu *v)
{
	if (!nhv_ops->vcpu_load)
		return;
	preempt_disable();
	preempt_notifier_unregister(&v->pn);
	nhv_ops->vcpu_put(v);
	preempt_enable();
}

static int nhv_vcpu_run(struct nhv_vcpu *v)
{
	struct nhv_run *run = v->run;
	struct nhv_exit e;
	int r = 0;

	run->exit_reason = NHV_EXIT_NONE;
	r = nhv_complete_user_exit(v);
	if (r)
		return r < 0 ? r : 0;
	fpu_swap_kvm_fpstate(&v->fpu, true);
	nhv_vcpu_load(v);
	for (;;) {
		if (signal_pending(current)) {
			run->exit_reason = NHV_EXIT_INTR;
			r = -EINTR;
			break;
		}
		if (nhv_stopping()) {		/* the host reboots */
			r = -EBUSY;
			break;
		}
		cond_resched();

		preempt_disable();
		local_irq_disable();
		if (need_resched() || signal_pending(current)) {
			local_irq_enable();
			preempt_enable();
			continue;
		}
		if (test_thread_flag(TIF_NEED_FPU_LOAD))
			switch_fpu_return();
		/*
		 * Publish the CPU before looking for events: whoever sets one
		 * after this point sees v->cpu and kicks (nhv_vcpu_kick), and
		 * the kick waits, pending, until guest mode takes it.
		 */
		WRITE_ONCE(v->cpu, smp_processor_id());
		/* Pairs with the barrier in nhv_vcpu_kick. */
		smp_mb();
		nhv_inject_pending(v);
		nhv_ops->run(v, &e);
		WRITE_ONCE(v->cpu, -1);
		local_irq_enable();
		preempt_enable();

		run->exits++;
		if (nhv_handle_exit(v, &e))
			break;
	}
	nhv_vcpu_put(v);
	fpu_swap_kvm_fpstate(&v->fpu, false);
	run->if_flag = !!(v->regs.rflags & X86_EFLAGS_IF);
	run->ready_for_interrupt = run->if_flag && nhv_ops->interruptible(v);
	return r;
}

/*
 * Make a vCPU notice a new event: wake it from HLT, and take it out of guest
 * mode with an IPI (any IPI exits; the reschedule one needs no handler and
 * may be sent from interrupt context, which the LAPIC timer needs).
 */
void nhv_vcpu_kick(struct nhv_vcpu *v)
{
	int cpu;

	wake_up_interruptible(&v->wq);
	/* Event set before v->cpu is read; pairs with the run loop's barrier. */
	smp_mb();
	cpu = READ_ONCE(v->cpu);
	if (cpu >= 0 && cpu != raw_smp_processor_id() && cpu_online(cpu))
		smp_send_reschedule(cpu);
}

static int nhv_vcpu_interrupt(struct nhv_vcpu *v, const void __user *up)
{
	struct nhv_interrupt in;

	if (copy_from_user(&in, up, sizeof(in)))
		return -EFAULT;
	if (in.flags & ~(NHV_INTR_NMI | NHV_INTR_APIC))
		return -EINVAL;
	if (in.flags & NHV_INTR_NMI) {
		if (in.vector || (in.flags & NHV_INTR_APIC))
			return -EINVAL;
		atomic_inc(&v->nmi_pending);
	} else {
		/* 16-31 are illegal for the APIC too (SDM 11.5.2). */
		if (in.vector < 32 || in.vector > 255)
			return -EINVAL;
		if (in.flags & NHV_INTR_APIC)
			nhv_lapic_set_irr(v, in.vector);
		else
			set_bit(in.vector, v->irr);
	}
	nhv_vcpu_kick(v);
	return 0;
}

static long nhv_vcpu_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct nhv_vcpu *v = f->private_data;
	void __user *up = (void __user *)arg;
	struct nhv_sregs s;
	struct nhv_regs regs;
	long r;

	/* Injection must work while another thread sits in NHV_RUN. */
	if (cmd == NHV_INTERRUPT)
		return nhv_vcpu_interrupt(v, up);

	if (mutex_lock_killable(&v->lock))
		return -EINTR;
	if (nhv_hw_enter()) {
		mutex_unlock(&v->lock);
		return -EBUSY;
	}
	switch (cmd) {
	case NHV_RUN:
		r = arg ? -EINVAL : nhv_vcpu_run(v);
		break;
	case NHV_GET_REGS:
		r = copy_to_user(up, &v->regs, sizeof(v->regs)) ? -EFAULT : 0;
		break;
	case NHV_SET_REGS:
		r = -EFAULT;
		if (copy_from_user(&regs, up, sizeof(regs)))
			break;
		/* Reserved RFLAGS bits: 1 must be set, 3, 5, 15, 22-63 clear. */
		r = -EINVAL;
		if (!(regs.rflags & BIT(1)) ||
		    (regs.rflags & (BIT(3) | BIT(5) | BIT(15) | ~0x3fffffULL)))
			break;
		v->regs = regs;
		/* The registers set here win over a backdoor reply not yet taken. */
		v->pending_backdoor = false;
		r = 0;
		break;
	case NHV_GET_SREGS:
		memset(&s, 0, sizeof(s));
		nhv_ops->get_sregs(v, &s);
		s.xcr0 = v->xcr0;
		r = copy_to_user(up, &s, sizeof(s)) ? -EFAULT : 0;
		break;
	case NHV_SET_SREGS:
		r = -EFAULT;
		if (copy_from_user(&s, up, sizeof(s)))
			break;
		r = -EINVAL;
		if (s.gdt.reserved || s.idt.reserved ||
		    memchr_inv(s.reserved, 0, sizeof(s.reserved)))
			break;
		/* XCR0 is loaded into the real CPU: it must be one XSETBV accepts. */
		if (!nhv_xcr0_valid(v, s.xcr0))
			break;
		/* EFER: SCE, LME, LMA, NXE, FFXSR only (APM vol. 2 3.1.7). */
		if (s.efer & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX | EFER_FFXSR))
			break;
		v->xcr0 = s.xcr0;
		/*
		 * PAE paging without long mode: VMX loads the PDPTEs here, with
		 * preemption off, from RAM that must be pinned (pin.c).
		 */
		if ((s.cr0 & X86_CR0_PG) && (s.cr4 & X86_CR4_PAE) &&
		    !(s.efer & EFER_LMA))
			nhv_pin_gpa(v->vm, s.cr3 & ~0x1fULL);
		nhv_ops->set_sregs(v, &s);
		r = 0;
		break;
	default:
		r = -ENOTTY;
		break;
	}
	nhv_hw_exit();
	mutex_unlock(&v->lock);
	return r;
}

static vm_fault_t nhv_run_fault(struct vm_fault *vmf)
{
	struct nhv_vcpu *v = vmf->vma->vm_file->private_data;

	if (vmf->pgoff != 0)
		return VM_FAULT_SIGBUS;
	vmf->page = virt_to_page(v->run);
	get_page(vmf->page);
	return 0;
}

static const struct vm_operations_struct nhv_run_vm_ops = {
	.fault = nhv_run_fault,
};

static int nhv_vcpu_mmap(struct file *f, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff != 0 || vma->vm_end - vma->vm_start != PAGE_SIZE)
		return -EINVAL;
	vma->vm_ops = &nhv_run_vm_ops;
	return 0;
}

static void nhv_vcpu_free(struct nhv_vcpu *v)
{
	struct nhv_vm *vm = v->vm;

	nhv_vcpu_list_del(v);
	nhv_lapic_destroy(v);
	nhv_ops->vcpu_destroy(v);
	fpu_free_guest_fpstate(&v->fpu);
	free_page((unsigned long)v->run);
	mutex_lock(&vm->lock);
	clear_bit(v->id, vm->vcpu_ids);
	mutex_unlock(&vm->lock);
	kfree(v);
	nhv_vm_put(vm);
}

static int nhv_vcpu_release(struct inode *inode, struct file *f)
{
	nhv_vcpu_free(f->private_data);
	return 0;
}

static const struct file_operations nhv_vcpu_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = nhv_vcpu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = nhv_vcpu_mmap,
	.release = nhv_vcpu_release,
	.llseek = noop_llseek,
};

long nhv_create_vcpu(struct nhv_vm *vm, unsigned long id)
{
	struct nhv_vcpu *v;
	int r;

	if (id >= NHV_MAX_VCPUS)
		return -EINVAL;
	v = kzalloc(sizeof(*v), GFP_KERNEL_ACCOUNT);
	if (!v)
		return -ENOMEM;
	mutex_lock(&vm->lock);
	if (test_and_set_bit(id, vm->vcpu_ids)) {
		mutex_unlock(&vm->lock);
		kfree(v);
		return -EEXIST;
	}
	mutex_unlock(&vm->lock);

	v->vm = vm;
	v->id = id;
	v->serial = atomic64_inc_return(&nhv_vcpu_serial);
	v->cpu = -1;
	v->pending_mmio_reg = -1;
	v->npf_retry_gfn = ~0ULL;
	v->xcr0 = XFEATURE_MASK_FP;
	v->mtrr_def_type = 0xc06;	/* enabled, fixed off, write-back */
	mutex_init(&v->lock);
	init_waitqueue_head(&v->wq);
	/* Architectural reset state of RFLAGS and RDX (family/model/stepping). */
	v->regs.rflags = X86_EFLAGS_FIXED;
	v->regs.rip = 0xfff0;
	r = -ENOMEM;
	v->run = (struct nhv_run *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!v->run)
		goto fail_ids;
	if (!fpu_alloc_guest_fpstate(&v->fpu))
		goto fail_run;
	nhv_lapic_init(v);
	r = nhv_hw_enter();
	if (r)
		goto fail_fpu;
	r = nhv_ops->vcpu_init(v);
	nhv_hw_exit();
	if (r)
		goto fail_fpu;
	nhv_vcpu_list_add(v);
	kref_get(&vm->ref);
	r = anon_inode_getfd("nhv-vcpu", &nhv_vcpu_fops, v, O_RDWR | O_CLOEXEC);
	if (r < 0) {
		nhv_vcpu_free(v);
		return r;
	}
	return r;
fail_fpu:
	fpu_free_guest_fpstate(&v->fpu);
fail_run:
	free_page((unsigned long)v->run);
fail_ids:
	mutex_lock(&vm->lock);
	clear_bit(id, vm->vcpu_ids);
	mutex_unlock(&vm->lock);
	kfree(v);
	return r;
}
