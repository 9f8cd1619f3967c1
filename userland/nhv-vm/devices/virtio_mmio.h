/*
 * virtio_mmio.h - the virtio MMIO transport (virtio 1.2 section 4.2,
 * version 2 register layout) as the virtio device models use it: the
 * transport owns the registers, feature negotiation, queues, interrupt
 * status and the lock; a device supplies its ID, features, config space
 * and a notify handler that takes and returns chains.
 */
#ifndef NHV_VM_VIRTIO_MMIO_H
#define NHV_VM_VIRTIO_MMIO_H

#include "userland/nhv-vm/devices/virtq.h"

#define VIRTIO_F_VERSION_1	32
#define VIRTIO_MMIO_MAX_QUEUES	8

struct virtio_mmio;

struct virtio_dev_ops {
	const char *name;		/* for log lines: "virtio-blk" */
	uint32_t device_id;		/* 2 block, 4 entropy (section 5) */
	uint64_t features;		/* device-specific feature bits offered */
	unsigned int nqueues;		/* at most VIRTIO_MMIO_MAX_QUEUES */
	uint16_t queue_max;		/* QueueNumMax, a power of 2 */
	const uint8_t *config;		/* device config space (little endian), fixed after creation */
	uint32_t config_len;
	/*
	 * Bit per queue the device fills only when it has data (a receive
	 * queue): its notify runs once per notification instead of until the
	 * ring is empty, and the device calls virtio_mmio_arm when it finds
	 * the ring empty.
	 */
	uint32_t passive_queues;
	/* The driver notified queue q (DRIVER_OK, queue ready); transport lock held. */
	void (*notify)(void *dev, struct virtio_mmio *t, unsigned int q);
};

/* Registers the 4 KiB register window at base with its interrupt on gsi; NULL on failure. */
struct virtio_mmio *virtio_mmio_create(struct vm *vm, uint64_t base, unsigned int gsi,
				       const struct virtio_dev_ops *ops, void *dev);

/* For notify: next chain of queue q (1), none (0), or a broken ring (-1: device needs reset). */
int virtio_mmio_pop(struct virtio_mmio *t, unsigned int q, struct virtq_chain *c);
void virtio_mmio_push(struct virtio_mmio *t, unsigned int q, uint16_t head, uint32_t written);
/*
 * From a device's own thread (not from notify): runs fn on queue q under the
 * transport lock as a notification would, then interrupts the driver for
 * what fn pushed.  1 when it ran, 0 when the queue is not live (driver not
 * ready, queue not set up, device needing reset).
 */
int virtio_mmio_kick(struct virtio_mmio *t, unsigned int q,
		     void (*fn)(void *dev, struct virtio_mmio *t, unsigned int q));
/*
 * For a passive queue found empty (lock held): asks the driver to notify
 * when it adds buffers; 1 if some arrived meanwhile (pop again), else 0.
 */
int virtio_mmio_arm(struct virtio_mmio *t, unsigned int q);
/* Negotiated feature bit. */
int virtio_mmio_has_feature(const struct virtio_mmio *t, unsigned int bit);
/* A device-detected guest error: logged, DEVICE_NEEDS_RESET, config interrupt. */
void virtio_mmio_fail(struct virtio_mmio *t, const char *why);

#endif
