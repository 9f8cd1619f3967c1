/*
 * output-text.c - the default report: /proc/cpuinfo-style `key : value`
 * lines with stable keys (docs/nhv-check.md lists them), and --brief.
 */
#include "tools/nhv-check/output.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void kv(FILE *out, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* key, tabs to column 24, ": value" */
static void kv(FILE *out, const char *key, const char *fmt, ...)
{
	va_list ap;
	size_t pos = strlen(key);

	fputs(key, out);
	do {
		fputc('\t', out);
		pos = (pos / 8 + 1) * 8;
	} while (pos < 24);
	fputs(": ", out);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

static const char *num_val(const struct facts *f, enum num_fact id, char *buf, size_t sz)
{
	const struct num_fact_v *n = &f->n[id];

	if (n->state == FS_UNKNOWN)
		return "unknown";
	if (n->state == FS_UNAVAILABLE) {
		snprintf(buf, sz, "unavailable (%s)", fact_reason_name((enum fact_reason)n->reason));
		return buf;
	}
	switch (num_fact_kind(id)) {
	case FK_BOOL: return n->v ? "yes" : "no";
	case FK_HEX: snprintf(buf, sz, "0x%llx", (unsigned long long)n->v); return buf;
	default: snprintf(buf, sz, "%llu", (unsigned long long)n->v); return buf;
	}
}

static const char *str_val(const struct facts *f, enum str_fact id, char *buf, size_t sz)
{
	const struct str_fact_v *s = &f->s[id];

	if (s->state == FS_UNKNOWN)
		return "unknown";
	if (s->state == FS_UNAVAILABLE) {
		snprintf(buf, sz, "unavailable (%s)", fact_reason_name((enum fact_reason)s->reason));
		return buf;
	}
	return s->s[0] ? s->s : "(empty)";
}

static void num_line(FILE *out, const struct facts *f, const char *key, enum num_fact id)
{
	char buf[64];

	kv(out, key, "%s", num_val(f, id, buf, sizeof(buf)));
}

static void str_line(FILE *out, const struct facts *f, const char *key, enum str_fact id)
{
	char buf[64];

	kv(out, key, "%s", str_val(f, id, buf, sizeof(buf)));
}

static const char *kind_key(enum item_kind k)
{
	return k == IK_REASON ? "reason" : k == IK_COST ? "cost" : "note";
}

void output_text(FILE *out, const struct report *r, const struct output_opts *o)
{
	const struct facts *f = r->facts;
	const struct verdict_r *v = &r->verdict;

	kv(out, "verdict", "%s", verdict_name(v->verdict));
	kv(out, "confidence", "%s", confidence_name(v->confidence));
	for (int i = 0; i < v->nitems; i++)
		kv(out, kind_key(v->items[i].kind), "%s: %s", v->items[i].code, v->items[i].text);
	kv(out, "hypervisor", "%s", r->hv.name);
	if (r->hv.product)
		kv(out, "hypervisor product", "%s", r->hv.product);
	if (r->hv.platform)
		kv(out, "hypervisor platform", "%s", r->hv.platform);
	kv(out, "hypervisor rule", "%s", r->hv.rule);
	kv(out, "hypervisor virt-what", "%s", r->hv.virt_what[0] ? r->hv.virt_what : "(nothing)");
	for (int i = 0; i < r->hv.nevidence; i++)
		kv(out, "hypervisor evidence", "%s", r->hv.evidence[i]);
	for (int i = 0; i < r->hv.nconflicts; i++)
		kv(out, "hypervisor conflict", "%s", r->hv.conflicts[i]);
	kv(out, "hypervisor bit hidden", "%s", r->hv.hv_bit_hidden ? "yes" : "no");
	str_line(out, f, "cpu vendor", S_CPU_VENDOR);
	str_line(out, f, "cpu model", S_CPU_MODEL);
	kv(out, "hw virt", "%s", v->virt);
	kv(out, "nested paging", "%s", v->paging);
	num_line(out, f, "vmx", N_HW_VMX);
	num_line(out, f, "svm", N_HW_SVM);
	num_line(out, f, "hypervisor bit", N_HV_BIT);
	num_line(out, f, "feature control", N_MSR_FEATURE_CONTROL);
	num_line(out, f, "vmx locked off", N_VMX_LOCKED_OFF);
	num_line(out, f, "ept", N_EPT);
	num_line(out, f, "vpid", N_VPID);
	num_line(out, f, "unrestricted guest", N_UNRESTRICTED_GUEST);
	num_line(out, f, "vmcs shadowing", N_VMCS_SHADOWING);
	num_line(out, f, "apic virtualization", N_APIC_VIRT);
	num_line(out, f, "posted interrupts", N_POSTED_INTR);
	num_line(out, f, "ept a/d bits", N_EPT_AD);
	num_line(out, f, "ept 2m pages", N_EPT_2M);
	num_line(out, f, "ept 1g pages", N_EPT_1G);
	num_line(out, f, "vm_cr", N_MSR_VM_CR);
	num_line(out, f, "svm disabled", N_SVM_DISABLED);
	num_line(out, f, "svm revision", N_SVM_REVISION);
	num_line(out, f, "svm asids", N_SVM_NASID);
	num_line(out, f, "npt", N_NPT);
	num_line(out, f, "nrip save", N_NRIP_SAVE);
	num_line(out, f, "decode assists", N_DECODE_ASSISTS);
	num_line(out, f, "flush by asid", N_FLUSH_BY_ASID);
	num_line(out, f, "avic", N_AVIC);
	num_line(out, f, "efer", N_MSR_EFER);
	str_line(out, f, "dmi sys_vendor", S_DMI_SYS_VENDOR);
	str_line(out, f, "dmi product_name", S_DMI_PRODUCT_NAME);
	str_line(out, f, "dmi product_uuid", S_DMI_PRODUCT_UUID);
	str_line(out, f, "dmi bios_vendor", S_DMI_BIOS_VENDOR);
	str_line(out, f, "dmi bios_version", S_DMI_BIOS_VERSION);
	num_line(out, f, "pci devices", N_PCI_DEVICES);
	str_line(out, f, "pci vmware devices", S_PCI_VMWARE_DEVICES);
	str_line(out, f, "pci nics", S_PCI_NICS);
	num_line(out, f, "pci virtio devices", N_PCI_VIRTIO);
	num_line(out, f, "uefi boot", N_EFI_BOOT);
	num_line(out, f, "secure boot", N_SECURE_BOOT);
	str_line(out, f, "kernel lockdown", S_LOCKDOWN);
	num_line(out, f, "backdoor", N_BD_PRESENT);
	if (fact_yes(f, N_BD_PRESENT)) {
		num_line(out, f, "backdoor version", N_BD_VERSION);
		num_line(out, f, "backdoor type", N_BD_TYPE);
		num_line(out, f, "backdoor hw version", N_BD_HWVERSION);
		num_line(out, f, "backdoor build", N_BD_BUILDNUM);
		num_line(out, f, "backdoor nesting", N_BD_NESTING);
	}
	for (int g = 0; g < PG_COUNT; g++) {
		char key[32];
		snprintf(key, sizeof(key), "probe %s", probe_group_name((enum probe_group)g));
		if (r->coverage.answered[g])
			kv(out, key, "answered");
		else
			kv(out, key, "unanswered (%s)", r->coverage.why[g]);
	}
	if (o->explain) {
		if (r->remedy.n == 0)
			kv(out, "remedy", "none needed");
		for (int i = 0; i < r->remedy.n; i++)
			kv(out, "remedy", "%s: %s", r->remedy.items[i].code, r->remedy.items[i].text);
	}
	kv(out, "input", "%s", o->input);
}

static const char *short_reason(const char *code)
{
	static const struct {
		const char *code, *text;
	} t[] = {
		{ "no-hw-virt", "no VT-x/AMD-V exposed to this system" },
		{ "xen-pv", "Xen PV guest, no VT-x/AMD-V" },
		{ "locked-by-firmware", "VT-x/AMD-V disabled by firmware" },
		{ "no-cpu-flags", "CPU flags not available" },
		{ "no-ept", "no EPT, L2 runs on shadow paging" },
		{ "no-npt", "no NPT, L2 runs on shadow paging" },
		{ "ept-unknown", "EPT could not be checked" },
		{ "npt-unknown", "NPT could not be checked" },
		{ "no-vpid", "no VPID, TLB flushed on every exit" },
		{ "no-unrestricted-guest", "no unrestricted guest" },
		{ "feature-control-differs", "VT-x enabled on some CPUs only" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].code, code) == 0)
			return t[i].text;
	return code;
}

void output_brief(FILE *out, const struct report *r)
{
	const struct verdict_r *v = &r->verdict;
	const struct facts *f = r->facts;
	const struct item *why = verdict_main_reason(v);
	const char *virt = strcmp(v->virt, "vmx") == 0 ? "VT-x" : strcmp(v->virt, "svm") == 0 ? "AMD-V" : NULL;
	enum num_fact pg = strcmp(v->virt, "svm") == 0 ? N_NPT : N_EPT;
	const char *pgname = pg == N_NPT ? "NPT" : "EPT";

	if (r->hv.product)
		fprintf(out, "hypervisor\t: %s (%s)\n", r->hv.name, r->hv.product);
	else
		fprintf(out, "hypervisor\t: %s\n", r->hv.name);
	if (!virt)
		fprintf(out, "hw virt\t\t: none\n");
	else if (fact_yes(f, N_VMX_LOCKED_OFF) || fact_yes(f, N_SVM_DISABLED))
		fprintf(out, "hw virt\t\t: %s, locked off by firmware\n", virt);
	else
		fprintf(out, "hw virt\t\t: %s, %s %s\n", virt, pgname,
			fact_yes(f, pg) ? "yes" : fact_no(f, pg) ? "no" : "unknown");
	if (v->verdict == V_READY)
		fprintf(out, "verdict\t\t: ready (%s with %s)\n", virt ? virt : "?", pgname);
	else
		fprintf(out, "verdict\t\t: %s (%s)\n", verdict_name(v->verdict),
			why ? short_reason(why->code) : "see nhv-check");
	if (v->confidence != C_HIGH)
		fprintf(out, "confidence\t: %s\n", confidence_name(v->confidence));
	if (v->verdict != V_READY)
		fprintf(out, "fix\t\t: nhv-check --explain\n");
}
