/*
 * paste-dmi.c - dmidecode output in a paste: the whole table (every
 * record type, OEM ones included), `dmidecode -t system`, or bare
 * "System Information" blocks.  A record runs from its "Handle 0x..., DMI
 * type N" line (or its title) to the next blank line, and every line in
 * it is dmidecode's: OEM strings and Processor "Flags:" never reach the
 * /proc/cpuinfo and lscpu readers.
 *
 * Fields kept (the files of /sys/class/dmi/id that systemd virt.c and
 * virt-what.in read): type 0 Vendor, Version; type 1 Manufacturer,
 * Product Name, Version, Serial Number, UUID; type 2 Manufacturer; type 3
 * Manufacturer.  Type 0 "Characteristics:" gives the SMBIOS "system is a
 * virtual machine" bit (DSP0134 7.1.2.2, BIOS characteristics extension
 * byte 2 bit 4; systemd virt.c detect_vm_smbios), printed by dmidecode
 * as "System is a virtual machine".
 */
#include "tools/nhv-check/paste.h"
#include "tools/nhv-check/replay-text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *title;
	int type;
} titles[] = {
	{ "BIOS Information", 0 },
	{ "System Information", 1 },
	{ "Base Board Information", 2 },
	{ "Chassis Information", 3 },
};

static const struct {
	int type;
	const char *key;
	enum str_fact id;
} fields[] = {
	{ 0, "Vendor", S_DMI_BIOS_VENDOR },
	{ 0, "Version", S_DMI_BIOS_VERSION },
	{ 1, "Manufacturer", S_DMI_SYS_VENDOR },
	{ 1, "Product Name", S_DMI_PRODUCT_NAME },
	{ 1, "Version", S_DMI_PRODUCT_VERSION },
	{ 1, "Serial Number", S_DMI_PRODUCT_SERIAL },
	{ 1, "UUID", S_DMI_PRODUCT_UUID },
	{ 2, "Manufacturer", S_DMI_BOARD_VENDOR },
	{ 3, "Manufacturer", S_DMI_CHASSIS_VENDOR },
};

/* Lines of dmidecode's own header, outside any record. */
static int header_line(const char *t)
{
	return strncmp(t, "Getting SMBIOS data from ", 25) == 0 || strncmp(t, "Scanning /dev/mem for entry point", 33) == 0 ||
	       (strncmp(t, "SMBIOS ", 7) == 0 && strstr(t, " present.")) || strncmp(t, "Table at 0x", 11) == 0 ||
	       (strstr(t, " structures occupying ") && strstr(t, " bytes."));
}

static void part_for(struct paste_state *st, int type)
{
	static const unsigned bits[] = { PP_DMI_BIOS, PP_DMI_SYSTEM, PP_DMI_BOARD, PP_DMI_CHASSIS };

	st->f->paste_parts |= type >= 0 && type <= 3 ? bits[type] : PP_DMI_OTHER;
}

static void enter(struct paste_state *st, int type)
{
	st->mode = PM_DMI;
	st->dmi_type = type;
	st->dmi_in_chars = 0;
	part_for(st, type);
}

/* "Handle 0x0001, DMI type 1, 27 bytes": 1 and *type, else 0. */
static int handle_line(const char *t, int *type)
{
	const char *p = strstr(t, ", DMI type ");
	char *end;

	if (strncmp(t, "Handle 0x", 9) != 0 || !p)
		return 0;
	long v = strtol(p + 11, &end, 10);
	if (end == p + 11 || v < 0 || v > 255)
		return 0;
	*type = (int)v;
	return 1;
}

/* One item of the BIOS Characteristics list. */
static void characteristic(struct paste_state *st, const char *t)
{
	if (strcmp(t, "System is a virtual machine") == 0) {
		fact_set(st->f, N_SMBIOS_VM_BIT, 1, SRC_DMI);
		return;
	}
	/* An item of extension byte 2 shows the byte is there; dmidecode >= 3.0
	 * decodes it in full (the line above exists since 2.11): there, the
	 * VM line's absence is an answer. */
	if (strcmp(t, "UEFI is supported") == 0 || strcmp(t, "BIOS boot specification is supported") == 0 ||
	    strcmp(t, "Function key-initiated network boot is supported") == 0 ||
	    strcmp(t, "Targeted content distribution is supported") == 0) {
		if (st->dmi_version >= 300 && !fact_known(st->f, N_SMBIOS_VM_BIT))
			fact_set(st->f, N_SMBIOS_VM_BIT, 0, SRC_DMI);
	}
}

static void no_dmi(struct paste_state *st)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!str_known(st->f, fields[i].id))
			fact_unavail_str(st->f, fields[i].id, FR_NOT_PRESENT, SRC_DMI);
	st->f->paste_parts |= PP_DMI_OTHER;
}

int paste_dmi_line(struct paste_state *st, char *t, int lineno, struct replay_error *err)
{
	int type;

	if (handle_line(t, &type)) {
		enter(st, type);
		return 1;
	}
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (strcmp(t, titles[i].title) == 0) {
			if (st->mode != PM_DMI)
				enter(st, titles[i].type);
			return 1;
		}
	/* virt-what.in: the message dmidecode prints where there is no table (Xen PV). */
	if (strstr(t, "No SMBIOS nor DMI entry point found")) {
		no_dmi(st);
		return 1;
	}
	if (st->mode != PM_DMI)
		return header_line(t);

	char *colon = strchr(t, ':');
	/* List items carry no colon; the next "Key: value" ends the list. */
	if (st->dmi_type == 0 && st->dmi_in_chars && !colon) {
		characteristic(st, t);
		return 1;
	}
	st->dmi_in_chars = 0;
	if (!colon)
		return 1;
	*colon = '\0';
	char *key = replay_trim(t);
	char *val = replay_trim(colon + 1);
	if (st->dmi_type == 0 && strcmp(key, "Characteristics") == 0 && !*val) {
		st->dmi_in_chars = 1;
		return 1;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].type == st->dmi_type && strcmp(fields[i].key, key) == 0)
			return paste_put(st, st->f, fields[i].id, val, SRC_DMI, lineno, err) ? -1 : 1;
	return 1;
}
