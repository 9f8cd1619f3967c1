/*
 * fakevm.c - the recording stand-in for the VM side of device.h (see
 * fakevm.h).  Single-threaded: the tests drive one access at a time.
 */
#include "tests/nhv-vm/fakevm.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vm *fake_vm_new(uint64_t ram_size)
{
	struct vm *vm = calloc(1, sizeof(*vm));

	if (vm == NULL)
		abort();
	vm->ram = calloc(1, ram_size ? ram_size : 1);
	if (vm->ram == NULL)
		abort();
	vm->ram_size = ram_size;
	vm->vcpus = 1;
	vm->quiet = 1;
	return vm;
}

void fake_vm_free(struct vm *vm)
{
	free(vm->ram);
	free(vm);
}

static int overlaps(const struct fake_region *r, unsigned int n, uint64_t base, uint64_t len)
{
	for (unsigned int i = 0; i < n; i++)
		if (base < r[i].base + r[i].len && r[i].base < base + len)
			return 1;
	return 0;
}

int bus_register_io(struct vm *vm, uint16_t base, uint16_t len, io_fn fn, void *dev, const char *name)
{
	if (vm->nio == FAKE_MAX_REGIONS || len == 0 || overlaps(vm->io, vm->nio, base, len)) {
		fprintf(stderr, "fakevm: %s: ports %#x+%u overlap or table full\n", name, base, len);
		return -1;
	}
	vm->io[vm->nio++] = (struct fake_region){ .base = base, .len = len, .io = fn, .dev = dev, .name = name };
	return 0;
}

int bus_register_mmio(struct vm *vm, uint64_t base, uint64_t len, mmio_fn fn, void *dev, const char *name)
{
	if (vm->nmmio == FAKE_MAX_REGIONS || len == 0 || overlaps(vm->mmio, vm->nmmio, base, len)) {
		fprintf(stderr, "fakevm: %s: MMIO %#llx+%#llx overlaps or table full\n", name,
			(unsigned long long)base, (unsigned long long)len);
		return -1;
	}
	vm->mmio[vm->nmmio++] = (struct fake_region){ .base = base, .len = len, .mmio = fn, .dev = dev, .name = name };
	return 0;
}

static struct fake_region *find(struct fake_region *r, unsigned int n, uint64_t addr)
{
	for (unsigned int i = 0; i < n; i++)
		if (addr >= r[i].base && addr - r[i].base < r[i].len)
			return &r[i];
	return NULL;
}

uint32_t fake_in(struct vm *vm, uint16_t port, unsigned int size)
{
	struct fake_region *r = find(vm->io, vm->nio, port);
	uint32_t v = 0xffffffff;

	if (r == NULL)
		return size == 4 ? v : v & ((1u << (8 * size)) - 1);
	r->io(r->dev, port, 0, &v, size);
	return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

void fake_out(struct vm *vm, uint16_t port, uint32_t val, unsigned int size)
{
	struct fake_region *r = find(vm->io, vm->nio, port);

	if (r != NULL)
		r->io(r->dev, port, 1, &val, size);
}

uint64_t fake_mmio_read(struct vm *vm, uint64_t gpa, unsigned int len)
{
	struct fake_region *r = find(vm->mmio, vm->nmmio, gpa);
	uint64_t v = ~0ull;

	if (r != NULL)
		r->mmio(r->dev, gpa - r->base, 0, &v, len);
	return len == 8 ? v : v & ((1ull << (8 * len)) - 1);
}

void fake_mmio_write(struct vm *vm, uint64_t gpa, uint64_t val, unsigned int len)
{
	struct fake_region *r = find(vm->mmio, vm->nmmio, gpa);

	if (r != NULL)
		r->mmio(r->dev, gpa - r->base, 1, &val, len);
}

void vm_set_irq(struct vm *vm, unsigned int gsi, int level)
{
	if (gsi >= 24)
		abort();	/* a device bug: the tests want to see it */
	if (level && !vm->irq_level[gsi])
		vm->irq_raises[gsi]++;
	vm->irq_level[gsi] = !!level;
}

void vm_pulse_irq(struct vm *vm, unsigned int gsi)
{
	vm_set_irq(vm, gsi, 1);
	vm_set_irq(vm, gsi, 0);
}

void vm_deliver_apic(struct vm *vm, uint8_t dest, int dest_logical, uint8_t vector,
		     uint8_t delivery_mode, int level_triggered)
{
	if (vm->ndeliveries == FAKE_MAX_DELIVERIES)
		return;
	vm->deliveries[vm->ndeliveries++] = (struct fake_delivery){
		.dest = dest, .vector = vector, .delivery_mode = delivery_mode,
		.dest_logical = dest_logical, .level_triggered = level_triggered,
	};
}

void *vm_guest_ptr(struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (gpa > vm->ram_size || len > vm->ram_size - gpa)
		return NULL;
	return vm->ram + gpa;
}

uint64_t vm_ram_size(const struct vm *vm)
{
	return vm->ram_size;
}

unsigned int vm_vcpu_count(const struct vm *vm)
{
	return vm->vcpus;
}

void vm_request_poweroff(struct vm *vm)
{
	vm->poweroffs++;
}

void vm_request_reset(struct vm *vm)
{
	vm->resets++;
}

void vm_request_exit(struct vm *vm, int status)
{
	vm->exits++;
	vm->exit_status = status;
}

void vm_log_guest_error(struct vm *vm, const char *dev, const char *fmt, ...)
{
	va_list ap;
	int n;

	vm->guest_errors++;
	n = snprintf(vm->last_error, sizeof(vm->last_error), "%s: ", dev);
	va_start(ap, fmt);
	vsnprintf(vm->last_error + n, sizeof(vm->last_error) - n, fmt, ap);
	va_end(ap);
	if (!vm->quiet)
		fprintf(stderr, "fakevm: guest error: %s\n", vm->last_error);
}

void vm_console_output(struct vm *vm, const uint8_t *buf, size_t n)
{
	if (n > sizeof(vm->console) - vm->console_len)
		n = sizeof(vm->console) - vm->console_len;
	memcpy(vm->console + vm->console_len, buf, n);
	vm->console_len += n;
}

void vm_set_console_input(struct vm *vm, console_input_fn fn, void *dev)
{
	vm->input_fn = fn;
	vm->input_dev = dev;
}

void vm_on_reset(struct vm *vm, void (*fn)(void *dev), void *dev)
{
	if (vm->nreset == FAKE_MAX_CALLBACKS)
		abort();
	vm->reset_fn[vm->nreset] = fn;
	vm->reset_dev[vm->nreset++] = dev;
}

void vm_set_power_button(struct vm *vm, void (*fn)(void *dev), void *dev)
{
	vm->power_fn = fn;
	vm->power_dev = dev;
}

void fake_console_input(struct vm *vm, const char *s, size_t n)
{
	if (vm->input_fn != NULL)
		vm->input_fn(vm->input_dev, (const uint8_t *)s, n);
}

void fake_vm_reset(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nreset; i++)
		vm->reset_fn[i](vm->reset_dev[i]);
}

void fake_power_button(struct vm *vm)
{
	if (vm->power_fn != NULL)
		vm->power_fn(vm->power_dev);
}
