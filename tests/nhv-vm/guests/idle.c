/*
 * idle.c - an idle guest for tests/bench/l2-bench.sh and core-qemu.t: the
 * least a guest does before it idles.  It prints "idle: ready" on COM1 and
 * then halts forever with interrupts on (STI; HLT), so its vCPU sleeps in
 * the hypervisor; an interrupt that still arrives (a device's) is taken by
 * an IDT whose every gate acknowledges the local APIC and returns.  It
 * touches only its own image, stack and IDT: what an idle VM costs L1 beyond
 * the guest memory it uses.
 */
#include "guest.h"

#define CODE_SEL	0x08		/* nhv-vm's boot GDT: flat 32-bit code */

struct gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));

static struct gate idt[256] __attribute__((aligned(8)));

/* Every vector: EOI to the local APIC (harmless for an exception), return. */
__asm__(".text\n"
	"idle_isr:\n"
	"	movl $0, 0xfee000b0\n"
	"	iret\n");
extern char idle_isr[];

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint32_t)idt };
	uint32_t isr = (uint32_t)idle_isr;

	(void)mbi;
	if (magic != MB_BOOT_MAGIC)
		debug_exit(1);
	for (int i = 0; i < 256; i++)
		idt[i] = (struct gate){ (uint16_t)isr, CODE_SEL, 0, 0x8e, (uint16_t)(isr >> 16) };
	__asm__ volatile("lidt %0" : : "m"(idtr));
	puts_serial("idle: ready\n");
	for (;;)
		__asm__ volatile("sti; hlt" : : : "memory");
}
