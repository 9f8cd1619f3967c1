// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - module load and unload, /dev/nhv, and the per-CPU switch that
 * turns the virtualization extension on (VMXON or EFER.SVME) on every online
 * CPU, across CPU hotplug and suspend/resume.
 */
#define pr_fmt(fmt) "nhv: " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/syscore_ops.h>
#include <linux/reboot.h>
#include <linux/percpu.h>
#include <linux/delay.h>
#include <linux/spinlock.h>
#include <asm/fpu/xcr.h>
#include <asm/tsc.h>
#include "nhv_core.h"

const struct nhv_ops *nhv_ops;
u64 nhv_host_xcr0;

static DEFINE_PER_CPU(bool, nhv_cpu_on);
static enum cpuhp_state nhv_hp_state;
static bool nhv_rebooting;

/*
 * Threads using the extension from process context (NHV_RUN and the vCPU
 * ioctls and set-up that touch a VMCS/VMCB), and every vCPU, so that the
 * reboot notifier can stop them before it turns the extension off: a
 * VMREAD or VMRUN after VMXOFF / EFER.SVME=0 would be #UD in L1.
 */
static atomic_t nhv_hw_users = ATOMIC_INIT(0);
static LIST_HEAD(nhv_vcpu_list);
static DEFINE_SPINLOCK(nhv_vcpu_list_lock);

int nhv_hw_enter(void)
{
	atomic_inc(&nhv_hw_users);
	/* Pairs with the barrier in nhv_reboot. */
	smp_mb__after_atomic();
	if (READ_ONCE(nhv_rebooting)) {
		atomic_dec(&nhv_hw_users);
		return -EBUSY;
	}
	return 0;
}

void nhv_hw_exit(void)
{
	atomic_dec(&nhv_hw_users);
}

bool nhv_stopping(void)
{
	return READ_ONCE(nhv_rebooting);
}

/* For IPI handlers of the backends: is the extension enabled on this CPU? */
bool nhv_cpu_is_on(void)
{
	return this_cpu_read(nhv_cpu_on);
}

void nhv_vcpu_list_add(struct nhv_vcpu *v)
{
	spin_lock(&nhv_vcpu_list_lock);
	list_add(&v->node, &nhv_vcpu_list);
	spin_unlock(&nhv_vcpu_list_lock);
}

void nhv_vcpu_list_del(struct nhv_vcpu *v)
{
	spin_lock(&nhv_vcpu_list_lock);
	list_del(&v->node);
	spin_unlock(&nhv_vcpu_list_lock);
}

static int nhv_cpu_on_this(void)
{
	int r;

	if (this_cpu_read(nhv_cpu_on) || nhv_rebooting)
		return 0;
	r = nhv_ops->cpu_enable();
	if (r) {
		pr_err("cannot enable %s on cpu %d (%d)\n", nhv_ops->name,
		       smp_processor_id(), r);
		return r;
	}
	this_cpu_write(nhv_cpu_on, true);
	return 0;
}

static void nhv_cpu_off_this(void)
{
	if (!this_cpu_read(nhv_cpu_on))
		return;
	nhv_ops->cpu_disable();
	this_cpu_write(nhv_cpu_on, false);
}

static void nhv_cpu_off_ipi(void *unused)
{
	nhv_cpu_off_this();
}

/* CPU hotplug: runs on the CPU going online or offline. */
static int nhv_cpu_online(unsigned int cpu)
{
	return nhv_cpu_on_this();
}

static int nhv_cpu_offline(unsigned int cpu)
{
	nhv_cpu_off_this();
	return 0;
}

/* Suspend and resume: only the boot CPU is left running here. */
static int nhv_suspend(void)
{
	nhv_cpu_off_this();
	return 0;
}

static void nhv_resume(void)
{
	nhv_cpu_on_this();
}

static struct syscore_ops nhv_syscore_ops = {
	.suspend = nhv_suspend,
	.resume = nhv_resume,
};

/*
 * Leave VMX operation / clear EFER.SVME before reboot: firmware and kexec'd
 * kernels expect the extension off.
 */
static int nhv_reboot(struct notifier_block *nb, unsigned long code, void *p)
{
	struct nhv_vcpu *v;
	int ms;

	WRITE_ONCE(nhv_rebooting, true);
	/* Pairs with the barrier in nhv_hw_enter. */
	smp_mb();
	/* vCPUs in NHV_RUN notice the flag at their next loop (or wake-up). */
	spin_lock(&nhv_vcpu_list_lock);
	list_for_each_entry(v, &nhv_vcpu_list, node)
		nhv_vcpu_kick(v);
	spin_unlock(&nhv_vcpu_list_lock);
	for (ms = 0; atomic_read(&nhv_hw_users) && ms < 2000; ms += 20)
		msleep(20);
	if (atomic_read(&nhv_hw_users)) {
		pr_warn("reboot: %d vCPU thread(s) still in the extension; leaving %s on\n",
			atomic_read(&nhv_hw_users), nhv_ops->name);
		return NOTIFY_OK;
	}
	on_each_cpu(nhv_cpu_off_ipi, NULL, 1);
	return NOTIFY_OK;
}

static struct notifier_block nhv_reboot_nb = {
	.notifier_call = nhv_reboot,
};

/* AMD-V or VT-x, whichever the CPU has (CPUID, not the kernel's flags). */
static const struct nhv_ops *nhv_probe(void)
{
	if (boot_cpu_has(X86_FEATURE_SVM))
		return nhv_svm_probe();
	if (cpuid_ecx(1) & BIT(5))
		return nhv_vmx_probe();
	pr_err("refusing to load: the CPU offers neither AMD-V (SVM) nor VT-x (VMX)\n");
	return ERR_PTR(-ENODEV);
}

static void nhv_release(void)
{
	nhv_svm_release();
	nhv_vmx_release();
}

static long nhv_dev_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct nhv_caps caps;

	switch (cmd) {
	case NHV_GET_API_VERSION:
		if (arg)
			return -EINVAL;
		return NHV_API_VERSION;
	case NHV_GET_CAPS:
		memset(&caps, 0, sizeof(caps));
		caps.vendor = nhv_ops->vendor;
		caps.max_vcpus = NHV_MAX_VCPUS;
		caps.max_mem_slots = NHV_MAX_MEM_SLOTS;
		caps.max_cpuid_entries = NHV_MAX_CPUID_ENTRIES;
		caps.run_size = PAGE_SIZE;
		caps.max_guest_phys = NHV_MAX_GUEST_PHYS;
		nhv_ops->caps(&caps);
		caps.flags |= NHV_CAP_LAPIC | NHV_CAP_BACKDOOR | NHV_CAP_LAZY_MEMORY;
		/* The guest TSC is L1's: a VMM need not measure it. */
		caps.tsc_khz = tsc_khz;
		if (copy_to_user((void __user *)arg, &caps, sizeof(caps)))
			return -EFAULT;
		return 0;
	case NHV_CREATE_VM:
		if (arg)
			return -EINVAL;
		return nhv_create_vm();
	default:
		return -ENOTTY;
	}
}

static const struct file_operations nhv_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = nhv_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice nhv_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "nhv",
	.fops = &nhv_dev_fops,
	.mode = 0600,
};

static int __init nhv_init(void)
{
	int r;

	nhv_ops = nhv_probe();
	if (IS_ERR(nhv_ops)) {
		nhv_release();
		return PTR_ERR(nhv_ops);
	}
	if (boot_cpu_has(X86_FEATURE_XSAVE))
		nhv_host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);

	cpus_read_lock();
	r = cpuhp_setup_state_cpuslocked(CPUHP_AP_ONLINE_DYN, "nhv:online",
					 nhv_cpu_online, nhv_cpu_offline);
	if (r < 0) {
		cpus_read_unlock();
		pr_err("%s could not be enabled on every CPU; not loading\n",
		       nhv_ops->name);
		nhv_release();
		return r;
	}
	nhv_hp_state = r;
	register_syscore_ops(&nhv_syscore_ops);
	cpus_read_unlock();
	register_reboot_notifier(&nhv_reboot_nb);

	preempt_notifier_inc();		/* before any vCPU can run */
	r = misc_register(&nhv_misc);
	if (r) {
		preempt_notifier_dec();
		pr_err("cannot register /dev/nhv (%d)\n", r);
		goto fail;
	}
	pr_info("%s backend ready on %u CPUs, /dev/nhv API %d\n",
		nhv_ops->name, num_online_cpus(), NHV_API_VERSION);
	return 0;
fail:
	unregister_reboot_notifier(&nhv_reboot_nb);
	unregister_syscore_ops(&nhv_syscore_ops);
	cpuhp_remove_state(nhv_hp_state);
	nhv_release();
	return r;
}

static void __exit nhv_exit(void)
{
	misc_deregister(&nhv_misc);
	preempt_notifier_dec();
	unregister_reboot_notifier(&nhv_reboot_nb);
	unregister_syscore_ops(&nhv_syscore_ops);
	cpuhp_remove_state(nhv_hp_state);
	nhv_release();
	pr_info("%s backend off\n", nhv_ops->name);
}

module_init(nhv_init);
module_exit(nhv_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nhv thin hypervisor: VMX/SVM, nested paging, /dev/nhv");
