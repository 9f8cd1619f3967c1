/*
 * loader.c - files read for loading, and telling a bzImage from a
 * multiboot kernel (the "HdrS" setup header, or the multiboot magic in
 * the first 8 KiB: multiboot spec 0.6.96 section 3.1.1).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "userland/nhv-vm/layout.h"
#include "userland/nhv-vm/loader.h"

int blob_read(struct blob *b, const char *path, size_t max, char *why, size_t whylen)
{
	struct stat st;
	size_t done = 0;
	int fd;

	memset(b, 0, sizeof(*b));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	if ((uint64_t)st.st_size > max) {
		snprintf(why, whylen, "%s: %llu MiB, larger than the guest's %zu MiB of RAM", path,
			 (unsigned long long)st.st_size >> 20, max >> 20);
		close(fd);
		return -1;
	}
	b->size = (size_t)st.st_size;
	b->data = malloc(b->size ? b->size : 1);
	if (!b->data) {
		snprintf(why, whylen, "%s: out of memory", path);
		close(fd);
		return -1;
	}
	while (done < b->size) {
		ssize_t n = read(fd, b->data + done, b->size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(why, whylen, "%s: read: %s", path, n ? strerror(errno) : "file shrank");
			close(fd);
			blob_free(b);
			return -1;
		}
		done += (size_t)n;
	}
	close(fd);
	return 0;
}

void blob_free(struct blob *b)
{
	free(b->data);
	b->data = NULL;
	b->size = 0;
}

#define MB_MAGIC	0x1badb002U
#define MB_SEARCH	8192

enum kernel_kind kernel_kind(const struct blob *k)
{
	if (k->size >= 0x206 && !memcmp(k->data + 0x202, "HdrS", 4) &&
	    k->data[0x1fe] == 0x55 && k->data[0x1ff] == 0xaa)
		return KERNEL_BZIMAGE;
	for (size_t off = 0; off + 12 <= k->size && off < MB_SEARCH; off += 4) {
		uint32_t w[3];

		memcpy(w, k->data + off, sizeof(w));
		if (w[0] == MB_MAGIC && (uint32_t)(w[0] + w[1] + w[2]) == 0)
			return KERNEL_MULTIBOOT;
	}
	return KERNEL_UNKNOWN;
}

/*
 * Null, 0x08 flat 32-bit code (multiboot), 0x10 64-bit code and 0x18 flat
 * data (boot.rst's __BOOT_CS and __BOOT_DS).
 */
void boot_gdt(struct vm *vm)
{
	static const uint64_t gdt[BOOT_GDT_ENTRIES] = {
		0, 0x00cf9b000000ffffULL, 0x00af9b000000ffffULL, 0x00cf93000000ffffULL,
	};

	memcpy(vm_guest_ptr(vm, GPA_GDT, sizeof(gdt)), gdt, sizeof(gdt));
}
