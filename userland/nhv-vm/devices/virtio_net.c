/*
 * virtio_net.c - a virtio network device (virtio 1.2 section 5.1) on a
 * file descriptor that carries one Ethernet frame per read and write (a
 * tap device opened with IFF_TAP | IFF_NO_PI, or a SOCK_SEQPACKET socket
 * in tests).  Features: VIRTIO_NET_F_MAC and VIRTIO_NET_F_STATUS (link
 * always up); no offloads, no mergeable buffers, one queue pair: the
 * 12-byte virtio_net_hdr (5.1.6, num_buffers included with VERSION_1) is
 * all zero on receive and ignored on transmit.
 *
 * Transmit runs on the notifying vCPU thread.  Receive runs on the
 * device's own thread: it waits for a frame on the descriptor, then fills
 * the receive queue through virtio_mmio_kick; with no receive buffer it
 * keeps the frame and stops reading until the driver adds buffers.
 * Throttling: at most NET_BATCH frames per round on either side; frames
 * that do not fit (short buffers, runts, oversized frames, a full host
 * queue) are dropped and counted, and the guest-error log (rate-limited by
 * the VM) says why.
 */
#include "userland/nhv-vm/devices/devices.h"
#include "userland/nhv-vm/devices/virtio_mmio.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VIRTIO_ID_NET		1
#define VIRTIO_NET_F_MAC	5
#define VIRTIO_NET_F_STATUS	16
#define VIRTIO_NET_S_LINK_UP	1

#define NET_QUEUE_SIZE	256
#define RXQ		0
#define TXQ		1
#define NET_HDR		12	/* struct virtio_net_hdr with num_buffers (5.1.6) */
#define ETH_MIN		14	/* destination, source, type */
#define FRAME_MAX	65550	/* a 64 KiB IP packet and its Ethernet header */
#define NET_BATCH	NET_QUEUE_SIZE

struct virtio_net {
	struct vm *vm;
	struct virtio_mmio *t;
	int fd;			/* frames in and out */
	int wake[2];		/* notify on the receive queue -> receive thread */
	int starved;		/* receive thread only: a frame waits for a buffer */
	size_t pending;		/* length of the frame in rx_buf, 0 for none */
	uint64_t rx_dropped, tx_dropped;
	uint8_t config[8];	/* mac[6], status (5.1.4) */
	struct virtio_dev_ops ops;
	struct virtq_seg rx_seg[NET_QUEUE_SIZE];
	struct virtq_seg tx_seg[NET_QUEUE_SIZE];
	uint8_t rx_buf[NET_HDR + FRAME_MAX];
	uint8_t tx_buf[NET_HDR + FRAME_MAX];
};

/* Copies len bytes of src into the writable segments; the chain holds them. */
static void scatter(const struct virtq_chain *c, const uint8_t *src, size_t len)
{
	for (unsigned int i = c->nout; i < c->nout + c->nin && len > 0; i++) {
		size_t take = c->seg[i].len < len ? c->seg[i].len : len;

		memcpy(c->seg[i].ptr, src, take);
		src += take;
		len -= take;
	}
}

/* The next frame from the descriptor into rx_buf after the header; 0 when none is waiting. */
static size_t read_frame(struct virtio_net *n)
{
	for (;;) {
		ssize_t r = read(n->fd, n->rx_buf + NET_HDR, FRAME_MAX);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		if (r < ETH_MIN) {
			n->rx_dropped++;
			continue;
		}
		return (size_t)r;
	}
}

/* Receive queue, on the receive thread under the transport lock. */
static void rx_fill(void *dev, struct virtio_mmio *t, unsigned int q)
{
	struct virtio_net *n = dev;
	struct virtq_chain c = { .seg = n->rx_seg };

	for (int done = 0; done < NET_BATCH; done++) {
		int r;

		if (n->pending == 0 && (n->pending = read_frame(n)) == 0)
			return;
		r = virtio_mmio_pop(t, q, &c);
		if (r == 0 && virtio_mmio_arm(t, q))
			r = virtio_mmio_pop(t, q, &c);
		if (r <= 0) {
			n->starved = r == 0;	/* keep the frame for the driver's next buffers */
			return;
		}
		if (c.nout > 0 || c.in_len < NET_HDR + n->pending) {
			vm_log_guest_error(n->vm, "virtio-net", "receive buffer of %llu writable bytes (%u readable segments) "
					   "for a %zu-byte frame: frame dropped",
					   (unsigned long long)c.in_len, c.nout, NET_HDR + n->pending);
			n->rx_dropped++;
			n->pending = 0;
			virtio_mmio_push(t, q, c.head, 0);
			continue;
		}
		memset(n->rx_buf, 0, NET_HDR);
		n->rx_buf[10] = 1;	/* num_buffers */
		scatter(&c, n->rx_buf, NET_HDR + n->pending);
		virtio_mmio_push(t, q, c.head, (uint32_t)(NET_HDR + n->pending));
		n->pending = 0;
	}
}

static void tx_frame(struct virtio_net *n, const struct virtq_chain *c)
{
	size_t len = 0;
	ssize_t w;

	if (c->out_len < NET_HDR + ETH_MIN || c->out_len > NET_HDR + FRAME_MAX) {
		vm_log_guest_error(n->vm, "virtio-net", "transmit of %llu bytes (expected a %d-byte header and "
				   "a frame of %d to %d bytes): dropped",
				   (unsigned long long)c->out_len, NET_HDR, ETH_MIN, FRAME_MAX);
		n->tx_dropped++;
		return;
	}
	for (unsigned int i = 0; i < c->nout; i++) {
		memcpy(n->tx_buf + len, c->seg[i].ptr, c->seg[i].len);
		len += c->seg[i].len;
	}
	do
		w = write(n->fd, n->tx_buf + NET_HDR, len - NET_HDR);
	while (w < 0 && errno == EINTR);
	if (w < 0) {
		n->tx_dropped++;
		vm_log_guest_error(n->vm, "virtio-net", "host write failed (%s): frame dropped, %llu so far",
				   strerror(errno), (unsigned long long)n->tx_dropped);
	}
}

static void net_notify(void *dev, struct virtio_mmio *t, unsigned int q)
{
	struct virtio_net *n = dev;
	struct virtq_chain c = { .seg = n->tx_seg };

	if (q == RXQ) {
		/* New receive buffers: the receive thread may read again. */
		ssize_t w;

		do
			w = write(n->wake[1], "w", 1);
		while (w < 0 && errno == EINTR);
		return;
	}
	for (int done = 0; done < NET_BATCH && virtio_mmio_pop(t, q, &c) > 0; done++) {
		tx_frame(n, &c);
		virtio_mmio_push(t, q, c.head, 0);
	}
}

static void *rx_thread(void *arg)
{
	struct virtio_net *n = arg;
	struct pollfd p[2] = { { .fd = n->fd }, { .fd = n->wake[0], .events = POLLIN } };

	for (;;) {
		char drain[64];

		p[0].events = n->starved ? 0 : POLLIN;
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "nhv-vm: virtio-net: poll: %s; receive stopped\n", strerror(errno));
			return NULL;
		}
		if (p[1].revents & POLLIN) {
			while (read(n->wake[0], drain, sizeof(drain)) > 0)
				;
			n->starved = 0;
		}
		if (n->starved)
			continue;
		/* A queue not live yet: wait for the driver's first notification. */
		if (!virtio_mmio_kick(n->t, RXQ, rx_fill))
			n->starved = 1;
	}
}

int virtio_net_create(struct vm *vm, uint64_t base, unsigned int gsi, int fd, const uint8_t mac[6])
{
	struct virtio_net *n = calloc(1, sizeof(*n));
	pthread_t tid;
	int fl;

	if (n == NULL)
		return -1;
	n->vm = vm;
	n->fd = fd;
	if (pipe2(n->wake, O_CLOEXEC | O_NONBLOCK) < 0 || (fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		fprintf(stderr, "nhv-vm: virtio-net: %s\n", strerror(errno));
		goto fail;
	}
	memcpy(n->config, mac, 6);
	n->config[6] = VIRTIO_NET_S_LINK_UP;
	n->ops = (struct virtio_dev_ops){
		.name = "virtio-net",
		.device_id = VIRTIO_ID_NET,
		.features = 1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS,
		.nqueues = 2,
		.queue_max = NET_QUEUE_SIZE,
		.config = n->config,
		.config_len = sizeof(n->config),
		.passive_queues = 1u << RXQ,
		.notify = net_notify,
	};
	n->t = virtio_mmio_create(vm, base, gsi, &n->ops, n);
	if (n->t == NULL)
		goto fail;
	if (pthread_create(&tid, NULL, rx_thread, n) != 0) {
		fprintf(stderr, "nhv-vm: virtio-net: cannot start the receive thread\n");
		return -1;	/* the transport is registered: the VM does not start */
	}
	pthread_detach(tid);
	return 0;
fail:
	if (n->wake[0] > 0) {
		close(n->wake[0]);
		close(n->wake[1]);
	}
	free(n);
	return -1;
}
