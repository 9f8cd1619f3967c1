/*
 * nhv-selftest - `nhv selftest`: proves nhv.ko with small guest programs in
 * real, protected and long mode, and prints TAP.
 *
 *   nhv selftest [--module PATH] [--random N] [--only GROUP[,GROUP...]]
 *   nhv selftest --bench [--kvm] [--iterations N]     (see bench.c)
 *   nhv selftest --kvm-hold     keep a KVM VM until a signal (see bench.c)
 *
 * Loads nhv.ko (PATH, or /lib/modules/$(uname -r)/extra/nhv.ko) when
 * /dev/nhv is missing.  Exit status 0 only if every test passed.
 */
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include "userland/lib/tap.h"
#include "userland/lib/nhvdev.h"
#include "guests.h"
#include "selftest.h"

#define MEM_SIZE	(2u << 20)
#define ISR_BASE	0x1800		/* interrupt handlers live here */
#define UD_ISR		0x1a00
#define GP_ISR		0x1b00

static int sysfd;

static int fresh(struct tvm *vm, const struct guest *g, enum tmode mode)
{
	int r = tvm_create(vm, sysfd, MEM_SIZE);

	if (r) {
		tap_diag("cannot create a VM: %s", strerror(-r));
		return r;
	}
	tvm_load(vm, GUEST_CODE, g->start, GUEST_SIZE(*g));
	r = tvm_setup(vm, mode, GUEST_CODE);
	if (r)
		tap_diag("cannot set up the vCPU: %s", strerror(-r));
	return r;
}

static const char *exit_name(int r)
{
	static char buf[32];
	static const char *const names[] = {
		"none", "io", "mmio", "hlt", "shutdown", "fail-entry",
		"internal", "intr", "irq-window",
	};

	if (r < 0) {
		snprintf(buf, sizeof(buf), "errno %s", strerror(-r));
		return buf;
	}
	if (r < (int)(sizeof(names) / sizeof(names[0])))
		return names[r];
	snprintf(buf, sizeof(buf), "exit %d", r);
	return buf;
}

static void test_api(void)
{
	struct nhv_caps c;

	tap_is_int(ioctl(sysfd, NHV_GET_API_VERSION, 0), NHV_API_VERSION,
		   "API version call answers %d", NHV_API_VERSION);
	memset(&c, 0xff, sizeof(c));
	tap_ok(ioctl(sysfd, NHV_GET_CAPS, &c) == 0, "capabilities query");
	tap_ok(c.vendor == NHV_VENDOR_SVM || c.vendor == NHV_VENDOR_VMX,
	       "capabilities name the vendor (%u)", c.vendor);
	tap_ok((c.flags & (NHV_CAP_NPT | NHV_CAP_EPT)) && c.run_size == 4096,
	       "capabilities: nested paging (flags %#llx), run size %u",
	       (unsigned long long)c.flags, c.run_size);
	tap_diag("vendor %s, %u ASIDs/VPIDs, flags %#llx",
		 c.vendor == NHV_VENDOR_SVM ? "SVM" : "VMX", c.nr_asids,
		 (unsigned long long)c.flags);
}

static void test_cpuid_policy(void)
{
	struct nhv_cpuid_entry e[] = {
		/* "nhvnhvnhvnhv" in EBX, ECX, EDX; max leaf in EAX */
		{ 0x40000000, 0, NHV_CPUID_EAX, NHV_CPUID_ANY_SUBLEAF, 0, 0x40000001 },
		{ 0x40000000, 0, NHV_CPUID_EBX, NHV_CPUID_ANY_SUBLEAF, 0, 0x6e76686e },
		{ 0x40000000, 0, NHV_CPUID_ECX, NHV_CPUID_ANY_SUBLEAF, 0, 0x76686e76 },
		{ 0x40000000, 0, NHV_CPUID_EDX, NHV_CPUID_ANY_SUBLEAF, 0, 0x686e7668 },
		/* leaf 1: hide the hypervisor bit, show bit 0 (SSE3) set */
		{ 1, 0, NHV_CPUID_ECX, 0, ~0x80000000u, 1 },
	};
	struct nhv_cpuid_policy p = { 5, 0, (uintptr_t)e };
	struct nhv_regs r;
	struct tvm vm;
	int x;

	if (fresh(&vm, &g_cpuid_real, MODE_REAL))
		return;
	tap_ok(ioctl(vm.vmfd, NHV_SET_CPUID, &p) == 0, "CPUID policy accepted");
	tvm_get_regs(&vm, &r);
	r.gpr[NHV_RAX] = 0x40000000;
	tvm_set_regs(&vm, &r);
	x = tvm_run(&vm);
	tvm_get_regs(&vm, &r);
	tap_ok(x == NHV_EXIT_HLT && r.gpr[NHV_RAX] == 0x40000001 &&
	       r.gpr[NHV_RBX] == 0x6e76686e && r.gpr[NHV_RCX] == 0x76686e76 &&
	       r.gpr[NHV_RDX] == 0x686e7668,
	       "CPUID 0x40000000 presents the policy's signature (%s, eax %#llx)",
	       exit_name(x), (unsigned long long)r.gpr[NHV_RAX]);

	tvm_setup(&vm, MODE_REAL, GUEST_CODE);
	tvm_get_regs(&vm, &r);
	r.gpr[NHV_RAX] = 1;
	tvm_set_regs(&vm, &r);
	x = tvm_run(&vm);
	tvm_get_regs(&vm, &r);
	tap_ok(x == NHV_EXIT_HLT && !(r.gpr[NHV_RCX] & 0x80000000u) &&
	       (r.gpr[NHV_RCX] & 1) && !(r.gpr[NHV_RCX] & (1u << 5)),
	       "CPUID 1: hypervisor bit hidden by and-mask, or-mask applied, VMX hidden (ecx %#llx)",
	       (unsigned long long)r.gpr[NHV_RCX]);
	tap_is_int((r.gpr[NHV_RBX] >> 24) & 0xff, 0, "CPUID 1: APIC ID is the vCPU id");

	tvm_setup(&vm, MODE_REAL, GUEST_CODE);
	tvm_get_regs(&vm, &r);
	r.gpr[NHV_RAX] = 0x80000001;
	tvm_set_regs(&vm, &r);
	x = tvm_run(&vm);
	tvm_get_regs(&vm, &r);
	tap_ok(x == NHV_EXIT_HLT && !(r.gpr[NHV_RCX] & (1u << 2)),
	       "CPUID 0x80000001: SVM hidden from L2 (ecx %#llx)",
	       (unsigned long long)r.gpr[NHV_RCX]);

	tvm_setup(&vm, MODE_REAL, GUEST_CODE);
	tvm_get_regs(&vm, &r);
	r.gpr[NHV_RAX] = 0x40000010;
	tvm_set_regs(&vm, &r);
	x = tvm_run(&vm);
	tvm_get_regs(&vm, &r);
	tap_ok(x == NHV_EXIT_HLT && !r.gpr[NHV_RAX] && !r.gpr[NHV_RBX] &&
	       !r.gpr[NHV_RCX] && !r.gpr[NHV_RDX],
	       "CPUID 0x40000010 without policy: all zero (the L1 host's leaves do not leak)");
	tvm_destroy(&vm);

	/* Protected mode, through an I/O exit. */
	if (fresh(&vm, &g_cpuid_prot, MODE_PROT))
		return;
	tvm_io_ports(&vm, (uint16_t[]){ 0x10 }, 1);
	tvm_get_regs(&vm, &r);
	r.gpr[NHV_RAX] = 0;
	tvm_set_regs(&vm, &r);
	x = tvm_run(&vm);
	tap_ok(x == NHV_EXIT_IO && vm.run->io.port == 0x10 && vm.run->io.size == 4 &&
	       vm.run->io.data >= 1,
	       "protected mode: CPUID 0 max leaf reported over port 0x10 (%s, %#x)",
	       exit_name(x), vm.run->io.data);
	tvm_destroy(&vm);
}

static void test_io(void)
{
	struct nhv_regs r;
	struct tvm vm;
	int x;

	if (fresh(&vm, &g_io_real, MODE_REAL))
		return;
	tvm_io_ports(&vm, (uint16_t[]){ 0x1234 }, 1);
	x = tvm_run(&vm);
	tap_ok(x == NHV_EXIT_IO && vm.run->io.direction == NHV_IO_OUT &&
	       vm.run->io.port == 0x1234 && vm.run->io.size == 1 &&
	       vm.run->io.data == 0x5a,
	       "I/O exit: OUT of 0x5a to port 0x1234 (%s port %#x data %#x)",
	       exit_name(x), vm.run->io.port, vm.run->io.data);
	x = tvm_run(&vm);
	tap_ok(x == NHV_EXIT_IO && vm.run->io.direction == NHV_IO_IN &&
	       vm.run->io.size == 4, "I/O exit: 32-bit IN from port 0x1234 (%s)",
	       exit_name(x));
	vm.run->io.data = 0xdeadbeef;
	x = tvm_run(&vm);
	tvm_get_regs(&vm, &r);
	tap_ok(x == NHV_EXIT_HLT && (uint32_t)r.gpr[NHV_RBX] == 0xdeadbeef,
	       "I/O round trip: the guest got the value user space supplied (%#llx)",
	       (unsigned long long)r.gpr[NHV_RBX]);
	tap_ok((r.gpr[NHV_RCX] & 0xff) == 0xff,
	       "port not chosen for user space: IN reads 0xff without an exit");
	tap_ok(vm.run->exits >= 3, "exit counter counts (%llu)",
	       (unsigned long long)vm.run->exits);
	tvm_destroy(&vm);
}

static void test_mmio(void)
{
	struct nhv_regs r;
	struct tvm vm;
	int x;

	if (fresh(&vm, &g_mmio_prot, MODE_PROT))
		return;
	x = tvm_run(&vm);
	tap_ok(x == NHV_EXIT_MMIO && vm.run->mmio.is_write && vm.run->mmio.len == 4 &&
	       vm.run->mmio.phys == GUEST_MMIO && vm.run->mmio.data == 0x12345678,
	       "MMIO exit: 32-bit write of 0x12345678 at %#x (%s, phys %#llx data %#llx)",
	       GUEST_MMIO, exit_name(x), (unsigned long long)vm.run->mmio.phys,
	       (unsigned long long)vm.run->mmio.data);
	x = tvm_run(&vm);
	tap_ok(x == NHV_EXIT_MMIO && !vm.run->mmio.is_write && vm.run->mmio.len == 4 &&
	       vm.run->mmio.phys == GUEST_MMIO + 4, "MMIO exit: 32-bit read (%s)",
	       exit_name(x));
	vm.run->mmio.data = 0xcafef00d;
	x = tvm_run(&vm);
	tap_ok(x == NHV_EXIT_MMIO && vm.run->mmio.len == 1 && !vm.run->mmio.is_write,
	       "MMIO exit: MOVZX byte read (%s)", exit_name(x));
	vm.run->mmio.data = 0x1ab;
	x = tvm_run(&vm);
	tvm_get_regs(&vm, &r);
	tap_ok(x == NHV_EXIT_HLT && r.gpr[NHV_RAX] == 0xcafef00d &&
	       r.gpr[NHV_RDX] == 0xab,
	       "MMIO round trip: values reach EAX and EDX (%#llx, %#llx)",
	       (unsigned long long)r.gpr[NHV_RAX], (unsigned long long)r.gpr[NHV_RDX]);
	tvm_destroy(&vm);

	if (fresh(&vm, &g_mmio_long, MODE_LONG))
		return;
	x = tvm_run(&vm);
	tap_ok(x == NHV_EXIT_MMIO && vm.run->mmio.is_write && vm.run->mmio.len == 8 &&
	       vm.run->mmio.data == 0x1122334455667788ull,
	       "long mode: MMIO 64-bit write through guest page tables (%s, len %u)",
	       exit_name(x), vm.run->mmio.len);
	x = tvm_run(&vm);
	vm.run->mmio.data = 0x87654321;
	if (x == NHV_EXIT_MMIO)
		x = tvm_run(&vm);
	vm.run->mmio.data = 0x5c;
	if (x == NHV_EXIT_MMIO)
		x = tvm_run(&vm);
	tvm_get_regs(&vm, &r);
	tap_ok(x == NHV_EXIT_HLT && r.gpr[NHV_RCX] == 0x87654321 &&
	       (r.gpr[NHV_R9] & 0xff) == 0x5c,
	       "long mode: MMIO reads reach ECX and R9B (%s)", exit_name(x));
	tvm_destroy(&vm);
}

static void load_isr(struct tvm *vm, int vector)
{
	uint16_t at = ISR_BASE + (vector - 0x30) * 0x20;

	tvm_load(vm, at, g_isr_real.start, GUEST_SIZE(g_isr_real));
	vm->mem[at + 2] = (uint8_t)vector;	/* mov $vector, %al */
	tvm_set_ivt(vm, vector, at);
}

static void test_hlt_irq(void)
{
	struct tvm_injector in;
	struct tvm vm;
	int x;

	if (fresh(&vm, &g_hlt_irq_real, MODE_REAL))
		return;
	load_isr(&vm, 0x30);
	tvm_io_ports(&vm, (uint16_t[]){ 0x11, 0x12 }, 2);
	tvm_inject_after(&in, &vm, 0x30, 0, 300);
	x = tvm_run(&vm);
	__sync_synchronize();
	tap_ok(x == NHV_EXIT_IO && vm.run->io.port == 0x11 && vm.run->io.data == 0x30 &&
	       in.result == 1,
	       "HLT sleeps until an interrupt is injected from another thread; vector 0x30 delivered (%s port %#x)",
	       exit_name(x), vm.run->io.port);
	tvm_inject_join(&in);
	x = tvm_run(&vm);
	tap_ok(x == NHV_EXIT_IO && vm.run->io.port == 0x12,
	       "after IRET the guest continues past HLT (%s)", exit_name(x));
	x = tvm_run(&vm);
	tap_is_int(x, NHV_EXIT_HLT, "HLT with interrupts off exits to user space");
	tvm_destroy(&vm);

	/* Injected while IF=0: must wait for STI (interrupt window). */
	if (fresh(&vm, &g_irq_window_real, MODE_REAL))
		return;
	load_isr(&vm, 0x31);
	tvm_io_ports(&vm, (uint16_t[]){ 0x11, 0x12 }, 2);
	{
		struct nhv_interrupt i = { 0x31, 0 };

		tap_ok(ioctl(vm.cpufd, NHV_INTERRUPT, &i) == 0, "inject vector 0x31");
	}
	x = tvm_run(&vm);
	tap_ok(x == NHV_EXIT_IO && vm.run->io.port == 0x12,
	       "interrupt held while the guest has IF=0 (%s port %#x)", exit_name(x),
	       vm.run->io.port);
	x = tvm_run(&vm);
	tap_ok(x == NHV_EXIT_IO && vm.run->io.port == 0x11 && vm.run->io.data == 0x31,
	       "interrupt delivered once the guest sets IF (%s)", exit_name(x));
	x = tvm_run(&vm);
	tap_is_int(x, NHV_EXIT_HLT, "guest finishes after the handler");
	tvm_destroy(&vm);
}

static void test_nmi(void)
{
	struct nhv_interrupt nmi = { 0, NHV_INTR_NMI };
	struct tvm vm;
	int x;

	if (fresh(&vm, &g_irq_window_real, MODE_REAL))
		return;
	load_isr(&vm, 0x30);
	vm.mem[ISR_BASE + 2] = 2;		/* the handler reports vector 2 */
	tvm_set_ivt(&vm, 2, ISR_BASE);
	tvm_io_ports(&vm, (uint16_t[]){ 0x11, 0x12 }, 2);
	tap_ok(ioctl(vm.cpufd, NHV_INTERRUPT, &nmi) == 0, "inject an NMI");
	x = tvm_run(&vm);
	tap_ok(x == NHV_EXIT_IO && vm.run->io.port == 0x11 && vm.run->io.data == 2,
	       "NMI delivered even with IF=0 (%s port %#x)", exit_name(x),
	       vm.run->io.port);
	x = tvm_run(&vm);
	tap_ok(x == NHV_EXIT_IO && vm.run->io.port == 0x12,
	       "guest resumes after the NMI handler (%s)", exit_name(x));
	tvm_destroy(&vm);
}

/*
 * A guest spinning forever must not hold the CPU: the vCPU thread is
 * preempted, and SIGKILL ends it (and frees the VM with the process).
 */
static void test_kill(void)
{
	struct timespec ts = { 0, 300 * 1000 * 1000 };
	struct tvm vm;
	pid_t pid;
	int st = 0, x;

	pid = fork();
	if (pid == 0) {
		if (fresh(&vm, &g_spin_long, MODE_LONG))
			_exit(3);
		tvm_run(&vm);
		_exit(4);
	}
	nanosleep(&ts, NULL);
	tap_ok(pid > 0 && waitpid(pid, &st, WNOHANG) == 0,
	       "a spinning guest keeps running (and this process still gets the CPU)");
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	       "SIGKILL ends a vCPU thread that is in guest mode");

	if (fresh(&vm, &g_cpuid_real, MODE_REAL))
		return;
	x = tvm_run(&vm);
	tap_is_int(x, NHV_EXIT_HLT, "nhv runs guests after a killed vCPU");
	tvm_destroy(&vm);
}

static void test_ud_gp(void)
{
	struct nhv_regs r;
	struct tvm vm;
	int x, n = 0;

	if (fresh(&vm, &g_ud_real, MODE_REAL))
		return;
	tvm_load(&vm, UD_ISR, g_ud_isr_real.start, GUEST_SIZE(g_ud_isr_real));
	tvm_set_ivt(&vm, 6, UD_ISR);
	tvm_io_ports(&vm, (uint16_t[]){ 0x13 }, 1);
	while ((x = tvm_run(&vm)) == NHV_EXIT_IO && vm.run->io.port == 0x13)
		n++;
	tap_ok(n == 2 && x == NHV_EXIT_HLT,
	       "VMMCALL and VMRUN in L2 raise #UD (%d of 2, then %s)", n, exit_name(x));
	tvm_destroy(&vm);

	if (fresh(&vm, &g_gp_real, MODE_REAL))
		return;
	tvm_load(&vm, GP_ISR, g_gp_isr_real.start, GUEST_SIZE(g_gp_isr_real));
	tvm_set_ivt(&vm, 13, GP_ISR);
	tvm_io_ports(&vm, (uint16_t[]){ 0x14 }, 1);
	x = tvm_run(&vm);
	tap_ok(x == NHV_EXIT_IO && vm.run->io.port == 0x14,
	       "RDMSR of an MSR off the allow-list raises #GP (%s)", exit_name(x));
	x = tvm_run(&vm);
	tvm_get_regs(&vm, &r);
	tap_ok(x == NHV_EXIT_HLT && r.gpr[NHV_RSI] == 0,
	       "RDMSR EFER is allowed and shows no SVME (%#llx)",
	       (unsigned long long)r.gpr[NHV_RSI]);
	tvm_destroy(&vm);
}

static void test_triple_fault(void)
{
	struct tvm vm;
	int x;

	if (fresh(&vm, &g_triple_prot, MODE_PROT))
		return;
	x = tvm_run(&vm);
	tap_is_int(x, NHV_EXIT_SHUTDOWN, "triple fault is a shutdown exit (%s)",
		   exit_name(x));
	x = tvm_run(&vm);
	tap_ok(x == NHV_EXIT_SHUTDOWN || x == NHV_EXIT_FAIL_ENTRY ||
	       x == NHV_EXIT_INTERNAL,
	       "running a shut-down vCPU again stays stopped (%s)", exit_name(x));
	tvm_destroy(&vm);
}

static void test_fail_entry(void)
{
	struct nhv_sregs s;
	struct tvm vm;
	int x;

	if (fresh(&vm, &g_cpuid_real, MODE_REAL))
		return;
	ioctl(vm.cpufd, NHV_GET_SREGS, &s);
	/* Long mode with paging but without CR4.PAE: both vendors refuse it. */
	s.cr0 = 0x80000011;
	s.cr4 = 0;
	s.efer = 0x500;
	ioctl(vm.cpufd, NHV_SET_SREGS, &s);
	x = tvm_run(&vm);
	tap_ok(x == NHV_EXIT_FAIL_ENTRY,
	       "illegal guest state: failed entry with the hardware's reason (%s, %#llx)",
	       exit_name(x), (unsigned long long)vm.run->fail_entry.hardware_reason);
	tvm_destroy(&vm);
}

static int nrandom = 200;

static void grp_badioctl(void) { test_bad_ioctls(sysfd); }
static void grp_tlb(void) { test_tlb(sysfd); }
static void grp_lapic(void) { test_lapic(sysfd); }
static void grp_stringio(void) { test_string_io(sysfd); }
static void grp_random(void) { test_random(sysfd, nrandom); }
static void grp_msrs(void) { test_msrs(sysfd); }
static void grp_lazy(void) { test_lazy(sysfd); }
static void grp_backdoor(void) { test_backdoor(sysfd, 4 * nrandom); }

/* The test groups, in the order they run; `--only a,b` picks some. */
static const struct {
	const char *name;
	void (*run)(void);
} groups[] = {
	{ "api", test_api },		{ "badioctl", grp_badioctl },
	{ "cpuid", test_cpuid_policy },	{ "io", test_io },
	{ "mmio", test_mmio },		{ "hlt", test_hlt_irq },
	{ "udgp", test_ud_gp },		{ "nmi", test_nmi },
	{ "triple", test_triple_fault },	{ "failentry", test_fail_entry },
	{ "kill", test_kill },		{ "tlb", grp_tlb },
	{ "lapic", grp_lapic },		{ "stringio", grp_stringio },
	{ "msrs", grp_msrs },		{ "backdoor", grp_backdoor },
	{ "lazy", grp_lazy },		{ "random", grp_random },
};
#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

/* "a,b" -> a mask over groups[]; 0 and a message naming the bad one. */
static unsigned int parse_only(const char *list)
{
	unsigned int mask = 0;
	const char *p = list;
	size_t i, n;

	if (!*p) {
		fprintf(stderr, "nhv selftest: --only needs a group name, e.g. --only tlb,lapic\n");
		return 0;
	}
	while (*p) {
		n = strcspn(p, ",");
		for (i = 0; i < NGROUPS; i++)
			if (strlen(groups[i].name) == n && !strncmp(p, groups[i].name, n))
				break;
		if (i == NGROUPS) {
			fprintf(stderr, "nhv selftest: --only: unknown group '%.*s'; groups:", (int)n, p);
			for (i = 0; i < NGROUPS; i++)
				fprintf(stderr, " %s", groups[i].name);
			fprintf(stderr, "\n");
			return 0;
		}
		mask |= 1u << i;
		p += n;
		if (*p == ',')
			p++;
	}
	return mask;
}

static int usage(const char *bad)
{
	fprintf(stderr, "usage: nhv selftest [--module PATH] [--random N] [--only GROUP[,GROUP...]]\n"
		"       nhv selftest --bench [--kvm] [--iterations N] [--module PATH]\n"
		"       nhv selftest --kvm-hold\n"
		"unknown argument '%s'\n", bad);
	return 2;
}

int main(int argc, char **argv)
{
	const char *module = NULL;
	char why[512] = "";
	unsigned int only = ~0u;
	int i, bench = 0, use_kvm = 0, iterations = 100000;
	size_t g;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--module") && i + 1 < argc) {
			module = argv[++i];
		} else if (!strcmp(argv[i], "--random") && i + 1 < argc) {
			nrandom = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
			only = parse_only(argv[++i]);
			if (!only)
				return 2;
		} else if (!strcmp(argv[i], "--bench")) {
			bench = 1;
		} else if (!strcmp(argv[i], "--kvm")) {
			use_kvm = 1;
		} else if (!strcmp(argv[i], "--kvm-hold")) {
			return hold_kvm();
		} else if (!strcmp(argv[i], "--iterations") && i + 1 < argc) {
			iterations = atoi(argv[++i]);
		} else {
			return usage(argv[i]);
		}
	}
	if (bench && use_kvm)
		return run_bench(-1, iterations, 1);
	sysfd = nhv_open(module, why, sizeof(why));
	if (bench)
		return run_bench(sysfd, iterations, 0);
	if (sysfd < 0) {
		printf("Bail out! %s\n", why);
		return 1;
	}
	for (g = 0; g < NGROUPS; g++)
		if (only & (1u << g))
			groups[g].run();
	return tap_done();
}
