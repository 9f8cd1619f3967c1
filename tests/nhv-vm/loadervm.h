/*
 * loadervm.h - a struct vm for the loader tests and fuzzer: guest RAM in
 * one buffer (no hole: tests stay below 3 GiB), one vCPU whose registers a
 * fake accelerator records, and vm_guest_ptr (vm.c is not linked).
 */
#ifndef NHV_TEST_LOADERVM_H
#define NHV_TEST_LOADERVM_H

#include "userland/nhv-vm/loader.h"

struct loadervm {
	struct vm vm;
	struct vm_config cfg;
	struct vcpu vcpu;
	struct nhv_regs regs;
	struct nhv_sregs sregs;
};

/* 0, or -1 when memory is short. */
int loadervm_init(struct loadervm *l, uint64_t mib);
void loadervm_free(struct loadervm *l);

#endif
