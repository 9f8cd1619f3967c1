/*
 * test-devices-virtio.c - the virtio-mmio transport with virtio-blk and
 * virtio-rng behind it, driven through registers as Linux's virtio_mmio
 * driver does: negotiation, queue setup, requests to a raw file (read,
 * write, flush, get ID, errors), interrupts, read-only disks, and hostile
 * register and ring use ending in DEVICE_NEEDS_RESET, not a crash.
 */
#include "tests/lib/tap.h"
#include "tests/nhv-vm/vring.h"
#include "userland/nhv-vm/devices/devices.h"
#include "userland/nhv-vm/devices/virtq.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define RAM (1u << 20)
#define BLK 0xd0000000ull
#define RNG 0xd0001000ull
#define BLK_GSI 5
#define RNG_GSI 6
#define NUM 8

static struct vm *vm;
static char image[64];

static uint32_t rd(uint64_t base, uint64_t off)
{
	return (uint32_t)fake_mmio_read(vm, base + off, 4);
}

static void wr(uint64_t base, uint64_t off, uint32_t v)
{
	fake_mmio_write(vm, base + off, v, 4);
}

/* Linux's probe and vm_setup_vq for queue 0; returns the status read back. */
static uint32_t bring_up(uint64_t base, uint64_t features)
{
	memset(vm->ram, 0, RAM);
	wr(base, 0x70, 0);
	wr(base, 0x70, 1);
	wr(base, 0x70, 1 | 2);
	wr(base, 0x24, 0);
	wr(base, 0x20, (uint32_t)features);
	wr(base, 0x24, 1);
	wr(base, 0x20, (uint32_t)(features >> 32));
	wr(base, 0x70, 1 | 2 | 8);
	if (!(rd(base, 0x70) & 8))
		return rd(base, 0x70);
	wr(base, 0x30, 0);
	wr(base, 0x38, NUM);
	wr(base, 0x80, (uint32_t)VR_DESC);
	wr(base, 0x84, 0);
	wr(base, 0x90, (uint32_t)VR_AVAIL);
	wr(base, 0x94, 0);
	wr(base, 0xa0, (uint32_t)VR_USED);
	wr(base, 0xa4, 0);
	wr(base, 0x44, 1);
	wr(base, 0x70, 1 | 2 | 4 | 8);
	return rd(base, 0x70);
}

static uint64_t offered(uint64_t base)
{
	wr(base, 0x14, 1);
	uint64_t hi = rd(base, 0x10);

	wr(base, 0x14, 0);
	return hi << 32 | rd(base, 0x10);
}

/*
 * A block request in descriptors 0-2: header (type, sector), data of len
 * bytes at VR_BUF + 0x1000 (device-writable for reads), status at VR_BUF.
 */
static uint8_t blk_req(uint32_t type, uint64_t sector, uint32_t len, int data_writable, uint32_t *used_len)
{
	static uint16_t served;
	uint32_t id;

	if (vr_used_idx(vm) == 0)
		served = 0;
	vr_put(vm, VR_BUF + 0x100, type, 4);
	vr_put(vm, VR_BUF + 0x104, 0, 4);
	vr_put(vm, VR_BUF + 0x108, sector, 8);
	vm->ram[VR_BUF] = 0xee;
	vr_desc(vm, VR_DESC, 0, VR_BUF + 0x100, 16, VIRTQ_DESC_F_NEXT, len ? 1 : 2);
	vr_desc(vm, VR_DESC, 1, VR_BUF + 0x1000, len, VIRTQ_DESC_F_NEXT | (data_writable ? VIRTQ_DESC_F_WRITE : 0), 2);
	vr_desc(vm, VR_DESC, 2, VR_BUF, 1, VIRTQ_DESC_F_WRITE, 0);
	vr_avail(vm, NUM, 0);
	wr(BLK, 0x50, 0);
	if (vr_used_idx(vm) != (uint16_t)(served + 1)) {
		*used_len = 0xdead;
		return 0xee;
	}
	vr_used(vm, NUM, served++, &id, used_len);
	return vm->ram[VR_BUF];
}

static void blk_registers(void)
{
	uint64_t f = offered(BLK);

	tap_is_int(rd(BLK, 0x00), 0x74726976, "magic \"virt\"");
	tap_is_int(rd(BLK, 0x04), 2, "version 2");
	tap_is_int(rd(BLK, 0x08), 2, "device ID 2 (block)");
	tap_ok(f >> 32 & 1, "VIRTIO_F_VERSION_1 offered (features %#llx)", (unsigned long long)f);
	tap_ok((f >> 9 & 1) && (f >> 2 & 1) && !(f >> 5 & 1), "FLUSH and SEG_MAX offered, not RO");
	tap_ok((f >> 28 & 1) && (f >> 29 & 1), "INDIRECT_DESC and EVENT_IDX offered");
	tap_is_int(fake_mmio_read(vm, BLK + 0x100, 8), 2048, "config capacity: 2048 sectors (1 MiB)");
	tap_is_int(fake_mmio_read(vm, BLK + 0x100, 1), 0, "config byte read");
	tap_is_int(fake_mmio_read(vm, BLK + 0x101, 2), 8, "unaligned 16-bit config read (bytes 1-2 of 2048)");
	tap_is_int(rd(BLK, 0x10c), 254, "config seg_max 254");
	tap_is_int(rd(BLK, 0xfc), 0, "config generation");
	tap_is_int(rd(BLK, 0x34), 256, "QueueNumMax 256");
	wr(BLK, 0x30, 1);
	tap_is_int(rd(BLK, 0x34), 0, "QueueNumMax 0 for a queue that does not exist");
	wr(BLK, 0x30, 0);
	tap_ok(!(bring_up(BLK, 1ull << 9) & 8), "features without VERSION_1: FEATURES_OK refused");
	tap_ok(!(bring_up(BLK, 1ull << 32 | 1ull << 40) & 8), "features not offered: FEATURES_OK refused");
	tap_is_int(bring_up(BLK, 1ull << 32 | 1ull << 9), 0x0f, "VERSION_1 + FLUSH: DRIVER_OK");
	tap_is_int(rd(BLK, 0x44), 1, "queue 0 ready");
}

static void blk_io(void)
{
	uint32_t used;
	uint8_t st;
	char file[512];
	unsigned int errors;
	int fd;

	memset(vm->ram + VR_BUF + 0x1000, 'W', 1024);
	st = blk_req(1, 2, 1024, 0, &used);
	tap_ok(st == 0 && used == 1, "write 2 sectors at sector 2: OK, used length 1 (status %u, used %u)", st, used);
	tap_ok(vm->irq_level[BLK_GSI] == 1 && rd(BLK, 0x60) == 1, "used-buffer interrupt raised");
	wr(BLK, 0x64, 1);
	tap_is_int(vm->irq_level[BLK_GSI], 0, "InterruptACK lowers the line");
	st = blk_req(4, 0, 0, 0, &used);
	tap_ok(st == 0 && used == 1, "flush: OK");
	fd = open(image, O_RDONLY);
	tap_ok(fd >= 0 && pread(fd, file, 512, 3 * 512) == 512 && file[0] == 'W' && file[511] == 'W',
	       "the flushed write is in the image file");
	close(fd);
	memset(vm->ram + VR_BUF + 0x1000, 0, 2048);
	st = blk_req(0, 1, 2048, 1, &used);
	tap_ok(st == 0 && used == 2049, "read 4 sectors at sector 1: OK, used length 2049 (%u)", used);
	tap_ok(vm->ram[VR_BUF + 0x1000] == 'i' && vm->ram[VR_BUF + 0x1000 + 512] == 'W' &&
	       vm->ram[VR_BUF + 0x1000 + 1535] == 'W' && vm->ram[VR_BUF + 0x1000 + 1536] == 'i',
	       "read data: original, written, written, original");
	st = blk_req(8, 0, 20, 1, &used);
	tap_ok(st == 0 && used == 21 && memcmp(vm->ram + VR_BUF + 0x1000, "test-virtio-", 12) == 0,
	       "get ID: the image's base name, 20 bytes (used %u)", used);
	errors = vm->guest_errors;
	st = blk_req(0, 2047, 1024, 1, &used);
	tap_is_int(st, 1, "read past the end of the disk: IOERR");
	st = blk_req(1, ~0ull, 512, 0, &used);
	tap_is_int(st, 1, "write at sector 2^64-1 (overflow): IOERR");
	st = blk_req(0, 0, 100, 1, &used);
	tap_is_int(st, 1, "read of 100 bytes (not whole sectors): IOERR");
	st = blk_req(11, 0, 0, 0, &used);
	tap_is_int(st, 2, "discard (not offered): UNSUPP");
	tap_ok(vm->guest_errors == errors + 3 && strstr(vm->last_error, "not whole sectors") != NULL,
	       "the three bad requests are logged, the last: %s", vm->last_error);
}

static void blk_hostile(void)
{
	unsigned int errors;

	bring_up(BLK, 1ull << 32);
	vr_desc(vm, VR_DESC, 0, VR_BUF, 16, VIRTQ_DESC_F_NEXT, 1);
	vr_desc(vm, VR_DESC, 1, VR_BUF, 16, VIRTQ_DESC_F_NEXT, 0);
	vr_avail(vm, NUM, 0);
	wr(BLK, 0x50, 0);
	tap_ok(rd(BLK, 0x70) & 64, "a descriptor loop sets DEVICE_NEEDS_RESET");
	tap_ok(rd(BLK, 0x60) & 2, "and raises a configuration-change interrupt");
	tap_ok(strstr(vm->last_error, "loop") != NULL, "and is logged: %s", vm->last_error);
	vr_desc(vm, VR_DESC, 2, VR_BUF, 16, 0, 0);
	vr_avail(vm, NUM, 2);
	wr(BLK, 0x50, 0);
	tap_is_int(vr_used_idx(vm), 0, "a broken device ignores further notifications");
	tap_is_int(bring_up(BLK, 1ull << 32), 0x0f, "a reset (status 0) brings it back");

	vr_desc(vm, VR_DESC, 0, VR_BUF, 16, 0, 0);	/* header, no status byte */
	vr_avail(vm, NUM, 0);
	wr(BLK, 0x50, 0);
	tap_ok(rd(BLK, 0x70) & 64, "a request without a status byte: DEVICE_NEEDS_RESET");

	bring_up(BLK, 1ull << 32);
	vr_desc(vm, VR_DESC, 0, VR_BUF, 8, VIRTQ_DESC_F_NEXT, 1);	/* 8-byte header */
	vr_desc(vm, VR_DESC, 1, VR_BUF + 0x10, 1, VIRTQ_DESC_F_WRITE, 0);
	vr_avail(vm, NUM, 0);
	wr(BLK, 0x50, 0);
	tap_ok(rd(BLK, 0x70) & 64, "a short header: DEVICE_NEEDS_RESET");

	bring_up(BLK, 1ull << 32);
	vr_put(vm, VR_AVAIL + 2, 1000, 2);
	wr(BLK, 0x50, 0);
	tap_ok(rd(BLK, 0x70) & 64, "available index 1000 ahead: DEVICE_NEEDS_RESET");

	wr(BLK, 0x70, 0);
	wr(BLK, 0x70, 1 | 2);
	wr(BLK, 0x20, 0);
	wr(BLK, 0x24, 1);
	wr(BLK, 0x20, 1);
	wr(BLK, 0x70, 1 | 2 | 8);
	wr(BLK, 0x38, 512);
	wr(BLK, 0x44, 1);
	tap_ok((rd(BLK, 0x70) & 64) && rd(BLK, 0x44) == 0, "queue size above QueueNumMax: not ready, needs reset");
	wr(BLK, 0x70, 0);
	wr(BLK, 0x70, 1 | 2 | 8);
	wr(BLK, 0x70, 0);
	wr(BLK, 0x70, 1 | 2);
	wr(BLK, 0x24, 1);
	wr(BLK, 0x20, 1);
	wr(BLK, 0x70, 1 | 2 | 8);
	wr(BLK, 0x38, NUM);
	wr(BLK, 0x80, (uint32_t)(RAM - 64));
	wr(BLK, 0x90, (uint32_t)VR_AVAIL);
	wr(BLK, 0xa0, (uint32_t)VR_USED);
	wr(BLK, 0x44, 1);
	tap_ok((rd(BLK, 0x70) & 64) && rd(BLK, 0x44) == 0, "descriptor table past RAM: not ready, needs reset");
	wr(BLK, 0x70, 0);
	wr(BLK, 0x50, 0);
	tap_is_int(vr_used_idx(vm), 0, "notify before DRIVER_OK does nothing");

	errors = vm->guest_errors;
	fake_mmio_write(vm, BLK + 0x70, 0xf, 2);
	tap_ok(vm->guest_errors == errors + 1 && rd(BLK, 0x70) == 0, "16-bit register write refused and logged");
	for (unsigned int i = 0; i < 200000; i++) {
		uint32_t x = i * 2654435761u;

		if (i % 97 == 0)
			memset(vm->ram + VR_DESC, (int)(x >> 8), 0x4000);
		if (i % 7 == 0)
			fake_mmio_write(vm, BLK + (x % 0x100 & ~3u), x >> 3, 4);
		else if (i % 7 == 1)
			fake_mmio_read(vm, BLK + (x % 0x1000), 1 << (x % 4));
		else
			wr(BLK, (x >> 11) % 0x100 & ~3u, (i & 1) ? x : (x & 0xff));
	}
	tap_ok(bring_up(BLK, 1ull << 32 | 1ull << 9) == 0x0f, "200000 random register accesses and rings later, a reset recovers");
	memset(vm->ram + VR_BUF + 0x1000, 0, 512);
	tap_ok(blk_req(0, 2, 512, 1, &errors) == 0 && vm->ram[VR_BUF + 0x1000] == 'W', "and reads the disk");
}

static void blk_read_only(void)
{
	struct vm *saved = vm;
	uint32_t used;

	vm = fake_vm_new(RAM);
	tap_is_int(virtio_blk_create(vm, BLK, BLK_GSI, image, 1), 0, "a read-only virtio-blk");
	tap_ok(offered(BLK) >> 5 & 1, "VIRTIO_BLK_F_RO offered");
	bring_up(BLK, 1ull << 32 | 1ull << 5);
	memset(vm->ram + VR_BUF + 0x1000, 'X', 512);
	tap_is_int(blk_req(1, 0, 512, 0, &used), 1, "a write to a read-only disk: IOERR");
	tap_ok(blk_req(0, 0, 512, 1, &used) == 0 && vm->ram[VR_BUF + 0x1000] == 'i', "reads still work, data unchanged");
	fake_vm_free(vm);
	vm = saved;
	if (geteuid() == 0) {
		tap_skip(1, "root opens a 0444 file for writing");
	} else {
		struct vm *v2 = fake_vm_new(RAM);

		chmod(image, 0444);
		vm = v2;
		virtio_blk_create(vm, BLK, BLK_GSI, image, 0);
		tap_ok(offered(BLK) >> 5 & 1, "a file without write permission is offered read-only");
		chmod(image, 0644);
		fake_vm_free(v2);
		vm = saved;
	}
	tap_is_int(virtio_blk_create(vm, 0xd0010000, 7, "/nonexistent/disk.img", 0), -1,
		   "a missing image is refused (message on stderr)");
	tap_is_int(virtio_blk_create(vm, 0xd0010000, 7, "/", 0), -1, "a directory is refused");
}

static void rng(void)
{
	uint32_t id, len;
	int nonzero = 0;

	tap_is_int(rd(RNG, 0x08), 4, "virtio-rng: device ID 4");
	tap_is_int(bring_up(RNG, 1ull << 32 | 1ull << 29), 0x0f, "virtio-rng up with event index");
	vr_desc(vm, VR_DESC, 0, VR_BUF, 64, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	vr_desc(vm, VR_DESC, 1, VR_BUF + 64, 64, VIRTQ_DESC_F_WRITE, 0);
	vr_avail(vm, NUM, 0);
	wr(RNG, 0x50, 0);
	vr_used(vm, NUM, 0, &id, &len);
	tap_ok(vr_used_idx(vm) == 1 && id == 0 && len == 128, "128 random bytes returned (used len %u)", len);
	for (int i = 0; i < 128; i++)
		nonzero += vm->ram[VR_BUF + i] != 0;
	tap_ok(nonzero > 64, "the buffers hold random bytes (%d of 128 not zero)", nonzero);
	tap_is_int(vr_get(vm, VR_USED + 4 + 8 * NUM, 2), 1, "avail_event published after the work");
	tap_is_int(vm->irq_level[RNG_GSI], 1, "interrupt (first one with event index)");
	fake_vm_reset(vm);
	tap_ok(rd(RNG, 0x70) == 0 && vm->irq_level[RNG_GSI] == 0, "VM reset: status 0, line low");
}

int main(void)
{
	int fd;
	static char fill[1 << 20];

	snprintf(image, sizeof(image), "/tmp/test-virtio-XXXXXX");
	fd = mkstemp(image);
	memset(fill, 'i', sizeof(fill));
	if (fd < 0 || write(fd, fill, sizeof(fill)) != (ssize_t)sizeof(fill)) {
		perror("test image");
		return 1;
	}
	close(fd);
	vm = fake_vm_new(RAM);
	tap_is_int(virtio_blk_create(vm, BLK, BLK_GSI, image, 0), 0, "virtio_blk_create");
	tap_is_int(virtio_rng_create(vm, RNG, RNG_GSI), 0, "virtio_rng_create");
	blk_registers();
	blk_io();
	blk_hostile();
	blk_read_only();
	rng();
	fake_vm_free(vm);
	unlink(image);
	return tap_done();
}
