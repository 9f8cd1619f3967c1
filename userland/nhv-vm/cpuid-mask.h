/*
 * cpuid-mask.h - CPUID masks from guest configs, as /dev/nhv policy entries.
 *
 * Two syntaxes (docs/vm-config.md):
 *   VMware .vmx   cpuid.<leaf>[.<subleaf>].<reg>[.amd|.intel] = "<32 characters>"
 *                 leaf and subleaf in hex (0x optional), bit 31 first, optionally
 *                 grouped by four with ':' (39 characters).  Characters:
 *                   0 force 0   1 force 1   - default (host value)   H host value
 *                   R host value, which must be 1   X ignored (host value)
 *   Xen xl.cfg    cpuid = [ 'leaf[,subleaf]:reg=bits[,reg=bits]', ... ]
 *                 bits: 32 characters, bit 31 first:
 *                   0 force 0   1 force 1   x default   k host value   s host value, kept
 *                 cpuid = "host,feature=0|1|x|k|s,..." (libxl's names, leaves 1,
 *                 7.0 and 0x80000001).
 * Each parsed register becomes one entry: (base & and_mask) | or_mask, as
 * struct nhv_cpuid_entry.  The entry remembers the key that made it, so a
 * later listing can say which key changed each bit.  Pure: no I/O, no
 * allocation; errors name the key and the 1-based column of the bad
 * character in the value (the caller adds FILE:LINE).
 */
#ifndef NHV_VM_CPUID_MASK_H
#define NHV_VM_CPUID_MASK_H

#include <stddef.h>
#include <stdint.h>
#include "kernel-vmm/include/uapi/nhv.h"

#define CPUID_MASK_MAX		NHV_MAX_CPUID_ENTRIES
#define CPUID_MASK_KEY_MAX	64

enum cpuid_vendor { CPUID_ANY_VENDOR, CPUID_AMD, CPUID_INTEL };

struct cpuid_mask {
	struct nhv_cpuid_entry e;	/* leaf, subleaf, reg, flags 0, and_mask, or_mask */
	uint32_t changed;		/* bits forced to 0 or 1 */
	uint32_t require1;		/* VMware 'R': the host must have these set */
	enum cpuid_vendor vendor;	/* applies to this vendor only (.amd/.intel) */
	char key[CPUID_MASK_KEY_MAX];	/* the key that made it, e.g. "cpuid.1.ecx" */
};

struct cpuid_mask_list {
	unsigned int n;
	struct cpuid_mask m[CPUID_MASK_MAX];
};

void cpuid_mask_init(struct cpuid_mask_list *l);

/* 1 if KEY is a VMware cpuid.* mask key (case-insensitive), else 0. */
int cpuid_mask_is_vmware_key(const char *key);

/* Add the VMware mask KEY = VALUE.  0, or -1 with ERR "KEY: ... (column N)". */
int cpuid_mask_vmware(struct cpuid_mask_list *l, const char *key, const char *value,
		      char *err, size_t errlen);

/*
 * Add Xen's `KEY = VALUE` (KEY is "cpuid"; VALUE the whole right-hand side:
 * a [ ... ] list of quoted strings, or one quoted libxl string).  All or
 * nothing: on error the list is as it was.
 */
int cpuid_mask_xen(struct cpuid_mask_list *l, const char *key, const char *value,
		   char *err, size_t errlen);

/* The key that last forced BIT of LEAF.SUBLEAF REG for VENDOR, or NULL. */
const char *cpuid_mask_who(const struct cpuid_mask_list *l, enum cpuid_vendor vendor,
			   uint32_t leaf, uint32_t subleaf, uint32_t reg, int bit);

/* The entries that apply to VENDOR, in order, into OUT; how many (<= MAX). */
unsigned int cpuid_mask_policy(const struct cpuid_mask_list *l, enum cpuid_vendor vendor,
			       struct nhv_cpuid_entry *out, unsigned int max);

#endif
