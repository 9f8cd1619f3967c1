/*
 * perfctr.c - a multiboot guest that reads VMware's pseudo performance
 * counters (tests/nhv-vm/l2-vmware.t, monitor_control.pseudo_perfctr;
 * shared/reference/vmware-backdoor.md section 1 and 6.3): RDPMC of 0x10000
 * (host TSC), 0x10001 (real time, ns) and 0x10002 (apparent time, ns),
 * twice with a delay of about 100 ms of its own TSC, at CPL 0 and then at
 * CPL 3 with CR4.PCE clear (SDM vol. 2B RDPMC: #GP(0) there on hardware).
 * Each counter must grow, and each nanosecond delta must match the TSC
 * delta at the rate of CPUID 0x40000010 EAX (TSC kHz) within a factor of 2.
 * With "nopmc" on its command line (the key off) it goes to CPL 3 at once
 * and expects #GP(0) on RDPMC 0x10000.  Exit through isa-debug-exit:
 *   0x41  every read answered and plausible (with the key)
 *   0x42  #GP(0) on the CPL 3 RDPMC of 0x10000 ("nopmc")
 *   0x43  a counter did not grow or is out of proportion
 *   0x44  an unexpected fault, 0x45 no VMware leaves
 */
#include "ring3.h"

#define PMC_HW_TSC	0x10000u
#define PMC_REAL_NS	0x10001u
#define PMC_APPARENT_NS	0x10002u
#define CR4_PCE		(1u << 8)
/*
 * IOPL 3 for COM1 and isa-debug-exit from ring 3; RDPMC checks only CPL
 * and CR4.PCE (SDM vol. 2B RDPMC), not IOPL.  Bit 1 reserved (1), IF 0.
 */
#define EFLAGS_USER	0x3002u

extern char rdpmc_insn[];
static uint32_t tsc_khz;

static inline uint64_t rdpmc(uint32_t index)
{
	uint32_t lo, hi;

	__asm__ volatile("rdpmc" : "=a"(lo), "=d"(hi) : "c"(index));
	return (uint64_t)hi << 32 | lo;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static void cpuid(uint32_t leaf, uint32_t *r)
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}

static void put_hex64(uint64_t v)
{
	put_hex((uint32_t)(v >> 32));
	putc_serial('_');
	put_hex((uint32_t)v);
}

/* Within a factor of 2: ns * kHz and tsc * 10^6 (no 64-bit division here). */
static int in_proportion(uint64_t dtsc, uint64_t dns)
{
	uint64_t a = dns * tsc_khz, b = dtsc * 1000000u;

	return dns < (1ull << 40) && dtsc < (1ull << 40) && a < 2 * b && b < 2 * a;
}

/* Both reads, the delay between them, and the checks; 0 if all pass. */
static int sample(const char *where)
{
	static const uint32_t idx[3] = { PMC_HW_TSC, PMC_REAL_NS, PMC_APPARENT_NS };
	uint64_t first[3], second[3], d[3], t;
	int bad = 0;

	for (int i = 0; i < 3; i++)
		first[i] = rdpmc(idx[i]);
	t = rdtsc();
	while (rdtsc() - t < (uint64_t)tsc_khz * 100)
		__asm__ volatile("pause");
	for (int i = 0; i < 3; i++)
		second[i] = rdpmc(idx[i]);
	for (int i = 0; i < 3; i++) {
		d[i] = second[i] - first[i];
		puts_serial("perfctr: ");
		puts_serial(where);
		puts_serial(" ");
		put_hex(idx[i]);
		puts_serial(" ");
		put_hex64(first[i]);
		puts_serial(" -> ");
		put_hex64(second[i]);
		puts_serial(" delta ");
		put_hex64(d[i]);
		putc_serial('\n');
		if (second[i] <= first[i])
			bad = 1;
	}
	if (bad) {
		puts_serial("perfctr: a counter did not grow\n");
		return 1;
	}
	if (!in_proportion(d[0], d[1]) || !in_proportion(d[0], d[2])) {
		puts_serial("perfctr: the ns deltas are not the TSC delta at the TSC kHz of 0x40000010 (");
		put_uint(tsc_khz);
		puts_serial(")\n");
		return 1;
	}
	puts_serial("perfctr: ");
	puts_serial(where);
	puts_serial(": all three grew, ns in proportion to the TSC at ");
	put_uint(tsc_khz);
	puts_serial(" kHz\n");
	return 0;
}

void gp_handler(const uint32_t *frame)
{
	if (gp0_from_ring3_at(frame, rdpmc_insn)) {
		puts_serial("perfctr: #GP(0) on RDPMC 0x10000 at CPL 3\n");
		debug_exit(0x42);
	}
	puts_serial("perfctr: ");
	put_gp_frame(frame);
	putc_serial('\n');
	debug_exit(0x44);
}

void other_handler(void)
{
	puts_serial("perfctr: an exception other than #GP\n");
	debug_exit(0x44);
}

static void __attribute__((noinline, noreturn)) user_main(void)
{
	uint32_t cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	puts_serial("perfctr: at CPL ");
	put_uint(cs & 3);
	putc_serial('\n');
	user_exit(sample("CPL 3") ? 0x43 : 0x41);
}

/* The key off: RDPMC 0x10000 at CPL 3 with CR4.PCE clear must fault. */
static void __attribute__((noinline, noreturn)) user_nopmc(void)
{
	uint32_t lo, hi;

	puts_serial("perfctr: RDPMC 0x10000 at CPL 3\n");
	__asm__ volatile(".globl rdpmc_insn\n"
			 "rdpmc_insn: rdpmc" : "=a"(lo), "=d"(hi) : "c"(PMC_HW_TSC));
	puts_serial("perfctr: answered without the key: ");
	put_hex64((uint64_t)hi << 32 | lo);
	putc_serial('\n');
	user_exit(0x43);
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	uint32_t r[4], cr4;

	if (magic != MB_BOOT_MAGIC) {
		puts_serial("perfctr: not started by a multiboot loader\n");
		debug_exit(0x44);
	}
	ring3_tables();
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 & ~CR4_PCE));
	cpuid(0x40000000, r);
	if (r[0] < 0x40000010 || r[1] != 0x61774d56 || r[2] != 0x4d566572 || r[3] != 0x65726177) {
		puts_serial("perfctr: no VMwareVMware leaves\n");
		debug_exit(0x45);
	}
	cpuid(0x40000010, r);
	tsc_khz = r[0];
	puts_serial("perfctr: TSC ");
	put_uint(tsc_khz);
	puts_serial(" kHz (CPUID 0x40000010)\n");
	if (!tsc_khz) {
		puts_serial("perfctr: no TSC rate in 0x40000010\n");
		debug_exit(0x45);
	}
	if (cmdline_has(mbi, "nopmc"))
		ring3_enter(user_nopmc, EFLAGS_USER);
	if (sample("CPL 0"))
		debug_exit(0x43);
	ring3_enter(user_main, EFLAGS_USER);
}
