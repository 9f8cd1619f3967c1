/*
 * nhvdev.h - a thin user-space wrapper over /dev/nhv (nhv-selftest, nhv-vm):
 * open (loading nhv.ko if needed), one VM with RAM at guest-physical 0, one
 * vCPU, and set-up of real, protected or long mode.
 */
#ifndef NHV_LIB_NHVDEV_H
#define NHV_LIB_NHVDEV_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel-vmm/include/uapi/nhv.h"

struct tvm {
	int vmfd, cpufd;
	struct nhv_run *run;
	uint8_t *mem;
	size_t memsize;
	void *map;
	size_t mapsize;
};

/* Guest-physical layout tvm_setup uses: the stack top, the page tables of
 * long mode (three pages from TVM_PML4) and the 2 MiB MMIO window it maps. */
#define TVM_STACK	0x8000
#define TVM_PML4	0x2000
#define TVM_MMIO	0xd0000000u

enum tmode { MODE_REAL, MODE_PROT, MODE_LONG };

int nhv_open(const char *module, char *why, size_t whylen);
int tvm_create(struct tvm *vm, int sysfd, size_t memsize);
void tvm_destroy(struct tvm *vm);
void tvm_load(struct tvm *vm, uint64_t gpa, const void *p, size_t n);
int tvm_setup(struct tvm *vm, enum tmode mode, uint64_t rip);
int tvm_run(struct tvm *vm);	/* exit reason, or -errno */
int tvm_get_regs(struct tvm *vm, struct nhv_regs *r);
int tvm_set_regs(struct tvm *vm, const struct nhv_regs *r);
void tvm_set_ivt(struct tvm *vm, int vector, uint16_t handler);
int tvm_io_ports(struct tvm *vm, const uint16_t *ports, int n);

/*
 * NHV_INTERRUPT from another thread after MS milliseconds, so that it lands
 * while the vCPU sleeps in HLT.  result: 0 not yet, 1 sent (set just before
 * the ioctl), -errno if the ioctl failed.
 */
struct tvm_injector {
	struct tvm *vm;
	struct nhv_interrupt in;
	unsigned int ms;
	volatile int result;
	pthread_t thread;
};

int tvm_inject_after(struct tvm_injector *j, struct tvm *vm, uint32_t vector,
		     uint32_t flags, unsigned int ms);
int tvm_inject_join(struct tvm_injector *j);	/* the final result */

#endif
