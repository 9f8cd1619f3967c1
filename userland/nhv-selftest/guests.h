/*
 * guests.h - the small guest programs nhv-selftest runs, assembled into the
 * binary (guests.c).  Each is loaded at GUEST_CODE in guest-physical memory.
 *
 * Ports the guests use to talk back (all chosen as user-space exits):
 *   0x10  "result" port: the guest reports a value
 *   0x11  interrupt handler ran; AL = its vector
 *   0x12  progress marker
 *   0x13  #UD handler ran
 *   0x14  #GP handler ran
 *   0x1234 I/O round trip
 */
#ifndef NHV_SELFTEST_GUESTS_H
#define NHV_SELFTEST_GUESTS_H

#include <stddef.h>

#include "userland/lib/nhvdev.h"

#define GUEST_CODE	0x1000
#define GUEST_STACK	TVM_STACK
#define GUEST_PML4	TVM_PML4
#define GUEST_MMIO	TVM_MMIO

struct guest {
	const unsigned char *start, *end;
};

#define GUEST_SIZE(g)	((size_t)((g).end - (g).start))

/* Define guest program NAME from assembly, in a file of nhv-selftest. */
#define GUEST(name, mode, body)						\
	__asm__(".pushsection .rodata\n"				\
		".globl " #name "_s\n" #name "_s:\n"			\
		mode "\n" body "\n.code64\n"				\
		".globl " #name "_e\n" #name "_e:\n"			\
		".popsection\n");					\
	extern const unsigned char name##_s[], name##_e[];		\
	const struct guest name = { name##_s, name##_e }

extern const struct guest g_cpuid_real, g_io_real, g_hlt_irq_real,
	g_irq_window_real, g_ud_real, g_gp_real, g_cpuid_prot, g_mmio_prot,
	g_mmio_long, g_triple_prot, g_bench_cpuid, g_bench_io, g_isr_real,
	g_ud_isr_real, g_gp_isr_real, g_spin_long;

#endif
