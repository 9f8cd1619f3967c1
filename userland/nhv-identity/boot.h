/*
 * boot.h - `nhv-identity boot`: read the hardware identity, load the stored
 * one (data disk, else EFI variable, else RAM), decide, renew what a clone
 * must renew, store the result atomically and publish it under /run/nhv.
 */
#ifndef NHV_BOOT_H
#define NHV_BOOT_H

#include "userland/nhv-identity/identity.h"

#define RUN_DIR "/run/nhv"

struct boot_opts {
	const char *data_dir;   /* use this folder as the mounted data disk */
	const char *hostname;   /* guestinfo hostname given by the caller */
	int datadisk_format;    /* make the data disk on a blank disk when none is found */
	int no_datadisk;
	int no_efi;
	enum mac_prefix prefix;
	enum mac_mode mode;
};

/*
 * Reads the decided settings (/run/nhv/settings, written by
 * `nhv-toolsd --settings-only`; docs/handshake.md) for what o leaves unset:
 * hostname, datadisk=format, macprefix, macmode.  boot_run adds the data
 * disk's settings file once the disk is mounted, by the same rule.
 */
void boot_read_settings(struct boot_opts *o);
/* n bytes from getrandom(2) (the random_fn of decide.h). */
void sys_random(void *ctx, void *buf, size_t n);
/* 0 when an identity was decided and stored; 1 on failure (messages say why). */
int boot_run(const struct boot_opts *o);

#endif
