/*
 * fakevm.h - a recording stand-in for the VM side of device.h, for the
 * device unit tests and fuzzers: the port and MMIO tables the devices
 * register in, interrupt lines, guest RAM in one buffer, and a record of
 * every event a device raised.
 */
#ifndef NHV_TEST_FAKEVM_H
#define NHV_TEST_FAKEVM_H

#include "userland/nhv-vm/devices/device.h"

#define FAKE_MAX_REGIONS 32
#define FAKE_MAX_DELIVERIES 256
#define FAKE_MAX_CALLBACKS 16

struct fake_region {
	uint64_t base, len;
	io_fn io;
	mmio_fn mmio;
	void *dev;
	const char *name;
};

struct fake_delivery {
	uint8_t dest, vector, delivery_mode;
	int dest_logical, level_triggered;
};

struct vm {
	struct fake_region io[FAKE_MAX_REGIONS], mmio[FAKE_MAX_REGIONS];
	unsigned int nio, nmmio;
	int irq_level[24];
	unsigned int irq_raises[24];	/* 0 -> 1 transitions per line */
	struct fake_delivery deliveries[FAKE_MAX_DELIVERIES];
	unsigned int ndeliveries;
	uint8_t *ram;
	uint64_t ram_size;
	unsigned int vcpus;
	unsigned int poweroffs, resets, exits;
	int exit_status;
	unsigned int guest_errors;
	char last_error[256];
	uint8_t console[65536];
	size_t console_len;
	console_input_fn input_fn;
	void *input_dev;
	void (*reset_fn[FAKE_MAX_CALLBACKS])(void *dev);
	void *reset_dev[FAKE_MAX_CALLBACKS];
	unsigned int nreset;
	void (*power_fn)(void *dev);
	void *power_dev;
	int quiet;	/* do not print guest errors */
};

/* A VM with ram_size bytes of zeroed RAM (abort on allocation failure). */
struct vm *fake_vm_new(uint64_t ram_size);
void fake_vm_free(struct vm *vm);

/* Accesses as a vCPU would make them; unclaimed reads give all ones. */
uint32_t fake_in(struct vm *vm, uint16_t port, unsigned int size);
void fake_out(struct vm *vm, uint16_t port, uint32_t val, unsigned int size);
uint64_t fake_mmio_read(struct vm *vm, uint64_t gpa, unsigned int len);
void fake_mmio_write(struct vm *vm, uint64_t gpa, uint64_t val, unsigned int len);

/* What the VM's side would do: console input, a reset, the power button. */
void fake_console_input(struct vm *vm, const char *s, size_t n);
void fake_vm_reset(struct vm *vm);
void fake_power_button(struct vm *vm);

#endif
