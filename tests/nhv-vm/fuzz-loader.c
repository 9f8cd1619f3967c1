/*
 * fuzz-loader.c - libFuzzer target for nhv-vm's kernel loaders: any file
 * is refused with a reason or loaded into a 64 MiB guest without touching
 * memory outside it, and a load that succeeds leaves the boot vCPU where
 * the protocol says (64-bit entry at load + 0x200, or the multiboot magic).
 */
#include <stdlib.h>
#include <string.h>
#include "tests/nhv-vm/loadervm.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct loadervm l;
	static int ready;
	struct blob k = { (uint8_t *)data, size }, initrd = { (uint8_t *)"module\n", 7 };
	char why[512] = "";
	int r;

	if (!ready) {
		if (loadervm_init(&l, 64))
			abort();
		ready = 1;
	}
	memset(&l.regs, 0, sizeof(l.regs));
	switch (kernel_kind(&k)) {
	case KERNEL_BZIMAGE:
		r = load_bzimage(&l.vm, &k, "fuzz", size & 1 ? &initrd : NULL, "console=ttyS0",
				 why, sizeof(why));
		if (r == 0 && (l.sregs.efer & 0x400) == 0)
			abort();	/* loaded but not in long mode */
		break;
	case KERNEL_MULTIBOOT:
		r = load_multiboot(&l.vm, &k, "fuzz", size & 1 ? &initrd : NULL, "mod", "cmd",
				   why, sizeof(why));
		if (r == 0 && l.regs.gpr[NHV_RAX] != 0x2badb002)
			abort();
		break;
	default:
		return 0;
	}
	if (r && !why[0])
		abort();	/* refused without a reason */
	return 0;
}
