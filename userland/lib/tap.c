/* tap.c - TAP output (see tap.h). */
#include "userland/lib/tap.h"

#include <stdio.h>
#include <string.h>

static int count, failures;

int tap_vok(int cond, const char *fmt, va_list ap)
{
	count++;
	if (!cond)
		failures++;
	printf("%sok %d - ", cond ? "" : "not ", count);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tap_vok(cond, fmt, ap);
	va_end(ap);
	return r;
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

void tap_skip(int n, const char *why)
{
	while (n-- > 0)
		printf("ok %d # skip %s\n", ++count, why);
	fflush(stdout);
}

int tap_is_int(long long got, long long want, const char *fmt, ...)
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

int tap_is_str(const char *got, const char *want, const char *fmt, ...)
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

int tap_count(void)
{
	return count;
}

int tap_failures(void)
{
	return failures;
}

int tap_done(void)
{
	printf("1..%d\n", count);
	fflush(stdout);
	return failures ? 1 : 0;
}
