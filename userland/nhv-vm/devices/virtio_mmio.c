/*
 * virtio_mmio.c - the virtio MMIO transport, version 2 (virtio 1.2
 * section 4.2.2), little endian.  Modern devices only: VIRTIO_F_VERSION_1
 * is always offered and must be accepted (Linux refuses version 2 devices
 * without it).  No legacy version 1 registers, no shared memory regions,
 * no queue reset, no notification data.
 *
 * Queue work runs on the vCPU thread that writes QueueNotify, under the
 * transport's lock, or on a device's own thread through virtio_mmio_kick
 * (virtio-net's receive side), under the same lock.  A ring the guest breaks sets DEVICE_NEEDS_RESET
 * (section 2.1.2) with a config-change interrupt and a log line; the
 * device then ignores notifications until the driver resets it.
 */
#include "userland/nhv-vm/devices/virtio_mmio.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define REG_MAGIC		0x000
#define REG_VERSION		0x004
#define REG_DEVICE_ID		0x008
#define REG_VENDOR_ID		0x00c
#define REG_DEVICE_FEATURES	0x010
#define REG_DEVICE_FEATURES_SEL	0x014
#define REG_DRIVER_FEATURES	0x020
#define REG_DRIVER_FEATURES_SEL	0x024
#define REG_QUEUE_SEL		0x030
#define REG_QUEUE_NUM_MAX	0x034
#define REG_QUEUE_NUM		0x038
#define REG_QUEUE_READY		0x044
#define REG_QUEUE_NOTIFY	0x050
#define REG_INTERRUPT_STATUS	0x060
#define REG_INTERRUPT_ACK	0x064
#define REG_STATUS		0x070
#define REG_QUEUE_DESC_LOW	0x080
#define REG_QUEUE_DESC_HIGH	0x084
#define REG_QUEUE_DRIVER_LOW	0x090
#define REG_QUEUE_DRIVER_HIGH	0x094
#define REG_QUEUE_DEVICE_LOW	0x0a0
#define REG_QUEUE_DEVICE_HIGH	0x0a4
#define REG_SHM_SEL		0x0ac
#define REG_SHM_LEN_LOW		0x0b0
#define REG_SHM_BASE_HIGH	0x0bc
#define REG_CONFIG_GENERATION	0x0fc
#define REG_CONFIG		0x100

#define MAGIC		0x74726976	/* "virt" */
#define VENDOR		0x4e485620	/* "NHV " */

#define S_ACKNOWLEDGE	1
#define S_DRIVER	2
#define S_DRIVER_OK	4
#define S_FEATURES_OK	8
#define S_NEEDS_RESET	64
#define S_FAILED	128

#define INT_VRING	1
#define INT_CONFIG	2

/* A queue stuck at more work than this many rounds per notify is the guest's loop, not ours. */
#define MAX_NOTIFY_ROUNDS 1024

struct vqueue {
	struct virtq vq;
	uint16_t num;		/* QueueNum as written */
	int ready;
	unsigned int pushed;	/* chains returned since the last interrupt check */
};

struct virtio_mmio {
	struct vm *vm;
	pthread_mutex_t lock;
	unsigned int gsi;
	const struct virtio_dev_ops *ops;
	void *dev;
	uint64_t offered, driver_features;
	uint32_t dev_feat_sel, drv_feat_sel, queue_sel;
	uint32_t status, isr;
	int irq_level;
	struct vqueue q[VIRTIO_MMIO_MAX_QUEUES];
};

static void update_irq(struct virtio_mmio *t)
{
	int level = t->isr != 0;

	if (level != t->irq_level) {
		t->irq_level = level;
		vm_set_irq(t->vm, t->gsi, level);
	}
}

void virtio_mmio_fail(struct virtio_mmio *t, const char *why)
{
	vm_log_guest_error(t->vm, t->ops->name, "%s; device needs reset", why);
	if (t->status & S_NEEDS_RESET)
		return;
	t->status |= S_NEEDS_RESET;
	if (t->status & S_DRIVER_OK) {
		t->isr |= INT_CONFIG;	/* section 2.1.2: tell the driver */
		update_irq(t);
	}
}

int virtio_mmio_arm(struct virtio_mmio *t, unsigned int q)
{
	return virtq_more_after_notify_on(t->vm, &t->q[q].vq);
}

int virtio_mmio_has_feature(const struct virtio_mmio *t, unsigned int bit)
{
	return bit < 64 && (t->driver_features >> bit & 1);
}

int virtio_mmio_pop(struct virtio_mmio *t, unsigned int q, struct virtq_chain *c)
{
	const char *why = NULL;
	int r;

	if (t->status & S_NEEDS_RESET)
		return -1;
	r = virtq_pop(t->vm, &t->q[q].vq, c, &why);
	if (r < 0) {
		char msg[160];

		snprintf(msg, sizeof(msg), "queue %u: %s", q, why);
		virtio_mmio_fail(t, msg);
	}
	return r;
}

void virtio_mmio_push(struct virtio_mmio *t, unsigned int q, uint16_t head, uint32_t written)
{
	if (virtq_push(t->vm, &t->q[q].vq, head, written) < 0) {
		virtio_mmio_fail(t, "used ring outside guest RAM");
		return;
	}
	t->q[q].pushed++;
}

static void reset_locked(struct virtio_mmio *t)
{
	t->driver_features = 0;
	t->dev_feat_sel = t->drv_feat_sel = t->queue_sel = 0;
	t->status = 0;
	t->isr = 0;
	for (unsigned int i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
		t->q[i] = (struct vqueue){ .num = 0 };
	update_irq(t);
}

static void vm_reset_hook(void *arg)
{
	struct virtio_mmio *t = arg;

	pthread_mutex_lock(&t->lock);
	reset_locked(t);
	pthread_mutex_unlock(&t->lock);
}

/* Runs fn on queue qi as a notification does; 0 when the queue is not live. */
static int run_queue(struct virtio_mmio *t, uint32_t qi,
		     void (*fn)(void *dev, struct virtio_mmio *t, unsigned int q))
{
	struct vqueue *q;
	unsigned int rounds = 0;

	if (qi >= t->ops->nqueues || !t->q[qi].ready || !(t->status & S_DRIVER_OK) ||
	    (t->status & S_NEEDS_RESET))
		return 0;	/* section 4.2.3.3: nothing to do yet, or a broken device */
	q = &t->q[qi];
	do {
		fn(t->dev, t, qi);
		if (t->status & S_NEEDS_RESET)
			return 0;
		if (t->ops->passive_queues >> qi & 1)
			break;	/* the device fills this ring when it has data, and arms it itself */
	} while (virtq_more_after_notify_on(t->vm, &q->vq) && ++rounds < MAX_NOTIFY_ROUNDS);
	if (rounds == MAX_NOTIFY_ROUNDS)
		vm_log_guest_error(t->vm, t->ops->name, "queue %u kept refilled for %u rounds; left for the next notification",
				   qi, rounds);
	if (q->pushed > 0) {
		q->pushed = 0;
		if (virtq_need_interrupt(t->vm, &q->vq)) {
			t->isr |= INT_VRING;
			update_irq(t);
		}
	}
	return 1;
}

static void notify(struct virtio_mmio *t, uint32_t qi)
{
	run_queue(t, qi, t->ops->notify);
}

int virtio_mmio_kick(struct virtio_mmio *t, unsigned int q,
		     void (*fn)(void *dev, struct virtio_mmio *t, unsigned int q))
{
	int r;

	pthread_mutex_lock(&t->lock);
	r = run_queue(t, q, fn);
	pthread_mutex_unlock(&t->lock);
	return r;
}

static void write_status(struct virtio_mmio *t, uint32_t val)
{
	if (val == 0) {
		reset_locked(t);
		return;
	}
	if ((val & S_FEATURES_OK) && !(t->status & S_FEATURES_OK)) {
		/* section 2.2.2: accept only what we offered, and VERSION_1 */
		if ((t->driver_features & ~t->offered) || !virtio_mmio_has_feature(t, VIRTIO_F_VERSION_1)) {
			vm_log_guest_error(t->vm, t->ops->name, "driver features %#llx not a subset of %#llx with VERSION_1",
					   (unsigned long long)t->driver_features, (unsigned long long)t->offered);
			val &= ~S_FEATURES_OK;
		}
	}
	if ((val & S_DRIVER_OK) && !(val & S_FEATURES_OK) && !(t->status & S_FEATURES_OK)) {
		vm_log_guest_error(t->vm, t->ops->name, "DRIVER_OK before FEATURES_OK");
		val &= ~S_DRIVER_OK;
	}
	t->status = (val & 0xff & ~S_NEEDS_RESET) | (t->status & S_NEEDS_RESET);
}

static void set_queue_ready(struct virtio_mmio *t, struct vqueue *q, uint32_t val)
{
	const char *why = NULL;

	if (!val) {
		q->ready = 0;
		return;
	}
	if (q->ready)
		return;
	if (q->num > t->ops->queue_max) {
		virtio_mmio_fail(t, "queue size above QueueNumMax");
		return;
	}
	q->vq.indirect = virtio_mmio_has_feature(t, VIRTIO_RING_F_INDIRECT_DESC);
	q->vq.event_idx = virtio_mmio_has_feature(t, VIRTIO_RING_F_EVENT_IDX);
	if (virtq_setup(t->vm, &q->vq, q->num, &why) < 0) {
		char msg[160];

		snprintf(msg, sizeof(msg), "queue %u: %s", t->queue_sel, why);
		virtio_mmio_fail(t, msg);
		return;
	}
	q->ready = 1;
}

static void set_addr_half(uint64_t *addr, int high, uint32_t val)
{
	if (high)
		*addr = (*addr & 0xffffffffull) | (uint64_t)val << 32;
	else
		*addr = (*addr & ~0xffffffffull) | val;
}

static void reg_write(struct virtio_mmio *t, uint64_t off, uint32_t val)
{
	struct vqueue *q = t->queue_sel < t->ops->nqueues ? &t->q[t->queue_sel] : NULL;

	switch (off) {
	case REG_DEVICE_FEATURES_SEL:
		t->dev_feat_sel = val;
		return;
	case REG_DRIVER_FEATURES:
		if (t->status & S_FEATURES_OK)
			vm_log_guest_error(t->vm, t->ops->name, "driver features written after FEATURES_OK, ignored");
		else if (t->drv_feat_sel < 2)
			set_addr_half(&t->driver_features, t->drv_feat_sel == 1, val);
		return;
	case REG_DRIVER_FEATURES_SEL:
		t->drv_feat_sel = val;
		return;
	case REG_QUEUE_SEL:
		t->queue_sel = val;
		return;
	case REG_QUEUE_NOTIFY:
		notify(t, val);
		return;
	case REG_INTERRUPT_ACK:
		t->isr &= ~val;
		update_irq(t);
		return;
	case REG_STATUS:
		write_status(t, val);
		return;
	case REG_SHM_SEL:
		return;
	}
	if (q == NULL || off < REG_QUEUE_NUM || off > REG_QUEUE_DEVICE_HIGH) {
		vm_log_guest_error(t->vm, t->ops->name, "write %#x to register %#llx ignored (read-only, unknown, or no queue %u)",
				   val, (unsigned long long)off, t->queue_sel);
		return;
	}
	if (off == REG_QUEUE_READY) {
		set_queue_ready(t, q, val);
		return;
	}
	if (q->ready) {
		vm_log_guest_error(t->vm, t->ops->name, "queue %u register %#llx written while the queue is ready, ignored",
				   t->queue_sel, (unsigned long long)off);
		return;
	}
	switch (off) {
	case REG_QUEUE_NUM:
		q->num = val > 0xffff ? 0 : (uint16_t)val;
		return;
	case REG_QUEUE_DESC_LOW:
	case REG_QUEUE_DESC_HIGH:
		set_addr_half(&q->vq.desc, off == REG_QUEUE_DESC_HIGH, val);
		return;
	case REG_QUEUE_DRIVER_LOW:
	case REG_QUEUE_DRIVER_HIGH:
		set_addr_half(&q->vq.avail, off == REG_QUEUE_DRIVER_HIGH, val);
		return;
	case REG_QUEUE_DEVICE_LOW:
	case REG_QUEUE_DEVICE_HIGH:
		set_addr_half(&q->vq.used, off == REG_QUEUE_DEVICE_HIGH, val);
		return;
	}
	vm_log_guest_error(t->vm, t->ops->name, "write to register %#llx ignored", (unsigned long long)off);
}

static uint32_t reg_read(struct virtio_mmio *t, uint64_t off)
{
	struct vqueue *q = t->queue_sel < t->ops->nqueues ? &t->q[t->queue_sel] : NULL;

	switch (off) {
	case REG_MAGIC:
		return MAGIC;
	case REG_VERSION:
		return 2;
	case REG_DEVICE_ID:
		return t->ops->device_id;
	case REG_VENDOR_ID:
		return VENDOR;
	case REG_DEVICE_FEATURES:
		return t->dev_feat_sel < 2 ? (uint32_t)(t->offered >> (32 * t->dev_feat_sel)) : 0;
	case REG_QUEUE_NUM_MAX:
		return q ? t->ops->queue_max : 0;	/* 0: no such queue (section 4.2.3.2) */
	case REG_QUEUE_READY:
		return q ? (uint32_t)q->ready : 0;
	case REG_INTERRUPT_STATUS:
		return t->isr;
	case REG_STATUS:
		return t->status;
	case REG_CONFIG_GENERATION:
		return 0;	/* the config space never changes after creation */
	}
	if (off >= REG_SHM_LEN_LOW && off <= REG_SHM_BASE_HIGH)
		return 0xffffffff;	/* no shared memory region (length -1) */
	vm_log_guest_error(t->vm, t->ops->name, "read of write-only or unknown register %#llx", (unsigned long long)off);
	return 0;
}

static void virtio_mmio_io(void *dev, uint64_t offset, int is_write, uint64_t *data, unsigned int len)
{
	struct virtio_mmio *t = dev;

	pthread_mutex_lock(&t->lock);
	if (offset >= REG_CONFIG) {
		/* Device config: any width, little endian; writes ignored (no writable fields offered). */
		uint64_t v = 0, off = offset - REG_CONFIG;

		for (unsigned int i = 0; !is_write && i < len && i < 8; i++)
			if (off + i < t->ops->config_len)
				v |= (uint64_t)t->ops->config[off + i] << (8 * i);
		if (!is_write)
			*data = v;
	} else if (len != 4 || (offset & 3)) {
		vm_log_guest_error(t->vm, t->ops->name, "%u-byte %s at register %#llx (expected aligned 32-bit)",
				   len, is_write ? "write" : "read", (unsigned long long)offset);
		if (!is_write)
			*data = 0;
	} else if (is_write) {
		reg_write(t, offset, (uint32_t)*data);
	} else {
		*data = reg_read(t, offset);
	}
	pthread_mutex_unlock(&t->lock);
}

struct virtio_mmio *virtio_mmio_create(struct vm *vm, uint64_t base, unsigned int gsi,
				       const struct virtio_dev_ops *ops, void *dev)
{
	struct virtio_mmio *t;

	if (ops->nqueues == 0 || ops->nqueues > VIRTIO_MMIO_MAX_QUEUES || ops->queue_max == 0 ||
	    (ops->queue_max & (ops->queue_max - 1)) || ops->queue_max > VIRTQ_MAX_SIZE) {
		fprintf(stderr, "nhv-vm: %s: %u queues of %u (expected 1-%u queues, a power-of-2 size)\n",
			ops->name, ops->nqueues, ops->queue_max, VIRTIO_MMIO_MAX_QUEUES);
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->vm = vm;
	t->gsi = gsi;
	t->ops = ops;
	t->dev = dev;
	t->offered = ops->features | 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_RING_F_INDIRECT_DESC |
		     1ull << VIRTIO_RING_F_EVENT_IDX;
	pthread_mutex_init(&t->lock, NULL);
	reset_locked(t);
	if (bus_register_mmio(vm, base, 0x1000, virtio_mmio_io, t, ops->name) < 0) {
		pthread_mutex_destroy(&t->lock);
		free(t);
		return NULL;
	}
	vm_on_reset(vm, vm_reset_hook, t);
	return t;
}
