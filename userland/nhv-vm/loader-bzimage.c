/*
 * loader-bzimage.c - Linux through the x86 64-bit boot protocol
 * (Documentation/x86/boot.rst, "64-bit Boot Protocol"): the setup header
 * copied into a zeroed boot_params, an e820 map, the command line, the
 * initrd at the top of low RAM, identity-mapped page tables for the first
 * 4 GiB, a flat GDT, and entry in long mode at the load address + 0x200
 * with RSI = boot_params.
 */
#include <stdio.h>
#include <string.h>
#include "userland/nhv-vm/layout.h"
#include "userland/nhv-vm/loader.h"

/* boot_params and setup-header offsets (boot.rst, arch/x86/include/uapi/asm/bootparam.h). */
#define BP_ACPI_RSDP		0x070
#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_EXT_CMD_LINE_PTR	0x0c8
#define BP_E820_ENTRIES		0x1e8
#define HDR_SETUP_SECTS		0x1f1
#define HDR_BOOT_FLAG		0x1fe
#define HDR_JUMP		0x200
#define HDR_MAGIC		0x202
#define HDR_VERSION		0x206
#define HDR_TYPE_OF_LOADER	0x210
#define HDR_LOADFLAGS		0x211
#define HDR_RAMDISK_IMAGE	0x218
#define HDR_RAMDISK_SIZE	0x21c
#define HDR_CMD_LINE_PTR	0x228
#define HDR_INITRD_ADDR_MAX	0x22c
#define HDR_KERNEL_ALIGNMENT	0x230
#define HDR_RELOCATABLE		0x234
#define HDR_XLOADFLAGS		0x236
#define HDR_CMDLINE_SIZE	0x238
#define HDR_PREF_ADDRESS	0x258
#define HDR_INIT_SIZE		0x260
#define BP_E820_TABLE		0x2d0
#define BP_E820_MAX		128

#define LOADED_HIGH		0x01
#define KEEP_SEGMENTS		0x40
#define XLF_KERNEL_64		0x01
#define BOOT_PROTOCOL_64	0x20c	/* 2.12: xloadflags, 64-bit entry */

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

unsigned int vm_e820(const struct vm *vm, struct e820 *e, unsigned int max)
{
	unsigned int n = 0;

	if (max < 5)
		return 0;
	e[n++] = (struct e820){ 0, GPA_EBDA, E820_RAM };
	e[n++] = (struct e820){ GPA_EBDA, GPA_LOW_RAM_END - GPA_EBDA, E820_RESERVED };
	e[n++] = (struct e820){ GPA_BIOS, GPA_BIOS_END - GPA_BIOS, E820_RESERVED };
	e[n++] = (struct e820){ GPA_HIGH, vm->low_size - GPA_HIGH, E820_RAM };
	if (vm->ram_size > vm->low_size)
		e[n++] = (struct e820){ GPA_4G, vm->ram_size - vm->low_size, E820_RAM };
	return n;
}

/* PML4 -> PDPT -> 4 page directories of 2 MiB pages: 0..4 GiB mapped 1:1. */
static void identity_map(struct vm *vm)
{
	uint64_t *pml4 = vm_guest_ptr(vm, GPA_PML4, 4096);
	uint64_t *pdpt = vm_guest_ptr(vm, GPA_PDPT, 4096);
	uint64_t *pd = vm_guest_ptr(vm, GPA_PD, 4 * 4096);

	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	pml4[0] = GPA_PDPT | 3;			/* present, writable */
	for (uint64_t i = 0; i < 4; i++)
		pdpt[i] = (GPA_PD + i * 4096) | 3;
	for (uint64_t i = 0; i < 4 * 512; i++)
		pd[i] = (i << 21) | 0x83;	/* present, writable, 2 MiB page */
}

/* vCPU 0 in 64-bit mode at rip with rsi = boot_params. */
static int long_mode_entry(struct vm *vm, uint64_t rip, uint64_t rsi)
{
	struct vcpu *v = &vm->vcpus[0];
	const struct accel_ops *a = vm->accel;
	struct nhv_segment code = { 0, 0xffffffff, 0x10, 0xa9b };
	struct nhv_segment data = { 0, 0xffffffff, 0x18, 0xc93 };
	struct nhv_sregs s;
	struct nhv_regs r;

	if (a->get_sregs(v, &s))
		return -1;
	s.cs = code;
	s.ds = s.es = s.fs = s.gs = s.ss = data;
	s.tr = (struct nhv_segment){ 0, 0xffff, 0, 0x8b };
	s.ldtr = (struct nhv_segment){ 0, 0xffff, 0, 0x82 };
	s.gdt = (struct nhv_dtable){ GPA_GDT, BOOT_GDT_ENTRIES * 8 - 1, 0 };
	s.idt = (struct nhv_dtable){ 0, 0, 0 };
	s.cr0 = 0x80000031;		/* PG, NE, ET, PE */
	s.cr3 = GPA_PML4;
	s.cr4 = 0x20;			/* PAE */
	s.efer = 0x500;			/* LME, LMA */
	s.xcr0 = 1;
	memset(&r, 0, sizeof(r));
	r.rip = rip;
	r.rflags = 2;
	r.gpr[NHV_RSI] = rsi;
	return a->set_sregs(v, &s) || a->set_regs(v, &r) ? -1 : 0;
}

int load_bzimage(struct vm *vm, const struct blob *k, const char *path, const struct blob *initrd,
		 const char *cmdline, char *why, size_t whylen)
{
	const uint8_t *h = k->data;
	uint8_t *bp;
	unsigned int setup_sects, version, n;
	uint64_t setup_size, load, init_size, align, initrd_max, initrd_at = 0, rsdp = 0;
	size_t cmdlen = strlen(cmdline), kernel_size;
	struct e820 e[8];

	if (k->size < 0x1000 || get16(h + HDR_BOOT_FLAG) != 0xaa55 ||
	    memcmp(h + HDR_MAGIC, "HdrS", 4)) {
		snprintf(why, whylen, "%s: not a bzImage (no \"HdrS\" setup header)", path);
		return -1;
	}
	version = get16(h + HDR_VERSION);
	setup_sects = h[HDR_SETUP_SECTS] ? h[HDR_SETUP_SECTS] : 4;
	setup_size = (uint64_t)(setup_sects + 1) * 512;
	if (version < BOOT_PROTOCOL_64 || !(h[HDR_XLOADFLAGS] & XLF_KERNEL_64) ||
	    !(h[HDR_LOADFLAGS] & LOADED_HIGH)) {
		snprintf(why, whylen, "%s: boot protocol %u.%02u without a 64-bit entry point "
			 "(expected 2.12 or later with XLF_KERNEL_64)", path, version >> 8,
			 version & 0xff);
		return -1;
	}
	if (setup_size >= k->size) {
		snprintf(why, whylen, "%s: setup (%llu bytes) larger than the file", path,
			 (unsigned long long)setup_size);
		return -1;
	}
	kernel_size = k->size - setup_size;
	load = get64(h + HDR_PREF_ADDRESS);
	align = get32(h + HDR_KERNEL_ALIGNMENT);
	init_size = get32(h + HDR_INIT_SIZE);
	if (init_size < kernel_size)
		init_size = kernel_size;
	if (load < GPA_HIGH || (align & (align - 1)) || (h[HDR_RELOCATABLE] && align && load % align)) {
		snprintf(why, whylen, "%s: preferred load address %#llx unusable", path,
			 (unsigned long long)load);
		return -1;
	}
	if (load + init_size > vm->low_size) {
		snprintf(why, whylen, "%s: the kernel needs %llu MiB from %#llx, more than memsize %llu MiB",
			 path, (unsigned long long)(init_size >> 20), (unsigned long long)load,
			 (unsigned long long)vm->cfg->memsize_mib);
		return -1;
	}
	if (cmdlen >= CMDLINE_MAX || cmdlen >= get32(h + HDR_CMDLINE_SIZE) + 1ULL) {
		snprintf(why, whylen, "%s: command line of %zu bytes, the kernel takes %u", path,
			 cmdlen, get32(h + HDR_CMDLINE_SIZE));
		return -1;
	}
	if (initrd && initrd->size) {
		initrd_max = get32(h + HDR_INITRD_ADDR_MAX);
		if (!initrd_max || initrd_max >= vm->low_size)
			initrd_max = vm->low_size - 1;
		if (initrd->size > initrd_max + 1 ||
		    ((initrd_max + 1 - initrd->size) & ~0xfffULL) < load + init_size) {
			snprintf(why, whylen, "%s: initrd of %zu MiB does not fit above the kernel below %#llx "
				 "(raise memsize)", vm->cfg->initrd, initrd->size >> 20,
				 (unsigned long long)initrd_max + 1);
			return -1;
		}
		initrd_at = (initrd_max + 1 - initrd->size) & ~0xfffULL;
		memcpy(vm_guest_ptr(vm, initrd_at, initrd->size), initrd->data, initrd->size);
	}

	memcpy(vm_guest_ptr(vm, load, kernel_size), h + setup_size, kernel_size);
	memcpy(vm_guest_ptr(vm, GPA_CMDLINE, cmdlen + 1), cmdline, cmdlen + 1);

	bp = vm_guest_ptr(vm, GPA_BOOT_PARAMS, 4096);
	memset(bp, 0, 4096);
	/* The setup header: from 0x1f1 to the end given by the jump at 0x200. */
	memcpy(bp + HDR_SETUP_SECTS, h + HDR_SETUP_SECTS, 0x202 + h[HDR_JUMP + 1] - HDR_SETUP_SECTS);
	bp[HDR_TYPE_OF_LOADER] = 0xff;
	bp[HDR_LOADFLAGS] = (uint8_t)((bp[HDR_LOADFLAGS] | LOADED_HIGH) & ~KEEP_SEGMENTS);
	put32(bp + HDR_CMD_LINE_PTR, (uint32_t)GPA_CMDLINE);
	put32(bp + HDR_RAMDISK_IMAGE, (uint32_t)initrd_at);
	put32(bp + HDR_RAMDISK_SIZE, initrd ? (uint32_t)initrd->size : 0);
	put32(bp + BP_EXT_RAMDISK_IMAGE, (uint32_t)(initrd_at >> 32));
	put32(bp + BP_EXT_RAMDISK_SIZE, initrd ? (uint32_t)((uint64_t)initrd->size >> 32) : 0);
	put32(bp + BP_EXT_CMD_LINE_PTR, 0);
	n = vm_e820(vm, e, 8);
	bp[BP_E820_ENTRIES] = (uint8_t)n;
	for (unsigned int i = 0; i < n && i < BP_E820_MAX; i++) {
		put64(bp + BP_E820_TABLE + 20 * i, e[i].addr);
		put64(bp + BP_E820_TABLE + 20 * i + 8, e[i].size);
		put32(bp + BP_E820_TABLE + 20 * i + 16, e[i].type);
	}
	if (mptable_build(vm) || acpi_build(vm, &rsdp)) {
		snprintf(why, whylen, "firmware tables do not fit");
		return -1;
	}
	put64(bp + BP_ACPI_RSDP, rsdp);
	identity_map(vm);
	boot_gdt(vm);
	if (long_mode_entry(vm, load + 0x200, GPA_BOOT_PARAMS)) {
		snprintf(why, whylen, "%s: setting the boot vCPU's registers failed", vm->accel->name);
		return -1;
	}
	return 0;
}
