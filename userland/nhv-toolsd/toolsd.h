/*
 * nhv-toolsd - the appliance's VMware Tools role towards the outer host
 * (ARCHITECTURE.md, "The backdoor handshake", role 1).  Each job in its own
 * file; main.c puts them in order.
 */
#ifndef NHV_TOOLSD_H
#define NHV_TOOLSD_H

#include <stddef.h>

#include "userland/lib/nhvconf.h"
#include "handshake/transport.h"

struct toolsd_opts {
	const char *run_dir;	/* /run/nhv: backdoor, nesting, config, toolsd.log, toolsd.pid */
	const char *cmdline;	/* /proc/cmdline */
	const char *log;	/* log file; "-" = stderr */
	const char *root;	/* prefix for the files apply.c writes ("" = /) */
	const char *dmi_uuid;	/* SMBIOS UUID, for the fallback host name */
	const char *datadisk_settings;	/* the data disk's settings file */
	int daemon, once, no_apply;
	int hostname_only;	/* --hostname-only: apply the host name, nothing else */
	int settings_only;	/* --settings-only: decide and publish, apply nothing */
};

extern struct toolsd_opts opts;

/* Messages: userland/lib/log.h, "nhv-toolsd: ..." to the --log file or stderr. */
#include "userland/lib/log.h"

/* files.c: atomic writes (temp file, fsync, rename, fsync dir) and small reads;
 * file_write returns 0 or -errno */
int file_write(const char *path, const char *text, size_t len);
long file_read(const char *path, char *buf, size_t cap);
void run_path(char *out, size_t cap, const char *name);

/* config.c: every setting from all its sources (userland/lib/nhvconf.h).
 * config_read_sources reads them (the outer host's only when t is given;
 * -N when N host reads failed); config_decide_read decides from what was
 * read (quiet: no log lines for values not taken); config_decide does both. */
int config_read_sources(const struct nhvbd_transport *t);
void config_decide_read(struct nhvconf *c, int quiet);
int config_decide(struct nhvconf *c, const struct nhvbd_transport *t);
/* RUN_DIR/settings (and RUN_DIR/config, a link to it). */
void config_publish(const struct nhvconf *c);
/* Decides again; logs one line per changed key, applies and publishes the
 * changes; returns them as a bit per key (none when the host did not
 * answer every read). */
unsigned config_recheck(struct nhvconf *cur, const struct nhvbd_transport *t);

/* apply.c: make the system match the settings: every key, or the keys
 * whose bit is in changed (logging what waits for the next boot). */
void config_apply(const struct nhvconf *c);
void config_apply_changed(const struct nhvconf *c, unsigned changed);

/* netinfo.c: what the guest reports */
int net_primary_ipv4(char *out, size_t cap);
int net_hostname(char *out, size_t cap);
void report_guest_info(const struct nhvbd_transport *t, int force);

/* tcloloop.c: the TCLO poll loop; returns when asked to stop.  While the
 * host sends nothing it calls tclo_idle_work when set (main.c: the NTP
 * schedule). */
void tclo_loop(const struct nhvbd_transport *t, struct nhvconf *c);
extern void (*tclo_idle_work)(void);
/* The settings are decided again every SETTINGS_RECHECK_S and after each
 * Set_Option; tclo_settings_changed (main.c: the clock for ntp) is called
 * with the keys that changed. */
#define SETTINGS_RECHECK_S 30
extern void (*tclo_settings_changed)(const struct nhvconf *c, unsigned changed);

/* timesync.c: the ntp key, SNTP at start and every 1024 s */
void timesync_start(const char *servers);
void timesync_tick(void);
long timesync_wait_ms(void);	/* until the next sync; -1 when there is none */

/* main.c: set by SIGTERM/SIGINT */
extern volatile int stop_requested;
/* Sleeps ms milliseconds, or less when a signal arrives. */
void nap(unsigned ms);

#endif
