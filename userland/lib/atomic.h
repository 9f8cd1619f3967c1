/*
 * atomic.h - replace a file so that a crash at any moment leaves either the
 * old content or the new one: write a temporary file next to it, fsync it,
 * rename it over the old one, fsync the directory.  Used by every nhv
 * program that rewrites a file (identity, machine-id, L2 .vmx files, clones).
 *
 * Fault injection for tests: when the environment variable NHV_FAULT_STEP
 * names a step, the process kills itself with SIGKILL right after it:
 *   temp-created  temp-half-written  temp-written  temp-synced  renamed  dir-synced
 * and, when NHV_FAULT_MATCH is set too, only while writing a path that
 * contains it.  (fault_point() is also called by other writers with their
 * own step names.)
 */
#ifndef NHV_ATOMIC_H
#define NHV_ATOMIC_H

#include <stddef.h>

/* 0 on success; -1 with errno set and a message on stderr naming path. */
int atomic_write_file(const char *path, const void *buf, size_t len, unsigned mode);

/* Kills the process when NHV_FAULT_STEP equals step. */
void fault_point(const char *step);
void fault_point_for(const char *step, const char *path);

/* Reads a whole file (at most max bytes) into a malloc'd buffer, NUL-terminated. */
char *read_file(const char *path, size_t max, size_t *len);

#endif
