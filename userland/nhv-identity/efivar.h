/*
 * efivar.h - UEFI variables through efivarfs, directly (efivar's library is
 * glibc-only).  A file in /sys/firmware/efi/efivars is named Name-GUID and
 * holds a 4-byte little-endian attribute word followed by the data.
 * efivarfs marks variables immutable (FS_IMMUTABLE_FL) so that a stray
 * `rm` cannot brick firmware: a write clears the flag first.  One write()
 * is one SetVariable() call, which the firmware applies whole or not at all.
 *
 * nhv's vendor GUID, made once for this project.
 */
#ifndef NHV_EFIVAR_H
#define NHV_EFIVAR_H

#include <stddef.h>

#define NHV_EFI_GUID "7d344f0a-c225-43d3-926c-c0c64d48f26f"
#define NHV_EFI_IDENTITY "NhvIdentity-" NHV_EFI_GUID

/* EFI_VARIABLE_NON_VOLATILE | BOOTSERVICE_ACCESS | RUNTIME_ACCESS (UEFI spec 8.2) */
#define EFI_ATTR_NV_BS_RT 0x00000007u

/* 1 when booted under UEFI (efivarfs is mounted here if it was not). */
int efivar_available(char *dir, size_t size);
/* The variable's data (without the attribute word), malloc'd; NULL and errno (ENOENT: absent). */
char *efivar_read(const char *dir, const char *name, size_t *len);
/* 0, or -1 with a message on stderr. */
int efivar_write(const char *dir, const char *name, const void *data, size_t len);

#endif
