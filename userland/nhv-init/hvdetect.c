/*
 * hvdetect.c - a best-effort look at the outer host for the status block:
 * the CPUID hypervisor signature (leaf 0x40000000), the DMI system vendor
 * and product, and whether VMX or SVM is visible.  nhv-check does the full
 * job; this only names what the boot screen shows.
 */
#include <cpuid.h>
#include <stdio.h>
#include <string.h>

#include "nhv-init.h"

struct hv_name {
	const char *match;
	const char *name;
};

/* CPUID 0x40000000 EBX:ECX:EDX signatures -> systemd-detect-virt names */
static const struct hv_name cpuid_sigs[] = {
	{ "VMwareVMware", "vmware" },	{ "KVMKVMKVM", "kvm" },
	{ "Microsoft Hv", "microsoft" }, { "XenVMMXenVMM", "xen" },
	{ "VBoxVBoxVBox", "oracle" },	{ " lrpepyh  vr", "parallels" },
	{ "bhyve bhyve ", "bhyve" },	{ "TCGTCGTCGTCG", "qemu" },
	{ "ACRNACRNACRN", "acrn" },
};

/* DMI sys_vendor or product_name substrings */
static const struct hv_name dmi_names[] = {
	{ "VMware", "vmware" },	       { "QEMU", "qemu" },
	{ "innotek", "oracle" },       { "VirtualBox", "oracle" },
	{ "Virtual Machine", "microsoft" }, { "Xen", "xen" },
	{ "Parallels", "parallels" },  { "BHYVE", "bhyve" },
	{ "KVM", "kvm" },
};

static const char *lookup(const struct hv_name *t, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strstr(s, t[i].match))
			return t[i].name;
	return NULL;
}

static int cpu_has_hypervisor_bit(void)
{
	unsigned int a, b, c, d;

	return __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 31));
}

void hv_describe(char *buf, size_t len)
{
	char sig[13] = "", vendor[128], product[128], why[320] = "";
	const char *name = NULL;
	unsigned int a, b, c, d;

	if (cpu_has_hypervisor_bit()) {
		__cpuid(0x40000000, a, b, c, d);
		memcpy(sig, &b, 4);
		memcpy(sig + 4, &c, 4);
		memcpy(sig + 8, &d, 4);
		sig[12] = '\0';
		name = lookup(cpuid_sigs, sizeof(cpuid_sigs) / sizeof(cpuid_sigs[0]), sig);
		appendf(why, sizeof(why), "CPUID hypervisor bit set, signature '%s'", sig);
	}
	read_file("/sys/class/dmi/id/sys_vendor", vendor, sizeof(vendor));
	read_file("/sys/class/dmi/id/product_name", product, sizeof(product));
	if (vendor[0] || product[0]) {
		const char *dmi = lookup(dmi_names, sizeof(dmi_names) / sizeof(dmi_names[0]),
					 vendor);

		if (!dmi)
			dmi = lookup(dmi_names, sizeof(dmi_names) / sizeof(dmi_names[0]), product);
		/* The CPUID signature names the hypervisor that runs us; DMI
		 * names the virtual hardware it presents.  QEMU cannot show
		 * VMware's CPUID signature, so VMware's DMI strings win over an
		 * unnamed or TCG signature. */
		if (dmi && (!name || strcmp(name, "qemu") == 0))
			name = dmi;
		appendf(why, sizeof(why), "%sDMI '%s' '%s'", why[0] ? ", " : "", vendor, product);
	}
	if (!name)
		name = cpu_has_hypervisor_bit() ? "unknown" : "none";
	snprintf(buf, len, "%s (%s)", name, why[0] ? why : "no hypervisor bit, no DMI");
}

static int cpuinfo_has_flag(const char *flag)
{
	char line[8192];
	size_t flen = strlen(flag);
	FILE *f = fopen("/proc/cpuinfo", "re");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *p;

		if (strncmp(line, "flags", 5) != 0)
			continue;
		for (p = strstr(line, flag); p; p = strstr(p + 1, flag))
			if (p[-1] == ' ' && (p[flen] == ' ' || p[flen] == '\n'))
				found = 1;
		break;
	}
	fclose(f);
	return found;
}

void hwvirt_describe(char *buf, size_t len)
{
	unsigned int a, b, c, d;
	int vmx = 0, svm = 0;

	if (__get_cpuid(1, &a, &b, &c, &d))
		vmx = (c >> 5) & 1;
	if (__get_cpuid(0x80000001, &a, &b, &c, &d))
		svm = (c >> 2) & 1;
	buf[0] = '\0';
	if (vmx)
		appendf(buf, len, "vmx visible (CPUID), %s in /proc/cpuinfo flags",
			cpuinfo_has_flag("vmx") ? "listed" : "NOT listed");
	if (svm)
		appendf(buf, len, "%ssvm visible (CPUID), %s in /proc/cpuinfo flags",
			vmx ? "; " : "", cpuinfo_has_flag("svm") ? "listed" : "NOT listed");
	if (!vmx && !svm)
		snprintf(buf, len, "none: the outer host exposes neither VMX nor SVM");
}
