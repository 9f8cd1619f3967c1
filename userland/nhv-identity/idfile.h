/*
 * idfile.h - the identity file: text, one "key=value" a line, a version on
 * the first line and a SHA-256 of everything before it on the last:
 *
 *   nhv-identity 1
 *   generation=4
 *   appliance_uuid=...
 *   ...
 *   guest=<file>|<name>|<uuid>|<N>=<mac>,<N>=<mac>
 *   checksum=sha256:<64 hex digits>
 *
 * Names and files are %XX-escaped for bytes below 0x20 and for '%', '|',
 * ',' and 0x7f.  Pure: no I/O.
 */
#ifndef NHV_IDFILE_H
#define NHV_IDFILE_H

#include "userland/nhv-identity/identity.h"

/* Returns the length written, or -1 when buf is too small. */
long idfile_format(const struct identity *id, char *buf, size_t size);
/* 0 on success; else -1 with a message naming the line and what was expected. */
int idfile_parse(const char *buf, size_t len, struct identity *id, char *err, size_t errsize);

#endif
