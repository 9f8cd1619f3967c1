/* auth.c - password check, sessions, CSRF tokens and the login rate limit (see auth.h). */
#include "userland/nhv-web/auth.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "userland/lib/atomic.h"
#include "userland/nhv-web/sha512crypt.h"

#define ADDRS 64
#define ADDR_MAX 64

static const char *shadow = "/etc/shadow";
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char basic_csrf[AUTH_TOKEN_LEN + 1];

static struct session {
	char token[AUTH_TOKEN_LEN + 1];
	char csrf[AUTH_TOKEN_LEN + 1];
	time_t used;
} sessions[AUTH_SESSIONS];

static struct fails {
	char addr[ADDR_MAX];
	time_t first;
	int n;
} fails[ADDRS];

static time_t now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec;
}

static void random_hex(char *out)
{
	unsigned char b[AUTH_TOKEN_LEN / 2];
	size_t got = 0;

	while (got < sizeof(b)) {
		ssize_t n = getrandom(b + got, sizeof(b) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			abort();	/* no randomness: no token may be made */
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

void auth_init(const char *shadow_path)
{
	if (shadow_path)
		shadow = shadow_path;
	random_hex(basic_csrf);
}

int auth_same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;

	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* Root's hash from the shadow file into out; -1 when there is none. */
static int root_hash(char *out, size_t cap)
{
	size_t len;
	char *text = read_file(shadow, 1 << 20, &len), *line, *save = NULL;
	int rc = -1;

	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "root:", 5) == 0) {
			size_t n = strcspn(line + 5, ":");

			if (n > 0 && n < cap) {
				memcpy(out, line + 5, n);
				out[n] = '\0';
				rc = 0;
			}
			break;
		}
	}
	explicit_bzero(text, len);
	free(text);
	return rc;
}

int auth_password_ok(const char *user, const char *pw)
{
	char hash[512], mine[SHA512CRYPT_MAX];
	int ok;

	if (strcmp(user, "root") != 0 || root_hash(hash, sizeof(hash)) < 0)
		return 0;
	/* A locked account ('!', '*') or another hash than SHA-512 crypt (the
	 * only one nhv writes) never matches. */
	if (sha512crypt(pw, hash, mine) < 0)
		return 0;
	ok = auth_same(mine, hash);
	explicit_bzero(mine, sizeof(mine));
	return ok;
}

static struct fails *fails_of(const char *addr, int make)
{
	struct fails *oldest = &fails[0];

	for (int i = 0; i < ADDRS; i++) {
		if (fails[i].n && !strcmp(fails[i].addr, addr))
			return &fails[i];
		if (fails[i].n == 0 || fails[i].first < oldest->first)
			oldest = &fails[i];
	}
	if (!make)
		return NULL;
	memset(oldest, 0, sizeof(*oldest));
	snprintf(oldest->addr, sizeof(oldest->addr), "%s", addr);
	oldest->first = now();
	return oldest;
}

int auth_blocked(const char *addr)
{
	struct fails *f;
	int wait = 0;

	pthread_mutex_lock(&lock);
	f = fails_of(addr, 0);
	if (f && now() - f->first >= AUTH_WINDOW_S)
		f->n = 0;
	else if (f && f->n >= AUTH_MAX_FAILS)
		wait = (int)(AUTH_WINDOW_S - (now() - f->first));
	pthread_mutex_unlock(&lock);
	return wait > 0 ? wait : 0;
}

void auth_failed(const char *addr)
{
	struct fails *f;

	pthread_mutex_lock(&lock);
	f = fails_of(addr, 1);
	if (now() - f->first >= AUTH_WINDOW_S) {
		f->first = now();
		f->n = 0;
	}
	f->n++;
	pthread_mutex_unlock(&lock);
}

void auth_succeeded(const char *addr)
{
	struct fails *f;

	pthread_mutex_lock(&lock);
	f = fails_of(addr, 0);
	if (f)
		f->n = 0;
	pthread_mutex_unlock(&lock);
}

int auth_session_new(char *token, char *csrf)
{
	struct session *s = NULL;
	time_t t = now();

	random_hex(token);
	random_hex(csrf);
	pthread_mutex_lock(&lock);
	for (int i = 0; i < AUTH_SESSIONS; i++) {
		if (!sessions[i].token[0] || t - sessions[i].used > AUTH_IDLE_S) {
			s = &sessions[i];
			break;
		}
		if (!s || sessions[i].used < s->used)
			s = &sessions[i];	/* full: the least recently used one goes */
	}
	snprintf(s->token, sizeof(s->token), "%s", token);
	snprintf(s->csrf, sizeof(s->csrf), "%s", csrf);
	s->used = t;
	pthread_mutex_unlock(&lock);
	return 0;
}

int auth_session_find(const char *token, char *csrf)
{
	int found = 0;
	time_t t = now();

	if (strlen(token) != AUTH_TOKEN_LEN)
		return 0;
	pthread_mutex_lock(&lock);
	for (int i = 0; i < AUTH_SESSIONS; i++) {
		struct session *s = &sessions[i];

		if (s->token[0] && auth_same(s->token, token)) {
			if (t - s->used > AUTH_IDLE_S) {
				memset(s, 0, sizeof(*s));
				break;
			}
			s->used = t;
			memcpy(csrf, s->csrf, sizeof(s->csrf));
			found = 1;
			break;
		}
	}
	pthread_mutex_unlock(&lock);
	return found;
}

void auth_session_end(const char *token)
{
	pthread_mutex_lock(&lock);
	for (int i = 0; i < AUTH_SESSIONS; i++)
		if (sessions[i].token[0] && auth_same(sessions[i].token, token))
			memset(&sessions[i], 0, sizeof(sessions[i]));
	pthread_mutex_unlock(&lock);
}

void auth_basic_csrf(char *csrf)
{
	memcpy(csrf, basic_csrf, sizeof(basic_csrf));
}
