/*
 * test-smbios.c - the SMBIOS tables of an L2 guest (userland/nhv-vm/smbios.c)
 * read back as Linux's dmi_scan.c does: the entry point's two checksums and
 * fields, each structure and its strings, and the UUID as /sys shows it
 * (SMBIOS 2.6+: the first three fields little-endian).
 */
#include <stdio.h>
#include <string.h>
#include "userland/lib/tap.h"
#include "userland/nhv-vm/smbios.h"

static uint8_t area[SMBIOS_AREA];

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static unsigned int get16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

/* String n (1-based) of the structure at s, or "". */
static const char *str(const uint8_t *s, unsigned int n)
{
	const char *p = (const char *)s + s[1];

	while (n > 1 && *p) {
		p += strlen(p) + 1;
		n--;
	}
	return n == 1 ? p : "";
}

/* The structure of type t in the table, or NULL. */
static const uint8_t *find(const uint8_t *table, size_t len, uint8_t t)
{
	const uint8_t *p = table, *end = table + len;

	while (p + 4 <= end) {
		const uint8_t *q = p + p[1];

		if (p[0] == t)
			return p;
		while (q + 1 < end && (q[0] || q[1]))
			q++;
		p = q + 2;
	}
	return NULL;
}

int main(void)
{
	static const uint8_t uuid[16] = { 0x56, 0x4d, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
					  0xde, 0xf0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc };
	const uint8_t *t0, *t1, *table;
	char shown[40];
	size_t used;
	uint32_t addr;

	tap_is_int((long long)smbios_write(area, 64, 0xf0000, uuid), 0, "a 64-byte area is too small: 0");
	memset(area, 0xee, sizeof(area));
	used = smbios_write(area, sizeof(area), 0xf0000, uuid);
	tap_ok(used > 0x20 && used <= sizeof(area), "the tables fit (%zu bytes)", used);
	tap_ok(!memcmp(area, "_SM_", 4) && area[5] == 0x1f && sum(area, 0x1f) == 0,
	       "_SM_ entry point, length 0x1f, checksum 0");
	tap_ok(!memcmp(area + 0x10, "_DMI_", 5) && sum(area + 0x10, 15) == 0,
	       "_DMI_ intermediate anchor, checksum 0");
	tap_ok(area[6] == 2 && area[7] == 7 && area[0x1e] == 0x27, "SMBIOS 2.7 (so the UUID is read 2.6+ style)");
	addr = (uint32_t)area[0x18] | (uint32_t)area[0x19] << 8 | (uint32_t)area[0x1a] << 16 |
	       (uint32_t)area[0x1b] << 24;
	tap_ok(addr == 0xf0020 && get16(area + 0x16) == used - 0x20 && get16(area + 0x1c) == 3,
	       "table at 0xf0020, its length, 3 structures");
	table = area + 0x20;
	t0 = find(table, used - 0x20, 0);
	t1 = find(table, used - 0x20, 1);
	tap_ok(t0 && t1 && find(table, used - 0x20, 127), "types 0, 1 and 127 are there");
	if (!t0 || !t1)
		return tap_done();
	tap_is_str(str(t0, t0[4]), "VMware, Inc.", "type 0: BIOS vendor");
	tap_is_str(str(t1, t1[4]), "VMware, Inc.", "type 1: manufacturer (sys_vendor)");
	tap_is_str(str(t1, t1[5]), "VMware Virtual Platform", "type 1: product (product_name)");
	tap_is_str(str(t1, t1[7]), "VMware-56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc",
		   "type 1: serial in VMware's form");
	tap_ok(t1[1] == 0x1b && !memcmp(t1 + 8, uuid, 16), "type 1: the UUID bytes as uuid.bios has them");
	snprintf(shown, sizeof(shown), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 t1[11], t1[10], t1[9], t1[8], t1[13], t1[12], t1[15], t1[14], t1[16], t1[17], t1[18],
		 t1[19], t1[20], t1[21], t1[22], t1[23]);
	tap_is_str(shown, "34124d56-7856-bc9a-def0-123456789abc",
		   "product_uuid as Linux shows it (first three fields byte-swapped, as on VMware)");
	tap_ok(area[used] == 0xee, "nothing written past the bytes reported");
	return tap_done();
}
