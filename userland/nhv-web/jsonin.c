/* jsonin.c - the JSON request reader (see jsonin.h); grammar: RFC 8259 sections 2-7. */
#include "userland/nhv-web/jsonin.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct rd {
	const char *s;
	size_t len, pos;
	char *why;
	size_t wlen;
};

static int fail(struct rd *r, const char *expected)
{
	if (r->pos < r->len)
		snprintf(r->why, r->wlen, "byte %zu: expected %s", r->pos + 1, expected);
	else
		snprintf(r->why, r->wlen, "end of text: expected %s", expected);
	return -1;
}

static void skip_ws(struct rd *r)
{
	while (r->pos < r->len && strchr(" \t\r\n", r->s[r->pos]) && r->s[r->pos])
		r->pos++;
}

static int peek(struct rd *r)
{
	return r->pos < r->len ? (unsigned char)r->s[r->pos] : -1;
}

static int hex4(struct rd *r, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		int c = peek(r), d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return fail(r, "4 hex digits after \\u");
		*v = *v << 4 | (unsigned)d;
		r->pos++;
	}
	return 0;
}

/* Appends cp as UTF-8 to out (when out is given); -1 when it does not fit. */
static int put_utf8(char *out, size_t cap, size_t *n, unsigned cp)
{
	unsigned char b[4];
	size_t k;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		k = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | cp >> 18);
		b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 4;
	}
	if (!out)
		return 0;
	if (*n + k >= cap)
		return -1;
	memcpy(out + *n, b, k);
	*n += k;
	return 0;
}

/* A string at r->pos ('"' there); decoded into out when out is given. */
static int string(struct rd *r, char *out, size_t cap, size_t *n)
{
	static const char esc_in[] = "\"\\/bfnrt", esc_out[] = "\"\\/\b\f\n\r\t";

	r->pos++;
	for (;;) {
		int c = peek(r);
		unsigned cp;

		if (c < 0)
			return fail(r, "a closing '\"'");
		if (c < 0x20)
			return fail(r, "no control character inside a string (escape it)");
		r->pos++;
		if (c == '"')
			return 0;
		if (c != '\\') {
			if (out) {
				if (*n + 1 >= cap)
					return -2;
				out[(*n)++] = (char)c;
			}
			continue;
		}
		c = peek(r);
		if (c > 0 && c != 'u' && strchr(esc_in, c)) {
			r->pos++;
			if (out) {
				if (*n + 1 >= cap)
					return -2;
				out[(*n)++] = esc_out[strchr(esc_in, c) - esc_in];
			}
			continue;
		}
		if (c != 'u')
			return fail(r, "an escape: one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
		r->pos++;
		if (hex4(r, &cp))
			return -1;
		if (cp >= 0xd800 && cp < 0xdc00) {
			unsigned lo;

			if (peek(r) != '\\' || r->pos + 1 >= r->len || r->s[r->pos + 1] != 'u')
				return fail(r, "a low surrogate \\uDC00-\\uDFFF after a high one");
			r->pos += 2;
			if (hex4(r, &lo))
				return -1;
			if (lo < 0xdc00 || lo > 0xdfff)
				return fail(r, "a low surrogate \\uDC00-\\uDFFF after a high one");
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		} else if (cp >= 0xdc00 && cp < 0xe000) {
			return fail(r, "no lone low surrogate");
		}
		if (cp == 0 && out) {
			snprintf(r->why, r->wlen, "byte %zu: \\u0000 (NUL) is not accepted", r->pos);
			return -1;
		}
		if (put_utf8(out, cap, n, cp))
			return -2;
	}
}

static int digits(struct rd *r)
{
	size_t start = r->pos;

	while (peek(r) >= '0' && peek(r) <= '9')
		r->pos++;
	return r->pos > start ? 0 : fail(r, "a digit");
}

static int number(struct rd *r)
{
	if (peek(r) == '-')
		r->pos++;
	if (peek(r) == '0')
		r->pos++;
	else if (digits(r))
		return -1;
	if (peek(r) == '.') {
		r->pos++;
		if (digits(r))
			return -1;
	}
	if (peek(r) == 'e' || peek(r) == 'E') {
		r->pos++;
		if (peek(r) == '+' || peek(r) == '-')
			r->pos++;
		if (digits(r))
			return -1;
	}
	return 0;
}

static int word(struct rd *r, const char *w)
{
	size_t n = strlen(w);

	if (r->len - r->pos < n || memcmp(r->s + r->pos, w, n) != 0)
		return fail(r, "a value (object, array, string, number, true, false or null)");
	r->pos += n;
	return 0;
}

static int value(struct rd *r, int depth);

/* An object or array at r->pos; with key set and depth 0, the member key's
 * string value is decoded into out and *found set. */
static int container(struct rd *r, int depth, const char *key, char *out, size_t cap,
		     int *found)
{
	int obj = peek(r) == '{';
	char close = obj ? '}' : ']';

	if (depth >= JSONIN_MAX_DEPTH)
		return fail(r, "less nesting (at most 32 levels)");
	r->pos++;
	skip_ws(r);
	if (peek(r) == close) {
		r->pos++;
		return 0;
	}
	for (;;) {
		int match = 0;

		skip_ws(r);
		if (obj) {
			size_t kstart = r->pos + 1;

			if (peek(r) != '"')
				return fail(r, "a member name in double quotes");
			if (string(r, NULL, 0, NULL))
				return -1;
			match = key && depth == 0 && r->pos - 1 - kstart == strlen(key) &&
				memcmp(r->s + kstart, key, strlen(key)) == 0;
			skip_ws(r);
			if (peek(r) != ':')
				return fail(r, "':' after a member name");
			r->pos++;
			skip_ws(r);
		}
		if (match) {
			size_t n = 0;
			int rc;

			if (peek(r) != '"') {
				snprintf(r->why, r->wlen, "byte %zu: member \"%s\" must be a string",
					 r->pos + 1, key);
				return -1;
			}
			rc = string(r, out, cap, &n);
			if (rc == -2) {
				snprintf(r->why, r->wlen, "member \"%s\" is longer than %zu bytes", key,
					 cap - 1);
				return -1;
			}
			if (rc)
				return -1;
			out[n] = '\0';
			*found = 1;
		} else if (value(r, depth + 1)) {
			return -1;
		}
		skip_ws(r);
		if (peek(r) == close) {
			r->pos++;
			return 0;
		}
		if (peek(r) != ',')
			return fail(r, obj ? "',' or '}'" : "',' or ']'");
		r->pos++;
	}
}

static int value(struct rd *r, int depth)
{
	int c = peek(r);

	if (c == '{' || c == '[')
		return container(r, depth, NULL, NULL, 0, NULL);
	if (c == '"')
		return string(r, NULL, 0, NULL);
	if (c == '-' || (c >= '0' && c <= '9'))
		return number(r);
	if (c == 't')
		return word(r, "true");
	if (c == 'f')
		return word(r, "false");
	return word(r, "null");
}

static int document(const char *text, size_t len, const char *key, char *out, size_t cap,
		    int *found, char *why, size_t wlen)
{
	struct rd r = { text, len, 0, why, wlen };

	skip_ws(&r);
	if (peek(&r) != '{')
		return fail(&r, "a JSON object '{'");
	if (container(&r, 0, key, out, cap, found))
		return -1;
	skip_ws(&r);
	if (r.pos != r.len)
		return fail(&r, "nothing after the object");
	return 0;
}

int jsonin_check(const char *text, size_t len, char *why, size_t wlen)
{
	return document(text, len, NULL, NULL, 0, NULL, why, wlen);
}

int jsonin_string(const char *text, size_t len, const char *key, char *out, size_t outlen,
		  char *why, size_t wlen)
{
	int found = 0;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	if (document(text, len, key, out, outlen, &found, why, wlen))
		return -1;
	return found ? 0 : 1;
}
