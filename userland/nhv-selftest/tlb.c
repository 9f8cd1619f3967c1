/*
 * tlb.c - tagged TLBs and vCPU migration (VPIDs on VMX, ASIDs on SVM):
 *
 *   (a) guests that map one linear address to different data, run in turn
 *       on one CPU, each always read their own data: two VMs, and two vCPUs
 *       of one VM with their own page tables;
 *   (b) a vCPU moved to another CPU between runs sees its own page-table
 *       changes and keeps its registers; with 2 CPUs, also while a second
 *       thread moves it during long runs of in-kernel exits;
 *   (c) the capabilities report VPIDs on VMX when the CPU has them.
 *
 * A missing flush or a shared tag shows as the other guest's data, a VMCS
 * active on two CPUs as lost registers or a failed entry.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "userland/lib/nhvdev.h"
#include "userland/lib/tap.h"
#include "guests.h"
#include "selftest.h"

#define TLB_MEM		(2u << 20)
#define TLB_LA		0x40000000u	/* the linear address every guest reads */
/* Tables for TLB_LA next to tvm_setup's (PML4 0x2000, PDPT 0x3000, PD 0x4000). */
#define PD_A		0x10000u
#define PT_A		0x11000u
#define PML4_B		0x12000u
#define PDPT_B		0x13000u
#define PD_B		0x14000u
#define PT_B		0x15000u
#define DATA_A		0x20000u
#define DATA_B		0x21000u
#define ROUNDS		200

/*
 * Guests (64-bit, loaded at GUEST_CODE):
 * tlb_read:  report the 32 bits at TLB_LA on port 0x10, forever.
 * tlb_flip:  report them (0x10), install the other PTE (R13 <-> R14, PTE at
 *            R12), INVLPG, report again (0x11), count loops in R15.
 * tlb_spin:  chunks of R11 CPUIDs (exits handled in the kernel), each
 *            checking TLB_LA against R14D; R15 counts them, reported on 0x10
 *            after each chunk; a wrong value goes to port 0x11.
 * tlb_dr:    set DR0 (an address it never touches) and DR7 (L0 enabled),
 *            then report DR0 (0x10) and DR7 (0x11), forever.
 */
__asm__(".pushsection .rodata\n"
	".code64\n"
	"tlb_read_s:\n"
	"1: mov 0x40000000, %eax\n"
	"   out %eax, $0x10\n"
	"   jmp 1b\n"
	"tlb_read_e:\n"
	"tlb_flip_s:\n"
	"1: mov 0x40000000, %eax\n"
	"   out %eax, $0x10\n"
	"   xchg %r13, %r14\n"
	"   mov %r14, (%r12)\n"
	"   invlpg 0x40000000\n"
	"   mov 0x40000000, %eax\n"
	"   out %eax, $0x11\n"
	"   inc %r15\n"
	"   jmp 1b\n"
	"tlb_flip_e:\n"
	"tlb_spin_s:\n"
	"1: mov %r11, %r12\n"
	"2: mov 0x40000000, %eax\n"
	"   cmp %r14d, %eax\n"
	"   jne 3f\n"
	"   xor %eax, %eax\n"
	"   cpuid\n"
	"   inc %r15\n"
	"   dec %r12\n"
	"   jnz 2b\n"
	"   mov %r15d, %eax\n"
	"   out %eax, $0x10\n"
	"   jmp 1b\n"
	"3: out %eax, $0x11\n"
	"   cli\n"
	"   hlt\n"
	"tlb_spin_e:\n"
	"tlb_dr_s:\n"
	"   mov $0x11110000, %eax\n"
	"   mov %rax, %db0\n"
	"   mov $0x401, %eax\n"
	"   mov %rax, %db7\n"
	"1: mov %db0, %rax\n"
	"   out %eax, $0x10\n"
	"   mov %db7, %rax\n"
	"   out %eax, $0x11\n"
	"   jmp 1b\n"
	"tlb_dr_e:\n"
	".popsection\n");
extern const unsigned char tlb_read_s[], tlb_read_e[], tlb_flip_s[],
	tlb_flip_e[], tlb_spin_s[], tlb_spin_e[], tlb_dr_s[], tlb_dr_e[];

struct tlb_cpu {
	int fd;
	struct nhv_run *run;
};

static uint32_t *word(struct tvm *vm, uint64_t gpa)
{
	return (uint32_t *)(vm->mem + gpa);
}

static uint64_t *table(struct tvm *vm, uint64_t gpa)
{
	return (uint64_t *)(vm->mem + gpa);
}

/* TLB_LA -> data through pml4/pdpt/pd/pt; the first 2 MiB stay identity-mapped. */
static void map_la(struct tvm *vm, uint64_t pml4, uint64_t pdpt, uint64_t pd,
		   uint64_t pt, uint64_t data)
{
	table(vm, pml4)[0] = pdpt | 3;
	table(vm, pdpt)[0] = (GUEST_PML4 + 0x2000) | 3;
	table(vm, pdpt)[TLB_LA >> 30] = pd | 3;
	table(vm, pd)[0] = pt | 3;
	table(vm, pt)[0] = data | 3;
}

/* A long-mode VM running @code, with TLB_LA mapped to DATA_A = @value. */
static int tlb_vm(struct tvm *vm, int sysfd, const unsigned char *s,
		  const unsigned char *e, uint32_t value)
{
	int r = tvm_create(vm, sysfd, TLB_MEM);

	if (r) {
		tap_diag("cannot create a VM: %s", strerror(-r));
		return r;
	}
	tvm_load(vm, GUEST_CODE, s, e - s);
	r = tvm_setup(vm, MODE_LONG, GUEST_CODE);
	if (r) {
		tap_diag("cannot set up the vCPU: %s", strerror(-r));
		tvm_destroy(vm);
		return r;
	}
	map_la(vm, GUEST_PML4, GUEST_PML4 + 0x1000, PD_A, PT_A, DATA_A);
	*word(vm, DATA_A) = value;
	tvm_io_ports(vm, (uint16_t[]){ 0x10, 0x11 }, 2);
	return 0;
}

static int run_cpu(struct tlb_cpu *c)
{
	if (ioctl(c->fd, NHV_RUN, 0))
		return -errno;
	return c->run->exit_reason;
}

/* The value a guest must report: what its PTE for TLB_LA points at. */
static uint32_t mapped(struct tvm *vm, uint64_t pt)
{
	return *word(vm, table(vm, pt)[0] & ~0xfffull);
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/*
 * Run two vCPUs in turn on @cpu, ROUNDS times each; each must report its
 * own value.  Returns the number of runs, negative after a wrong one.
 */
static int in_turn(struct tlb_cpu c[2], const uint32_t val[2], int cpu,
		   const char *what)
{
	int i, k, x, runs = 0;

	pin(cpu);
	for (i = 0; i < ROUNDS; i++)
		for (k = 0; k < 2; k++) {
			x = run_cpu(&c[k]);
			runs++;
			if (x != NHV_EXIT_IO || c[k].run->io.data != val[k]) {
				tap_diag("%s %d, round %d: exit %d, read %#x, expected %#x",
					what, k, i, x, c[k].run->io.data, val[k]);
				return -runs;
			}
		}
	return runs;
}

/* (a) Two VMs, one CPU, in turn. */
static void tlb_two_vms(int sysfd, int cpu)
{
	static const uint32_t val[2] = { 0xaaaa0001, 0xbbbb0002 };
	struct tlb_cpu c[2];
	struct tvm vm[2];
	int k, runs;

	if (tlb_vm(&vm[0], sysfd, tlb_read_s, tlb_read_e, val[0]))
		return;
	if (tlb_vm(&vm[1], sysfd, tlb_read_s, tlb_read_e, val[1])) {
		tvm_destroy(&vm[0]);
		return;
	}
	for (k = 0; k < 2; k++) {
		c[k].fd = vm[k].cpufd;
		c[k].run = vm[k].run;
	}
	runs = in_turn(c, val, cpu, "VM");
	tap_ok(runs > 0, "two VMs map %#x to different data; run in turn on CPU %d, each reads its own (%d runs)",
	      TLB_LA, cpu, abs(runs));
	tvm_destroy(&vm[1]);
	tvm_destroy(&vm[0]);
}

/* (a) Two vCPUs of one VM, same EPT/NPT, own page tables, one CPU, in turn. */
static void tlb_two_vcpus(int sysfd, int cpu)
{
	static const uint32_t val[2] = { 0xcccc0003, 0xdddd0004 };
	struct nhv_sregs s;
	struct nhv_regs r;
	struct tlb_cpu c[2];
	struct tvm vm;
	int runs;

	if (tlb_vm(&vm, sysfd, tlb_read_s, tlb_read_e, val[0]))
		return;
	map_la(&vm, PML4_B, PDPT_B, PD_B, PT_B, DATA_B);
	*word(&vm, DATA_B) = val[1];
	c[0].fd = vm.cpufd;
	c[0].run = vm.run;
	c[1].fd = ioctl(vm.vmfd, NHV_CREATE_VCPU, 1);
	c[1].run = c[1].fd < 0 ? MAP_FAILED :
		mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, c[1].fd, 0);
	if (c[1].run == MAP_FAILED || ioctl(c[0].fd, NHV_GET_SREGS, &s) ||
	    ioctl(c[0].fd, NHV_GET_REGS, &r)) {
		tap_ok(0, "second vCPU: %s", strerror(errno));
		goto out;
	}
	s.cr3 = PML4_B;
	if (ioctl(c[1].fd, NHV_SET_SREGS, &s) || ioctl(c[1].fd, NHV_SET_REGS, &r)) {
		tap_ok(0, "second vCPU set-up: %s", strerror(errno));
		goto out;
	}
	runs = in_turn(c, val, cpu, "vCPU");
	tap_ok(runs > 0, "two vCPUs of one VM, own page tables for %#x: run in turn on CPU %d, each reads its own (%d runs)",
	      TLB_LA, cpu, abs(runs));
out:
	if (c[1].run != MAP_FAILED)
		munmap(c[1].run, 4096);
	if (c[1].fd >= 0)
		close(c[1].fd);
	tvm_destroy(&vm);
}

/* Canaries the guests never touch: RBP, R8-R10 (and R13 in tlb_spin). */
static void set_canaries(struct nhv_regs *r)
{
	r->gpr[NHV_RBP] = 0x0123456789abcdefull;
	r->gpr[NHV_R8] = 0x8888888888888888ull;
	r->gpr[NHV_R9] = 0x9999999999999999ull;
	r->gpr[NHV_R10] = 0xa0a0a0a0a0a0a0a0ull;
}

static int canaries_ok(const struct nhv_regs *r)
{
	return r->gpr[NHV_RBP] == 0x0123456789abcdefull &&
	       r->gpr[NHV_R8] == 0x8888888888888888ull &&
	       r->gpr[NHV_R9] == 0x9999999999999999ull &&
	       r->gpr[NHV_R10] == 0xa0a0a0a0a0a0a0a0ull &&
	       r->gpr[NHV_RSP] == GUEST_STACK;
}

/*
 * (b) Between runs: the vCPU changes its PTE for TLB_LA and invalidates it
 * on one CPU, then reads TLB_LA on the next one.
 */
static void tlb_migrate_between_runs(int sysfd, int ncpu, const int *cpus)
{
	struct nhv_regs r;
	struct tlb_cpu c;
	struct tvm vm;
	int i, x, bad = 0, moves = 0, loops = 0;

	if (tlb_vm(&vm, sysfd, tlb_flip_s, tlb_flip_e, 0x5a5a0005))
		return;
	*word(&vm, DATA_B) = 0xa5a50006;
	tvm_get_regs(&vm, &r);
	set_canaries(&r);
	r.gpr[NHV_R12] = PT_A;
	r.gpr[NHV_R13] = DATA_B | 3;
	r.gpr[NHV_R14] = DATA_A | 3;
	r.gpr[NHV_R15] = 0;
	tvm_set_regs(&vm, &r);
	c.fd = vm.cpufd;
	c.run = vm.run;
	for (i = 0; i < 4 * ROUNDS && !bad; i++) {
		if (ncpu > 1 && !pin(cpus[i % ncpu]))
			moves++;
		x = run_cpu(&c);
		tvm_get_regs(&vm, &r);
		if (x != NHV_EXIT_IO || c.run->io.data != mapped(&vm, PT_A) ||
		    !canaries_ok(&r) || r.gpr[NHV_R15] != (uint64_t)loops) {
			tap_diag("run %d on CPU %d: exit %d port %#x read %#x, expected %#x; R15 %llu, expected %d; canaries %s",
				i, sched_getcpu(), x, c.run->io.port, c.run->io.data,
				mapped(&vm, PT_A), (unsigned long long)r.gpr[NHV_R15],
				loops, canaries_ok(&r) ? "kept" : "LOST");
			bad = 1;
		}
		if (c.run->io.port == 0x11)
			loops++;
	}
	tap_ok(!bad, "a vCPU moved between runs (%d CPUs, %d moves) sees its own PTE changes and keeps its registers",
	      ncpu, moves);
	tvm_destroy(&vm);
}

/* (b) The guest's debug registers stay its own across runs and CPUs. */
static void tlb_debug_regs(int sysfd, int ncpu, const int *cpus)
{
	struct tlb_cpu c;
	struct tvm vm;
	uint32_t want;
	int i, x, bad = 0;

	if (tlb_vm(&vm, sysfd, tlb_dr_s, tlb_dr_e, 0))
		return;
	c.fd = vm.cpufd;
	c.run = vm.run;
	for (i = 0; i < ROUNDS && !bad; i++) {
		pin(cpus[i % ncpu]);
		x = run_cpu(&c);
		want = c.run->io.port == 0x10 ? 0x11110000 : 0x401;
		if (x != NHV_EXIT_IO || c.run->io.data != want) {
			tap_diag("run %d: exit %d port %#x: %#x, expected %#x", i, x,
				c.run->io.port, c.run->io.data, want);
			bad = 1;
		}
	}
	tap_ok(!bad, "the guest's DR0 and DR7 keep their values across %d runs on %d CPUs",
	      i, ncpu);
	tvm_destroy(&vm);
}

/* After a failure: where the guest stood, for the report. */
static void dump_state(struct tvm *vm, const struct nhv_regs *r)
{
	struct nhv_sregs sr;

	tap_diag("rip %#llx rsp %#llx rflags %#llx r12 %#llx r15 %#llx, on CPU %d",
		(unsigned long long)r->rip, (unsigned long long)r->gpr[NHV_RSP],
		(unsigned long long)r->rflags, (unsigned long long)r->gpr[NHV_R12],
		(unsigned long long)r->gpr[NHV_R15], sched_getcpu());
	if (vm->run->exit_reason == NHV_EXIT_INTERNAL)
		tap_diag("internal: suberror %u data %#llx %#llx %#llx",
			vm->run->internal.suberror,
			(unsigned long long)vm->run->internal.data[0],
			(unsigned long long)vm->run->internal.data[1],
			(unsigned long long)vm->run->internal.data[2]);
	if (ioctl(vm->cpufd, NHV_GET_SREGS, &sr))
		return;
	tap_diag("cr0 %#llx cr3 %#llx cr4 %#llx efer %#llx cs %#x/%#llx/%#x gdt %#llx idt %#llx",
		(unsigned long long)sr.cr0, (unsigned long long)sr.cr3,
		(unsigned long long)sr.cr4, (unsigned long long)sr.efer, sr.cs.selector,
		(unsigned long long)sr.cs.base, sr.cs.attrib,
		(unsigned long long)sr.gdt.base, (unsigned long long)sr.idt.base);
}

struct mover {
	pid_t tid;
	int ncpu;
	const int *cpus;
	volatile int stop;
	int moves;
};

static void *move_around(void *p)
{
	struct mover *m = p;
	struct timespec ts = { 0, 1000 * 1000 };
	cpu_set_t set;
	int i = 0;

	while (!m->stop) {
		CPU_ZERO(&set);
		CPU_SET(m->cpus[i % m->ncpu], &set);
		i++;
		if (!sched_setaffinity(m->tid, sizeof(set), &set))
			m->moves++;
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * (b) During runs: another thread moves the vCPU thread every millisecond,
 * 30 times at least (bounded by work, not time: Bochs is slow).
 */
static void tlb_migrate_in_run(int sysfd, int ncpu, const int *cpus)
{
	const uint64_t chunk = 500;
	struct mover m = { 0 };
	struct nhv_regs r;
	struct tlb_cpu c;
	struct tvm vm;
	pthread_t t;
	double t0;
	int x, bad = 0, chunks = 0, seen = 0, last = -1;

	if (ncpu < 2) {
		tap_ok(1, "a vCPU moved while in NHV_RUN keeps working # SKIP one CPU");
		return;
	}
	if (tlb_vm(&vm, sysfd, tlb_spin_s, tlb_spin_e, 0x3c3c0007))
		return;
	tvm_get_regs(&vm, &r);
	set_canaries(&r);
	r.gpr[NHV_R11] = chunk;
	r.gpr[NHV_R13] = 0x1313131313131313ull;
	r.gpr[NHV_R14] = 0x3c3c0007;
	r.gpr[NHV_R15] = 0;
	tvm_set_regs(&vm, &r);
	c.fd = vm.cpufd;
	c.run = vm.run;
	m.tid = syscall(SYS_gettid);
	m.ncpu = ncpu;
	m.cpus = cpus;
	if (pthread_create(&t, NULL, move_around, &m)) {
		tap_ok(0, "a vCPU moved while in NHV_RUN: no thread (%s)", strerror(errno));
		tvm_destroy(&vm);
		return;
	}
	t0 = now();
	while (!bad && (chunks < 50 || m.moves < 30) && now() - t0 < 30) {
		x = run_cpu(&c);
		tvm_get_regs(&vm, &r);
		chunks++;
		if (x != NHV_EXIT_IO || c.run->io.port != 0x10 ||
		    c.run->io.data != (uint32_t)(chunks * chunk) || !canaries_ok(&r) ||
		    r.gpr[NHV_R13] != 0x1313131313131313ull) {
			tap_diag("chunk %d: exit %d port %#x data %#x (expected %#llx), canaries %s",
				chunks, x, c.run->io.port, c.run->io.data,
				(unsigned long long)(chunks * chunk),
				canaries_ok(&r) ? "kept" : "LOST");
			dump_state(&vm, &r);
			bad = 1;
		}
		if (sched_getcpu() != last)
			seen++;
		last = sched_getcpu();
	}
	m.stop = 1;
	pthread_join(t, NULL);
	tap_ok(!bad && m.moves > 0, "a vCPU moved between %d CPUs while in NHV_RUN (%d moves, %d CPU changes seen, %d chunks of %llu in-kernel exits) keeps working",
	      ncpu, m.moves, seen, chunks, (unsigned long long)chunk);
	tvm_destroy(&vm);
}

/* "vpid" among /proc/cpuinfo's "vmx flags": 1 offered, 0 not, -1 unknown. */
static int cpu_has_vpid(void)
{
	char line[4096];
	FILE *f = fopen("/proc/cpuinfo", "r");
	int yes = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "vmx flags", 9)) {
			yes = strstr(line, " vpid") != NULL;
			break;
		}
	fclose(f);
	return yes;
}

/* (c) */
static void tlb_caps(int sysfd)
{
	struct nhv_caps caps;
	int vpid;

	if (ioctl(sysfd, NHV_GET_CAPS, &caps)) {
		tap_ok(0, "capabilities: %s", strerror(errno));
		return;
	}
	if (caps.vendor != NHV_VENDOR_VMX) {
		tap_diag("SVM: %u ASIDs, flags %#llx", caps.nr_asids,
			(unsigned long long)caps.flags);
		return;
	}
	vpid = cpu_has_vpid();
	tap_diag("VMX: VPID %s by nhv (%u VPIDs), %s by the CPU",
		caps.flags & NHV_CAP_VPID ? "used" : "not used", caps.nr_asids,
		vpid < 0 ? "unknown" : vpid ? "offered" : "not offered");
	if (vpid > 0)
		tap_ok((caps.flags & NHV_CAP_VPID) && caps.nr_asids == 65535,
		      "VMX: the CPU offers VPIDs and nhv uses them (65535 VPIDs)");
	else if (vpid == 0)
		tap_ok(!(caps.flags & NHV_CAP_VPID),
		      "VMX: nhv reports no VPIDs when the CPU has none");
}

void test_tlb(int sysfd)
{
	cpu_set_t all;
	int cpus[CPU_SETSIZE], ncpu = 0, i;

	if (sched_getaffinity(0, sizeof(all), &all)) {
		tap_ok(0, "sched_getaffinity: %s", strerror(errno));
		return;
	}
	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &all))
			cpus[ncpu++] = i;
	tlb_caps(sysfd);
	tlb_two_vms(sysfd, cpus[0]);
	tlb_two_vcpus(sysfd, cpus[ncpu - 1]);
	tlb_migrate_between_runs(sysfd, ncpu, cpus);
	tlb_debug_regs(sysfd, ncpu, cpus);
	sched_setaffinity(0, sizeof(all), &all);
	tlb_migrate_in_run(sysfd, ncpu, cpus);
	sched_setaffinity(0, sizeof(all), &all);
}
