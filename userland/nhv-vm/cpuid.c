/*
 * cpuid.c - the CPUID policy nhv-vm gives a guest, and the TSC frequency
 * it tells the guest about.  The guest's TSC is the host's (no offset or
 * scaling), so its rate is measured here against CLOCK_MONOTONIC_RAW.
 *
 * Linux learns the TSC frequency without a PIT from tsc_early_khz= on its
 * command line (loader-bzimage.c), from CPUID 0x15 on Intel hosts (SDM
 * vol. 2A CPUID leaf 15H: TSC = crystal * EBX / EAX), and the hypervisor
 * leaf 0x40000010 (EAX: TSC kHz, EBX: APIC bus kHz, the VMware/ACRN
 * convention) is filled in for later personalities; the hypervisor
 * signature stays hidden (all zero) so no guest takes nhv for another
 * hypervisor.
 *
 * Hidden features, because nhv.ko does not switch their state between host
 * and guest: RDTSCP and RDPID (IA32_TSC_AUX), PKU (PKRU), and MPX, whose
 * XSAVE components go with it; nhv.ko reports the XSAVE size for the
 * guest's own XCR0.
 */
#include <cpuid.h>
#include <stdint.h>
#include <time.h>
#include <x86intrin.h>
#include "userland/nhv-vm/vm.h"

#define APIC_BUS_KHZ	1000000U	/* nhv.ko's LAPIC timer ticks at 1 GHz */
#define MEASURE_NS	10000000L	/* 10 ms: 0.01 % with a 1 us clock */

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC_RAW, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

uint64_t host_tsc_khz(void)
{
	struct timespec d = { 0, MEASURE_NS };
	uint64_t t0, t1, c0, c1;

	t0 = now_ns();
	c0 = __rdtsc();
	nanosleep(&d, NULL);
	t1 = now_ns();
	c1 = __rdtsc();
	if (t1 <= t0 || c1 <= c0)
		return 0;
	return (c1 - c0) * 1000000ULL / (t1 - t0);
}

static void put(struct nhv_cpuid_entry *e, unsigned int *n, uint32_t leaf, uint32_t reg,
		uint32_t value)
{
	e[*n] = (struct nhv_cpuid_entry){ .leaf = leaf, .reg = reg, .flags = NHV_CPUID_ANY_SUBLEAF,
					  .and_mask = 0, .or_mask = value };
	(*n)++;
}

/* Clears bits of leaf/subleaf 0. */
static void hide(struct nhv_cpuid_entry *e, unsigned int *n, uint32_t leaf, uint32_t reg,
		 uint32_t bits)
{
	e[*n] = (struct nhv_cpuid_entry){ .leaf = leaf, .reg = reg, .and_mask = ~bits };
	(*n)++;
}

#define BIT(n)			(1U << (n))
#define L7_EBX_MPX		BIT(14)
#define L7_ECX_PKU		BIT(3)
#define L7_ECX_OSPKE		BIT(4)
#define L7_ECX_RDPID		BIT(22)
#define LX1_EDX_RDTSCP		BIT(27)
#define XSAVE_MPX_PKRU		(BIT(3) | BIT(4) | BIT(9))

int vm_setup_cpuid(struct vm *vm)
{
	struct nhv_cpuid_entry e[16];
	unsigned int n = 0, max, b, c, d;

	if (!vm->tsc_khz)
		vm->tsc_khz = host_tsc_khz();
	__cpuid(0, max, b, c, d);
	if (max >= 0x15 && vm->tsc_khz) {
		put(e, &n, 0x15, NHV_CPUID_EAX, 1);
		put(e, &n, 0x15, NHV_CPUID_EBX, 1);
		put(e, &n, 0x15, NHV_CPUID_ECX, (uint32_t)(vm->tsc_khz * 1000));
	}
	hide(e, &n, 7, NHV_CPUID_EBX, L7_EBX_MPX);
	hide(e, &n, 7, NHV_CPUID_ECX, L7_ECX_PKU | L7_ECX_OSPKE | L7_ECX_RDPID);
	hide(e, &n, 0x80000001, NHV_CPUID_EDX, LX1_EDX_RDTSCP);
	hide(e, &n, 0xd, NHV_CPUID_EAX, XSAVE_MPX_PKRU);
	put(e, &n, 0x40000010, NHV_CPUID_EAX, (uint32_t)vm->tsc_khz);
	put(e, &n, 0x40000010, NHV_CPUID_EBX, APIC_BUS_KHZ);
	return vm->accel->set_cpuid(vm, e, n);
}
