/*
 * backdoor.c - VMware's backdoor (NHV_SET_BACKDOOR, NHV_EXIT_BACKDOOR):
 * VMCALL/VMMCALL and IN/OUT on 0x5658/0x5659 reach user space with all 16
 * registers, and what user space leaves in the run page is what the guest
 * has next; a CPL 3 IN with IOPL 0 does the same only with
 * NHV_BACKDOOR_USER, else the guest takes its #GP, as for any other port;
 * the pseudo counters answer at CPL 0 and 3 and every other RDPMC does what
 * it does without the backdoor; random registers round-trip; and the cost
 * of a backdoor round trip against an I/O exit.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <x86intrin.h>
#include "userland/lib/nhvdev.h"
#include "userland/lib/tap.h"
#include "guests.h"
#include "selftest.h"

#define BD_GDT		0x4c00
#define BD_TSS		0x5000
#define BD_USER_STACK	0x6000
#define BD_IDT		0x5800
#define BD_HANDLERS	0x3800
#define BD_MMIO		0xd0000000u
#define ALL		(NHV_BACKDOOR_PORTS | NHV_BACKDOOR_USER | \
			 NHV_BACKDOOR_HYPERCALL | NHV_BACKDOOR_PMC)

/* Long mode, CPL 0: two calls, then the OUT form on the other port. */
GUEST(g_bd_vmcall, ".code64", "vmcall\n vmcall\n cli\n hlt\n");
GUEST(g_bd_vmmcall, ".code64", "vmmcall\n vmmcall\n cli\n hlt\n");
GUEST(g_bd_io, ".code64",
	"in %dx, %eax\n"
	"in %dx, %eax\n"
	"out %al, %dx\n"
	"cli\n"
	"hlt\n");
GUEST(g_bd_loop_vmcall, ".code64", "1:\n vmcall\n in %dx, %eax\n jmp 1b\n");
GUEST(g_bd_loop_vmmcall, ".code64", "1:\n vmmcall\n in %dx, %eax\n jmp 1b\n");
GUEST(g_bd_bench_vmcall, ".code64", "1:\n vmcall\n dec %ecx\n jnz 1b\n cli\n hlt\n");
GUEST(g_bd_bench_vmmcall, ".code64", "1:\n vmmcall\n dec %ecx\n jnz 1b\n cli\n hlt\n");

/* 32-bit, CPL 3 (started there), IOPL 0, EDX = 0x5658. */
GUEST(g_bd_user, ".code32",
	"in %dx, %eax\n"		/* GUEST_CODE + 0 */
	"in %dx, %eax\n"		/* + 1 */
	"mov $0x5657, %dx\n"		/* + 2 */
	"in %dx, %eax\n"		/* + 6 */
	"hlt\n");
GUEST(g_bd_user_pmc, ".code32",
	"mov $0x10001, %ecx\n"		/* + 0 */
	"rdpmc\n"			/* + 5 */
	"mov %edx, %esi\n"
	"mov %eax, %edi\n"
	"mov $0x5658, %edx\n"
	"in %dx, %eax\n"		/* backdoor exit: ESI:EDI = ns */
	"xor %ecx, %ecx\n"
	"rdpmc\n"			/* + 19: CR4.PCE = 0: #GP */
	"hlt\n");

/* 32-bit, CPL 0: the pseudo counters, each reported as EAX then EDX. */
GUEST(g_bd_pmc, ".code32",
	"mov $0x10000, %ecx\n rdpmc\n out %eax, $0x10\n mov %edx, %eax\n out %eax, $0x10\n"
	"mov $0x10001, %ecx\n rdpmc\n out %eax, $0x10\n mov %edx, %eax\n out %eax, $0x10\n"
	"mov $0x10002, %ecx\n rdpmc\n out %eax, $0x10\n mov %edx, %eax\n out %eax, $0x10\n"
	"mov $0x10001, %ecx\n rdpmc\n out %eax, $0x10\n mov %edx, %eax\n out %eax, $0x10\n"
	"mov $0x10000, %ecx\n rdpmc\n out %eax, $0x10\n mov %edx, %eax\n out %eax, $0x10\n"
	"cli\n hlt\n");
GUEST(g_bd_rdpmc_other, ".code32", "mov $0x12345, %ecx\n rdpmc\n cli\n hlt\n");
GUEST(g_bd_vmcall32, ".code32", "vmcall\n cli\n hlt\n");
GUEST(g_bd_vmmcall32, ".code32", "vmmcall\n cli\n hlt\n");

/*
 * Handlers, run at the faulting code's own CPL (no stack switch, no TSS
 * use): #GP writes its error code to BD_MMIO and EIP to BD_MMIO + 4, #UD
 * its EIP to BD_MMIO + 0x10, as MMIO exits that work at any CPL.
 */
GUEST(g_bd_gp_isr, ".code32",
	"pop %eax\n mov %eax, 0xd0000000\n pop %eax\n mov %eax, 0xd0000004\n 1: jmp 1b\n");
GUEST(g_bd_ud_isr, ".code32", "pop %eax\n mov %eax, 0xd0000010\n 1: jmp 1b\n");

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int vendor(int sysfd)
{
	struct nhv_caps c;

	return ioctl(sysfd, NHV_GET_CAPS, &c) ? 0 : (int)c.vendor;
}

static int set_backdoor(struct tvm *vm, uint32_t flags)
{
	struct nhv_backdoor b = { .flags = flags };

	return ioctl(vm->vmfd, NHV_SET_BACKDOOR, &b) ? -errno : 0;
}

static uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/* A backdoor exit of KIND at RIP; says what it got otherwise. */
static int bd_exit(struct tvm *vm, int kind, uint64_t rip, const char *what)
{
	int x = tvm_run(vm);

	if (x == NHV_EXIT_BACKDOOR && vm->run->backdoor.kind == kind &&
	    vm->run->backdoor.rip == rip)
		return 0;
	tap_diag("%s: expected a backdoor exit of kind %d at %#llx, got exit %d "
		 "(kind %d rip %#llx)", what, kind, (unsigned long long)rip, x,
		 x == NHV_EXIT_BACKDOOR ? vm->run->backdoor.kind : -1,
		 x == NHV_EXIT_BACKDOOR ? (unsigned long long)vm->run->backdoor.rip : 0ull);
	return -1;
}

/* Compare the 16 registers of the exit with WANT; diagnose the first difference. */
static int same_gprs(const struct tvm *vm, const __u64 *want)
{
	int i;

	for (i = 0; i < NHV_NR_GPRS; i++) {
		if (vm->run->backdoor.gpr[i] != want[i]) {
			tap_diag("register %d: got %#llx, want %#llx", i,
				 (unsigned long long)vm->run->backdoor.gpr[i],
				 (unsigned long long)want[i]);
			return 0;
		}
	}
	return 1;
}

static void random_gprs(__u64 *g, uint16_t port)
{
	int i;

	for (i = 0; i < NHV_NR_GPRS; i++)
		g[i] = rng();
	g[NHV_RDX] = (g[NHV_RDX] & ~0xffffull) | port;
}

/* The next exit is the handler's MMIO write to ADDR; its value, or -1. */
static int64_t mmio_report(struct tvm *vm, uint32_t addr)
{
	int x = tvm_run(vm);

	if (x != NHV_EXIT_MMIO || vm->run->mmio.phys != addr || !vm->run->mmio.is_write)
		return -1 - (x == NHV_EXIT_MMIO ? 0 : x);
	return (uint32_t)vm->run->mmio.data;
}

static int long_vm(struct tvm *vm, int sysfd, const struct guest *g, uint32_t flags)
{
	int e = tvm_create(vm, sysfd, 2u << 20);

	if (e) {
		tap_diag("cannot create a VM: %s", strerror(-e));
		return e;
	}
	tvm_load(vm, GUEST_CODE, g->start, GUEST_SIZE(*g));
	e = tvm_setup(vm, MODE_LONG, GUEST_CODE);
	if (!e)
		e = tvm_io_ports(vm, (uint16_t[]){ 0x10 }, 1);
	if (!e && flags)
		e = set_backdoor(vm, flags);
	if (e) {
		tap_diag("cannot set up the VM: %s", strerror(-e));
		tvm_destroy(vm);
	}
	return e;
}

static void test_abi(int sysfd)
{
	struct nhv_backdoor b;
	struct nhv_caps c;
	struct tvm vm;
	int r;

	tap_ok(!ioctl(sysfd, NHV_GET_CAPS, &c) && (c.flags & NHV_CAP_BACKDOOR),
	       "NHV_GET_CAPS reports NHV_CAP_BACKDOOR");
	if (tvm_create(&vm, sysfd, 1u << 20)) {
		tap_ok(0, "create a VM for NHV_SET_BACKDOOR");
		return;
	}
	memset(&b, 0, sizeof(b));
	b.flags = 1u << 4;
	r = ioctl(vm.vmfd, NHV_SET_BACKDOOR, &b) ? errno : 0;
	tap_is_int(r, EINVAL, "NHV_SET_BACKDOOR: an unknown flag is EINVAL");
	b.flags = NHV_BACKDOOR_PORTS;
	b.reserved[6] = 1;
	r = ioctl(vm.vmfd, NHV_SET_BACKDOOR, &b) ? errno : 0;
	tap_is_int(r, EINVAL, "NHV_SET_BACKDOOR: a nonzero reserved field is EINVAL");
	tap_is_int(set_backdoor(&vm, NHV_BACKDOOR_USER), -EINVAL,
		   "NHV_SET_BACKDOOR: USER without PORTS is EINVAL");
	r = ioctl(vm.vmfd, NHV_SET_BACKDOOR, NULL) ? errno : 0;
	tap_is_int(r, EFAULT, "NHV_SET_BACKDOOR: a bad pointer is EFAULT");
	tap_is_int(set_backdoor(&vm, ALL), 0, "NHV_SET_BACKDOOR: every flag at once");
	tap_is_int(set_backdoor(&vm, 0), 0, "NHV_SET_BACKDOOR: off again");
	tvm_destroy(&vm);
}

/* VMCALL/VMMCALL: the registers out, the registers back, the next call sees them. */
static void test_hypercall(int sysfd, int vmx)
{
	const struct guest *g = vmx ? &g_bd_vmcall : &g_bd_vmmcall;
	int kind = vmx ? NHV_BACKDOOR_VMCALL : NHV_BACKDOOR_VMMCALL;
	__u64 want[NHV_NR_GPRS];
	struct nhv_regs r;
	struct tvm vm;
	int ok;

	if (long_vm(&vm, sysfd, g, NHV_BACKDOOR_HYPERCALL))
		return;
	tvm_get_regs(&vm, &r);
	random_gprs(r.gpr, 0);
	tvm_set_regs(&vm, &r);
	ok = !bd_exit(&vm, kind, GUEST_CODE, vmx ? "VMCALL" : "VMMCALL");
	tap_ok(ok && same_gprs(&vm, r.gpr) && vm.run->backdoor.cpl == 0,
	       "%s: NHV_EXIT_BACKDOOR with all 16 registers, CPL 0", vmx ? "VMCALL" : "VMMCALL");
	random_gprs(want, 0);
	memcpy(vm.run->backdoor.gpr, want, sizeof(want));
	ok = ok && !bd_exit(&vm, kind, GUEST_CODE + 3, "second call");
	tap_ok(ok && same_gprs(&vm, want),
	       "the 16 registers user space wrote back are the guest's at its next call");
	tap_is_int(tvm_run(&vm), NHV_EXIT_HLT, "the guest goes on after the second call");
	tvm_destroy(&vm);

	/* Not enabled: #UD, as before. */
	if (prot_vm(&vm, sysfd, vmx ? &g_bd_vmcall32 : &g_bd_vmmcall32, 0, 0))
		return;
	handler(&vm, 0, 6, &g_bd_ud_isr);
	set_backdoor(&vm, NHV_BACKDOOR_PORTS | NHV_BACKDOOR_USER | NHV_BACKDOOR_PMC);
	ok = mmio_report(&vm, BD_MMIO + 0x10) == GUEST_CODE;
	tap_ok(ok, "%s without NHV_BACKDOOR_HYPERCALL raises #UD in the guest",
	       vmx ? "VMCALL" : "VMMCALL");
	tvm_destroy(&vm);
}

/* IN/OUT at CPL 0: backdoor exits with the port, size and registers. */
static void test_io_cpl0(int sysfd)
{
	__u64 want[NHV_NR_GPRS];
	struct nhv_regs r;
	struct tvm vm;
	int ok;

	if (long_vm(&vm, sysfd, &g_bd_io, NHV_BACKDOOR_PORTS))
		return;
	tvm_get_regs(&vm, &r);
	random_gprs(r.gpr, 0x5658);
	tvm_set_regs(&vm, &r);
	ok = !bd_exit(&vm, NHV_BACKDOOR_IN, GUEST_CODE, "IN EAX,DX at CPL 0");
	tap_ok(ok && same_gprs(&vm, r.gpr) && vm.run->backdoor.port == 0x5658 &&
	       vm.run->backdoor.size == 4 && !vm.run->backdoor.trapped &&
	       vm.run->backdoor.cpl == 0,
	       "IN EAX,DX on 0x5658 at CPL 0: backdoor exit, port, size 4, every register");
	random_gprs(want, 0x5659);
	memcpy(vm.run->backdoor.gpr, want, sizeof(want));
	ok = ok && !bd_exit(&vm, NHV_BACKDOOR_IN, GUEST_CODE + 1, "second IN");
	tap_ok(ok && same_gprs(&vm, want) && vm.run->backdoor.port == 0x5659,
	       "IN on 0x5659: the registers written back arrived in the guest");
	ok = ok && !bd_exit(&vm, NHV_BACKDOOR_OUT, GUEST_CODE + 2, "OUT DX,AL");
	tap_ok(ok && vm.run->backdoor.size == 1 && vm.run->backdoor.port == 0x5659,
	       "OUT DX,AL on 0x5659: a backdoor exit of size 1");
	tap_is_int(tvm_run(&vm), NHV_EXIT_HLT, "the guest goes on after the OUT");
	tvm_destroy(&vm);

	/* Not enabled: the port has no device, as any other. */
	if (long_vm(&vm, sysfd, &g_bd_io, NHV_BACKDOOR_HYPERCALL | NHV_BACKDOOR_PMC))
		return;
	tvm_get_regs(&vm, &r);
	r.gpr[NHV_RDX] = 0x5658;
	r.gpr[NHV_RAX] = 0x1234;
	tvm_set_regs(&vm, &r);
	ok = tvm_run(&vm) == NHV_EXIT_HLT && !tvm_get_regs(&vm, &r);
	tap_ok(ok && r.gpr[NHV_RAX] == 0xffffffffu,
	       "without NHV_BACKDOOR_PORTS, IN from 0x5658 reads all ones in the kernel (%#llx)",
	       (unsigned long long)r.gpr[NHV_RAX]);
	tvm_destroy(&vm);
}

/* IDT gates for #GP and #UD to the handlers, in code segment SEL. */
static void bd_gates(struct tvm *vm, uint16_t sel)
{
	static const int vec[2] = { 13, 6 };
	int i;

	for (i = 0; i < 2; i++) {
		uint32_t at = BD_HANDLERS + i * 0x40;
		uint64_t gate = (at & 0xffff) | ((uint64_t)sel << 16) |
				(0xee00ull << 32) | ((uint64_t)(at >> 16) << 48);

		memcpy(vm->mem + BD_IDT + vec[i] * 8, &gate, 8);
	}
}

/*
 * A 32-bit VM that starts at CPL 3 with IOPL 0: ring-3 selectors and a
 * TSS without an I/O bitmap (every port denied).  Exceptions go to
 * handlers of the same CPL (bd_gates), so none needs a stack switch.
 */
static int user_vm(struct tvm *vm, int sysfd, const struct guest *g, uint32_t flags)
{
	static const uint64_t gdt[6] = {
		0, 0x00cf9b000000ffffull, 0x00cf93000000ffffull,
		0x00cffb000000ffffull, 0x00cff3000000ffffull,
		0x00008b0000000067ull | ((uint64_t)BD_TSS << 16),
	};
	struct nhv_sregs s;
	struct nhv_regs r;
	uint16_t iomap = 0x68;
	int e;

	if (prot_vm(vm, sysfd, g, 0, 0))
		return -1;
	tvm_load(vm, BD_GDT, gdt, sizeof(gdt));
	memset(vm->mem + BD_TSS, 0, 0x68);
	memcpy(vm->mem + BD_TSS + 0x66, &iomap, 2);
	tvm_load(vm, BD_HANDLERS, g_bd_gp_isr.start, GUEST_SIZE(g_bd_gp_isr));
	tvm_load(vm, BD_HANDLERS + 0x40, g_bd_ud_isr.start, GUEST_SIZE(g_bd_ud_isr));
	bd_gates(vm, 0x1b);
	e = ioctl(vm->cpufd, NHV_GET_SREGS, &s) ? -errno : 0;
	if (!e) {
		s.gdt.base = BD_GDT;
		s.gdt.limit = sizeof(gdt) - 1;
		s.idt.base = BD_IDT;
		s.idt.limit = 256 * 8 - 1;
		s.cs.selector = 0x1b;
		s.cs.attrib = 0xcfb;
		s.ss.selector = s.ds.selector = s.es.selector = 0x23;
		s.fs.selector = s.gs.selector = 0x23;
		s.ss.attrib = s.ds.attrib = s.es.attrib = 0xcf3;
		s.fs.attrib = s.gs.attrib = 0xcf3;
		s.tr.selector = 0x28;
		s.tr.base = BD_TSS;
		s.tr.limit = 0x67;
		s.tr.attrib = 0x8b;
		e = ioctl(vm->cpufd, NHV_SET_SREGS, &s) ? -errno : 0;
	}
	if (!e)
		e = tvm_get_regs(vm, &r);
	if (!e) {
		r.rflags = 2;			/* IOPL 0 */
		r.gpr[NHV_RSP] = BD_USER_STACK;
		r.gpr[NHV_RDX] = 0x5658;
		e = tvm_set_regs(vm, &r);
	}
	if (!e && flags)
		e = set_backdoor(vm, flags);
	if (e) {
		tap_diag("cannot set up the ring-3 VM: %s", strerror(-e));
		tvm_destroy(vm);
	}
	return e;
}

/* The same VM at CPL 0 (ring-0 selectors of the same GDT). */
static void to_cpl0(struct tvm *vm)
{
	struct nhv_sregs s;

	if (ioctl(vm->cpufd, NHV_GET_SREGS, &s))
		return;
	s.cs.selector = 8;
	s.cs.attrib = 0xc9b;
	s.ss.selector = s.ds.selector = s.es.selector = 0x10;
	s.ss.attrib = s.ds.attrib = s.es.attrib = 0xc93;
	ioctl(vm->cpufd, NHV_SET_SREGS, &s);
	bd_gates(vm, 8);
}

/* The guest's #GP handler ran for the instruction at EIP with error code 0. */
static int guest_gp(struct tvm *vm, uint32_t eip, const char *what)
{
	int64_t err = mmio_report(vm, BD_MMIO), at = err < 0 ? -1 : mmio_report(vm, BD_MMIO + 4);

	if (err || at != eip) {
		tap_diag("%s: expected the guest's #GP(0) at %#x, got error %lld at %lld (exit %d)",
			 what, eip, (long long)err, (long long)at, vm->run->exit_reason);
		return 0;
	}
	return 1;
}

static void test_io_cpl3(int sysfd)
{
	__u64 want[NHV_NR_GPRS];
	struct tvm vm;
	int ok;

	if (user_vm(&vm, sysfd, &g_bd_user, NHV_BACKDOOR_PORTS | NHV_BACKDOOR_USER))
		return;
	ok = !bd_exit(&vm, NHV_BACKDOOR_IN, GUEST_CODE, "IN at CPL 3");
	tap_ok(ok && vm.run->backdoor.cpl == 3 && vm.run->backdoor.trapped &&
	       vm.run->backdoor.port == 0x5658 && vm.run->backdoor.size == 4 &&
	       vm.run->backdoor.gpr[NHV_RSP] == BD_USER_STACK,
	       "IN EAX,DX on 0x5658 at CPL 3, IOPL 0: a backdoor exit (trapped, CPL %d)",
	       vm.run->backdoor.cpl);
	random_gprs(want, 0x5658);
	want[NHV_RSP] = BD_USER_STACK;
	memcpy(vm.run->backdoor.gpr, want, sizeof(want));
	ok = ok && !bd_exit(&vm, NHV_BACKDOOR_IN, GUEST_CODE + 1, "second IN at CPL 3");
	tap_ok(ok && same_gprs(&vm, want),
	       "CPL 3: the registers written back are the guest's at its next IN");
	memcpy(want, vm.run->backdoor.gpr, sizeof(want));
	ok = guest_gp(&vm, GUEST_CODE + 6, "IN from 0x5657 at CPL 3");
	tap_ok(ok, "IN from another port (0x5657) at CPL 3 still raises #GP(0) in the guest");
	tvm_destroy(&vm);

	if (user_vm(&vm, sysfd, &g_bd_user, ALL & ~NHV_BACKDOOR_PORTS & ~NHV_BACKDOOR_USER))
		return;
	tap_ok(guest_gp(&vm, GUEST_CODE, "backdoor ports off"),
	       "with the backdoor ports off, IN on 0x5658 at CPL 3 raises #GP(0) in the guest");
	tvm_destroy(&vm);

	if (user_vm(&vm, sysfd, &g_bd_user, NHV_BACKDOOR_PORTS))
		return;
	tap_ok(guest_gp(&vm, GUEST_CODE, "PORTS without USER"),
	       "PORTS without USER (restrict_backdoor): CPL 3 IN on 0x5658 raises #GP(0)");
	tvm_destroy(&vm);

	if (user_vm(&vm, sysfd, &g_bd_user, NHV_BACKDOOR_PORTS | NHV_BACKDOOR_USER))
		return;
	ok = !bd_exit(&vm, NHV_BACKDOOR_IN, GUEST_CODE, "IN at CPL 3");
	vm.run->backdoor.fault = 99;
	tap_is_int(ok ? tvm_run(&vm) : 0, -EINVAL,
		   "a reply with fault 99 is refused by NHV_RUN (EINVAL)");
	vm.run->backdoor.fault = 13;
	tap_ok(ok && guest_gp(&vm, GUEST_CODE, "fault 13"),
	       "a reply with fault 13: the guest takes #GP(0) at the IN instead");
	tvm_destroy(&vm);
}

/* Which of the guest's handlers ran: 13 (#GP), 6 (#UD), or -exit. */
static int guest_fault(struct tvm *vm)
{
	int x = tvm_run(vm);

	if (x == NHV_EXIT_MMIO && vm->run->mmio.phys == BD_MMIO)
		return 13;
	if (x == NHV_EXIT_MMIO && vm->run->mmio.phys == BD_MMIO + 0x10)
		return 6;
	return -x;
}

static int read_pmc(struct tvm *vm, uint64_t *v)
{
	uint32_t lo, hi;

	if (out_to(vm, 0x10, &lo) || out_to(vm, 0x10, &hi))
		return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

static void test_pmc(int sysfd)
{
	uint64_t v[5] = { 0 }, t0, t1, tsc0, tsc1, ns;
	int i, ok = 1, with, without;
	struct tvm vm;

	if (user_vm(&vm, sysfd, &g_bd_pmc, NHV_BACKDOOR_PMC))
		return;
	to_cpl0(&vm);
	t0 = boottime_ns();
	tsc0 = __rdtsc();
	for (i = 0; i < 5 && ok; i++)
		ok = !read_pmc(&vm, &v[i]);
	tsc1 = __rdtsc();
	t1 = boottime_ns();
	tap_ok(ok, "RDPMC 0x10000, 0x10001, 0x10002 at CPL 0 return values");
	tap_ok(ok && v[0] >= tsc0 && v[4] <= tsc1 && v[4] > v[0],
	       "RDPMC 0x10000 is the host TSC: %llu then %llu, within %llu..%llu",
	       (unsigned long long)v[0], (unsigned long long)v[4],
	       (unsigned long long)tsc0, (unsigned long long)tsc1);
	tap_ok(ok && v[1] >= t0 && v[2] >= v[1] && v[3] >= v[2] && v[3] <= t1,
	       "RDPMC 0x10001/0x10002 are nanoseconds, monotonic, within the host's "
	       "CLOCK_BOOTTIME around the run (%llu %llu %llu in %llu..%llu)",
	       (unsigned long long)v[1], (unsigned long long)v[2], (unsigned long long)v[3],
	       (unsigned long long)t0, (unsigned long long)t1);
	tap_is_int(tvm_run(&vm), NHV_EXIT_HLT, "the guest runs on after the counters");
	tvm_destroy(&vm);

	if (user_vm(&vm, sysfd, &g_bd_user_pmc, ALL))
		return;
	t0 = boottime_ns();
	ok = !bd_exit(&vm, NHV_BACKDOOR_IN, GUEST_CODE + 16, "IN after RDPMC at CPL 3");
	t1 = boottime_ns();
	ns = ok ? (uint32_t)vm.run->backdoor.gpr[NHV_RSI] * (1ull << 32) +
		  (uint32_t)vm.run->backdoor.gpr[NHV_RDI] : 0;
	tap_ok(ok && ns >= t0 && ns <= t1,
	       "RDPMC 0x10001 at CPL 3 with CR4.PCE = 0 answers (%llu in %llu..%llu)",
	       (unsigned long long)ns, (unsigned long long)t0, (unsigned long long)t1);
	tap_ok(ok && guest_gp(&vm, GUEST_CODE + 19, "RDPMC 0 at CPL 3"),
	       "RDPMC of counter 0 at CPL 3 with CR4.PCE = 0 still raises #GP(0)");
	tvm_destroy(&vm);

	/* Another counter: whatever the guest gets without the backdoor. */
	with = without = 0;
	if (!user_vm(&vm, sysfd, &g_bd_pmc, 0)) {
		to_cpl0(&vm);
		without = guest_fault(&vm);
		tvm_destroy(&vm);
	}
	tap_ok(without == 13 || without == 6,
	       "without the backdoor, RDPMC 0x10000 at CPL 0 faults (vector %d)", without);
	for (i = 0; i < 2; i++) {
		int got;

		if (user_vm(&vm, sysfd, &g_bd_rdpmc_other, i ? ALL : 0))
			return;
		to_cpl0(&vm);
		got = guest_fault(&vm);
		if (i)
			with = got;
		else
			without = got;
		tvm_destroy(&vm);
	}
	tap_ok(with == without && with != 0,
	       "RDPMC 0x12345 at CPL 0 does the same with the pseudo counters on (%d) and off (%d)",
	       with, without);
}

/* Random registers through alternating VMCALL/VMMCALL and IN exits. */
static void test_random_regs(int sysfd, int vmx, int n)
{
	const struct guest *g = vmx ? &g_bd_loop_vmcall : &g_bd_loop_vmmcall;
	__u64 want[NHV_NR_GPRS];
	struct nhv_regs r;
	struct tvm vm;
	int i, ok = 1, x = 0, bad_fault = 0;
	uint64_t rip = GUEST_CODE;

	if (long_vm(&vm, sysfd, g, ALL))
		return;
	rng_state ^= (uint64_t)time(NULL);
	tap_diag("backdoor random registers: seed %#llx, %d calls", (unsigned long long)rng_state, n);
	tvm_get_regs(&vm, &r);
	random_gprs(r.gpr, 0x5658);
	tvm_set_regs(&vm, &r);
	memcpy(want, r.gpr, sizeof(want));
	for (i = 0; i < n && ok; i++) {
		int kind = i & 1 ? NHV_BACKDOOR_IN : vmx ? NHV_BACKDOOR_VMCALL :
			   NHV_BACKDOOR_VMMCALL;

		ok = !bd_exit(&vm, kind, rip, "random registers") && same_gprs(&vm, want);
		x = i;
		rip = i & 1 ? GUEST_CODE : GUEST_CODE + 3;
		random_gprs(want, 0x5658);
		memcpy(vm.run->backdoor.gpr, want, sizeof(want));
		/*
		 * A reply with a bad fault: refused, nothing changes. The first
		 * call always gets one, so a short run (20 calls) tests it too.
		 */
		if (ok && (i == 0 || rng() % 8 == 0)) {
			vm.run->backdoor.fault = 1 + rng() % 255;
			if (vm.run->backdoor.fault == 6 || vm.run->backdoor.fault == 13)
				vm.run->backdoor.fault = 14;
			bad_fault += tvm_run(&vm) == -EINVAL;
			ok = vm.run->exit_reason == NHV_EXIT_NONE;
			vm.run->backdoor.fault = 0;
			bad_fault -= !ok;
		}
	}
	tap_ok(ok, "%d backdoor calls with random registers round-trip (stopped at %d)", n, x);
	tap_ok(bad_fault > 0, "%d replies with an invalid fault were refused without effect",
	       bad_fault);
	tvm_destroy(&vm);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Seconds for guest G's N-round-trip loop, exits of kind EXIT until HLT; or -1. */
static double bench_loop(int sysfd, const struct guest *g, uint32_t flags, int exit, int n)
{
	struct nhv_regs r;
	struct tvm vm;
	double t;
	int x;

	if (long_vm(&vm, sysfd, g, flags))
		return -1;
	tvm_get_regs(&vm, &r);
	r.gpr[NHV_RCX] = n;
	tvm_set_regs(&vm, &r);
	t = now();
	while ((x = tvm_run(&vm)) == exit)
		;
	t = now() - t;
	tvm_destroy(&vm);
	return x == NHV_EXIT_HLT ? t : -1;
}

/* N round trips of VMCALL/VMMCALL; seconds, or -1. */
double bench_backdoor(int sysfd, int n)
{
	int vmx = vendor(sysfd) == NHV_VENDOR_VMX;

	return bench_loop(sysfd, vmx ? &g_bd_bench_vmcall : &g_bd_bench_vmmcall,
			  NHV_BACKDOOR_HYPERCALL, NHV_EXIT_BACKDOOR, n);
}

void test_backdoor(int sysfd, int random_calls)
{
	int vmx = vendor(sysfd) == NHV_VENDOR_VMX, n = 5000;
	double tb, ti;

	test_abi(sysfd);
	test_hypercall(sysfd, vmx);
	test_io_cpl0(sysfd);
	test_io_cpl3(sysfd);
	test_pmc(sysfd);
	test_random_regs(sysfd, vmx, random_calls);
	tb = bench_backdoor(sysfd, n);
	ti = bench_loop(sysfd, &g_bench_io, 0, NHV_EXIT_IO, n);
	tap_ok(tb > 0 && ti > 0, "%d backdoor round trips and %d I/O exits ran", n, n);
	if (tb > 0 && ti > 0)
		tap_diag("bench: backdoor round trip %.2f us, I/O exit %.2f us (ratio %.2f)",
			 tb / n * 1e6, ti / n * 1e6, tb / ti);
}
