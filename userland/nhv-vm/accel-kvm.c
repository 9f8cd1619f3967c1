/*
 * accel-kvm.c - the /dev/kvm backend, so that nhv.ko can be compared with
 * KVM on identical work and a host without nhv.ko still runs guests
 * (Documentation/virt/kvm/api.rst).  The split irqchip (KVM_CAP_SPLIT_
 * IRQCHIP) keeps the local APICs in KVM, as nhv.ko does, and leaves the
 * IOAPIC to nhv-vm's device model; its messages reach the local APICs as
 * MSIs (KVM_SIGNAL_MSI), and KVM starts application processors itself
 * (INIT/SIPI never reach user space).  Port and MMIO exits, string I/O
 * included, are served here from the buses without leaving the run call.
 * The CPUID table is KVM's supported one with KVM's own leaves removed
 * (hypervisor leaves hidden, as with nhv.ko), the guest's view of leaf 1
 * made like nhv.ko's (TSC-deadline timer on, which KVM offers but does not
 * list; x2APIC off), and the same policy applied.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "userland/nhv-vm/layout.h"
#include "userland/nhv-vm/vm.h"

#define KVM_MAX_CPUID	256
#define L1_ECX_X2APIC		(1U << 21)
#define L1_ECX_TSC_DEADLINE	(1U << 24)
#define KVM_TSS_ADDR	0xfffbd000ULL	/* 3 pages in the MMIO hole, below the BIOS ROM's place */

struct kvm_priv {
	struct kvm_cpuid2 *cpuid;	/* the guest's table, APIC id patched per vCPU */
	int run_size;
};

static int kvm_create(struct vm *vm, char *why, size_t whylen)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_SPLIT_IRQCHIP, .args = { IOAPIC_PINS } };
	struct kvm_priv *p;
	int v;

	vm->sysfd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->sysfd < 0) {
		snprintf(why, whylen, "/dev/kvm: %s (is kvm_amd or kvm_intel loaded?)", strerror(errno));
		return -1;
	}
	v = ioctl(vm->sysfd, KVM_GET_API_VERSION, 0);
	if (v != KVM_API_VERSION) {
		snprintf(why, whylen, "/dev/kvm API version %d, expected %d", v, KVM_API_VERSION);
		return -1;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	vm->accel_priv = p;
	p->run_size = ioctl(vm->sysfd, KVM_GET_VCPU_MMAP_SIZE, 0);
	vm->vmfd = ioctl(vm->sysfd, KVM_CREATE_VM, 0);
	if (p->run_size <= 0 || vm->vmfd < 0) {
		snprintf(why, whylen, "KVM_CREATE_VM: %s", strerror(errno));
		return -1;
	}
	if (ioctl(vm->vmfd, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_ADDR) ||
	    ioctl(vm->vmfd, KVM_ENABLE_CAP, &cap)) {
		snprintf(why, whylen, "KVM split irqchip: %s", strerror(errno));
		return -1;
	}
	/*
	 * The guest TSC rate KVM uses, L1's unless scaled (KVM_CAP_VM_TSC_CONTROL,
	 * Linux 6.0): no measuring (cpuid.c).  Older kernels refuse it on a VM fd.
	 */
	v = ioctl(vm->vmfd, KVM_GET_TSC_KHZ, 0);
	if (v > 0 && !vm->tsc_khz)
		vm->tsc_khz = (uint64_t)v;
	return 0;
}

static int kvm_set_memory(struct vm *vm, unsigned int slot, uint64_t gpa, uint64_t size, void *host)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = (uintptr_t)host,
	};

	return ioctl(vm->vmfd, KVM_SET_USER_MEMORY_REGION, &r);
}

static int kvm_set_io_exits(struct vm *vm, const uint8_t *bitmap)
{
	(void)vm;
	(void)bitmap;
	return 0;	/* KVM sends every port to user space; bus.c floats the silent ones */
}

static int kvm_set_cpuid(struct vm *vm, const struct nhv_cpuid_entry *e, unsigned int n)
{
	struct kvm_priv *p = vm->accel_priv;
	struct kvm_cpuid2 *c;
	unsigned int i, j, kept = 0;

	c = calloc(1, sizeof(*c) + KVM_MAX_CPUID * sizeof(c->entries[0]));
	if (!c)
		return -1;
	c->nent = KVM_MAX_CPUID;
	if (ioctl(vm->sysfd, KVM_GET_SUPPORTED_CPUID, c)) {
		free(c);
		return -1;
	}
	for (i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *x = &c->entries[i];

		if (x->function >= 0x40000000 && x->function <= 0x4fffffff)
			continue;
		if (x->function == 1)
			x->ecx = (x->ecx | L1_ECX_TSC_DEADLINE) & ~L1_ECX_X2APIC;
		c->entries[kept++] = *x;
	}
	c->nent = kept;
	/* Policy entries for leaves KVM does not list become new zero leaves first. */
	for (j = 0; j < n; j++) {
		for (i = 0; i < c->nent && c->entries[i].function != e[j].leaf; i++)
			;
		if (i == c->nent && c->nent < KVM_MAX_CPUID)
			c->entries[c->nent++] = (struct kvm_cpuid_entry2){ .function = e[j].leaf };
	}
	for (i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *x = &c->entries[i];
		uint32_t *reg[4] = { &x->eax, &x->ebx, &x->ecx, &x->edx };

		for (j = 0; j < n; j++) {
			if (e[j].leaf != x->function)
				continue;
			if (!(e[j].flags & NHV_CPUID_ANY_SUBLEAF) && e[j].subleaf != x->index)
				continue;
			*reg[e[j].reg] = (*reg[e[j].reg] & e[j].and_mask) | e[j].or_mask;
		}
	}
	p->cpuid = c;
	return 0;
}

static int kvm_vcpu_create(struct vcpu *v)
{
	struct kvm_priv *p = v->vm->accel_priv;
	struct kvm_cpuid2 *c = p->cpuid;

	v->fd = ioctl(v->vm->vmfd, KVM_CREATE_VCPU, v->id);
	if (v->fd < 0)
		return -1;
	v->run = mmap(NULL, (size_t)p->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		return -1;
	}
	v->run_size = (size_t)p->run_size;
	for (unsigned int i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *x = &c->entries[i];

		if (x->function == 1)
			x->ebx = (x->ebx & 0x00ffffff) | (v->id << 24);
		if (x->function == 0xb || x->function == 0x1f)
			x->edx = v->id;
	}
	return ioctl(v->fd, KVM_SET_CPUID2, c);
}

/*
 * A port handler refused the IN/OUT of the last exit (vcpu.io_fault: a
 * CPL 3 backdoor call under restrict_backdoor): the instruction faults
 * instead of completing.  KVM completes a port exit at the start of the
 * next KVM_RUN (RIP past the instruction, EAX from the data); with
 * immediate_exit set, that KVM_RUN completes it and returns EINTR without
 * entering the guest (api.rst, "immediate_exit").  The registers of the
 * exit (RIP still on the instruction) go back, and the exception is
 * injected with KVM_SET_VCPU_EVENTS: a fault delivers with the faulting
 * instruction's RIP (SDM vol. 3A 6.5), #GP with error code 0.
 */
static int kvm_io_fault(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	struct kvm_vcpu_events ev;
	struct kvm_regs regs;
	int r;

	if (ioctl(v->fd, KVM_GET_REGS, &regs))
		return -1;
	run->immediate_exit = 1;
	r = ioctl(v->fd, KVM_RUN, 0);
	run->immediate_exit = 0;
	if (r == 0 || errno != EINTR)
		return -1;
	if (ioctl(v->fd, KVM_SET_REGS, &regs) || ioctl(v->fd, KVM_GET_VCPU_EVENTS, &ev))
		return -1;
	ev.exception.injected = 1;
	ev.exception.nr = v->io_fault;
	ev.exception.has_error_code = v->io_fault == 13;
	ev.exception.error_code = 0;
	ev.flags = 0;		/* NMI, SIPI and shadow state as they are */
	if (ioctl(v->fd, KVM_SET_VCPU_EVENTS, &ev))
		return -1;
	v->io_fault = 0;
	v->io_faults++;
	return 0;
}

/* The highest vector set in a 256-bit APIC register (IRR 0x200, ISR 0x100:
 * eight 32-bit words 16 bytes apart, SDM vol. 3A 11.8.4), or -1. */
static int lapic_highest(const struct kvm_lapic_state *l, unsigned int base)
{
	for (int w = 7; w >= 0; w--) {
		uint32_t r;

		memcpy(&r, l->regs + base + 16 * w, sizeof(r));
		if (r)
			return w * 32 + 31 - __builtin_clz(r);
	}
	return -1;
}

/*
 * A VM killed at its --timeout or by `nhv vm stop --force` (control.c):
 * one line per vCPU of what it was doing, so
 * a frozen guest tells a halt with interrupts on and a vector pending in
 * its APIC (an interrupt lost) from a loop.  RFLAGS.IF is bit 9 (SDM vol. 1
 * 3.4.3); mp_state HALTED is KVM's (api.rst, KVM_GET_MP_STATE).
 */
static void kvm_dump_state(struct vcpu *v)
{
	static const char *const mp[] = { "runnable", "uninitialized", "init-received", "halted",
					  "sipi-received" };
	struct kvm_vcpu_events ev;
	struct kvm_mp_state ms;
	struct kvm_lapic_state l;
	struct kvm_regs regs;
	uint32_t tpr;

	if (ioctl(v->fd, KVM_GET_REGS, &regs) || ioctl(v->fd, KVM_GET_MP_STATE, &ms) ||
	    ioctl(v->fd, KVM_GET_VCPU_EVENTS, &ev) || ioctl(v->fd, KVM_GET_LAPIC, &l)) {
		fprintf(stderr, "nhv-vm: vCPU %u at the stop: cannot read its state: %s\n", v->id,
			strerror(errno));
		return;
	}
	memcpy(&tpr, l.regs + 0x80, sizeof(tpr));
	fprintf(stderr, "nhv-vm: vCPU %u at the stop: rip=%#llx rflags=%#llx IF=%d mp_state=%s"
		" injected interrupt %d shadow=%u nmi pending=%u; APIC irr=%d isr=%d tpr=%#x\n",
		v->id, (unsigned long long)regs.rip, (unsigned long long)regs.rflags,
		(int)(regs.rflags >> 9 & 1), ms.mp_state < 5 ? mp[ms.mp_state] : "other",
		ev.interrupt.injected ? ev.interrupt.nr : -1, ev.interrupt.shadow, ev.nmi.pending,
		lapic_highest(&l, 0x200), lapic_highest(&l, 0x100), tpr & 0xff);
}

static int kvm_stopped(struct vcpu *v, struct vcpu_exit *x)
{
	if (v->vm->stopping && v->vm->dump_on_stop)
		kvm_dump_state(v);
	x->reason = VX_INTR;
	return 0;
}

static int kvm_vcpu_run(struct vcpu *v, struct vcpu_exit *x)
{
	struct kvm_run *run = v->run;

	for (;;) {
		if (v->io_fault && kvm_io_fault(v)) {
			x->reason = VX_INTERNAL;
			snprintf(x->why, sizeof(x->why), "cannot raise exception %u on a port access: %s",
				 v->io_fault, strerror(errno));
			return 0;
		}
		if (v->vm->stopping)
			return kvm_stopped(v, x);
		if (ioctl(v->fd, KVM_RUN, 0)) {
			if (errno == EINTR || errno == EAGAIN)
				return kvm_stopped(v, x);
			return -1;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO: {
			uint8_t *d = (uint8_t *)run + run->io.data_offset;
			int w = run->io.direction == KVM_EXIT_IO_OUT;

			for (uint32_t i = 0; i < run->io.count; i++, d += run->io.size) {
				uint32_t val = 0;

				memcpy(&val, d, run->io.size);
				bus_io(v, run->io.port, w, &val, run->io.size);
				if (!w)
					memcpy(d, &val, run->io.size);
			}
			v->exits[VX_IO]++;
			continue;
		}
		case KVM_EXIT_MMIO: {
			uint64_t val = 0;

			memcpy(&val, run->mmio.data, run->mmio.len);
			bus_mmio(v, run->mmio.phys_addr, run->mmio.is_write, &val, run->mmio.len);
			if (!run->mmio.is_write)
				memcpy(run->mmio.data, &val, run->mmio.len);
			v->exits[VX_MMIO]++;
			continue;
		}
		case KVM_EXIT_IOAPIC_EOI:
		case KVM_EXIT_IRQ_WINDOW_OPEN:
		case KVM_EXIT_INTR:
			continue;
		case KVM_EXIT_HLT:
			x->reason = VX_HLT;
			return 0;
		case KVM_EXIT_SHUTDOWN:
			x->reason = VX_SHUTDOWN;
			return 0;
		case KVM_EXIT_FAIL_ENTRY:
			x->reason = VX_FAIL_ENTRY;
			snprintf(x->why, sizeof(x->why), "VM entry failed (hardware reason %#llx)",
				 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
			return 0;
		case KVM_EXIT_INTERNAL_ERROR:
			x->reason = VX_INTERNAL;
			snprintf(x->why, sizeof(x->why), "KVM internal error %u", run->internal.suberror);
			return 0;
		default:
			x->reason = VX_OTHER;
			snprintf(x->why, sizeof(x->why), "unexpected KVM exit %u", run->exit_reason);
			return 0;
		}
	}
}

static int kvm_get_regs(struct vcpu *v, struct nhv_regs *r)
{
	struct kvm_regs k;

	if (ioctl(v->fd, KVM_GET_REGS, &k))
		return -1;
	r->gpr[NHV_RAX] = k.rax;
	r->gpr[NHV_RCX] = k.rcx;
	r->gpr[NHV_RDX] = k.rdx;
	r->gpr[NHV_RBX] = k.rbx;
	r->gpr[NHV_RSP] = k.rsp;
	r->gpr[NHV_RBP] = k.rbp;
	r->gpr[NHV_RSI] = k.rsi;
	r->gpr[NHV_RDI] = k.rdi;
	r->gpr[NHV_R8] = k.r8;
	r->gpr[NHV_R9] = k.r9;
	r->gpr[NHV_R10] = k.r10;
	r->gpr[NHV_R11] = k.r11;
	r->gpr[NHV_R12] = k.r12;
	r->gpr[NHV_R13] = k.r13;
	r->gpr[NHV_R14] = k.r14;
	r->gpr[NHV_R15] = k.r15;
	r->rip = k.rip;
	r->rflags = k.rflags;
	return 0;
}

static int kvm_set_regs(struct vcpu *v, const struct nhv_regs *r)
{
	struct kvm_regs k = {
		.rax = r->gpr[NHV_RAX], .rcx = r->gpr[NHV_RCX], .rdx = r->gpr[NHV_RDX],
		.rbx = r->gpr[NHV_RBX], .rsp = r->gpr[NHV_RSP], .rbp = r->gpr[NHV_RBP],
		.rsi = r->gpr[NHV_RSI], .rdi = r->gpr[NHV_RDI], .r8 = r->gpr[NHV_R8],
		.r9 = r->gpr[NHV_R9], .r10 = r->gpr[NHV_R10], .r11 = r->gpr[NHV_R11],
		.r12 = r->gpr[NHV_R12], .r13 = r->gpr[NHV_R13], .r14 = r->gpr[NHV_R14],
		.r15 = r->gpr[NHV_R15], .rip = r->rip, .rflags = r->rflags,
	};

	return ioctl(v->fd, KVM_SET_REGS, &k);
}

/* nhv_segment.attrib is the VMCB layout: type:4 s:1 dpl:2 p:1 avl:1 l:1 db:1 g:1. */
static void seg_to_kvm(struct kvm_segment *k, const struct nhv_segment *s)
{
	k->base = s->base;
	k->limit = s->limit;
	k->selector = s->selector;
	k->type = s->attrib & 0xf;
	k->s = (s->attrib >> 4) & 1;
	k->dpl = (s->attrib >> 5) & 3;
	k->present = (s->attrib >> 7) & 1;
	k->avl = (s->attrib >> 8) & 1;
	k->l = (s->attrib >> 9) & 1;
	k->db = (s->attrib >> 10) & 1;
	k->g = (s->attrib >> 11) & 1;
	k->unusable = !k->present;
}

static void seg_from_kvm(struct nhv_segment *s, const struct kvm_segment *k)
{
	s->base = k->base;
	s->limit = k->limit;
	s->selector = k->selector;
	s->attrib = (uint16_t)((k->type & 0xf) | k->s << 4 | (k->dpl & 3) << 5 |
			       (k->unusable ? 0 : k->present) << 7 | k->avl << 8 | k->l << 9 |
			       k->db << 10 | k->g << 11);
}

static int kvm_get_sregs(struct vcpu *v, struct nhv_sregs *s)
{
	struct kvm_sregs k;

	if (ioctl(v->fd, KVM_GET_SREGS, &k))
		return -1;
	memset(s, 0, sizeof(*s));
	seg_from_kvm(&s->cs, &k.cs);
	seg_from_kvm(&s->ds, &k.ds);
	seg_from_kvm(&s->es, &k.es);
	seg_from_kvm(&s->fs, &k.fs);
	seg_from_kvm(&s->gs, &k.gs);
	seg_from_kvm(&s->ss, &k.ss);
	seg_from_kvm(&s->tr, &k.tr);
	seg_from_kvm(&s->ldtr, &k.ldt);
	s->gdt = (struct nhv_dtable){ k.gdt.base, k.gdt.limit, 0 };
	s->idt = (struct nhv_dtable){ k.idt.base, k.idt.limit, 0 };
	s->cr0 = k.cr0;
	s->cr2 = k.cr2;
	s->cr3 = k.cr3;
	s->cr4 = k.cr4;
	s->efer = k.efer;
	s->xcr0 = 1;
	return 0;
}

static int kvm_set_sregs(struct vcpu *v, const struct nhv_sregs *s)
{
	struct kvm_sregs k;

	if (ioctl(v->fd, KVM_GET_SREGS, &k))	/* keeps apic_base and cr8 */
		return -1;
	seg_to_kvm(&k.cs, &s->cs);
	seg_to_kvm(&k.ds, &s->ds);
	seg_to_kvm(&k.es, &s->es);
	seg_to_kvm(&k.fs, &s->fs);
	seg_to_kvm(&k.gs, &s->gs);
	seg_to_kvm(&k.ss, &s->ss);
	seg_to_kvm(&k.tr, &s->tr);
	seg_to_kvm(&k.ldt, &s->ldtr);
	k.tr.unusable = 0;
	k.gdt.base = s->gdt.base;
	k.gdt.limit = (uint16_t)s->gdt.limit;
	k.idt.base = s->idt.base;
	k.idt.limit = (uint16_t)s->idt.limit;
	k.cr0 = s->cr0;
	k.cr2 = s->cr2;
	k.cr3 = s->cr3;
	k.cr4 = s->cr4;
	k.efer = s->efer;
	memset(k.interrupt_bitmap, 0, sizeof(k.interrupt_bitmap));
	return ioctl(v->fd, KVM_SET_SREGS, &k);
}

/* A fixed interrupt as an MSI to the vCPU's APIC id, physical mode (SDM vol. 3A 11.11). */
static int kvm_interrupt(struct vcpu *v, uint8_t vector, int nmi)
{
	struct kvm_msi m = {
		.address_lo = (uint32_t)(GPA_LAPIC | (uint64_t)v->id << 12),
		.data = vector,
	};

	if (nmi)
		return ioctl(v->fd, KVM_NMI, 0);
	return ioctl(v->vm->vmfd, KVM_SIGNAL_MSI, &m) < 0 ? -1 : 0;
}

static uint64_t kvm_exits(struct vcpu *v)
{
	return v->exits[VX_IO] + v->exits[VX_MMIO];
}

static void kvm_destroy(struct vm *vm)
{
	struct kvm_priv *p = vm->accel_priv;

	if (p) {
		free(p->cpuid);
		free(p);
	}
	vm->accel_priv = NULL;
	vm_close_fds(vm);
}

const struct accel_ops accel_kvm = {
	.name = "kvm",
	.kernel_starts_aps = 1,
	.io_faults = 1,
	.create = kvm_create,
	.set_memory = kvm_set_memory,
	.set_io_exits = kvm_set_io_exits,
	.set_cpuid = kvm_set_cpuid,
	.vcpu_create = kvm_vcpu_create,
	.vcpu_run = kvm_vcpu_run,
	.get_regs = kvm_get_regs,
	.set_regs = kvm_set_regs,
	.get_sregs = kvm_get_sregs,
	.set_sregs = kvm_set_sregs,
	.interrupt = kvm_interrupt,
	.exits = kvm_exits,
	.vcpu_destroy = vcpu_close_run,
	.destroy = kvm_destroy,
};
