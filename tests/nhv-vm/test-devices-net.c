/*
 * test-devices-net.c - virtio-net over the virtio-mmio transport, on a
 * SOCK_SEQPACKET socket pair standing in for the tap device (one frame per
 * read and write): config space (MAC, link up), transmit, receive through
 * the device's thread (header, interrupt, waiting for buffers), and a
 * hostile driver: descriptor loops, runts, oversized and readable-only
 * receive buffers, a full host queue and frame floods, each logged and
 * never a crash or a hang.
 */
#include "userland/lib/tap.h"
#include "tests/nhv-vm/fakevm.h"
#include "userland/nhv-vm/devices/devices.h"
#include "userland/nhv-vm/devices/virtq.h"

#include <errno.h>
#include <stdio.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RAM (4u << 20)
#define NET 0xd0000000ull
#define GSI 7
#define NUM 256
#define HDR 12
/* Rings of queue q (0 receive, 1 transmit) and their buffers. */
#define DESC(q) (0x10000ull + 0x40000ull * (q))
#define AVAIL(q) (DESC(q) + 0x1000 * 4)
#define USED(q) (DESC(q) + 0x1000 * 6)
#define BUF(q, i) (0x100000ull + 0x100000ull * (q) + 2048ull * (i))

static struct vm *vm;
static int peer;	/* the host side of the "tap" */
static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

static uint32_t rd(uint64_t off)
{
	return (uint32_t)fake_mmio_read(vm, NET + off, 4);
}

static void wr(uint64_t off, uint32_t v)
{
	fake_mmio_write(vm, NET + off, v, 4);
}

static void put(uint64_t gpa, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		__atomic_store_n(&vm->ram[gpa + i], (uint8_t)(v >> (8 * i)), __ATOMIC_RELAXED);
}

static uint64_t get(uint64_t gpa, int bytes)
{
	uint64_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | __atomic_load_n(&vm->ram[gpa + i], __ATOMIC_ACQUIRE);
	return v;
}

static void desc(int q, unsigned int i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	put(DESC(q) + 16 * i, addr, 8);
	put(DESC(q) + 16 * i + 8, len, 4);
	put(DESC(q) + 16 * i + 12, flags, 2);
	put(DESC(q) + 16 * i + 14, next, 2);
}

static void avail(int q, uint16_t head)
{
	uint16_t idx = (uint16_t)get(AVAIL(q) + 2, 2);

	put(AVAIL(q) + 4 + 2 * (idx % NUM), head, 2);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	put(AVAIL(q) + 2, (uint16_t)(idx + 1), 2);
}

static uint16_t used_idx(int q)
{
	return (uint16_t)get(USED(q) + 2, 2);
}

static uint32_t used_len(int q, uint16_t i)
{
	return (uint32_t)get(USED(q) + 4 + 8 * (i % NUM) + 4, 4);
}

/* Waits up to 5 s for queue q's used index to reach want (the receive thread is asynchronous). */
static int wait_used(int q, uint16_t want)
{
	for (int i = 0; i < 500; i++) {
		if (used_idx(q) == want)
			return 1;
		usleep(10000);
	}
	return used_idx(q) == want;
}

/* Driver reset and set-up of both queues, as Linux's virtio_mmio does. */
static uint32_t bring_up(void)
{
	wr(0x70, 0);
	memset(vm->ram, 0, RAM);
	wr(0x70, 1);
	wr(0x70, 1 | 2);
	wr(0x24, 0);
	wr(0x20, 1u << 5 | 1u << 16);
	wr(0x24, 1);
	wr(0x20, 1);
	wr(0x70, 1 | 2 | 8);
	for (int q = 0; q < 2; q++) {
		wr(0x30, (uint32_t)q);
		wr(0x38, NUM);
		wr(0x80, (uint32_t)DESC(q));
		wr(0x84, 0);
		wr(0x90, (uint32_t)AVAIL(q));
		wr(0x94, 0);
		wr(0xa0, (uint32_t)USED(q));
		wr(0xa4, 0);
		wr(0x44, 1);
	}
	wr(0x70, 1 | 2 | 4 | 8);
	return rd(0x70);
}

/* Drains frames the device wrote; returns how many. */
static int drain(void)
{
	uint8_t buf[70000];
	int n = 0;

	while (recv(peer, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		n++;
	return n;
}

/* Transmit chain at descriptor d: header, then a frame of len bytes of value fill. */
static void tx(unsigned int d, uint32_t len, uint8_t fill)
{
	put(BUF(1, d), 0, 8);
	put(BUF(1, d) + 8, 0, 4);
	memset(vm->ram + BUF(1, d) + HDR, fill, len);
	desc(1, d, BUF(1, d), HDR, VIRTQ_DESC_F_NEXT, (uint16_t)(d + 1));
	desc(1, d + 1, BUF(1, d) + HDR, len, 0, 0);
	avail(1, (uint16_t)d);
}

static void config_space(void)
{
	uint64_t f;

	tap_is_int(rd(0x08), 1, "device ID 1 (network)");
	wr(0x14, 0);
	f = rd(0x10);
	tap_ok((f >> 5 & 1) && (f >> 16 & 1), "MAC and STATUS offered (features %#llx)", (unsigned long long)f);
	for (int i = 0; i < 6; i++)
		if (fake_mmio_read(vm, NET + 0x100 + i, 1) != mac[i])
			tap_diag("config byte %d: %#llx", i, (unsigned long long)fake_mmio_read(vm, NET + 0x100 + i, 1));
	tap_ok(fake_mmio_read(vm, NET + 0x100, 4) == 0x33221102u && fake_mmio_read(vm, NET + 0x104, 2) == 0x5544,
	       "config space holds the MAC");
	tap_is_int((int)fake_mmio_read(vm, NET + 0x106, 2), 1, "link up (VIRTIO_NET_S_LINK_UP)");
}

static void transmit(void)
{
	uint8_t buf[2048];
	ssize_t n;

	tap_is_int(bring_up(), 0x0f, "driver set-up of both queues accepted");
	tx(0, 60, 0xab);
	wr(0x50, 1);
	n = recv(peer, buf, sizeof(buf), MSG_DONTWAIT);
	tap_is_int((int)n, 60, "a transmitted frame reaches the tap without the 12-byte header");
	tap_ok(n == 60 && buf[0] == 0xab && buf[59] == 0xab, "with its bytes");
	tap_ok(used_idx(1) == 1 && used_len(1, 0) == 0, "the chain comes back used (len 0)");
	tap_ok(vm->irq_level[GSI] == 1 && (rd(0x60) & 1), "with a used-buffer interrupt");
	wr(0x64, 1);
	tap_is_int(vm->irq_level[GSI], 0, "acknowledged, the line drops");
}

static void receive(void)
{
	uint8_t frame[100];
	unsigned int errors;
	int ok;

	bring_up();
	memset(frame, 0xcd, sizeof(frame));
	frame[0] = 0x02;
	send(peer, frame, sizeof(frame), 0);
	usleep(100000);
	tap_is_int(used_idx(0), 0, "a frame with no receive buffer waits");
	for (unsigned int i = 0; i < 4; i++) {
		desc(0, i, BUF(0, i), 1526, VIRTQ_DESC_F_WRITE, 0);
		memset(vm->ram + BUF(0, i), 0xee, 1526);
		avail(0, (uint16_t)i);
	}
	wr(0x50, 0);
	ok = wait_used(0, 1);
	tap_ok(ok, "buffers added: the waiting frame is delivered (used %u)", used_idx(0));
	tap_is_int((int)used_len(0, 0), HDR + 100, "used length: header + frame");
	tap_ok(get(BUF(0, 0), 8) == 0 && get(BUF(0, 0) + 8, 2) == 0 && get(BUF(0, 0) + 10, 2) == 1,
	       "the header is zero with num_buffers 1");
	tap_ok(vm->ram[BUF(0, 0) + HDR] == 0x02 && vm->ram[BUF(0, 0) + HDR + 99] == 0xcd &&
	       vm->ram[BUF(0, 0) + HDR + 100] == 0xee, "the frame follows it, nothing more");
	tap_ok(vm->irq_raises[GSI] > 0 && (rd(0x60) & 1), "with an interrupt");
	wr(0x64, 1);

	send(peer, frame, 10, 0);	/* a runt: dropped before any buffer */
	send(peer, frame, 64, 0);
	tap_ok(wait_used(0, 2) && used_len(0, 1) == HDR + 64, "a runt is dropped, the next frame delivered");

	errors = vm->guest_errors;
	desc(0, 4, BUF(0, 4), 20, VIRTQ_DESC_F_WRITE, 0);	/* too short for a frame */
	avail(0, 4);
	desc(0, 5, BUF(0, 5), 1526, 0, 0);	/* readable only */
	avail(0, 5);
	wr(0x50, 0);
	send(peer, frame, 100, 0);
	send(peer, frame, 100, 0);
	send(peer, frame, 90, 0);
	send(peer, frame, 80, 0);
	ok = wait_used(0, 6);
	tap_ok(ok, "buffers 2 and 3 take two frames, the bad ones come back (used %u)", used_idx(0));
	tap_ok(used_len(0, 2) == HDR + 100 && used_len(0, 3) == HDR + 100 && used_len(0, 4) == 0 &&
	       used_len(0, 5) == 0, "a buffer too short for its frame, and a readable one, come back with length 0");
	tap_ok(vm->guest_errors == errors + 2 && strstr(vm->last_error, "1 readable segments") &&
	       strstr(vm->last_error, "frame dropped"), "both are logged: %s", vm->last_error);
	tap_ok(!(rd(0x70) & 64), "and the device keeps working (no DEVICE_NEEDS_RESET)");
	drain();
}

static void hostile(void)
{
	unsigned int errors;
	uint16_t u;

	bring_up();
	errors = vm->guest_errors;
	tx(0, 4, 0x11);	/* a runt: header and 4 bytes */
	tx(2, 70000, 0x22);	/* beyond 64 KiB */
	tx(4, 60, 0x33);
	wr(0x50, 1);
	tap_is_int(drain(), 1, "a runt and an oversized frame are dropped, the good one sent");
	tap_ok(used_idx(1) == 3 && vm->guest_errors == errors + 2 && strstr(vm->last_error, "dropped"),
	       "all three chains come back, two drops logged: %s", vm->last_error);

	desc(1, 6, BUF(1, 6), HDR, VIRTQ_DESC_F_NEXT, 7);
	desc(1, 7, BUF(1, 7), 60, VIRTQ_DESC_F_NEXT, 6);	/* a loop */
	avail(1, 6);
	wr(0x50, 1);
	tap_ok(rd(0x70) & 64, "a transmit descriptor loop sets DEVICE_NEEDS_RESET");
	tap_ok(strstr(vm->last_error, "loop") != NULL, "and is logged: %s", vm->last_error);
	tap_is_int(bring_up(), 0x0f, "a driver reset brings the device back");

	/* A full host queue: nobody reads the tap, its buffer is small. */
	{
		int small = 4096;
		unsigned int before = vm->guest_errors;

		setsockopt(peer, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
		for (unsigned int round = 0; round < 8; round++) {
			for (unsigned int d = 0; d < NUM; d += 2)
				tx(d, 1400, (uint8_t)round);
			wr(0x50, 1);
		}
		u = used_idx(1);
		tap_is_int(u, 8 * NUM / 2, "a flood of 1024 frames into a full host queue: every chain comes back");
		tap_ok(vm->guest_errors > before && strstr(vm->last_error, "frame dropped"),
		       "the drops are logged: %s", vm->last_error);
		tap_ok(drain() < 1024, "and only what fitted went out");
	}

	/* A receive flood: many more frames than buffers. */
	{
		uint8_t frame[200];
		int sent = 0;

		bring_up();
		memset(frame, 0x5a, sizeof(frame));
		for (int i = 0; i < 2000 && send(peer, frame, sizeof(frame), MSG_DONTWAIT) > 0; i++)
			sent++;
		for (unsigned int i = 0; i < 16; i++) {
			desc(0, i, BUF(0, i), 1526, VIRTQ_DESC_F_WRITE, 0);
			avail(0, (uint16_t)i);
		}
		wr(0x50, 0);
		tap_ok(sent > 16 && wait_used(0, 16), "a flood of %d frames fills the 16 buffers there are", sent);
		usleep(100000);
		tap_is_int(used_idx(0), 16, "and no more: the rest wait in the host queue");
		tap_ok(!(rd(0x70) & 64) && rd(0x08) == 1, "the device still answers");
	}
}

int main(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		printf("Bail out! socketpair: %s\n", strerror(errno));
		return 1;
	}
	vm = fake_vm_new(RAM);
	vm->quiet = 1;
	peer = sv[1];
	if (virtio_net_create(vm, NET, GSI, sv[0], mac) < 0) {
		printf("Bail out! virtio_net_create failed\n");
		return 1;
	}
	config_space();
	transmit();
	receive();
	hostile();
	return tap_done();
}
