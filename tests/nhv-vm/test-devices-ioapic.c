/*
 * test-devices-ioapic.c - the 82093AA model: register file, edge and level
 * delivery, Remote IRR with and without EOI reports, masks, destinations,
 * delivery modes, and hostile register accesses.
 */
#include "tests/lib/tap.h"
#include "tests/nhv-vm/fakevm.h"
#include "userland/nhv-vm/devices/devices.h"

#define BASE 0xfec00000ull

static struct vm *vm;

static uint32_t rd(uint32_t reg)
{
	fake_mmio_write(vm, BASE, reg, 4);
	return (uint32_t)fake_mmio_read(vm, BASE + 0x10, 4);
}

static void wr(uint32_t reg, uint32_t val)
{
	fake_mmio_write(vm, BASE, reg, 4);
	fake_mmio_write(vm, BASE + 0x10, val, 4);
}

static void set_rte(unsigned int pin, uint64_t e)
{
	wr(0x11 + 2 * pin, (uint32_t)(e >> 32));
	wr(0x10 + 2 * pin, (uint32_t)e);
}

static uint64_t get_rte(unsigned int pin)
{
	return (uint64_t)rd(0x11 + 2 * pin) << 32 | rd(0x10 + 2 * pin);
}

static const struct fake_delivery *last(void)
{
	return vm->ndeliveries ? &vm->deliveries[vm->ndeliveries - 1] : NULL;
}

static void registers(void)
{
	tap_is_int(rd(0x01), 0x00170011, "version register: 0x11, 24 entries");
	tap_is_int(rd(0x00), 8u << 24, "ID register holds the creation ID");
	wr(0x00, 0x0a000000);
	tap_is_int(rd(0x00), 0x0a000000, "ID is writable");
	tap_is_int(rd(0x02), 0x0a000000, "arbitration register follows the ID");
	wr(0x01, 0);
	tap_is_int(rd(0x01), 0x00170011, "version is read-only");
	for (unsigned int pin = 0; pin < 24; pin++)
		if (get_rte(pin) != 0x10000) {
			tap_ok(0, "pin %u not masked at reset: %#llx", pin, (unsigned long long)get_rte(pin));
			return;
		}
	tap_ok(1, "every entry masked at reset");
	set_rte(3, 0xffffffffffffffffull);
	tap_is_int(get_rte(3), (long long)0xff0000000001afffull, "reserved, delivery status and Remote IRR bits ignore writes");
	set_rte(3, 0x10000);
	tap_is_int(rd(0x10 + 48), 0, "a register past the table reads zero");
	tap_is_int(rd(0x3f), 0, "unimplemented register reads zero");
}

static void edge(struct ioapic *io)
{
	vm->ndeliveries = 0;
	set_rte(4, 0x0100000000000031ull);	/* vector 0x31, fixed, physical, edge, dest 1 */
	ioapic_set_irq(io, 4, 1);
	tap_is_int(vm->ndeliveries, 1, "edge: rising input delivers once");
	tap_ok(last() && last()->vector == 0x31 && last()->dest == 1 && !last()->dest_logical &&
	       last()->delivery_mode == 0 && !last()->level_triggered, "edge: vector, destination, mode passed through");
	ioapic_set_irq(io, 4, 1);
	tap_is_int(vm->ndeliveries, 1, "edge: a held input does not deliver again");
	ioapic_set_irq(io, 4, 0);
	ioapic_set_irq(io, 4, 1);
	tap_is_int(vm->ndeliveries, 2, "edge: the next rising edge delivers");
	ioapic_set_irq(io, 4, 0);
	set_rte(4, 0x0300000000010831ull);	/* masked, logical, dest 3 */
	ioapic_set_irq(io, 4, 1);
	ioapic_set_irq(io, 4, 0);
	tap_is_int(vm->ndeliveries, 2, "edge: masked pin does not deliver");
	set_rte(4, 0x0300000000000931ull);	/* lowest priority, logical */
	tap_is_int(vm->ndeliveries, 2, "edge: a masked edge is lost, not delivered on unmask");
	ioapic_set_irq(io, 4, 1);
	tap_ok(last() && last()->dest == 3 && last()->dest_logical && last()->delivery_mode == 1,
	       "lowest priority, logical destination 3");
	ioapic_set_irq(io, 4, 0);
	set_rte(4, 0x0000000000000400ull);	/* NMI */
	ioapic_set_irq(io, 4, 1);
	tap_ok(last() && last()->delivery_mode == 4, "NMI delivery mode passed through");
	ioapic_set_irq(io, 4, 0);
	set_rte(4, 0x10000);
}

static void level(struct ioapic *io, int eoi_reports)
{
	const char *how = eoi_reports ? "with EOI reports" : "without EOI reports";

	vm->ndeliveries = 0;
	set_rte(9, 0x0000000000008041ull);	/* vector 0x41, level, unmasked */
	ioapic_set_irq(io, 9, 1);
	tap_is_int(vm->ndeliveries, 1, "level %s: asserted input delivers", how);
	tap_is_int(last() ? last()->level_triggered : -1, eoi_reports, "level %s: trigger mode seen by the LAPIC", how);
	tap_ok(get_rte(9) & 0x4000, "level %s: Remote IRR set", how);
	ioapic_set_irq(io, 9, 1);
	tap_is_int(vm->ndeliveries, 1, "level %s: no re-delivery while Remote IRR is set", how);
	if (eoi_reports) {
		ioapic_eoi(io, 0x42);
		tap_is_int(vm->ndeliveries, 1, "EOI for another vector does nothing");
		ioapic_eoi(io, 0x41);
		tap_is_int(vm->ndeliveries, 2, "EOI with the line still asserted re-delivers");
		ioapic_set_irq(io, 9, 0);
		ioapic_eoi(io, 0x41);
		tap_is_int(vm->ndeliveries, 2, "EOI after deassert: no delivery");
		tap_is_int(get_rte(9) & 0x4000, 0, "EOI cleared Remote IRR");
	} else {
		/* Linux's eoi_ioapic_pin(): mask + edge, then the entry as it was. */
		set_rte(9, 0x0000000000010041ull);
		tap_is_int(get_rte(9) & 0x4000, 0, "rewriting as edge clears Remote IRR");
		set_rte(9, 0x0000000000008041ull);
		tap_is_int(vm->ndeliveries, 2, "restoring the level entry re-delivers the asserted line");
		ioapic_set_irq(io, 9, 0);
		set_rte(9, 0x0000000000010041ull);
		set_rte(9, 0x0000000000008041ull);
		tap_is_int(vm->ndeliveries, 2, "after deassert the rewrite delivers nothing");
	}
	set_rte(9, 0x0000000000018041ull);
	ioapic_set_irq(io, 9, 1);
	tap_is_int(vm->ndeliveries, 2, "level %s: masked asserted line waits", how);
	set_rte(9, 0x0000000000008041ull);
	tap_is_int(vm->ndeliveries, 3, "level %s: unmasking an asserted line delivers", how);
	ioapic_set_irq(io, 9, 0);
	if (eoi_reports)
		ioapic_eoi(io, 0x41);
	set_rte(9, 0x10000);
}

static void hostile(struct ioapic *io)
{
	unsigned int errors = vm->guest_errors, n;

	tap_is_int(ioapic_set_irq(io, 24, 1), -1, "ioapic_set_irq refuses GSI 24");
	tap_is_int(fake_mmio_read(vm, BASE + 0x04, 4), 0, "read of a hole in the window reads zero");
	fake_mmio_write(vm, BASE + 0x10, 0x12345678, 8);
	tap_ok(vm->guest_errors > errors, "an 8-byte access is logged as a guest error: %s", vm->last_error);
	n = vm->ndeliveries;
	set_rte(5, 0x0000000000000205ull);	/* SMI */
	ioapic_set_irq(io, 5, 1);
	set_rte(5, 0x0000000000000705ull);	/* ExtINT */
	ioapic_set_irq(io, 5, 0);
	ioapic_set_irq(io, 5, 1);
	set_rte(5, 0x0000000000000005ull);	/* fixed, vector 5 */
	ioapic_set_irq(io, 5, 0);
	ioapic_set_irq(io, 5, 1);
	tap_is_int(vm->ndeliveries, n, "SMI, ExtINT and vectors below 16 are not delivered");
	tap_ok(strstr(vm->last_error, "vector 5") != NULL, "the reserved vector is named: %s", vm->last_error);
	ioapic_set_irq(io, 5, 0);
	wr(0x10 + 10, 0x8020);	/* level, vector 0x20 */
	for (unsigned int i = 0; i < 100000; i++) {
		fake_mmio_write(vm, BASE, i * 2654435761u, 4);
		fake_mmio_write(vm, BASE + 0x10, i * 40503u, 4);
		ioapic_set_irq(io, i % 24, i & 1);
		ioapic_eoi(io, (uint8_t)i);
	}
	fake_vm_reset(vm);
	tap_is_int(get_rte(23), 0x10000, "after 100000 random writes and a reset every entry is masked again");
	tap_is_int(rd(0x00), 8u << 24, "reset restores the ID");
}

int main(void)
{
	struct ioapic *io, *io2;

	vm = fake_vm_new(4096);
	tap_is_int(ioapic_create(vm, BASE, 8, 1, &io), 0, "ioapic_create");
	tap_ok(io == vm->reset_dev[0], "the reset hook is registered with the device");
	registers();
	edge(io);
	level(io, 1);
	hostile(io);
	fake_vm_free(vm);

	vm = fake_vm_new(4096);
	tap_is_int(ioapic_create(vm, BASE, 8, 0, &io2), 0, "ioapic_create without EOI reports");
	level(io2, 0);
	fake_vm_free(vm);
	return tap_done();
}
