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
	int daemon, once, no_apply;
	int hostname_only;	/* --hostname-only: apply the host name, nothing else */
};

extern struct toolsd_opts opts;

/* Messages: userland/lib/log.h, "nhv-toolsd: ..." to the --log file or stderr. */
#include "userland/lib/log.h"

/* files.c: atomic writes (temp file, fsync, rename, fsync dir) and small reads;
 * file_write returns 0 or -errno */
int file_write(const char *path, const char *text, size_t len);
long file_read(const char *path, char *buf, size_t cap);
void run_path(char *out, size_t cap, const char *name);

/* config.c: the nhv keys from the command line and the host */
void config_defaults(struct nhvconf *c);	/* hostname= of /run/nhv/identity */
void config_from_cmdline(struct nhvconf *c);
void config_from_host(struct nhvconf *c, const struct nhvbd_transport *t);
void config_publish(const struct nhvconf *c);

/* apply.c: make the system match the configuration */
void config_apply(const struct nhvconf *c);

/* netinfo.c: what the guest reports */
int net_primary_ipv4(char *out, size_t cap);
int net_hostname(char *out, size_t cap);
void report_guest_info(const struct nhvbd_transport *t, int force);

/* tcloloop.c: the TCLO poll loop; returns when asked to stop.  While the
 * host sends nothing it calls tclo_idle_work when set (main.c: the NTP
 * schedule). */
void tclo_loop(const struct nhvbd_transport *t, const struct nhvconf *c);
extern void (*tclo_idle_work)(void);

/* timesync.c: the ntp key, SNTP at start and every 1024 s */
void timesync_start(const char *servers);
void timesync_tick(void);
long timesync_wait_ms(void);	/* until the next sync; -1 when there is none */

/* main.c: set by SIGTERM/SIGINT */
extern volatile int stop_requested;
/* Sleeps ms milliseconds, or less when a signal arrives. */
void nap(unsigned ms);

#endif
