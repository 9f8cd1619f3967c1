// SPDX-License-Identifier: GPL-2.0
/*
 * halt.c - a guest HLT with interrupts enabled (SDM Vol. 2A "HLT", APM
 * Vol. 3 "HLT"): the vCPU waits for an event that ends it.  Before it
 * sleeps it polls for such an event for up to its own halt_poll_ns, so a
 * wake-up that comes soon (a device's answer, a short timer) costs no
 * sleep and no wake-up of the thread.  The window adapts as KVM's does
 * (Documentation/virt/kvm/halt-polling.rst): it grows (x2, from 10 us) after
 * a halt shorter than the module's limit and shrinks (/2, to 0 below 10 us)
 * after a longer one, so a guest that is idle for long stops polling.
 *
 * Module parameters (/sys/module/nhv/parameters/): halt_poll_ns (the limit,
 * 0 = never poll; capped at NHV_HALT_POLL_CAP_NS), and read-only counters
 * of the halts a poll ended (halt_poll_ok) and of those it did not
 * (halt_poll_fail), over all VMs.
 */
#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/stat.h>
#include <linux/sysfs.h>
#include <linux/wait.h>
#include "nhv_core.h"

/* The default is KVM's on x86; no setting can make a vCPU spin longer. */
#define NHV_HALT_POLL_DEFAULT_NS	200000u
#define NHV_HALT_POLL_CAP_NS		2000000u
#define NHV_HALT_POLL_START_NS		10000u
#define NHV_HALT_POLL_GROW		2
#define NHV_HALT_POLL_SHRINK		2

static unsigned int halt_poll_ns = NHV_HALT_POLL_DEFAULT_NS;
module_param(halt_poll_ns, uint, 0644);
MODULE_PARM_DESC(halt_poll_ns,
		 "longest poll of a halted vCPU before it sleeps, ns (0 = off, capped at 2 ms)");

static atomic_long_t halt_poll_ok = ATOMIC_LONG_INIT(0);
static atomic_long_t halt_poll_fail = ATOMIC_LONG_INIT(0);

static int nhv_get_counter(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(kp->arg));
}

static const struct kernel_param_ops nhv_counter_ops = {
	.get = nhv_get_counter,
};

module_param_cb(halt_poll_ok, &nhv_counter_ops, &halt_poll_ok, 0444);
MODULE_PARM_DESC(halt_poll_ok, "halts ended by an event while polling");
module_param_cb(halt_poll_fail, &nhv_counter_ops, &halt_poll_fail, 0444);
MODULE_PARM_DESC(halt_poll_fail, "halts that polled, found nothing and slept");

static u32 nhv_halt_poll_limit(void)
{
	return min(READ_ONCE(halt_poll_ns), NHV_HALT_POLL_CAP_NS);
}

static void nhv_halt_poll_grow(struct nhv_vcpu *v, u32 limit)
{
	u32 val = v->halt_poll_ns * NHV_HALT_POLL_GROW;

	if (val < NHV_HALT_POLL_START_NS)
		val = NHV_HALT_POLL_START_NS;
	v->halt_poll_ns = min(val, limit);
}

static void nhv_halt_poll_shrink(struct nhv_vcpu *v)
{
	u32 val = v->halt_poll_ns / NHV_HALT_POLL_SHRINK;

	v->halt_poll_ns = val < NHV_HALT_POLL_START_NS ? 0 : val;
}

/*
 * Spin until an event is pending, for at most @ns, while nothing else wants
 * this CPU.  Interrupts stay enabled: the LAPIC timer and kicks still come.
 */
static bool nhv_halt_poll(struct nhv_vcpu *v, u64 start, u32 ns)
{
	u64 stop = start + ns;

	do {
		if (nhv_vcpu_wake_pending(v))
			return true;
		cpu_relax();
	} while (single_task_running() && !need_resched() &&
		 ktime_get_ns() < stop);
	return false;
}

void nhv_vcpu_halt(struct nhv_vcpu *v)
{
	u32 limit = nhv_halt_poll_limit();
	u64 start = ktime_get_ns();
	bool woken = false, guest_event;
	u64 ns;

	if (v->halt_poll_ns > limit)
		v->halt_poll_ns = limit;
	if (v->halt_poll_ns)
		woken = nhv_halt_poll(v, start, v->halt_poll_ns);
	if (!woken)
		wait_event_interruptible(v->wq, nhv_vcpu_wake_pending(v));
	ns = ktime_get_ns() - start;
	/* A signal or the host's reboot also ends a halt: not the guest's wake-up. */
	guest_event = !signal_pending(current) && !nhv_stopping();
	if (v->halt_poll_ns)
		atomic_long_inc(woken && guest_event ? &halt_poll_ok : &halt_poll_fail);

	if (!limit)
		v->halt_poll_ns = 0;
	else if (!guest_event)
		nhv_halt_poll_shrink(v);
	else if (ns <= v->halt_poll_ns)
		;				/* the window was right */
	else if (v->halt_poll_ns && ns > limit)
		nhv_halt_poll_shrink(v);	/* a long sleep: poll less */
	else if (v->halt_poll_ns < limit && ns < limit)
		nhv_halt_poll_grow(v, limit);	/* short, but longer than the window */
}
