/* mounts.c - the pseudo filesystems the appliance needs, and unmounting at shutdown. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nhv-init.h"

struct early_mount {
	const char *source, *target, *type;
	unsigned long flags;
	const char *data;
};

static const struct early_mount early[] = {
	{ "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
	{ "sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
	{ "devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755" },
	{ "devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "gid=5,mode=620,ptmxmode=000" },
	{ "tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777" },
	{ "tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755" },
	{ "tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777" },
};

int mount_early(void)
{
	int failures = 0;
	size_t i;

	for (i = 0; i < sizeof(early) / sizeof(early[0]); i++) {
		mkdir(early[i].target, 0755);
		if (mount(early[i].source, early[i].target, early[i].type,
			  early[i].flags, early[i].data) < 0 && errno != EBUSY) {
			log_msg("mount %s on %s failed: %s", early[i].type,
				early[i].target, strerror(errno));
			failures++;
		}
	}
	mkdir(NHV_RUN_DIR, 0755);
	return failures ? -1 : 0;
}

/* UEFI boots only: efivarfs holds the NVRAM variables (clone-safe identity). */
int mount_efivarfs(void)
{
	struct stat st;

	if (stat("/sys/firmware/efi", &st) < 0)
		return 0;
	module_load("efivarfs");
	if (mount("efivarfs", "/sys/firmware/efi/efivars", "efivarfs",
		  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 && errno != EBUSY) {
		log_msg("mount efivarfs failed: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Unmount (or remount read-only) every real filesystem, deepest first. */
void unmount_all(void)
{
	char mounts[64][256];
	char src[256], target[256], type[64];
	int n = 0;
	FILE *f = fopen("/proc/mounts", "re");

	sync();
	if (!f)
		return;
	while (n < 64 && fscanf(f, "%255s %255s %63s %*s %*d %*d", src, target, type) == 3) {
		if (src[0] != '/')
			continue; /* pseudo filesystems and the initramfs itself */
		snprintf(mounts[n++], sizeof(mounts[0]), "%s", target);
	}
	fclose(f);
	while (n-- > 0) {
		if (umount(mounts[n]) < 0 &&
		    mount(NULL, mounts[n], NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0)
			log_msg("could not unmount %s: %s", mounts[n], strerror(errno));
	}
	sync();
}
