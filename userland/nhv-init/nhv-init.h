/*
 * nhv-init - the appliance's boot flow, run as PID 1 from the initramfs.
 * Each step lives in its own file; main.c puts them in order.
 */
#ifndef NHV_INIT_H
#define NHV_INIT_H

#include <stddef.h>

#define NHV_RUN_DIR "/run/nhv"

/* Messages: userland/lib/log.h, to the kernel log (and stderr with nhv.debug). */
#include "userland/lib/log.h"

/* cmdline.c: kernel command line */
int cmdline_load(void);
void cmdline_set(const char *text);		/* instead of /proc/cmdline (tests) */
/* Value of the last key=value word ("" for a bare key), or NULL. */
const char *cmdline_get(const char *key);

/* mounts.c */
int mount_early(void);
int mount_efivarfs(void);
void unmount_all(void);

/* modload.c: load drivers for the devices present by their modaliases */
int modules_load_for_devices(void);
int module_load(const char *name);

/* netup.c: loopback up, every ethernet NIC up, DHCP with busybox udhcpc */
int net_bring_up(void);

/* consoles.c: write to every active console (VGA and serial) */
void consoles_write(const char *text);

/* status.c: the status block printed after `nhv: ready` */
int status_build(char *buf, size_t len, const char *hostname);

/* inittab.c: the inittab for busybox init (login or serial root shell) */
int inittab_write(const char *path);

/* util.c (running programs: userland/lib/runcap.h) */
int read_text(const char *path, char *buf, size_t len);	/* trims trailing newline */
int write_file(const char *path, const char *text);
void appendf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
