/*
 * uart8250.c - a 16550A UART (National Semiconductor PC16550D data sheet):
 * 16-byte receive FIFO, the full register set, receive/THRE/line/modem
 * interrupts gated by MCR.OUT2 as on a PC, and loopback (MCR.LOOP).
 *
 * The transmitter is infinitely fast: a byte written to THR goes to
 * vm_console_output at once, so LSR.THRE and LSR.TEMT read 1 except in the
 * instant between.  There is no character timer: a receive FIFO holding
 * fewer bytes than the trigger level reports the character-timeout
 * interrupt (IIR 0x0c) at once, which Linux handles like a full trigger.
 * Host input beyond the FIFO waits in a 4 KiB backlog that refills the
 * FIFO as the guest reads; past that, bytes are lost and LSR.OE is set.
 */
#include "userland/nhv-vm/devices/devices.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum {
	REG_RBR_THR = 0, REG_IER = 1, REG_IIR_FCR = 2, REG_LCR = 3,
	REG_MCR = 4, REG_LSR = 5, REG_MSR = 6, REG_SCR = 7,
};

#define IER_RDI		0x01
#define IER_THRI	0x02
#define IER_RLSI	0x04
#define IER_MSI		0x08

#define IIR_NO_INT	0x01
#define IIR_MSI		0x00
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define IIR_RLSI	0x06
#define IIR_TIMEOUT	0x0c
#define IIR_FIFO_ON	0xc0

#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02

#define LCR_DLAB	0x80

#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT1	0x04
#define MCR_OUT2	0x08
#define MCR_LOOP	0x10

#define LSR_DR		0x01
#define LSR_OE		0x02
#define LSR_THRE	0x20
#define LSR_TEMT	0x40
#define LSR_ERRORS	0x1e

#define MSR_DCTS	0x01
#define MSR_DDSR	0x02
#define MSR_TERI	0x04
#define MSR_DDCD	0x08
#define MSR_CTS		0x10
#define MSR_DSR		0x20
#define MSR_RI		0x40
#define MSR_DCD		0x80

#define FIFO_SIZE	16
#define BACKLOG_SIZE	4096

struct uart8250 {
	struct vm *vm;
	pthread_mutex_t lock;
	uint16_t base;
	unsigned int gsi;

	uint8_t ier, lcr, mcr, lsr, msr, scr, fcr, dll, dlm;
	int thr_ipending;	/* THRE interrupt latched, cleared by IIR read or THR write */
	uint8_t rx[FIFO_SIZE];
	unsigned int rx_head, rx_count;
	uint8_t backlog[BACKLOG_SIZE];
	unsigned int bl_head, bl_count;
	int irq_level;
};

static void rx_push(struct uart8250 *u, uint8_t byte)
{
	if (!(u->fcr & FCR_ENABLE) && u->rx_count > 0) {
		/* 16450 mode: one holding register, the new byte overwrites it. */
		u->rx[u->rx_head] = byte;
		u->lsr |= LSR_OE;
		return;
	}
	if (u->rx_count == FIFO_SIZE) {
		u->lsr |= LSR_OE;
		return;
	}
	u->rx[(u->rx_head + u->rx_count++) % FIFO_SIZE] = byte;
	u->lsr |= LSR_DR;
}

static unsigned int rx_room(const struct uart8250 *u)
{
	if (!(u->fcr & FCR_ENABLE))
		return u->rx_count ? 0 : 1;
	return FIFO_SIZE - u->rx_count;
}

/* Moves waiting host input into the FIFO while it has room (not in loopback). */
static void refill(struct uart8250 *u)
{
	if (u->mcr & MCR_LOOP)
		return;
	while (u->bl_count > 0 && rx_room(u) > 0) {
		rx_push(u, u->backlog[u->bl_head]);
		u->bl_head = (u->bl_head + 1) % BACKLOG_SIZE;
		u->bl_count--;
	}
}

static unsigned int rx_trigger(const struct uart8250 *u)
{
	static const unsigned int levels[4] = { 1, 4, 8, 14 };

	return (u->fcr & FCR_ENABLE) ? levels[u->fcr >> 6] : 1;
}

/* IIR interrupt identification, highest priority first (data sheet table 4). */
static uint8_t pending_id(const struct uart8250 *u)
{
	if ((u->ier & IER_RLSI) && (u->lsr & LSR_ERRORS))
		return IIR_RLSI;
	if ((u->ier & IER_RDI) && u->rx_count > 0)
		return u->rx_count >= rx_trigger(u) ? IIR_RDI : IIR_TIMEOUT;
	if ((u->ier & IER_THRI) && u->thr_ipending)
		return IIR_THRI;
	if ((u->ier & IER_MSI) && (u->msr & 0x0f))
		return IIR_MSI;
	return IIR_NO_INT;
}

/* The PC wires the interrupt through OUT2; loopback disconnects it. */
static void update_irq(struct uart8250 *u)
{
	int level = pending_id(u) != IIR_NO_INT && (u->mcr & (MCR_OUT2 | MCR_LOOP)) == MCR_OUT2;

	if (level != u->irq_level) {
		u->irq_level = level;
		vm_set_irq(u->vm, u->gsi, level);
	}
}

/* Modem status inputs: in loopback they follow MCR; otherwise a present, ready host. */
static void update_msr(struct uart8250 *u)
{
	uint8_t lines, old = u->msr & 0xf0, delta;

	if (u->mcr & MCR_LOOP)
		lines = ((u->mcr & MCR_DTR) ? MSR_DSR : 0) | ((u->mcr & MCR_RTS) ? MSR_CTS : 0) |
			((u->mcr & MCR_OUT1) ? MSR_RI : 0) | ((u->mcr & MCR_OUT2) ? MSR_DCD : 0);
	else
		lines = MSR_DCD | MSR_DSR | MSR_CTS;
	delta = old ^ lines;
	u->msr = lines | (u->msr & 0x0f);
	if (delta & MSR_CTS)
		u->msr |= MSR_DCTS;
	if (delta & MSR_DSR)
		u->msr |= MSR_DDSR;
	if (delta & MSR_DCD)
		u->msr |= MSR_DDCD;
	if ((old & MSR_RI) && !(lines & MSR_RI))
		u->msr |= MSR_TERI;	/* trailing edge only */
}

static void uart_reset_locked(struct uart8250 *u)
{
	u->ier = 0;
	u->lcr = 0;
	u->mcr = 0;
	u->lsr = LSR_THRE | LSR_TEMT;
	u->msr = MSR_DCD | MSR_DSR | MSR_CTS;
	u->scr = 0;
	u->fcr = 0;
	u->dll = 12;	/* 9600 baud */
	u->dlm = 0;
	u->thr_ipending = 0;
	u->rx_head = u->rx_count = 0;
	u->bl_head = u->bl_count = 0;
	update_irq(u);
}

static void uart_reset(void *dev)
{
	struct uart8250 *u = dev;

	pthread_mutex_lock(&u->lock);
	uart_reset_locked(u);
	pthread_mutex_unlock(&u->lock);
}

static void write_thr(struct uart8250 *u, uint8_t val)
{
	if (u->mcr & MCR_LOOP)
		rx_push(u, val);
	else
		vm_console_output(u->vm, &val, 1);
	/* Sent at once: the holding register is empty again. */
	u->lsr |= LSR_THRE | LSR_TEMT;
	u->thr_ipending = 1;
}

static void write_fcr(struct uart8250 *u, uint8_t val)
{
	if ((val ^ u->fcr) & FCR_ENABLE) {
		/* Changing the FIFO mode clears both FIFOs (data sheet, FCR bit 0). */
		u->rx_head = u->rx_count = 0;
	}
	if (val & FCR_CLEAR_RX)
		u->rx_head = u->rx_count = 0;
	/* Bits 1, 2 are self-clearing; 3 (DMA mode) and 4-5 (reserved) do nothing here. */
	u->fcr = val & (FCR_ENABLE | 0xc0);
	if (!(val & FCR_ENABLE))
		u->fcr = 0;
	if (u->rx_count == 0)
		u->lsr &= ~LSR_DR;
	refill(u);
}

static void reg_write(struct uart8250 *u, unsigned int reg, uint8_t val)
{
	switch (reg) {
	case REG_RBR_THR:
		if (u->lcr & LCR_DLAB)
			u->dll = val;
		else
			write_thr(u, val);
		break;
	case REG_IER:
		if (u->lcr & LCR_DLAB) {
			u->dlm = val;
			break;
		}
		/* Enabling THRI while the holding register is empty raises THRE (Linux's UART_BUG_THRE probe relies on it). */
		if ((val & IER_THRI) && !(u->ier & IER_THRI) && (u->lsr & LSR_THRE))
			u->thr_ipending = 1;
		u->ier = val & 0x0f;
		break;
	case REG_IIR_FCR:
		write_fcr(u, val);
		break;
	case REG_LCR:
		u->lcr = val;
		break;
	case REG_MCR:
		u->mcr = val & 0x1f;
		update_msr(u);
		refill(u);
		break;
	case REG_LSR:
	case REG_MSR:
		break;	/* read-only here (factory test writes) */
	case REG_SCR:
		u->scr = val;
		break;
	}
	update_irq(u);
}

static uint8_t reg_read(struct uart8250 *u, unsigned int reg)
{
	uint8_t val = 0;

	switch (reg) {
	case REG_RBR_THR:
		if (u->lcr & LCR_DLAB) {
			val = u->dll;
			break;
		}
		if (u->rx_count > 0) {
			val = u->rx[u->rx_head];
			u->rx_head = (u->rx_head + 1) % FIFO_SIZE;
			u->rx_count--;
		}
		refill(u);
		if (u->rx_count == 0)
			u->lsr &= ~LSR_DR;
		break;
	case REG_IER:
		val = (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
		break;
	case REG_IIR_FCR:
		val = pending_id(u);
		if (val == IIR_THRI)
			u->thr_ipending = 0;	/* reading IIR with THRE as the source clears it */
		if (u->fcr & FCR_ENABLE)
			val |= IIR_FIFO_ON;
		break;
	case REG_LCR:
		val = u->lcr;
		break;
	case REG_MCR:
		val = u->mcr;
		break;
	case REG_LSR:
		val = u->lsr;
		u->lsr &= ~(LSR_ERRORS | 0x80);
		break;
	case REG_MSR:
		val = u->msr;
		u->msr &= 0xf0;
		break;
	case REG_SCR:
		val = u->scr;
		break;
	}
	update_irq(u);
	return val;
}

/* Wider accesses act as consecutive byte accesses within the 8 ports. */
static void uart_io(void *dev, uint16_t port, int is_write, uint32_t *data, unsigned int size)
{
	struct uart8250 *u = dev;
	uint32_t val = 0;

	pthread_mutex_lock(&u->lock);
	for (unsigned int i = 0; i < size && i < 4; i++) {
		unsigned int reg = (unsigned int)(port - u->base) + i;

		if (reg > REG_SCR) {
			val |= (uint32_t)0xff << (8 * i);
			continue;
		}
		if (is_write)
			reg_write(u, reg, (uint8_t)(*data >> (8 * i)));
		else
			val |= (uint32_t)reg_read(u, reg) << (8 * i);
	}
	pthread_mutex_unlock(&u->lock);
	if (!is_write)
		*data = val;
}

static void uart_input(void *dev, const uint8_t *buf, size_t n)
{
	struct uart8250 *u = dev;

	pthread_mutex_lock(&u->lock);
	for (size_t i = 0; i < n; i++) {
		if (u->bl_count == BACKLOG_SIZE) {
			u->lsr |= LSR_OE;
			break;
		}
		u->backlog[(u->bl_head + u->bl_count++) % BACKLOG_SIZE] = buf[i];
	}
	refill(u);
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

int uart8250_create(struct vm *vm, uint16_t base, unsigned int gsi)
{
	struct uart8250 *u = calloc(1, sizeof(*u));

	if (u == NULL)
		return -1;
	u->vm = vm;
	u->base = base;
	u->gsi = gsi;
	pthread_mutex_init(&u->lock, NULL);
	uart_reset_locked(u);
	if (bus_register_io(vm, base, 8, uart_io, u, "uart8250") < 0) {
		pthread_mutex_destroy(&u->lock);
		free(u);
		return -1;
	}
	vm_set_console_input(vm, uart_input, u);
	vm_on_reset(vm, uart_reset, u);
	return 0;
}
