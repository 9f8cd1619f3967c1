/*
 * virtq.c - the split virtqueue walker (virtio 1.2 section 2.7; ring
 * layout 2.7.5-2.7.8, indirect descriptors 2.7.5.3, event index 2.7.7.2
 * and 2.7.10).
 *
 * Every guest field is loaded once through a volatile access; indices are
 * checked against the queue size, buffers against guest RAM via
 * vm_guest_ptr, and a chain may not hold more descriptors than the queue
 * size (2.7.5.3.1), which also ends loops.  Ordering: the available index
 * is read with acquire semantics before the entries it covers; a used
 * element is written before the used index (release); a full fence sits
 * between publishing the used index and reading the driver's
 * notification-suppression fields (2.7.7.2).
 */
#include "userland/nhv-vm/devices/virtq.h"

#include <string.h>

struct vdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

static uint16_t load16(const void *p)
{
	return __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED);
}

static uint16_t load16_acquire(const void *p)
{
	return __atomic_load_n((const uint16_t *)p, __ATOMIC_ACQUIRE);
}

/*
 * One descriptor, copied out of guest memory once (an indirect table may
 * be misaligned, hence the copy) and decoded from little endian.
 */
static void read_desc(const uint8_t *table, unsigned int i, struct vdesc *d)
{
	uint8_t b[16];

	memcpy(b, table + 16 * (size_t)i, sizeof(b));
	d->addr = 0;
	for (int k = 7; k >= 0; k--)
		d->addr = d->addr << 8 | b[k];
	d->len = (uint32_t)b[8] | (uint32_t)b[9] << 8 | (uint32_t)b[10] << 16 | (uint32_t)b[11] << 24;
	d->flags = (uint16_t)(b[12] | b[13] << 8);
	d->next = (uint16_t)(b[14] | b[15] << 8);
}

int virtq_setup(struct vm *vm, struct virtq *q, uint16_t num, const char **why)
{
	if (num == 0 || (num & (num - 1)) != 0) {
		*why = "queue size is not a power of 2";
		return -1;
	}
	if ((q->desc & 15) || (q->avail & 1) || (q->used & 3)) {
		*why = "ring address misaligned (descriptors 16, available 2, used 4 bytes)";
		return -1;
	}
	if (vm_guest_ptr(vm, q->desc, 16ull * num) == NULL ||
	    vm_guest_ptr(vm, q->avail, 6 + 2ull * num) == NULL ||
	    vm_guest_ptr(vm, q->used, 6 + 8ull * num) == NULL) {
		*why = "ring outside guest RAM";
		return -1;
	}
	q->num = num;
	q->last_avail = 0;
	q->used_idx = 0;
	q->signalled_used = 0;
	q->signalled_valid = 0;
	return 0;
}

/* Appends one buffer to the chain; -1 with why on a bad one. */
static int add_seg(struct vm *vm, struct virtq_chain *c, const struct vdesc *d, unsigned int max, const char **why)
{
	int writable = (d->flags & VIRTQ_DESC_F_WRITE) != 0;
	uint8_t *p;

	if (c->nout + c->nin >= max) {
		*why = "descriptor chain longer than the queue (a loop?)";
		return -1;
	}
	if (!writable && c->nin > 0) {
		*why = "device-readable descriptor after a device-writable one";
		return -1;
	}
	p = vm_guest_ptr(vm, d->addr, d->len);
	if (p == NULL) {
		*why = "descriptor buffer outside guest RAM";
		return -1;
	}
	c->seg[c->nout + c->nin] = (struct virtq_seg){ .ptr = p, .len = d->len };
	if (writable) {
		c->nin++;
		c->in_len += d->len;
	} else {
		c->nout++;
		c->out_len += d->len;
	}
	return 0;
}

/* Walks an indirect table (2.7.5.3): its own bounds, no nesting. */
static int walk_indirect(struct vm *vm, struct virtq *q, const struct vdesc *ind, struct virtq_chain *c,
			 const char **why)
{
	const uint8_t *table;
	unsigned int count, i, steps = 0;
	struct vdesc d;

	if (!q->indirect) {
		*why = "indirect descriptor without VIRTIO_RING_F_INDIRECT_DESC";
		return -1;
	}
	if (ind->flags & VIRTQ_DESC_F_NEXT) {
		*why = "indirect descriptor with NEXT set";
		return -1;
	}
	if (ind->len == 0 || ind->len % 16 != 0) {
		*why = "indirect table length not a non-zero multiple of 16";
		return -1;
	}
	count = ind->len / 16;
	if (count > q->num) {
		*why = "indirect table larger than the queue";
		return -1;
	}
	table = vm_guest_ptr(vm, ind->addr, ind->len);
	if (table == NULL) {
		*why = "indirect table outside guest RAM";
		return -1;
	}
	i = 0;
	for (;;) {
		read_desc(table, i, &d);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			*why = "indirect descriptor inside an indirect table";
			return -1;
		}
		if (add_seg(vm, c, &d, q->num, why) < 0)
			return -1;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		if (d.next >= count) {
			*why = "indirect next index beyond the table";
			return -1;
		}
		if (++steps >= count) {
			*why = "indirect chain longer than its table (a loop)";
			return -1;
		}
		i = d.next;
	}
}

int virtq_pop(struct vm *vm, struct virtq *q, struct virtq_chain *c, const char **why)
{
	const uint8_t *avail = vm_guest_ptr(vm, q->avail, 6 + 2ull * q->num);
	const uint8_t *table = vm_guest_ptr(vm, q->desc, 16ull * q->num);
	uint16_t avail_idx, head;
	unsigned int i, steps = 0;
	struct vdesc d;

	c->nout = c->nin = 0;
	c->out_len = c->in_len = 0;
	if (q->num == 0 || avail == NULL || table == NULL) {
		*why = "queue used before it was set up";
		return -1;
	}
	avail_idx = load16_acquire(avail + 2);
	if (avail_idx == q->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - q->last_avail) > q->num) {
		*why = "available index moved by more than the queue size";
		return -1;
	}
	head = load16(avail + 4 + 2 * (size_t)(q->last_avail % q->num));
	if (head >= q->num) {
		*why = "available ring names a descriptor beyond the queue";
		return -1;
	}
	q->last_avail++;
	c->head = head;
	i = head;
	for (;;) {
		read_desc(table, i, &d);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (c->nout + c->nin > 0) {
				*why = "indirect descriptor in the middle of a chain";
				return -1;
			}
			return walk_indirect(vm, q, &d, c, why) < 0 ? -1 : 1;
		}
		if (add_seg(vm, c, &d, q->num, why) < 0)
			return -1;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 1;
		if (d.next >= q->num) {
			*why = "next index beyond the queue";
			return -1;
		}
		if (++steps >= q->num) {
			*why = "descriptor chain longer than the queue (a loop)";
			return -1;
		}
		i = d.next;
	}
}

int virtq_push(struct vm *vm, struct virtq *q, uint16_t head, uint32_t written)
{
	uint8_t *used = vm_guest_ptr(vm, q->used, 6 + 8ull * q->num);
	volatile uint8_t *elem;

	if (q->num == 0 || used == NULL)
		return -1;
	elem = used + 4 + 8 * (size_t)(q->used_idx % q->num);
	*(volatile uint32_t *)elem = head;
	*(volatile uint32_t *)(elem + 4) = written;
	q->used_idx++;
	__atomic_store_n((uint16_t *)(used + 2), q->used_idx, __ATOMIC_RELEASE);
	return 0;
}

int virtq_need_interrupt(struct vm *vm, struct virtq *q)
{
	uint8_t *avail = vm_guest_ptr(vm, q->avail, 6 + 2ull * q->num);
	uint16_t old, event;
	int valid;

	if (q->num == 0 || avail == NULL)
		return 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* used index out before the driver's fields are read */
	if (!q->event_idx)
		return !(load16(avail) & VIRTQ_AVAIL_F_NO_INTERRUPT);
	event = load16(avail + 4 + 2 * (size_t)q->num);	/* used_event */
	old = q->signalled_used;
	valid = q->signalled_valid;
	q->signalled_used = q->used_idx;
	q->signalled_valid = 1;
	/* vring_need_event() of 2.7.10: did used_idx pass used_event since the last interrupt? */
	return !valid || (uint16_t)(q->used_idx - event - 1) < (uint16_t)(q->used_idx - old);
}

int virtq_more_after_notify_on(struct vm *vm, struct virtq *q)
{
	uint8_t *avail = vm_guest_ptr(vm, q->avail, 6 + 2ull * q->num);
	uint8_t *used = vm_guest_ptr(vm, q->used, 6 + 8ull * q->num);

	if (q->num == 0 || avail == NULL || used == NULL)
		return 0;
	if (q->event_idx)	/* avail_event sits after the used ring */
		__atomic_store_n((uint16_t *)(used + 4 + 8 * (size_t)q->num), q->last_avail, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return load16_acquire(avail + 2) != q->last_avail;
}
