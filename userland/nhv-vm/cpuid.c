/*
 * cpuid.c - the CPUID policy nhv-vm gives a guest, and the TSC frequency
 * it tells the guest about.  The guest's TSC is the host's (no offset or
 * scaling), so its rate is measured here against CLOCK_MONOTONIC_RAW.
 *
 * The measurement takes 10 ms, so the first nhv-vm of an appliance boot
 * keeps the result in TSC_CACHE (RAM: it is measured again at every boot)
 * and later ones read it, which keeps their start-up short.
 *
 * Linux learns the TSC frequency without a PIT from tsc_early_khz= on its
 * command line (loader-bzimage.c), from CPUID 0x15 on Intel hosts (SDM
 * vol. 2A CPUID leaf 15H: TSC = crystal * EBX / EAX; the crystal is given
 * as the 1 GHz APIC bus), and the hypervisor
 * leaf 0x40000010 (EAX: TSC kHz, EBX: APIC bus kHz, the VMware/ACRN
 * convention) is filled in for later personalities; the hypervisor
 * signature stays hidden (all zero) so no guest takes nhv for another
 * hypervisor.
 *
 * Hidden features, because nhv.ko does not switch their state between host
 * and guest: RDTSCP and RDPID (IA32_TSC_AUX) and PKU (PKRU); MPX too, which
 * Linux no longer uses.  Linux leaves their XSAVE components out of XCR0
 * when the features are absent.
 */
#include <cpuid.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <stdint.h>
#include <time.h>
#include <x86intrin.h>
#include "userland/lib/atomic.h"
#include "userland/nhv-vm/vm.h"

#define APIC_BUS_KHZ	1000000U	/* nhv.ko's LAPIC timer ticks at 1 GHz */
#define MEASURE_NS	10000000L	/* 10 ms: 0.01 % with a 1 us clock */
#define TSC_CACHE_DIR	"/run/nhv"
#define TSC_CACHE	TSC_CACHE_DIR "/tsc_khz"
#define TSC_KHZ_MIN	100000ULL	/* 100 MHz .. 100 GHz: anything else is not a TSC rate */
#define TSC_KHZ_MAX	100000000ULL

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC_RAW, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

static uint64_t measure_tsc_khz(void)
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

uint64_t host_tsc_khz(void)
{
	char *text = read_file(TSC_CACHE, 64, NULL), *end, buf[32];
	uint64_t khz = 0;
	int n;

	if (text) {
		errno = 0;
		khz = strtoull(text, &end, 10);
		if (errno || end == text || (*end && *end != '\n') || khz < TSC_KHZ_MIN ||
		    khz > TSC_KHZ_MAX)
			khz = 0;
		free(text);
	}
	if (khz)
		return khz;
	khz = measure_tsc_khz();
	if (khz < TSC_KHZ_MIN || khz > TSC_KHZ_MAX)
		return khz;
	n = snprintf(buf, sizeof(buf), "%" PRIu64 "\n", khz);
	/* Best effort: without /run/nhv the next start measures again. */
	if (!mkdir(TSC_CACHE_DIR, 0755) || errno == EEXIST)
		atomic_write_file(TSC_CACHE, buf, (size_t)n, 0644);
	return khz;
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
#define L1_ECX_HYPERVISOR	BIT(31)

int vm_setup_cpuid(struct vm *vm)
{
	struct nhv_cpuid_entry e[16];
	unsigned int n = 0, max, b, c, d;

	if (!vm->tsc_khz)
		vm->tsc_khz = host_tsc_khz();
	__cpuid(0, max, b, c, d);
	/*
	 * The "crystal" is the APIC bus (Linux also derives its APIC timer
	 * period from ECX): TSC = 1 GHz * tsc_khz / 1000000.
	 */
	if (max >= 0x15 && vm->tsc_khz) {
		put(e, &n, 0x15, NHV_CPUID_EAX, APIC_BUS_KHZ);
		put(e, &n, 0x15, NHV_CPUID_EBX, (uint32_t)vm->tsc_khz);
		put(e, &n, 0x15, NHV_CPUID_ECX, APIC_BUS_KHZ * 1000);
	}
	/*
	 * The hypervisor-present bit (it is a VM; Linux then trusts the
	 * TSC-deadline timer instead of checking bare-metal microcode errata).
	 */
	e[n++] = (struct nhv_cpuid_entry){ .leaf = 1, .reg = NHV_CPUID_ECX,
					   .flags = NHV_CPUID_ANY_SUBLEAF, .and_mask = ~0U,
					   .or_mask = L1_ECX_HYPERVISOR };
	hide(e, &n, 7, NHV_CPUID_EBX, L7_EBX_MPX);
	hide(e, &n, 7, NHV_CPUID_ECX, L7_ECX_PKU | L7_ECX_OSPKE | L7_ECX_RDPID);
	hide(e, &n, 0x80000001, NHV_CPUID_EDX, LX1_EDX_RDTSCP);
	put(e, &n, 0x40000010, NHV_CPUID_EAX, (uint32_t)vm->tsc_khz);
	put(e, &n, 0x40000010, NHV_CPUID_EBX, APIC_BUS_KHZ);
	return vm->accel->set_cpuid(vm, e, n);
}
