/*
 * vring.h - a test driver's side of a split virtqueue in the fake VM's
 * RAM: descriptors written field by field, the available ring, and reads
 * of the used ring.  For the virtq and virtio device tests.
 */
#ifndef NHV_TEST_VRING_H
#define NHV_TEST_VRING_H

#include "tests/nhv-vm/fakevm.h"

#include <string.h>

#define VR_DESC		0x1000ull
#define VR_AVAIL	0x3000ull
#define VR_USED		0x4000ull
#define VR_BUF		0x10000ull

static inline void vr_put(struct vm *vm, uint64_t gpa, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		vm->ram[gpa + i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t vr_get(struct vm *vm, uint64_t gpa, int bytes)
{
	uint64_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | vm->ram[gpa + i];
	return v;
}

/* Descriptor i of the table at table. */
static inline void vr_desc(struct vm *vm, uint64_t table, unsigned int i, uint64_t addr, uint32_t len,
			   uint16_t flags, uint16_t next)
{
	vr_put(vm, table + 16 * i, addr, 8);
	vr_put(vm, table + 16 * i + 8, len, 4);
	vr_put(vm, table + 16 * i + 12, flags, 2);
	vr_put(vm, table + 16 * i + 14, next, 2);
}

/* Puts head in the available ring of a queue of size num and bumps its index. */
static inline void vr_avail(struct vm *vm, unsigned int num, uint16_t head)
{
	uint16_t idx = (uint16_t)vr_get(vm, VR_AVAIL + 2, 2);

	vr_put(vm, VR_AVAIL + 4 + 2 * (idx % num), head, 2);
	vr_put(vm, VR_AVAIL + 2, (uint16_t)(idx + 1), 2);
}

static inline uint16_t vr_used_idx(struct vm *vm)
{
	return (uint16_t)vr_get(vm, VR_USED + 2, 2);
}

/* Used element i (mod num): id and len. */
static inline void vr_used(struct vm *vm, unsigned int num, uint16_t i, uint32_t *id, uint32_t *len)
{
	*id = (uint32_t)vr_get(vm, VR_USED + 4 + 8 * (i % num), 4);
	*len = (uint32_t)vr_get(vm, VR_USED + 4 + 8 * (i % num) + 4, 4);
}

#endif
