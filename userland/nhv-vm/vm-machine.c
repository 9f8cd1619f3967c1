/*
 * vm-machine.c - the devices of the machine, at the places layout.h
 * gives them (docs/vmm-design.md "Machine model"): COM1, the IOAPIC, ACPI
 * PM (power button, S5, reset register), the i8042 (reset line only),
 * the CMOS RTC, isa-debug-exit, fw_cfg, and virtio-mmio devices (one
 * virtio-blk per nhv.diskN, a virtio-net per present ethernetN, then
 * virtio-rng) that the DSDT describes
 * (acpi.c).  No PIC, no PIT, no PCI.
 */
#include <stdio.h>
#include <string.h>
#include "userland/nhv-vm/layout.h"
#include "userland/nhv-vm/machine.h"
#include "userland/nhv-vm/devices/devices.h"

#define GSI_I8042_KBD	1
#define I8042_CMD_PORT	0x64

static int add_virtio(struct vm *vm)
{
	const struct vm_config *c = vm->cfg;
	unsigned int i;

	if (c->ndisks + vm->nnets + 1 > VIRTIO_MMIO_MAX) {
		fprintf(stderr, "nhv-vm: %u disks and %u NICs, at most %d together\n", c->ndisks, vm->nnets,
			VIRTIO_MMIO_MAX - 1);
		return -1;
	}
	for (i = 0; i < c->ndisks; i++)
		if (virtio_blk_create(vm, GPA_VIRTIO_MMIO + i * VIRTIO_MMIO_SIZE, GSI_VIRTIO_FIRST + i,
				      c->disks[i], 0))
			return -1;
	for (unsigned int k = 0; k < vm->nnets; k++, i++)
		if (virtio_net_create(vm, GPA_VIRTIO_MMIO + i * VIRTIO_MMIO_SIZE, GSI_VIRTIO_FIRST + i,
				      vm->net_fd[k], vm->net_mac[k]))
			return -1;
	if (virtio_rng_create(vm, GPA_VIRTIO_MMIO + i * VIRTIO_MMIO_SIZE, GSI_VIRTIO_FIRST + i))
		return -1;
	vm->nvirtio = i + 1;
	return 0;
}

int machine_create(struct vm *vm)
{
	struct ioapic *io;
	struct fw_cfg *fw;

	if (ioapic_create(vm, GPA_IOAPIC, (uint8_t)vm->nvcpus, 0, &io))
		return -1;
	vm->ioapic = io;
	if (uart8250_create(vm, PORT_COM1, GSI_COM1) ||
	    acpi_pm_create(vm, PORT_ACPI_PM, PORT_ACPI_PM1_CNT, PORT_RESET, GSI_SCI) ||
	    i8042_create(vm, PORT_I8042_DATA, I8042_CMD_PORT, GSI_I8042_KBD) ||
	    rtc_cmos_create(vm, PORT_RTC, vm->low_size) ||
	    debug_exit_create(vm, PORT_DEBUG_EXIT, 1) ||
	    fw_cfg_create(vm, PORT_FW_CFG, &fw))
		return -1;
	vm->fw_cfg = fw;
	return add_virtio(vm);
}
