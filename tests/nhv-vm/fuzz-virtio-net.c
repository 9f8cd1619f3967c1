/*
 * fuzz-virtio-net.c - libFuzzer target for virtio-net's transmit and
 * receive paths on one fake VM: the input is a list of 8-byte operations
 * (register writes and reads, guest RAM writes so rings and descriptor
 * chains take any shape, frames sent in from the host side, a canned
 * driver set-up of both queues, notifications).  The receive thread runs
 * as in nhv-vm.  Nothing may crash, hang or trip the sanitizers.
 *
 *   byte 0: operation (low 3 bits)  bytes 1-3: argument  bytes 4-7: value
 */
#include "tests/nhv-vm/fakevm.h"
#include "userland/nhv-vm/devices/devices.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define RAM (64u << 10)
#define NET 0xd0000000ull

static int peer;

static void wr(struct vm *vm, uint64_t off, uint32_t v)
{
	fake_mmio_write(vm, NET + off, v, 4);
}

static struct vm *setup(void)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 1 };
	struct vm *vm = fake_vm_new(RAM);
	int sv[2];

	vm->quiet = 1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0 ||
	    virtio_net_create(vm, NET, 5, sv[0], mac) < 0)
		abort();
	peer = sv[1];
	return vm;
}

/* Linux's order: features, both queues of size num at fixed places in RAM, DRIVER_OK. */
static void bring_up(struct vm *vm, uint32_t num, uint32_t features)
{
	wr(vm, 0x70, 0);
	wr(vm, 0x70, 3);
	wr(vm, 0x24, 0);
	wr(vm, 0x20, features);
	wr(vm, 0x24, 1);
	wr(vm, 0x20, 1);
	wr(vm, 0x70, 11);
	for (uint32_t q = 0; q < 2; q++) {
		wr(vm, 0x30, q);
		wr(vm, 0x38, num);
		wr(vm, 0x80, 0x1000 + q * 0x4000);
		wr(vm, 0x90, 0x2000 + q * 0x4000);
		wr(vm, 0xa0, 0x3000 + q * 0x4000);
		wr(vm, 0x44, 1);
	}
	wr(vm, 0x70, 15);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vm *vm;
	uint8_t frame[2048], sink[70000];

	if (vm == NULL)
		vm = setup();
	fake_vm_reset(vm);
	while (recv(peer, sink, sizeof(sink), MSG_DONTWAIT) > 0)
		;
	memset(vm->ram, 0, RAM);
	for (size_t i = 0; i + 8 <= size; i += 8) {
		const uint8_t *op = data + i;
		uint32_t val = (uint32_t)op[4] | (uint32_t)op[5] << 8 | (uint32_t)op[6] << 16 | (uint32_t)op[7] << 24;

		switch (op[0] & 7) {
		case 0:
			fake_mmio_write(vm, NET + (((uint32_t)op[1] << 2 | (op[2] & 3)) % 0x110), val, 1u << (op[3] % 4));
			break;
		case 1:
			(void)fake_mmio_read(vm, NET + (((uint32_t)op[1] << 2 | (op[2] & 3)) % 0x110), 1u << (op[3] % 4));
			break;
		case 2:
		case 3: {
			uint32_t off = ((uint32_t)op[1] << 8 | op[2]) % (RAM - 4);

			memcpy(vm->ram + off, op + 4, 4);
			break;
		}
		case 4: {
			size_t len = ((size_t)op[1] << 3 | (op[2] & 7)) % sizeof(frame);

			memset(frame, op[3], len);
			memcpy(frame, op + 4, len < 4 ? len : 4);
			(void)send(peer, frame, len, MSG_DONTWAIT);
			break;
		}
		case 5:
			while (recv(peer, sink, sizeof(sink), MSG_DONTWAIT) > 0)
				;
			break;
		case 6:
			bring_up(vm, 1u << (op[1] % 9), val);
			break;
		case 7:
			wr(vm, 0x50, op[1] & 1);
			break;
		}
	}
	return 0;
}
