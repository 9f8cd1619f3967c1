/*
 * msrs.c - what nhv.ko answers for a Linux guest without user space:
 *   (a) MTRRcap reads 0 (no ranges), MTRRdefType reads 0xC06 after reset
 *       and keeps what the guest writes (SDM vol. 3A 12.11);
 *   (b) after XSETBV, CPUID.(0DH,0).EBX is the XSAVE size of the guest's
 *       XCR0 (SDM vol. 2A CPUID), not of the host's; on a host whose OS
 *       runs without XSAVE (Linux under Bochs), the guest's CPUID.1 offers
 *       neither XSAVE nor AVX (its XSETBV could only fault);
 *   (c) CR0 and CR4 bits a guest sets without an exit (on VMX those outside
 *       the guest/host masks, SDM vol. 3C 25.6.6) read back through
 *       NHV_GET_SREGS, which nhv-vm uses for INIT/SIPI and reset.
 */
#include <sys/ioctl.h>
#include <cpuid.h>
#include <stdint.h>
#include <string.h>
#include "userland/lib/nhvdev.h"
#include "userland/lib/tap.h"
#include "guests.h"
#include "selftest.h"

GUEST(g_mtrr_prot, ".code32",
	"mov $0xfe, %ecx\n"
	"rdmsr\n"
	"mov %eax, %esi\n"
	"mov $0x2ff, %ecx\n"
	"rdmsr\n"
	"mov %eax, %edi\n"
	"mov $0x806, %eax\n"
	"xor %edx, %edx\n"
	"wrmsr\n"
	"rdmsr\n"
	"mov %eax, %ebp\n"
	"cli\n"
	"hlt\n");

/* CR4.OSXSAVE, XCR0 = x87 | SSE | AVX, then CPUID 0xD.0 into ESI. */
GUEST(g_xsave_prot, ".code32",
	"mov %cr4, %eax\n"
	"or $0x40000, %eax\n"
	"mov %eax, %cr4\n"
	"xor %ecx, %ecx\n"
	"mov $7, %eax\n"
	"xor %edx, %edx\n"
	"xsetbv\n"
	"mov $0xd, %eax\n"
	"xor %ecx, %ecx\n"
	"cpuid\n"
	"mov %ebx, %esi\n"
	"cli\n"
	"hlt\n");

/* CR4.OSFXSR | OSXMMEXCPT | PGE, CR0.TS | MP, then halt. */
GUEST(g_crbits_prot, ".code32",
	"mov %cr4, %eax\n"
	"or $0x680, %eax\n"
	"mov %eax, %cr4\n"
	"mov %cr0, %eax\n"
	"or $0xa, %eax\n"
	"mov %eax, %cr0\n"
	"cli\n"
	"hlt\n");

#define CR4_BITS	0x680u
#define CR0_BITS	0xau

static void test_cr_bits(int sysfd)
{
	struct nhv_sregs s;
	struct tvm vm;
	int x, r;

	if (prot_vm(&vm, sysfd, &g_crbits_prot, 0, 0))
		return;
	x = tvm_run(&vm);
	memset(&s, 0, sizeof(s));
	r = ioctl(vm.cpufd, NHV_GET_SREGS, &s);
	tap_ok(x == NHV_EXIT_HLT && r == 0 && (s.cr4 & CR4_BITS) == CR4_BITS &&
	       (s.cr0 & CR0_BITS) == CR0_BITS,
	       "CR4 and CR0 bits the guest set read back through NHV_GET_SREGS "
	       "(exit %d, ioctl %d, CR0 %#llx, CR4 %#llx, expected %#x and %#x set)", x, r,
	       (unsigned long long)s.cr0, (unsigned long long)s.cr4, CR0_BITS, CR4_BITS);
	tvm_destroy(&vm);
}

/* CPUID.1 ECX into ESI. */
GUEST(g_cpuid1_prot, ".code32",
	"mov $1, %eax\n"
	"xor %ecx, %ecx\n"
	"cpuid\n"
	"mov %ecx, %esi\n"
	"cli\n"
	"hlt\n");

#define CPUID1_ECX_XSAVE	(1U << 26)
#define CPUID1_ECX_OSXSAVE	(1U << 27)
#define CPUID1_ECX_AVX		(1U << 28)
#define XCR0_SSE_AVX		6u

/* Without host XSAVE, the guest must not be offered XSAVE or AVX. */
static void test_no_xsave(int sysfd)
{
	struct nhv_regs r;
	struct tvm vm;
	int x;

	if (prot_vm(&vm, sysfd, &g_cpuid1_prot, 0, 0))
		return;
	x = tvm_run(&vm);
	tvm_get_regs(&vm, &r);
	tap_ok(x == NHV_EXIT_HLT && !(r.gpr[NHV_RSI] & (CPUID1_ECX_XSAVE | CPUID1_ECX_AVX)),
	       "the host OS runs without XSAVE: the guest's CPUID.1 ECX has no XSAVE or AVX "
	       "(exit %d, ECX %#llx)", x, (unsigned long long)r.gpr[NHV_RSI]);
	tvm_destroy(&vm);
}

void test_msrs(int sysfd)
{
	unsigned int a, b, c, d;
	struct nhv_regs r;
	struct tvm vm;
	int x;

	if (prot_vm(&vm, sysfd, &g_mtrr_prot, 0, 0))
		return;
	x = tvm_run(&vm);
	tvm_get_regs(&vm, &r);
	tap_ok(x == NHV_EXIT_HLT && r.gpr[NHV_RSI] == 0 && r.gpr[NHV_RDI] == 0xc06 &&
	       r.gpr[NHV_RBP] == 0x806,
	       "MTRRcap reads 0, MTRRdefType 0xc06 and keeps a write (exit %d, %#llx %#llx %#llx)",
	       x, (unsigned long long)r.gpr[NHV_RSI], (unsigned long long)r.gpr[NHV_RDI],
	       (unsigned long long)r.gpr[NHV_RBP]);
	tvm_destroy(&vm);

	test_cr_bits(sysfd);

	__cpuid(1, a, b, c, d);
	if (!(c & CPUID1_ECX_OSXSAVE)) {
		test_no_xsave(sysfd);
		return;
	}
	__asm__ volatile("xgetbv" : "=a"(a), "=d"(d) : "c"(0));
	if (!(c & CPUID1_ECX_AVX) || (a & XCR0_SSE_AVX) != XCR0_SSE_AVX) {
		tap_skip(1, "the host has no AVX enabled");
		return;
	}
	__cpuid_count(0xd, 2, a, b, c, d);
	if (prot_vm(&vm, sysfd, &g_xsave_prot, 0, 0))
		return;
	x = tvm_run(&vm);
	tvm_get_regs(&vm, &r);
	tap_ok(x == NHV_EXIT_HLT && r.gpr[NHV_RSI] == a + b,
	       "CPUID 0xD.0 EBX is the XSAVE size of the guest's XCR0 x87|SSE|AVX "
	       "(exit %d at rip %#llx, EBX %llu, expected %u)", x, (unsigned long long)r.rip,
	       (unsigned long long)r.gpr[NHV_RSI], a + b);
	tvm_destroy(&vm);
}
