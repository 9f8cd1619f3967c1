/*
 * json.h - JSON output helpers shared by the programs that print --json
 * (nhv-identity, nhv vm list).  RFC 8259 section 7: '"' and '\\' are
 * escaped, control characters (and DEL) become \u00XX; other bytes pass
 * through unchanged (the callers print names and messages they hold).
 */
#ifndef NHV_LIB_JSON_H
#define NHV_LIB_JSON_H

#include <stdio.h>

/* s as a quoted JSON string on out. */
void json_str(FILE *out, const char *s);

#endif
