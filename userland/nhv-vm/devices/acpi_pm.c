/*
 * acpi_pm.c - ACPI fixed hardware (ACPI 6.4 section 4.8): the PM1a event
 * block (PM1_STS and PM1_EN, 2 bytes each) and the PM1a control block,
 * the power button, the SCI, and the reset register (FADT RESET_REG, an
 * I/O port such as 0xcf9).  SCI_EN reads 1 always: the FADT has no
 * SMI_CMD, so the machine is in ACPI mode from the start (section 4.8.2.5).
 *
 * Sleep: SLP_EN with SLP_TYP == ACPI_PM_S5_SLP_TYP powers the VM off; the
 * other sleep states are not offered (the DSDT has only \_S5) and a
 * request for one is logged and ignored.  No PM timer: the FADT sets
 * PM_TMR_LEN to 0, and Linux keeps its TSC clocksource.
 */
#include "userland/nhv-vm/devices/devices.h"

#include <pthread.h>
#include <stdlib.h>

#define STS_TMR		0x0001
#define STS_GBL		0x0020
#define STS_PWRBTN	0x0100
#define STS_SLPBTN	0x0200
#define STS_RTC		0x0400
#define STS_SCI_SOURCES	(STS_TMR | STS_GBL | STS_PWRBTN | STS_SLPBTN | STS_RTC)

#define CNT_SCI_EN	0x0001
#define CNT_SLP_TYP(v)	(((v) >> 10) & 7)
#define CNT_SLP_EN	0x2000
#define CNT_WRITABLE	0x1c06	/* BM_RLD, GBL_RLS, SLP_TYP */

#define RESET_RST_CPU	0x04

struct acpi_pm {
	struct vm *vm;
	pthread_mutex_t lock;
	uint16_t evt_base, cnt_base, reset_port;
	unsigned int sci_gsi;
	uint16_t sts, en, cnt;
	uint8_t reset_reg;
	int sci_level;
};

static void update_sci(struct acpi_pm *pm)
{
	int level = (pm->sts & pm->en & STS_SCI_SOURCES) != 0;

	if (level != pm->sci_level) {
		pm->sci_level = level;
		vm_set_irq(pm->vm, pm->sci_gsi, level);
	}
}

/* What a vCPU's access asks for once the lock is dropped. */
enum pm_action { PM_NONE, PM_POWEROFF, PM_RESET };

static enum pm_action write_byte(struct acpi_pm *pm, uint16_t port, uint8_t val)
{
	if (port >= pm->evt_base && port < pm->evt_base + 2) {
		unsigned int shift = 8 * (port - pm->evt_base);

		pm->sts &= ~((uint16_t)val << shift);	/* write 1 to clear */
		return PM_NONE;
	}
	if (port >= pm->evt_base + 2 && port < pm->evt_base + 4) {
		unsigned int shift = 8 * (port - pm->evt_base - 2);

		pm->en = (pm->en & ~(0xff << shift)) | (uint16_t)val << shift;
		return PM_NONE;
	}
	if (port >= pm->cnt_base && port < pm->cnt_base + 2) {
		unsigned int shift = 8 * (port - pm->cnt_base);
		uint16_t v = (pm->cnt & ~(0xff << shift)) | (uint16_t)val << shift;

		pm->cnt = (v & CNT_WRITABLE) | CNT_SCI_EN;
		if (!(v & CNT_SLP_EN) || shift != 8)
			return PM_NONE;
		if (CNT_SLP_TYP(v) == ACPI_PM_S5_SLP_TYP)
			return PM_POWEROFF;
		vm_log_guest_error(pm->vm, "acpi_pm", "sleep type %u requested (only S5, type %u, is offered)",
				   CNT_SLP_TYP(v), ACPI_PM_S5_SLP_TYP);
		return PM_NONE;
	}
	if (pm->reset_port && port == pm->reset_port) {
		pm->reset_reg = val & 0x0e;
		if (val & RESET_RST_CPU)
			return PM_RESET;
	}
	return PM_NONE;
}

static uint8_t read_byte(struct acpi_pm *pm, uint16_t port)
{
	if (port >= pm->evt_base && port < pm->evt_base + 2)
		return (uint8_t)(pm->sts >> (8 * (port - pm->evt_base)));
	if (port >= pm->evt_base + 2 && port < pm->evt_base + 4)
		return (uint8_t)(pm->en >> (8 * (port - pm->evt_base - 2)));
	if (port >= pm->cnt_base && port < pm->cnt_base + 2)
		return (uint8_t)(pm->cnt >> (8 * (port - pm->cnt_base)));
	if (pm->reset_port && port == pm->reset_port)
		return pm->reset_reg;
	return 0xff;
}

static void pm_io(void *dev, uint16_t port, int is_write, uint32_t *data, unsigned int size)
{
	struct acpi_pm *pm = dev;
	enum pm_action act = PM_NONE, a;
	uint32_t val = 0;

	pthread_mutex_lock(&pm->lock);
	for (unsigned int i = 0; i < size && i < 4; i++) {
		if (is_write) {
			a = write_byte(pm, (uint16_t)(port + i), (uint8_t)(*data >> (8 * i)));
			if (a != PM_NONE)
				act = a;
		} else {
			val |= (uint32_t)read_byte(pm, (uint16_t)(port + i)) << (8 * i);
		}
	}
	update_sci(pm);
	pthread_mutex_unlock(&pm->lock);
	if (!is_write)
		*data = val;
	/* Outside the lock: the VM may run reset hooks, ours included. */
	if (act == PM_POWEROFF)
		vm_request_poweroff(pm->vm);
	else if (act == PM_RESET)
		vm_request_reset(pm->vm);
}

static void power_button(void *dev)
{
	struct acpi_pm *pm = dev;

	pthread_mutex_lock(&pm->lock);
	pm->sts |= STS_PWRBTN;
	update_sci(pm);
	pthread_mutex_unlock(&pm->lock);
}

static void pm_reset_locked(struct acpi_pm *pm)
{
	pm->sts = 0;
	pm->en = 0;
	pm->cnt = CNT_SCI_EN;
	pm->reset_reg = 0;
	update_sci(pm);
}

static void pm_reset(void *dev)
{
	struct acpi_pm *pm = dev;

	pthread_mutex_lock(&pm->lock);
	pm_reset_locked(pm);
	pthread_mutex_unlock(&pm->lock);
}

int acpi_pm_create(struct vm *vm, uint16_t evt_base, uint16_t cnt_base, uint16_t reset_port, unsigned int sci_gsi)
{
	struct acpi_pm *pm = calloc(1, sizeof(*pm));

	if (pm == NULL)
		return -1;
	pm->vm = vm;
	pm->evt_base = evt_base;
	pm->cnt_base = cnt_base;
	pm->reset_port = reset_port;
	pm->sci_gsi = sci_gsi;
	pthread_mutex_init(&pm->lock, NULL);
	pm_reset_locked(pm);
	if (bus_register_io(vm, evt_base, 4, pm_io, pm, "acpi_pm1a_evt") < 0 ||
	    bus_register_io(vm, cnt_base, 2, pm_io, pm, "acpi_pm1a_cnt") < 0 ||
	    (reset_port && bus_register_io(vm, reset_port, 1, pm_io, pm, "acpi_reset") < 0))
		return -1;	/* the ports stay claimed: the VM is not started after a failure */
	vm_on_reset(vm, pm_reset, pm);
	vm_set_power_button(vm, power_button, pm);
	return 0;
}
