/* datadisk.c - find, check, format and mount nhv's data disk (see datadisk.h). */
#include "userland/lib/datadisk.h"
#include "userland/lib/sysroot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int read_at(int fd, void *buf, size_t n, off_t off)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = pread(fd, (char *)buf + done, n - done, off + (off_t)done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		done += (size_t)r;
	}
	return 0;
}

static int dev_size(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -1;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, size);
	*size = (uint64_t)st.st_size;
	return 0;
}

int datadisk_find(char *dev, size_t size)
{
	char dir[PATH_MAX], path[PATH_MAX + 300];
	struct dirent *e;
	DIR *d = opendir(sysroot("/sys/class/block", dir, sizeof(dir)));
	int found = -1;

	if (!d)
		return -1;
	while (found < 0 && (e = readdir(d))) {
		uint8_t sb[2048];
		int fd;

		if (e->d_name[0] == '.' || strncmp(e->d_name, "loop", 4) == 0 ||
		    strncmp(e->d_name, "ram", 3) == 0 || strncmp(e->d_name, "sr", 2) == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", sysroot("/dev", dir, sizeof(dir)), e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (read_at(fd, sb, sizeof(sb), 0) == 0 && ext_has_label(sb, sizeof(sb), DATADISK_LABEL)) {
			snprintf(dev, size, "%s", path);
			found = 0;
		}
		close(fd);
		sysroot("/sys/class/block", dir, sizeof(dir));
	}
	closedir(d);
	return found;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* Partitions of a whole disk show up as sysfs children with a "partition" file. */
static int has_partitions(const char *name)
{
	char dir[PATH_MAX], path[PATH_MAX * 2];
	struct dirent *e;
	DIR *d;
	int found = 0;
	struct stat st;

	snprintf(path, sizeof(path), "/sys/block/%s", name);
	d = opendir(sysroot(path, dir, sizeof(dir)));
	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s/partition", dir, e->d_name);
		found = stat(path, &st) == 0;
	}
	closedir(d);
	return found;
}

static int is_mounted(const char *name)
{
	char path[PATH_MAX], line[1024];
	FILE *f = fopen(sysroot("/proc/mounts", path, sizeof(path)), "r");
	size_t n = strlen(name);
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		const char *dev = line;

		if (strncmp(dev, "/dev/", 5) == 0)
			dev += 5;
		found = strncmp(dev, name, n) == 0;
	}
	fclose(f);
	return found;
}

int datadisk_check(const char *dev, char *why, size_t whysize)
{
	static uint8_t head[BLANK_SPAN], tail[BLANK_SPAN];
	uint64_t size;
	size_t tlen;
	int fd = open(dev, O_RDONLY | O_CLOEXEC), r;
	struct stat st;

	if (fd < 0) {
		snprintf(why, whysize, "cannot open %s: %s", dev, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || dev_size(fd, &size) < 0) {
		snprintf(why, whysize, "cannot size %s: %s", dev, strerror(errno));
		close(fd);
		return -1;
	}
	if (size < 2 * (uint64_t)BLANK_SPAN + 16 * 1024 * 1024) {
		snprintf(why, whysize, "%s is too small (%llu bytes; at least 18 MiB expected)",
			 dev, (unsigned long long)size);
		close(fd);
		return 1;
	}
	if (S_ISBLK(st.st_mode) && has_partitions(base_name(dev))) {
		snprintf(why, whysize, "%s has partitions", dev);
		close(fd);
		return 1;
	}
	if (S_ISBLK(st.st_mode) && is_mounted(base_name(dev))) {
		snprintf(why, whysize, "%s (or a partition of it) is mounted", dev);
		close(fd);
		return 1;
	}
	tlen = BLANK_SPAN;
	if (read_at(fd, head, sizeof(head), 0) < 0 ||
	    read_at(fd, tail, tlen, (off_t)(size - tlen)) < 0) {
		snprintf(why, whysize, "cannot read %s: %s", dev, strerror(errno ? errno : EIO));
		close(fd);
		return -1;
	}
	close(fd);
	r = blank_verdict(head, sizeof(head), tail, tlen, why, whysize);
	if (r) {
		char inner[200];

		snprintf(inner, sizeof(inner), "%s", why);
		snprintf(why, whysize, "%s is not blank: %s", dev, inner);
	}
	return r;
}

int datadisk_pick(char *dev, size_t size, char *why, size_t whysize)
{
	char dir[PATH_MAX], path[PATH_MAX + 300], names[512] = "";
	struct dirent *e;
	DIR *d = opendir(sysroot("/sys/block", dir, sizeof(dir)));
	int blank = 0;

	if (!d) {
		snprintf(why, whysize, "cannot list /sys/block: %s", strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		char w[256];
		static const char *skip[] = { ".", "loop", "ram", "sr", "zram", "dm-", "md", "fd" };
		int skipped = 0;

		for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
			skipped |= strncmp(e->d_name, skip[i], strlen(skip[i])) == 0;
		if (skipped)
			continue;
		snprintf(path, sizeof(path), "/dev/%s", e->d_name);
		if (datadisk_check(sysroot(path, dir, sizeof(dir)), w, sizeof(w)) != 0)
			continue;
		if (blank++ == 0)
			snprintf(dev, size, "%s", dir);
		if (strlen(names) + strlen(e->d_name) + 3 < sizeof(names)) {
			if (names[0])
				strcat(names, ", ");
			strcat(names, e->d_name);
		}
	}
	closedir(d);
	if (blank == 1)
		return 0;
	if (blank == 0)
		snprintf(why, whysize, "no blank disk found (a disk that holds data is never formatted)");
	else
		snprintf(why, whysize, "%d blank disks (%s): name the one to format", blank, names);
	return -1;
}

static void part_name(const char *disk, char *part, size_t size)
{
	size_t n = strlen(disk);

	/* /dev/nvme0n1 -> /dev/nvme0n1p1, /dev/sdb -> /dev/sdb1 */
	snprintf(part, size, "%s%s1", disk, n && disk[n - 1] >= '0' && disk[n - 1] <= '9' ? "p" : "");
}

static int run_mke2fs(const char *part, char *why, size_t whysize)
{
	static const char *const tries[][6] = {
		{ "mke2fs", "-L", DATADISK_LABEL, NULL, NULL, NULL },
		{ "busybox", "mke2fs", "-L", DATADISK_LABEL, NULL, NULL },
	};

	for (size_t t = 0; t < 2; t++) {
		const char *argv[6];
		int status, i;
		pid_t pid;

		for (i = 0; tries[t][i]; i++)
			argv[i] = tries[t][i];
		argv[i++] = part;
		argv[i] = NULL;
		pid = fork();
		if (pid < 0)
			break;
		if (pid == 0) {
			execvp(argv[0], (char *const *)argv);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0)
			break;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			return 0;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 127) {
			snprintf(why, whysize, "%s -L %s %s failed (status %d)", argv[0],
				 DATADISK_LABEL, part, status);
			return -1;
		}
	}
	snprintf(why, whysize, "neither mke2fs nor busybox mke2fs could be run");
	return -1;
}

int datadisk_format(const char *disk, char *part, size_t partsize, char *why, size_t whysize)
{
	uint8_t mbr[512];
	uint32_t id = 0;
	uint64_t size;
	struct stat st;
	int fd, r;

	r = datadisk_check(disk, why, whysize);
	if (r != 0)
		return -1;
	fd = open(disk, O_RDWR | O_CLOEXEC | O_EXCL);
	if (fd < 0 || fstat(fd, &st) < 0 || dev_size(fd, &size) < 0) {
		snprintf(why, whysize, "cannot open %s for writing: %s", disk, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISBLK(st.st_mode)) {
		snprintf(why, whysize, "%s is not a block device", disk);
		close(fd);
		return -1;
	}
	if (getrandom(&id, sizeof(id), 0) != sizeof(id))
		id = (uint32_t)time(NULL);
	mbr_build(mbr, size / 512, id);
	if (pwrite(fd, mbr, sizeof(mbr), 0) != (ssize_t)sizeof(mbr) || fsync(fd) < 0) {
		snprintf(why, whysize, "cannot write the partition table of %s: %s", disk, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	/* The kernel reads the new table when the last writer closes; ask again to be sure. */
	fd = open(disk, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ioctl(fd, BLKRRPART);
		close(fd);
	}
	part_name(disk, part, partsize);
	for (int i = 0; i < 100 && stat(part, &st) < 0; i++) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	if (stat(part, &st) < 0) {
		snprintf(why, whysize, "partition %s did not appear after writing the table", part);
		return -1;
	}
	return run_mke2fs(part, why, whysize);
}

static void load_ext4(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		execlp("modprobe", "modprobe", "-q", "ext4", (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

/* 1 when dev is already mounted on dir (a second run at the same boot). */
static int mounted_at(const char *dev, const char *dir)
{
	char path[PATH_MAX], line[1024], want[PATH_MAX * 2 + 4];
	FILE *f = fopen(sysroot("/proc/mounts", path, sizeof(path)), "r");
	int found = 0;

	if (!f)
		return 0;
	snprintf(want, sizeof(want), "%s %s ", dev, dir);
	while (!found && fgets(line, sizeof(line), f))
		found = strncmp(line, want, strlen(want)) == 0;
	fclose(f);
	return found;
}

int datadisk_mount(const char *dev, const char *dir, char *why, size_t whysize)
{
	int err = 0;

	if (mounted_at(dev, dir))
		return 0;
	mkdir(dir, 0755);
	for (int pass = 0; pass < 2; pass++) {
		if (mount(dev, dir, "ext4", MS_NOATIME, NULL) == 0)
			return 0;
		err = errno;
		/* ENODEV: the kernel has no ext4 driver yet (it is a module in Debian's kernel). */
		if (err != ENODEV || pass)
			break;
		load_ext4();
	}
	snprintf(why, whysize, "cannot mount %s on %s with the ext4 driver: %s%s", dev, dir,
		 strerror(err), err == ENODEV ? " (ext4.ko is not loaded)"
					      : " (the kernel log says why; ext4 also needs crc32c)");
	return -1;
}
