/*
 * fuzz-virtq.c - libFuzzer target for the split-ring walker.  The input is
 * a queue set-up (size, features, starting index) followed by guest RAM
 * holding the descriptor table at 0, the available ring at 0x1000 and the
 * used ring at 0x2000.  Every chain taken must lie inside RAM and hold no
 * more descriptors than the queue size; nothing may crash, hang or leak.
 *
 *   byte 0: log2 of the queue size (mod 9: 1..256)   byte 1: bit 0 indirect, bit 1 event index
 *   bytes 2-3: starting index (little endian)         bytes 4-: RAM image (64 KiB, rest zero)
 */
#include "tests/nhv-vm/fakevm.h"
#include "userland/nhv-vm/devices/virtq.h"

#include <stdlib.h>
#include <string.h>

#define RAM (64u << 10)

static void check_chain(struct vm *vm, const struct virtq *q, const struct virtq_chain *c)
{
	uint64_t out = 0, in = 0;

	if (c->nout + c->nin > q->num || c->head >= q->num)
		__builtin_trap();
	for (unsigned int i = 0; i < c->nout + c->nin; i++) {
		if (c->seg[i].ptr < vm->ram || c->seg[i].ptr + c->seg[i].len > vm->ram + RAM)
			__builtin_trap();
		if (i < c->nout)
			out += c->seg[i].len;
		else
			in += c->seg[i].len;
	}
	if (out != c->out_len || in != c->in_len)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vm *vm;
	static struct virtq_seg seg[256];
	struct virtq_chain c = { .seg = seg };
	struct virtq q = { .desc = 0, .avail = 0x1000, .used = 0x2000 };
	const char *why;
	uint16_t start;

	if (size < 4)
		return 0;
	if (vm == NULL)
		vm = fake_vm_new(RAM);
	memset(vm->ram, 0, RAM);
	memcpy(vm->ram, data + 4, size - 4 < RAM ? size - 4 : RAM);
	q.indirect = data[1] & 1;
	q.event_idx = (data[1] >> 1) & 1;
	if (virtq_setup(vm, &q, (uint16_t)(1u << (data[0] % 9)), &why) < 0)
		__builtin_trap();	/* the fixed layout always fits */
	start = (uint16_t)(data[2] | data[3] << 8);
	q.last_avail = q.used_idx = start;
	for (unsigned int round = 0; round < 2u * q.num + 2; round++) {
		int r = virtq_pop(vm, &q, &c, &why);

		if (r <= 0)
			break;
		check_chain(vm, &q, &c);
		if (virtq_push(vm, &q, c.head, (uint32_t)c.in_len) < 0)
			__builtin_trap();
	}
	(void)virtq_need_interrupt(vm, &q);
	(void)virtq_more_after_notify_on(vm, &q);
	return 0;
}
