/*
 * jsonin.h - reads the JSON request bodies of the API (RFC 8259): the whole
 * text is checked, then one string member of the top-level object is
 * decoded.  civetweb parses HTTP, not JSON; this is the part it leaves.
 * Pure: no allocation, no I/O, nesting limited to JSONIN_MAX_DEPTH.
 */
#ifndef NHV_WEB_JSONIN_H
#define NHV_WEB_JSONIN_H

#include <stddef.h>

#define JSONIN_MAX_DEPTH 32

/*
 * Checks that text[0..len) is one JSON object (whitespace around it only).
 * 0 when it is; -1 with why ("byte N: what was expected") otherwise.
 */
int jsonin_check(const char *text, size_t len, char *why, size_t wlen);

/*
 * The string member key of the top-level object, decoded (escapes, \uXXXX
 * with surrogate pairs, as UTF-8) into out (NUL-terminated).
 * 0 found; 1 absent; -1 with why when the text is not a JSON object, the
 * member is not a string, holds a NUL (\u0000) or does not fit in out.
 */
int jsonin_string(const char *text, size_t len, const char *key, char *out, size_t outlen,
		  char *why, size_t wlen);

#endif
