/*
 * cpuid.c - the CPUID policy nhv-vm gives a guest, and the TSC frequency
 * it tells the guest about.  The guest's TSC is the host's (no offset or
 * scaling).  Its rate comes without measuring when someone knows it: the
 * backend (nhv.ko's NHV_GET_CAPS tsc_khz, KVM's KVM_GET_TSC_KHZ: accel-*.c
 * set vm->tsc_khz), else L0's hypervisor leaf 0x40000010 (EAX: TSC kHz,
 * VMware's and KVM's convention) when L1 runs under a hypervisor that
 * offers it.  Only then is it measured against CLOCK_MONOTONIC_RAW: that
 * takes 10 ms, so the first nhv-vm of an appliance boot keeps the result in
 * TSC_CACHE (RAM: it is measured again at every boot) and later ones read it.
 *
 * Linux learns the TSC frequency without a PIT from tsc_early_khz= on its
 * command line (loader-bzimage.c), from CPUID 0x15 on Intel hosts (SDM
 * vol. 2A CPUID leaf 15H: TSC = crystal * EBX / EAX; the crystal is given
 * as the 1 GHz APIC bus), and the hypervisor
 * leaf 0x40000010 (EAX: TSC kHz, EBX: APIC bus kHz, ECX: the backdoor
 * hypercall, VMware's convention) under VMware's signature (issue 13:
 * L2 guests see a VMware host), unless hypervisor.cpuid.v0 = FALSE.
 * The config's cpuid.* masks (cpuid-mask.h) come last and win.
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
#include "userland/nhv-vm/cpuid-mask.h"
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

/* L0's leaf 0x40000010 EAX (TSC kHz), or 0 when L1 sees no such leaf. */
static uint64_t l0_tsc_khz(void)
{
	unsigned int a, b, c, d;

	__cpuid(1, a, b, c, d);
	if (!(c & (1U << 31)))		/* no hypervisor */
		return 0;
	__cpuid(0x40000000, a, b, c, d);
	if (a < 0x40000010 || a > 0x400000ff)
		return 0;
	__cpuid(0x40000010, a, b, c, d);
	return a >= TSC_KHZ_MIN && a <= TSC_KHZ_MAX ? a : 0;
}

uint64_t host_tsc_khz(void)
{
	char *text, *end, buf[32];
	uint64_t khz = l0_tsc_khz();
	int n;

	if (khz)
		return khz;
	text = read_file(TSC_CACHE, 64, NULL);
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

static void add(struct cpuid_out *o, uint32_t leaf, uint32_t reg, uint32_t flags,
		uint32_t and_mask, uint32_t or_mask, const char *who)
{
	if (o->n == o->max)
		return;
	o->e[o->n] = (struct nhv_cpuid_entry){ .leaf = leaf, .reg = reg, .flags = flags,
					       .and_mask = and_mask, .or_mask = or_mask };
	o->who[o->n++] = who;
}

/* The whole register, every subleaf. */
static void put(struct cpuid_out *o, uint32_t leaf, uint32_t reg, uint32_t value, const char *who)
{
	add(o, leaf, reg, NHV_CPUID_ANY_SUBLEAF, 0, value, who);
}

/* Clears bits of leaf/subleaf 0. */
static void hide(struct cpuid_out *o, uint32_t leaf, uint32_t reg, uint32_t bits, const char *who)
{
	add(o, leaf, reg, 0, ~bits, 0, who);
}

#define BIT(n)			(1U << (n))
#define L7_EBX_MPX		BIT(14)
#define L7_ECX_PKU		BIT(3)
#define L7_ECX_OSPKE		BIT(4)
#define L7_ECX_RDPID		BIT(22)
#define LX1_EDX_RDTSCP		BIT(27)
#define L1_ECX_HYPERVISOR	BIT(31)
#define VMWARE_MAX_LEAF		0x40000010U
#define VMW_ECX_VMMCALL		BIT(0)	/* 0x40000010 ECX (vmware-backdoor.md section 7) */
#define VMW_ECX_VMCALL		BIT(1)

enum cpuid_vendor host_vendor(void)
{
	unsigned int a, b, c, d;

	__cpuid(0, a, b, c, d);
	(void)a;
	if ((b == 0x68747541 && d == 0x69746e65 && c == 0x444d4163) ||	/* AuthenticAMD */
	    (b == 0x6f677948 && d == 0x6e65476e && c == 0x656e6975))	/* HygonGenuine */
		return CPUID_AMD;
	return CPUID_INTEL;
}

static uint32_t str4(const char *s)
{
	return (uint32_t)(uint8_t)s[0] | (uint32_t)(uint8_t)s[1] << 8 |
	       (uint32_t)(uint8_t)s[2] << 16 | (uint32_t)(uint8_t)s[3] << 24;
}

void cpuid_policy(const struct vm_config *c, uint64_t tsc_khz, uint8_t hypercall,
		  enum cpuid_vendor vendor, uint32_t host_max, struct cpuid_out *o)
{
	struct nhv_cpuid_entry m[CPUID_MASK_MAX];
	unsigned int n;

	o->n = 0;
	/*
	 * The "crystal" is the APIC bus (Linux also derives its APIC timer
	 * period from ECX): TSC = 1 GHz * tsc_khz / 1000000.
	 */
	if (host_max >= 0x15 && tsc_khz) {
		put(o, 0x15, NHV_CPUID_EAX, APIC_BUS_KHZ, "nhv-vm (TSC rate)");
		put(o, 0x15, NHV_CPUID_EBX, (uint32_t)tsc_khz, "nhv-vm (TSC rate)");
		put(o, 0x15, NHV_CPUID_ECX, APIC_BUS_KHZ * 1000, "nhv-vm (TSC rate)");
	}
	hide(o, 7, NHV_CPUID_EBX, L7_EBX_MPX, "nhv-vm (state nhv.ko does not switch)");
	hide(o, 7, NHV_CPUID_ECX, L7_ECX_PKU | L7_ECX_OSPKE | L7_ECX_RDPID,
	     "nhv-vm (state nhv.ko does not switch)");
	hide(o, 0x80000001, NHV_CPUID_EDX, LX1_EDX_RDTSCP, "nhv-vm (state nhv.ko does not switch)");
	if (!c->hv_cpuid_v0) {
		/* As on hardware: no hypervisor bit, and 0x400000xx stay all zero (nhv.ko). */
		add(o, 1, NHV_CPUID_ECX, NHV_CPUID_ANY_SUBLEAF, ~L1_ECX_HYPERVISOR, 0,
		    "hypervisor.cpuid.v0");
	} else {
		/*
		 * The hypervisor-present bit (Linux then trusts the TSC-deadline
		 * timer instead of checking bare-metal microcode errata) and
		 * VMware's leaves (vmware-backdoor.md section 7).
		 */
		add(o, 1, NHV_CPUID_ECX, NHV_CPUID_ANY_SUBLEAF, ~0U, L1_ECX_HYPERVISOR,
		    "nhv-vm (hypervisor present)");
		put(o, 0x40000000, NHV_CPUID_EAX, VMWARE_MAX_LEAF, "nhv-vm (VMware signature)");
		put(o, 0x40000000, NHV_CPUID_EBX, str4("VMwa"), "nhv-vm (VMware signature)");
		put(o, 0x40000000, NHV_CPUID_ECX, str4("reVM"), "nhv-vm (VMware signature)");
		put(o, 0x40000000, NHV_CPUID_EDX, str4("ware"), "nhv-vm (VMware signature)");
		put(o, 0x40000010, NHV_CPUID_EAX, (uint32_t)tsc_khz, "nhv-vm (TSC kHz)");
		put(o, 0x40000010, NHV_CPUID_EBX, APIC_BUS_KHZ, "nhv-vm (APIC bus kHz)");
		put(o, 0x40000010, NHV_CPUID_ECX,
		    hypercall == NHV_BACKDOOR_VMCALL ? VMW_ECX_VMCALL :
		    hypercall == NHV_BACKDOOR_VMMCALL ? VMW_ECX_VMMCALL : 0,
		    "nhv-vm (backdoor hypercall)");
	}
	/* The config's masks last: they win, as on VMware. */
	n = cpuid_mask_policy(c->masks, vendor, m, CPUID_MASK_MAX);
	for (unsigned int i = 0; i < n; i++) {
		if (o->n == o->max)
			break;
		o->e[o->n] = m[i];
		o->who[o->n++] = "config";
	}
}

int vm_setup_cpuid(struct vm *vm)
{
	static struct nhv_cpuid_entry e[NHV_MAX_CPUID_ENTRIES];
	static const char *who[NHV_MAX_CPUID_ENTRIES];
	struct cpuid_out o = { .e = e, .who = who, .max = NHV_MAX_CPUID_ENTRIES };
	unsigned int max, b, c, d;

	if (!vm->tsc_khz)
		vm->tsc_khz = host_tsc_khz();
	__cpuid(0, max, b, c, d);
	cpuid_policy(vm->cfg, vm->tsc_khz, vm->hypercall, host_vendor(), max, &o);
	if (o.n == o.max) {
		errno = E2BIG;
		return -1;
	}
	return vm->accel->set_cpuid(vm, e, o.n);
}
