/* selftest.h - the test groups of nhv-selftest kept in their own files. */
#ifndef NHV_SELFTEST_H
#define NHV_SELFTEST_H

#include <stdint.h>

/* Results go through userland/lib/tap.h: one TAP stream for the whole program. */
void test_bad_ioctls(int sysfd);
void test_random(int sysfd, int iterations);
void test_tlb(int sysfd);
void test_lapic(int sysfd);
void test_string_io(int sysfd);
void test_msrs(int sysfd);
void test_lazy(int sysfd);
void test_backdoor(int sysfd, int random_calls);
double bench_backdoor(int sysfd, int n);

/* protvm.c: flat 32-bit protected-mode guests with an IDT. */
struct tvm;
struct guest;
int prot_vm(struct tvm *vm, int sysfd, const struct guest *g, uint32_t esi,
	    uint32_t edi);
void handler(struct tvm *vm, int slot, int vector, const struct guest *g);
int out_to(struct tvm *vm, uint16_t port, uint32_t *data);
int run_bench(int sysfd, int iterations, int use_kvm);
int hold_kvm(void);

#endif
