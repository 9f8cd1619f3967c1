/*
 * acpi.c - the ACPI tables of the machine (ACPI 6.4 chapter 5): RSDP ->
 * XSDT (and RSDT) -> FADT (-> FACS, DSDT) and MADT, built at 0xe0000
 * where an RSDP scan finds them, and reported in boot_params too.
 *
 *   FADT  fixed-hardware power button (PWR_BUTTON flag clear), no sleep
 *         button, PM1a event/control blocks and SCI of acpi_pm, no PM
 *         timer, reset register 0xcf9 value 6, 8042 present, no VGA;
 *         SMI_CMD 0: the machine is always in ACPI mode.
 *   MADT  one local APIC per vCPU (APIC id = vCPU id), the IOAPIC with GSI
 *         base 0, no 8259 (PCAT_COMPAT clear), the SCI as an edge,
 *         active-high ISA override.
 *   DSDT  \_S5 (SLP_TYP ACPI_PM_S5_SLP_TYP), so `poweroff` works, and the
 *         virtio-mmio devices (LNRO0005 with their window and GSI).
 */
#include <string.h>
#include "userland/nhv-vm/layout.h"
#include "userland/nhv-vm/loader.h"
#include "userland/nhv-vm/devices/devices.h"

#define HDR	36	/* every system description table's header */

struct area {
	uint8_t *base;
	uint64_t gpa, used, size;
};

static uint8_t *alloc(struct area *a, uint64_t len, uint64_t align, uint64_t *gpa)
{
	uint64_t at = (a->used + align - 1) & ~(align - 1);

	if (at + len > a->size)
		return NULL;
	a->used = at + len;
	*gpa = a->gpa + at;
	memset(a->base + at, 0, len);
	return a->base + at;
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint8_t checksum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return (uint8_t)-s;
}

static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "NHV   ", 6);
	memcpy(t + 16, "NHVVM   ", 8);
	put32(t + 24, 1);
	memcpy(t + 28, "NHV ", 4);
	put32(t + 32, 1);
}

static void finish(uint8_t *t, uint32_t len)
{
	t[9] = 0;
	t[9] = checksum(t, len);
}

/* Generic address structure (ACPI 6.4 5.2.3.2) for system I/O. */
static void gas_io(uint8_t *p, uint16_t port, uint8_t bits, uint8_t access)
{
	p[0] = 1;
	p[1] = bits;
	p[2] = 0;
	p[3] = access;
	put64(p + 4, port);
}

/* AML (ACPI 6.4 chapter 20) for the DSDT, built in a fixed buffer. */
#define AML_MAX		2048

struct aml {
	uint8_t b[AML_MAX];
	size_t n;
	int overflow;
};

static void emit(struct aml *a, const void *p, size_t len)
{
	if (a->n + len > AML_MAX) {
		a->overflow = 1;
		return;
	}
	memcpy(a->b + a->n, p, len);
	a->n += len;
}

static void emit1(struct aml *a, uint8_t v)
{
	emit(a, &v, 1);
}

/* PkgLength (20.2.4) of a body of len bytes: the encoding counts itself. */
static void pkglen(struct aml *a, size_t len)
{
	if (len + 1 < 0x40) {
		emit1(a, (uint8_t)(len + 1));
	} else if (len + 2 < 0x1000) {
		len += 2;
		emit1(a, (uint8_t)(0x40 | (len & 0xf)));
		emit1(a, (uint8_t)(len >> 4));
	} else {
		len += 3;
		emit1(a, (uint8_t)(0x80 | (len & 0xf)));
		emit1(a, (uint8_t)(len >> 4));
		emit1(a, (uint8_t)(len >> 12));
	}
}

/* Wraps the bytes from start on as OP PkgLength [name] body. */
static void wrap(struct aml *a, size_t start, const uint8_t *op, size_t oplen)
{
	struct aml body;

	body.n = a->n - start;
	memcpy(body.b, a->b + start, body.n);
	a->n = start;
	emit(a, op, oplen);
	pkglen(a, body.n);
	emit(a, body.b, body.n);
}

static void name_string(struct aml *a, const char *seg, const char *str)
{
	emit1(a, 0x08);			/* NameOp */
	emit(a, seg, 4);
	emit1(a, 0x0d);			/* StringPrefix */
	emit(a, str, strlen(str) + 1);
}

static void name_byte(struct aml *a, const char *seg, uint8_t v)
{
	emit1(a, 0x08);
	emit(a, seg, 4);
	emit1(a, 0x0a);			/* BytePrefix */
	emit1(a, v);
}

/* Name (_CRS, ResourceTemplate () { Memory32Fixed (RW, base, len) Interrupt (edge, high) { gsi } }) */
static void crs_mmio_irq(struct aml *a, uint32_t base, uint32_t len, uint32_t gsi)
{
	uint8_t rt[23] = {
		0x86, 0x09, 0x00, 0x01,	/* Memory32Fixed, read-write (6.4.3.4) */
		0, 0, 0, 0, 0, 0, 0, 0,
		0x89, 0x06, 0x00, 0x03,	/* Extended Interrupt: consumer, edge, high (6.4.3.6) */
		0x01, 0, 0, 0, 0,
		0x79, 0x00,		/* End tag */
	};
	size_t start;

	memcpy(rt + 4, &base, 4);
	memcpy(rt + 8, &len, 4);
	memcpy(rt + 17, &gsi, 4);
	emit1(a, 0x08);
	emit(a, "_CRS", 4);
	start = a->n;
	emit1(a, 0x0a);
	emit1(a, sizeof(rt));
	emit(a, rt, sizeof(rt));
	wrap(a, start, (const uint8_t *)"\x11", 1);	/* BufferOp */
}

/*
 * \_S5 (SLP_TYP ACPI_PM_S5_SLP_TYP) and, in \_SB, one LNRO0005 device per
 * virtio-mmio window: Linux's virtio_mmio driver binds to those (Debian's
 * kernel has no virtio_mmio.device= command-line devices).
 */
static void dsdt_aml(struct vm *vm, struct aml *a)
{
	static const uint8_t s5[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
		0x0a, ACPI_PM_S5_SLP_TYP, 0x0a, ACPI_PM_S5_SLP_TYP, 0x00, 0x00,
	};
	size_t scope;

	emit(a, s5, sizeof(s5));
	scope = a->n;
	emit(a, "\\_SB_", 5);
	for (unsigned int i = 0; i < vm->nvirtio; i++) {
		char seg[4] = { 'V', 'R', (char)('0' + i / 10), (char)('0' + i % 10) };
		size_t dev = a->n;

		emit(a, seg, 4);
		name_string(a, "_HID", "LNRO0005");
		name_byte(a, "_UID", (uint8_t)i);
		crs_mmio_irq(a, (uint32_t)(GPA_VIRTIO_MMIO + i * VIRTIO_MMIO_SIZE),
			     (uint32_t)VIRTIO_MMIO_SIZE, GSI_VIRTIO_FIRST + i);
		wrap(a, dev, (const uint8_t *)"\x5b\x82", 2);	/* DeviceOp */
	}
	wrap(a, scope, (const uint8_t *)"\x10", 1);		/* ScopeOp */
}

static int build_dsdt(struct vm *vm, struct area *a, uint64_t *gpa)
{
	static struct aml aml;
	uint32_t len;
	uint8_t *t;

	memset(&aml, 0, sizeof(aml));
	dsdt_aml(vm, &aml);
	if (aml.overflow)
		return -1;
	len = HDR + (uint32_t)aml.n;
	t = alloc(a, len, 16, gpa);
	if (!t)
		return -1;
	header(t, "DSDT", len, 2);
	memcpy(t + HDR, aml.b, aml.n);
	finish(t, len);
	return 0;
}

#define FADT_LEN	276
#define FADT_WBINVD	(1U << 0)
#define FADT_PROC_C1	(1U << 2)
#define FADT_SLP_BUTTON	(1U << 5)	/* set: no sleep button */
#define FADT_RESET_REG	(1U << 10)
#define BOOT_8042	(1U << 1)
#define BOOT_NO_VGA	(1U << 2)

static int build_fadt(struct area *a, uint64_t dsdt, uint64_t facs, uint64_t *gpa)
{
	uint8_t *t = alloc(a, FADT_LEN, 16, gpa);

	if (!t)
		return -1;
	header(t, "FACP", FADT_LEN, 6);
	put32(t + 36, (uint32_t)facs);
	put32(t + 40, (uint32_t)dsdt);
	put16(t + 46, GSI_SCI);
	put32(t + 56, PORT_ACPI_PM);
	put32(t + 64, PORT_ACPI_PM1_CNT);
	t[88] = 4;		/* PM1_EVT_LEN */
	t[89] = 2;		/* PM1_CNT_LEN */
	put16(t + 96, 101);	/* P_LVL2_LAT > 100: no C2 */
	put16(t + 98, 1001);	/* P_LVL3_LAT > 1000: no C3 */
	put16(t + 109, BOOT_8042 | BOOT_NO_VGA);
	put32(t + 112, FADT_WBINVD | FADT_PROC_C1 | FADT_SLP_BUTTON | FADT_RESET_REG);
	gas_io(t + 116, PORT_RESET, 8, 1);
	t[128] = 0x06;		/* RESET_VALUE: full reset (acpi_pm wants bit 2) */
	t[131] = 4;		/* FADT minor version: 6.4 */
	put64(t + 132, facs);
	put64(t + 140, dsdt);
	gas_io(t + 148, PORT_ACPI_PM, 32, 2);
	gas_io(t + 172, PORT_ACPI_PM1_CNT, 16, 2);
	finish(t, FADT_LEN);
	return 0;
}

static int build_facs(struct area *a, uint64_t *gpa)
{
	uint8_t *t = alloc(a, 64, 64, gpa);

	if (!t)
		return -1;
	memcpy(t, "FACS", 4);
	put32(t + 4, 64);
	t[32] = 2;		/* version */
	return 0;
}

static int build_madt(struct vm *vm, struct area *a, uint64_t *gpa)
{
	uint32_t len = HDR + 8 + 8 * vm->nvcpus + 12 + 10;
	uint8_t *t = alloc(a, len, 16, gpa), *p;

	if (!t)
		return -1;
	header(t, "APIC", len, 4);
	put32(t + 36, (uint32_t)GPA_LAPIC);
	put32(t + 40, 0);		/* no PCAT_COMPAT: there is no 8259 */
	p = t + 44;
	for (unsigned int i = 0; i < vm->nvcpus; i++, p += 8) {
		p[0] = 0;		/* processor local APIC */
		p[1] = 8;
		p[2] = (uint8_t)i;	/* ACPI processor UID */
		p[3] = (uint8_t)i;	/* APIC id */
		put32(p + 4, 1);	/* enabled */
	}
	p[0] = 1;			/* I/O APIC */
	p[1] = 12;
	p[2] = (uint8_t)vm->nvcpus;	/* its id follows the local APICs' */
	put32(p + 4, (uint32_t)GPA_IOAPIC);
	put32(p + 8, 0);
	p += 12;
	p[0] = 2;			/* interrupt source override: the SCI */
	p[1] = 10;
	p[2] = 0;
	p[3] = GSI_SCI;
	put32(p + 4, GSI_SCI);
	put16(p + 8, 0x5);		/* active high, edge */
	finish(t, len);
	return 0;
}

int acpi_build(struct vm *vm, uint64_t *rsdp_gpa)
{
	struct area a = { vm_guest_ptr(vm, GPA_BIOS, GPA_SMBIOS - GPA_BIOS), GPA_BIOS, 0,
			  GPA_SMBIOS - GPA_BIOS };
	uint64_t rsdp, dsdt, facs, fadt, madt, xsdt, rsdt;
	uint8_t *r, *x, *s;

	if (!a.base)
		return -1;
	r = alloc(&a, 36, 16, &rsdp);
	if (!r || build_dsdt(vm, &a, &dsdt) || build_facs(&a, &facs) ||
	    build_fadt(&a, dsdt, facs, &fadt) || build_madt(vm, &a, &madt))
		return -1;
	x = alloc(&a, HDR + 16, 16, &xsdt);
	s = alloc(&a, HDR + 8, 16, &rsdt);
	if (!x || !s)
		return -1;
	header(x, "XSDT", HDR + 16, 1);
	put64(x + HDR, fadt);
	put64(x + HDR + 8, madt);
	finish(x, HDR + 16);
	header(s, "RSDT", HDR + 8, 1);
	put32(s + HDR, (uint32_t)fadt);
	put32(s + HDR + 4, (uint32_t)madt);
	finish(s, HDR + 8);

	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "NHV   ", 6);
	r[15] = 2;			/* revision: ACPI 2.0+ */
	put32(r + 16, (uint32_t)rsdt);
	put32(r + 20, 36);
	put64(r + 24, xsdt);
	r[8] = checksum(r, 20);
	r[32] = checksum(r, 36);
	*rsdp_gpa = rsdp;
	return 0;
}
