/*
 * i8042.c - the PS/2 controller as far as a guest without a keyboard needs
 * it: status and command ports, the controller configuration byte, the
 * self-tests Linux's i8042 probe runs (0xaa answers 0x55), the output port
 * and the reset line (0xfe pulse, or 0xd1 with bit 0 clear, resets the VM).
 *
 * No device is attached to either port: a byte sent to the keyboard
 * (data port) or to the mouse (0xd4) comes back as 0xfe with the time-out
 * bit, as from a controller with nothing plugged in, so Linux's atkbd and
 * psmouse give up at once instead of waiting for their time-outs.  The
 * mouse port fails its interface test (0xa9 answers 0x02, clock line stuck
 * high) so Linux does not register it.  Keyboard responses raise kbd_gsi
 * when the configuration byte enables the keyboard interrupt; the mouse
 * never interrupts.
 */
#include "userland/nhv-vm/devices/devices.h"

#include <pthread.h>
#include <stdlib.h>

#define STS_OBF		0x01
#define STS_SYS		0x04
#define STS_CMD		0x08	/* last write went to the command port */
#define STS_UNLOCKED	0x10
#define STS_AUX_OBF	0x20
#define STS_TIMEOUT	0x40

#define CTR_KBDINT	0x01
#define CTR_SYS		0x04
#define CTR_KBDDIS	0x10
#define CTR_AUXDIS	0x20
#define CTR_XLATE	0x40
#define CTR_DEFAULT	(CTR_KBDINT | CTR_SYS | CTR_AUXDIS | CTR_XLATE)

#define OUTPORT_RESET_N	0x01	/* 0 = reset the CPU */
#define OUTPORT_A20	0x02

struct i8042 {
	struct vm *vm;
	pthread_mutex_t lock;
	uint16_t data_port, cmd_port;
	unsigned int kbd_gsi;
	uint8_t status, ctr, outport, out;
	uint8_t pending_cmd;	/* command waiting for its data byte, or 0 */
};

/* Puts a byte in the output buffer; a keyboard byte interrupts if enabled. */
static void output(struct i8042 *k, uint8_t byte, uint8_t flags, int from_kbd)
{
	k->out = byte;
	k->status = (k->status & ~(STS_AUX_OBF | STS_TIMEOUT)) | STS_OBF | flags;
	if (from_kbd && (k->ctr & CTR_KBDINT))
		vm_pulse_irq(k->vm, k->kbd_gsi);
}

/* Returns 1 when the command asks for a reset. */
static int command(struct i8042 *k, uint8_t cmd)
{
	switch (cmd) {
	case 0x20:
		output(k, k->ctr, 0, 0);
		return 0;
	case 0x60:
	case 0xd1:
	case 0xd2:
	case 0xd3:
	case 0xd4:
		k->pending_cmd = cmd;
		return 0;
	case 0xa7:
		k->ctr |= CTR_AUXDIS;
		return 0;
	case 0xa8:
		k->ctr &= ~CTR_AUXDIS;
		return 0;
	case 0xa9:
		output(k, 0x02, 0, 0);	/* mouse clock line stuck high: no mouse port */
		return 0;
	case 0xaa:
		k->ctr = CTR_DEFAULT;
		output(k, 0x55, 0, 0);
		return 0;
	case 0xab:
		output(k, 0x00, 0, 0);
		return 0;
	case 0xad:
		k->ctr |= CTR_KBDDIS;
		return 0;
	case 0xae:
		k->ctr &= ~CTR_KBDDIS;
		return 0;
	case 0xd0:
		output(k, k->outport, 0, 0);
		return 0;
	}
	if (cmd >= 0xf0)	/* pulse output port bits whose command bit is 0 */
		return !(cmd & OUTPORT_RESET_N);
	vm_log_guest_error(k->vm, "i8042", "unknown controller command %#x ignored", cmd);
	return 0;
}

/* A data-port byte: the argument of a pending command, else for the keyboard. */
static int data(struct i8042 *k, uint8_t val)
{
	uint8_t cmd = k->pending_cmd;

	k->pending_cmd = 0;
	switch (cmd) {
	case 0x60:
		k->ctr = val;
		return 0;
	case 0xd1:
		k->outport = val | OUTPORT_A20;	/* A20 stays on: guest RAM is not wrapped */
		return !(val & OUTPORT_RESET_N);
	case 0xd2:
		output(k, val, 0, 1);
		return 0;
	case 0xd3:	/* the mouse port is absent: nothing to loop back through */
	case 0xd4:
		output(k, 0xfe, STS_AUX_OBF | STS_TIMEOUT, 0);
		return 0;
	}
	output(k, 0xfe, STS_TIMEOUT, 1);	/* no keyboard answered */
	return 0;
}

static void i8042_io(void *dev, uint16_t port, int is_write, uint32_t *val, unsigned int size)
{
	struct i8042 *k = dev;
	int reset = 0;

	(void)size;	/* the controller has byte registers; wider accesses use the low byte */
	pthread_mutex_lock(&k->lock);
	if (port == k->cmd_port) {
		if (is_write) {
			k->status |= STS_CMD;
			k->pending_cmd = 0;
			reset = command(k, (uint8_t)*val);
		} else {
			*val = k->status;
		}
	} else if (is_write) {
		k->status &= ~STS_CMD;
		reset = data(k, (uint8_t)*val);
	} else {
		*val = k->out;
		k->status &= ~(STS_OBF | STS_AUX_OBF | STS_TIMEOUT);
	}
	pthread_mutex_unlock(&k->lock);
	if (reset)
		vm_request_reset(k->vm);
}

static void i8042_reset_locked(struct i8042 *k)
{
	k->status = STS_SYS | STS_UNLOCKED;
	k->ctr = CTR_DEFAULT;
	k->outport = OUTPORT_RESET_N | OUTPORT_A20;
	k->out = 0;
	k->pending_cmd = 0;
}

static void i8042_reset(void *dev)
{
	struct i8042 *k = dev;

	pthread_mutex_lock(&k->lock);
	i8042_reset_locked(k);
	pthread_mutex_unlock(&k->lock);
}

int i8042_create(struct vm *vm, uint16_t data_port, uint16_t cmd_port, unsigned int kbd_gsi)
{
	struct i8042 *k = calloc(1, sizeof(*k));

	if (k == NULL)
		return -1;
	k->vm = vm;
	k->data_port = data_port;
	k->cmd_port = cmd_port;
	k->kbd_gsi = kbd_gsi;
	pthread_mutex_init(&k->lock, NULL);
	i8042_reset_locked(k);
	if (bus_register_io(vm, data_port, 1, i8042_io, k, "i8042_data") < 0 ||
	    bus_register_io(vm, cmd_port, 1, i8042_io, k, "i8042_cmd") < 0)
		return -1;	/* the VM is not started after a failure */
	vm_on_reset(vm, i8042_reset, k);
	return 0;
}
