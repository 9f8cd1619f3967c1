/*
 * sntp_sync.c - the SNTP exchange over UDP and the clock change; see
 * sntp_sync.h.  Every wait is a poll() against a deadline on the monotonic
 * clock: no busy loop, no unbounded wait.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "userland/nhv-toolsd/sntp_sync.h"
#include "userland/nhv-toolsd/toolsd.h"

#define NS 1000000000LL

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

void sntp_format_offset(int64_t ns, char *out, size_t cap)
{
	uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;

	snprintf(out, cap, "%c%llu.%06llu s", ns < 0 ? '-' : '+', (unsigned long long)(a / NS),
		 (unsigned long long)(a % NS / 1000));
}

int sntp_clock_dry_run(int64_t offset_ns, void *ctx, char *action, size_t cap)
{
	(void)ctx;
	snprintf(action, cap, "dry run: the clock would be %s",
		 llabs(offset_ns) < SNTP_STEP_NS ? "slewed" : "stepped");
	return 0;
}

int sntp_clock_apply(int64_t offset_ns, void *ctx, char *action, size_t cap)
{
	struct timespec ts;
	int64_t t;

	(void)ctx;
	if (llabs(offset_ns) < SNTP_STEP_NS) {
		struct timeval tv = { (time_t)(offset_ns / NS), (suseconds_t)(offset_ns % NS / 1000) };

		if (adjtime(&tv, NULL) == 0) {
			snprintf(action, cap, "clock slewed");
			return 0;
		}
		/* no adjtime: fall through to a step */
	}
	t = clock_ns(CLOCK_REALTIME) + offset_ns;
	ts.tv_sec = (time_t)(t / NS);
	ts.tv_nsec = (long)(t % NS);
	if (clock_settime(CLOCK_REALTIME, &ts) < 0) {
		int e = errno;

		snprintf(action, cap, "clock not set: clock_settime: %s", strerror(e));
		return -e;
	}
	snprintf(action, cap, "clock stepped");
	return 0;
}

int sntp_split_server(const char *server, char *host, size_t hostcap, unsigned *port, char *why,
		      size_t whylen)
{
	const char *colon = strchr(server, ':');
	size_t n = colon ? (size_t)(colon - server) : strlen(server);

	*port = SNTP_PORT;
	if (n == 0 || n >= hostcap) {
		snprintf(why, whylen, "server '%s': expected a host name or IPv4 address of 1-%u "
			 "characters, optionally followed by :PORT", server, (unsigned)hostcap - 1);
		return -1;
	}
	memcpy(host, server, n);
	host[n] = '\0';
	if (colon) {
		char *end;
		unsigned long p;

		errno = 0;
		p = strtoul(colon + 1, &end, 10);
		if (colon[1] < '0' || colon[1] > '9' || *end || errno || p < 1 || p > 65535) {
			snprintf(why, whylen, "server '%s': port '%s', expected 1-65535", server,
				 colon + 1);
			return -1;
		}
		*port = (unsigned)p;
	}
	return 0;
}

static int resolve(const char *host, unsigned port, struct sockaddr_in *sa, char *why,
		   size_t whylen)
{
	struct addrinfo hints, *ai = NULL;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_DGRAM;
	rc = getaddrinfo(host, NULL, &hints, &ai);
	if (rc != 0 || !ai) {
		snprintf(why, whylen, "cannot resolve '%s' to an IPv4 address: %s", host,
			 rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		if (ai)
			freeaddrinfo(ai);
		return -1;
	}
	memcpy(sa, ai->ai_addr, sizeof(*sa));
	sa->sin_port = htons((uint16_t)port);
	freeaddrinfo(ai);
	return 0;
}

/* Our transmit time: the local time with random low bits of the fraction,
 * so that the originate check also refuses blind forgeries. */
static uint64_t request_stamp(int64_t now_ns)
{
	uint32_t noise;

	if (getrandom(&noise, sizeof(noise), GRND_NONBLOCK) != (ssize_t)sizeof(noise))
		noise = (uint32_t)clock_ns(CLOCK_MONOTONIC);
	return sntp_from_unix_ns(now_ns) ^ (noise & 0xffffffu);
}

int sntp_query(const char *server, unsigned timeout_ms, struct sntp_result *res, char *why,
	       size_t whylen)
{
	uint8_t req[SNTP_PACKET_LEN], buf[512];
	struct sockaddr_in sa;
	struct sntp_reply r;
	char host[128], reason[200] = "";
	unsigned port, refused = 0;
	int64_t deadline, t1, t4;
	uint64_t sent;
	int fd, rc;

	memset(res, 0, sizeof(*res));
	snprintf(res->server, sizeof(res->server), "%s", server);
	why[0] = '\0';
	if (sntp_split_server(server, host, sizeof(host), &port, why, whylen) != 0)
		return SNTP_ERR_SYNTAX;
	if (resolve(host, port, &sa, why, whylen) != 0)
		return SNTP_ERR_RESOLVE;
	inet_ntop(AF_INET, &sa.sin_addr, res->addr, sizeof(res->addr));
	snprintf(res->addr + strlen(res->addr), sizeof(res->addr) - strlen(res->addr), ":%u", port);

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		snprintf(why, whylen, "%s: %s", fd < 0 ? "socket" : "connect", strerror(errno));
		if (fd >= 0)
			close(fd);
		return SNTP_ERR_SOCKET;
	}
	deadline = clock_ns(CLOCK_MONOTONIC) + (int64_t)timeout_ms * 1000000;
	t1 = clock_ns(CLOCK_REALTIME);
	sent = request_stamp(t1);
	sntp_request(req, sent);
	if (send(fd, req, sizeof(req), 0) != (ssize_t)sizeof(req)) {
		snprintf(why, whylen, "send: %s", strerror(errno));
		close(fd);
		return SNTP_ERR_SOCKET;
	}
	for (;;) {
		int64_t left = deadline - clock_ns(CLOCK_MONOTONIC);
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;

		if (left <= 0) {
			rc = refused ? SNTP_ERR_REFUSED : SNTP_ERR_TIMEOUT;
			if (refused)
				snprintf(why, whylen, "%u repl%s refused, the first: %s", refused,
					 refused == 1 ? "y" : "ies", reason);
			else
				snprintf(why, whylen, "no answer within %u.%03u s", timeout_ms / 1000,
					 timeout_ms % 1000);
			break;
		}
		rc = poll(&p, 1, (int)((left + 999999) / 1000000));
		if (rc < 0 && errno != EINTR) {
			snprintf(why, whylen, "poll: %s", strerror(errno));
			rc = SNTP_ERR_SOCKET;
			break;
		}
		if (rc <= 0)
			continue;	/* the deadline decides */
		n = recv(fd, buf, sizeof(buf), 0);
		t4 = clock_ns(CLOCK_REALTIME);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				continue;
			snprintf(why, whylen, "%s", errno == ECONNREFUSED
				 ? "port unreachable (nothing listens there)" : strerror(errno));
			rc = errno == ECONNREFUSED ? SNTP_ERR_UNREACHABLE : SNTP_ERR_SOCKET;
			break;
		}
		rc = sntp_parse(buf, (size_t)n, sent, &r, refused ? NULL : reason,
				refused ? 0 : sizeof(reason));
		if (rc != 0) {
			refused++;	/* keep waiting: the real answer may still come */
			continue;
		}
		sntp_offset(t1, &r, t4, &res->offset_ns, &res->delay_ns);
		res->stratum = r.stratum;
		rc = SNTP_SYNCED;
		break;
	}
	close(fd);
	return rc;
}

int sntp_sync(const char *list, unsigned timeout_ms, sntp_clock_fn set, void *ctx,
	      struct sntp_result *res)
{
	char server[128], why[300], off[40], delay[40];
	const char *all = list ? list : "";
	int rc = SNTP_ERR_NONE, tried = 0;

	memset(res, 0, sizeof(*res));
	while (list && *list) {
		size_t n = strcspn(list, " ,");

		if (n && tried == SNTP_MAX_SERVERS) {
			log_msg("NTP: only the first %d servers are tried; ignored from '%s' on",
				SNTP_MAX_SERVERS, list);
			break;
		}
		if (n) {
			tried++;
			snprintf(server, sizeof(server), "%.*s",
				 (int)(n < sizeof(server) ? n : sizeof(server) - 1), list);
			rc = sntp_query(server, timeout_ms, res, why, sizeof(why));
			if (rc == SNTP_SYNCED) {
				int err = set(res->offset_ns, ctx, res->action, sizeof(res->action));

				sntp_format_offset(res->offset_ns, off, sizeof(off));
				sntp_format_offset(res->delay_ns, delay, sizeof(delay));
				log_msg("NTP %s (%s): offset %s, delay %s, stratum %u: %s", server,
					res->addr, off, delay[0] == '+' ? delay + 1 : delay, res->stratum, res->action);
				return err ? SNTP_ERR_CLOCK : SNTP_SYNCED;
			}
			log_msg("NTP %s%s%s%s: %s", server, res->addr[0] ? " (" : "", res->addr,
				res->addr[0] ? ")" : "", why);
		}
		list += n;
		list += strspn(list, " ,");
	}
	if (rc == SNTP_ERR_NONE)
		log_msg("NTP: no server in '%s', expected host names or IPv4 addresses", all);
	else
		log_msg("NTP: no server gave a valid answer; clock left as it is");
	return rc;
}
