/*
 * cpl3.c - a multiboot guest that calls the VMware backdoor from CPL 3
 * (tests/nhv-vm/l2-vmware.t, monitor_control.restrict_backdoor): its own
 * GDT with ring-3 segments and a TSS (SDM vol. 3A 3.4.5, 7.2), an IDT whose
 * #GP gate reports, then IRET to ring 3 with IOPL 3 (SDM vol. 3A 6.12.1,
 * vol. 1 18.5.1: with CPL <= IOPL the IN is allowed, so it reaches the
 * VMM as a port access, not as a #GP of the I/O permission check).  In
 * ring 3: GETVERSION by IN on 0x5658.  Exit through isa-debug-exit:
 *   0x31  answered (EAX 6, EBX the magic)
 *   0x32  #GP(0) raised on that IN (restrict_backdoor)
 *   0x34  no answer (EAX all ones), 0x35 another fault
 */
#include "guest.h"

#define MAGIC		0x564d5868u
#define PORT		0x5658u
#define CMD_GETVERSION	10u
#define KCODE		0x08
#define KDATA		0x10
#define UCODE		(0x18 | 3)
#define UDATA		(0x20 | 3)
#define TSS_SEL		0x28
#define EFLAGS_IOPL3	0x3002u	/* IOPL 3, bit 1 (reserved, 1), IF 0 */

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

extern char in_insn[];
void gp_stub(void);
void other_stub(void);

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

/* The exception frame from CPL 3: error code, EIP, CS, EFLAGS, ESP, SS. */
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

void gp_handler(const uint32_t *frame);
void other_handler(void);

void gp_handler(const uint32_t *frame)
{
	uint32_t err = frame[0], eip = frame[1], cs = frame[2];

	if (err == 0 && eip == (uint32_t)in_insn && (cs & 3) == 3) {
		puts_serial("cpl3: #GP(0) on the IN from CPL 3\n");
		debug_exit(0x32);
	}
	puts_serial("cpl3: #GP error ");
	put_hex(err);
	puts_serial(" eip ");
	put_hex(eip);
	puts_serial(" cs ");
	put_hex(cs);
	puts_serial(", not the IN's\n");
	debug_exit(0x35);
}

void other_handler(void)
{
	puts_serial("cpl3: an exception other than #GP\n");
	debug_exit(0x35);
}

/* Ring 3: HLT would fault here, so the exit port is the last act. */
static void __attribute__((noreturn)) user_exit(uint8_t v)
{
	outb(DEBUG_EXIT, v);
	for (;;)
		__asm__ volatile("pause");
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
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) gdtr = { sizeof(gdt) - 1, (uint32_t)gdt },
				 idtr = { sizeof(idt) - 1, (uint32_t)idt };

	(void)mbi;
	if (magic != MB_BOOT_MAGIC) {
		puts_serial("cpl3: not started by a multiboot loader\n");
		debug_exit(0x35);
	}
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
	__asm__ volatile("pushl %0\n"
			 "pushl %1\n"
			 "pushl %2\n"
			 "pushl %3\n"
			 "pushl %4\n"
			 "movw %w0, %%ax\n"
			 "movw %%ax, %%ds\n"
			 "movw %%ax, %%es\n"
			 "iret"
			 : : "r"(UDATA), "r"((uint32_t)(ustack + sizeof(ustack))), "r"(EFLAGS_IOPL3),
			   "r"(UCODE), "r"((uint32_t)user_main) : "eax", "memory");
	return 0;
}
