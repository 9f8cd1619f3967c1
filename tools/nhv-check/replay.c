/*
 * replay.c - facts from text (see replay.h).
 *
 * Capture files are strict: every line is a comment, blank, or
 * `KEY = VALUE [SOURCE]`, `KEY = unavailable(REASON) [SOURCE]` or
 * `KEY = unknown`; anything else is an error naming the line.
 *
 * Anything else is pasted text, read by paste.c.
 */
#include "tools/nhv-check/replay.h"
#include "tools/nhv-check/replay-text.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int replay_fail(struct replay_error *err, int line, const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* Next line into out (NUL-terminated, without \n and a trailing \r).
 * 1 = a line, 0 = end of input, -1 = error. */
int replay_next_line(struct lines *L, char *out, size_t *outlen, struct replay_error *err)
{
	size_t n = 0;

	if (L->pos >= L->len)
		return 0;
	L->lineno++;
	while (L->pos < L->len && L->buf[L->pos] != '\n') {
		unsigned char c = (unsigned char)L->buf[L->pos++];
		if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
			return replay_fail(err, L->lineno, "byte 0x%02x is not text (expected a /proc/cpuinfo, lscpu or capture line)", c);
		if (n + 1 >= REPLAY_LINE_MAX)
			return replay_fail(err, L->lineno, "line longer than %d bytes", REPLAY_LINE_MAX - 1);
		out[n++] = (char)c;
	}
	if (L->pos < L->len)
		L->pos++; /* the \n */
	if (n > 0 && out[n - 1] == '\r')
		n--;
	out[n] = '\0';
	*outlen = n;
	return 1;
}

char *replay_trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* ---- capture format ---- */

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return -1;
	unsigned long long v = strtoull(s, &end, 0);
	if (*end)
		return -1;
	*out = v;
	return 0;
}

/* Decode a quoted capture string starting at s (at the opening quote).
 * Returns a pointer just past the closing quote, or NULL. */
static const char *parse_quoted(const char *s, char *out, size_t outsz)
{
	size_t n = 0;

	if (*s != '"')
		return NULL;
	s++;
	while (*s && *s != '"') {
		char c = *s++;
		if (c == '\\') {
			char e = *s++;
			if (e == 'n')
				c = '\n';
			else if (e == 't')
				c = '\t';
			else if (e == '\\' || e == '"')
				c = e;
			else if (e == 'x' && isxdigit((unsigned char)s[0]) && isxdigit((unsigned char)s[1])) {
				char hex[3] = { s[0], s[1], 0 };
				long v = strtol(hex, NULL, 16);
				s += 2;
				if (v == 0) {
					/* keep NULs visible, as the probes write them */
					if (n + 4 >= outsz)
						return NULL;
					memcpy(out + n, "\\x00", 4);
					n += 4;
					continue;
				}
				c = (char)v;
			} else
				return NULL;
		}
		if (n + 1 >= outsz)
			return NULL;
		out[n++] = c;
	}
	if (*s != '"')
		return NULL;
	out[n] = '\0';
	return s + 1;
}

/* " [source]" at p, then end of line. */
static int parse_src(const char *p, enum fact_source *src)
{
	char name[32];
	size_t n = 0;

	if (p[0] != ' ' || p[1] != '[')
		return -1;
	p += 2;
	while (*p && *p != ']' && n + 1 < sizeof(name))
		name[n++] = *p++;
	name[n] = '\0';
	if (*p != ']' || p[1] != '\0')
		return -1;
	return fact_source_parse(name, src);
}

static int capture_line(char *line, int lineno, struct facts *f, unsigned char *seen_n,
			unsigned char *seen_s, struct replay_error *err, char *tmp)
{
	char *eq = strstr(line, " = ");
	enum num_fact nid;
	enum str_fact sid;
	int is_num;
	enum fact_source src;

	if (!eq)
		return replay_fail(err, lineno, "expected KEY = VALUE [SOURCE], got \"%.60s\"", line);
	*eq = '\0';
	const char *key = line;
	const char *val = eq + 3;

	if (num_fact_lookup(key, &nid) == 0)
		is_num = 1;
	else if (str_fact_lookup(key, &sid) == 0)
		is_num = 0;
	else
		return replay_fail(err, lineno, "unknown key \"%.60s\"", key);
	if (is_num ? seen_n[nid] : seen_s[sid])
		return replay_fail(err, lineno, "key \"%s\" appears twice", key);
	if (is_num)
		seen_n[nid] = 1;
	else
		seen_s[sid] = 1;

	if (strcmp(val, "unknown") == 0)
		return 0;
	if (strncmp(val, "unavailable(", 12) == 0) {
		const char *close = strchr(val, ')');
		char reason[32];
		enum fact_reason r;
		size_t n = close ? (size_t)(close - (val + 12)) : 0;
		if (!close || n == 0 || n >= sizeof(reason))
			return replay_fail(err, lineno, "%s: expected unavailable(REASON) [SOURCE]", key);
		memcpy(reason, val + 12, n);
		reason[n] = '\0';
		if (fact_reason_parse(reason, &r) != 0 || r == FR_NONE)
			return replay_fail(err, lineno, "%s: unknown reason \"%s\"", key, reason);
		if (parse_src(close + 1, &src) != 0)
			return replay_fail(err, lineno, "%s: expected \" [SOURCE]\" after unavailable(%s)", key, reason);
		if (is_num)
			fact_unavail(f, nid, r, src);
		else
			fact_unavail_str(f, sid, r, src);
		return 0;
	}
	if (!is_num) {
		const char *after = parse_quoted(val, tmp, FACT_STR_MAX);
		if (!after)
			return replay_fail(err, lineno, "%s: expected a quoted string (\\\\, \\\", \\n, \\t, \\xNN escapes) "
					"of at most %d bytes", key, FACT_STR_MAX - 1);
		if (parse_src(after, &src) != 0)
			return replay_fail(err, lineno, "%s: expected \" [SOURCE]\" after the string", key);
		fact_set_str(f, sid, tmp, src);
		return 0;
	}

	/* number: "yes"/"no" or an integer, then " [source]" */
	const char *sp = strchr(val, ' ');
	char num[40];
	uint64_t v;
	size_t n = sp ? (size_t)(sp - val) : strlen(val);
	if (!sp || n == 0 || n >= sizeof(num))
		return replay_fail(err, lineno, "%s: expected VALUE [SOURCE]", key);
	memcpy(num, val, n);
	num[n] = '\0';
	if (strcmp(num, "yes") == 0)
		v = 1;
	else if (strcmp(num, "no") == 0)
		v = 0;
	else if (parse_u64(num, &v) != 0)
		return replay_fail(err, lineno, "%s: \"%s\" is not yes, no or a number", key, num);
	if (num_fact_kind(nid) == FK_BOOL && v > 1)
		return replay_fail(err, lineno, "%s: expected yes or no, got \"%s\"", key, num);
	if (parse_src(sp, &src) != 0)
		return replay_fail(err, lineno, "%s: expected \" [SOURCE]\" after the value", key);
	fact_set(f, nid, v, src);
	return 0;
}

static int parse_capture(struct lines *L, struct facts *f, struct replay_error *err)
{
	static char line[REPLAY_LINE_MAX];
	static char tmp[FACT_STR_MAX];
	unsigned char seen_n[N_COUNT] = { 0 };
	unsigned char seen_s[S_COUNT] = { 0 };
	size_t len;
	int r;

	f->origin = ORIGIN_CAPTURE;
	while ((r = replay_next_line(L, line, &len, err)) == 1) {
		char *t = replay_trim(line);
		if (*t == '\0' || *t == '#')
			continue;
		if (t != line)
			return replay_fail(err, L->lineno, "capture lines start at column 1");
		if (capture_line(line, L->lineno, f, seen_n, seen_s, err, tmp) != 0)
			return -1;
	}
	return r;
}

int replay_parse(const char *buf, size_t len, struct facts *f, struct replay_error *err)
{
	struct lines L = { buf, len, 0, 0 };
	size_t ml = strlen(CAPTURE_MAGIC);

	facts_init(f);
	memset(err, 0, sizeof(*err));
	if (len >= ml && memcmp(buf, CAPTURE_MAGIC, ml) == 0 &&
	    (len == ml || buf[ml] == '\n' || buf[ml] == '\r'))
		return parse_capture(&L, f, err);
	return paste_parse(&L, f, 0, err);
}

int replay_parse_cpuinfo_into(const char *buf, size_t len, struct facts *f, struct replay_error *err)
{
	struct lines L = { buf, len, 0, 0 };

	memset(err, 0, sizeof(*err));
	return paste_parse(&L, f, 1, err);
}
