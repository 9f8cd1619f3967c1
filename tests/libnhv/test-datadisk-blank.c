/* test-blank.c - the data disk is made only on a blank disk; its label and MBR. */
#include "userland/lib/tap.h"
#include "userland/lib/datadisk.h"

#include <stdlib.h>

static uint8_t head[BLANK_SPAN], tail[BLANK_SPAN];

static int verdict(char *why, size_t n)
{
	return blank_verdict(head, sizeof(head), tail, sizeof(tail), why, n);
}

int main(void)
{
	static const struct {
		size_t off;
		const char *bytes;
		size_t len;
		const char *expect;
		const char *name;
	} cases[] = {
		{ 510, "\x55\xaa", 2, "partition table", "an MBR" },
		{ 512, "EFI PART", 8, "GPT", "a GPT header" },
		{ 1080, "\x53\xef", 2, "ext2/3/4", "an ext4 superblock" },
		{ 3, "NTFS    ", 8, "NTFS", "NTFS" },
		{ 0x8001, "CD001", 5, "ISO 9660", "an ISO image" },
		{ 0x10040, "_BHRfS_M", 8, "btrfs", "btrfs" },
		{ 0x218, "LVM2 001", 8, "LVM", "an LVM PV" },
		{ 0, "\x0d\xd0\x01\xc0", 4, "VMFS", "VMFS" },
		{ 900 * 1024, "\x01", 1, "not zero", "one stray byte at 900 KiB" },
	};
	char why[256];
	uint8_t mbr[512];

	tap_is_int(verdict(why, sizeof(why)), 0, "all zeros: blank");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(head, 0, sizeof(head));
		memcpy(head + cases[i].off, cases[i].bytes, cases[i].len);
		tap_ok(verdict(why, sizeof(why)) == 1 && strstr(why, cases[i].expect),
		       "%s: not blank (%s)", cases[i].name, why);
	}
	memset(head, 0, sizeof(head));
	tail[sizeof(tail) - 512] = 'E';
	tap_ok(verdict(why, sizeof(why)) == 1 && strstr(why, "last MiB"),
	       "a backup GPT at the end: not blank (%s)", why);
	memset(tail, 0, sizeof(tail));

	mbr_build(mbr, 2097152, 0x12345678);
	tap_ok(mbr[510] == 0x55 && mbr[511] == 0xaa, "MBR signature");
	tap_is_int(mbr[446 + 4], 0x83, "partition type Linux");
	tap_is_int(mbr[446 + 8] | mbr[446 + 9] << 8 | mbr[446 + 10] << 16 | (long long)mbr[446 + 11] << 24,
		   2048, "partition starts at sector 2048 (1 MiB)");
	tap_is_int(mbr[446 + 12] | mbr[446 + 13] << 8 | mbr[446 + 14] << 16 | (long long)mbr[446 + 15] << 24,
		   2097152 - 2048, "partition runs to the end of the disk");
	tap_ok(mbr[462] == 0 && mbr[478] == 0 && mbr[494] == 0, "only one partition entry");
	mbr_build(mbr, 1ull << 40, 1);
	tap_is_int(mbr[446 + 12] & mbr[446 + 13] & mbr[446 + 14] & mbr[446 + 15], 0xff,
		   "a disk above 2 TiB: the partition is capped at the MBR limit");

	memset(head, 0, sizeof(head));
	head[1024 + 56] = 0x53;
	head[1024 + 57] = 0xef;
	memcpy(head + 1024 + 120, "NHVDATA", 7);
	tap_ok(ext_has_label(head, 2048, "NHVDATA"), "ext superblock labelled NHVDATA is found");
	memcpy(head + 1024 + 120, "NHVDATA2", 8);
	tap_ok(!ext_has_label(head, 2048, "NHVDATA"), "label NHVDATA2 is not NHVDATA");
	memcpy(head + 1024 + 120, "NHVDATA\0", 8);
	head[1024 + 56] = 0;
	tap_ok(!ext_has_label(head, 2048, "NHVDATA"), "no ext magic: not a data disk");
	tap_ok(!ext_has_label(head, 1100, "NHVDATA"), "a short read is not a data disk");
	return tap_done();
}
