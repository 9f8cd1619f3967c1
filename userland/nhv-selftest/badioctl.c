/*
 * badioctl.c - hostile arguments to every ioctl: each must come back as the
 * documented errno, never as success and never as a kernel problem.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "userland/lib/nhvdev.h"
#include "userland/lib/tap.h"
#include "selftest.h"

#define KERNEL_PTR	0xffff888000000000ull

static void expect(long r, int want, const char *what)
{
	int got = r < 0 ? errno : 0;

	tap_ok(r < 0 && got == want, "%s -> %s (got %s)", what, strerror(want),
	       r < 0 ? strerror(got) : "success");
}

void test_bad_ioctls(int sysfd)
{
	struct nhv_memory m;
	struct nhv_cpuid_policy p;
	struct nhv_cpuid_entry e = { 1, 0, 7, 0, 0, 0 };
	struct nhv_regs r;
	struct nhv_sregs s;
	struct nhv_interrupt in;
	void *buf = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int vmfd, cpufd;
	void *run;

	expect(ioctl(sysfd, NHV_GET_API_VERSION, 1), EINVAL, "API version with an argument");
	expect(ioctl(sysfd, _IO(NHV_IOC, 0x7f), 0), ENOTTY, "unknown ioctl on /dev/nhv");
	expect(ioctl(sysfd, NHV_GET_CAPS, (void *)KERNEL_PTR), EFAULT, "capabilities into a kernel address");
	expect(ioctl(sysfd, NHV_CREATE_VM, 5), EINVAL, "create VM with a type argument");

	vmfd = ioctl(sysfd, NHV_CREATE_VM, 0);
	tap_ok(vmfd >= 0, "create VM");
	if (vmfd < 0)
		return;

	memset(&m, 0, sizeof(m));
	m.size = 1 << 16;
	m.user_addr = (uintptr_t)buf;
	expect(ioctl(vmfd, NHV_SET_MEMORY, NULL), EFAULT, "set memory from a NULL argument");
	m.guest_phys = 0x123;
	expect(ioctl(vmfd, NHV_SET_MEMORY, &m), EINVAL, "unaligned guest-physical address");
	m.guest_phys = 0;
	m.user_addr = (uintptr_t)buf + 8;
	expect(ioctl(vmfd, NHV_SET_MEMORY, &m), EINVAL, "unaligned user address");
	m.user_addr = (uintptr_t)buf;
	m.size = 0;
	expect(ioctl(vmfd, NHV_SET_MEMORY, &m), EINVAL, "zero size");
	m.size = 1000;
	expect(ioctl(vmfd, NHV_SET_MEMORY, &m), EINVAL, "size not a page multiple");
	m.size = 1 << 16;
	m.slot = NHV_MAX_MEM_SLOTS;
	expect(ioctl(vmfd, NHV_SET_MEMORY, &m), EINVAL, "slot out of range");
	m.slot = 0;
	m.flags = 1;
	expect(ioctl(vmfd, NHV_SET_MEMORY, &m), EINVAL, "unknown flags");
	m.flags = 0;
	m.guest_phys = 0xfffffffffffff000ull;
	expect(ioctl(vmfd, NHV_SET_MEMORY, &m), ERANGE, "guest range wrapping past 2^64");
	m.guest_phys = NHV_MAX_GUEST_PHYS;
	expect(ioctl(vmfd, NHV_SET_MEMORY, &m), ERANGE, "guest range beyond the limit");
	m.guest_phys = 0;
	m.user_addr = KERNEL_PTR;
	expect(ioctl(vmfd, NHV_SET_MEMORY, &m), EFAULT, "kernel address as guest memory");
	m.user_addr = 0xfffffffffff00000ull;
	expect(ioctl(vmfd, NHV_SET_MEMORY, &m), EFAULT, "user range wrapping past 2^64");
	m.user_addr = 0x1000;
	expect(ioctl(vmfd, NHV_SET_MEMORY, &m), EFAULT, "unmapped user memory");
	m.user_addr = (uintptr_t)buf;
	tap_ok(ioctl(vmfd, NHV_SET_MEMORY, &m) == 0, "valid memory slot accepted");
	expect(ioctl(vmfd, NHV_SET_MEMORY, &m), EEXIST, "the same slot twice");
	m.slot = 1;
	m.guest_phys = 0x8000;
	expect(ioctl(vmfd, NHV_SET_MEMORY, &m), EEXIST, "overlapping guest range");

	p.nent = NHV_MAX_CPUID_ENTRIES + 1;
	p.flags = 0;
	p.entries = (uintptr_t)&e;
	expect(ioctl(vmfd, NHV_SET_CPUID, &p), EINVAL, "too many CPUID entries");
	p.nent = 1;
	expect(ioctl(vmfd, NHV_SET_CPUID, &p), EINVAL, "CPUID entry naming register 7");
	p.entries = KERNEL_PTR;
	expect(ioctl(vmfd, NHV_SET_CPUID, &p), EFAULT, "CPUID entries at a kernel address");
	p.flags = 2;
	expect(ioctl(vmfd, NHV_SET_CPUID, &p), EINVAL, "CPUID policy flags");
	p.nent = 0xffffffffu;
	p.flags = 0;
	expect(ioctl(vmfd, NHV_SET_CPUID, &p), EINVAL, "CPUID count 2^32-1 (overflow bait)");
	expect(ioctl(vmfd, NHV_SET_IO_EXITS, (void *)KERNEL_PTR), EFAULT, "I/O bitmap from a kernel address");

	expect(ioctl(vmfd, NHV_CREATE_VCPU, NHV_MAX_VCPUS), EINVAL, "vCPU id out of range");
	expect(ioctl(vmfd, NHV_CREATE_VCPU, -1L), EINVAL, "vCPU id -1");
	cpufd = ioctl(vmfd, NHV_CREATE_VCPU, 0);
	tap_ok(cpufd >= 0, "create vCPU 0");
	expect(ioctl(vmfd, NHV_CREATE_VCPU, 0), EEXIST, "vCPU 0 twice");
	if (cpufd < 0)
		goto out;

	run = mmap(NULL, 8192, PROT_READ, MAP_SHARED, cpufd, 0);
	tap_ok(run == MAP_FAILED && errno == EINVAL, "mmap of two pages of the run structure -> EINVAL");
	run = mmap(NULL, 4096, PROT_READ, MAP_SHARED, cpufd, 4096);
	tap_ok(run == MAP_FAILED && errno == EINVAL, "mmap at offset 4096 -> EINVAL");

	ioctl(cpufd, NHV_GET_REGS, &r);
	r.rflags = 0;
	expect(ioctl(cpufd, NHV_SET_REGS, &r), EINVAL, "RFLAGS without the fixed bit 1");
	r.rflags = 2 | (1ull << 40);
	expect(ioctl(vmfd, NHV_SET_REGS, &r), ENOTTY, "vCPU ioctl on the VM fd");
	expect(ioctl(cpufd, NHV_SET_REGS, &r), EINVAL, "RFLAGS reserved high bits");
	expect(ioctl(cpufd, NHV_GET_REGS, (void *)KERNEL_PTR), EFAULT, "registers into a kernel address");
	ioctl(cpufd, NHV_GET_SREGS, &s);
	s.xcr0 = 0;
	expect(ioctl(cpufd, NHV_SET_SREGS, &s), EINVAL, "XCR0 without x87");
	s.xcr0 = 1ull << 62;
	expect(ioctl(cpufd, NHV_SET_SREGS, &s), EINVAL, "XCR0 with an unknown feature");
	s.xcr0 = 1;
	s.efer = 1ull << 20;
	expect(ioctl(cpufd, NHV_SET_SREGS, &s), EINVAL, "EFER reserved bit");
	s.efer = 0;
	s.reserved[2] = 1;
	expect(ioctl(cpufd, NHV_SET_SREGS, &s), EINVAL, "nonzero reserved field");
	in.vector = 5;
	in.flags = 0;
	expect(ioctl(cpufd, NHV_INTERRUPT, &in), EINVAL, "inject exception vector 5 as an interrupt");
	in.vector = 300;
	expect(ioctl(cpufd, NHV_INTERRUPT, &in), EINVAL, "inject vector 300");
	in.vector = 0x40;
	in.flags = 0x80;
	expect(ioctl(cpufd, NHV_INTERRUPT, &in), EINVAL, "unknown injection flags");
	expect(ioctl(cpufd, NHV_RUN, 1), EINVAL, "run with an argument");
	close(cpufd);
out:
	close(vmfd);
	munmap(buf, 1 << 16);
}
