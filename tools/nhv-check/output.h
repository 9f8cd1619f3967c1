/* output.h - the report as cpuinfo-style text, brief text, or JSON. */
#ifndef NHV_CHECK_OUTPUT_H
#define NHV_CHECK_OUTPUT_H

#include <stdio.h>

#include "tools/nhv-check/report.h"

struct output_opts {
	int explain;       /* add remediation text */
	const char *input; /* "live" or "replay FILE" */
};

void output_text(FILE *out, const struct report *r, const struct output_opts *o);
void output_brief(FILE *out, const struct report *r);
void output_json(FILE *out, const struct report *r, const struct output_opts *o);

#endif
