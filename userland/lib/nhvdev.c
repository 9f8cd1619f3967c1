/*
 * nhvdev.c - the /dev/nhv wrapper (see nhvdev.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include "userland/lib/nhvdev.h"

/* /dev/nhv, or the node made from /sys/class/misc/nhv/dev if devtmpfs lacks it. */
static int open_dev(void)
{
	unsigned int maj, min;
	FILE *f;
	int fd = open("/dev/nhv", O_RDWR | O_CLOEXEC);

	if (fd >= 0 || errno != ENOENT)
		return fd;
	f = fopen("/sys/class/misc/nhv/dev", "r");
	if (!f)
		return -1;
	if (fscanf(f, "%u:%u", &maj, &min) != 2) {
		fclose(f);
		errno = ENOENT;
		return -1;
	}
	fclose(f);
	if (mknod("/dev/nhv", S_IFCHR | 0600, makedev(maj, min)) && errno != EEXIST)
		return -1;
	return open("/dev/nhv", O_RDWR | O_CLOEXEC);
}

int nhv_open(const char *module, char *why, size_t whylen)
{
	char path[256];
	struct utsname u;
	int fd = open_dev(), mfd;

	if (fd >= 0)
		return fd;
	if (!module) {
		uname(&u);
		snprintf(path, sizeof(path), "/lib/modules/%s/extra/nhv.ko", u.release);
		module = path;
	}
	mfd = open(module, O_RDONLY | O_CLOEXEC);
	if (mfd < 0) {
		snprintf(why, whylen, "/dev/nhv absent and cannot open %s: %s",
			 module, strerror(errno));
		return -1;
	}
	if (syscall(SYS_finit_module, mfd, "", 0) && errno != EEXIST) {
		snprintf(why, whylen, "loading %s failed: %s (see dmesg)", module,
			 strerror(errno));
		close(mfd);
		return -1;
	}
	close(mfd);
	fd = open_dev();
	if (fd < 0)
		snprintf(why, whylen, "nhv.ko loaded but /dev/nhv: %s", strerror(errno));
	return fd;
}

int tvm_create(struct tvm *vm, int sysfd, size_t memsize)
{
	struct nhv_memory m = { 0 };
	uintptr_t a;

	memset(vm, 0, sizeof(*vm));
	vm->vmfd = vm->cpufd = -1;
	/* 2 MiB aligned, so nhv can use 2 MiB nested pages if THP backs it. */
	vm->mapsize = memsize + (2u << 20);
	vm->map = mmap(NULL, vm->mapsize, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->map == MAP_FAILED)
		return -errno;
	a = ((uintptr_t)vm->map + (2u << 20) - 1) & ~(uintptr_t)((2u << 20) - 1);
	vm->mem = (uint8_t *)a;
	vm->memsize = memsize;
	madvise(vm->mem, memsize, MADV_HUGEPAGE);
	memset(vm->mem, 0, memsize);
	vm->vmfd = ioctl(sysfd, NHV_CREATE_VM, 0);
	if (vm->vmfd < 0)
		goto fail;
	m.slot = 0;
	m.guest_phys = 0;
	m.size = memsize;
	m.user_addr = (uintptr_t)vm->mem;
	if (ioctl(vm->vmfd, NHV_SET_MEMORY, &m))
		goto fail;
	vm->cpufd = ioctl(vm->vmfd, NHV_CREATE_VCPU, 0);
	if (vm->cpufd < 0)
		goto fail;
	vm->run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, vm->cpufd, 0);
	if (vm->run == MAP_FAILED) {
		vm->run = NULL;
		goto fail;
	}
	return 0;
fail:
	a = errno;
	tvm_destroy(vm);
	return -(int)a;
}

void tvm_destroy(struct tvm *vm)
{
	if (vm->run)
		munmap(vm->run, 4096);
	if (vm->cpufd >= 0)
		close(vm->cpufd);
	if (vm->vmfd >= 0)
		close(vm->vmfd);
	if (vm->map && vm->map != MAP_FAILED)
		munmap(vm->map, vm->mapsize);
	memset(vm, 0, sizeof(*vm));
	vm->vmfd = vm->cpufd = -1;
}

void tvm_load(struct tvm *vm, uint64_t gpa, const void *p, size_t n)
{
	memcpy(vm->mem + gpa, p, n);
}

void tvm_set_ivt(struct tvm *vm, int vector, uint16_t handler)
{
	uint16_t ent[2] = { handler, 0 };

	memcpy(vm->mem + vector * 4, ent, 4);
}

int tvm_io_ports(struct tvm *vm, const uint16_t *ports, int n)
{
	static struct nhv_io_exits b;
	int i;

	memset(&b, 0, sizeof(b));
	for (i = 0; i < n; i++)
		b.bitmap[ports[i] / 8] |= 1u << (ports[i] % 8);
	return ioctl(vm->vmfd, NHV_SET_IO_EXITS, &b) ? -errno : 0;
}

static void seg(struct nhv_segment *s, uint16_t attrib, uint32_t limit)
{
	s->base = 0;
	s->selector = 0;
	s->limit = limit;
	s->attrib = attrib;
}

/*
 * Segment state is loaded straight into the hidden parts (no GDT needed
 * until the guest reloads a selector).  Long mode maps the first 2 MiB and
 * the MMIO window at TVM_MMIO with 2 MiB pages.
 */
int tvm_setup(struct tvm *vm, enum tmode mode, uint64_t rip)
{
	struct nhv_sregs s;
	struct nhv_regs r;

	if (ioctl(vm->cpufd, NHV_GET_SREGS, &s))
		return -errno;
	memset(&r, 0, sizeof(r));
	r.rip = rip;
	r.rflags = 2;
	r.gpr[NHV_RSP] = TVM_STACK;
	switch (mode) {
	case MODE_REAL:
		seg(&s.cs, 0x9b, 0xffff);
		seg(&s.ds, 0x93, 0xffff);
		s.cr0 = 0x10;
		s.cr4 = 0;
		s.efer = 0;
		break;
	case MODE_PROT:
		seg(&s.cs, 0xc9b, 0xffffffff);
		seg(&s.ds, 0xc93, 0xffffffff);
		s.cr0 = 0x11;
		s.cr4 = 0;
		s.efer = 0;
		s.cs.selector = 8;
		s.ds.selector = 16;
		break;
	case MODE_LONG: {
		uint64_t *pml4 = (uint64_t *)(vm->mem + TVM_PML4);
		uint64_t *pdpt = pml4 + 512, *pd = pml4 + 1024, *pd3 = pml4 + 1536;

		memset(pml4, 0, 4 * 4096);
		pml4[0] = (TVM_PML4 + 0x1000) | 3;
		pdpt[0] = (TVM_PML4 + 0x2000) | 3;
		pdpt[3] = (TVM_PML4 + 0x3000) | 3;
		pd[0] = 0x83;
		pd3[(TVM_MMIO - 0xc0000000u) >> 21] = TVM_MMIO | 0x83;
		seg(&s.cs, 0xa9b, 0xffffffff);
		seg(&s.ds, 0xc93, 0xffffffff);
		s.cs.selector = 8;
		s.ds.selector = 16;
		s.cr0 = 0x80000011;
		s.cr3 = TVM_PML4;
		s.cr4 = 0x20;
		s.efer = 0x500;
		break;
	}
	}
	s.es = s.fs = s.gs = s.ss = s.ds;
	s.idt.base = 0;
	s.idt.limit = mode == MODE_REAL ? 0x3ff : 0;
	if (ioctl(vm->cpufd, NHV_SET_SREGS, &s))
		return -errno;
	if (ioctl(vm->cpufd, NHV_SET_REGS, &r))
		return -errno;
	return 0;
}

int tvm_run(struct tvm *vm)
{
	if (ioctl(vm->cpufd, NHV_RUN, 0))
		return -errno;
	return vm->run->exit_reason;
}

int tvm_get_regs(struct tvm *vm, struct nhv_regs *r)
{
	return ioctl(vm->cpufd, NHV_GET_REGS, r) ? -errno : 0;
}

int tvm_set_regs(struct tvm *vm, const struct nhv_regs *r)
{
	return ioctl(vm->cpufd, NHV_SET_REGS, r) ? -errno : 0;
}

static void *tvm_injector_main(void *p)
{
	struct tvm_injector *j = p;
	struct timespec ts = { j->ms / 1000, (long)(j->ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
	j->result = 1;
	__sync_synchronize();
	if (ioctl(j->vm->cpufd, NHV_INTERRUPT, &j->in))
		j->result = -errno;
	return NULL;
}

int tvm_inject_after(struct tvm_injector *j, struct tvm *vm, uint32_t vector,
		     uint32_t flags, unsigned int ms)
{
	j->vm = vm;
	j->in.vector = vector;
	j->in.flags = flags;
	j->ms = ms;
	j->result = 0;
	return -pthread_create(&j->thread, NULL, tvm_injector_main, j);
}

int tvm_inject_join(struct tvm_injector *j)
{
	pthread_join(j->thread, NULL);
	return j->result;
}
