/*
 * tap.h - a small TAP (Test Anything Protocol) producer for nhv's C unit
 * tests.  `prove` reads the output.  Each test binary includes this once.
 *
 *   tap_ok(cond, "name %d", i);   tap_is_int(got, want, "name");
 *   tap_is_str(got, want, "name"); return tap_done();
 *
 * tap_done() prints the plan (1..N) at the end and returns the exit status.
 */
#ifndef NHV_TAP_H
#define NHV_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failures;

static inline int tap_vok(int cond, const char *fmt, va_list ap)
{
	tap_count++;
	if (!cond)
		tap_failures++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

static inline int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tap_vok(cond, fmt, ap);
	va_end(ap);
	return r;
}

static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* N tests that cannot run here: TAP "ok ... # skip" with the reason. */
static inline void tap_skip(int n, const char *why)
{
	while (n-- > 0)
		printf("ok %d # skip %s\n", ++tap_count, why);
}

static inline int tap_is_int(long long got, long long want, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tap_vok(got == want, fmt, ap);
	va_end(ap);
	if (!r)
		tap_diag("     got: %lld\n#   expected: %lld", got, want);
	return r;
}

static inline int tap_is_str(const char *got, const char *want, const char *fmt, ...)
{
	va_list ap;
	int same = (got == NULL && want == NULL) ||
		   (got != NULL && want != NULL && strcmp(got, want) == 0);
	int r;

	va_start(ap, fmt);
	r = tap_vok(same, fmt, ap);
	va_end(ap);
	if (!r)
		tap_diag("     got: '%s'\n#   expected: '%s'", got ? got : "(null)",
			 want ? want : "(null)");
	return r;
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failures ? 1 : 0;
}

#endif
