/* machine.h - building the machine's devices (vm-machine.c). */
#ifndef NHV_VM_MACHINE_H
#define NHV_VM_MACHINE_H

#include "userland/nhv-vm/vm.h"

/* Creates and registers every device; 0, or -1 (the device said why on stderr). */
int machine_create(struct vm *vm);

#endif
