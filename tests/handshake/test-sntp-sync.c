/*
 * test-sntp-sync.c - the SNTP exchange (userland/nhv-toolsd/sntp_sync.c)
 * against tiny SNTP responders on 127.0.0.1 (sntp-responder.pl, each on a
 * free port the kernel picks): the offset computed from a server 1000.25 s
 * ahead and one 3600.5 s behind, a server that never answers (time-out
 * within the bound), garbage, stale and kiss-o'-death replies (refused,
 * the log names the server and why), a list where only the third server is
 * good, bad server syntax, and the clock functions: the test's own records
 * the offset, the dry run changes nothing.  The build machine's clock is
 * never set.
 *
 *   test-sntp-sync DIR    (DIR holds sntp-responder.pl)
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "userland/lib/tap.h"
#include "userland/nhv-toolsd/sntp_sync.h"
#include "userland/nhv-toolsd/toolsd.h"

#define NS 1000000000LL

static pid_t pids[8];
static int npids;
static char logp[300];

struct record {
	int calls, fail;
	int64_t offset;
};

static int record_clock(int64_t offset_ns, void *ctx, char *action, size_t cap)
{
	struct record *r = ctx;

	r->calls++;
	r->offset = offset_ns;
	snprintf(action, cap, r->fail ? "test clock refused" : "test clock recorded");
	return r->fail ? -EPERM : 0;
}

/* Starts the responder in MODE; returns its port, 0 when it did not start. */
static unsigned responder(const char *dir, const char *mode, const char *offset)
{
	char script[400], line[64];
	int fd[2];
	unsigned port = 0;
	pid_t pid;
	struct pollfd p;
	ssize_t n;

	snprintf(script, sizeof(script), "%s/sntp-responder.pl", dir);
	if (pipe(fd) < 0)
		return 0;
	pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execlp("perl", "perl", script, mode, offset, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	if (pid < 0) {
		close(fd[0]);
		return 0;
	}
	pids[npids++] = pid;
	p.fd = fd[0];
	p.events = POLLIN;
	if (poll(&p, 1, 10000) == 1 && (n = read(fd[0], line, sizeof(line) - 1)) > 0) {
		line[n] = '\0';
		if (sscanf(line, "port %u", &port) != 1)
			port = 0;
	}
	close(fd[0]);
	return port;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int log_has(const char *text)
{
	static char buf[65536];
	FILE *f = fopen(logp, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return strstr(buf, text) != NULL;
}

int main(int argc, char **argv)
{
	unsigned good, behind, silent, garbage, stale, kod, closed;
	struct sntp_result res;
	struct record rec = { 0, 0, 0 };
	char list[256], why[300], want[400], host[64], dir[64];
	double t0, took;
	unsigned port;
	int rc, i;

	if (argc != 2) {
		fprintf(stderr, "usage: test-sntp-sync DIR (the folder of sntp-responder.pl)\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "/tmp/nhv-test-sntp.%d", (int)getpid());
	if (mkdir(dir, 0700) < 0) {
		perror(dir);
		return 1;
	}
	snprintf(logp, sizeof(logp), "%s/log", dir);
	log_setup("nhv-toolsd", NULL, 2);
	log_to_file(logp);

	good = responder(argv[1], "good", "1000.25");
	behind = responder(argv[1], "good", "-3600.5");
	silent = responder(argv[1], "silent", "0");
	garbage = responder(argv[1], "garbage", "0");
	stale = responder(argv[1], "stale", "0");
	kod = responder(argv[1], "kod", "0");
	if (!tap_ok(good && behind && silent && garbage && stale && kod,
		    "six responders started on 127.0.0.1 (ports %u %u %u %u %u %u)", good, behind,
		    silent, garbage, stale, kod))
		goto out;

	snprintf(list, sizeof(list), "127.0.0.1:%u", good);
	rc = sntp_sync(list, SNTP_TIMEOUT_MS, record_clock, &rec, &res);
	tap_is_int(rc, SNTP_SYNCED, "server 1000.25 s ahead: synced");
	tap_ok(rec.calls == 1 && llabs(rec.offset - 1000250000000LL) < 200000000LL,
	       "... the clock function got offset %lld ns, expected 1000.25 s +- 0.2",
	       (long long)rec.offset);
	tap_ok(res.delay_ns >= 0 && res.delay_ns < 1 * NS, "... delay %lld ns, small and not negative",
	       (long long)res.delay_ns);
	snprintf(want, sizeof(want), "NTP %s (127.0.0.1:%u): offset +1000.2", list, good);
	tap_ok(log_has(want) && log_has("stratum 2: test clock recorded"),
	       "... one log line: server, offset, result");

	rec.calls = 0;
	snprintf(list, sizeof(list), "localhost:%u", behind);
	rc = sntp_sync(list, SNTP_TIMEOUT_MS, record_clock, &rec, &res);
	tap_ok(rc == SNTP_SYNCED && rec.calls == 1 && llabs(rec.offset + 3600500000000LL) < 200000000LL,
	       "'localhost:%u' resolved, server 3600.5 s behind: offset %lld ns", behind,
	       (long long)rec.offset);
	tap_is_str(res.server, list, "... result names the server as given");

	rec.calls = 0;
	snprintf(list, sizeof(list), "127.0.0.1:%u", silent);
	t0 = mono();
	rc = sntp_sync(list, SNTP_TIMEOUT_MS, record_clock, &rec, &res);
	took = mono() - t0;
	tap_is_int(rc, SNTP_ERR_TIMEOUT, "a server that never answers: time-out");
	tap_ok(took >= 1.9 && took < 2.0 + 3.0, "... after %.2f s (bound 2 s, it waited it out)", took);
	tap_is_int(rec.calls, 0, "... and the clock is left alone");
	snprintf(want, sizeof(want), "NTP %s (127.0.0.1:%u): no answer within 2.000 s", list, silent);
	tap_ok(log_has(want), "... the log names the server and the time-out");

	snprintf(list, sizeof(list), "127.0.0.1:%u", garbage);
	rc = sntp_sync(list, SNTP_TIMEOUT_MS, record_clock, &rec, &res);
	tap_is_int(rc, SNTP_ERR_REFUSED, "a server that answers garbage: refused");
	tap_is_int(rec.calls, 0, "... and the clock is left alone");
	snprintf(want, sizeof(want), "NTP %s (127.0.0.1:%u): 2 replies refused, the first: 23 bytes, "
		 "expected at least 48", list, garbage);
	tap_ok(log_has(want), "... the log names the server and why");

	snprintf(list, sizeof(list), "127.0.0.1:%u", stale);
	rc = sntp_sync(list, SNTP_TIMEOUT_MS, record_clock, &rec, &res);
	tap_ok(rc == SNTP_ERR_REFUSED && rec.calls == 0, "a reply to another request (stale): refused");
	snprintf(want, sizeof(want), "NTP %s (127.0.0.1:%u): 1 reply refused, the first: originate",
		 list, stale);
	tap_ok(log_has(want) && log_has("stale or forged"), "... the log says the stamp did not match");

	snprintf(list, sizeof(list), "127.0.0.1:%u", kod);
	rc = sntp_sync(list, SNTP_TIMEOUT_MS, record_clock, &rec, &res);
	tap_ok(rc == SNTP_ERR_REFUSED && rec.calls == 0, "kiss-o'-death: refused");
	tap_ok(log_has("kiss-o'-death RATE (stratum 0)"), "... the log names the kiss code");

	/* A list: the first two fail, the third answers. */
	snprintf(list, sizeof(list), "127.0.0.1:%u, 127.0.0.1:%u 127.0.0.1:%u", silent, kod, good);
	t0 = mono();
	rc = sntp_sync(list, 1000, record_clock, &rec, &res);
	took = mono() - t0;
	snprintf(want, sizeof(want), "127.0.0.1:%u", good);
	tap_ok(rc == SNTP_SYNCED && rec.calls == 1 && !strcmp(res.server, want),
	       "list: the first server that answers validly is used (%s)", res.server);
	tap_ok(took < 2 * 1.0 + 3.0, "... after %.2f s: two 1 s time-outs at most", took);

	/* Nothing listens: ICMP port unreachable ends the wait early. */
	closed = responder(argv[1], "silent", "0");
	kill(pids[npids - 1], SIGKILL);
	waitpid(pids[npids - 1], NULL, 0);
	npids--;
	snprintf(list, sizeof(list), "127.0.0.1:%u", closed);
	t0 = mono();
	rc = sntp_sync(list, SNTP_TIMEOUT_MS, record_clock, &rec, &res);
	took = mono() - t0;
	tap_ok(rc == SNTP_ERR_UNREACHABLE || rc == SNTP_ERR_TIMEOUT,
	       "a port nobody listens on: unreachable (%d)", rc);
	tap_ok(log_has("port unreachable (nothing listens there)") || took >= 1.9,
	       "... said at once (%.2f s) when the kernel reports it", took);

	/* Syntax. */
	rc = sntp_query("127.0.0.1:ntp", 100, &res, why, sizeof(why));
	tap_is_int(rc, SNTP_ERR_SYNTAX, "'127.0.0.1:ntp': refused");
	tap_is_str(why, "server '127.0.0.1:ntp': port 'ntp', expected 1-65535", "... reason: %s", why);
	tap_is_int(sntp_query("127.0.0.1:0", 100, &res, why, sizeof(why)), SNTP_ERR_SYNTAX,
		   "port 0: refused");
	tap_is_int(sntp_query("127.0.0.1:65536", 100, &res, why, sizeof(why)), SNTP_ERR_SYNTAX,
		   "port 65536: refused");
	tap_is_int(sntp_query(":123", 100, &res, why, sizeof(why)), SNTP_ERR_SYNTAX,
		   "no host: refused");
	tap_ok(sntp_split_server("pool.ntp.org", host, sizeof(host), &port, why, sizeof(why)) == 0 &&
	       !strcmp(host, "pool.ntp.org") && port == 123, "no port: 123");
	tap_is_int(sntp_sync(" , ", 100, record_clock, &rec, &res), SNTP_ERR_NONE,
		   "an empty list: nothing tried");

	/* The clock functions. */
	rec.calls = 0;
	rec.fail = 1;
	snprintf(list, sizeof(list), "127.0.0.1:%u", good);
	rc = sntp_sync(list, SNTP_TIMEOUT_MS, record_clock, &rec, &res);
	tap_ok(rc == SNTP_ERR_CLOCK && rec.calls == 1 && log_has("test clock refused"),
	       "a clock that cannot be set: reported and logged");
	{
		struct timespec before, after;

		clock_gettime(CLOCK_REALTIME, &before);
		rc = sntp_sync(list, SNTP_TIMEOUT_MS, sntp_clock_dry_run, NULL, &res);
		clock_gettime(CLOCK_REALTIME, &after);
		tap_ok(rc == SNTP_SYNCED && !strcmp(res.action, "dry run: the clock would be stepped"),
		       "dry run: '%s'", res.action);
		tap_ok(after.tv_sec - before.tv_sec < 100, "... and the clock did not move by 1000 s");
		tap_ok(log_has("offset +1000.2") && log_has("dry run: the clock would be stepped"),
		       "... logged with the offset");
		sntp_clock_dry_run(5000000, NULL, res.action, sizeof(res.action));
		tap_is_str(res.action, "dry run: the clock would be slewed",
			   "an offset of 5 ms would be slewed, not stepped");
	}
out:
	for (i = 0; i < npids; i++) {
		kill(pids[i], SIGTERM);
		waitpid(pids[i], NULL, 0);
	}
	if (getenv("NHV_KEEP_TEST") == NULL) {
		unlink(logp);
		rmdir(dir);
	} else {
		tap_diag("log kept in %s", logp);
	}
	return tap_done();
}
