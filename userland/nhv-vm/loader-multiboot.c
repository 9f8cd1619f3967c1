/*
 * loader-multiboot.c - multiboot v1 kernels (Multiboot Specification
 * 0.6.96): the a.out-kludge addresses of the header (flags bit 16) or the
 * ELF32 program headers, the initrd as module 0 (page aligned above the
 * kernel), the boot information structure with memory sizes, the memory
 * map and the command line, and entry in 32-bit protected mode with
 * EAX = 0x2badb002, EBX = the information structure (section 3.2).
 */
#include <stdio.h>
#include <string.h>
#include "userland/nhv-vm/layout.h"
#include "userland/nhv-vm/loader.h"

#define MB_MAGIC		0x1badb002U
#define MB_BOOT_MAGIC		0x2badb002U
#define MB_SEARCH		8192
#define MB_HDR_AOUT_KLUDGE	(1U << 16)
#define MB_HDR_VIDEO		(1U << 2)
#define MB_HDR_KNOWN		(0x3U | MB_HDR_VIDEO | MB_HDR_AOUT_KLUDGE)

#define MBI_MEM		(1U << 0)
#define MBI_CMDLINE	(1U << 2)
#define MBI_MODS	(1U << 3)
#define MBI_MMAP	(1U << 6)
#define MBI_LOADER_NAME	(1U << 9)
#define MBI_SIZE	88
#define MBI_MODS_AT	(GPA_MB_INFO + 0x100)
#define MBI_MMAP_AT	(GPA_MB_INFO + 0x200)

#define ELF_PT_LOAD	1

struct mb_header {
	uint32_t magic, flags, checksum;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* Guest RAM for [gpa, gpa + len) from 1 MiB on, or NULL. */
static uint8_t *ram_at(struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (gpa < GPA_HIGH)
		return NULL;
	return vm_guest_ptr(vm, gpa, len ? len : 1);
}

static int load_aout(struct vm *vm, const struct blob *k, size_t hoff, const struct mb_header *h,
		     uint32_t *entry, uint64_t *end, const char *path, char *why, size_t whylen)
{
	uint64_t off, file_len, mem_end;
	uint8_t *dst;

	if (h->header_addr < h->load_addr || h->header_addr - h->load_addr > hoff) {
		snprintf(why, whylen, "%s: multiboot header_addr %#x below load_addr %#x or past "
			 "the header's place in the file", path, h->header_addr, h->load_addr);
		return -1;
	}
	off = hoff - (h->header_addr - h->load_addr);
	file_len = h->load_end_addr ? (uint64_t)h->load_end_addr - h->load_addr : k->size - off;
	mem_end = h->bss_end_addr ? h->bss_end_addr : h->load_addr + file_len;
	if (h->load_end_addr && h->load_end_addr < h->load_addr)
		file_len = UINT64_MAX;
	if (file_len > k->size - off || mem_end < h->load_addr + file_len ||
	    !(dst = ram_at(vm, h->load_addr, mem_end - h->load_addr))) {
		snprintf(why, whylen, "%s: multiboot load range %#x-%#llx is outside the file or "
			 "guest RAM above 1 MiB", path, h->load_addr, (unsigned long long)mem_end);
		return -1;
	}
	memcpy(dst, k->data + off, file_len);
	memset(dst + file_len, 0, mem_end - h->load_addr - file_len);
	*entry = h->entry_addr;
	*end = mem_end;
	return 0;
}

static int load_elf(struct vm *vm, const struct blob *k, uint32_t *entry, uint64_t *end,
		    const char *path, char *why, size_t whylen)
{
	const uint8_t *e = k->data;
	uint32_t phoff;
	uint16_t phentsize, phnum;

	if (k->size < 52 || memcmp(e, "\177ELF", 4) || e[4] != 1 || e[5] != 1 ||
	    get16(e + 18) != 3) {
		snprintf(why, whylen, "%s: multiboot kernel without the address flag (bit 16) "
			 "must be a 32-bit little-endian i386 ELF file", path);
		return -1;
	}
	phoff = get32(e + 28);
	phentsize = get16(e + 42);
	phnum = get16(e + 44);
	if (phentsize < 32 || phoff > k->size || (uint64_t)phnum * phentsize > k->size - phoff) {
		snprintf(why, whylen, "%s: ELF program headers outside the file", path);
		return -1;
	}
	*end = 0;
	for (unsigned int i = 0; i < phnum; i++) {
		const uint8_t *ph = e + phoff + (size_t)i * phentsize;
		uint32_t off = get32(ph + 4), paddr = get32(ph + 12);
		uint32_t filesz = get32(ph + 16), memsz = get32(ph + 20);
		uint8_t *dst;

		if (get32(ph) != ELF_PT_LOAD || !memsz)
			continue;
		if (filesz > memsz || off > k->size || filesz > k->size - off ||
		    !(dst = ram_at(vm, paddr, memsz))) {
			snprintf(why, whylen, "%s: ELF segment %u (%#x, %u bytes) outside the file or "
				 "guest RAM above 1 MiB", path, i, paddr, memsz);
			return -1;
		}
		memcpy(dst, e + off, filesz);
		memset(dst + filesz, 0, memsz - filesz);
		if ((uint64_t)paddr + memsz > *end)
			*end = (uint64_t)paddr + memsz;
	}
	if (!*end) {
		snprintf(why, whylen, "%s: ELF file without a loadable segment", path);
		return -1;
	}
	*entry = get32(e + 24);
	return 0;
}

/* Strings for the MBI: command line, module name, loader name. */
static uint32_t put_string(struct vm *vm, uint64_t *at, const char *s)
{
	size_t n = strlen(s) + 1;
	uint32_t gpa = (uint32_t)*at;

	if (*at + n > GPA_MB_STRINGS + 4096)
		return 0;
	memcpy(vm_guest_ptr(vm, *at, n), s, n);
	*at += n;
	return gpa;
}

static int protected_entry(struct vm *vm, uint32_t entry)
{
	struct vcpu *v = &vm->vcpus[0];
	struct nhv_segment code = { 0, 0xffffffff, 0x08, 0xc9b };
	struct nhv_segment data = { 0, 0xffffffff, 0x18, 0xc93 };
	struct nhv_sregs s;
	struct nhv_regs r;

	if (vm->accel->get_sregs(v, &s))
		return -1;
	s.cs = code;
	s.ds = s.es = s.fs = s.gs = s.ss = data;
	s.tr = (struct nhv_segment){ 0, 0xffff, 0, 0x8b };
	s.ldtr = (struct nhv_segment){ 0, 0xffff, 0, 0x82 };
	s.gdt = (struct nhv_dtable){ GPA_GDT, BOOT_GDT_ENTRIES * 8 - 1, 0 };
	s.idt = (struct nhv_dtable){ 0, 0x3ff, 0 };
	s.cr0 = 0x11;			/* PE, ET */
	s.cr2 = s.cr3 = s.cr4 = s.efer = 0;
	s.xcr0 = 1;
	memset(&r, 0, sizeof(r));
	r.rip = entry;
	r.rflags = 2;
	r.gpr[NHV_RAX] = MB_BOOT_MAGIC;
	r.gpr[NHV_RBX] = GPA_MB_INFO;
	return vm->accel->set_sregs(v, &s) || vm->accel->set_regs(v, &r) ? -1 : 0;
}

int load_multiboot(struct vm *vm, const struct blob *k, const char *path, const struct blob *initrd,
		   const char *initrd_path, const char *cmdline, char *why, size_t whylen)
{
	struct mb_header h;
	size_t hoff;
	uint32_t entry, flags = MBI_MEM | MBI_CMDLINE | MBI_MMAP | MBI_LOADER_NAME;
	uint64_t end, strings = GPA_MB_STRINGS, rsdp;
	struct e820 e[8];
	unsigned int n;
	uint8_t *mbi, *m;

	for (hoff = 0; hoff + 12 <= k->size && hoff < MB_SEARCH; hoff += 4) {
		memset(&h, 0, sizeof(h));
		memcpy(&h, k->data + hoff, k->size - hoff < sizeof(h) ? k->size - hoff : sizeof(h));
		if (h.magic == MB_MAGIC && (uint32_t)(h.magic + h.flags + h.checksum) == 0)
			break;
	}
	if (hoff + 12 > k->size || hoff >= MB_SEARCH) {
		snprintf(why, whylen, "%s: no multiboot header in the first 8 KiB", path);
		return -1;
	}
	if ((h.flags & 0xffff) & ~MB_HDR_KNOWN) {
		snprintf(why, whylen, "%s: multiboot header asks for features %#x nhv-vm does not "
			 "offer (expected only bits 0-2 and 16)", path, h.flags & 0xffff & ~MB_HDR_KNOWN);
		return -1;
	}
	if (h.flags & MB_HDR_AOUT_KLUDGE) {
		if (hoff + sizeof(h) > k->size) {
			snprintf(why, whylen, "%s: multiboot header cut short", path);
			return -1;
		}
		if (load_aout(vm, k, hoff, &h, &entry, &end, path, why, whylen))
			return -1;
	} else if (load_elf(vm, k, &entry, &end, path, why, whylen)) {
		return -1;
	}

	mbi = vm_guest_ptr(vm, GPA_MB_INFO, 0x1000);
	memset(mbi, 0, 0x1000);
	if (initrd) {
		uint64_t at = (end + 0xfff) & ~0xfffULL;
		uint8_t *dst = ram_at(vm, at, initrd->size);

		if (!dst || at + initrd->size > vm->low_size) {
			snprintf(why, whylen, "%s: module of %zu bytes does not fit in RAM after the "
				 "kernel", initrd_path, initrd->size);
			return -1;
		}
		memcpy(dst, initrd->data, initrd->size);
		m = vm_guest_ptr(vm, MBI_MODS_AT, 16);
		put32(m, (uint32_t)at);
		put32(m + 4, (uint32_t)(at + initrd->size));
		put32(m + 8, put_string(vm, &strings, initrd_path));
		flags |= MBI_MODS;
		put32(mbi + 20, 1);
		put32(mbi + 24, (uint32_t)MBI_MODS_AT);
	}
	put32(mbi + 4, (uint32_t)(GPA_EBDA >> 10));		/* mem_lower, KiB */
	put32(mbi + 8, (uint32_t)((vm->low_size - GPA_HIGH) >> 10));	/* mem_upper */
	put32(mbi + 16, put_string(vm, &strings, cmdline));
	n = vm_e820(vm, e, 8);
	for (unsigned int i = 0; i < n; i++) {
		m = vm_guest_ptr(vm, MBI_MMAP_AT + 24 * i, 24);
		put32(m, 20);
		put64(m + 4, e[i].addr);
		put64(m + 12, e[i].size);
		put32(m + 20, e[i].type);
	}
	put32(mbi + 44, 24 * n);
	put32(mbi + 48, (uint32_t)MBI_MMAP_AT);
	put32(mbi + 64, put_string(vm, &strings, "nhv-vm"));
	put32(mbi, flags);
	if (mptable_build(vm) || acpi_build(vm, &rsdp)) {
		snprintf(why, whylen, "firmware tables do not fit");
		return -1;
	}
	boot_gdt(vm);
	if (protected_entry(vm, entry)) {
		snprintf(why, whylen, "%s: setting the boot vCPU's registers failed", vm->accel->name);
		return -1;
	}
	return 0;
}
