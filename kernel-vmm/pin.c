// SPDX-License-Identifier: GPL-2.0
/*
 * pin.c - guest RAM pinned on demand.  NHV_SET_MEMORY only records a slot;
 * the first nested page fault (NPF, APM vol. 2 15.25.6; EPT violation, SDM
 * vol. 3 29.3.3) in a 2 MiB region of a slot pins that region's user pages
 * and maps them, and the guest runs the instruction again.  Kernel reads of
 * guest memory (instruction fetch, page walks, string I/O) pin the same way
 * (vm.c).  Nested entries only go from not present to present, and nothing
 * is unpinned before the VM is destroyed: a guest that touches 1 MiB of a
 * 64 MiB slot costs one region.  Neither vendor caches a not-present nested
 * translation (APM vol. 2 15.25.5; an EPT violation invalidates what was
 * cached for the address, SDM vol. 3 29.4.3.1), so a retry sees the entry.
 */
#define pr_fmt(fmt) "nhv: " fmt

#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "nhv_core.h"

#define REGION_SHIFT	21

/* The region of @s holding @gpa: its first page index and page count. */
static unsigned long region_of(struct nhv_slot *s, u64 gpa, unsigned long *idx,
			       unsigned long *n)
{
	u64 start = max(s->gpa, gpa & ~(SZ_2M - 1ULL));
	u64 end = min(s->gpa + s->size, (gpa & ~(SZ_2M - 1ULL)) + SZ_2M);

	*idx = (start - s->gpa) >> PAGE_SHIFT;
	*n = (end - start) >> PAGE_SHIFT;
	return (gpa >> REGION_SHIFT) - (s->gpa >> REGION_SHIFT);
}

/*
 * NHV_SET_MEMORY's check, without touching a page: [@uaddr, +@size) is
 * mapped readable and writable, by ordinary memory (no I/O or PFN maps).
 * What changes later (munmap, mprotect) shows at the first fault instead.
 */
int nhv_check_user_range(u64 uaddr, u64 size)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	u64 end = uaddr + size;
	int r = 0;

	mmap_read_lock(mm);
	while (uaddr < end) {
		vma = find_vma(mm, uaddr);
		if (!vma || vma->vm_start > uaddr ||
		    (vma->vm_flags & (VM_READ | VM_WRITE)) != (VM_READ | VM_WRITE) ||
		    (vma->vm_flags & (VM_IO | VM_PFNMAP))) {
			r = -EFAULT;
			break;
		}
		uaddr = vma->vm_end;
	}
	mmap_read_unlock(mm);
	return r;
}

int nhv_slot_pin_init(struct nhv_slot *s)
{
	s->nregions = ((s->gpa + s->size - 1) >> REGION_SHIFT) -
		      (s->gpa >> REGION_SHIFT) + 1;
	s->pinned = bitmap_zalloc(s->nregions, GFP_KERNEL_ACCOUNT);
	s->pages = kvcalloc(s->npages, sizeof(*s->pages), GFP_KERNEL_ACCOUNT);
	if (!s->pinned || !s->pages) {
		bitmap_free(s->pinned);
		kvfree(s->pages);
		s->pinned = NULL;
		s->pages = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* At VM destruction: every pinned region, dirty (the guest may have written). */
void nhv_slot_unpin_all(struct nhv_vm *vm, struct nhv_slot *s)
{
	unsigned long r, idx, n;

	if (!s->pinned)
		return;
	for_each_set_bit(r, s->pinned, s->nregions) {
		u64 gpa = ((s->gpa >> REGION_SHIFT) + r) << REGION_SHIFT;

		region_of(s, max(gpa, s->gpa), &idx, &n);
		unpin_user_pages_dirty_lock(s->pages + idx, n, true);
	}
	bitmap_free(s->pinned);
	kvfree(s->pages);
	s->pinned = NULL;
	s->pages = NULL;
}

/* Lockless: pages[] of the region are valid when this returns true. */
bool nhv_region_pinned(struct nhv_slot *s, u64 gpa)
{
	unsigned long idx, n;

	if (!test_bit(region_of(s, gpa, &idx, &n), s->pinned))
		return false;
	/* Pairs with the smp_wmb() in nhv_pin_gpa: pages[] before the bit. */
	smp_rmb();
	return true;
}

/*
 * Pin and map the region of RAM holding @gpa (may sleep).  0 when it is
 * pinned (by this call or an earlier one, maybe another vCPU's), -ENOENT
 * if @gpa is not RAM, else the error pinning gave (-ENOMEM, -EFAULT...).
 */
int nhv_pin_gpa(struct nhv_vm *vm, u64 gpa)
{
	struct nhv_slot *s = nhv_find_slot(vm, gpa);
	unsigned long r, idx, n, done = 0;
	long got;
	int err = 0;

	if (!s)
		return -ENOENT;
	if (nhv_region_pinned(s, gpa))
		return 0;
	/* The slot's addresses mean something only in the creator's mm. */
	if (current->mm != vm->mm)
		return -EFAULT;
	r = region_of(s, gpa, &idx, &n);
	mutex_lock(&vm->lock);
	/* Another vCPU may have pinned it while this one waited. */
	if (test_bit(r, s->pinned))
		goto out;
	while (done < n) {
		got = pin_user_pages_fast(s->uaddr + ((idx + done) << PAGE_SHIFT),
					  n - done, FOLL_WRITE | FOLL_LONGTERM,
					  s->pages + idx + done);
		if (got <= 0) {
			err = got ? got : -EFAULT;
			goto unpin;
		}
		done += got;
	}
	err = nhv_pt_map_range(vm, s, idx, n);
	if (err)
		goto unpin;
	WRITE_ONCE(vm->nr_pinned, vm->nr_pinned + n);
	WRITE_ONCE(vm->nr_regions, vm->nr_regions + 1);
	/* Pairs with the smp_rmb() in nhv_region_pinned. */
	smp_wmb();
	set_bit(r, s->pinned);
	goto out;
unpin:
	/* nhv_pt_map_range() writes no entry unless it can write them all. */
	unpin_user_pages(s->pages + idx, done);
	memset(s->pages + idx, 0, n * sizeof(*s->pages));
out:
	mutex_unlock(&vm->lock);
	return err;
}

/*
 * A nested page fault on RAM (exits.c): pin its region and run again.  A
 * fault on a region already pinned is retried once (another vCPU mapped it
 * after this one faulted); a second one at the same page means the nested
 * tables are wrong, which is reported and stops the VM.
 */
int nhv_fault_in(struct nhv_vcpu *v, struct nhv_exit *e)
{
	struct nhv_slot *s = nhv_find_slot(v->vm, e->gpa);
	u64 pt[NHV_PT_MAX_LEVELS];
	int r;

	if (!nhv_region_pinned(s, e->gpa)) {
		r = nhv_pin_gpa(v->vm, e->gpa);
		if (r) {
			pr_info_ratelimited("vcpu %u: cannot pin guest RAM at %#llx: error %d\n",
					    v->id, e->gpa, r);
			nhv_stop(v, NHV_INTERNAL_MEMORY, e->gpa, -r);
			return 1;
		}
		v->npf_retry_gfn = ~0ULL;
		return 0;
	}
	if (v->npf_retry_gfn != e->gpa >> PAGE_SHIFT) {
		v->npf_retry_gfn = e->gpa >> PAGE_SHIFT;
		return 0;
	}
	nhv_pt_describe(v->vm, e->gpa, pt);
	pr_err_ratelimited("nested fault on RAM at %#llx, error %#llx, entries %#llx %#llx %#llx %#llx %#llx\n",
			   e->gpa, e->info1, pt[0], pt[1], pt[2], pt[3], pt[4]);
	nhv_stop(v, NHV_INTERNAL_UNHANDLED, e->hw_code, e->gpa);
	return 1;
}

int nhv_get_vm_stats(struct nhv_vm *vm, void __user *up)
{
	struct nhv_vm_stats st;
	int i;

	if (copy_from_user(&st, up, sizeof(st)))
		return -EFAULT;
	if (st.flags || memchr_inv(st.reserved, 0, sizeof(st.reserved)))
		return -EINVAL;
	memset(&st, 0, sizeof(st));
	mutex_lock(&vm->lock);
	for (i = 0; i < NHV_MAX_MEM_SLOTS; i++) {
		if (!(vm->nslots_used & BIT(i)))
			continue;
		st.slots++;
		st.slot_pages += vm->slots[i].npages;
	}
	st.pages_pinned = vm->nr_pinned;
	st.regions_pinned = vm->nr_regions;
	st.pt_pages = vm->nr_pt_pages;
	mutex_unlock(&vm->lock);
	if (copy_to_user(up, &st, sizeof(st)))
		return -EFAULT;
	return 0;
}
