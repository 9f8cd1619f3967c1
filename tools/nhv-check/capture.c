/*
 * capture.c - write every fact to a text file that replay.c reads back.
 *
 *   # nhv-check capture v1
 *   cpu.vendor = "GenuineIntel" [cpuid]
 *   cpuid.vmx = yes [cpuid]
 *   msr.0x3a = unavailable(not-root) [msr]
 *   dmi.product_uuid = unknown
 */
#include "tools/nhv-check/capture.h"

#include <stdio.h>

void capture_escape(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void tail(FILE *out, uint8_t state, uint8_t reason, uint8_t src)
{
	if (state == FS_UNAVAILABLE)
		fprintf(out, "unavailable(%s) [%s]\n", fact_reason_name((enum fact_reason)reason),
			fact_source_name((enum fact_source)src));
	else
		fprintf(out, " [%s]\n", fact_source_name((enum fact_source)src));
}

int capture_write(FILE *out, const struct facts *f, const char *comment)
{
	fprintf(out, "%s\n", CAPTURE_MAGIC);
	if (comment && *comment)
		fprintf(out, "# %s\n", comment);
	for (int i = 0; i < S_COUNT; i++) {
		const struct str_fact_v *s = &f->s[i];
		fprintf(out, "%s = ", str_fact_name((enum str_fact)i));
		if (s->state == FS_UNKNOWN) {
			fputs("unknown\n", out);
			continue;
		}
		if (s->state == FS_PROBED)
			capture_escape(out, s->s);
		tail(out, s->state, s->reason, s->src);
	}
	for (int i = 0; i < N_COUNT; i++) {
		const struct num_fact_v *n = &f->n[i];
		fprintf(out, "%s = ", num_fact_name((enum num_fact)i));
		if (n->state == FS_UNKNOWN) {
			fputs("unknown\n", out);
			continue;
		}
		if (n->state == FS_PROBED) {
			switch (num_fact_kind((enum num_fact)i)) {
			case FK_BOOL: fputs(n->v ? "yes" : "no", out); break;
			case FK_HEX: fprintf(out, "0x%llx", (unsigned long long)n->v); break;
			case FK_DEC: fprintf(out, "%llu", (unsigned long long)n->v); break;
			}
		}
		tail(out, n->state, n->reason, n->src);
	}
	return ferror(out) ? -1 : 0;
}
