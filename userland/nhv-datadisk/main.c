/*
 * nhv-datadisk - `nhv datadisk`: nhv's data disk (ext2 labelled NHVDATA).
 *
 *   nhv-datadisk [status]          where the data disk is, or that there is none
 *   nhv-datadisk check DEVICE      is DEVICE blank (safe to format)? exit 0 yes, 1 no
 *   nhv-datadisk format [DEVICE]   make the data disk on DEVICE, or on the only blank disk
 *   nhv-datadisk mount [DIR]       mount it (default /data)
 */
#include "userland/lib/datadisk.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fputs("usage: nhv-datadisk [status]\n"
	      "       nhv-datadisk check DEVICE\n"
	      "       nhv-datadisk format [DEVICE]\n"
	      "       nhv-datadisk mount [DIR]\n"
	      "A disk is formatted only when it is blank: no partition table, no file-system\n"
	      "signature and only zeros in its first and last MiB.\n", f);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "status";
	char dev[PATH_MAX], part[PATH_MAX], why[512];

	if (strcmp(cmd, "status") == 0 && argc <= 2) {
		if (datadisk_find(dev, sizeof(dev)) < 0) {
			printf("no data disk (no file system labelled %s); "
			       "add a blank disk and run `nhv datadisk format`\n", DATADISK_LABEL);
			return 1;
		}
		printf("data disk %s (label %s)\n", dev, DATADISK_LABEL);
		return 0;
	}
	if (strcmp(cmd, "check") == 0 && argc == 3) {
		int r = datadisk_check(argv[2], why, sizeof(why));

		if (r == 0)
			printf("%s is blank: it may be formatted\n", argv[2]);
		else
			printf("%s\n", why);
		return r == 0 ? 0 : 1;
	}
	if (strcmp(cmd, "format") == 0 && argc <= 3) {
		if (datadisk_find(dev, sizeof(dev)) == 0) {
			fprintf(stderr, "nhv-datadisk: a data disk already exists on %s; not formatting another\n",
				dev);
			return 1;
		}
		if (argc == 3)
			snprintf(dev, sizeof(dev), "%s", argv[2]);
		else if (datadisk_pick(dev, sizeof(dev), why, sizeof(why)) < 0) {
			fprintf(stderr, "nhv-datadisk: %s\n", why);
			return 1;
		}
		if (datadisk_format(dev, part, sizeof(part), why, sizeof(why)) < 0) {
			fprintf(stderr, "nhv-datadisk: not formatted: %s\n", why);
			return 1;
		}
		printf("data disk made: %s (label %s) on %s\n", part, DATADISK_LABEL, dev);
		return 0;
	}
	if (strcmp(cmd, "mount") == 0 && argc <= 3) {
		const char *dir = argc == 3 ? argv[2] : DATADISK_MOUNT;

		if (datadisk_find(dev, sizeof(dev)) < 0) {
			fprintf(stderr, "nhv-datadisk: no data disk (no file system labelled %s)\n",
				DATADISK_LABEL);
			return 1;
		}
		if (datadisk_mount(dev, dir, why, sizeof(why)) < 0) {
			fprintf(stderr, "nhv-datadisk: %s\n", why);
			return 1;
		}
		printf("%s mounted on %s\n", dev, dir);
		return 0;
	}
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
