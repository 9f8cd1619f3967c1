// SPDX-License-Identifier: GPL-2.0
/*
 * mmu.c - nested page tables (AMD NPT, Intel EPT), written once for both:
 * levels of 512 entries indexed by guest-physical bits (56:48,) 47:39,
 * 38:30, 29:21 and 20:12 (APM vol. 2 15.25.5; SDM vol. 3 29.3.2).  NPT
 * walks as many levels as the host's own paging: five when the host runs
 * with LA57.  The backend gives the entry formats.  Ranges are mapped as
 * pin.c pins them; a 2 MiB leaf is used where a slot's guest range and its
 * pinned pages are both 2 MiB aligned and physically contiguous.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/io.h>
#include <linux/mem_encrypt.h>
#include "nhv_core.h"

#define PT_ENTRIES	512
#define LEVEL_SHIFT(l)	(PAGE_SHIFT + 9 * ((l) - 1))
#define PT_INDEX(gpa, l) (((gpa) >> LEVEL_SHIFT(l)) & (PT_ENTRIES - 1))

int nhv_pt_init(struct nhv_vm *vm)
{
	vm->pt_root = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vm->pt_root)
		return -ENOMEM;
	vm->nr_pt_pages = 1;
	return 0;
}

static void pt_free_table(u64 *table, int level)
{
	int i;

	if (level > 1) {
		for (i = 0; i < PT_ENTRIES; i++) {
			u64 e = table[i];

			/* Level 2 entries may be 2 MiB leaves, not tables. */
			if (!nhv_ops->pt_present(e) ||
			    (level == 2 && (e & BIT_ULL(7))))
				continue;
			pt_free_table(__va(nhv_ops->pt_addr(e)), level - 1);
		}
	}
	free_page((unsigned long)table);
}

void nhv_pt_free(struct nhv_vm *vm)
{
	if (vm->pt_root)
		pt_free_table(vm->pt_root, nhv_ops->pt_levels);
	vm->pt_root = NULL;
}

/*
 * The table at @level that covers @gpa, allocating tables on the way if
 * @alloc.  NULL if a table is missing (and !@alloc) or out of memory.
 */
static u64 *pt_walk(struct nhv_vm *vm, u64 gpa, int level, bool alloc)
{
	u64 *table = vm->pt_root;
	int l;

	for (l = nhv_ops->pt_levels; l > level; l--) {
		u64 *e = &table[PT_INDEX(gpa, l)];

		if (!nhv_ops->pt_present(*e)) {
			u64 *next;

			if (!alloc)
				return NULL;
			next = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
			if (!next)
				return NULL;
			vm->nr_pt_pages++;
			/* Publish the zeroed table before the entry. */
			smp_wmb();
			WRITE_ONCE(*e, nhv_ops->pt_table(__sme_set(__pa(next))));
		}
		table = __va(nhv_ops->pt_addr(*e));
	}
	return table;
}

static bool slot_run_is_2m(struct nhv_slot *s, unsigned long idx)
{
	u64 gpa = s->gpa + ((u64)idx << PAGE_SHIFT);
	unsigned long pfn = page_to_pfn(s->pages[idx]);
	unsigned long i;

	if (!IS_ALIGNED(gpa, SZ_2M) || idx + 512 > s->npages ||
	    !IS_ALIGNED(pfn, 512))
		return false;
	for (i = 1; i < 512; i++)
		if (page_to_pfn(s->pages[idx + i]) != pfn + i)
			return false;
	return true;
}

/*
 * Map pages [@idx, @idx + @n) of @s, all pinned (pin.c).  Pass 1 allocates
 * every table (and may fail); pass 2 writes the leaves.
 */
int nhv_pt_map_range(struct nhv_vm *vm, struct nhv_slot *s, unsigned long idx,
		     unsigned long n)
{
	unsigned long i, step;
	int pass;

	for (pass = 1; pass <= 2; pass++) {
		for (i = idx; i < idx + n; i += step) {
			u64 gpa = s->gpa + ((u64)i << PAGE_SHIFT);
			bool big = i + 512 <= idx + n && slot_run_is_2m(s, i);
			int level = big ? 2 : 1;
			u64 *t = pt_walk(vm, gpa, level, pass == 1);

			step = big ? 512 : 1;
			if (!t)
				return -ENOMEM;
			if (pass == 2)
				WRITE_ONCE(t[PT_INDEX(gpa, level)],
					   nhv_ops->pt_leaf(__sme_set(page_to_phys(s->pages[i])),
							    level));
		}
	}
	return 0;
}

/* For reports: the nested entries on the way to @gpa, root first. */
void nhv_pt_describe(struct nhv_vm *vm, u64 gpa, u64 out[NHV_PT_MAX_LEVELS])
{
	u64 *table = vm->pt_root;
	int l;

	memset(out, 0, NHV_PT_MAX_LEVELS * sizeof(u64));
	for (l = nhv_ops->pt_levels; l >= 1 && table; l--) {
		u64 e = READ_ONCE(table[PT_INDEX(gpa, l)]);

		out[nhv_ops->pt_levels - l] = e;
		if (!nhv_ops->pt_present(e) || l == 1 || (l == 2 && (e & BIT_ULL(7))))
			break;
		table = __va(nhv_ops->pt_addr(e));
	}
}
