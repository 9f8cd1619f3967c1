// SPDX-License-Identifier: GPL-2.0
/*
 * lapic.c - the in-kernel local APIC of each vCPU: enough of an xAPIC for a
 * Linux guest's timer and interrupt bookkeeping.  Register facts: Intel SDM
 * vol. 3A chapter 11 (11.4 APIC base, 11.5.4 timer, 11.8 IRR/ISR/TPR/PPR/
 * EOI, 11.9 SVR, 11.6.1 ICR).
 *
 *   - the register page at the APIC base (0xfee00000 after reset) is MMIO:
 *     nested page faults there are decoded by emulate.c and answered here;
 *   - the timer in one-shot, periodic and TSC-deadline mode runs on an
 *     hrtimer; on expiry the LVT vector goes into the IRR and the vCPU is
 *     kicked (woken from HLT, or taken out of guest mode);
 *   - IRR, ISR, TPR, PPR and EOI follow the architecture: the highest IRR
 *     vector above the processor priority is delivered and moves to the
 *     ISR; EOI retires the highest ISR vector;
 *   - self IPIs (fixed, NMI) are delivered here; every other IPI (INIT,
 *     SIPI, other destinations) exits to user space as NHV_EXIT_IPI.
 *
 * The bus clock is 1 GHz: one timer tick is one nanosecond times the divide
 * value.  Periodic timers are never shorter than NHV_LAPIC_MIN_PERIOD_NS,
 * so a hostile guest cannot turn the host into an interrupt storm.
 *
 * Threads: the vCPU thread owns everything but the IRR, which the hrtimer
 * (hard interrupt context) and NHV_INTERRUPT callers set with atomic bit
 * operations; the timer is cancelled (and waited for) before the vCPU
 * thread changes the timer's configuration.
 */
#define pr_fmt(fmt) "nhv: " fmt

#include <linux/kernel.h>
#include <linux/hrtimer.h>
#include <linux/math64.h>
#include <asm/msr-index.h>
#include <asm/msr.h>
#include <asm/tsc.h>
#include "nhv_core.h"

#define NHV_LAPIC_MIN_PERIOD_NS	100000ULL	/* 100 us: 10 kHz at most */

/* Register offsets in the APIC page (SDM table 11-1). */
#define REG_ID		0x020
#define REG_VERSION	0x030
#define REG_TPR	0x080
#define REG_APR	0x090
#define REG_PPR	0x0a0
#define REG_EOI	0x0b0
#define REG_RRD	0x0c0
#define REG_LDR	0x0d0
#define REG_DFR	0x0e0
#define REG_SVR	0x0f0
#define REG_ISR	0x100
#define REG_TMR	0x180
#define REG_IRR	0x200
#define REG_ESR	0x280
#define REG_ICR_LO	0x300
#define REG_ICR_HI	0x310
#define REG_LVT_TIMER	0x320
#define REG_LVT_ERROR	0x370
#define REG_TMICT	0x380
#define REG_TMCCT	0x390
#define REG_TDCR	0x3e0

#define SVR_ENABLE	BIT(8)
#define LVT_MASKED	BIT(16)
#define LVT_TIMER_MODE	(3U << 17)
#define LVT_ONESHOT	(0U << 17)
#define LVT_PERIODIC	(1U << 17)
#define LVT_DEADLINE	(2U << 17)
#define ESR_ILLEGAL_REG	BIT(7)
#define ICR_DELIVERY(x)	(((x) >> 8) & 7)
#define ICR_FIXED	0
#define ICR_NMI		4
#define ICR_SHORTHAND(x) (((x) >> 18) & 3)
#define ICR_SH_NONE	0
#define ICR_SH_SELF	1
#define ICR_WRITABLE	0x000ccfffU	/* vector, mode, dest mode, level, trigger, shorthand */

/* Version 0x14 (integrated APIC), six LVT entries (timer ... error). */
#define APIC_VERSION_VALUE	(0x14 | (5 << 16))

static int lvt_index(u32 off)
{
	return (off - REG_LVT_TIMER) >> 4;
}

static bool lapic_hw_enabled(struct nhv_lapic *a)
{
	return a->base_msr & MSR_IA32_APICBASE_ENABLE;
}

static u64 lapic_base(struct nhv_lapic *a)
{
	return a->base_msr & MSR_IA32_APICBASE_BASE;
}

/* The timer's divide value from TDCR bits 0, 1 and 3 (SDM figure 11-10). */
static u32 lapic_divide(struct nhv_lapic *a)
{
	u32 d = (a->tdcr & 3) | ((a->tdcr >> 1) & 4);

	return d == 7 ? 1 : 2U << d;
}

static u32 lapic_timer_lvt(struct nhv_lapic *a)
{
	return READ_ONCE(a->lvt[0]);
}

/*
 * Nanoseconds until the TSC reaches @deadline, rounded up: a timer set for
 * this long does not end before the deadline through rounding.  0 when it
 * is reached (or the TSC rate is unknown).
 */
static u64 lapic_tsc_ns(u64 deadline, u64 now)
{
	u64 ns;

	if (deadline <= now || !tsc_khz)
		return 0;
	ns = mul_u64_u32_div(deadline - now, 1000000, tsc_khz) + 1;
	/* Beyond ~146 years is never: keep ktime from overflowing. */
	return min_t(u64, ns, 1ULL << 62);
}

static enum hrtimer_restart lapic_timer_fired(struct hrtimer *t)
{
	struct nhv_lapic *a = container_of(t, struct nhv_lapic, timer);
	struct nhv_vcpu *v = container_of(a, struct nhv_vcpu, lapic);
	u32 lvt = lapic_timer_lvt(a);
	u64 rest;

	/*
	 * The deadline is in TSC ticks and the hrtimer in L1's clock, which
	 * may run a little ahead of the TSC: an interrupt before the TSC
	 * reaches the deadline (SDM 11.5.4.1) would find the guest's timer
	 * not yet due and make it arm again for the rest, so wait the rest,
	 * once: a TSC behind on this CPU (L1's TSCs out of sync) cannot hold
	 * the interrupt back for long.
	 */
	if ((lvt & LVT_TIMER_MODE) == LVT_DEADLINE && !a->deadline_waited) {
		rest = lapic_tsc_ns(READ_ONCE(a->tsc_deadline), rdtsc());
		if (rest) {
			a->deadline_waited = true;
			hrtimer_forward_now(t, ns_to_ktime(rest));
			return HRTIMER_RESTART;
		}
	}
	if (!(lvt & LVT_MASKED)) {
		set_bit(lvt & 0xff, a->irr);
		nhv_vcpu_kick(v);
	}
	if ((lvt & LVT_TIMER_MODE) == LVT_PERIODIC && a->period_ns) {
		hrtimer_forward_now(t, ns_to_ktime(a->period_ns));
		return HRTIMER_RESTART;
	}
	if ((lvt & LVT_TIMER_MODE) == LVT_DEADLINE)
		WRITE_ONCE(a->tsc_deadline, 0);
	return HRTIMER_NORESTART;
}

static void lapic_timer_stop(struct nhv_lapic *a)
{
	hrtimer_cancel(&a->timer);
	a->period_ns = 0;
}

/* TMICT written in one-shot or periodic mode: (re)start, or stop on 0. */
static void lapic_timer_start_count(struct nhv_lapic *a)
{
	u64 ns;

	lapic_timer_stop(a);
	if (!a->tmict)
		return;
	ns = (u64)a->tmict * lapic_divide(a);
	if ((lapic_timer_lvt(a) & LVT_TIMER_MODE) == LVT_PERIODIC) {
		ns = max(ns, NHV_LAPIC_MIN_PERIOD_NS);
		a->period_ns = ns;
	}
	hrtimer_start(&a->timer, ktime_add_ns(ktime_get(), ns), HRTIMER_MODE_ABS_HARD);
}

/* IA32_TSC_DEADLINE written in TSC-deadline mode; 0 disarms (SDM 11.5.4.1). */
static void lapic_timer_start_deadline(struct nhv_lapic *a, u64 deadline)
{
	u64 ns;

	lapic_timer_stop(a);
	WRITE_ONCE(a->tsc_deadline, deadline);
	if (!deadline)
		return;
	a->deadline_waited = false;
	ns = lapic_tsc_ns(deadline, rdtsc());
	hrtimer_start(&a->timer, ktime_add_ns(ktime_get(), ns), HRTIMER_MODE_ABS_HARD);
}

/* TMCCT: what is left of the count, in ticks (0 once a one-shot expired). */
static u32 lapic_current_count(struct nhv_lapic *a)
{
	u32 mode = lapic_timer_lvt(a) & LVT_TIMER_MODE;
	s64 left;

	if (!a->tmict || mode == LVT_DEADLINE || !hrtimer_active(&a->timer))
		return 0;
	left = ktime_to_ns(ktime_sub(hrtimer_get_expires(&a->timer), ktime_get()));
	if (left <= 0)
		return 0;
	if (mode == LVT_PERIODIC && a->period_ns > (u64)a->tmict * lapic_divide(a))
		left = div64_u64((u64)left * a->tmict * lapic_divide(a), a->period_ns);
	return min_t(u64, div_u64(left, lapic_divide(a)), a->tmict);
}

static int lapic_highest(const unsigned long *bits)
{
	unsigned long v = find_last_bit(bits, 256);

	return v < 256 ? (int)v : -1;
}

/* PPR from TPR and the highest vector in service (SDM 11.8.3.1). */
static u32 lapic_ppr(struct nhv_lapic *a)
{
	int isrv = lapic_highest(a->isr);
	u32 isr_class = isrv < 0 ? 0 : isrv & 0xf0;

	return (a->tpr & 0xf0) >= isr_class ? a->tpr & 0xff : isr_class;
}

int nhv_lapic_pending(struct nhv_vcpu *v)
{
	struct nhv_lapic *a = &v->lapic;
	int vec;

	if (!lapic_hw_enabled(a))
		return -1;
	vec = lapic_highest(a->irr);
	if (vec < 0 || (vec & 0xf0) <= (lapic_ppr(a) & 0xf0))
		return -1;
	return vec;
}

void nhv_lapic_accept(struct nhv_vcpu *v, int vec)
{
	clear_bit(vec, v->lapic.irr);
	__set_bit(vec, v->lapic.isr);
}

void nhv_lapic_set_irr(struct nhv_vcpu *v, int vec)
{
	set_bit(vec, v->lapic.irr);
}

bool nhv_lapic_claims(struct nhv_vcpu *v, u64 gpa)
{
	struct nhv_lapic *a = &v->lapic;

	return lapic_hw_enabled(a) && (gpa & PAGE_MASK) == lapic_base(a);
}

/* 32 bits of a 256-bit IRR/ISR, as the register at index idx shows them. */
static u32 lapic_bits_word(const unsigned long *bits, u32 idx)
{
	return bits[idx * 32 / BITS_PER_LONG] >> (idx * 32 % BITS_PER_LONG);
}

u64 nhv_lapic_read(struct nhv_vcpu *v, u64 gpa, int len)
{
	struct nhv_lapic *a = &v->lapic;
	u32 off = gpa & ~PAGE_MASK, val = 0;

	/* Registers are 32 bits wide at 16-byte strides; nothing else reads. */
	if (len != 4 || (off & 0xf))
		return 0;
	switch (off) {
	case REG_ID:
		val = v->id << 24;
		break;
	case REG_VERSION:
		val = APIC_VERSION_VALUE;
		break;
	case REG_TPR:
		val = a->tpr;
		break;
	case REG_PPR:
		val = lapic_ppr(a);
		break;
	case REG_LDR:
		val = a->ldr;
		break;
	case REG_DFR:
		val = a->dfr;
		break;
	case REG_SVR:
		val = a->svr;
		break;
	case REG_ISR ... REG_ISR + 0x70:
		val = lapic_bits_word(a->isr, (off - REG_ISR) >> 4);
		break;
	case REG_IRR ... REG_IRR + 0x70:
		val = lapic_bits_word(a->irr, (off - REG_IRR) >> 4);
		break;
	case REG_ESR:
		val = a->esr;
		break;
	case REG_ICR_LO:
		val = a->icr_lo;
		break;
	case REG_ICR_HI:
		val = a->icr_hi;
		break;
	case REG_LVT_TIMER ... REG_LVT_ERROR:
		val = READ_ONCE(a->lvt[lvt_index(off)]);
		break;
	case REG_TMICT:
		val = a->tmict;
		break;
	case REG_TMCCT:
		val = lapic_current_count(a);
		break;
	case REG_TDCR:
		val = a->tdcr;
		break;
	case REG_APR:
	case REG_RRD:
	case REG_TMR ... REG_TMR + 0x70:
	case REG_EOI:
		break;			/* no arbitration, remote read, or level mode */
	default:
		a->esr_pending |= ESR_ILLEGAL_REG;
		break;
	}
	return val;
}

static void lapic_write_lvt(struct nhv_lapic *a, u32 off, u32 val)
{
	/* Vector, delivery mode, polarity, trigger, mask; timer adds its mode. */
	static const u32 writable[6] = {
		0x000700ff, 0x000107ff, 0x000107ff, 0x0001a7ff, 0x0001a7ff, 0x000100ff,
	};
	int i = lvt_index(off);
	u32 old = a->lvt[i];

	val &= writable[i];
	if (!(a->svr & SVR_ENABLE))
		val |= LVT_MASKED;	/* software-disabled: masks stay set (11.4.7.2) */
	if (i == 0 && (val & LVT_TIMER_MODE) == (3U << 17))
		val = (val & ~LVT_TIMER_MODE) | (old & LVT_TIMER_MODE);	/* reserved mode */
	if (i == 0 && (val & LVT_TIMER_MODE) != (old & LVT_TIMER_MODE)) {
		/* A mode change disarms the timer (11.5.4.1). */
		lapic_timer_stop(a);
		a->tmict = 0;
		WRITE_ONCE(a->tsc_deadline, 0);
	}
	WRITE_ONCE(a->lvt[i], val);
}

/* ICR low written: deliver a self IPI here, hand everything else to user space. */
static int lapic_send_ipi(struct nhv_vcpu *v, u32 lo)
{
	struct nhv_lapic *a = &v->lapic;
	u32 sh = ICR_SHORTHAND(lo), mode = ICR_DELIVERY(lo);
	bool self = sh == ICR_SH_SELF ||
		    (sh == ICR_SH_NONE && !(lo & BIT(11)) && (a->icr_hi >> 24) == v->id);

	if (self && mode == ICR_FIXED) {
		if ((lo & 0xff) >= 16)
			set_bit(lo & 0xff, a->irr);
		else
			a->esr_pending |= BIT(5);	/* send illegal vector */
		return 0;
	}
	if (self && mode == ICR_NMI && sh == ICR_SH_NONE) {
		atomic_inc(&v->nmi_pending);
		return 0;
	}
	v->run->exit_reason = NHV_EXIT_IPI;
	v->run->ipi.icr_low = lo;
	v->run->ipi.icr_high = a->icr_hi;
	return 1;
}

int nhv_lapic_write(struct nhv_vcpu *v, u64 gpa, u64 val64, int len)
{
	struct nhv_lapic *a = &v->lapic;
	u32 off = gpa & ~PAGE_MASK, val = val64;
	int i, vec;

	if (len != 4 || (off & 0xf))
		return 0;
	switch (off) {
	case REG_TPR:
		a->tpr = val & 0xff;
		break;
	case REG_EOI:
		vec = lapic_highest(a->isr);
		if (vec >= 0)
			__clear_bit(vec, a->isr);
		break;
	case REG_LDR:
		a->ldr = val & 0xff000000;
		break;
	case REG_DFR:
		a->dfr = val | 0x0fffffff;
		break;
	case REG_SVR:
		a->svr = val & 0x3ff;
		if (!(a->svr & SVR_ENABLE))
			for (i = 0; i < ARRAY_SIZE(a->lvt); i++)
				WRITE_ONCE(a->lvt[i], a->lvt[i] | LVT_MASKED);
		break;
	case REG_ESR:
		/* A write latches the errors seen since the last one (11.5.3). */
		a->esr = a->esr_pending;
		a->esr_pending = 0;
		break;
	case REG_ICR_HI:
		a->icr_hi = val & 0xff000000;
		break;
	case REG_ICR_LO:
		a->icr_lo = val & ICR_WRITABLE;
		return lapic_send_ipi(v, a->icr_lo);
	case REG_LVT_TIMER ... REG_LVT_ERROR:
		lapic_write_lvt(a, off, val);
		break;
	case REG_TMICT:
		if ((lapic_timer_lvt(a) & LVT_TIMER_MODE) == LVT_DEADLINE)
			break;		/* ignored in TSC-deadline mode */
		a->tmict = val;
		lapic_timer_start_count(a);
		break;
	case REG_TDCR:
		a->tdcr = val & 0xb;
		break;
	case REG_ID:
	case REG_VERSION:
	case REG_APR:
	case REG_PPR:
	case REG_RRD:
	case REG_ISR ... REG_ISR + 0x70:
	case REG_TMR ... REG_TMR + 0x70:
	case REG_IRR ... REG_IRR + 0x70:
	case REG_TMCCT:
		break;			/* read-only */
	default:
		a->esr_pending |= ESR_ILLEGAL_REG;
		break;
	}
	return 0;
}

int nhv_lapic_rdmsr(struct nhv_vcpu *v, u32 msr, u64 *val)
{
	struct nhv_lapic *a = &v->lapic;

	switch (msr) {
	case MSR_IA32_APICBASE:
		*val = a->base_msr;
		return 0;
	case MSR_IA32_TSC_DEADLINE:
		*val = (lapic_timer_lvt(a) & LVT_TIMER_MODE) == LVT_DEADLINE ?
		       READ_ONCE(a->tsc_deadline) : 0;
		return 0;
	}
	return 1;
}

int nhv_lapic_wrmsr(struct nhv_vcpu *v, u32 msr, u64 val)
{
	struct nhv_lapic *a = &v->lapic;
	u64 keep = MSR_IA32_APICBASE_BSP;

	switch (msr) {
	case MSR_IA32_APICBASE:
		/*
		 * Base and global enable; no x2APIC (EXTD, bit 10: the CPUID
		 * bit is hidden), reserved bits and addresses past
		 * NHV_MAX_GUEST_PHYS fault.
		 */
		if (val & ~(MSR_IA32_APICBASE_BASE | MSR_IA32_APICBASE_ENABLE | keep) ||
		    (val & MSR_IA32_APICBASE_BASE) >= NHV_MAX_GUEST_PHYS)
			return 1;
		/* Globally disabled: as after reset, timer off (11.4.3). */
		if (!(val & MSR_IA32_APICBASE_ENABLE) && lapic_hw_enabled(a))
			nhv_lapic_reset(v);
		a->base_msr = (val & ~keep) | (a->base_msr & keep);
		return 0;
	case MSR_IA32_TSC_DEADLINE:
		if ((lapic_timer_lvt(a) & LVT_TIMER_MODE) == LVT_DEADLINE)
			lapic_timer_start_deadline(a, val);
		return 0;	/* ignored in the other modes (11.5.4.1) */
	}
	return 1;
}

/* Power-up state (SDM 11.4.7.1); the base MSR is left to the caller. */
void nhv_lapic_reset(struct nhv_vcpu *v)
{
	struct nhv_lapic *a = &v->lapic;
	int i;

	lapic_timer_stop(a);
	bitmap_zero(a->irr, 256);
	bitmap_zero(a->isr, 256);
	a->tpr = 0;
	a->ldr = 0;
	a->dfr = 0xffffffff;
	a->svr = 0xff;
	a->esr = a->esr_pending = 0;
	a->icr_lo = a->icr_hi = 0;
	for (i = 0; i < ARRAY_SIZE(a->lvt); i++)
		a->lvt[i] = LVT_MASKED;
	a->tmict = 0;
	a->tdcr = 0;
	a->tsc_deadline = 0;
}

void nhv_lapic_init(struct nhv_vcpu *v)
{
	struct nhv_lapic *a = &v->lapic;

	hrtimer_init(&a->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	a->timer.function = lapic_timer_fired;
	nhv_lapic_reset(v);
	/* xAPIC on at its reset address; vCPU 0 is the bootstrap processor. */
	a->base_msr = 0xfee00000ULL | MSR_IA32_APICBASE_ENABLE |
		      (v->id ? 0 : MSR_IA32_APICBASE_BSP);
}

void nhv_lapic_destroy(struct nhv_vcpu *v)
{
	hrtimer_cancel(&v->lapic.timer);
}
