/*
 * output-json.c - the report as one JSON object (schema "nhv-check/1",
 * documented in docs/nhv-check.md).  Unknown or unavailable values are
 * null in "hw"; the "facts" object keeps state, reason and source.
 */
#include "tools/nhv-check/output.h"

#include <stdio.h>
#include <string.h>

static void jstr(FILE *out, const char *s)
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
			fprintf(out, "\\u%04x", c);
		else if (c >= 0x80) {
			/* pass valid UTF-8 through, escape stray bytes */
			int n = (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : -1;
			int ok = n > 0;
			for (int i = 1; ok && i <= n; i++)
				ok = ((unsigned char)s[i] & 0xc0) == 0x80;
			if (ok) {
				fwrite(s, 1, (size_t)n + 1, out);
				s += n;
			} else {
				fprintf(out, "\\u%04x", c);
			}
		} else
			fputc(c, out);
	}
	fputc('"', out);
}

static void jtri(FILE *out, const struct facts *f, enum num_fact id)
{
	fputs(fact_yes(f, id) ? "true" : fact_no(f, id) ? "false" : "null", out);
}

static void items(FILE *out, const struct item *it, int n, int kind_filter)
{
	int first = 1;

	fputc('[', out);
	for (int i = 0; i < n; i++) {
		if (kind_filter >= 0 && (int)it[i].kind != kind_filter)
			continue;
		fputs(first ? "" : ",", out);
		first = 0;
		fputs("{\"code\":", out);
		jstr(out, it[i].code);
		fputs(",\"text\":", out);
		jstr(out, it[i].text);
		fputc('}', out);
	}
	fputc(']', out);
}

static void fact_obj(FILE *out, uint8_t state, uint8_t reason, uint8_t src)
{
	fputs("{\"state\":", out);
	jstr(out, state == FS_PROBED ? "probed" : state == FS_UNAVAILABLE ? "unavailable" : "unknown");
	if (state == FS_UNAVAILABLE) {
		fputs(",\"reason\":", out);
		jstr(out, fact_reason_name((enum fact_reason)reason));
	}
	if (state != FS_UNKNOWN) {
		fputs(",\"source\":", out);
		jstr(out, fact_source_name((enum fact_source)src));
	}
}

void output_json(FILE *out, const struct report *r, const struct output_opts *o)
{
	const struct facts *f = r->facts;
	const struct verdict_r *v = &r->verdict;
	static const struct {
		const char *key;
		enum num_fact id;
	} hw[] = {
		{ "vmx", N_HW_VMX }, { "svm", N_HW_SVM }, { "hypervisor_bit", N_HV_BIT },
		{ "vmx_locked_off", N_VMX_LOCKED_OFF }, { "svm_disabled", N_SVM_DISABLED },
		{ "ept", N_EPT }, { "vpid", N_VPID }, { "unrestricted_guest", N_UNRESTRICTED_GUEST },
		{ "vmcs_shadowing", N_VMCS_SHADOWING }, { "apic_virtualization", N_APIC_VIRT },
		{ "posted_interrupts", N_POSTED_INTR }, { "ept_ad", N_EPT_AD }, { "ept_2m", N_EPT_2M },
		{ "ept_1g", N_EPT_1G }, { "npt", N_NPT }, { "nrip_save", N_NRIP_SAVE },
		{ "decode_assists", N_DECODE_ASSISTS }, { "flush_by_asid", N_FLUSH_BY_ASID }, { "avic", N_AVIC },
	};

	fputs("{\"schema\":\"nhv-check/1\",\"verdict\":", out);
	jstr(out, verdict_name(v->verdict));
	fprintf(out, ",\"exit_code\":%d,\"confidence\":", (int)v->verdict);
	jstr(out, confidence_name(v->confidence));
	fputs(",\"reasons\":", out);
	items(out, v->items, v->nitems, IK_REASON);
	fputs(",\"costs\":", out);
	items(out, v->items, v->nitems, IK_COST);
	fputs(",\"notes\":", out);
	items(out, v->items, v->nitems, IK_NOTE);
	fputs(",\"hypervisor\":", out);
	jstr(out, r->hv.name);
	fputs(",\"hypervisor_product\":", out);
	if (r->hv.product)
		jstr(out, r->hv.product);
	else
		fputs("null", out);
	fputs(",\"hypervisor_platform\":", out);
	if (r->hv.platform)
		jstr(out, r->hv.platform);
	else
		fputs("null", out);
	fputs(",\"hypervisor_rule\":", out);
	jstr(out, r->hv.rule);
	fputs(",\"hypervisor_virt_what\":[", out);
	{
		const char *p = r->hv.virt_what;
		int first = 1;
		while (*p) {
			size_t n = strcspn(p, " ");
			char word[64];
			snprintf(word, sizeof(word), "%.*s", (int)n, p);
			fputs(first ? "" : ",", out);
			jstr(out, word);
			first = 0;
			p += n;
			while (*p == ' ')
				p++;
		}
	}
	fputc(']', out);
	fprintf(out, ",\"hypervisor_bit_hidden\":%s,\"hypervisor_evidence\":[", r->hv.hv_bit_hidden ? "true" : "false");
	for (int i = 0; i < r->hv.nevidence; i++) {
		fputs(i ? "," : "", out);
		jstr(out, r->hv.evidence[i]);
	}
	fputs("],\"hypervisor_conflicts\":[", out);
	for (int i = 0; i < r->hv.nconflicts; i++) {
		fputs(i ? "," : "", out);
		jstr(out, r->hv.conflicts[i]);
	}
	fputs("],\"hw\":{\"virt\":", out);
	jstr(out, v->virt);
	fputs(",\"nested_paging\":", out);
	jstr(out, v->paging);
	for (size_t i = 0; i < sizeof(hw) / sizeof(hw[0]); i++) {
		fprintf(out, ",\"%s\":", hw[i].key);
		jtri(out, f, hw[i].id);
	}
	fputs("},\"probes\":{", out);
	for (int g = 0; g < PG_COUNT; g++) {
		fputs(g ? "," : "", out);
		jstr(out, probe_group_name((enum probe_group)g));
		fputc(':', out);
		jstr(out, r->coverage.answered[g] ? "answered" : r->coverage.why[g]);
	}
	fputs("},\"remediation\":", out);
	items(out, r->remedy.items, r->remedy.n, -1);
	fputs(",\"input\":", out);
	jstr(out, o->input);
	fputs(",\"facts\":{", out);
	for (int i = 0; i < S_COUNT; i++) {
		const struct str_fact_v *s = &f->s[i];
		fputs(i ? "," : "", out);
		jstr(out, str_fact_name((enum str_fact)i));
		fputc(':', out);
		fact_obj(out, s->state, s->reason, s->src);
		if (s->state == FS_PROBED) {
			fputs(",\"value\":", out);
			jstr(out, s->s);
		}
		fputc('}', out);
	}
	for (int i = 0; i < N_COUNT; i++) {
		const struct num_fact_v *n = &f->n[i];
		fputc(',', out);
		jstr(out, num_fact_name((enum num_fact)i));
		fputc(':', out);
		fact_obj(out, n->state, n->reason, n->src);
		if (n->state == FS_PROBED) {
			if (num_fact_kind((enum num_fact)i) == FK_BOOL)
				fprintf(out, ",\"value\":%s", n->v ? "true" : "false");
			else if (num_fact_kind((enum num_fact)i) == FK_HEX)
				fprintf(out, ",\"value\":\"0x%llx\"", (unsigned long long)n->v);
			else
				fprintf(out, ",\"value\":%llu", (unsigned long long)n->v);
		}
		fputc('}', out);
	}
	fputs("}}\n", out);
}
