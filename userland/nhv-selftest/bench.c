/*
 * bench.c - `nhv selftest --bench [--kvm]`: CPUID-exit and I/O-exit round
 * trips per second for one long-mode guest loop, on nhv.ko or, with --kvm,
 * on the kernel's KVM (/dev/kvm) with the same guest code and page tables.
 * nhv.ko alone also times VMware backdoor round trips (VMCALL/VMMCALL with
 * every register through the run page; backdoor.c).
 * Prints one line per measure, "bench <hv> <measure> <exits> <seconds> <rate>",
 * so a script can put the two side by side (tests/kernel-vmm/bench.sh).
 * `--kvm-hold` keeps a KVM VM alive until a signal (see hold_kvm).
 */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/kvm.h>
#include "userland/lib/nhvdev.h"
#include "guests.h"
#include "selftest.h"

#define BENCH_MEM	(2u << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void report(const char *hv, const char *what, long n, double secs)
{
	printf("bench %s %s %ld %.3f %.0f\n", hv, what, n, secs, n / secs);
	fflush(stdout);
}

static int bench_nhv(int sysfd, int iterations)
{
	const struct guest *g[2] = { &g_bench_cpuid, &g_bench_io };
	const char *names[2] = { "cpuid", "io" };
	struct nhv_regs r;
	struct tvm vm;
	double t;
	int k, x;

	for (k = 0; k < 2; k++) {
		long n = 0;

		if (tvm_create(&vm, sysfd, BENCH_MEM)) {
			fprintf(stderr, "bench: cannot create an nhv VM: %s\n", strerror(errno));
			return 1;
		}
		tvm_load(&vm, GUEST_CODE, g[k]->start, GUEST_SIZE(*g[k]));
		tvm_setup(&vm, MODE_LONG, GUEST_CODE);
		tvm_io_ports(&vm, (uint16_t[]){ 0x10 }, 1);
		tvm_get_regs(&vm, &r);
		r.gpr[NHV_RCX] = iterations;
		tvm_set_regs(&vm, &r);
		t = now();
		while ((x = tvm_run(&vm)) == NHV_EXIT_IO)
			n++;
		t = now() - t;
		tvm_destroy(&vm);
		if (x != NHV_EXIT_HLT) {
			fprintf(stderr, "bench: nhv guest ended with exit %d\n", x);
			return 1;
		}
		report("nhv", names[k], k ? n : iterations, t);
	}
	/* VMware backdoor calls (VMCALL/VMMCALL), all registers through the run page. */
	t = bench_backdoor(sysfd, iterations);
	if (t < 0) {
		fprintf(stderr, "bench: the backdoor loop did not finish\n");
		return 1;
	}
	report("nhv", "backdoor", iterations, t);
	return 0;
}

static void kseg(struct kvm_segment *s, int code, int l)
{
	memset(s, 0, sizeof(*s));
	s->limit = 0xffffffff;
	s->selector = code ? 8 : 16;
	s->type = code ? 11 : 3;
	s->present = 1;
	s->s = 1;
	s->l = l;
	s->db = !l;
	s->g = 1;
}

/* One KVM VM with one vCPU in long mode, running guest @g. */
struct kvm_guest {
	int vm, cpu;
	long runsize;
	struct kvm_run *run;
	uint8_t *mem;
};

static void kvm_guest_destroy(struct kvm_guest *kg)
{
	if (kg->run && kg->run != MAP_FAILED)
		munmap(kg->run, kg->runsize);
	if (kg->cpu >= 0)
		close(kg->cpu);
	if (kg->vm >= 0)
		close(kg->vm);
	if (kg->mem && kg->mem != MAP_FAILED)
		munmap(kg->mem, BENCH_MEM);
}

static int kvm_guest_create(struct kvm_guest *kg, int kvm, const struct guest *g,
			    long iterations)
{
	struct kvm_userspace_memory_region mr = { 0 };
	struct kvm_sregs s;
	struct kvm_regs r;
	uint64_t *pt;

	memset(kg, 0, sizeof(*kg));
	kg->cpu = -1;
	kg->runsize = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	kg->vm = ioctl(kvm, KVM_CREATE_VM, 0);
	kg->mem = mmap(NULL, BENCH_MEM, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (kg->runsize <= 0 || kg->vm < 0 || kg->mem == MAP_FAILED) {
		fprintf(stderr, "bench: KVM VM: %s\n", strerror(errno));
		kvm_guest_destroy(kg);
		return -1;
	}
	mr.memory_size = BENCH_MEM;
	mr.userspace_addr = (uintptr_t)kg->mem;
	ioctl(kg->vm, KVM_SET_USER_MEMORY_REGION, &mr);
	memcpy(kg->mem + GUEST_CODE, g->start, GUEST_SIZE(*g));
	pt = (uint64_t *)(kg->mem + GUEST_PML4);
	pt[0] = (GUEST_PML4 + 0x1000) | 3;
	pt[512] = (GUEST_PML4 + 0x2000) | 3;
	pt[1024] = 0x83;
	kg->cpu = ioctl(kg->vm, KVM_CREATE_VCPU, 0);
	kg->run = mmap(NULL, kg->runsize, PROT_READ | PROT_WRITE, MAP_SHARED, kg->cpu, 0);
	if (kg->cpu < 0 || kg->run == MAP_FAILED) {
		fprintf(stderr, "bench: KVM vCPU: %s\n", strerror(errno));
		kvm_guest_destroy(kg);
		return -1;
	}
	ioctl(kg->cpu, KVM_GET_SREGS, &s);
	kseg(&s.cs, 1, 1);
	kseg(&s.ds, 0, 0);
	s.es = s.fs = s.gs = s.ss = s.ds;
	s.cr0 = 0x80000011;
	s.cr3 = GUEST_PML4;
	s.cr4 = 0x20;
	s.efer = 0x500;
	ioctl(kg->cpu, KVM_SET_SREGS, &s);
	memset(&r, 0, sizeof(r));
	r.rip = GUEST_CODE;
	r.rsp = GUEST_STACK;
	r.rflags = 2;
	r.rcx = iterations;
	ioctl(kg->cpu, KVM_SET_REGS, &r);
	return 0;
}

/* Run until the guest halts; @io_exits counts the I/O exits on the way. */
static int kvm_guest_run(struct kvm_guest *kg, long *io_exits)
{
	for (;;) {
		if (ioctl(kg->cpu, KVM_RUN, 0) < 0) {
			fprintf(stderr, "bench: KVM_RUN: %s\n", strerror(errno));
			return -1;
		}
		if (kg->run->exit_reason != KVM_EXIT_IO)
			break;
		(*io_exits)++;
	}
	if (kg->run->exit_reason != KVM_EXIT_HLT) {
		fprintf(stderr, "bench: KVM guest ended with exit %u\n", kg->run->exit_reason);
		return -1;
	}
	return 0;
}

static int open_kvm(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (kvm < 0)
		fprintf(stderr, "bench: /dev/kvm: %s (modprobe kvm_amd or kvm_intel first)\n",
			strerror(errno));
	return kvm;
}

static int bench_kvm(int iterations)
{
	const struct guest *g[2] = { &g_bench_cpuid, &g_bench_io };
	const char *names[2] = { "cpuid", "io" };
	struct kvm_guest kg;
	int kvm = open_kvm(), k, rc = 0;

	if (kvm < 0)
		return 1;
	for (k = 0; k < 2 && !rc; k++) {
		long n = 0;
		double t;

		if (kvm_guest_create(&kg, kvm, g[k], iterations)) {
			rc = 1;
			break;
		}
		t = now();
		rc = kvm_guest_run(&kg, &n) ? 1 : 0;
		t = now() - t;
		if (!rc)
			report("kvm", names[k], k ? n : iterations, t);
		kvm_guest_destroy(&kg);
	}
	close(kvm);
	return rc;
}

/*
 * `nhv selftest --kvm-hold`: run a short guest on KVM, then keep its VM (and
 * so KVM's hold on VMX/SVM) until SIGTERM, SIGINT or SIGHUP.  Tests use it to
 * show that nhv.ko refuses to load while KVM holds the extension; the VM is
 * torn down with no vCPU in guest mode.
 */
int hold_kvm(void)
{
	const long exits = 1000;
	struct kvm_guest kg;
	sigset_t set;
	long n = 0;
	int kvm = open_kvm(), sig = 0, rc = 1;

	if (kvm < 0)
		return 1;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (kvm_guest_create(&kg, kvm, &g_bench_cpuid, exits))
		goto out;
	if (!kvm_guest_run(&kg, &n)) {
		printf("kvm-hold: a KVM guest ran %ld CPUID exits; its VM is kept until a signal\n",
		       exits);
		fflush(stdout);
		sigwait(&set, &sig);
		rc = 0;
	}
	kvm_guest_destroy(&kg);
	if (!rc)
		printf("kvm-hold: signal %d, VM closed\n", sig);
out:
	close(kvm);
	return rc;
}

int run_bench(int sysfd, int iterations, int use_kvm)
{
	if (iterations <= 0) {
		fprintf(stderr, "bench: --iterations must be positive\n");
		return 2;
	}
	if (use_kvm)
		return bench_kvm(iterations);
	if (sysfd < 0) {
		fprintf(stderr, "bench: /dev/nhv unavailable\n");
		return 1;
	}
	return bench_nhv(sysfd, iterations);
}
