/* efivar.c - UEFI variables through efivarfs (see efivar.h). */
#include "userland/nhv-identity/efivar.h"
#include "userland/lib/atomic.h"
#include "userland/lib/sysroot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define EFIVARFS_MAGIC 0xde5e81e4

static int is_efivarfs(const char *dir)
{
	struct statfs sf;

	return statfs(dir, &sf) == 0 && (unsigned long)sf.f_type == EFIVARFS_MAGIC;
}

int efivar_available(char *dir, size_t size)
{
	char fw[PATH_MAX];
	struct stat st;

	if (stat(sysroot("/sys/firmware/efi", fw, sizeof(fw)), &st) < 0)
		return 0;
	sysroot("/sys/firmware/efi/efivars", dir, size);
	if (sysroot_is_fake() || is_efivarfs(dir))
		return stat(dir, &st) == 0;
	if (mount("efivarfs", dir, "efivarfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		fprintf(stderr, "nhv-identity: booted under UEFI but cannot mount efivarfs on %s: %s\n",
			dir, strerror(errno));
		return 0;
	}
	return 1;
}

char *efivar_read(const char *dir, const char *name, size_t *len)
{
	char path[PATH_MAX];
	size_t n;
	char *raw;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	raw = read_file(path, 1 << 20, &n);
	if (!raw)
		return NULL;
	if (n < 4) {
		free(raw);
		errno = EBADMSG;
		return NULL;
	}
	memmove(raw, raw + 4, n - 4 + 1);
	*len = n - 4;
	return raw;
}

static void clear_immutable(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), flags;

	if (fd < 0)
		return;
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0 && (flags & FS_IMMUTABLE_FL)) {
		flags &= ~FS_IMMUTABLE_FL;
		if (ioctl(fd, FS_IOC_SETFLAGS, &flags) < 0)
			fprintf(stderr, "nhv-identity: cannot clear the immutable flag of %s: %s\n",
				path, strerror(errno));
	}
	close(fd);
}

int efivar_write(const char *dir, const char *name, const void *data, size_t len)
{
	char path[PATH_MAX];
	uint8_t *buf = malloc(len + 4);
	uint32_t attr = EFI_ATTR_NV_BS_RT;
	int fd, r = -1;
	ssize_t w;

	if (!buf)
		return -1;
	for (int i = 0; i < 4; i++)
		buf[i] = (uint8_t)(attr >> (8 * i));
	memcpy(buf + 4, data, len);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!is_efivarfs(dir)) {
		/* A plain folder standing in for efivarfs (tests): keep the whole-or-nothing rule. */
		r = atomic_write_file(path, buf, len + 4, 0644);
		free(buf);
		return r;
	}
	clear_immutable(path);
	fault_point("efi-unlocked");
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "nhv-identity: cannot open EFI variable %s: %s\n", path, strerror(errno));
		free(buf);
		return -1;
	}
	/* One write: efivarfs turns it into one SetVariable() of the whole buffer. */
	w = write(fd, buf, len + 4);
	if (w == (ssize_t)(len + 4))
		r = 0;
	else
		fprintf(stderr, "nhv-identity: cannot write EFI variable %s (%zu bytes): %s\n",
			path, len + 4, w < 0 ? strerror(errno) : "short write");
	close(fd);
	fault_point("efi-written");
	free(buf);
	return r;
}
