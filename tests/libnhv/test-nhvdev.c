/*
 * test-nhvdev.c - the /dev/nhv wrapper (userland/lib/nhvdev.c) where no
 * nhv.ko is loaded: errors name the module path, a VM on a descriptor that
 * is not /dev/nhv fails cleanly, and the memory helpers write where asked.
 * (With the module: tests/kernel-vmm/selftest-*.t run nhv-selftest.)
 */
#include "userland/lib/nhvdev.h"
#include "userland/lib/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	char why[256] = "";
	struct tvm vm;
	uint8_t *mem = calloc(1, 1 << 16);
	uint16_t ent[2];
	int fd, r;

	if (access("/dev/nhv", F_OK) == 0 || access("/sys/class/misc/nhv", F_OK) == 0) {
		tap_skip(2, "nhv.ko is loaded on this machine");
	} else {
		tap_is_int(nhv_open("/nonexistent/nhv.ko", why, sizeof(why)), -1,
			   "no /dev/nhv and no module file: -1");
		tap_ok(strstr(why, "/nonexistent/nhv.ko") != NULL, "the error names the module: %s", why);
	}
	fd = open("/dev/null", O_RDWR);
	r = tvm_create(&vm, fd, 1 << 20);
	tap_ok(r < 0, "a VM on /dev/null fails (%d: %s)", r, strerror(-r));
	tap_ok(vm.vmfd == -1 && vm.cpufd == -1 && vm.map == NULL, "and leaves nothing open or mapped");
	close(fd);

	memset(&vm, 0, sizeof(vm));
	vm.mem = mem;
	vm.memsize = 1 << 16;
	tvm_load(&vm, 0x1000, "\xf4\xeb\xfd", 3);
	tap_ok(memcmp(mem + 0x1000, "\xf4\xeb\xfd", 3) == 0, "tvm_load copies to the guest address");
	tvm_set_ivt(&vm, 0x20, 0x1800);
	memcpy(ent, mem + 0x80, 4);
	tap_ok(ent[0] == 0x1800 && ent[1] == 0, "tvm_set_ivt: vector 0x20 -> 0000:1800 at 0x80");
	free(mem);
	return tap_done();
}
