/* execproto.c - the L2 init's COMMAND report (see execproto.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "userland/nhv-vm/execproto.h"

void execproto_init(struct execproto *p)
{
	memset(p, 0, sizeof(*p));
}

void execproto_free(struct execproto *p)
{
	free(p->out.data);
	free(p->err.data);
	execproto_init(p);
}

uint32_t execproto_crc32(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long execproto_b64decode(const char *s, size_t len, unsigned char *out)
{
	long n = 0;

	if (len % 4)
		return -1;
	for (size_t i = 0; i < len; i += 4) {
		int v[4], pad = 0;

		for (int k = 0; k < 4; k++) {
			unsigned char c = (unsigned char)s[i + k];

			if (c == '=' && i + 4 == len && k >= 2) {
				pad++;
				v[k] = 0;
				continue;
			}
			if (pad)	/* data after '=' */
				return -1;
			v[k] = b64val(c);
			if (v[k] < 0)
				return -1;
		}
		out[n++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (pad < 2)
			out[n++] = (unsigned char)(v[1] << 4 | v[2] >> 2);
		if (pad < 1)
			out[n++] = (unsigned char)(v[2] << 6 | v[3]);
	}
	return n;
}

void execproto_b64encode(const unsigned char *p, size_t n, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);

		*out++ = a[v >> 18 & 63];
		*out++ = a[v >> 12 & 63];
		*out++ = i + 1 < n ? a[v >> 6 & 63] : '=';
		*out++ = i + 2 < n ? a[v & 63] : '=';
	}
	*out = '\0';
}

static void set_bad(struct execproto *p, const char *why)
{
	if (!p->bad[0])
		snprintf(p->bad, sizeof(p->bad), "%s", why);
}

static void append(struct execproto *p, struct execbuf *b, const char *s, size_t len)
{
	unsigned char tmp[EXECPROTO_LINE_MAX];
	long n = execproto_b64decode(s, len, tmp);

	if (n < 0) {
		set_bad(p, "a report line is not base64 (damaged on the console?)");
		return;
	}
	if (b->len + (size_t)n > EXECPROTO_OUTPUT_MAX) {
		set_bad(p, "COMMAND wrote more than 16 MiB to one stream");
		return;
	}
	if (b->len + (size_t)n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;
		unsigned char *d;

		while (cap < b->len + (size_t)n)
			cap *= 2;
		d = realloc(b->data, cap);
		if (!d) {
			set_bad(p, "out of memory for COMMAND's output");
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, tmp, (size_t)n);
	b->len += (size_t)n;
}

/* "STATUS OCRC OLEN ECRC ELEN", each field checked. */
static void exit_line(struct execproto *p, const char *s)
{
	unsigned int status, ocrc, ecrc;
	unsigned long olen, elen;
	char tail;

	if (sscanf(s, "%3u %8x %10lu %8x %10lu%c", &status, &ocrc, &olen, &ecrc, &elen, &tail) != 5 ||
	    status > 255) {
		set_bad(p, "the exit line is not \"STATUS OCRC OLEN ECRC ELEN\"");
		return;
	}
	p->done = 1;
	p->status = (int)status;
	p->ocrc = ocrc;
	p->olen = olen;
	p->ecrc = ecrc;
	p->elen = elen;
}

static void line(struct execproto *p, char *s, size_t n)
{
	static const char tag[] = "nhv-l2: ";
	size_t t = sizeof(tag) - 1;

	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' '))
		n--;
	s[n] = '\0';
	if (p->done || n < t || memcmp(s, tag, t) != 0)
		return;
	if (n >= t + 2 && s[t] == 'o' && s[t + 1] == ' ')
		append(p, &p->out, s + t + 2, n - t - 2);
	else if (n >= t + 2 && s[t] == 'e' && s[t + 1] == ' ')
		append(p, &p->err, s + t + 2, n - t - 2);
	else if (n >= t + 5 && memcmp(s + t, "exit ", 5) == 0)
		exit_line(p, s + t + 5);
}

void execproto_feed(struct execproto *p, const char *data, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = data[i];

		if (c == '\n') {
			if (!p->overlong)
				line(p, p->line, p->linelen);
			p->linelen = 0;
			p->overlong = 0;
		} else if (p->linelen + 1 < sizeof(p->line)) {
			p->line[p->linelen++] = c;
		} else {
			p->overlong = 1;
		}
	}
}

int execproto_result(struct execproto *p, char *why, size_t len)
{
	if (p->bad[0]) {
		snprintf(why, len, "%s", p->bad);
		return -2;
	}
	if (!p->done) {
		snprintf(why, len, "the guest reported no exit status");
		return -1;
	}
	if (p->out.len != p->olen || execproto_crc32(p->out.data, p->out.len) != p->ocrc ||
	    p->err.len != p->elen || execproto_crc32(p->err.data, p->err.len) != p->ecrc) {
		snprintf(why, len, "COMMAND's output was damaged on the console (got %zu+%zu bytes, "
			 "the guest sent %lu+%lu, or a CRC differs)", p->out.len, p->err.len,
			 p->olen, p->elen);
		return -2;
	}
	return 0;
}
