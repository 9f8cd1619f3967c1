/*
 * fuzz-cpuid-mask.c - libFuzzer target for the CPUID mask parser: input is
 * 'V' (VMware) or 'X' (Xen), the key up to a newline, then the value.  Any
 * input parses into entries that hold the invariants, or fails naming the
 * key and leaving the list as it was.
 */
#include <stdlib.h>
#include <string.h>
#include "userland/nhv-vm/cpuid-mask.h"

static struct cpuid_mask_list list;

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *buf, *key, *value, *nl, err[256];
	unsigned int before, i;
	int r;

	if (size < 2 || size > 20000)
		return 0;
	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = 0;
	key = buf;
	nl = strchr(buf, '\n');
	value = nl ? nl + 1 : buf + strlen(buf);
	if (nl)
		*nl = 0;
	/* Keep earlier entries sometimes, to fill the list up to its limit. */
	if (list.n > CPUID_MASK_MAX - 4 || (data[0] & 0x80))
		cpuid_mask_init(&list);
	before = list.n;
	if ((data[0] & 0x7f) == 'V')
		r = cpuid_mask_vmware(&list, key, value, err, sizeof(err));
	else
		r = cpuid_mask_xen(&list, key, value, err, sizeof(err));
	if (r) {
		if (list.n != before || strncmp(err, key, strlen(key) < 100 ? strlen(key) : 100))
			abort();
	} else {
		if (list.n < before || list.n > CPUID_MASK_MAX)
			abort();
		for (i = before; i < list.n; i++) {
			const struct cpuid_mask *m = &list.m[i];

			if (m->e.reg > 3 || m->e.flags || (m->e.or_mask & m->e.and_mask) ||
			    m->changed != ~m->e.and_mask || !m->key[0] ||
			    !memchr(m->key, 0, sizeof(m->key)))
				abort();
			if (m->changed && !cpuid_mask_who(&list, m->vendor, m->e.leaf,
							  m->e.subleaf, m->e.reg,
							  __builtin_ctz(m->changed)))
				abort();
		}
	}
	free(buf);
	return 0;
}
