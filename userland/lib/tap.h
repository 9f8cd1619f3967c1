/*
 * tap.h - TAP (Test Anything Protocol) output for nhv's C unit tests and
 * self-tests (nhv-selftest); `prove` reads it.  One counter per program,
 * whatever the number of files that print results.
 *
 *   tap_ok(cond, "name %d", i);   tap_is_int(got, want, "name");
 *   tap_is_str(got, want, "name"); return tap_done();
 *
 * tap_done() prints the plan (1..N) at the end and returns the exit status.
 */
#ifndef NHV_LIB_TAP_H
#define NHV_LIB_TAP_H

#include <stdarg.h>
/* As before the move: tests use printf and the str* functions through this header. */
#include <stdio.h>
#include <string.h>

int tap_vok(int cond, const char *fmt, va_list ap);
int tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* N tests that cannot run here: TAP "ok ... # skip" with the reason. */
void tap_skip(int n, const char *why);
int tap_is_int(long long got, long long want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int tap_is_str(const char *got, const char *want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* How many results so far, and how many failed. */
int tap_count(void);
int tap_failures(void);
int tap_done(void);

#endif
