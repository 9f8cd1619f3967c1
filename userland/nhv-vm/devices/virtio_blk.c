/*
 * virtio_blk.c - a virtio block device (virtio 1.2 section 5.2) backed by
 * a raw image file: read, write, flush (fdatasync: what was acknowledged
 * after a flush survives a forced stop) and get ID.  A file that cannot
 * be opened for writing, or one the VM asks for read-only, is offered
 * read-only (VIRTIO_BLK_F_RO) and writes fail with VIRTIO_BLK_S_IOERR.
 * One request queue of 256; requests run synchronously on the notifying
 * vCPU.
 */
#include "userland/nhv-vm/devices/devices.h"
#include "userland/nhv-vm/devices/virtio_mmio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define VIRTIO_ID_BLOCK		2
#define VIRTIO_BLK_F_SEG_MAX	2
#define VIRTIO_BLK_F_RO		5
#define VIRTIO_BLK_F_FLUSH	9

#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_T_GET_ID	8

#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2

#define BLK_QUEUE_SIZE	256
#define BLK_ID_BYTES	20
#define SECTOR		512
#define HDR_BYTES	16

struct virtio_blk {
	struct vm *vm;
	int fd;
	int read_only;
	uint64_t capacity;	/* sectors */
	char id[BLK_ID_BYTES];
	uint8_t config[24];	/* capacity, size_max, seg_max, geometry, blk_size */
	struct virtio_dev_ops ops;
	struct virtq_seg seg[BLK_QUEUE_SIZE];
	struct iovec iov[BLK_QUEUE_SIZE];
};

/*
 * The iovecs covering bytes [skip, skip + len) of segments seg[0..n).
 * Returns their count; the caller checked that the segments hold them.
 */
static int slice(const struct virtq_seg *seg, unsigned int n, uint64_t skip, uint64_t len, struct iovec *iov)
{
	int k = 0;

	for (unsigned int i = 0; i < n && len > 0; i++) {
		uint64_t take;

		if (skip >= seg[i].len) {
			skip -= seg[i].len;
			continue;
		}
		take = seg[i].len - skip;
		if (take > len)
			take = len;
		iov[k++] = (struct iovec){ .iov_base = seg[i].ptr + skip, .iov_len = take };
		len -= take;
		skip = 0;
	}
	return k;
}

/* Gathers len bytes starting at skip from the segments into buf. */
static void gather(const struct virtq_seg *seg, unsigned int n, uint64_t skip, void *buf, size_t len)
{
	struct iovec iov[BLK_QUEUE_SIZE];
	int k = slice(seg, n, skip, len, iov);
	uint8_t *out = buf;

	for (int i = 0; i < k; i++) {
		memcpy(out, iov[i].iov_base, iov[i].iov_len);
		out += iov[i].iov_len;
	}
}

/* All of [off, off + total) through preadv or pwritev, retrying short transfers. */
static int transfer(struct virtio_blk *b, int write, struct iovec *iov, int n, uint64_t off, uint64_t total)
{
	while (total > 0) {
		ssize_t r = write ? pwritev(b->fd, iov, n, (off_t)off) : preadv(b->fd, iov, n, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			vm_log_guest_error(b->vm, "virtio-blk", "host %s at byte %llu failed: %s",
					   write ? "write" : "read", (unsigned long long)off,
					   r < 0 ? strerror(errno) : "end of file");
			return -1;
		}
		off += (uint64_t)r;
		total -= (uint64_t)r;
		while (n > 0 && (size_t)r >= iov->iov_len) {
			r -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + r;
			iov->iov_len -= (size_t)r;
		}
	}
	return 0;
}

/* Checks a data transfer's range; IOERR status for a bad one. */
static int range_ok(struct virtio_blk *b, uint64_t sector, uint64_t len)
{
	if (len % SECTOR != 0) {
		vm_log_guest_error(b->vm, "virtio-blk", "transfer of %llu bytes is not whole sectors",
				   (unsigned long long)len);
		return 0;
	}
	if (sector > b->capacity || len / SECTOR > b->capacity - sector) {
		vm_log_guest_error(b->vm, "virtio-blk", "sectors %llu+%llu beyond the disk's %llu",
				   (unsigned long long)sector, (unsigned long long)(len / SECTOR),
				   (unsigned long long)b->capacity);
		return 0;
	}
	return 1;
}

/* One request; returns the bytes written into the chain (status included). */
static uint32_t request(struct virtio_blk *b, struct virtq_chain *c)
{
	const struct virtq_seg *in = c->seg + c->nout;
	uint8_t hdr[HDR_BYTES], status = VIRTIO_BLK_S_OK;
	uint64_t sector, data_len;
	uint32_t type, written = 0;
	int n;

	gather(c->seg, c->nout, 0, hdr, HDR_BYTES);
	type = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 | (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 24;
	sector = 0;
	for (int i = 15; i >= 8; i--)
		sector = sector << 8 | hdr[i];
	switch (type) {
	case VIRTIO_BLK_T_IN:
		data_len = c->in_len - 1;
		if (!range_ok(b, sector, data_len)) {
			status = VIRTIO_BLK_S_IOERR;
			break;
		}
		n = slice(in, c->nin, 0, data_len, b->iov);
		if (transfer(b, 0, b->iov, n, sector * SECTOR, data_len) < 0)
			status = VIRTIO_BLK_S_IOERR;
		else
			written = (uint32_t)data_len;
		break;
	case VIRTIO_BLK_T_OUT:
		data_len = c->out_len - HDR_BYTES;
		if (b->read_only) {
			vm_log_guest_error(b->vm, "virtio-blk", "write to a read-only disk");
			status = VIRTIO_BLK_S_IOERR;
			break;
		}
		if (!range_ok(b, sector, data_len)) {
			status = VIRTIO_BLK_S_IOERR;
			break;
		}
		n = slice(c->seg, c->nout, HDR_BYTES, data_len, b->iov);
		if (transfer(b, 1, b->iov, n, sector * SECTOR, data_len) < 0)
			status = VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_FLUSH:
		if (fdatasync(b->fd) < 0) {
			vm_log_guest_error(b->vm, "virtio-blk", "host flush failed: %s", strerror(errno));
			status = VIRTIO_BLK_S_IOERR;
		}
		break;
	case VIRTIO_BLK_T_GET_ID:
		data_len = c->in_len - 1 < BLK_ID_BYTES ? c->in_len - 1 : BLK_ID_BYTES;
		n = slice(in, c->nin, 0, data_len, b->iov);
		for (int i = 0, done = 0; i < n; done += (int)b->iov[i].iov_len, i++)
			memcpy(b->iov[i].iov_base, b->id + done, b->iov[i].iov_len);
		written = (uint32_t)data_len;
		break;
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
	{
		const struct virtq_seg *last = &in[c->nin - 1];

		last->ptr[last->len - 1] = status;
	}
	return written + 1;
}

static void blk_notify(void *dev, struct virtio_mmio *t, unsigned int q)
{
	struct virtio_blk *b = dev;
	struct virtq_chain c = { .seg = b->seg };

	while (virtio_mmio_pop(t, q, &c) > 0) {
		/* The status byte is the last writable byte (section 5.2.6); the header 16 readable ones. */
		if (c.out_len < HDR_BYTES || c.in_len == 0 || c.seg[c.nout + c.nin - 1].len == 0 ||
		    c.in_len > UINT32_MAX) {
			virtio_mmio_fail(t, "request without a 16-byte header and a status byte");
			return;
		}
		virtio_mmio_push(t, q, c.head, request(b, &c));
	}
}

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int virtio_blk_create(struct vm *vm, uint64_t base, unsigned int gsi, const char *path, int read_only)
{
	struct virtio_blk *b = calloc(1, sizeof(*b));
	const char *name = strrchr(path, '/');
	struct stat st;
	off_t size;

	if (b == NULL)
		return -1;
	b->vm = vm;
	b->fd = read_only ? -1 : open(path, O_RDWR | O_CLOEXEC);
	if (read_only || (b->fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM))) {
		b->fd = open(path, O_RDONLY | O_CLOEXEC);
		b->read_only = 1;
	}
	if (b->fd < 0 || fstat(b->fd, &st) < 0 || (size = lseek(b->fd, 0, SEEK_END)) < 0) {
		fprintf(stderr, "nhv-vm: virtio-blk: %s: %s\n", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		fprintf(stderr, "nhv-vm: virtio-blk: %s: not a regular file or block device (expected a raw image)\n", path);
		goto fail;
	}
	b->capacity = (uint64_t)size / SECTOR;
	name = name ? name + 1 : path;
	memcpy(b->id, name, strnlen(name, BLK_ID_BYTES));	/* zero-padded, not terminated at 20 (5.2.6) */
	put_le(b->config, b->capacity, 8);
	put_le(b->config + 12, BLK_QUEUE_SIZE - 2, 4);	/* seg_max: header and status take two */
	b->ops = (struct virtio_dev_ops){
		.name = "virtio-blk",
		.device_id = VIRTIO_ID_BLOCK,
		.features = 1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_FLUSH |
			    (b->read_only ? 1ull << VIRTIO_BLK_F_RO : 0),
		.nqueues = 1,
		.queue_max = BLK_QUEUE_SIZE,
		.config = b->config,
		.config_len = sizeof(b->config),
		.notify = blk_notify,
	};
	if (virtio_mmio_create(vm, base, gsi, &b->ops, b) == NULL)
		goto fail;
	return 0;
fail:
	if (b->fd >= 0)
		close(b->fd);
	free(b);
	return -1;
}
