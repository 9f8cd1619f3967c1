/*
 * ring3.h - what the test guests that run code at CPL 3 share (cpl3.c,
 * perfctr.c): a GDT with ring-0 and ring-3 flat segments and a TSS (SDM
 * vol. 3A 3.4.5, 7.2), an IDT whose #GP gate calls the guest's
 * gp_handler(frame) and every other exception's other_handler(), and the
 * IRET to ring 3 (SDM vol. 3A 6.12.1).  One translation unit per guest.
 */
#ifndef NHV_TEST_RING3_H
#define NHV_TEST_RING3_H

#include "guest.h"

#define KCODE		0x08
#define KDATA		0x10
#define UCODE		(0x18 | 3)
#define UDATA		(0x20 | 3)
#define TSS_SEL		0x28

struct tss32 {
	uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
	uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs, ldt;
	uint16_t trap, iomap;
};

static uint64_t gdt[6];
static uint64_t idt[32];
static struct tss32 tss;
static uint8_t kstack[4096] __attribute__((aligned(16)));
static uint8_t ustack[4096] __attribute__((aligned(16)));

void gp_stub(void);
void other_stub(void);
/* frame: error code, EIP, CS, EFLAGS (and ESP, SS from CPL 3). */
void gp_handler(const uint32_t *frame);
void other_handler(void);

/* The exception frame's address is gp_handler's argument. */
__asm__(".globl gp_stub\n"
	"gp_stub:\n"
	"	pushl %esp\n"
	"	call gp_handler\n"
	"1:	hlt\n"
	"	jmp 1b\n"
	".globl other_stub\n"
	"other_stub:\n"
	"	call other_handler\n"
	"2:	hlt\n"
	"	jmp 2b\n");

/* A segment descriptor (SDM vol. 3A 3.4.5): G and D/B set for 4 GiB code/data. */
static uint64_t seg(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
	return (limit & 0xffffu) | (uint64_t)(base & 0xffffffu) << 16 | (uint64_t)access << 40 |
	       (uint64_t)((limit >> 16) & 0xfu) << 48 | (uint64_t)(flags & 0xfu) << 52 |
	       (uint64_t)(base >> 24) << 56;
}

/* A 32-bit interrupt gate, DPL 0 (SDM vol. 3A 6.11). */
static uint64_t gate(void (*fn)(void))
{
	uint32_t off = (uint32_t)fn;

	return (off & 0xffffu) | (uint64_t)KCODE << 16 | (uint64_t)0x8e << 40 |
	       (uint64_t)(off >> 16) << 48;
}

/* Load the GDT, the IDT and the TSS; the kernel segments stay flat at CPL 0. */
static void ring3_tables(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) gdtr = { sizeof(gdt) - 1, (uint32_t)gdt },
				 idtr = { sizeof(idt) - 1, (uint32_t)idt };

	gdt[1] = seg(0, 0xfffff, 0x9a, 0xc);
	gdt[2] = seg(0, 0xfffff, 0x92, 0xc);
	gdt[3] = seg(0, 0xfffff, 0xfa, 0xc);
	gdt[4] = seg(0, 0xfffff, 0xf2, 0xc);
	tss.ss0 = KDATA;
	tss.esp0 = (uint32_t)(kstack + sizeof(kstack));
	tss.iomap = sizeof(tss);	/* no I/O bitmap: IOPL decides (SDM vol. 1 18.5.2) */
	gdt[5] = seg((uint32_t)&tss, sizeof(tss) - 1, 0x89, 0);
	for (int i = 0; i < 32; i++)
		idt[i] = gate(i == 13 ? gp_stub : other_stub);
	__asm__ volatile("lgdt %0\n"
			 "ljmp %1, $1f\n"
			 "1: movw %2, %%ax\n"
			 "movw %%ax, %%ds\n"
			 "movw %%ax, %%es\n"
			 "movw %%ax, %%ss\n"
			 "lidt %3\n"
			 "movw %4, %%ax\n"
			 "ltr %%ax"
			 : : "m"(gdtr), "i"(KCODE), "i"(KDATA), "m"(idtr), "i"(TSS_SEL) : "eax", "memory");
}

/* IRET to fn at CPL 3 with these EFLAGS (bit 1 set, IF clear). */
static void __attribute__((noreturn)) ring3_enter(void (*fn)(void), uint32_t eflags)
{
	__asm__ volatile("pushl %0\n"
			 "pushl %1\n"
			 "pushl %2\n"
			 "pushl %3\n"
			 "pushl %4\n"
			 "movw %w0, %%ax\n"
			 "movw %%ax, %%ds\n"
			 "movw %%ax, %%es\n"
			 "iret"
			 : : "r"(UDATA), "r"((uint32_t)(ustack + sizeof(ustack))), "r"(eflags),
			   "r"(UCODE), "r"((uint32_t)fn) : "eax", "memory");
	__builtin_unreachable();
}

/* 1 if the #GP of frame is #GP(0) at insn, from CPL 3. */
static int gp0_from_ring3_at(const uint32_t *frame, const char *insn)
{
	return frame[0] == 0 && frame[1] == (uint32_t)insn && (frame[2] & 3) == 3;
}

/* A #GP frame on COM1: "#GP error E eip I cs C", no newline. */
static void put_gp_frame(const uint32_t *frame)
{
	puts_serial("#GP error ");
	put_hex(frame[0]);
	puts_serial(" eip ");
	put_hex(frame[1]);
	puts_serial(" cs ");
	put_hex(frame[2]);
}

/* Ring 3: HLT would fault there, so the exit port is the last act. */
static void __attribute__((noreturn)) user_exit(uint8_t v)
{
	outb(DEBUG_EXIT, v);
	for (;;)
		__asm__ volatile("pause");
}

#endif
