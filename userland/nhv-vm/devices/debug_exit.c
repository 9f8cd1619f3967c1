/*
 * debug_exit.c - QEMU's isa-debug-exit: a write of value v to the port
 * ends the VM with exit status (v << 1) | 1, so a test kernel's status
 * cannot be confused with a clean power-off (0).  Reads give 0.
 */
#include "userland/nhv-vm/devices/devices.h"

#include <stdlib.h>

struct debug_exit {
	struct vm *vm;
};

static void debug_exit_io(void *dev, uint16_t port, int is_write, uint32_t *data, unsigned int size)
{
	struct debug_exit *d = dev;
	uint32_t v;

	(void)port;
	if (!is_write) {
		*data = 0;
		return;
	}
	v = size >= 4 ? *data : *data & ((1u << (8 * size)) - 1);
	vm_request_exit(d->vm, (int)((v << 1) | 1));
}

int debug_exit_create(struct vm *vm, uint16_t port, uint16_t len)
{
	struct debug_exit *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return -1;
	d->vm = vm;
	if (bus_register_io(vm, port, len, debug_exit_io, d, "isa-debug-exit") < 0) {
		free(d);
		return -1;
	}
	return 0;
}
