/*
 * loader.c - files mapped for loading (a SIGBUS from a file that shrinks
 * meanwhile turned into an error), and telling a bzImage from a
 * multiboot kernel (the "HdrS" setup header, or the multiboot magic in
 * the first 8 KiB: multiboot spec 0.6.96 section 3.1.1).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "userland/nhv-vm/layout.h"
#include "userland/nhv-vm/loader.h"

int blob_read(struct blob *b, const char *path, size_t max, char *why, size_t whylen)
{
	struct stat st;
	int fd;

	memset(b, 0, sizeof(*b));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	if ((uint64_t)st.st_size > max) {
		snprintf(why, whylen, "%s: %llu MiB, larger than the guest's %zu MiB of RAM", path,
			 (unsigned long long)st.st_size >> 20, max >> 20);
		close(fd);
		return -1;
	}
	b->size = (size_t)st.st_size;
	if (!b->size) {
		b->data = (uint8_t *)"";
		close(fd);
		return 0;
	}
	b->data = mmap(NULL, b->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (b->data == MAP_FAILED) {
		snprintf(why, whylen, "%s: mmap: %s", path, strerror(errno));
		b->data = NULL;
		b->size = 0;
		return -1;
	}
	return 0;
}

void blob_free(struct blob *b)
{
	if (b->size)
		munmap(b->data, b->size);
	memset(b, 0, sizeof(*b));
}

static __thread sigjmp_buf *guard_jmp;

static void guard_sigbus(int sig, siginfo_t *si, void *ctx)
{
	(void)si;
	(void)ctx;
	if (guard_jmp)
		siglongjmp(*guard_jmp, 1);
	/* Not a guarded access: what SIGBUS would have done. */
	signal(sig, SIG_DFL);
	raise(sig);
}

int blob_guard(int (*fn)(void *arg), void *arg)
{
	struct sigaction sa, old;
	sigjmp_buf jb;
	volatile int r = -2;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = guard_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &old))
		return fn(arg);
	if (!sigsetjmp(jb, 1)) {
		guard_jmp = &jb;
		r = fn(arg);
	}
	guard_jmp = NULL;
	sigaction(SIGBUS, &old, NULL);
	return r;
}

#define MB_MAGIC	0x1badb002U
#define MB_SEARCH	8192

enum kernel_kind kernel_kind(const struct blob *k)
{
	if (k->size >= 0x206 && !memcmp(k->data + 0x202, "HdrS", 4) &&
	    k->data[0x1fe] == 0x55 && k->data[0x1ff] == 0xaa)
		return KERNEL_BZIMAGE;
	for (size_t off = 0; off + 12 <= k->size && off < MB_SEARCH; off += 4) {
		uint32_t w[3];

		memcpy(w, k->data + off, sizeof(w));
		if (w[0] == MB_MAGIC && (uint32_t)(w[0] + w[1] + w[2]) == 0)
			return KERNEL_MULTIBOOT;
	}
	return KERNEL_UNKNOWN;
}

/*
 * Null, 0x08 flat 32-bit code (multiboot), 0x10 64-bit code and 0x18 flat
 * data (boot.rst's __BOOT_CS and __BOOT_DS).
 */
void boot_gdt(struct vm *vm)
{
	static const uint64_t gdt[BOOT_GDT_ENTRIES] = {
		0, 0x00cf9b000000ffffULL, 0x00af9b000000ffffULL, 0x00cf93000000ffffULL,
	};

	memcpy(vm_guest_ptr(vm, GPA_GDT, sizeof(gdt)), gdt, sizeof(gdt));
}

/*
 * vCPU 0 with flat segments from the boot GDT (code selector cs with
 * attributes cs_attrib, data 0x18), the given control registers, and r.
 */
int boot_vcpu_flat(struct vm *vm, uint16_t cs, uint16_t cs_attrib, const struct boot_cr *cr,
		   const struct nhv_regs *r)
{
	struct vcpu *v = &vm->vcpus[0];
	struct nhv_sregs s;

	if (vm->accel->get_sregs(v, &s))
		return -1;
	s.cs = (struct nhv_segment){ 0, 0xffffffff, cs, cs_attrib };
	s.ds = s.es = s.fs = s.gs = s.ss = (struct nhv_segment){ 0, 0xffffffff, 0x18, 0xc93 };
	s.tr = (struct nhv_segment){ 0, 0xffff, 0, 0x8b };
	s.ldtr = (struct nhv_segment){ 0, 0xffff, 0, 0x82 };
	s.gdt = (struct nhv_dtable){ GPA_GDT, BOOT_GDT_ENTRIES * 8 - 1, 0 };
	s.idt = (struct nhv_dtable){ 0, cr->idt_limit, 0 };
	s.cr0 = cr->cr0;
	s.cr2 = 0;
	s.cr3 = cr->cr3;
	s.cr4 = cr->cr4;
	s.efer = cr->efer;
	s.xcr0 = 1;
	return vm->accel->set_sregs(v, &s) || vm->accel->set_regs(v, r) ? -1 : 0;
}
