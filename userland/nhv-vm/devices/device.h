/*
 * device.h - what a device model of nhv-vm sees of the VM: the port and
 * MMIO tables it registers in, interrupt lines, guest memory and the
 * events that end or reset the VM.  One file per device in this folder;
 * each exposes `int NAME_create(struct vm *vm, ...)` (prototypes in
 * devices.h) and keeps its own lock: handlers run on vCPU threads, several
 * at once.
 */
#ifndef NHV_VM_DEVICE_H
#define NHV_VM_DEVICE_H

#include <stddef.h>
#include <stdint.h>

struct vm;

/*
 * Port I/O: size is 1, 2 or 4; on a read the handler stores the value in
 * *data (bytes beyond size are ignored).  port is absolute.
 */
typedef void (*io_fn)(void *dev, uint16_t port, int is_write, uint32_t *data, unsigned int size);
/* MMIO: offset from the region's base; len 1, 2, 4 or 8. */
typedef void (*mmio_fn)(void *dev, uint64_t offset, int is_write, uint64_t *data, unsigned int len);

/* 0, or -1 when the range overlaps one already registered (a VMM bug: message on stderr). */
int bus_register_io(struct vm *vm, uint16_t base, uint16_t len, io_fn fn, void *dev, const char *name);
int bus_register_mmio(struct vm *vm, uint64_t base, uint64_t len, mmio_fn fn, void *dev, const char *name);

/* Interrupt line gsi (an IOAPIC pin, 0..23) raised (1) or lowered (0). */
void vm_set_irq(struct vm *vm, unsigned int gsi, int level);
/* An edge: raise then lower. */
void vm_pulse_irq(struct vm *vm, unsigned int gsi);
/* Deliver a message (IOAPIC redirection entry or MSI) to the local APIC(s). */
void vm_deliver_apic(struct vm *vm, uint8_t dest, int dest_logical, uint8_t vector,
		     uint8_t delivery_mode, int level_triggered);

/*
 * Host pointer to guest-physical [gpa, gpa + len) when all of it is guest
 * RAM, else NULL.  Devices must treat guest memory as hostile and
 * changing under them (read each field once).
 */
void *vm_guest_ptr(struct vm *vm, uint64_t gpa, uint64_t len);
uint64_t vm_ram_size(const struct vm *vm);
unsigned int vm_vcpu_count(const struct vm *vm);

/* VM-wide events a device can raise (from any thread). */
void vm_request_poweroff(struct vm *vm);		/* ACPI S5: exit status 0 */
void vm_request_reset(struct vm *vm);			/* i8042 0xfe, ACPI reset */
void vm_request_exit(struct vm *vm, int status);	/* isa-debug-exit */
/* A guest misuse worth a log line (rate-limited by the VM): names the device. */
void vm_log_guest_error(struct vm *vm, const char *dev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Serial console plumbing: bytes the guest wrote, and who takes input. */
void vm_console_output(struct vm *vm, const uint8_t *buf, size_t n);
typedef void (*console_input_fn)(void *dev, const uint8_t *buf, size_t n);
void vm_set_console_input(struct vm *vm, console_input_fn fn, void *dev);

/* Called (in registration order) when the VM resets, with every vCPU stopped. */
void vm_on_reset(struct vm *vm, void (*fn)(void *dev), void *dev);
/* The ACPI PM device registers who presses the power button (control `powerbtn`, SIGTERM). */
void vm_set_power_button(struct vm *vm, void (*fn)(void *dev), void *dev);

#endif
