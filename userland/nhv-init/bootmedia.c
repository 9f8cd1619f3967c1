/*
 * bootmedia.c - find the medium the appliance booted from (the ISO9660
 * volume labelled NHV: a CD-ROM, or the hybrid ISO written to a USB stick)
 * and mount it read-only on /run/nhv/media.  The default L2 guest boots the
 * appliance's own kernel from there (/usr/lib/nhv/l2/vmlinuz is a link to
 * /run/nhv/media/boot/vmlinuz), so the ISO carries one copy of it.
 * ISO 9660 (ECMA-119) 8.4: the primary volume descriptor is at byte 32768;
 * type 1, "CD001", the volume identifier at offset 40 (32 bytes, space padded).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nhv-init.h"

#define ISO_PVD_OFFSET 32768
#define ISO_VOLID "NHV"

int bootmedia_is_nhv(const unsigned char *pvd, size_t len)
{
	size_t n = strlen(ISO_VOLID);

	if (len < 72 || pvd[0] != 1 || memcmp(pvd + 1, "CD001", 5) != 0)
		return 0;
	if (memcmp(pvd + 40, ISO_VOLID, n) != 0)
		return 0;
	for (size_t i = 40 + n; i < 72; i++)
		if (pvd[i] != ' ')
			return 0;
	return 1;
}

static int probe(const char *dev)
{
	unsigned char pvd[128];
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = pread(fd, pvd, sizeof(pvd), ISO_PVD_OFFSET);
	close(fd);
	return n == (ssize_t)sizeof(pvd) && bootmedia_is_nhv(pvd, sizeof(pvd));
}

static int find(char *dev, size_t len)
{
	struct dirent *de;
	DIR *d = opendir("/sys/class/block");
	int found = 0;

	while (d && !found && (de = readdir(d))) {
		if (de->d_name[0] == '.' || strncmp(de->d_name, "loop", 4) == 0 ||
		    strncmp(de->d_name, "ram", 3) == 0)
			continue;
		snprintf(dev, len, "/dev/%s", de->d_name);
		found = probe(dev);
	}
	if (d)
		closedir(d);
	return found;
}

int bootmedia_mount(void)
{
	char dev[300];
	int tries;

	module_load("isofs");
	/* The CD-ROM's SCSI scan may finish a moment after its driver loaded. */
	for (tries = 0; !find(dev, sizeof(dev)); tries++) {
		if (tries == 20) {
			log_msg("boot medium (ISO9660 volume " ISO_VOLID ") not found: "
				"the default L2 guest has no kernel");
			return -1;
		}
		usleep(100000);
	}
	mkdir(NHV_MEDIA_DIR, 0755);
	if (mount(dev, NHV_MEDIA_DIR, "iso9660", MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0) {
		log_msg("cannot mount the boot medium %s on " NHV_MEDIA_DIR ": %s", dev,
			strerror(errno));
		return -1;
	}
	log_msg("boot medium %s mounted on " NHV_MEDIA_DIR, dev);
	return 0;
}
