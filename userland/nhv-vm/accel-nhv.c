/*
 * accel-nhv.c - the nhv.ko backend: /dev/nhv (docs/abi.md).  nhv.ko keeps
 * the local APIC and its timer, HLT with interrupts on, CPUID and the
 * usual MSRs; user space sees chosen ports, MMIO, IPIs it must deliver,
 * HLT with interrupts off and the faults.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "userland/lib/nhvdev.h"
#include "userland/nhv-vm/vm.h"

static int nhv_create(struct vm *vm, char *why, size_t whylen)
{
	struct nhv_caps caps;
	int v;

	vm->sysfd = nhv_open(NULL, why, whylen);
	if (vm->sysfd < 0)
		return -1;
	v = ioctl(vm->sysfd, NHV_GET_API_VERSION, 0);
	if (v != NHV_API_VERSION) {
		snprintf(why, whylen, "/dev/nhv speaks API version %d, nhv-vm needs %d", v,
			 NHV_API_VERSION);
		return -1;
	}
	if (ioctl(vm->sysfd, NHV_GET_CAPS, &caps)) {
		snprintf(why, whylen, "NHV_GET_CAPS: %s", strerror(errno));
		return -1;
	}
	if (!(caps.flags & NHV_CAP_LAPIC) || !(caps.flags & (NHV_CAP_NPT | NHV_CAP_EPT))) {
		snprintf(why, whylen, "nhv.ko lacks %s", !(caps.flags & NHV_CAP_LAPIC) ?
			 "the in-kernel local APIC" : "nested paging (NPT/EPT)");
		return -1;
	}
	if (vm->nvcpus > caps.max_vcpus) {
		snprintf(why, whylen, "numvcpus %u is more than nhv.ko's %u", vm->nvcpus,
			 caps.max_vcpus);
		return -1;
	}
	vm->accel_priv = (void *)(uintptr_t)caps.run_size;
	/* The guest's TSC is L1's, whose rate nhv.ko knows: no measuring (cpuid.c). */
	if ((caps.flags & NHV_CAP_LAZY_MEMORY) && caps.tsc_khz && !vm->tsc_khz)
		vm->tsc_khz = caps.tsc_khz;
	vm->vmfd = ioctl(vm->sysfd, NHV_CREATE_VM, 0);
	if (vm->vmfd < 0) {
		snprintf(why, whylen, "NHV_CREATE_VM: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int nhv_set_memory(struct vm *vm, unsigned int slot, uint64_t gpa, uint64_t size, void *host)
{
	struct nhv_memory m = {
		.slot = slot, .guest_phys = gpa, .size = size, .user_addr = (uintptr_t)host,
	};

	return ioctl(vm->vmfd, NHV_SET_MEMORY, &m);
}

/* What nhv.ko holds for the VM: pinned guest pages, nested tables (status). */
static int nhv_mem_stats(struct vm *vm, struct nhv_vm_stats *st)
{
	memset(st, 0, sizeof(*st));
	return ioctl(vm->vmfd, NHV_GET_VM_STATS, st);
}

static int nhv_set_io_exits(struct vm *vm, const uint8_t *bitmap)
{
	static struct nhv_io_exits e;

	memcpy(e.bitmap, bitmap, sizeof(e.bitmap));
	return ioctl(vm->vmfd, NHV_SET_IO_EXITS, &e);
}

static int nhv_set_cpuid(struct vm *vm, const struct nhv_cpuid_entry *e, unsigned int n)
{
	struct nhv_cpuid_policy p = { .nent = n, .entries = (uintptr_t)e };

	return ioctl(vm->vmfd, NHV_SET_CPUID, &p);
}

static int nhv_vcpu_create(struct vcpu *v)
{
	size_t size = (size_t)(uintptr_t)v->vm->accel_priv;

	v->fd = ioctl(v->vm->vmfd, NHV_CREATE_VCPU, v->id);
	if (v->fd < 0)
		return -1;
	v->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		return -1;
	}
	v->run_size = size;
	return 0;
}

/* The previous exit's read result goes back into the run structure. */
static void complete(struct nhv_run *run, const struct vcpu_exit *x)
{
	if (run->exit_reason == NHV_EXIT_IO && run->io.direction == NHV_IO_IN)
		run->io.data = x->io.data;
	else if (run->exit_reason == NHV_EXIT_MMIO && !run->mmio.is_write)
		run->mmio.data = x->mmio.data;
	else if (run->exit_reason == NHV_EXIT_BACKDOOR)
		run->backdoor.fault = x->bd.fault;	/* the registers were edited in place */
}

static int nhv_vcpu_run(struct vcpu *v, struct vcpu_exit *x)
{
	struct nhv_run *run = v->run;

	complete(run, x);
	if (ioctl(v->fd, NHV_RUN, 0)) {
		if (errno == EINTR || errno == EAGAIN) {
			run->exit_reason = NHV_EXIT_INTR;
			x->reason = VX_INTR;
			return 0;
		}
		return -1;
	}
	switch (run->exit_reason) {
	case NHV_EXIT_IO:
		x->reason = VX_IO;
		x->io.port = run->io.port;
		x->io.size = run->io.size;
		x->io.is_write = run->io.direction == NHV_IO_OUT;
		x->io.data = run->io.data;
		break;
	case NHV_EXIT_MMIO:
		x->reason = VX_MMIO;
		x->mmio.gpa = run->mmio.phys;
		x->mmio.len = run->mmio.len;
		x->mmio.is_write = run->mmio.is_write;
		x->mmio.data = run->mmio.data;
		break;
	case NHV_EXIT_HLT:
		x->reason = VX_HLT;
		break;
	case NHV_EXIT_SHUTDOWN:
		x->reason = VX_SHUTDOWN;
		break;
	case NHV_EXIT_FAIL_ENTRY:
		x->reason = VX_FAIL_ENTRY;
		snprintf(x->why, sizeof(x->why), "VM entry failed (hardware reason %#llx)",
			 (unsigned long long)run->fail_entry.hardware_reason);
		break;
	case NHV_EXIT_INTERNAL:
		x->reason = VX_INTERNAL;
		snprintf(x->why, sizeof(x->why), "%s (data %#llx %#llx)",
			 run->internal.suberror == NHV_INTERNAL_UNHANDLED ? "unhandled exit" :
			 run->internal.suberror == NHV_INTERNAL_EMULATION ? "MMIO instruction nhv cannot decode" :
			 run->internal.suberror == NHV_INTERNAL_STRING_IO ? "string I/O outside RAM" :
			 run->internal.suberror == NHV_INTERNAL_DOUBLE_FAULT_LOOP ? "exception loop" :
			 "internal error",
			 (unsigned long long)run->internal.data[0],
			 (unsigned long long)run->internal.data[1]);
		break;
	case NHV_EXIT_INTR:
	case NHV_EXIT_IRQ_WINDOW:
	case NHV_EXIT_NONE:
		x->reason = VX_INTR;
		break;
	case NHV_EXIT_BACKDOOR:
		x->reason = VX_BACKDOOR;
		x->bd.gpr = run->backdoor.gpr;
		x->bd.kind = run->backdoor.kind;
		x->bd.size = run->backdoor.size;
		x->bd.cpl = run->backdoor.cpl;
		x->bd.port = run->backdoor.port;
		x->bd.fault = 0;
		break;
	case NHV_EXIT_IPI:
		x->reason = VX_IPI;
		x->ipi.icr_low = run->ipi.icr_low;
		x->ipi.icr_high = run->ipi.icr_high;
		break;
	default:
		x->reason = VX_OTHER;
		snprintf(x->why, sizeof(x->why), "unknown exit reason %u", run->exit_reason);
		break;
	}
	return 0;
}

static int nhv_set_backdoor(struct vm *vm, uint32_t flags)
{
	struct nhv_backdoor b = { .flags = flags };
	struct nhv_caps caps;

	if (ioctl(vm->sysfd, NHV_GET_CAPS, &caps))
		return -1;
	if (!(caps.flags & NHV_CAP_BACKDOOR)) {
		errno = ENOTSUP;
		return -1;
	}
	return ioctl(vm->vmfd, NHV_SET_BACKDOOR, &b);
}

static int nhv_get_regs(struct vcpu *v, struct nhv_regs *r)
{
	return ioctl(v->fd, NHV_GET_REGS, r);
}

static int nhv_set_regs(struct vcpu *v, const struct nhv_regs *r)
{
	return ioctl(v->fd, NHV_SET_REGS, r);
}

static int nhv_get_sregs(struct vcpu *v, struct nhv_sregs *s)
{
	return ioctl(v->fd, NHV_GET_SREGS, s);
}

static int nhv_set_sregs(struct vcpu *v, const struct nhv_sregs *s)
{
	return ioctl(v->fd, NHV_SET_SREGS, s);
}

static int nhv_interrupt(struct vcpu *v, uint8_t vector, int nmi)
{
	struct nhv_interrupt in = { .vector = nmi ? 0 : vector,
				    .flags = nmi ? NHV_INTR_NMI : NHV_INTR_APIC };

	return ioctl(v->fd, NHV_INTERRUPT, &in);
}

static uint64_t nhv_exits(struct vcpu *v)
{
	return v->run ? ((struct nhv_run *)v->run)->exits : 0;
}

const struct accel_ops accel_nhv = {
	.name = "nhv",
	.create = nhv_create,
	.set_memory = nhv_set_memory,
	.set_io_exits = nhv_set_io_exits,
	.mem_stats = nhv_mem_stats,
	.set_cpuid = nhv_set_cpuid,
	.vcpu_create = nhv_vcpu_create,
	.vcpu_run = nhv_vcpu_run,
	.get_regs = nhv_get_regs,
	.set_regs = nhv_set_regs,
	.get_sregs = nhv_get_sregs,
	.set_sregs = nhv_set_sregs,
	.interrupt = nhv_interrupt,
	.set_backdoor = nhv_set_backdoor,
	.exits = nhv_exits,
	.vcpu_destroy = vcpu_close_run,
	.destroy = vm_close_fds,
};
