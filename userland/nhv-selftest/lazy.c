/*
 * lazy.c - guest RAM pinned on first touch (kernel-vmm/pin.c), proven with
 * NHV_GET_VM_STATS:
 *
 *   (a) NHV_SET_MEMORY pins nothing; a guest that touches three 2 MiB
 *       regions of an 8 MiB slot (one write across a region boundary) gets
 *       exactly those pinned, and sees what user space wrote there;
 *   (b) NHV_GET_VM_STATS refuses flags, reserved fields and bad pointers;
 *   (c) a slot whose user memory went away (munmap) stops the VM with
 *       NHV_INTERNAL_MEMORY at the first touch, and nhv.ko runs guests after;
 *   (d) four vCPUs fault the same regions at once: each region is pinned
 *       once, every vCPU's write lands;
 *   (e) PAE paging whose PDPT and page directory are in untouched RAM
 *       (VM entry loads the PDPTEs on VMX: pinned before, not read as 0).
 *
 * Slot 1 is SLOT1_SIZE at SLOT1_GPA; slot 0 is prot_vm's 2 MiB (code).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "userland/lib/nhvdev.h"
#include "userland/lib/tap.h"
#include "guests.h"
#include "selftest.h"

#define SLOT1_GPA	0x1000000u
#define SLOT1_SIZE	(8u << 20)
#define REGION		(2u << 20)
#define NVCPUS		4
#define CODE_SIZE	(2u << 20)	/* prot_vm's slot 0 */

GUEST(g_lazy_touch, ".code32",
	"movl $0x11111111, 0x1000000\n"		/* region 0 */
	"mov 0x1500008, %ebx\n"			/* region 2: user space's value */
	"movl $0x22222222, 0x1500000\n"
	"movl $0x33333333, 0x11ffffe\n"		/* regions 0 and 1: across the boundary */
	"mov %ebx, %eax\n"
	"out %eax, $0x10\n"
	"cli\n"
	"hlt\n");

/* ESI = vCPU number: one word in each region of slot 1, then report. */
GUEST(g_lazy_smp, ".code32",
	"lea 1(%esi), %eax\n"
	"lea 0x1000000(,%esi,4), %edi\n"
	"mov $4, %ecx\n"
	"1: mov %eax, (%edi)\n"
	"add $0x200000, %edi\n"
	"loop 1b\n"
	"out %eax, $0x10\n"
	"cli\n"
	"hlt\n");

/* PAE paging, PDPT at 0x1600000 (written by user space only), then a read. */
GUEST(g_lazy_pae, ".code32",
	"mov $0x1600000, %eax\n"
	"mov %eax, %cr3\n"
	"mov %cr4, %eax\n"
	"or $0x20, %eax\n"
	"mov %eax, %cr4\n"
	"mov %cr0, %eax\n"
	"or $0x80000000, %eax\n"
	"mov %eax, %cr0\n"
	"jmp 1f\n"
	"1: mov 0x1602000, %eax\n"
	"out %eax, $0x10\n"
	"cli\n"
	"hlt\n");

static int vm_stats(struct tvm *vm, struct nhv_vm_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (ioctl(vm->vmfd, NHV_GET_VM_STATS, st)) {
		tap_diag("NHV_GET_VM_STATS: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* A prot_vm guest with slot 1 over fresh, untouched anonymous memory. */
static uint8_t *lazy_vm(struct tvm *vm, int sysfd, const struct guest *g)
{
	struct nhv_memory m = { .slot = 1, .guest_phys = SLOT1_GPA, .size = SLOT1_SIZE };
	uint8_t *p;

	if (prot_vm(vm, sysfd, g, 0, 0))
		return NULL;
	p = mmap(NULL, SLOT1_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		tap_diag("mmap: %s", strerror(errno));
		tvm_destroy(vm);
		return NULL;
	}
	m.user_addr = (uintptr_t)p;
	if (ioctl(vm->vmfd, NHV_SET_MEMORY, &m)) {
		tap_diag("slot 1: %s", strerror(errno));
		munmap(p, SLOT1_SIZE);
		tvm_destroy(vm);
		return NULL;
	}
	return p;
}

static void lazy_touch(int sysfd)
{
	struct nhv_vm_stats st;
	struct tvm vm;
	uint32_t d = 0, w[2];
	uint8_t *p = lazy_vm(&vm, sysfd, &g_lazy_touch);

	if (!p)
		return;
	memcpy(p + 0x500008, &(uint32_t){ 0x5eed1234 }, 4);
	if (!vm_stats(&vm, &st))
		tap_ok(st.slots == 2 && st.slot_pages == (CODE_SIZE + SLOT1_SIZE) / 4096 &&
		       st.pages_pinned == 0 && st.regions_pinned == 0,
		       "NHV_SET_MEMORY pins nothing (%llu slots, %llu pages, %llu pinned)",
		       (unsigned long long)st.slots, (unsigned long long)st.slot_pages,
		       (unsigned long long)st.pages_pinned);
	tap_ok(!out_to(&vm, 0x10, &d) && d == 0x5eed1234,
	       "the guest reads what user space wrote into untouched RAM (%#x)", d);
	memcpy(&w[0], p + 0x1ffffc, 4);
	memcpy(&w[1], p + 0x200000, 4);
	tap_ok(*(uint32_t *)p == 0x11111111 && *(uint32_t *)(p + 0x500000) == 0x22222222 &&
	       w[0] >> 16 == 0x3333 && (w[1] & 0xffff) == 0x3333,
	       "user space sees the guest's writes, one of them across a 2 MiB boundary");
	if (!vm_stats(&vm, &st))
		tap_ok(st.regions_pinned == 4 && st.pages_pinned == 4 * REGION / 4096,
		       "exactly the regions touched are pinned: code + 3 of slot 1 (%llu regions, %llu pages)",
		       (unsigned long long)st.regions_pinned, (unsigned long long)st.pages_pinned);
	tvm_destroy(&vm);
	munmap(p, SLOT1_SIZE);
}

static void lazy_bad_stats(int sysfd)
{
	struct nhv_vm_stats st;
	struct tvm vm;
	uint8_t *ro;
	struct nhv_memory m = { .slot = 2, .guest_phys = 0x4000000, .size = 4096 };

	if (tvm_create(&vm, sysfd, 2u << 20))
		return;
	memset(&st, 0, sizeof(st));
	st.flags = 1;
	tap_ok(ioctl(vm.vmfd, NHV_GET_VM_STATS, &st) && errno == EINVAL,
	       "NHV_GET_VM_STATS with flags: EINVAL");
	memset(&st, 0, sizeof(st));
	st.reserved[2] = 1;
	tap_ok(ioctl(vm.vmfd, NHV_GET_VM_STATS, &st) && errno == EINVAL,
	       "NHV_GET_VM_STATS with a reserved field set: EINVAL");
	tap_ok(ioctl(vm.vmfd, NHV_GET_VM_STATS, NULL) && errno == EFAULT,
	       "NHV_GET_VM_STATS from a NULL pointer: EFAULT");
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	m.user_addr = (uintptr_t)ro;
	tap_ok(ro != MAP_FAILED && ioctl(vm.vmfd, NHV_SET_MEMORY, &m) && errno == EFAULT,
	       "read-only user memory as a slot: EFAULT at NHV_SET_MEMORY");
	if (ro != MAP_FAILED)
		munmap(ro, 4096);
	tvm_destroy(&vm);
}

static void lazy_unbacked(int sysfd)
{
	struct nhv_vm_stats st;
	struct tvm vm;
	uint32_t d;
	int x;
	uint8_t *p = lazy_vm(&vm, sysfd, &g_lazy_touch);

	if (!p)
		return;
	/* The slot stays; the memory behind it is gone. */
	munmap(p, SLOT1_SIZE);
	x = tvm_run(&vm);
	tap_ok(x == NHV_EXIT_INTERNAL && vm.run->internal.suberror == NHV_INTERNAL_MEMORY &&
	       vm.run->internal.data[0] == SLOT1_GPA && vm.run->internal.data[1] == EFAULT,
	       "RAM without user memory behind it: NHV_INTERNAL_MEMORY (exit %d, suberror %u, %#llx, errno %llu)",
	       x, x == NHV_EXIT_INTERNAL ? vm.run->internal.suberror : 0,
	       (unsigned long long)vm.run->internal.data[0],
	       (unsigned long long)vm.run->internal.data[1]);
	if (!vm_stats(&vm, &st))
		tap_ok(st.regions_pinned == 1, "the failed region is not counted (%llu regions)",
		       (unsigned long long)st.regions_pinned);
	tvm_destroy(&vm);
	p = lazy_vm(&vm, sysfd, &g_lazy_touch);
	if (!p)
		return;
	tap_ok(!out_to(&vm, 0x10, &d), "nhv.ko runs a guest again after the failed pin");
	tvm_destroy(&vm);
	munmap(p, SLOT1_SIZE);
}

struct smp_cpu {
	int fd;
	struct nhv_run *run;
	pthread_t t;
	pthread_barrier_t *go;
	int exit, port;
};

static void *smp_thread(void *arg)
{
	struct smp_cpu *c = arg;

	pthread_barrier_wait(c->go);
	do {
		c->exit = ioctl(c->fd, NHV_RUN, 0) ? -errno : (int)c->run->exit_reason;
	} while (c->exit == -EINTR || c->exit == NHV_EXIT_INTR);
	c->port = c->exit == NHV_EXIT_IO ? c->run->io.port : -1;
	return NULL;
}

static void lazy_smp(int sysfd)
{
	struct smp_cpu c[NVCPUS];
	pthread_barrier_t go;
	struct nhv_vm_stats st;
	struct nhv_sregs s;
	struct nhv_regs r;
	struct tvm vm;
	int i, n = 0, ok = 1;
	uint8_t *p = lazy_vm(&vm, sysfd, &g_lazy_smp);

	if (!p)
		return;
	memset(c, 0, sizeof(c));
	pthread_barrier_init(&go, NULL, NVCPUS);
	ioctl(vm.cpufd, NHV_GET_SREGS, &s);
	tvm_get_regs(&vm, &r);
	for (i = 0; i < NVCPUS; i++) {
		c[i].go = &go;
		c[i].fd = i ? ioctl(vm.vmfd, NHV_CREATE_VCPU, i) : vm.cpufd;
		c[i].run = i ? (c[i].fd < 0 ? MAP_FAILED :
			mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, c[i].fd, 0)) : vm.run;
		r.gpr[NHV_RSI] = (uint64_t)i;
		if (c[i].run == MAP_FAILED || ioctl(c[i].fd, NHV_SET_SREGS, &s) ||
		    ioctl(c[i].fd, NHV_SET_REGS, &r)) {
			tap_ok(0, "vCPU %d of %d: %s", i, NVCPUS, strerror(errno));
			goto out;
		}
	}
	for (i = 0; i < NVCPUS; i++)
		if (!pthread_create(&c[i].t, NULL, smp_thread, &c[i]))
			n++;
	for (i = 0; i < n; i++)
		pthread_join(c[i].t, NULL);
	for (i = 0; i < NVCPUS; i++) {
		for (int reg = 0; reg < 4; reg++) {
			uint32_t v;

			memcpy(&v, p + reg * REGION + i * 4, 4);
			ok &= v == (uint32_t)i + 1;
		}
		if (c[i].exit != NHV_EXIT_IO || c[i].port != 0x10) {
			tap_diag("vCPU %d: exit %d port %#x", i, c[i].exit, c[i].port);
			ok = 0;
		}
	}
	tap_ok(n == NVCPUS && ok,
	       "%d vCPUs fault the same 4 regions at once: each finishes, every write lands", NVCPUS);
	if (!vm_stats(&vm, &st))
		tap_ok(st.regions_pinned == 5 && st.pages_pinned == 5 * REGION / 4096,
		       "each region pinned once: code + 4 (%llu regions, %llu pages)",
		       (unsigned long long)st.regions_pinned, (unsigned long long)st.pages_pinned);
out:
	for (i = 1; i < NVCPUS; i++) {
		if (c[i].run && c[i].run != MAP_FAILED)
			munmap(c[i].run, 4096);
		if (c[i].fd > 0)
			close(c[i].fd);
	}
	pthread_barrier_destroy(&go);
	tvm_destroy(&vm);
	munmap(p, SLOT1_SIZE);
}

static void lazy_pae(int sysfd)
{
	static const uint64_t pdpte0 = (SLOT1_GPA + 0x601000) | 1;
	static const uint64_t pde0 = 0x83, pde11 = (SLOT1_GPA + 0x600000) | 0x83;
	struct nhv_vm_stats st;
	struct tvm vm;
	uint32_t d = 0;
	uint8_t *p = lazy_vm(&vm, sysfd, &g_lazy_pae);

	if (!p)
		return;
	memcpy(p + 0x600000, &pdpte0, 8);
	memcpy(p + 0x601000, &pde0, 8);
	memcpy(p + 0x601000 + 11 * 8, &pde11, 8);
	memcpy(p + 0x602000, &(uint32_t){ 0x600df00d }, 4);
	tap_ok(!out_to(&vm, 0x10, &d) && d == 0x600df00d,
	       "PAE paging with its PDPT in untouched RAM: the read through it works (%#x)", d);
	if (!vm_stats(&vm, &st))
		tap_ok(st.regions_pinned == 2, "the PDPT's region got pinned (%llu regions)",
		       (unsigned long long)st.regions_pinned);
	tvm_destroy(&vm);
	munmap(p, SLOT1_SIZE);
}

void test_lazy(int sysfd)
{
	struct nhv_caps caps;

	if (ioctl(sysfd, NHV_GET_CAPS, &caps) || !(caps.flags & NHV_CAP_LAZY_MEMORY)) {
		tap_ok(0, "NHV_CAP_LAZY_MEMORY reported");
		return;
	}
	tap_ok(caps.tsc_khz >= 100000 && caps.tsc_khz <= 100000000,
	       "NHV_GET_CAPS reports L1's TSC rate (%u kHz)", caps.tsc_khz);
	lazy_touch(sysfd);
	lazy_bad_stats(sysfd);
	lazy_unbacked(sysfd);
	lazy_smp(sysfd);
	lazy_pae(sysfd);
}
