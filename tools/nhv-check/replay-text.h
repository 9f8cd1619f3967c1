/*
 * replay-text.h - the line reader shared by the capture parser
 * (replay.c) and the paste parser (paste.c).  Internal to nhv-check.
 */
#ifndef NHV_CHECK_REPLAY_TEXT_H
#define NHV_CHECK_REPLAY_TEXT_H

#include <stddef.h>

#include "tools/nhv-check/replay.h"

struct lines {
	const char *buf;
	size_t len;
	size_t pos;
	int lineno;
};

/* Fill err (line, printf-style message); returns -1. */
int replay_fail(struct replay_error *err, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Next line into out (NUL-terminated, without \n and a trailing \r).
 * 1 = a line, 0 = end of input, -1 = error (binary byte, over-long line). */
int replay_next_line(struct lines *L, char *out, size_t *outlen, struct replay_error *err);
/* Strip blanks and tabs at both ends, in place. */
char *replay_trim(char *s);

/* Pasted text (paste.c).  live = the live /proc/cpuinfo probe. */
int paste_parse(struct lines *L, struct facts *f, int live, struct replay_error *err);

#endif
