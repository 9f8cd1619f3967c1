/*
 * vm-machine.c - the devices of the machine, at the places layout.h
 * gives them (docs/vmm-design.md "Machine model"): COM1, the IOAPIC, ACPI
 * PM (power button, S5, reset register), the i8042 (reset line only),
 * the CMOS RTC, isa-debug-exit and fw_cfg.  No PIC, no PIT, no PCI.
 */
#include <stdio.h>
#include "userland/nhv-vm/layout.h"
#include "userland/nhv-vm/machine.h"
#include "userland/nhv-vm/devices/devices.h"

#define GSI_I8042_KBD	1
#define I8042_CMD_PORT	0x64

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
	return 0;
}
