/*
 * fuzz-replay.c - libFuzzer target for the replay parser.  Any input
 * must either be rejected with a line number inside the input, or give
 * facts that report, print as JSON and text, and survive a capture
 * round trip unchanged.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/nhv-check/capture.h"
#include "tools/nhv-check/derive.h"
#include "tools/nhv-check/output.h"
#include "tools/nhv-check/replay.h"
#include "tools/nhv-check/report.h"

static struct facts f1, f2;
static struct report rep;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct replay_error err;
	static FILE *devnull;
	char *buf = NULL;
	size_t len = 0;
	int lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (replay_parse((const char *)data, size, &f1, &err) != 0) {
		if (err.line < 0 || err.line > lines || err.msg[0] == '\0')
			abort();
		return 0;
	}
	facts_derive(&f1);
	report_build(&f1, &rep);
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	struct output_opts o = { 1, "fuzz" };
	output_json(devnull, &rep, &o);
	output_text(devnull, &rep, &o);
	output_brief(devnull, &rep);

	FILE *m = open_memstream(&buf, &len);
	if (!m || capture_write(m, &f1, "fuzz") != 0)
		abort();
	fclose(m);
	if (replay_parse(buf, len, &f2, &err) != 0)
		abort(); /* what we write we must read */
	facts_derive(&f2);
	for (int i = 0; i < N_COUNT; i++)
		if (f1.n[i].state != f2.n[i].state || f1.n[i].v != f2.n[i].v)
			abort();
	for (int i = 0; i < S_COUNT; i++)
		if (f1.s[i].state != f2.s[i].state || strcmp(f1.s[i].s, f2.s[i].s) != 0)
			abort();
	free(buf);
	return 0;
}
