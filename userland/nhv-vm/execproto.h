/*
 * execproto.h - reading what the default L2 guest's init (images/l2/init)
 * reports on its console for `nhv vm run -- COMMAND`:
 *     nhv-l2: o BASE64      COMMAND's stdout, 76 base64 characters a line
 *     nhv-l2: e BASE64      its stderr
 *     nhv-l2: exit STATUS OCRC OLEN ECRC ELEN
 * (CRC-32 as zlib and busybox crc32 compute it, 8 hex digits; lengths in
 * bytes).  Every other line (kernel messages) is ignored; a kernel message
 * cut into one of these lines shows as a bad line or a CRC mismatch, never
 * as wrong output.  The input is the guest's: every field is checked.
 */
#ifndef NHV_VM_EXECPROTO_H
#define NHV_VM_EXECPROTO_H

#include <stddef.h>
#include <stdint.h>

#define EXECPROTO_LINE_MAX 512
#define EXECPROTO_OUTPUT_MAX (16u << 20)	/* per stream */

struct execbuf {
	unsigned char *data;
	size_t len, cap;
};

struct execproto {
	char line[EXECPROTO_LINE_MAX];
	size_t linelen;
	int overlong;		/* the current line is longer than line[]: ignored */
	struct execbuf out, err;
	int done;		/* the exit line was read */
	int status;
	uint32_t ocrc, ecrc;
	unsigned long olen, elen;
	char bad[160];		/* the first problem seen, or "" */
};

void execproto_init(struct execproto *p);
void execproto_free(struct execproto *p);
/* Feeds console bytes; safe on any input. */
void execproto_feed(struct execproto *p, const char *data, size_t n);
/*
 * 0: the report is complete and intact (status, out, err are COMMAND's);
 * -1: no exit line came; -2: a bad or damaged report (why says what).
 */
int execproto_result(struct execproto *p, char *why, size_t len);

/* zlib's CRC-32 (what busybox crc32 prints). */
uint32_t execproto_crc32(const unsigned char *p, size_t n);
/* Standard base64 with '=' padding; len must be a multiple of 4.  Bytes written, or -1. */
long execproto_b64decode(const char *s, size_t len, unsigned char *out);

/* Standard base64 of n bytes into out (4 * ((n + 2) / 3) + 1 bytes, NUL-terminated). */
void execproto_b64encode(const unsigned char *p, size_t n, char *out);

#endif
