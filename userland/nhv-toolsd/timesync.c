/*
 * timesync.c - the ntp key: the clock set by SNTP (sntp_sync.c) at start
 * and then every 1024 s while the daemon runs.  When no server answers the
 * next try comes sooner (64 s, doubling up to 1024 s).  With --no-apply the
 * clock is left alone (sntp_clock_dry_run).  The last result is in
 * RUN_DIR/ntp.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "userland/nhv-toolsd/sntp_sync.h"
#include "userland/nhv-toolsd/toolsd.h"

#define INTERVAL_S 1024
#define RETRY_S 64

static char servers[NHVCONF_VALUE_MAX];
static int active;
static long retry_s = RETRY_S;
static time_t due;

static time_t mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void sync_now(void)
{
	struct sntp_result res;
	char text[1024], off[40], path[300];
	int rc, err;

	rc = sntp_sync(servers, SNTP_TIMEOUT_MS, opts.no_apply ? sntp_clock_dry_run : sntp_clock_apply,
		       NULL, &res);
	if (rc == SNTP_SYNCED) {
		sntp_format_offset(res.offset_ns, off, sizeof(off));
		snprintf(text, sizeof(text), "servers=%s\nserver=%s\naddress=%s\noffset=%s\nresult=%s\n",
			 servers, res.server, res.addr, off, res.action);
		due = mono_s() + INTERVAL_S;
		retry_s = RETRY_S;
	} else {
		snprintf(text, sizeof(text), "servers=%s\nresult=no valid answer; next try in %ld s\n",
			 servers, retry_s);
		due = mono_s() + retry_s;
		retry_s = retry_s * 2 < INTERVAL_S ? retry_s * 2 : INTERVAL_S;
	}
	run_path(path, sizeof(path), "ntp");
	err = file_write(path, text, strlen(text));
	if (err)
		log_msg("cannot write %s: %s", path, strerror(-err));
}

void timesync_start(const char *list)
{
	active = list && *list;
	if (!active)
		return;
	snprintf(servers, sizeof(servers), "%s", list);
	sync_now();
}

void timesync_tick(void)
{
	if (active && mono_s() >= due)
		sync_now();
}

long timesync_wait_ms(void)
{
	time_t now = mono_s();

	if (!active)
		return -1;
	return due > now ? (long)(due - now) * 1000 : 0;
}
