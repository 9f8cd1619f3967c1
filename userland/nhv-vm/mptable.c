/*
 * mptable.c - the Intel MultiProcessor table (MP spec 1.4, chapter 4) in
 * the last KiB of base memory, where guests without ACPI look: one
 * processor entry per vCPU, an ISA bus, the IOAPIC, ISA IRQs 0-15
 * identity-mapped to its pins, and the usual LINT0 ExtINT / LINT1 NMI.
 */
#include <string.h>
#include "userland/nhv-vm/layout.h"
#include "userland/nhv-vm/loader.h"

#define MPF_LEN		16
#define MPC_HDR		44
#define MP_PROC		20
#define MP_SHORT	8
#define ISA_IRQS	16

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return (uint8_t)-s;
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

int mptable_build(struct vm *vm)
{
	size_t len = MPC_HDR + MP_PROC * vm->nvcpus + MP_SHORT * (2 + ISA_IRQS + 2);
	uint8_t *f = vm_guest_ptr(vm, GPA_EBDA, GPA_LOW_RAM_END - GPA_EBDA), *c, *p;
	uint8_t ioapic_id = (uint8_t)vm->nvcpus;
	uint16_t entries = 0;

	if (!f || MPF_LEN + len > GPA_LOW_RAM_END - GPA_EBDA)
		return -1;
	memset(f, 0, MPF_LEN + len);
	c = f + MPF_LEN;
	memcpy(c, "PCMP", 4);
	put16(c + 4, (uint16_t)len);
	c[6] = 4;				/* spec 1.4 */
	memcpy(c + 8, "NHV     ", 8);
	memcpy(c + 16, "NHV-VM      ", 12);
	put32(c + 36, (uint32_t)GPA_LAPIC);
	p = c + MPC_HDR;
	for (unsigned int i = 0; i < vm->nvcpus; i++, p += MP_PROC, entries++) {
		p[0] = 0;
		p[1] = (uint8_t)i;		/* APIC id */
		p[2] = 0x14;			/* APIC version */
		p[3] = (uint8_t)(1 | (i == 0 ? 2 : 0));	/* enabled, BSP */
		put32(p + 4, 0x600);		/* family 6 signature */
		put32(p + 8, 0x201);		/* FPU, APIC */
	}
	p[0] = 1;				/* bus 0: ISA */
	memcpy(p + 2, "ISA   ", 6);
	p += MP_SHORT;
	p[0] = 2;				/* I/O APIC */
	p[1] = ioapic_id;
	p[2] = 0x11;
	p[3] = 1;				/* usable */
	put32(p + 4, (uint32_t)GPA_IOAPIC);
	p += MP_SHORT;
	entries += 2;
	for (unsigned int irq = 0; irq < ISA_IRQS; irq++, p += MP_SHORT, entries++) {
		p[0] = 3;			/* I/O interrupt: INT, bus defaults */
		p[5] = (uint8_t)irq;
		p[6] = ioapic_id;
		p[7] = (uint8_t)irq;
	}
	p[0] = 4;				/* local interrupt: ExtINT -> LINT0 */
	p[1] = 3;
	p[6] = 0xff;
	p += MP_SHORT;
	p[0] = 4;				/* NMI -> LINT1 */
	p[1] = 1;
	p[6] = 0xff;
	p[7] = 1;
	entries += 2;
	put16(c + 34, entries);
	c[7] = sum(c, len);

	memcpy(f, "_MP_", 4);
	put32(f + 4, (uint32_t)(GPA_EBDA + MPF_LEN));
	f[8] = 1;				/* length in 16-byte units */
	f[9] = 4;
	f[10] = sum(f, MPF_LEN);
	return 0;
}
