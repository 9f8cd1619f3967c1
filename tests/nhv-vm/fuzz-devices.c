/*
 * fuzz-devices.c - libFuzzer target for the register surface of every
 * device model at once, on one fake VM: the input is a list of 8-byte
 * operations (port and MMIO reads and writes of every width, guest RAM
 * writes so virtio rings can take shape, console input, the power button).
 * Nothing may crash, hang or trip the sanitizers.
 *
 *   byte 0: operation (low 3 bits)  byte 1: target  byte 2: offset  byte 3: width  bytes 4-7: value
 */
#include "tests/nhv-vm/fakevm.h"
#include "userland/nhv-vm/devices/devices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RAM (64u << 10)

static const uint16_t port_bases[] = { 0x3f8, 0x70, 0x60, 0x64, 0x600, 0x604, 0xcf9, 0xf4, 0x510 };
static const uint64_t mmio_bases[] = { 0xfec00000, 0xd0000000, 0xd0001000 };

static struct vm *setup(void)
{
	struct vm *vm = fake_vm_new(RAM);
	char image[] = "/tmp/fuzz-devices-XXXXXX";
	struct ioapic *io;
	struct fw_cfg *fw;
	int fd = mkstemp(image);

	if (fd < 0 || ftruncate(fd, 64 << 10) < 0)
		abort();
	close(fd);
	if (uart8250_create(vm, 0x3f8, 4) < 0 || ioapic_create(vm, 0xfec00000, 0, 1, &io) < 0 ||
	    rtc_cmos_create(vm, 0x70, RAM) < 0 || i8042_create(vm, 0x60, 0x64, 1) < 0 ||
	    acpi_pm_create(vm, 0x600, 0x604, 0xcf9, 9) < 0 || debug_exit_create(vm, 0xf4, 4) < 0 ||
	    fw_cfg_create(vm, 0x510, &fw) < 0 || virtio_blk_create(vm, 0xd0000000, 5, image, 0) < 0 ||
	    virtio_rng_create(vm, 0xd0001000, 6) < 0)
		abort();
	unlink(image);	/* the device keeps it open */
	return vm;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vm *vm;

	if (vm == NULL)
		vm = setup();
	fake_vm_reset(vm);
	memset(vm->ram, 0, RAM);
	for (size_t i = 0; i + 8 <= size; i += 8) {
		const uint8_t *op = data + i;
		uint32_t val = (uint32_t)op[4] | (uint32_t)op[5] << 8 | (uint32_t)op[6] << 16 | (uint32_t)op[7] << 24;
		unsigned int width = 1u << (op[3] % 3);

		switch (op[0] & 7) {
		case 0:
		case 1: {
			uint16_t port = (uint16_t)(port_bases[op[1] % 9] + op[2] % 8);

			if (op[0] & 1)
				fake_out(vm, port, val, width);
			else
				(void)fake_in(vm, port, width);
			break;
		}
		case 2:
		case 3: {
			uint64_t gpa = mmio_bases[op[1] % 3] + ((uint64_t)op[2] << 2 | (op[3] >> 2 & 3)) % 0x1000;

			width = 1u << (op[3] % 4);
			if (op[0] & 1)
				fake_mmio_write(vm, gpa, val, width);
			else
				(void)fake_mmio_read(vm, gpa, width);
			break;
		}
		case 4:
		case 5: {
			uint32_t off = ((uint32_t)op[1] << 8 | op[2]) % (RAM - 4);

			memcpy(vm->ram + off, op + 4, 4);
			break;
		}
		case 6:
			fake_console_input(vm, (const char *)op + 4, op[1] % 5);
			break;
		case 7:
			fake_power_button(vm);
			break;
		}
	}
	return 0;
}
