/* report.c - which probes the facts answer, and the whole report. Pure. */
#include "tools/nhv-check/report.h"

#include <string.h>

static const char *const group_names[PG_COUNT] = {
	[PG_CPUID] = "cpuid",
	[PG_MSR] = "msr",
	[PG_CPUINFO] = "cpuinfo",
	[PG_VMX_FLAGS] = "vmx-flags",
	[PG_DMI] = "dmi",
	[PG_PCI] = "pci",
	[PG_EFI] = "efi",
	[PG_BACKDOOR] = "backdoor",
};

const char *probe_group_name(enum probe_group g)
{
	return group_names[g];
}

static void num_group(const struct facts *f, struct coverage *c, enum probe_group g,
		      const enum num_fact *ids, int n)
{
	const char *why = NULL;

	for (int i = 0; i < n; i++) {
		if (fact_known(f, ids[i])) {
			c->answered[g] = 1;
			return;
		}
		if (!why && f->n[ids[i]].state == FS_UNAVAILABLE)
			why = fact_reason_name((enum fact_reason)f->n[ids[i]].reason);
	}
	c->why[g] = why;
}

static void str_group(const struct facts *f, struct coverage *c, enum probe_group g,
		      const enum str_fact *ids, int n)
{
	const char *why = NULL;

	for (int i = 0; i < n; i++) {
		if (str_known(f, ids[i])) {
			c->answered[g] = 1;
			return;
		}
		if (!why && f->s[ids[i]].state == FS_UNAVAILABLE)
			why = fact_reason_name((enum fact_reason)f->s[ids[i]].reason);
	}
	c->why[g] = why;
}

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

void coverage_compute(const struct facts *f, struct coverage *c)
{
	static const enum num_fact cpuid[] = { N_CPUID_1_ECX, N_CPUID_VMX, N_CPUID_SVM, N_CPUID_HV_BIT };
	static const enum num_fact msr[] = { N_MSR_FEATURE_CONTROL, N_MSR_VM_CR, N_MSR_EFER,
					     N_MSR_VMX_FIRST };
	static const enum str_fact cpuinfo[] = { S_CPUINFO_FLAGS };
	static const enum str_fact vmxf[] = { S_CPUINFO_VMX_FLAGS };
	static const enum str_fact dmi[] = { S_DMI_SYS_VENDOR, S_DMI_PRODUCT_NAME, S_DMI_PRODUCT_UUID,
					     S_DMI_BIOS_VENDOR };
	static const enum num_fact pci[] = { N_PCI_DEVICES };
	static const enum num_fact efi[] = { N_EFI_BOOT };
	static const enum num_fact bd[] = { N_BD_PRESENT };

	memset(c, 0, sizeof(*c));
	num_group(f, c, PG_CPUID, cpuid, N(cpuid));
	num_group(f, c, PG_MSR, msr, N(msr));
	str_group(f, c, PG_CPUINFO, cpuinfo, N(cpuinfo));
	str_group(f, c, PG_VMX_FLAGS, vmxf, N(vmxf));
	str_group(f, c, PG_DMI, dmi, N(dmi));
	num_group(f, c, PG_PCI, pci, N(pci));
	num_group(f, c, PG_EFI, efi, N(efi));
	num_group(f, c, PG_BACKDOOR, bd, N(bd));
	for (int g = 0; g < PG_COUNT; g++)
		if (!c->answered[g] && !c->why[g])
			c->why[g] = f->origin == ORIGIN_LIVE || f->origin == ORIGIN_CAPTURE ? "not-probed" : "not-in-input";
	/* The kernel prints `vmx flags` only for a usable VMX (Linux >= 5.6). */
	if (!c->answered[PG_VMX_FLAGS] && c->answered[PG_CPUINFO] && !fact_yes(f, N_CPUINFO_VMX))
		c->why[PG_VMX_FLAGS] = "not-applicable";
}

void report_build(const struct facts *f, struct report *r)
{
	memset(r, 0, sizeof(*r));
	r->facts = f;
	hv_identify(f, &r->hv);
	verdict_compute(f, &r->verdict);
	verdict_apply_hv(f, &r->hv, &r->verdict);
	remedy_compute(f, &r->hv, &r->verdict, &r->remedy);
	coverage_compute(f, &r->coverage);
}
