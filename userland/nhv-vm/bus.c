/*
 * bus.c - the port and MMIO tables devices register in (device.h), and the
 * dispatch of I/O and MMIO exits to them.  Regions are registered before
 * any vCPU runs and never change afterwards, so lookups take no lock.
 * An access nobody claims reads all ones, is dropped on write, and is
 * logged (rate-limited) with the guest's RIP.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "userland/nhv-vm/vm.h"

static int add(struct bus *b, uint64_t base, uint64_t len, io_fn io, mmio_fn mmio, void *dev,
	       const char *name, const char *kind)
{
	unsigned int i;

	if (!len || base + len < base || b->n >= BUS_MAX_REGIONS) {
		fprintf(stderr, "nhv-vm: %s %s at %#" PRIx64 "+%#" PRIx64 ": %s\n", kind, name,
			base, len, b->n >= BUS_MAX_REGIONS ? "table full" : "bad range");
		return -1;
	}
	for (i = 0; i < b->n; i++) {
		if (base < b->r[i].base + b->r[i].len && b->r[i].base < base + len) {
			fprintf(stderr, "nhv-vm: %s %s at %#" PRIx64 "+%#" PRIx64
				" overlaps %s at %#" PRIx64 "+%#" PRIx64 "\n", kind, name, base,
				len, b->r[i].name, b->r[i].base, b->r[i].len);
			return -1;
		}
	}
	/* Kept sorted by base for the binary search. */
	for (i = b->n; i > 0 && b->r[i - 1].base > base; i--)
		b->r[i] = b->r[i - 1];
	b->r[i] = (struct bus_region){ base, len, io, mmio, dev, name };
	b->n++;
	return 0;
}

int bus_register_io(struct vm *vm, uint16_t base, uint16_t len, io_fn fn, void *dev, const char *name)
{
	if (add(&vm->io, base, len, fn, NULL, dev, name, "ports") ||
	    (uint32_t)base + len > 0x10000)
		return -1;
	for (uint32_t p = base; p < (uint32_t)base + len; p++)
		vm->io_exit_bitmap[p / 8] |= (uint8_t)(1U << (p % 8));
	return 0;
}

int bus_register_mmio(struct vm *vm, uint64_t base, uint64_t len, mmio_fn fn, void *dev, const char *name)
{
	return add(&vm->mmio, base, len, NULL, fn, dev, name, "MMIO");
}

static const struct bus_region *find(const struct bus *b, uint64_t addr)
{
	unsigned int lo = 0, hi = b->n;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (addr < b->r[mid].base)
			hi = mid;
		else if (addr >= b->r[mid].base + b->r[mid].len)
			lo = mid + 1;
		else
			return &b->r[mid];
	}
	return NULL;
}

/*
 * Ports a Linux guest probes for hardware this machine does not have (PIC,
 * PIT, DMA, VGA, PCI configuration, other serial and parallel ports, the
 * 0x80 delay port, Super I/O index ports): they float high without an exit and without a log line.
 */
static const struct { uint16_t base, len; } silent[] = {
	{ 0x00, 0x20 }, { 0x20, 2 }, { 0x2e, 2 }, { 0x4e, 2 }, { 0x40, 4 }, { 0x61, 1 }, { 0x80, 0x10 }, { 0x92, 1 },
	{ 0xa0, 2 }, { 0xc0, 0x20 }, { 0xed, 1 }, { 0x1f0, 8 }, { 0x170, 8 }, { 0x278, 3 },
	{ 0x2e8, 8 }, { 0x2f8, 8 }, { 0x378, 3 }, { 0x3b0, 0x30 }, { 0x3e8, 8 }, { 0x3f0, 8 },
	{ 0x4d0, 2 }, { 0xcf8, 8 },
};

int bus_port_is_silent(uint16_t port)
{
	for (size_t i = 0; i < sizeof(silent) / sizeof(silent[0]); i++)
		if (port >= silent[i].base && port < silent[i].base + silent[i].len)
			return 1;
	return 0;
}

static uint64_t guest_rip(struct vcpu *v)
{
	struct nhv_regs r;

	return v->vm->accel->get_regs(v, &r) ? 0 : (uint64_t)r.rip;
}

int bus_io(struct vcpu *v, uint16_t port, int is_write, uint32_t *data, unsigned int size)
{
	const struct bus_region *r = find(&v->vm->io, port);

	if (r && port + size <= r->base + r->len) {
		r->io(r->dev, port, is_write, data, size);
		return 0;
	}
	if (!is_write)
		*data = size == 4 ? 0xffffffffU : (1U << (8 * size)) - 1;
	if (bus_port_is_silent(port))
		return 0;
	vm_log_guest_error(v->vm, "bus", "%s of %u bytes at port %#x%s claimed by no device at rip=%#" PRIx64,
			   is_write ? "write" : "read", size, port, r ? " not wholly" : "",
			   guest_rip(v));
	return 0;
}

int bus_mmio(struct vcpu *v, uint64_t gpa, int is_write, uint64_t *data, unsigned int len)
{
	const struct bus_region *r = find(&v->vm->mmio, gpa);

	if (r && gpa + len <= r->base + r->len) {
		r->mmio(r->dev, gpa - r->base, is_write, data, len);
		return 0;
	}
	if (!is_write)
		*data = len == 8 ? ~0ULL : (1ULL << (8 * len)) - 1;
	vm_log_guest_error(v->vm, "bus", "MMIO %s of %u bytes at %#" PRIx64 " claimed by no device at rip=%#" PRIx64,
			   is_write ? "write" : "read", len, gpa, guest_rip(v));
	return 0;
}
