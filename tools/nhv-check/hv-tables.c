/*
 * hv-tables.c - what systemd-detect-virt and virt-what know about x86
 * hosts, as data, each entry with its source:
 *
 *   [sd]  systemd src/basic/virt.c (detect_vm_cpuid vm_table,
 *         detect_vm_dmi_vendor dmi_vendor_table)
 *   [vw]  virt-what virt-what.in (cpuid= and dmidecode greps)
 *   [osdev] the CPUID 0x40000000 vendor list of the OSDev wiki cpuid.h,
 *         for hypervisors neither tool names (nhv-check says vm-other)
 *   [ref] nhv's reference/cpuid-and-detection.md section 5
 */
#include "tools/nhv-check/hv-tables.h"

#include <string.h>

const struct hv_sig hv_sigs[] = {
	{ "VMwareVMware", "vmware", "vmware", NULL },             /* [sd] [vw] VMware KB 1009458 */
	{ "KVMKVMKVM", "kvm", "kvm", NULL },                      /* [sd] [vw] */
	{ "Linux KVM Hv", "kvm", NULL, "KVM with Hyper-V enlightenments" }, /* [sd] */
	{ "Microsoft Hv", "microsoft", "hyperv", "Hyper-V" },    /* [sd] [vw] */
	{ "XenVMMXenVMM", "xen", "xen", NULL },                   /* [sd] [vw] */
	{ "VBoxVBoxVBox", "oracle", NULL, "VirtualBox" },         /* [ref] */
	{ "prl hyperv", "parallels", NULL, NULL },                /* [ref] */
	{ " lrpepyh  vr", "parallels", NULL, NULL },              /* [ref] byte-swapped */
	{ "bhyve bhyve", "bhyve", "bhyve", NULL },                /* [sd] [vw] "bhyve bhyve " */
	{ "TCGTCGTCGTCG", "qemu", "qemu", "QEMU (TCG, no KVM)" }, /* [sd] [vw] */
	{ "ACRNACRNACRN", "acrn", NULL, NULL },                   /* [sd] */
	{ "Jailhouse", "jailhouse", NULL, NULL },                 /* [ref] */
	{ "QNXQVMBSQG", "qnx", NULL, NULL },                      /* [sd] */
	{ "SRESRESRESRE", "sre", NULL, NULL },                    /* [sd] */
	{ "Apple VZ", "apple", NULL, NULL },                      /* [sd] */
	{ "LKVMLKVMLKVM", "kvm", "lkvm", "kvmtool (lkvm)" },      /* [vw] kvmtool on KVM */
	{ "OpenBSDVMM58", "vm-other", "vmm", "OpenBSD vmm" },     /* [vw]; OpenBSD vmmvar.h VMM_HV_SIGNATURE */
	{ "HAXMHAXMHAXM", "vm-other", NULL, "Intel HAXM" },       /* [osdev] */
	{ "___ NVMM ___", "vm-other", NULL, "NetBSD NVMM" },      /* [osdev] */
	{ "EVMMEVMMEVMM", "vm-other", NULL, "Intel KGT" },        /* [osdev] */
	{ "UnisysSpar64", "vm-other", NULL, "Unisys s-Par" },     /* [osdev] */
	{ NULL, NULL, NULL, NULL },
};

/* systemd matches these as prefixes of product_name, sys_vendor,
 * board_vendor, bios_vendor and product_version, in that order. */
const struct hv_dmi hv_dmi_vendors[] = {
	{ "KVM", "kvm" },                     /* [sd] [vw] "Product Name: KVM" */
	{ "OpenStack", "kvm" },               /* [sd] */
	{ "KubeVirt", "kvm" },                /* [sd] */
	{ "Amazon EC2", "amazon" },           /* [sd] [vw] "Vendor: Amazon EC2" */
	{ "QEMU", "qemu" },                   /* [sd] [vw] "Manufacturer: QEMU" */
	{ "VMware", "vmware" },               /* [sd] [vw] "Manufacturer: VMware" */
	{ "VMW", "vmware" },                  /* [sd] */
	{ "innotek GmbH", "oracle" },         /* [sd] [vw] */
	{ "VirtualBox", "oracle" },           /* [sd] */
	{ "Oracle Corporation", "oracle" },   /* [sd] */
	{ "Xen", "xen" },                     /* [sd] */
	{ "Bochs", "bochs" },                 /* [sd] */
	{ "The Bochs Project", "bochs" },     /* [ref] Bochs' own BIOS vendor */
	{ "Parallels", "parallels" },         /* [sd] [vw] "Vendor: Parallels" */
	{ "BHYVE", "bhyve" },                 /* [sd] [vw] "Vendor: BHYVE" */
	{ "Hyper-V", "microsoft" },           /* [sd] */
	{ "Apple Virtualization", "apple" },  /* [sd] */
	{ "Google Compute Engine", "google" }, /* [sd] */
	{ NULL, NULL },
};

/* systemd-detect-virt answers DMI before CPUID for these: they run on
 * KVM or cloak as Hyper-V, and their signature would name the wrong
 * product ([sd] detect_vm, "We have to use the correct order here"). */
static const char *const cloaking[] = { "oracle", "xen", "amazon", "parallels", "google", NULL };

const struct hv_sig *hv_sig_lookup(const char *sig)
{
	size_t n = strlen(sig);

	/* Trailing blanks and escaped NULs are padding. */
	for (;;) {
		if (n > 0 && sig[n - 1] == ' ')
			n--;
		else if (n >= 4 && memcmp(sig + n - 4, "\\x00", 4) == 0)
			n -= 4;
		else
			break;
	}
	for (const struct hv_sig *s = hv_sigs; s->sig; s++) {
		size_t m = strlen(s->sig);
		while (m > 0 && s->sig[m - 1] == ' ')
			m--;
		if (m == n && memcmp(sig, s->sig, n) == 0)
			return s;
	}
	return NULL;
}

const char *hv_dmi_lookup(const char *value)
{
	for (const struct hv_dmi *d = hv_dmi_vendors; d->prefix; d++)
		if (strncmp(value, d->prefix, strlen(d->prefix)) == 0)
			return d->name;
	return NULL;
}

int hv_is_cloaking(const char *name)
{
	for (int i = 0; cloaking[i]; i++)
		if (strcmp(cloaking[i], name) == 0)
			return 1;
	return 0;
}
