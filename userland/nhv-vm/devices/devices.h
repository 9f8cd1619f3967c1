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

/*
 * ACPI fixed hardware: PM1a event block at evt_base (4 ports), PM1a control
 * block at cnt_base (2 ports), the reset register at reset_port (0xcf9;
 * 0 for none; FADT RESET_VALUE must have bit 2 set, e.g. 0x06), SCI on
 * sci_gsi.  Registers the power button.  The DSDT's \_S5 package must
 * give ACPI_PM_S5_SLP_TYP as SLP_TYPa.
 */
#define ACPI_PM_S5_SLP_TYP 5
int acpi_pm_create(struct vm *vm, uint16_t evt_base, uint16_t cnt_base, uint16_t reset_port, unsigned int sci_gsi);

/* PS/2 controller with nothing attached: 0x60/0x64, keyboard GSI 1; 0xfe resets the VM. */
int i8042_create(struct vm *vm, uint16_t data_port, uint16_t cmd_port, unsigned int kbd_gsi);

/*
 * MC146818 RTC + CMOS RAM at base, base+1 (0x70/0x71), century in 0x32;
 * ram_below_4g (guest RAM below the 32-bit MMIO hole) fills the BIOS
 * memory-size bytes.  No interrupts (see rtc_cmos.c).
 */
int rtc_cmos_create(struct vm *vm, uint16_t base, uint64_t ram_below_4g);

/* isa-debug-exit: ports port..port+len-1 (0xf4, 1 or 4); a write of v exits with (v << 1) | 1. */
int debug_exit_create(struct vm *vm, uint16_t port, uint16_t len);

/* QEMU fw_cfg, legacy I/O at base, base+1 (0x510): signature, ID, RAM_SIZE, NB_CPUS, MAX_CPUS. */
struct fw_cfg;
int fw_cfg_create(struct vm *vm, uint16_t base, struct fw_cfg **out);
/* Adds or replaces item key (data copied, at most 64 MiB, 64 items); -1 with a message on stderr. */
int fw_cfg_add(struct fw_cfg *f, uint16_t key, const void *data, size_t len);

/*
 * virtio over MMIO (version 2): a 4 KiB register window at base, interrupt
 * on gsi (level: high while InterruptStatus is not 0).  The VM announces
 * each to the guest (ACPI or virtio_mmio.device=4K@BASE:GSI).
 */
/*
 * Block device on the raw image at path; read-only when read_only is set
 * or the file cannot be opened for writing.  -1 with "PATH: why" on stderr.
 */
int virtio_blk_create(struct vm *vm, uint64_t base, unsigned int gsi, const char *path, int read_only);
/*
 * Network device with MAC mac on fd, one Ethernet frame per read/write (a
 * tap device, IFF_TAP | IFF_NO_PI), made non-blocking; the device owns fd
 * and a receive thread.  -1 with the reason on stderr.
 */
int virtio_net_create(struct vm *vm, uint64_t base, unsigned int gsi, int fd, const uint8_t mac[6]);
/* Entropy device filled from getrandom(). */
int virtio_rng_create(struct vm *vm, uint64_t base, unsigned int gsi);

#endif
