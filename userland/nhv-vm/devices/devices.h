/*
 * devices.h - the device models of nhv-vm and what the VM side calls in
 * them.  Each NAME_create registers the device's ports or MMIO region,
 * its reset hook and any console/power-button hook, and returns 0, or -1
 * with the reason on stderr.  Devices live as long as the process.
 */
#ifndef NHV_VM_DEVICES_H
#define NHV_VM_DEVICES_H

#include "userland/nhv-vm/devices/device.h"

/* 16550A UART at ports base..base+7 (COM1: 0x3f8, GSI 4); takes the console input. */
int uart8250_create(struct vm *vm, uint16_t base, unsigned int gsi);

#endif
