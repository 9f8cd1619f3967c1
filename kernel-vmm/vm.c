// SPDX-License-Identifier: GPL-2.0
/*
 * vm.c - the VM file descriptor: guest memory backed by user pages (pinned
 * on first use, pin.c), the ports that exit to user space, vCPU creation.
 * Memory slots are set once and live as long as the VM, so nested page
 * tables only ever gain entries while vCPUs run.
 */
#define pr_fmt(fmt) "nhv: " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/uaccess.h>
#include "nhv_core.h"

static void nhv_vm_free(struct kref *ref)
{
	struct nhv_vm *vm = container_of(ref, struct nhv_vm, ref);
	int i;

	nhv_ops->vm_destroy(vm);
	nhv_pt_free(vm);
	for (i = 0; i < NHV_MAX_MEM_SLOTS; i++)
		nhv_slot_unpin_all(vm, &vm->slots[i]);
	mmdrop(vm->mm);
	kfree(rcu_dereference_protected(vm->cpuid, 1));
	bitmap_free(vm->io_exits);
	kfree(vm);
}

void nhv_vm_put(struct nhv_vm *vm)
{
	kref_put(&vm->ref, nhv_vm_free);
}

/* Slots never change once set: a lockless lookup is safe. */
struct nhv_slot *nhv_find_slot(struct nhv_vm *vm, u64 gpa)
{
	/* Pairs with the release in nhv_set_memory: the slot is complete. */
	u32 used = smp_load_acquire(&vm->nslots_used);
	int i;

	for (i = 0; i < NHV_MAX_MEM_SLOTS; i++) {
		struct nhv_slot *s = &vm->slots[i];

		if ((used & BIT(i)) && gpa >= s->gpa && gpa - s->gpa < s->size)
			return s;
	}
	return NULL;
}

/*
 * Copy between guest RAM and BUF; -EFAULT if any byte is not RAM.  With
 * @may_pin (the caller may sleep) a region not yet pinned is pinned first;
 * without, it gives -EAGAIN.
 */
static int nhv_copy_guest_phys(struct nhv_vm *vm, u64 gpa, void *buf,
			       size_t len, bool write, bool may_pin)
{
	while (len) {
		struct nhv_slot *s = nhv_find_slot(vm, gpa);
		size_t off = offset_in_page(gpa);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);
		void *p;
		int r;

		if (!s)
			return -EFAULT;
		if (!nhv_region_pinned(s, gpa)) {
			if (!may_pin)
				return -EAGAIN;
			r = nhv_pin_gpa(vm, gpa);
			if (r)
				return r;
		}
		p = kmap_local_page(s->pages[(gpa - s->gpa) >> PAGE_SHIFT]);
		if (write)
			memcpy(p + off, buf, n);
		else
			memcpy(buf, p + off, n);
		kunmap_local(p);
		buf += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

int nhv_read_guest_phys(struct nhv_vm *vm, u64 gpa, void *buf, size_t len)
{
	return nhv_copy_guest_phys(vm, gpa, buf, len, false, true);
}

/* From atomic context: only RAM already pinned, else -EAGAIN. */
int nhv_read_guest_phys_pinned(struct nhv_vm *vm, u64 gpa, void *buf, size_t len)
{
	return nhv_copy_guest_phys(vm, gpa, buf, len, false, false);
}

/* Slot pages are unpinned dirty (nhv_vm_free), so the write is never lost. */
int nhv_write_guest_phys(struct nhv_vm *vm, u64 gpa, const void *buf, size_t len)
{
	return nhv_copy_guest_phys(vm, gpa, (void *)buf, len, true, true);
}

static int nhv_set_memory(struct nhv_vm *vm, const void __user *up)
{
	struct nhv_memory m;
	struct nhv_slot *s;
	int i, r;

	if (copy_from_user(&m, up, sizeof(m)))
		return -EFAULT;
	if (m.flags || m.slot >= NHV_MAX_MEM_SLOTS)
		return -EINVAL;
	if (!m.size || !PAGE_ALIGNED(m.size) || !PAGE_ALIGNED(m.guest_phys) ||
	    !PAGE_ALIGNED(m.user_addr))
		return -EINVAL;
	if (m.size > NHV_MAX_GUEST_PHYS ||
	    m.guest_phys > NHV_MAX_GUEST_PHYS - m.size)
		return -ERANGE;
	if (m.user_addr + m.size < m.user_addr ||
	    !access_ok((void __user *)(unsigned long)m.user_addr, m.size) ||
	    nhv_check_user_range(m.user_addr, m.size))
		return -EFAULT;

	mutex_lock(&vm->lock);
	r = -EEXIST;
	if (vm->nslots_used & BIT(m.slot))
		goto out;
	for (i = 0; i < NHV_MAX_MEM_SLOTS; i++) {
		struct nhv_slot *o = &vm->slots[i];

		if (!(vm->nslots_used & BIT(i)))
			continue;
		if (m.guest_phys < o->gpa + o->size &&
		    o->gpa < m.guest_phys + m.size)
			goto out;
	}
	s = &vm->slots[m.slot];
	s->gpa = m.guest_phys;
	s->size = m.size;
	s->uaddr = m.user_addr;
	s->npages = m.size >> PAGE_SHIFT;
	/* Nothing is pinned here: the first fault in a region pins it (pin.c). */
	r = nhv_slot_pin_init(s);
	if (r) {
		memset(s, 0, sizeof(*s));
		goto out;
	}
	/* Publish the slot only once it is filled in. */
	smp_store_release(&vm->nslots_used, vm->nslots_used | BIT(m.slot));
out:
	mutex_unlock(&vm->lock);
	return r;
}

static int nhv_set_io_exits(struct nhv_vm *vm, const void __user *up)
{
	unsigned long *b = bitmap_alloc(65536, GFP_KERNEL_ACCOUNT);
	int i;

	if (!b)
		return -ENOMEM;
	if (copy_from_user(b, up, 65536 / 8)) {
		bitmap_free(b);
		return -EFAULT;
	}
	/* Readers test single bits; a word-by-word copy is enough. */
	for (i = 0; i < BITS_TO_LONGS(65536); i++)
		WRITE_ONCE(vm->io_exits[i], b[i]);
	bitmap_free(b);
	return 0;
}

static long nhv_vm_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct nhv_vm *vm = f->private_data;
	void __user *up = (void __user *)arg;

	switch (cmd) {
	case NHV_SET_MEMORY:
		return nhv_set_memory(vm, up);
	case NHV_SET_CPUID:
		return nhv_set_cpuid(vm, up);
	case NHV_SET_IO_EXITS:
		return nhv_set_io_exits(vm, up);
	case NHV_CREATE_VCPU:
		return nhv_create_vcpu(vm, arg);
	case NHV_SET_BACKDOOR:
		return nhv_set_backdoor(vm, up);
	case NHV_GET_VM_STATS:
		return nhv_get_vm_stats(vm, up);
	default:
		return -ENOTTY;
	}
}

static int nhv_vm_release(struct inode *inode, struct file *f)
{
	nhv_vm_put(f->private_data);
	return 0;
}

static const struct file_operations nhv_vm_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = nhv_vm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = nhv_vm_release,
	.llseek = noop_llseek,
};

long nhv_create_vm(void)
{
	struct nhv_vm *vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	int r;

	if (!vm)
		return -ENOMEM;
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	vm->io_exits = bitmap_zalloc(65536, GFP_KERNEL_ACCOUNT);
	if (!vm->io_exits) {
		kfree(vm);
		return -ENOMEM;
	}
	vm->mm = current->mm;
	mmgrab(vm->mm);
	r = nhv_pt_init(vm);
	if (r)
		goto free;
	r = nhv_ops->vm_init(vm);
	if (r)
		goto free_pt;
	r = anon_inode_getfd("nhv-vm", &nhv_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (r < 0)
		goto destroy;
	return r;
destroy:
	nhv_ops->vm_destroy(vm);
free_pt:
	nhv_pt_free(vm);
free:
	mmdrop(vm->mm);
	bitmap_free(vm->io_exits);
	kfree(vm);
	return r;
}
