/*
 * hv-tables.h - the CPUID signatures and DMI strings of the union of
 * systemd-detect-virt's and virt-what's knowledge (hv-tables.c cites
 * the source of each).
 */
#ifndef NHV_CHECK_HV_TABLES_H
#define NHV_CHECK_HV_TABLES_H

struct hv_sig {
	const char *sig;      /* CPUID 0x40000000 EBX:ECX:EDX, trailing padding dropped */
	const char *name;     /* systemd-detect-virt name (vm-other where systemd has none) */
	const char *virtwhat; /* virt-what's fact, or NULL when it has no CPUID test for it */
	const char *product;  /* a finer product name, or NULL */
};

struct hv_dmi {
	const char *prefix;
	const char *name;
};

extern const struct hv_sig hv_sigs[];
extern const struct hv_dmi hv_dmi_vendors[];

/* The entry for an escaped signature (as facts hold it), or NULL. */
const struct hv_sig *hv_sig_lookup(const char *sig);
/* systemd name for a DMI string by prefix, or NULL. */
const char *hv_dmi_lookup(const char *value);
/* DMI outranks CPUID for this systemd name. */
int hv_is_cloaking(const char *name);

#endif
