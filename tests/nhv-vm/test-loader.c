/*
 * test-loader.c - nhv-vm's kernel loaders and firmware tables on a fake VM:
 * a minimal bzImage and multiboot kernels load where their protocols say,
 * with boot_params, e820, initrd, ACPI and MP tables in place; hostile
 * headers (old protocol, setup past the file, load addresses outside RAM,
 * sizes that wrap, unknown multiboot flags, broken ELF) are refused with
 * the reason and leave no half-loaded vCPU.
 */
#include <stdlib.h>
#include <string.h>
#include "userland/lib/tap.h"
#include "userland/nhv-vm/layout.h"
#include "tests/nhv-vm/loadervm.h"

static struct loadervm l;
static char why[512];

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* A bzImage whose header says: protocol 2.15, 64-bit, 16 MiB preferred, 1 MiB init. */
static uint8_t *bzimage(size_t *size)
{
	uint8_t *k = calloc(1, 0x3000);

	k[0x1f1] = 1;				/* setup_sects: 1 + boot sector */
	put16(k + 0x1fe, 0xaa55);
	k[0x200] = 0xeb;
	k[0x201] = 0x66;			/* header ends at 0x268 */
	memcpy(k + 0x202, "HdrS", 4);
	put16(k + 0x206, 0x20f);
	k[0x211] = 1;				/* LOADED_HIGH */
	put32(k + 0x22c, 0x7fffffff);		/* initrd_addr_max */
	put32(k + 0x230, 0x200000);		/* kernel_alignment */
	k[0x234] = 1;				/* relocatable */
	put16(k + 0x236, 1);			/* XLF_KERNEL_64 */
	put32(k + 0x238, 2047);			/* cmdline_size */
	put64(k + 0x258, 0x1000000);		/* pref_address */
	put32(k + 0x260, 0x100000);		/* init_size */
	memcpy(k + 0x400, "KERNEL", 6);
	*size = 0x3000;
	return k;
}

static int load_bz(uint8_t *k, size_t n, const struct blob *initrd, const char *cmdline)
{
	struct blob b = { k, n };

	memset(&l.regs, 0, sizeof(l.regs));
	memset(l.vm.ram, 0, l.vm.ram_size);
	why[0] = 0;
	return load_bzimage(&l.vm, &b, "bz", initrd, cmdline, why, sizeof(why));
}

static void bzimage_ok(void)
{
	struct blob initrd = { (uint8_t *)"INITRD", 6 };
	size_t n;
	uint8_t *k = bzimage(&n), *bp = l.vm.ram + GPA_BOOT_PARAMS, *rsdp;
	uint32_t rd;

	tap_is_int(kernel_kind(&(struct blob){ k, n }), KERNEL_BZIMAGE, "bzImage recognised");
	tap_is_int(load_bz(k, n, &initrd, "console=ttyS0"), 0, "minimal bzImage loads (%s)", why);
	tap_ok(l.regs.rip == 0x1000200 && l.regs.gpr[NHV_RSI] == GPA_BOOT_PARAMS,
	       "entry at pref_address + 0x200 with RSI = boot_params (%#llx)",
	       (unsigned long long)l.regs.rip);
	tap_ok((l.sregs.efer & 0x500) == 0x500 && (l.sregs.cr0 & 0x80000001) == 0x80000001 &&
	       l.sregs.cr3 == GPA_PML4 && l.sregs.cs.selector == 0x10,
	       "long mode, paging on, identity tables, __BOOT_CS");
	tap_ok(!memcmp(l.vm.ram + 0x1000000, "KERNEL", 6), "protected-mode kernel copied to 16 MiB");
	tap_is_str((char *)l.vm.ram + get32(bp + 0x228), "console=ttyS0", "command line reported");
	tap_ok(bp[0x1e8] == 4 && bp[0x210] == 0xff, "4 e820 entries, loader type 0xff");
	rd = get32(bp + 0x218);
	tap_ok(rd % 4096 == 0 && rd + 6 <= l.vm.low_size && get32(bp + 0x21c) == 6 &&
	       !memcmp(l.vm.ram + rd, "INITRD", 6), "initrd page aligned at the top of RAM (%#x)", rd);
	rsdp = l.vm.ram + *(uint64_t *)(bp + 0x70);
	tap_ok(!memcmp(rsdp, "RSD PTR ", 8) && sum(rsdp, 20) == 0 && sum(rsdp, 36) == 0,
	       "RSDP reported in boot_params with both checksums");
	tap_ok(!memcmp(l.vm.ram + GPA_EBDA, "_MP_", 4) && sum(l.vm.ram + GPA_EBDA, 16) == 0,
	       "MP floating pointer in the EBDA with its checksum");
	free(k);
}

/* One hostile change to the good header: refused, and the reason names the file. */
static void bz_bad(const char *name, void (*spoil)(uint8_t *k, size_t *n), const char *reason)
{
	struct blob big = { NULL, 65ull << 20 };
	size_t n;
	uint8_t *k = bzimage(&n);

	spoil(k, &n);
	tap_ok(load_bz(k, n, !strcmp(name, "initrd larger than RAM") ? &big : NULL,
		       !strcmp(name, "command line longer than the kernel takes") ? "abcdefgh" : "x") == -1 &&
	       strstr(why, reason), "%s: refused (%s)", name, why);
	free(k);
}

static void old_protocol(uint8_t *k, size_t *n) { (void)n; put16(k + 0x206, 0x20b); }
static void no_64bit(uint8_t *k, size_t *n) { (void)n; put16(k + 0x236, 0); }
static void setup_past_end(uint8_t *k, size_t *n) { (void)n; k[0x1f1] = 0xff; }
static void load_beyond_ram(uint8_t *k, size_t *n) { (void)n; put64(k + 0x258, 0x40000000); }
static void load_wraps(uint8_t *k, size_t *n) { (void)n; put64(k + 0x258, 0xffffffffffe00000ull); }
static void init_size_huge(uint8_t *k, size_t *n) { (void)n; put32(k + 0x260, 0xfffff000); }
static void low_load(uint8_t *k, size_t *n) { (void)n; put64(k + 0x258, 0x1000); }
static void nothing(uint8_t *k, size_t *n) { (void)k; (void)n; }
static void short_cmdline(uint8_t *k, size_t *n) { (void)n; put32(k + 0x238, 3); }

static void bzimage_hostile(void)
{
	bz_bad("boot protocol 2.11", old_protocol, "without a 64-bit entry point");
	bz_bad("no XLF_KERNEL_64", no_64bit, "without a 64-bit entry point");
	bz_bad("setup sectors past the end of the file", setup_past_end, "larger than the file");
	bz_bad("preferred address beyond RAM", load_beyond_ram, "more than memsize");
	bz_bad("preferred address that wraps with init_size", load_wraps, "more than memsize");
	bz_bad("init_size near 4 GiB", init_size_huge, "more than memsize");
	bz_bad("preferred address below 1 MiB", low_load, "unusable");
	bz_bad("initrd larger than RAM", nothing, "does not fit");
	bz_bad("command line longer than the kernel takes", short_cmdline, "command line of 8 bytes");
}

/* Multiboot with the address fields: header at 0, loaded at addr, entry at addr + 0x20. */
static uint8_t *mb_aout(size_t *n, uint32_t flags, uint32_t header_addr, uint32_t load_addr,
			uint32_t load_end, uint32_t bss_end)
{
	uint8_t *k = calloc(1, 0x1000);

	put32(k, 0x1badb002);
	put32(k + 4, flags);
	put32(k + 8, (uint32_t)-(0x1badb002u + flags));
	put32(k + 12, header_addr);
	put32(k + 16, load_addr);
	put32(k + 20, load_end);
	put32(k + 24, bss_end);
	put32(k + 28, load_addr + 0x20);
	*n = 0x1000;
	return k;
}

static int load_mb(uint8_t *k, size_t n, const struct blob *mod)
{
	struct blob b = { k, n };

	memset(&l.regs, 0, sizeof(l.regs));
	why[0] = 0;
	return load_multiboot(&l.vm, &b, "mb", mod, "mod.txt", "hello", why, sizeof(why));
}

static void multiboot(void)
{
	struct blob mod = { (uint8_t *)"MODULE", 6 };
	uint8_t *mbi = l.vm.ram + GPA_MB_INFO, *m;
	size_t n;
	uint8_t *k = mb_aout(&n, 0x10003, 0x100000, 0x100000, 0, 0x200000);

	tap_is_int(kernel_kind(&(struct blob){ k, n }), KERNEL_MULTIBOOT, "multiboot recognised");
	tap_is_int(load_mb(k, n, &mod), 0, "a.out-kludge multiboot kernel loads (%s)", why);
	tap_ok(l.regs.gpr[NHV_RAX] == 0x2badb002 && l.regs.gpr[NHV_RBX] == GPA_MB_INFO &&
	       l.regs.rip == 0x100020 && l.sregs.cr0 == 0x11,
	       "protected mode at the entry, EAX magic, EBX the information");
	m = l.vm.ram + get32(mbi + 24);
	tap_ok((get32(mbi) & 0x24d) == 0x24d && get32(mbi + 20) == 1 && get32(m) % 4096 == 0 &&
	       get32(m) >= 0x200000 && !memcmp(l.vm.ram + get32(m), "MODULE", 6) &&
	       !strcmp((char *)l.vm.ram + get32(mbi + 16), "hello"),
	       "memory, command line, module (page aligned after the BSS) and memory map reported");
	free(k);

#define MB_BAD(name, flags, ha, la, le, be, reason) do {				\
		k = mb_aout(&n, flags, ha, la, le, be);					\
		tap_ok(load_mb(k, n, NULL) == -1 && strstr(why, reason),		\
		       "%s: refused (%s)", name, why);					\
		free(k);								\
	} while (0)
	MB_BAD("header_addr below load_addr", 0x10000, 0x100000, 0x100010, 0, 0, "header_addr");
	MB_BAD("load below 1 MiB", 0x10000, 0x1000, 0x1000, 0, 0, "outside the file or guest RAM");
	MB_BAD("load_end below load_addr", 0x10000, 0x100000, 0x100000, 0xff000, 0, "outside");
	MB_BAD("bss_end near 4 GiB", 0x10000, 0x100000, 0x100000, 0, 0xfffff000, "outside");
	MB_BAD("load_end past the file", 0x10000, 0x100000, 0x100000, 0x200000, 0, "outside");
	MB_BAD("video mode and unknown flags", 0x1000c, 0x100000, 0x100000, 0, 0, "features 0x8");
	MB_BAD("no address fields and not ELF", 0x3, 0, 0, 0, 0, "i386 ELF");
}

/* ELF32 with one PT_LOAD; spoil picks the hostile variant. */
static void elf(const char *name, uint32_t phoff, uint32_t paddr, uint32_t filesz, uint32_t memsz,
		uint16_t machine, const char *reason)
{
	uint8_t *k = calloc(1, 0x2000), *ph;
	int r;

	put32(k + 0x1000, 0x1badb002);
	put32(k + 0x1004, 3);
	put32(k + 0x1008, (uint32_t)-(0x1badb002u + 3));
	memcpy(k, "\177ELF\1\1\1", 7);
	put16(k + 18, machine);
	put32(k + 24, paddr);
	put32(k + 28, phoff);
	put16(k + 42, 32);
	put16(k + 44, 1);
	ph = k + (phoff < 0x1000 ? phoff : 0x40);
	put32(ph, 1);
	put32(ph + 4, 0x1000);
	put32(ph + 12, paddr);
	put32(ph + 16, filesz);
	put32(ph + 20, memsz);
	r = load_mb(k, 0x2000, NULL);
	if (!reason)
		tap_ok(r == 0 && l.regs.rip == paddr && !memcmp(l.vm.ram + paddr, "\x02\xb0\xad\x1b", 4),
		       "%s: loads at its physical address (%s)", name, why);
	else
		tap_ok(r == -1 && strstr(why, reason), "%s: refused (%s)", name, why);
	free(k);
}

static void multiboot_elf(void)
{
	elf("ELF32 kernel", 0x40, 0x100000, 0x1000, 0x3000, 3, NULL);
	elf("ELF program headers past the file", 0xfffffff0, 0x100000, 0x1000, 0x1000, 3,
	    "program headers outside the file");
	elf("ELF segment at 0", 0x40, 0, 0x1000, 0x1000, 3, "outside the file or guest RAM");
	elf("ELF segment larger in the file than in memory", 0x40, 0x100000, 0x1000, 0x10, 3, "outside");
	elf("ELF segment reading past the file", 0x40, 0x100000, 0x100000, 0x100000, 3, "outside");
	elf("ELF segment wrapping 4 GiB", 0x40, 0xfffff000, 0x1000, 0x2000, 3, "outside");
	elf("x86-64 ELF", 0x40, 0x100000, 0x1000, 0x1000, 62, "i386 ELF");
}

int main(void)
{
	if (loadervm_init(&l, 64)) {
		tap_ok(0, "64 MiB for the fake guest");
		return tap_done();
	}
	bzimage_ok();
	bzimage_hostile();
	multiboot();
	multiboot_elf();
	tap_is_int(kernel_kind(&(struct blob){ (uint8_t *)"not a kernel", 12 }), KERNEL_UNKNOWN,
		   "a text file is neither kind");
	loadervm_free(&l);
	return tap_done();
}
