/*
 * smbios.h - the SMBIOS tables an L2 guest reads (DMTF DSP0134 2.7):
 * type 0 (BIOS, vendor "VMware, Inc."), type 1 (system: "VMware, Inc.",
 * "VMware Virtual Platform", serial "VMware-56 4d ..." and the UUID from
 * uuid.bios) and type 127, behind a 2.x "_SM_" entry point at GPA_SMBIOS,
 * where Linux without EFI scans (0xF0000-0xFFFFF, 16-byte aligned).
 */
#ifndef NHV_VM_SMBIOS_H
#define NHV_VM_SMBIOS_H

#include <stddef.h>
#include <stdint.h>

#define SMBIOS_AREA	0x1000	/* bytes used at GPA_SMBIOS, at most */

/*
 * Writes the entry point and the table into area (size bytes at guest
 * address gpa, 16-byte aligned; the table follows the entry point).
 * uuid: the 16 bytes of uuid.bios in order; they go into the type 1 UUID
 * field as they are, which SMBIOS 2.6+ readers show with the first three
 * fields byte-swapped, as on VMware.  Returns the bytes used, or 0 when
 * size is too small.
 */
size_t smbios_write(uint8_t *area, size_t size, uint32_t gpa, const uint8_t uuid[16]);

#endif
