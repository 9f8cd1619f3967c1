/* capture.h - write facts in the capture format that replay.c reads. */
#ifndef NHV_CHECK_CAPTURE_H
#define NHV_CHECK_CAPTURE_H

#include <stdio.h>

#include "tools/nhv-check/facts.h"
#include "tools/nhv-check/replay.h"

/* Quoted, with \\ \" \n \t \xNN escapes. */
void capture_escape(FILE *out, const char *s);
/* 0 on success, -1 on a write error. */
int capture_write(FILE *out, const struct facts *f, const char *comment);

#endif
