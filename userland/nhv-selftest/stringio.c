/*
 * stringio.c - INS/OUTS with and without REP: one I/O exit per element in
 * order, RSI/RDI/RCX stepped (backwards with DF), all ones from a port that
 * does not exit, no exit for a zero count, and a stopped VM (not a host
 * problem) for an element outside guest RAM.  Port 0x16 exits to user space.
 */
#include <stdint.h>
#include <string.h>
#include "userland/lib/nhvdev.h"
#include "userland/lib/tap.h"
#include "guests.h"
#include "selftest.h"

GUEST(g_string_io, ".code32",
	"cld\n"
	"mov $0x16, %dx\n"
	"mov $0x6000, %esi\n"
	"mov $4, %ecx\n"
	"rep outsb\n"
	"mov $0x6100, %edi\n"
	"mov $3, %ecx\n"
	"rep insw\n"
	"mov %ecx, %eax\n"
	"out %eax, $0x10\n"
	"mov %edi, %eax\n"
	"out %eax, $0x10\n"
	"mov $0x80, %dx\n"
	"mov $0x6200, %edi\n"
	"insl\n"
	"std\n"
	"mov $0x16, %dx\n"
	"mov $0x6003, %esi\n"
	"mov $2, %ecx\n"
	"rep outsb\n"
	"cld\n"
	"mov %esi, %eax\n"
	"out %eax, $0x10\n"
	"xor %ecx, %ecx\n"
	"rep outsb\n"
	"mov $0x10000000, %esi\n"
	"outsb\n"
	"cli\n"
	"hlt\n");

static int string_exit(struct tvm *vm, int dir, int size, uint32_t *data)
{
	int x = tvm_run(vm);

	if (x != NHV_EXIT_IO || vm->run->io.port != 0x16 ||
	    vm->run->io.direction != dir || vm->run->io.size != size) {
		tap_diag("expected a %s of %d to port 0x16, got exit %d", dir == NHV_IO_IN ?
			"IN" : "OUT", size, x);
		return -1;
	}
	*data = vm->run->io.data;
	return 0;
}

void test_string_io(int sysfd)
{
	static const uint8_t src[4] = { 0xa1, 0xa2, 0xa3, 0xa4 };
	static const uint8_t want_in[6] = { 0x11, 0x11, 0x22, 0x22, 0x33, 0x33 };
	uint32_t d, got[4] = { 0 };
	struct tvm vm;
	int i, ok, x;

	if (prot_vm(&vm, sysfd, &g_string_io, 0, 0))
		return;
	tvm_load(&vm, 0x6000, src, sizeof(src));
	for (i = 0, ok = 1; i < 4 && ok; i++)
		ok = !string_exit(&vm, NHV_IO_OUT, 1, &got[i]);
	tap_ok(ok && got[0] == 0xa1 && got[1] == 0xa2 && got[2] == 0xa3 && got[3] == 0xa4,
	      "REP OUTSB: one exit per byte, in order (%#x %#x %#x %#x)",
	      got[0], got[1], got[2], got[3]);
	for (i = 0, ok = 1; i < 3 && ok; i++) {
		ok = !string_exit(&vm, NHV_IO_IN, 2, &d);
		vm.run->io.data = 0x1111u * (i + 1);
	}
	tap_ok(ok, "REP INSW: three IN exits of 2 bytes");
	if (!out_to(&vm, 0x10, &d))
		tap_is_int(d, 0, "REP INSW: ECX counted down to 0");
	if (!out_to(&vm, 0x10, &d))
		tap_is_int(d, 0x6106, "REP INSW: EDI advanced by 6");
	tap_ok(!memcmp(vm.mem + 0x6100, want_in, sizeof(want_in)),
	      "REP INSW: the IN data is in guest memory at ES:EDI");
	ok = !string_exit(&vm, NHV_IO_OUT, 1, &got[0]) &&
	     !string_exit(&vm, NHV_IO_OUT, 1, &got[1]);
	tap_ok(ok && got[0] == 0xa4 && got[1] == 0xa3,
	      "REP OUTSB with DF=1 walks backwards (%#x %#x)", got[0], got[1]);
	memcpy(&d, vm.mem + 0x6200, 4);
	tap_is_int(d, 0xffffffffu, "INSD from a port without a device stores all ones");
	if (!out_to(&vm, 0x10, &d))
		tap_is_int(d, 0x6001, "ESI after the backward REP OUTSB");
	x = tvm_run(&vm);
	tap_ok(x == NHV_EXIT_INTERNAL && vm.run->internal.suberror == NHV_INTERNAL_STRING_IO &&
	      vm.run->internal.data[1] == 0x10000000,
	      "REP with ECX=0 moves nothing; OUTSB from outside RAM stops the VM (exit %d, %#llx)",
	      x, (unsigned long long)vm.run->internal.data[1]);
	tvm_destroy(&vm);
}
