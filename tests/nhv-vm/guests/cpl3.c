/*
 * cpl3.c - a multiboot guest that calls the VMware backdoor from CPL 3
 * (tests/nhv-vm/l2-vmware.t, monitor_control.restrict_backdoor): its own
 * GDT, TSS and IDT (ring3.h) whose #GP gate reports, then IRET to ring 3
 * with IOPL 3 (SDM vol. 3A 6.12.1, vol. 1 18.5.1: with CPL <= IOPL the IN
 * is allowed, so it reaches the VMM as a port access, not as a #GP of the
 * I/O permission check).  In
 * ring 3: GETVERSION by IN on 0x5658.  Exit through isa-debug-exit:
 *   0x31  answered (EAX 6, EBX the magic)
 *   0x32  #GP(0) raised on that IN (restrict_backdoor)
 *   0x34  no answer (EAX all ones), 0x35 another fault
 */
#include "ring3.h"

#define MAGIC		0x564d5868u
#define PORT		0x5658u
#define CMD_GETVERSION	10u
#define EFLAGS_IOPL3	0x3002u	/* IOPL 3, bit 1 (reserved, 1), IF 0 */

extern char in_insn[];

void gp_handler(const uint32_t *frame)
{
	if (gp0_from_ring3_at(frame, in_insn)) {
		puts_serial("cpl3: #GP(0) on the IN from CPL 3\n");
		debug_exit(0x32);
	}
	puts_serial("cpl3: ");
	put_gp_frame(frame);
	puts_serial(", not the IN's\n");
	debug_exit(0x35);
}

void other_handler(void)
{
	puts_serial("cpl3: an exception other than #GP\n");
	debug_exit(0x35);
}

static void __attribute__((noinline, noreturn)) user_main(void)
{
	uint32_t eax = MAGIC, ebx = ~0u, ecx = CMD_GETVERSION, edx = PORT, cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	puts_serial("cpl3: at CPL ");
	put_uint(cs & 3);
	puts_serial(" with IOPL 3, GETVERSION by IN\n");
	__asm__ volatile(".globl in_insn\n"
			 "in_insn: inl %%dx, %%eax"
			 : "+a"(eax), "+b"(ebx), "+c"(ecx), "+d"(edx) : : "memory");
	if (eax == 6 && ebx == MAGIC) {
		puts_serial("cpl3: GETVERSION answered at CPL 3: eax 6, ebx the magic\n");
		user_exit(0x31);
	}
	puts_serial("cpl3: no answer: eax ");
	put_hex(eax);
	puts_serial(" ebx ");
	put_hex(ebx);
	putc_serial('\n');
	user_exit(0x34);
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	(void)mbi;
	if (magic != MB_BOOT_MAGIC) {
		puts_serial("cpl3: not started by a multiboot loader\n");
		debug_exit(0x35);
	}
	ring3_tables();
	ring3_enter(user_main, EFLAGS_IOPL3);
}
