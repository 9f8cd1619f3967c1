/*
 * virtq.h - the split virtqueue (virtio 1.2 section 2.7) as a device
 * walks it: taking descriptor chains from the available ring, with every
 * index, length and address checked, and returning them on the used ring.
 * The rings live in guest memory, which the guest may change at any time:
 * each field is read once, and a bad ring is an error, never a crash.
 */
#ifndef NHV_VM_VIRTQ_H
#define NHV_VM_VIRTQ_H

#include "userland/nhv-vm/devices/device.h"

#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2
#define VIRTQ_DESC_F_INDIRECT	4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX	29

#define VIRTQ_MAX_SIZE	32768	/* the largest split queue (section 2.7) */

struct virtq {
	uint16_t num;		/* queue size, a power of 2; 0 = not set up */
	uint64_t desc, avail, used;	/* guest-physical ring addresses */
	int indirect;		/* VIRTIO_RING_F_INDIRECT_DESC negotiated */
	int event_idx;		/* VIRTIO_RING_F_EVENT_IDX negotiated */
	uint16_t last_avail;	/* next available entry to take */
	uint16_t used_idx;	/* our copy of used->idx */
	uint16_t signalled_used;	/* used_idx at the last interrupt (event index) */
	int signalled_valid;
};

/* One guest buffer of a chain, already translated. */
struct virtq_seg {
	uint8_t *ptr;
	uint32_t len;
};

/* A descriptor chain: out (device-readable) segments first, then in (device-writable). */
struct virtq_chain {
	uint16_t head;
	unsigned int nout, nin;
	uint64_t out_len, in_len;	/* byte totals */
	struct virtq_seg *seg;	/* nout + nin entries, room for the queue size */
};

/*
 * Checks the ring addresses for a queue of size num and resets the
 * indices.  0, or -1 with why set (bad size, misaligned or outside RAM).
 */
int virtq_setup(struct vm *vm, struct virtq *q, uint16_t num, const char **why);

/*
 * Takes the next chain: 1 when c holds one, 0 when the ring is empty, -1
 * when the guest broke the ring (why says how; the queue must not be used
 * again until the device is reset).  c->seg needs q->num entries.
 */
int virtq_pop(struct vm *vm, struct virtq *q, struct virtq_chain *c, const char **why);

/* Returns chain head to the driver with written bytes; -1 if the used ring left RAM. */
int virtq_push(struct vm *vm, struct virtq *q, uint16_t head, uint32_t written);

/*
 * After a batch of pushes: 1 when the driver wants an interrupt (its
 * flags, or with event index its used_event), else 0.
 */
int virtq_need_interrupt(struct vm *vm, struct virtq *q);

/*
 * When the ring looks empty: with event index, asks the driver to notify
 * for the next entry (avail_event); then 1 if entries arrived meanwhile
 * (take them before sleeping, or a notification is lost), else 0.
 */
int virtq_more_after_notify_on(struct vm *vm, struct virtq *q);

#endif
