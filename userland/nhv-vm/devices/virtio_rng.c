/*
 * virtio_rng.c - a virtio entropy device (virtio 1.2 section 5.4): every
 * device-writable buffer the driver queues is filled from getrandom().
 */
#include "userland/nhv-vm/devices/devices.h"
#include "userland/nhv-vm/devices/virtio_mmio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define VIRTIO_ID_ENTROPY	4
#define RNG_QUEUE_SIZE		64

struct virtio_rng {
	struct vm *vm;
	struct virtio_dev_ops ops;
	struct virtq_seg seg[RNG_QUEUE_SIZE];
};

/* Fills len bytes; returns how many were filled (less only if getrandom fails). */
static uint32_t fill(struct virtio_rng *r, uint8_t *p, uint32_t len)
{
	uint32_t done = 0;

	while (done < len) {
		ssize_t n = getrandom(p + done, len - done, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			vm_log_guest_error(r->vm, "virtio-rng", "getrandom failed: %s", strerror(errno));
			break;
		}
		done += (uint32_t)n;
	}
	return done;
}

static void rng_notify(void *dev, struct virtio_mmio *t, unsigned int q)
{
	struct virtio_rng *r = dev;
	struct virtq_chain c = { .seg = r->seg };

	while (virtio_mmio_pop(t, q, &c) > 0) {
		uint64_t written = 0;

		for (unsigned int i = c.nout; i < c.nout + c.nin && written < UINT32_MAX; i++) {
			uint32_t n = fill(r, c.seg[i].ptr, c.seg[i].len);

			written += n;
			if (n < c.seg[i].len)
				break;
		}
		virtio_mmio_push(t, q, c.head, written > UINT32_MAX ? UINT32_MAX : (uint32_t)written);
	}
}

int virtio_rng_create(struct vm *vm, uint64_t base, unsigned int gsi)
{
	struct virtio_rng *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return -1;
	r->vm = vm;
	r->ops = (struct virtio_dev_ops){
		.name = "virtio-rng",
		.device_id = VIRTIO_ID_ENTROPY,
		.nqueues = 1,
		.queue_max = RNG_QUEUE_SIZE,
		.notify = rng_notify,
	};
	if (virtio_mmio_create(vm, base, gsi, &r->ops, r) == NULL) {
		free(r);
		return -1;
	}
	return 0;
}
