/* loadervm.c - see loadervm.h. */
#include <stdlib.h>
#include <string.h>
#include "tests/nhv-vm/loadervm.h"

static struct loadervm *of(struct vcpu *v)
{
	return (struct loadervm *)v->vm;	/* vm is the first member */
}

static int get_sregs(struct vcpu *v, struct nhv_sregs *s)
{
	*s = of(v)->sregs;
	return 0;
}

static int set_sregs(struct vcpu *v, const struct nhv_sregs *s)
{
	of(v)->sregs = *s;
	return 0;
}

static int set_regs(struct vcpu *v, const struct nhv_regs *r)
{
	of(v)->regs = *r;
	return 0;
}

static const struct accel_ops fake_accel = {
	.name = "fake", .get_sregs = get_sregs, .set_sregs = set_sregs, .set_regs = set_regs,
};

void *vm_guest_ptr(struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (gpa + len < gpa || gpa + len > vm->low_size)
		return NULL;
	return vm->ram + gpa;
}

int loadervm_init(struct loadervm *l, uint64_t mib)
{
	memset(l, 0, sizeof(*l));
	l->cfg.memsize_mib = mib;
	l->cfg.numvcpus = 1;
	l->cfg.initrd = "initrd";
	l->vm.cfg = &l->cfg;
	l->vm.accel = &fake_accel;
	l->vm.ram_size = l->vm.low_size = mib << 20;
	l->vm.ram = calloc(1, l->vm.ram_size);
	l->vm.nvcpus = 1;
	l->vm.nvirtio = 1;
	l->vm.vcpus = &l->vcpu;
	l->vcpu.vm = &l->vm;
	return l->vm.ram ? 0 : -1;
}

void loadervm_free(struct loadervm *l)
{
	free(l->vm.ram);
	l->vm.ram = NULL;
}
