/*
 * report.h - what nhv-check concludes from the facts: the outer
 * hypervisor, the verdict with its reasons, the remediation steps and
 * the probes the input could not answer.  All pure functions of
 * `struct facts` (see facts.h).
 */
#ifndef NHV_CHECK_REPORT_H
#define NHV_CHECK_REPORT_H

#include <stddef.h>

#include "tools/nhv-check/facts.h"

#define REPORT_MAX_ITEMS 24
#define REPORT_TEXT_MAX 512

struct hv_id {
	const char *name;    /* systemd-detect-virt name: none, vmware, kvm, ..., vm-other; unknown */
	const char *product; /* "ESX", "Workstation", "Hyper-V", ... or NULL */
	const char *platform; /* cloud of a bare-metal instance ("amazon"), or NULL */
	const char *rule;    /* the precedence rule that chose name */
	int hv_bit_hidden;   /* CPUID says no hypervisor, other signals say one */
	int xen_pv;          /* a Xen PV guest: no VT-x/AMD-V whatever the flags say */
	int xen_pv_assumed;  /* ... judged without a CPUID signature to rule out HVM */
	char virt_what[160]; /* the facts virt-what would print, space-separated */
	int nevidence;
	char evidence[REPORT_MAX_ITEMS][160];
	int nconflicts;
	char conflicts[4][160];
};

void hv_identify(const struct facts *f, struct hv_id *out);
/* systemd name for a CPUID signature (escaped, as in facts), or NULL. */
const char *hv_name_for_signature(const char *sig);
/* virt-what's facts for f (virtwhat.c), space-separated into out. */
void hv_virt_what(const struct facts *f, char *out, size_t sz);

enum verdict { V_READY = 0, V_DEGRADED = 1, V_NOT_CAPABLE = 2 };
enum confidence { C_HIGH, C_MEDIUM, C_LOW };
enum item_kind { IK_REASON, IK_COST, IK_NOTE };

struct item {
	enum item_kind kind;
	const char *code; /* stable: no-hw-virt, no-ept, locked-by-firmware, ... */
	char text[REPORT_TEXT_MAX];
};

struct verdict_r {
	enum verdict verdict;
	enum confidence confidence;
	const char *virt;    /* "vmx", "svm" or "none" */
	const char *paging;  /* "ept", "npt" or "none" */
	int nitems;
	struct item items[REPORT_MAX_ITEMS];
};

void verdict_compute(const struct facts *f, struct verdict_r *out);
/* What the hypervisor's identity changes (Xen PV), and the facts a paste lacked. */
void verdict_apply_hv(const struct facts *f, const struct hv_id *hv, struct verdict_r *v);
const char *verdict_name(enum verdict v);
const char *confidence_name(enum confidence c);
/* The first IK_REASON item, or NULL. */
const struct item *verdict_main_reason(const struct verdict_r *v);

struct remedy {
	int n;
	struct item items[REPORT_MAX_ITEMS];
};

void remedy_compute(const struct facts *f, const struct hv_id *hv, const struct verdict_r *v,
		    struct remedy *out);

/* Probe groups and whether the facts answer them. */
enum probe_group { PG_CPUID, PG_MSR, PG_CPUINFO, PG_VMX_FLAGS, PG_DMI, PG_PCI, PG_EFI, PG_BACKDOOR, PG_COUNT };

struct coverage {
	int answered[PG_COUNT];     /* 1 = at least one fact known */
	const char *why[PG_COUNT];  /* reason name when not answered */
};

const char *probe_group_name(enum probe_group g);
void coverage_compute(const struct facts *f, struct coverage *out);

/* Everything an output needs. */
struct report {
	const struct facts *facts;
	struct hv_id hv;
	struct verdict_r verdict;
	struct remedy remedy;
	struct coverage coverage;
};

void report_build(const struct facts *f, struct report *r);

#endif
