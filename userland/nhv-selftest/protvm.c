/*
 * protvm.c - guests in flat 32-bit protected mode for nhv-selftest: a GDT,
 * an IDT whose gates point at handler slots, ESI/EDI as parameters, and the
 * report ports 0x10, 0x11, 0x12, 0x15 and 0x16 exiting to user space.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include "userland/lib/nhvdev.h"
#include "userland/lib/tap.h"
#include "guests.h"
#include "selftest.h"

#define MEM_SIZE	(2u << 20)
#define IDT_BASE	0x4000
#define GDT_BASE	0x4800
#define HANDLERS	0x3000		/* one 0x40-byte slot per handler */

extern const struct guest g_apic_isr;

static void set_gate(struct tvm *vm, int vector, uint32_t handler)
{
	uint64_t gate = (handler & 0xffff) | (8ull << 16) | (0x8e00ull << 32) |
			((uint64_t)(handler >> 16) << 48);

	memcpy(vm->mem + IDT_BASE + vector * 8, &gate, 8);
}

/* Install a handler for VECTOR in slot SLOT. */
void handler(struct tvm *vm, int slot, int vector, const struct guest *g)
{
	uint32_t at = HANDLERS + slot * 0x40;

	tvm_load(vm, at, g->start, GUEST_SIZE(*g));
	if (g == &g_apic_isr)
		vm->mem[at + 3] = (uint8_t)vector;
	set_gate(vm, vector, at);
}

/* A VM in flat 32-bit protected mode with a GDT and an empty IDT. */
int prot_vm(struct tvm *vm, int sysfd, const struct guest *g, uint32_t esi, uint32_t edi)
{
	static const uint64_t gdt[3] = { 0, 0x00cf9b000000ffffull, 0x00cf93000000ffffull };
	struct nhv_sregs s;
	struct nhv_regs r;
	int e = tvm_create(vm, sysfd, MEM_SIZE);

	if (e) {
		tap_diag("cannot create a VM: %s", strerror(-e));
		return e;
	}
	tvm_load(vm, GUEST_CODE, g->start, GUEST_SIZE(*g));
	tvm_load(vm, GDT_BASE, gdt, sizeof(gdt));
	e = tvm_setup(vm, MODE_PROT, GUEST_CODE);
	if (!e && ioctl(vm->cpufd, NHV_GET_SREGS, &s))
		e = -errno;
	if (!e) {
		s.gdt.base = GDT_BASE;
		s.gdt.limit = sizeof(gdt) - 1;
		s.idt.base = IDT_BASE;
		s.idt.limit = 256 * 8 - 1;
		if (ioctl(vm->cpufd, NHV_SET_SREGS, &s))
			e = -errno;
	}
	if (!e)
		e = tvm_get_regs(vm, &r);
	if (!e) {
		r.gpr[NHV_RSI] = esi;
		r.gpr[NHV_RDI] = edi;
		e = tvm_set_regs(vm, &r);
	}
	if (!e)
		e = tvm_io_ports(vm, (uint16_t[]){ 0x10, 0x11, 0x12, 0x15, 0x16 }, 5);
	if (e) {
		tap_diag("cannot set up the vCPU: %s", strerror(-e));
		tvm_destroy(vm);
	}
	return e;
}

/* Run to the next exit; for an OUT to PORT return 0 and its data. */
int out_to(struct tvm *vm, uint16_t port, uint32_t *data)
{
	int x = tvm_run(vm);

	if (x != NHV_EXIT_IO || vm->run->io.direction != NHV_IO_OUT ||
	    vm->run->io.port != port) {
		tap_diag("expected OUT to port %#x, got exit %d (port %#x)", port, x,
			x == NHV_EXIT_IO ? vm->run->io.port : 0);
		return -1;
	}
	*data = vm->run->io.data;
	return 0;
}
