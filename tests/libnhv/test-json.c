/* test-json.c - json_str (userland/lib/json.c). */
#include <stdlib.h>

#include "userland/lib/json.h"
#include "userland/lib/tap.h"

/* json_str's output for s, in a malloc'd string. */
static char *quoted(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	json_str(f, s);
	fclose(f);
	return buf;
}

int main(void)
{
	static const struct {
		const char *in, *want, *what;
	} cases[] = {
		{ "", "\"\"", "the empty string" },
		{ "default", "\"default\"", "a plain name" },
		{ "a\"b", "\"a\\\"b\"", "a quote is escaped" },
		{ "a\\b", "\"a\\\\b\"", "a backslash is escaped" },
		{ "l1\nl2\t", "\"l1\\u000al2\\u0009\"", "newline and tab as \\u00XX" },
		{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"", "other controls and DEL" },
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"", "UTF-8 passes through" },
		{ "/", "\"/\"", "a slash is not escaped" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = quoted(cases[i].in);

		tap_is_str(got ? got : "(no output)", cases[i].want, "%s", cases[i].what);
		free(got);
	}
	return tap_done();
}
