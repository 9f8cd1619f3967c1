/* datadisk-blank.c - pure checks on a disk's bytes: blank?, NHVDATA label?, nhv's MBR. */
#include "userland/lib/datadisk.h"

#include <stdio.h>
#include <string.h>

static const struct {
	size_t off;
	const char *magic;
	size_t len;
	const char *what;
} sigs[] = {
	{ 510, "\x55\xaa", 2, "a partition table or boot sector (55 AA at byte 510)" },
	{ 512, "EFI PART", 8, "a GPT header" },
	{ 1080, "\x53\xef", 2, "an ext2/3/4 file system" },
	{ 3, "NTFS    ", 8, "an NTFS file system" },
	{ 0x8001, "CD001", 5, "an ISO 9660 file system" },
	{ 0x10040, "_BHRfS_M", 8, "a btrfs file system" },
	{ 0, "XFSB", 4, "an XFS file system" },
	{ 0x218, "LVM2 001", 8, "an LVM physical volume" },
	{ 0x1000, "\xfc\x4e\x2b\xa9", 4, "a Linux RAID member" },
	{ 0, "\x0d\xd0\x01\xc0", 4, "a VMFS volume" },
};

int blank_verdict(const uint8_t *head, size_t hlen, const uint8_t *tail, size_t tlen,
		  char *why, size_t whysize)
{
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigs[i].off + sigs[i].len <= hlen &&
		    memcmp(head + sigs[i].off, sigs[i].magic, sigs[i].len) == 0) {
			snprintf(why, whysize, "it holds %s", sigs[i].what);
			return 1;
		}
	}
	for (size_t i = 0; i < hlen; i++) {
		if (head[i]) {
			snprintf(why, whysize, "byte %zu of its first MiB is not zero (0x%02x)", i, head[i]);
			return 1;
		}
	}
	for (size_t i = 0; i < tlen; i++) {
		if (tail[i]) {
			snprintf(why, whysize, "byte %zu of its last MiB is not zero (a backup GPT or metadata)", i);
			return 1;
		}
	}
	return 0;
}

int ext_has_label(const uint8_t *buf, size_t len, const char *label)
{
	size_t n = strlen(label);

	if (len < 1024 + 136 || buf[1024 + 56] != 0x53 || buf[1024 + 57] != 0xef)
		return 0;
	return n <= 16 && memcmp(buf + 1024 + 120, label, n) == 0 &&
	       (n == 16 || buf[1024 + 120 + n] == '\0');
}

static void le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void mbr_build(uint8_t mbr[512], uint64_t sectors, uint32_t disk_id)
{
	uint64_t count = sectors > 2048 ? sectors - 2048 : 0;
	uint8_t *e = mbr + 446;

	memset(mbr, 0, 512);
	le32(mbr + 440, disk_id);
	if (count > 0xffffffffu)
		count = 0xffffffffu;
	e[0] = 0x00;                            /* not bootable */
	e[1] = 0xfe; e[2] = 0xff; e[3] = 0xff;  /* CHS: use LBA */
	e[4] = 0x83;                            /* Linux */
	e[5] = 0xfe; e[6] = 0xff; e[7] = 0xff;
	le32(e + 8, 2048);
	le32(e + 12, (uint32_t)count);
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
}
