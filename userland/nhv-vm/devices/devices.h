/*
 * devices.h - the device models of nhv-vm and what the VM side calls in
 * them.  Each NAME_create registers the device's ports or MMIO region,
 * its reset hook and any console/power-button hook, and returns 0, or -1
 * with the reason on stderr.  Devices live as long as the process.
 */
#ifndef NHV_VM_DEVICES_H
#define NHV_VM_DEVICES_H

#include "userland/nhv-vm/devices/device.h"

/* 16550A UART at ports base..base+7 (COM1: 0x3f8, GSI 4); takes the console input. */
int uart8250_create(struct vm *vm, uint16_t base, unsigned int gsi);

/*
 * 82093AA I/O APIC at MMIO base (0xfec00000), 24 pins, APIC ID id.
 * eoi_reports: 1 when the VM will call ioapic_eoi() for every EOI of a
 * level-triggered vector (the local APIC's EOI broadcast); 0 makes level
 * entries reach the local APIC as edge so the guest clears Remote IRR by
 * rewriting the entry (see ioapic.c).
 */
struct ioapic;
int ioapic_create(struct vm *vm, uint64_t base, uint8_t id, int eoi_reports, struct ioapic **out);
/* Input gsi asserted (1) or deasserted (0): the VM's vm_set_irq.  -1 if gsi >= 24. */
int ioapic_set_irq(struct ioapic *io, unsigned int gsi, int level);
/* The local APIC's EOI for vector: clears Remote IRR, re-delivers lines still asserted. */
void ioapic_eoi(struct ioapic *io, uint8_t vector);

#endif
