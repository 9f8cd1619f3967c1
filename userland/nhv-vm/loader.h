/*
 * loader.h - putting a kernel into guest RAM and the boot vCPU's first
 * state: Linux bzImage (x86 64-bit boot protocol) or multiboot v1.
 */
#ifndef NHV_VM_LOADER_H
#define NHV_VM_LOADER_H

#include <stddef.h>
#include <stdint.h>
#include "userland/nhv-vm/vm.h"

/* A file whole in memory: mapped by blob_read, or the caller's bytes. */
struct blob {
	uint8_t *data;
	size_t size;
};

/*
 * mmap()s the file read-only (no copy into a buffer): 0, or -1 with
 * "PATH: why" in why.  A file truncated while mapped raises SIGBUS at the
 * first access past its new end: read blobs inside blob_guard.
 */
int blob_read(struct blob *b, const char *path, size_t max, char *why, size_t whylen);
/* Unmaps what blob_read mapped (only for its blobs). */
void blob_free(struct blob *b);
/* fn(arg), or -2 if it took a SIGBUS (a mapped file shrank under it). */
int blob_guard(int (*fn)(void *arg), void *arg);

/* The kind of kernel a file holds. */
enum kernel_kind { KERNEL_UNKNOWN, KERNEL_BZIMAGE, KERNEL_MULTIBOOT };
enum kernel_kind kernel_kind(const struct blob *k);

/*
 * Loads into vm->ram and sets vCPU 0's registers.  extra_cmdline is
 * appended to the configured command line (what the VMM tells Linux).
 * 0, or -1 with the reason ("FILE: why").
 */
int load_bzimage(struct vm *vm, const struct blob *kernel, const char *kernel_path,
		 const struct blob *initrd, const char *cmdline, char *why, size_t whylen);
int load_multiboot(struct vm *vm, const struct blob *kernel, const char *kernel_path,
		   const struct blob *initrd, const char *initrd_path, const char *cmdline,
		   char *why, size_t whylen);

/* The boot GDT at GPA_GDT (loader.c). */
#define BOOT_GDT_ENTRIES	4
void boot_gdt(struct vm *vm);

/* Control registers of the boot vCPU's first state. */
struct boot_cr {
	uint64_t cr0, cr3, cr4, efer;
	uint32_t idt_limit;
};
int boot_vcpu_flat(struct vm *vm, uint16_t cs, uint16_t cs_attrib, const struct boot_cr *cr,
		   const struct nhv_regs *r);

/* The e820 map of this machine: n entries of {addr, size, type}. */
struct e820 {
	uint64_t addr, size;
	uint32_t type;
};
#define E820_RAM	1
#define E820_RESERVED	2
unsigned int vm_e820(const struct vm *vm, struct e820 *e, unsigned int max);

/* Firmware tables: ACPI (acpi.c) and the MP table (mptable.c); 0 or -1. */
int acpi_build(struct vm *vm, uint64_t *rsdp_gpa);
int mptable_build(struct vm *vm);

#endif
