/*
 * virtwhat.c - the facts virt-what would print for these facts, by the
 * tests of its virt-what.in (x86 ones, in its order).  virt-what greps
 * the whole dmidecode output; nhv-check has the type 0-3 records, so a
 * "Manufacturer:" test looks at the system, board and chassis vendors.
 */
#include "tools/nhv-check/report.h"
#include "tools/nhv-check/hv-tables.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

struct vw {
	char *out;
	size_t sz, n;
};

static void put(struct vw *w, const char *fact)
{
	int k = snprintf(w->out + w->n, w->sz - w->n, "%s%s", w->n ? " " : "", fact);

	if (k > 0 && w->n + (size_t)k < w->sz)
		w->n += (size_t)k;
}

/* "Manufacturer: X" anywhere in dmidecode's system, board or chassis record. */
static int manufacturer(const struct facts *f, const char *prefix)
{
	static const enum str_fact ids[] = { S_DMI_SYS_VENDOR, S_DMI_BOARD_VENDOR, S_DMI_CHASSIS_VENDOR };
	size_t n = strlen(prefix);

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (strncmp(str_get(f, ids[i]), prefix, n) == 0)
			return 1;
	return 0;
}

/* virt-what.in: grep 'Version: [0-9]\.[0-9]\.amazon' (the BIOS of AWS Xen instances). */
static int amazon_bios_version(const char *v)
{
	return isdigit((unsigned char)v[0]) && v[1] == '.' && isdigit((unsigned char)v[2]) &&
	       strncmp(v + 3, ".amazon", 7) == 0;
}

/* Without the helper's output, lscpu's "Hypervisor vendor" (read from the
 * same CPUID leaf, util-linux lscpu-virt.c) names the signature's fact. */
static const char *lscpu_fact(const char *v)
{
	static const struct {
		const char *prefix, *fact;
	} t[] = { { "VMware", "vmware" }, { "Microsoft", "hyperv" }, { "KVM", "kvm" }, { "Xen", "xen" }, { "bhyve", "bhyve" } };

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strncmp(v, t[i].prefix, strlen(t[i].prefix)) == 0)
			return t[i].fact;
	return "";
}

void hv_virt_what(const struct facts *f, char *out, size_t sz)
{
	struct vw w = { out, sz, 0 };
	const struct hv_sig *s = str_get(f, S_HV_SIG)[0] ? hv_sig_lookup(str_get(f, S_HV_SIG)) : NULL;
	/* virt-what compares the helper's output with each signature; hv-tables.c
	 * names the fact it prints for each. */
	const char *sig = s && s->virtwhat ? s->virtwhat : lscpu_fact(str_get(f, S_LSCPU_HV_VENDOR));
	const char *product = str_get(f, S_DMI_PRODUCT_NAME);
	const char *vendor = str_get(f, S_CPU_VENDOR);
	int skip_qemu_kvm = 0, skip_lkvm = 0, no_dmi = f->s[S_DMI_SYS_VENDOR].state == FS_UNAVAILABLE &&
							f->s[S_DMI_SYS_VENDOR].reason == FR_NOT_PRESENT;

	out[0] = '\0';
	if (strcmp(sig, "vmware") == 0 || manufacturer(f, "VMware"))
		put(&w, "vmware");
	if (strcmp(sig, "hyperv") == 0)
		put(&w, "hyperv");
	if (strcmp(sig, "hyperv") != 0 && manufacturer(f, "Microsoft Corporation") &&
	    strncmp(product, "Virtual Machine", 15) == 0)
		put(&w, "virtualpc");
	if (manufacturer(f, "innotek GmbH"))
		put(&w, "virtualbox");
	if (strcmp(sig, "bhyve") == 0 || strncmp(str_get(f, S_DMI_BIOS_VENDOR), "BHYVE", 5) == 0)
		put(&w, "bhyve");
	if (strcmp(vendor, "User Mode Linux") == 0)
		put(&w, "uml");
	if (strncmp(vendor, "PowerVM Lx86", 12) == 0)
		put(&w, "powervm_lx86");
	if (manufacturer(f, "HITACHI") && strstr(product, " LPAR"))
		put(&w, "virtage");
	if (strncmp(str_get(f, S_DMI_BIOS_VENDOR), "Parallels", 9) == 0) {
		put(&w, "parallels");
		skip_qemu_kvm = 1;
	}
	if (manufacturer(f, "Nutanix")) {
		put(&w, "nutanix_ahv");
		skip_qemu_kvm = 1;
	}
	if (manufacturer(f, "oVirt"))
		put(&w, "ovirt");
	if (strncmp(product, "RHEV Hypervisor", 15) == 0)
		put(&w, "rhev");
	if (strcmp(sig, "xen") == 0 && !no_dmi) {
		put(&w, "xen");
		put(&w, "xen-hvm");
		skip_qemu_kvm = 1;
	} else if (fact_yes(f, N_PROC_XEN)) {
		put(&w, "xen");
		put(&w, strstr(str_get(f, S_XEN_CAPABILITIES), "control_d") ? "xen-dom0" : "xen-domU");
		skip_qemu_kvm = skip_lkvm = 1;
	} else if (strstr(str_get(f, S_SYS_HYPERVISOR_TYPE), "xen")) {
		put(&w, "xen");
	}
	if (!skip_qemu_kvm) {
		if (strcmp(sig, "kvm") == 0) {
			put(&w, "kvm");
		} else if (strcmp(sig, "qemu") == 0) {
			put(&w, "qemu");
			skip_lkvm = 1;
		} else if (strncmp(product, "KVM", 3) == 0) {
			put(&w, "kvm");
			skip_lkvm = 1;
		} else if (manufacturer(f, "QEMU")) {
			put(&w, "qemu");
			skip_lkvm = 1;
		} else if (strstr(str_get(f, S_CPU_MODEL), "QEMU")) {
			put(&w, "qemu");
		}
	}
	if (!skip_lkvm && strcmp(sig, "lkvm") == 0)
		put(&w, "lkvm");
	if (strcmp(sig, "vmm") == 0)
		put(&w, "vmm");
	if (amazon_bios_version(str_get(f, S_DMI_BIOS_VERSION)) ||
	    strncmp(str_get(f, S_DMI_BIOS_VENDOR), "Amazon EC2", 10) == 0)
		put(&w, "aws");
}
