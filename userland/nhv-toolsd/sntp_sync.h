/*
 * sntp_sync.h - one SNTP exchange over UDP (IPv4) per server, and the
 * clock set from the first server of a list that answers with a valid
 * reply.  Setting the clock is a function the caller passes: the real one
 * (sntp_clock_apply) only in the appliance, sntp_clock_dry_run or a test's
 * elsewhere.
 */
#ifndef NHV_SNTP_SYNC_H
#define NHV_SNTP_SYNC_H

#include <stdint.h>

#include "userland/nhv-toolsd/sntp.h"

#define SNTP_TIMEOUT_MS 2000	/* per server */
#define SNTP_MAX_SERVERS 8	/* tried from one list */
#define SNTP_STEP_NS 128000000LL	/* below this offset the clock is slewed */

enum sntp_status {
	SNTP_SYNCED = 0,
	SNTP_ERR_SYNTAX = -1,	/* not host or host:port */
	SNTP_ERR_RESOLVE = -2,	/* no IPv4 address for the name */
	SNTP_ERR_SOCKET = -3,	/* socket, connect or send failed */
	SNTP_ERR_TIMEOUT = -4,	/* no reply within the time-out */
	SNTP_ERR_REFUSED = -5,	/* only replies that failed sntp_parse */
	SNTP_ERR_UNREACHABLE = -6,	/* ICMP: nothing listens there */
	SNTP_ERR_CLOCK = -7,	/* the clock could not be set */
	SNTP_ERR_NONE = -8,	/* empty list */
};

struct sntp_result {
	char server[128];	/* as given, e.g. "pool.ntp.org" or "127.0.0.1:1234" */
	char addr[32];		/* the address asked, "a.b.c.d:port" */
	int64_t offset_ns, delay_ns;
	unsigned stratum;
	char action[96];	/* what the clock function did: "stepped", "slewed", ... */
};

/* Changes the clock by offset_ns; says what it did in `action`.  0 or -errno. */
typedef int (*sntp_clock_fn)(int64_t offset_ns, void *ctx, char *action, size_t cap);

/* The real one: adjtime(3) under SNTP_STEP_NS, else clock_settime(2). */
int sntp_clock_apply(int64_t offset_ns, void *ctx, char *action, size_t cap);
/* Changes nothing; action says what would have been done. */
int sntp_clock_dry_run(int64_t offset_ns, void *ctx, char *action, size_t cap);

/* "host" or "host:port" -> host and port (SNTP_PORT when none).  0, or -1
 * with why naming the bad input and what was expected. */
int sntp_split_server(const char *server, char *host, size_t hostcap, unsigned *port, char *why,
		      size_t whylen);

/* One exchange with one server, bounded by timeout_ms (name resolution
 * aside: the resolver's own time-outs apply).  Replies that fail the checks
 * are refused and the wait goes on until the time-out, so a forged packet
 * cannot displace the real answer.  Returns SNTP_SYNCED with res filled,
 * or a negative enum sntp_status with why. */
int sntp_query(const char *server, unsigned timeout_ms, struct sntp_result *res, char *why,
	       size_t whylen);

/* Tries the servers of list (separated by spaces or commas) in order; the
 * first valid answer sets the clock through set.  Logs one line per server
 * tried (server, offset and result, or why not).  Returns SNTP_SYNCED or
 * the last server's error. */
int sntp_sync(const char *list, unsigned timeout_ms, sntp_clock_fn set, void *ctx,
	      struct sntp_result *res);

/* "+1.234567 s" */
void sntp_format_offset(int64_t ns, char *out, size_t cap);

#endif
