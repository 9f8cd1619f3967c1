/* vmx.c - lossless .vmx editing (see vmx.h). */
#include "userland/lib/vmx.h"
#include "userland/lib/hexfmt.h"

#include <stdlib.h>
#include <string.h>

static int add_line(struct vmx *v, const char *text, size_t len, const char *eol, size_t at)
{
	struct vmx_line *l;

	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		struct vmx_line *nl = realloc(v->l, cap * sizeof(*nl));

		if (!nl)
			return -1;
		v->l = nl;
		v->cap = cap;
	}
	l = &v->l[at];
	memmove(l + 1, l, (v->n - at) * sizeof(*l));
	l->text = malloc(len + 1);
	if (!l->text) {
		memmove(l, l + 1, (v->n - at) * sizeof(*l));
		return -1;
	}
	memcpy(l->text, text, len);
	l->text[len] = '\0';
	l->len = len;
	strcpy(l->eol, eol);
	v->n++;
	return 0;
}

int vmx_parse(struct vmx *v, const char *buf, size_t len)
{
	size_t i = 0;

	memset(v, 0, sizeof(*v));
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - buf) : len;
		const char *eol = nl ? "\n" : "";

		if (nl && end > i && buf[end - 1] == '\r') {
			end--;
			eol = "\r\n";
		}
		if (add_line(v, buf + i, end - i, eol, v->n) < 0) {
			vmx_free(v);
			return -1;
		}
		i = end + strlen(eol);
	}
	return 0;
}

void vmx_free(struct vmx *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->l[i].text);
	free(v->l);
	memset(v, 0, sizeof(*v));
}

char *vmx_format(const struct vmx *v, size_t *len)
{
	size_t n = 0, at = 0;
	char *out;

	for (size_t i = 0; i < v->n; i++)
		n += v->l[i].len + strlen(v->l[i].eol);
	out = malloc(n + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < v->n; i++) {
		memcpy(out + at, v->l[i].text, v->l[i].len);
		at += v->l[i].len;
		memcpy(out + at, v->l[i].eol, strlen(v->l[i].eol));
		at += strlen(v->l[i].eol);
	}
	out[at] = '\0';
	*len = at;
	return out;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

static int is_key_char(char c)
{
	return c != '\0' && !is_space(c) && c != '=' && c != '#' && c != '"' && c != '\r' && c != '\n';
}

/* Splits a line; also reports where the value's text starts and ends for vmx_set. */
static int split(const struct vmx_line *l, size_t *ks, size_t *kl, size_t *vs, size_t *vl)
{
	const char *t = l->text;
	size_t i = 0, n = l->len;

	while (i < n && is_space(t[i]))
		i++;
	*ks = i;
	while (i < n && is_key_char(t[i]))
		i++;
	*kl = i - *ks;
	if (*kl == 0)
		return 0;
	while (i < n && is_space(t[i]))
		i++;
	if (i >= n || t[i] != '=')
		return 0;
	i++;
	while (i < n && is_space(t[i]))
		i++;
	if (i < n && t[i] == '"') {
		const char *q = memchr(t + i + 1, '"', n - i - 1);

		*vs = i + 1;
		*vl = q ? (size_t)(q - (t + i + 1)) : n - i - 1;
	} else {
		size_t e = n;

		while (e > i && is_space(t[e - 1]))
			e--;
		*vs = i;
		*vl = e - i;
	}
	return 1;
}

int vmx_pair(const struct vmx *v, size_t i, const char **key, size_t *klen,
	     const char **val, size_t *vlen)
{
	size_t ks, kl, vs, vl;

	if (i >= v->n || !split(&v->l[i], &ks, &kl, &vs, &vl))
		return 0;
	*key = v->l[i].text + ks;
	*klen = kl;
	*val = v->l[i].text + vs;
	*vlen = vl;
	return 1;
}

static int key_is(const char *k, size_t kl, const char *want)
{
	size_t n = strlen(want);

	if (kl != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char a = k[i], b = want[i];

		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (char)(b - 'A' + 'a');
		if (a != b)
			return 0;
	}
	return 1;
}

char *vmx_decode(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	size_t j = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '|' && i + 2 < n &&
		    hex_digit((unsigned char)s[i + 1]) >= 0 && hex_digit((unsigned char)s[i + 2]) >= 0) {
			out[j++] = (char)(hex_digit((unsigned char)s[i + 1]) << 4 | hex_digit((unsigned char)s[i + 2]));
			i += 2;
		} else {
			out[j++] = s[i];
		}
	}
	out[j] = '\0';
	return out;
}

char *vmx_encode(const char *s, size_t *len)
{
	size_t n = strlen(s), j = 0;
	char *out = malloc(3 * n + 1);
	static const char hex[] = "0123456789ABCDEF";

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '"' || c == '|') {
			out[j++] = '|';
			out[j++] = hex[c >> 4];
			out[j++] = hex[c & 15];
		} else {
			out[j++] = (char)c;
		}
	}
	out[j] = '\0';
	*len = j;
	return out;
}

char *vmx_get(const struct vmx *v, const char *key)
{
	for (size_t i = v->n; i-- > 0;) {
		const char *k, *val;
		size_t kl, vl;

		if (vmx_pair(v, i, &k, &kl, &val, &vl) && key_is(k, kl, key))
			return vmx_decode(val, vl);
	}
	return NULL;
}

size_t vmx_count(const struct vmx *v, const char *key)
{
	size_t c = 0;

	for (size_t i = 0; i < v->n; i++) {
		const char *k, *val;
		size_t kl, vl;

		if (vmx_pair(v, i, &k, &kl, &val, &vl) && key_is(k, kl, key))
			c++;
	}
	return c;
}

/* The line end new lines get: the one most lines already use (LF when none). */
static const char *house_eol(const struct vmx *v)
{
	size_t crlf = 0, lf = 0;

	for (size_t i = 0; i < v->n; i++) {
		if (strcmp(v->l[i].eol, "\r\n") == 0)
			crlf++;
		else if (v->l[i].eol[0])
			lf++;
	}
	return crlf > lf ? "\r\n" : "\n";
}

static int make_pair_line(struct vmx *v, const char *key, const char *value, size_t at)
{
	size_t el, kl = strlen(key);
	char *ev = vmx_encode(value, &el), *line;
	int r;

	if (!ev)
		return -1;
	line = malloc(kl + el + 8);
	if (!line) {
		free(ev);
		return -1;
	}
	memcpy(line, key, kl);
	memcpy(line + kl, " = \"", 4);
	memcpy(line + kl + 4, ev, el);
	line[kl + 4 + el] = '"';
	r = add_line(v, line, kl + el + 5, house_eol(v), at);
	free(line);
	free(ev);
	return r;
}

int vmx_set(struct vmx *v, const char *key, const char *value)
{
	size_t el, hits = 0;
	char *ev = vmx_encode(value, &el);

	if (!ev)
		return -1;
	for (size_t i = 0; i < v->n; i++) {
		struct vmx_line *l = &v->l[i];
		size_t ks, kl, vs, vl, ve;
		char *nt;
		int quoted;

		if (!split(l, &ks, &kl, &vs, &vl) || !key_is(l->text + ks, kl, key))
			continue;
		hits++;
		quoted = vs > 0 && l->text[vs - 1] == '"';
		ve = vs + vl;
		/* An unquoted value becomes a quoted one; a quoted one keeps its quotes. */
		nt = malloc(l->len + el + 3);
		if (!nt) {
			free(ev);
			return -1;
		}
		memcpy(nt, l->text, vs);
		size_t at = vs;

		if (!quoted)
			nt[at++] = '"';
		memcpy(nt + at, ev, el);
		at += el;
		if (!quoted) {
			nt[at++] = '"';
		} else if (ve >= l->len) {
			nt[at++] = '"'; /* the original lacked its closing quote */
		}
		memcpy(nt + at, l->text + ve, l->len - ve);
		at += l->len - ve;
		free(l->text);
		l->text = nt;
		l->len = at;
	}
	free(ev);
	if (hits)
		return 0;
	if (v->n > 0 && v->l[v->n - 1].eol[0] == '\0')
		strcpy(v->l[v->n - 1].eol, house_eol(v));
	return make_pair_line(v, key, value, v->n);
}

int vmx_prepend(struct vmx *v, const char *key, const char *value)
{
	return make_pair_line(v, key, value, 0);
}

size_t vmx_remove(struct vmx *v, const char *key)
{
	size_t gone = 0, j = 0;

	for (size_t i = 0; i < v->n; i++) {
		size_t ks, kl, vs, vl;

		if (split(&v->l[i], &ks, &kl, &vs, &vl) && key_is(v->l[i].text + ks, kl, key)) {
			free(v->l[i].text);
			gone++;
			continue;
		}
		v->l[j++] = v->l[i];
	}
	v->n = j;
	return gone;
}
