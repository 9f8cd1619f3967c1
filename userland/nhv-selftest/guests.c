/*
 * guests.c - guest code for nhv-selftest, assembled by the host compiler.
 * Real-mode blobs run with CS = 0 at GUEST_CODE; handlers sit at fixed
 * offsets the test puts into the IVT.  Only relative jumps are used, so a
 * blob works wherever it is loaded.
 */
#include "guests.h"

/* CPUID of the leaf in EAX (subleaf ECX), then stop with interrupts off. */
GUEST(g_cpuid_real, ".code16",
	"cpuid\n"
	"cli\n"
	"hlt\n");

/* OUT to the chosen port, IN from it, IN from an unchosen one. */
GUEST(g_io_real, ".code16",
	"mov $0x1234, %dx\n"
	"mov $0x5a, %al\n"
	"out %al, %dx\n"
	"in %dx, %eax\n"
	"mov %eax, %ebx\n"
	"in $0x80, %al\n"
	"mov %eax, %ecx\n"
	"cli\n"
	"hlt\n");

/* Sleep in HLT with interrupts on; the handler reports; then stop. */
GUEST(g_hlt_irq_real, ".code16",
	"sti\n"
	"hlt\n"
	"mov $0x99, %al\n"
	"out %al, $0x12\n"
	"cli\n"
	"hlt\n");

/* Interrupts off while reporting progress, then on: the pending one lands. */
GUEST(g_irq_window_real, ".code16",
	"cli\n"
	"mov $0x77, %al\n"
	"out %al, $0x12\n"
	"sti\n"
	"nop\n"
	"nop\n"
	"cli\n"
	"hlt\n");

/* Real-mode interrupt handler: report the vector in AL (set per vector). */
GUEST(g_isr_real, ".code16",
	"push %ax\n"
	"mov $0x30, %al\n"
	"out %al, $0x11\n"
	"pop %ax\n"
	"iret\n");

/* #UD handler: report, skip the 3-byte instruction, return. */
GUEST(g_ud_isr_real, ".code16",
	"mov $6, %al\n"
	"out %al, $0x13\n"
	"mov %sp, %bp\n"
	"addw $3, (%bp)\n"
	"iret\n");

/* #GP handler: report, skip the 2-byte RDMSR/WRMSR, return. */
GUEST(g_gp_isr_real, ".code16",
	"mov $13, %al\n"
	"out %al, $0x14\n"
	"mov %sp, %bp\n"
	"addw $2, (%bp)\n"
	"iret\n");

/* VMMCALL and VMRUN are not for L2: each must raise #UD. */
GUEST(g_ud_real, ".code16",
	"vmmcall\n"
	"vmrun\n"
	"cli\n"
	"hlt\n");

/* An unknown MSR raises #GP; EFER reads fine. */
GUEST(g_gp_real, ".code16",
	"mov $0x12345, %ecx\n"
	"rdmsr\n"
	"mov $0xc0000080, %ecx\n"
	"rdmsr\n"
	"mov %eax, %esi\n"
	"cli\n"
	"hlt\n");

GUEST(g_cpuid_prot, ".code32",
	"cpuid\n"
	"mov %eax, %esi\n"
	"out %eax, $0x10\n"
	"cli\n"
	"hlt\n");

/* 32-bit flat, no paging: an MMIO write, then a read into EAX. */
GUEST(g_mmio_prot, ".code32",
	"movl $0x12345678, 0xd0000000\n"
	"mov 0xd0000004, %eax\n"
	"movzbl 0xd0000008, %edx\n"
	"cli\n"
	"hlt\n");

/* Long mode: 64-bit store from a REX.W register, 32-bit load, byte load. */
GUEST(g_mmio_long, ".code64",
	"mov $0xd0000000, %ebx\n"
	"movabs $0x1122334455667788, %rax\n"
	"mov %rax, (%rbx)\n"
	"mov 8(%rbx), %ecx\n"
	"mov 0x10(%rbx), %r9b\n"
	"cli\n"
	"hlt\n");

/* With an empty IDT, #UD cannot be delivered: #GP, #DF, shutdown. */
GUEST(g_triple_prot, ".code32",
	"ud2\n");

/* Benchmarks: ECX round trips of CPUID or of OUT to a user-space port. */
GUEST(g_bench_cpuid, ".code64",
	"mov %ecx, %edi\n"
	"1:\n"
	"xor %eax, %eax\n"
	"cpuid\n"
	"dec %edi\n"
	"jnz 1b\n"
	"cli\n"
	"hlt\n");

GUEST(g_bench_io, ".code64",
	"1:\n"
	"out %al, $0x10\n"
	"dec %ecx\n"
	"jnz 1b\n"
	"cli\n"
	"hlt\n");

/* A guest that never exits by itself. */
GUEST(g_spin_long, ".code64",
	"1:\n"
	"jmp 1b\n");
