/*
 * ioapic.c - an 82093AA I/O APIC (Intel 82093AA data sheet, 290566):
 * IOREGSEL at base+0x00 and IOWIN at base+0x10, ID, version 0x11 with 24
 * redirection entries, arbitration ID, and the redirection table.  Edge
 * entries deliver on a rising input; level entries deliver while the input
 * is asserted and Remote IRR is clear, Remote IRR is set on delivery and
 * cleared by the local APIC's EOI for the entry's vector (ioapic_eoi) or
 * by rewriting the entry as edge-triggered.
 *
 * Inputs are logical levels (1 = asserted): the polarity bit is stored for
 * the guest but not applied, as in KVM and QEMU.  Fixed, lowest-priority
 * and NMI messages go to vm_deliver_apic; SMI, INIT and ExtINT have no
 * receiver here (no SMM, no 8259) and are dropped with a log line.
 *
 * Without EOI reports from the local APIC (eoi_reports = 0 at creation)
 * level entries are sent to the local APIC as edge-triggered, so the
 * guest's TMR bit stays clear and Linux's ioapic_ack_level() clears Remote
 * IRR itself with the mask + edge + level rewrite it uses for the 82093AA
 * (arch/x86/kernel/apic/io_apic.c, eoi_ioapic_pin()).
 */
#include "userland/nhv-vm/devices/devices.h"

#include <pthread.h>
#include <stdlib.h>

#define IOAPIC_PINS	24
#define IOAPIC_VERSION	0x11

#define REG_ID		0x00
#define REG_VER		0x01
#define REG_ARB		0x02
#define REG_REDTBL	0x10

#define RTE_VECTOR	0x000000ffull
#define RTE_DELMODE	0x00000700ull
#define RTE_DESTMODE	(1ull << 11)
#define RTE_DELIVS	(1ull << 12)
#define RTE_REMOTE_IRR	(1ull << 14)
#define RTE_LEVEL	(1ull << 15)
#define RTE_MASK	(1ull << 16)
#define RTE_WRITABLE	(0xffull << 56 | RTE_MASK | RTE_LEVEL | (1ull << 13) | RTE_DESTMODE | RTE_DELMODE | RTE_VECTOR)

enum { DM_FIXED = 0, DM_LOWEST = 1, DM_SMI = 2, DM_NMI = 4, DM_INIT = 5, DM_EXTINT = 7 };

struct ioapic {
	struct vm *vm;
	pthread_mutex_t lock;
	uint8_t initial_id;
	int eoi_reports;
	uint32_t regsel;
	uint8_t id;
	uint64_t rte[IOAPIC_PINS];
	uint32_t lines;		/* input levels, bit per pin */
};

/* Sends pin's message; sets Remote IRR for a level entry.  Caller holds the lock. */
static void deliver(struct ioapic *io, unsigned int pin)
{
	uint64_t e = io->rte[pin];
	uint8_t mode = (e & RTE_DELMODE) >> 8, vector = e & RTE_VECTOR;
	int level = (e & RTE_LEVEL) != 0;

	switch (mode) {
	case DM_FIXED:
	case DM_LOWEST:
		if (vector < 16) {
			vm_log_guest_error(io->vm, "ioapic", "pin %u: vector %u is reserved (expected 16-255), not delivered",
					   pin, vector);
			return;
		}
		break;
	case DM_NMI:
		level = 0;	/* NMI is edge-only (data sheet, delivery mode 100) */
		break;
	default:
		vm_log_guest_error(io->vm, "ioapic", "pin %u: delivery mode %u has no receiver (expected fixed, lowest priority or NMI)",
				   pin, mode);
		return;
	}
	if (level)
		io->rte[pin] |= RTE_REMOTE_IRR;
	vm_deliver_apic(io->vm, (uint8_t)(e >> 56), (e & RTE_DESTMODE) != 0, vector, mode,
			level && io->eoi_reports);
}

/* A level entry that is unmasked, asserted and not in service fires. */
static void service_level(struct ioapic *io, unsigned int pin)
{
	uint64_t e = io->rte[pin];

	if ((e & RTE_LEVEL) && !(e & (RTE_MASK | RTE_REMOTE_IRR)) && (io->lines & (1u << pin)))
		deliver(io, pin);
}

int ioapic_set_irq(struct ioapic *io, unsigned int gsi, int level)
{
	uint32_t bit;
	int was;

	if (gsi >= IOAPIC_PINS)
		return -1;
	bit = 1u << gsi;
	pthread_mutex_lock(&io->lock);
	was = (io->lines & bit) != 0;
	if (level)
		io->lines |= bit;
	else
		io->lines &= ~bit;
	if (io->rte[gsi] & RTE_LEVEL)
		service_level(io, gsi);
	else if (level && !was && !(io->rte[gsi] & RTE_MASK))
		deliver(io, gsi);	/* a masked edge is lost (data sheet, bit 16) */
	pthread_mutex_unlock(&io->lock);
	return 0;
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
	pthread_mutex_lock(&io->lock);
	for (unsigned int pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t e = io->rte[pin];

		if ((e & RTE_LEVEL) && (e & RTE_REMOTE_IRR) && (e & RTE_VECTOR) == vector) {
			io->rte[pin] &= ~RTE_REMOTE_IRR;
			service_level(io, pin);
		}
	}
	pthread_mutex_unlock(&io->lock);
}

static uint32_t reg_read(struct ioapic *io)
{
	uint32_t r = io->regsel & 0xff;

	switch (r) {
	case REG_ID:
	case REG_ARB:
		return (uint32_t)(io->id & 0x0f) << 24;
	case REG_VER:
		return (uint32_t)(IOAPIC_PINS - 1) << 16 | IOAPIC_VERSION;
	}
	if (r >= REG_REDTBL && r < REG_REDTBL + 2 * IOAPIC_PINS) {
		uint64_t e = io->rte[(r - REG_REDTBL) / 2];

		return (r & 1) ? (uint32_t)(e >> 32) : (uint32_t)e;
	}
	return 0;	/* unimplemented registers read as zero */
}

static void reg_write(struct ioapic *io, uint32_t val)
{
	uint32_t r = io->regsel & 0xff;
	unsigned int pin;
	uint64_t old, e;

	if (r == REG_ID) {
		io->id = (val >> 24) & 0x0f;
		return;
	}
	if (r < REG_REDTBL || r >= REG_REDTBL + 2 * IOAPIC_PINS)
		return;	/* version, arbitration and unimplemented registers are read-only */
	pin = (r - REG_REDTBL) / 2;
	old = io->rte[pin];
	if (r & 1)
		e = (old & 0xffffffffull) | (uint64_t)val << 32;
	else
		e = (old & ~0xffffffffull) | val;
	e = (e & RTE_WRITABLE) | (old & RTE_REMOTE_IRR);
	if (!(e & RTE_LEVEL))
		e &= ~RTE_REMOTE_IRR;	/* what Linux's mask+edge+level rewrite relies on */
	io->rte[pin] = e;
	service_level(io, pin);
}

static void ioapic_mmio(void *dev, uint64_t offset, int is_write, uint64_t *data, unsigned int len)
{
	struct ioapic *io = dev;

	pthread_mutex_lock(&io->lock);
	if (len != 4 || (offset != 0x00 && offset != 0x10)) {
		vm_log_guest_error(io->vm, "ioapic", "%s of %u bytes at offset %#llx (expected 4 bytes at 0x0 or 0x10)",
				   is_write ? "write" : "read", len, (unsigned long long)offset);
		if (!is_write)
			*data = 0;
	} else if (offset == 0x00) {
		if (is_write)
			io->regsel = (uint32_t)*data;
		else
			*data = io->regsel;
	} else if (is_write) {
		reg_write(io, (uint32_t)*data);
	} else {
		*data = reg_read(io);
	}
	pthread_mutex_unlock(&io->lock);
}

static void ioapic_reset_locked(struct ioapic *io)
{
	io->regsel = 0;
	io->id = io->initial_id;
	for (unsigned int pin = 0; pin < IOAPIC_PINS; pin++)
		io->rte[pin] = RTE_MASK;
}

static void ioapic_reset(void *dev)
{
	struct ioapic *io = dev;

	pthread_mutex_lock(&io->lock);
	ioapic_reset_locked(io);
	pthread_mutex_unlock(&io->lock);
}

int ioapic_create(struct vm *vm, uint64_t base, uint8_t id, int eoi_reports, struct ioapic **out)
{
	struct ioapic *io = calloc(1, sizeof(*io));

	if (io == NULL)
		return -1;
	io->vm = vm;
	io->initial_id = id & 0x0f;
	io->eoi_reports = eoi_reports;
	pthread_mutex_init(&io->lock, NULL);
	ioapic_reset_locked(io);
	if (bus_register_mmio(vm, base, 0x1000, ioapic_mmio, io, "ioapic") < 0) {
		pthread_mutex_destroy(&io->lock);
		free(io);
		return -1;
	}
	vm_on_reset(vm, ioapic_reset, io);
	*out = io;
	return 0;
}
