/*
 * test-devices-platform.c - the small platform devices: ACPI PM (SCI,
 * power button, S5, reset register), i8042 (Linux's probe, reset, no
 * keyboard), isa-debug-exit and fw_cfg, with normal and hostile sequences.
 */
#include "tests/lib/tap.h"
#include "tests/nhv-vm/fakevm.h"
#include "userland/nhv-vm/devices/devices.h"

#define PM_EVT 0x600
#define PM_CNT 0x604
#define SCI 9

static void acpi_pm(void)
{
	struct vm *vm = fake_vm_new(4096);

	tap_is_int(acpi_pm_create(vm, PM_EVT, PM_CNT, 0xcf9, SCI), 0, "acpi_pm_create");
	tap_is_int(fake_in(vm, PM_CNT, 2) & 1, 1, "SCI_EN reads 1 (no SMI_CMD: always ACPI mode)");
	fake_out(vm, PM_CNT, 0, 2);
	tap_is_int(fake_in(vm, PM_CNT, 2) & 1, 1, "SCI_EN cannot be cleared");
	fake_power_button(vm);
	tap_is_int(fake_in(vm, PM_EVT, 2) & 0x100, 0x100, "power button sets PWRBTN_STS");
	tap_is_int(vm->irq_level[SCI], 0, "no SCI while PWRBTN_EN is clear");
	fake_out(vm, PM_EVT + 2, 0x100, 2);
	tap_is_int(vm->irq_level[SCI], 1, "enabling PWRBTN_EN raises the SCI (level)");
	fake_out(vm, PM_EVT, 0x0020, 2);
	tap_is_int(vm->irq_level[SCI], 1, "writing 1 to another status bit leaves PWRBTN_STS");
	fake_out(vm, PM_EVT + 1, 0x01, 1);
	tap_is_int(fake_in(vm, PM_EVT, 2) & 0x100, 0, "byte write of 1 clears PWRBTN_STS");
	tap_is_int(vm->irq_level[SCI], 0, "and lowers the SCI");
	fake_power_button(vm);
	tap_is_int(vm->irq_level[SCI], 1, "a second press raises the SCI again");
	fake_out(vm, PM_EVT, 0x0100 | (0x0100u << 16), 4);
	tap_ok(vm->irq_level[SCI] == 0 && (fake_in(vm, PM_EVT + 2, 2) & 0x100) == 0x100,
	       "a 32-bit write clears the status and writes the enable half");

	fake_out(vm, PM_CNT, 3 << 10 | 0x2000, 2);
	tap_is_int(vm->poweroffs, 0, "SLP_TYP 3 with SLP_EN does not power off");
	tap_ok(vm->guest_errors == 1 && strstr(vm->last_error, "sleep type 3"), "and is logged: %s", vm->last_error);
	fake_out(vm, PM_CNT, ACPI_PM_S5_SLP_TYP << 10, 2);
	tap_is_int(vm->poweroffs, 0, "SLP_TYP S5 without SLP_EN does nothing");
	tap_is_int(fake_in(vm, PM_CNT, 2) >> 10 & 7, ACPI_PM_S5_SLP_TYP, "SLP_TYP reads back");
	fake_out(vm, PM_CNT, ACPI_PM_S5_SLP_TYP << 10 | 0x2000, 2);
	tap_is_int(vm->poweroffs, 1, "S5 + SLP_EN powers off");
	tap_is_int(fake_in(vm, PM_CNT, 2) & 0x2000, 0, "SLP_EN reads 0");

	fake_out(vm, 0xcf9, 0x02, 1);
	tap_is_int(vm->resets, 0, "0xcf9 = 0x02 (SYS_RST only) does not reset");
	tap_is_int(fake_in(vm, 0xcf9, 1), 0x02, "0xcf9 reads back");
	fake_out(vm, 0xcf9, 0x06, 1);
	tap_is_int(vm->resets, 1, "0xcf9 = 0x06 resets");
	fake_vm_reset(vm);
	tap_ok(fake_in(vm, PM_EVT, 4) == 0 && fake_in(vm, PM_CNT, 2) == 1, "reset clears status, enable, control");
	tap_is_int(fake_in(vm, PM_CNT + 2, 1), 0xff, "ports beyond the blocks are not claimed");
	fake_vm_free(vm);
}

static void i8042(void)
{
	struct vm *vm = fake_vm_new(4096);
	unsigned int raises;

	tap_is_int(i8042_create(vm, 0x60, 0x64, 1), 0, "i8042_create");
	tap_ok(fake_in(vm, 0x64, 1) != 0xff, "status is not 0xff (a controller is present)");
	tap_is_int(fake_in(vm, 0x64, 1) & 1, 0, "output buffer empty at reset (i8042_flush ends)");
	fake_out(vm, 0x64, 0xaa, 1);
	tap_is_int(fake_in(vm, 0x64, 1) & 1, 1, "self-test fills the output buffer");
	tap_is_int(fake_in(vm, 0x60, 1), 0x55, "self-test answers 0x55");
	tap_is_int(fake_in(vm, 0x64, 1) & 1, 0, "reading data empties the buffer");
	fake_out(vm, 0x64, 0x20, 1);
	tap_is_int(fake_in(vm, 0x60, 1) & 0x04, 0x04, "CTR read: system flag set");
	fake_out(vm, 0x64, 0x60, 1);
	fake_out(vm, 0x60, 0x01, 1);
	fake_out(vm, 0x64, 0x20, 1);
	tap_is_int(fake_in(vm, 0x60, 1), 0x01, "CTR reads back as written");
	raises = vm->irq_raises[1];
	fake_out(vm, 0x60, 0xf2, 1);	/* atkbd GETID */
	tap_ok((fake_in(vm, 0x64, 1) & 0x41) == 0x41 && fake_in(vm, 0x60, 1) == 0xfe,
	       "a keyboard command comes back 0xfe with the time-out bit");
	tap_is_int(vm->irq_raises[1], raises + 1, "and interrupts on GSI 1");
	fake_out(vm, 0x64, 0xa9, 1);
	tap_is_int(fake_in(vm, 0x60, 1), 0x02, "mouse interface test fails (no mouse port)");
	fake_out(vm, 0x64, 0xd3, 1);
	fake_out(vm, 0x60, 0x5a, 1);
	tap_ok((fake_in(vm, 0x64, 1) & 0x21) == 0x21 && fake_in(vm, 0x60, 1) != 0x5a,
	       "mouse loopback does not echo");
	fake_out(vm, 0x64, 0xd0, 1);
	tap_is_int(fake_in(vm, 0x60, 1) & 3, 3, "output port: reset line high, A20 on");
	fake_out(vm, 0x64, 0xd1, 1);
	fake_out(vm, 0x60, 0x03, 1);
	tap_is_int(vm->resets, 0, "output port write with bit 0 set does not reset");
	fake_out(vm, 0x64, 0xd1, 1);
	fake_out(vm, 0x60, 0x02, 1);
	tap_is_int(vm->resets, 1, "output port write with bit 0 clear resets");
	fake_out(vm, 0x64, 0xff, 1);
	tap_is_int(vm->resets, 1, "0xff pulses nothing");
	fake_out(vm, 0x64, 0xfe, 1);
	tap_is_int(vm->resets, 2, "0xfe pulses the reset line");
	fake_out(vm, 0x64, 0x60, 1);
	fake_out(vm, 0x64, 0xfe, 1);
	tap_is_int(vm->resets, 3, "a command cancels a pending one (0x60 then 0xfe still resets)");
	fake_out(vm, 0x64, 0x13, 1);
	tap_ok(strstr(vm->last_error, "0x13") != NULL, "unknown command logged: %s", vm->last_error);
	for (unsigned int i = 0; i < 20000; i++)
		fake_out(vm, (i & 1) ? 0x64 : 0x60, (i * 2654435761u >> 7) % 0xf0, 1 + (i % 4 == 3));
	fake_vm_reset(vm);
	fake_out(vm, 0x64, 0x20, 1);
	tap_is_int(fake_in(vm, 0x60, 1), 0x65, "after random commands and a reset the CTR is the default");
	fake_vm_free(vm);
}

static void debug_exit(void)
{
	struct vm *vm = fake_vm_new(4096);

	tap_is_int(debug_exit_create(vm, 0xf4, 4), 0, "debug_exit_create");
	fake_out(vm, 0xf4, 0x10, 1);
	tap_ok(vm->exits == 1 && vm->exit_status == 0x21, "write 0x10: exit status 0x21 (got %d)", vm->exit_status);
	fake_out(vm, 0xf4, 0xffffff00, 1);
	tap_is_int(vm->exit_status, 1, "a byte write uses the low byte only");
	fake_out(vm, 0xf4, 0x31, 4);
	tap_is_int(vm->exit_status, 0x63, "a 32-bit write");
	tap_is_int(fake_in(vm, 0xf4, 1), 0, "reads give 0");
	fake_vm_free(vm);
}

static void fw_cfg(void)
{
	struct vm *vm = fake_vm_new(1 << 20);
	struct fw_cfg *f;
	char sig[5] = "";
	uint64_t ram = 0;
	static uint8_t big[1000];

	vm->vcpus = 3;
	tap_is_int(fw_cfg_create(vm, 0x510, &f), 0, "fw_cfg_create");
	fake_out(vm, 0x510, 0x0000, 2);
	for (int i = 0; i < 4; i++)
		sig[i] = (char)fake_in(vm, 0x511, 1);
	tap_is_str(sig, "QEMU", "signature");
	tap_is_int(fake_in(vm, 0x511, 1), 0, "past the end reads 0");
	fake_out(vm, 0x510, 0x0001, 2);
	tap_is_int(fake_in(vm, 0x511, 4), 1, "ID: traditional interface, no DMA");
	fake_out(vm, 0x510, 0x0005, 2);
	tap_is_int(fake_in(vm, 0x511, 2), 3, "NB_CPUS");
	fake_out(vm, 0x510, 0x0003, 2);
	for (int i = 0; i < 8; i++)
		ram |= (uint64_t)fake_in(vm, 0x511, 1) << (8 * i);
	tap_is_int((long long)ram, 1 << 20, "RAM_SIZE");
	fake_out(vm, 0x510, 0x0003, 2);
	tap_is_int(fake_in(vm, 0x511, 1), 0, "re-selecting restarts at offset 0");
	memset(big, 0xab, sizeof(big));
	tap_is_int(fw_cfg_add(f, 0x8003, big, sizeof(big)), 0, "fw_cfg_add");
	tap_is_int(fw_cfg_add(f, 0x8003, "xy", 2), 0, "fw_cfg_add replaces an item");
	fake_out(vm, 0x510, 0x8003, 2);
	tap_ok(fake_in(vm, 0x511, 1) == 'x' && fake_in(vm, 0x511, 1) == 'y' && fake_in(vm, 0x511, 1) == 0,
	       "the replacement is read back, then zeros");
	fake_out(vm, 0x510, 0x1234, 2);
	tap_is_int(fake_in(vm, 0x511, 4), 0, "unknown key reads zeros");
	fake_out(vm, 0x511, 0x55, 1);
	fake_out(vm, 0x510, 0x0000, 2);
	tap_is_int(fake_in(vm, 0x511, 1), 'Q', "data port writes change nothing");
	for (unsigned int i = 0; i < 58; i++)
		if (fw_cfg_add(f, (uint16_t)(0x100 + i), "z", 1) < 0)
			tap_diag("item %u refused", i);
	tap_is_int(fw_cfg_add(f, 0x200, "z", 1), -1, "the 65th item is refused");
	fake_out(vm, 0x510, 0x0001, 2);
	(void)fake_in(vm, 0x511, 1);
	fake_vm_reset(vm);
	tap_is_int(fake_in(vm, 0x511, 1), 'Q', "reset selects the signature at offset 0");
	fake_vm_free(vm);
}

int main(void)
{
	acpi_pm();
	i8042();
	debug_exit();
	fw_cfg();
	return tap_done();
}
