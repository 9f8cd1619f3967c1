/*
 * datadisk.h - nhv's data disk: an ext2 file system labelled NHVDATA in the
 * first (MBR) partition of a disk.  It is found by its label, mounted by
 * nhv-identity at boot, and created only when asked (`nhv datadisk format`,
 * or nhv.guestinfo.datadisk=format / guestinfo.nhv.datadisk=format), and
 * only on a blank disk: no partition table, no file-system signature, and
 * nothing but zeros in its first and last MiB.
 */
#ifndef NHV_DATADISK_H
#define NHV_DATADISK_H

#include <stddef.h>
#include <stdint.h>

#define DATADISK_LABEL "NHVDATA"
#define DATADISK_MOUNT "/data"
#define BLANK_SPAN (1024 * 1024)

/*
 * Pure: is this disk blank, judging by its first and last bytes?  0 when
 * blank; 1 with why filled (what was found and where) when it holds data.
 */
int blank_verdict(const uint8_t *head, size_t hlen, const uint8_t *tail, size_t tlen,
		  char *why, size_t whysize);

/* Pure: 1 when an ext2/3/4 superblock (at offset 1024 of buf) carries label. */
int ext_has_label(const uint8_t *buf, size_t len, const char *label);

/* Pure: the MBR nhv writes: one Linux partition from sector 2048 to the end. */
void mbr_build(uint8_t mbr[512], uint64_t sectors, uint32_t disk_id);

/* Device (/dev/X) holding the NHVDATA file system: 0, else -1. */
int datadisk_find(char *dev, size_t size);
/* Blank check of a device or image file: 0 blank, 1 holds data (why), -1 cannot read (why). */
int datadisk_check(const char *dev, char *why, size_t whysize);
/* The only blank whole disk: 0; else -1 with why (none, or several: name them). */
int datadisk_pick(char *dev, size_t size, char *why, size_t whysize);
/* Partition, make the file system, label it.  0, else -1 with why. */
int datadisk_format(const char *disk, char *part, size_t partsize, char *why, size_t whysize);
/* Mounts dev on dir (creating dir): 0, else -1 with why. */
int datadisk_mount(const char *dev, const char *dir, char *why, size_t whysize);

#endif
