/*
 * verdict.c - ready / degraded / not-capable, with reasons, costs and
 * the confidence of the judgement.  Pure function of the facts.
 *
 *   ready        VT-x with EPT or AMD-V with NPT, not locked off: 64-bit
 *                L2 guests run with hardware assist and nested paging.
 *   degraded     hardware assist without EPT/NPT (shadow paging), or a
 *                slow path (no VPID, no unrestricted guest), or EPT/NPT
 *                that could not be checked.
 *   not-capable  no VT-x/AMD-V visible, or disabled by firmware.
 */
#include "tools/nhv-check/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void item(struct verdict_r *v, enum item_kind kind, const char *code, const char *fmt, ...)
{
	va_list ap;

	if (v->nitems >= REPORT_MAX_ITEMS)
		return;
	struct item *it = &v->items[v->nitems++];
	it->kind = kind;
	it->code = code;
	va_start(ap, fmt);
	vsnprintf(it->text, sizeof(it->text), fmt, ap);
	va_end(ap);
}

/* snprintf at out+*n that never runs past sz. */
static void appendf(char *out, size_t sz, size_t *n, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void appendf(char *out, size_t sz, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*n + 1 >= sz)
		return;
	va_start(ap, fmt);
	k = vsnprintf(out + *n, sz - *n, fmt, ap);
	va_end(ap);
	if (k > 0)
		*n = *n + (size_t)k < sz ? *n + (size_t)k : sz - 1;
}

static void worse(struct verdict_r *v, enum verdict to)
{
	if (to > v->verdict)
		v->verdict = to;
}

static void less_sure(struct verdict_r *v, enum confidence to)
{
	if (to > v->confidence)
		v->confidence = to;
}

/* "/proc/cpuinfo (4 CPUs), lscpu, dmidecode (BIOS, System)" */
static void paste_parts_text(const struct facts *f, char *out, size_t sz)
{
	static const struct {
		unsigned bit;
		int dmi; /* a dmidecode record kind, listed inside "dmidecode (...)" */
		const char *name;
	} parts[] = {
		{ PP_CPUINFO, 0, "/proc/cpuinfo" }, { PP_LSCPU, 0, "lscpu" }, { PP_LSCPU_JSON, 0, "lscpu -J" },
		{ PP_CPUID_HELPER, 0, "virt-what-cpuid-helper" }, { PP_SDV, 0, "systemd-detect-virt" },
		{ PP_VIRTWHAT, 0, "virt-what" }, { PP_SYSFS, 0, "/sys or /proc files" },
		{ PP_DMI_BIOS, 1, "BIOS" }, { PP_DMI_SYSTEM, 1, "System" }, { PP_DMI_BOARD, 1, "Base Board" },
		{ PP_DMI_CHASSIS, 1, "Chassis" }, { PP_DMI_OTHER, 1, "other records" },
	};
	size_t n = 0;
	int in_dmi = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (!(f->paste_parts & parts[i].bit))
			continue;
		const char *sep = n ? ", " : "";
		if (parts[i].dmi && !in_dmi) {
			sep = n ? ", dmidecode (" : "dmidecode (";
			in_dmi = 1;
		}
		appendf(out, sz, &n, "%s%s", sep, parts[i].name);
		if (parts[i].bit == PP_CPUINFO && f->paste_cpus > 0)
			appendf(out, sz, &n, " (%d CPU%s)", f->paste_cpus, f->paste_cpus == 1 ? "" : "s");
	}
	if (in_dmi)
		appendf(out, sz, &n, ")");
	if (n == 0)
		snprintf(out, sz, "nothing recognised");
}

static const char *from(const struct facts *f, enum num_fact id)
{
	switch (f->n[id].src) {
	case SRC_CPUID: return "CPUID";
	case SRC_MSR: return "the VMX capability MSRs";
	case SRC_CPUINFO: return "/proc/cpuinfo flags";
	case SRC_LSCPU: return "lscpu output";
	default: return "the capture";
	}
}

static int msr_unanswered(const struct facts *f, enum num_fact id, enum fact_reason *why)
{
	if (fact_known(f, id))
		return 0;
	*why = f->n[id].state == FS_UNAVAILABLE ? (enum fact_reason)f->n[id].reason : FR_NONE;
	return 1;
}

static void judge_intel(const struct facts *f, struct verdict_r *v)
{
	enum fact_reason why;

	v->virt = "vmx";
	if (fact_yes(f, N_VMX_LOCKED_OFF)) {
		worse(v, V_NOT_CAPABLE);
		item(v, IK_REASON, "locked-by-firmware",
		     "VT-x is disabled by firmware: IA32_FEATURE_CONTROL (MSR 0x3a) is locked with "
		     "VMX-outside-SMX off (value 0x%llx); VMXON will fault",
		     (unsigned long long)f->n[N_MSR_FEATURE_CONTROL].v);
		return;
	}
	if (!fact_known(f, N_MSR_FEATURE_CONTROL) && fact_yes(f, N_VMX_HIDDEN_BY_KERNEL)) {
		worse(v, V_NOT_CAPABLE);
		item(v, IK_REASON, "locked-by-firmware",
		     "CPUID shows VMX but the kernel removed 'vmx' from /proc/cpuinfo: firmware left VT-x "
		     "disabled (dmesg: \"VMX (outside TXT) disabled by BIOS\")");
		return;
	}
	if (msr_unanswered(f, N_MSR_FEATURE_CONTROL, &why)) {
		less_sure(v, C_MEDIUM);
		if (why != FR_NONE)
			item(v, IK_NOTE, "msr-unreadable",
			     "IA32_FEATURE_CONTROL could not be read (%s): the firmware lock was not checked",
			     fact_reason_name(why));
		else
			item(v, IK_NOTE, "msr-not-in-input",
			     "the input has no MSR values: the firmware lock was not checked");
	}
	if (fact_yes(f, N_MSR_CPUS_FC_DIFFER)) {
		worse(v, V_DEGRADED);
		item(v, IK_REASON, "feature-control-differs",
		     "IA32_FEATURE_CONTROL differs between CPUs: firmware enabled VT-x on some CPUs only");
	}

	if (fact_yes(f, N_EPT)) {
		v->paging = "ept";
	} else if (fact_no(f, N_EPT)) {
		worse(v, V_DEGRADED);
		item(v, IK_REASON, "no-ept", "VT-x without EPT (from %s)", from(f, N_EPT));
		item(v, IK_COST, "no-ept",
		     "L2 guests run on shadow page tables: every L2 page-table update, CR3 write and "
		     "page fault exits to nhv, so memory-heavy L2 work runs several times slower");
	} else {
		worse(v, V_DEGRADED);
		less_sure(v, C_LOW);
		item(v, IK_REASON, "ept-unknown",
		     "EPT support could not be determined (no VMX MSRs and no 'ept' flag source); "
		     "judged as missing until shown");
	}
	if (fact_no(f, N_VPID)) {
		worse(v, V_DEGRADED);
		item(v, IK_REASON, "no-vpid", "VT-x without VPID (from %s)", from(f, N_VPID));
		item(v, IK_COST, "no-vpid",
		     "every VM entry and exit flushes the TLB: L2 guests lose their TLB on each exit");
	}
	if (fact_no(f, N_UNRESTRICTED_GUEST)) {
		worse(v, V_DEGRADED);
		item(v, IK_REASON, "no-unrestricted-guest", "VT-x without unrestricted guest (from %s)",
		     from(f, N_UNRESTRICTED_GUEST));
		item(v, IK_COST, "no-unrestricted-guest",
		     "L2 real-mode and unpaged protected-mode code (boot loaders, firmware) must be emulated");
	}
}

static void judge_amd(const struct facts *f, struct verdict_r *v)
{
	enum fact_reason why;

	v->virt = "svm";
	if (fact_yes(f, N_SVM_DISABLED)) {
		worse(v, V_NOT_CAPABLE);
		item(v, IK_REASON, "locked-by-firmware",
		     "AMD-V is disabled by firmware: VM_CR.SVMDIS (MSR 0xc0010114 bit 4) is set%s",
		     (f->n[N_MSR_VM_CR].v & 8) ? " and locked (SVM_LOCK)" : "");
		return;
	}
	if (msr_unanswered(f, N_MSR_VM_CR, &why)) {
		less_sure(v, C_MEDIUM);
		if (why != FR_NONE)
			item(v, IK_NOTE, "msr-unreadable",
			     "VM_CR could not be read (%s): the firmware SVMDIS bit was not checked",
			     fact_reason_name(why));
		else
			item(v, IK_NOTE, "msr-not-in-input",
			     "the input has no MSR values: the firmware SVMDIS bit was not checked");
	}
	if (fact_yes(f, N_NPT)) {
		v->paging = "npt";
	} else if (fact_no(f, N_NPT)) {
		worse(v, V_DEGRADED);
		item(v, IK_REASON, "no-npt", "AMD-V without NPT (from %s)", from(f, N_NPT));
		item(v, IK_COST, "no-npt",
		     "L2 guests run on shadow page tables: every L2 page-table update, CR3 write and "
		     "page fault exits to nhv, so memory-heavy L2 work runs several times slower");
	} else {
		worse(v, V_DEGRADED);
		less_sure(v, C_LOW);
		item(v, IK_REASON, "npt-unknown",
		     "NPT support could not be determined; judged as missing until shown");
	}
	if (fact_no(f, N_NRIP_SAVE))
		item(v, IK_NOTE, "no-nrip-save",
		     "no NRIP save: nhv decodes the instruction length of intercepted instructions itself");
}

void verdict_compute(const struct facts *f, struct verdict_r *v)
{
	const char *vendor = str_get(f, S_CPU_VENDOR);
	int amd_vendor = strcmp(vendor, "AuthenticAMD") == 0 || strcmp(vendor, "HygonGenuine") == 0;

	memset(v, 0, sizeof(*v));
	v->verdict = V_READY;
	v->confidence = C_HIGH;
	v->virt = "none";
	v->paging = "none";

	if (f->origin == ORIGIN_CPUINFO || f->origin == ORIGIN_LSCPU || f->origin == ORIGIN_PASTE) {
		char parsed[200];
		less_sure(v, C_MEDIUM);
		paste_parts_text(f, parsed, sizeof(parsed));
		item(v, IK_NOTE, "pasted-input",
		     "judged from pasted text: read %s; a paste holds no MSRs, PCI, EFI or backdoor facts", parsed);
	}
	if ((f->origin == ORIGIN_LIVE || f->origin == ORIGIN_CAPTURE) && fact_no(f, N_ROOT))
		item(v, IK_NOTE, "not-root", "not run as root: MSRs, the backdoor and some DMI fields were not read");

	if (fact_yes(f, N_HW_VMX) && !(amd_vendor && fact_yes(f, N_HW_SVM))) {
		judge_intel(f, v);
	} else if (fact_yes(f, N_HW_SVM)) {
		judge_amd(f, v);
	} else if (!fact_known(f, N_HW_VMX) && !fact_known(f, N_HW_SVM)) {
		v->verdict = V_NOT_CAPABLE;
		less_sure(v, C_LOW);
		item(v, IK_REASON, "no-cpu-flags",
		     "the input shows neither CPUID nor CPU flags: VT-x/AMD-V could not be checked");
	} else {
		v->verdict = V_NOT_CAPABLE;
		item(v, IK_REASON, "no-hw-virt",
		     "no VT-x or AMD-V visible to this system (no %s in %s)",
		     amd_vendor ? "svm" : (strcmp(vendor, "GenuineIntel") == 0 ? "vmx" : "vmx or svm"),
		     from(f, fact_known(f, N_HW_VMX) ? N_HW_VMX : N_HW_SVM));
	}
}

/* Facts the verdict and the hypervisor's name use that a paste did not
 * hold: named, and the confidence is low when the verdict rests on them. */
static void missing_facts(const struct facts *f, struct verdict_r *v)
{
	char list[200] = "";
	size_t n = 0;
	int need = 0;

	if (f->origin == ORIGIN_LIVE || f->origin == ORIGIN_CAPTURE)
		return;
	if (!fact_known(f, N_HW_VMX) && !fact_known(f, N_HW_SVM)) {
		appendf(list, sizeof(list), &n, "%sCPU flags (vmx/svm)", n ? ", " : "");
		need = 1;
	}
	if ((fact_yes(f, N_HW_VMX) && !fact_known(f, N_EPT)) || (fact_yes(f, N_HW_SVM) && !fact_known(f, N_NPT))) {
		appendf(list, sizeof(list), &n, "%snested paging (ept/npt flags)", n ? ", " : "");
		need = 1;
	}
	if (!str_known(f, S_HV_SIG) && !str_known(f, S_LSCPU_HV_VENDOR))
		appendf(list, sizeof(list), &n, "%sthe CPUID hypervisor signature", n ? ", " : "");
	if (!str_known(f, S_DMI_SYS_VENDOR) && f->s[S_DMI_SYS_VENDOR].state != FS_UNAVAILABLE)
		appendf(list, sizeof(list), &n, "%sDMI (dmidecode)", n ? ", " : "");
	if (n == 0)
		return;
	if (need)
		less_sure(v, C_LOW);
	item(v, IK_NOTE, "missing-facts", "not in the paste: %s%s", list,
	     need ? " - the verdict rests on them, so it is given with low confidence" : "");
}

void verdict_apply_hv(const struct facts *f, const struct hv_id *hv, struct verdict_r *v)
{
	if (hv->xen_pv) {
		v->verdict = V_NOT_CAPABLE;
		v->virt = "none";
		v->paging = "none";
		/* First reason: shift the others down. */
		if (v->nitems >= REPORT_MAX_ITEMS)
			v->nitems = REPORT_MAX_ITEMS - 1;
		memmove(&v->items[1], &v->items[0], sizeof(v->items[0]) * (size_t)v->nitems);
		v->nitems++;
		v->items[0].kind = IK_REASON;
		v->items[0].code = "xen-pv";
		snprintf(v->items[0].text, sizeof(v->items[0].text),
			 "a Xen PV guest: PV guests cannot use VT-x/AMD-V, whatever the CPU flags show%s",
			 hv->xen_pv_assumed ? " (PV assumed: the input has no CPUID signature to show HVM)" : "");
		if (hv->xen_pv_assumed)
			less_sure(v, C_LOW);
	}
	missing_facts(f, v);
}

const char *verdict_name(enum verdict v)
{
	switch (v) {
	case V_READY: return "ready";
	case V_DEGRADED: return "degraded";
	default: return "not-capable";
	}
}

const char *confidence_name(enum confidence c)
{
	switch (c) {
	case C_HIGH: return "high";
	case C_MEDIUM: return "medium";
	default: return "low";
	}
}

const struct item *verdict_main_reason(const struct verdict_r *v)
{
	for (int i = 0; i < v->nitems; i++)
		if (v->items[i].kind == IK_REASON)
			return &v->items[i];
	return NULL;
}
