/*
 * smbios.c - see smbios.h.  Offsets are DSP0134's: entry point 5.2.1,
 * type 0 7.1, type 1 7.2, type 127 7.46.
 */
#include <string.h>
#include "userland/lib/hexfmt.h"
#include "userland/nhv-vm/smbios.h"

#define EP_LEN		0x1f
#define T0_LEN		0x18
#define T1_LEN		0x1b
#define SMBIOS_MAJOR	2
#define SMBIOS_MINOR	7

struct out {
	uint8_t *p;
	size_t used, size;
	uint16_t max_struct, count;
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static uint8_t checksum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return (uint8_t)-s;
}

/* A structure: the formatted part (len bytes, header filled here) and its strings. */
static uint8_t *structure(struct out *o, uint8_t type, uint8_t len, const char *const *str,
			  unsigned int nstr)
{
	size_t total = len + 1, at = o->used;
	uint8_t *s;

	for (unsigned int i = 0; i < nstr; i++)
		total += strlen(str[i]) + 1;
	if (!nstr)
		total++;	/* no strings: two NULs */
	if (!o->p || at + total > o->size) {
		o->p = NULL;
		return NULL;
	}
	s = o->p + at;
	memset(s, 0, total);
	s[0] = type;
	s[1] = len;
	put16(s + 2, o->count);	/* handle */
	at += len;
	for (unsigned int i = 0; i < nstr; i++) {
		memcpy(o->p + at, str[i], strlen(str[i]) + 1);
		at += strlen(str[i]) + 1;
	}
	o->used += total;
	o->count++;
	if (total > o->max_struct)
		o->max_struct = (uint16_t)total;
	return s;
}

/* "VMware-56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc": VMware's serial number. */
static void serial(const uint8_t u[16], char out[64])
{
	struct nhv_uuid id;

	memcpy(id.b, u, sizeof(id.b));
	memcpy(out, "VMware-", 7);
	uuid_format_vmx(&id, out + 7);
}

size_t smbios_write(uint8_t *area, size_t size, uint32_t gpa, const uint8_t uuid[16])
{
	static const char *const bios[] = { "VMware, Inc.", "VMW71.00V.nhv", "12/12/2018" };
	char sn[64];
	const char *sys[] = { "VMware, Inc.", "VMware Virtual Platform", "None", sn };
	struct out o = { .p = area, .used = 0x20, .size = size };
	uint8_t *s, *ep = area;

	if (size < 0x20)
		return 0;
	serial(uuid, sn);
	s = structure(&o, 0, T0_LEN, bios, 3);
	if (s) {
		s[4] = 1;		/* vendor */
		s[5] = 2;		/* version */
		put16(s + 6, 0xe800);	/* starting segment */
		s[8] = 3;		/* release date */
		s[9] = 0;		/* ROM size: 64 KiB */
		s[10] = 1U << 3;	/* characteristics not supported */
		s[0x14] = s[0x15] = 0xff;	/* BIOS release: not given */
		s[0x16] = s[0x17] = 0xff;	/* no embedded controller */
	}
	s = structure(&o, 1, T1_LEN, sys, 4);
	if (s) {
		s[4] = 1;		/* manufacturer */
		s[5] = 2;		/* product */
		s[6] = 3;		/* version */
		s[7] = 4;		/* serial */
		memcpy(s + 8, uuid, 16);
		s[0x18] = 6;		/* wake-up: power switch */
	}
	structure(&o, 127, 4, NULL, 0);
	if (!o.p)
		return 0;
	memset(ep, 0, EP_LEN);
	memcpy(ep, "_SM_", 4);
	ep[5] = EP_LEN;
	ep[6] = SMBIOS_MAJOR;
	ep[7] = SMBIOS_MINOR;
	put16(ep + 8, o.max_struct);
	memcpy(ep + 0x10, "_DMI_", 5);
	put16(ep + 0x16, (uint16_t)(o.used - 0x20));
	put32(ep + 0x18, gpa + 0x20);
	put16(ep + 0x1c, o.count);
	ep[0x1e] = SMBIOS_MAJOR << 4 | SMBIOS_MINOR;
	ep[0x15] = checksum(ep + 0x10, 15);
	ep[4] = checksum(ep, EP_LEN);
	return o.used;
}
