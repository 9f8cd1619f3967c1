/*
 * hypervisor.c - name the outer hypervisor from the facts, with the
 * names systemd-detect-virt uses.  Pure.
 *
 * Order (docs/nhv-check.md, "Hypervisor detection"):
 *  1. VMware DMI strings together with a backdoor that answered
 *     GETVERSION: vmware, whatever CPUID says (VMware KB 1009458's
 *     fallback check; QEMU with vmport and VMware SMBIOS lands here, and
 *     so does a VMware VM with hypervisor.cpuid.v0 = FALSE).
 *  2. A known CPUID 0x40000000 signature ("Microsoft Hv" yields to a KVM
 *     or Xen signature at 0x40000100, as with Hyper-V enlightenments).
 *  3. lscpu's "Hypervisor vendor:" (pasted input only).
 *  4. DMI strings (systemd's list), then PCI vendors, then the backdoor.
 *  5. hypervisor bit set but nothing known: "unknown".  Else "none".
 */
#include "tools/nhv-check/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct sig_name {
	const char *sig;
	const char *name;
};

/* Sources: reference/cpuid-and-detection.md section 5 (systemd virt.c,
 * virt-what, KVM and QEMU documentation). */
static const struct sig_name sigs[] = {
	{ "VMwareVMware", "vmware" },
	{ "KVMKVMKVM", "kvm" },
	{ "Linux KVM Hv", "kvm" },
	{ "Microsoft Hv", "microsoft" },
	{ "XenVMMXenVMM", "xen" },
	{ "VBoxVBoxVBox", "oracle" },
	{ "prl hyperv", "parallels" },
	{ " lrpepyh  vr", "parallels" },
	{ "bhyve bhyve", "bhyve" },
	{ "TCGTCGTCGTCG", "qemu" },
	{ "ACRNACRNACRN", "acrn" },
	{ "Jailhouse", "jailhouse" },
	{ "QNXQVMBSQG", "qnx" },
	{ "SRESRESRESRE", "sre" },
	{ "Apple VZ", "apple" },
};

const char *hv_name_for_signature(const char *sig)
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
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		size_t m = strlen(sigs[i].sig);
		while (m > 0 && sigs[i].sig[m - 1] == ' ')
			m--;
		if (m == n && memcmp(sig, sigs[i].sig, n) == 0)
			return sigs[i].name;
	}
	return NULL;
}

struct prefix_name {
	const char *prefix;
	const char *name;
};

/* systemd-detect-virt's DMI vendor table (src/basic/virt.c), plus the
 * BIOS vendor of the Bochs emulator itself ("The Bochs Project", with no
 * hypervisor bit or CPUID signature), which systemd's prefixes miss. */
static const struct prefix_name dmi_vendors[] = {
	{ "KVM", "kvm" },
	{ "OpenStack", "kvm" },
	{ "KubeVirt", "kvm" },
	{ "Amazon EC2", "amazon" },
	{ "QEMU", "qemu" },
	{ "VMware", "vmware" },
	{ "VMW", "vmware" },
	{ "innotek GmbH", "oracle" },
	{ "VirtualBox", "oracle" },
	{ "Oracle Corporation", "oracle" },
	{ "Xen", "xen" },
	{ "Bochs", "bochs" },
	{ "The Bochs Project", "bochs" },
	{ "Parallels", "parallels" },
	{ "BHYVE", "bhyve" },
	{ "Hyper-V", "microsoft" },
	{ "Apple Virtualization", "apple" },
	{ "Google Compute Engine", "google" },
};

/* lscpu's "Hypervisor vendor:" values (util-linux lscpu-virt.c). */
static const struct prefix_name lscpu_vendors[] = {
	{ "VMware", "vmware" },
	{ "KVM", "kvm" },
	{ "Microsoft", "microsoft" },
	{ "Xen", "xen" },
	{ "Oracle", "oracle" },
	{ "innotek", "oracle" },
	{ "Parallels", "parallels" },
	{ "bhyve", "bhyve" },
	{ "ACRN", "acrn" },
	{ "QEMU", "qemu" },
};

static const char *match_prefix(const struct prefix_name *t, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(s, t[i].prefix, strlen(t[i].prefix)) == 0)
			return t[i].name;
	return NULL;
}

static void add(char (*list)[160], int *n, int max, const char *fmt, ...)
{
	va_list ap;

	if (*n >= max)
		return;
	va_start(ap, fmt);
	vsnprintf(list[*n], 160, fmt, ap);
	va_end(ap);
	(*n)++;
}

#define EVIDENCE(...) add(out->evidence, &out->nevidence, REPORT_MAX_ITEMS, __VA_ARGS__)
#define CONFLICT(...) add(out->conflicts, &out->nconflicts, 4, __VA_ARGS__)

/* DMI fields in systemd's order: product_name first ("to detect KVM over QEMU"). */
static const char *dmi_name(const struct facts *f, const char **field, const char **value)
{
	static const enum str_fact order[] = {
		S_DMI_PRODUCT_NAME, S_DMI_SYS_VENDOR, S_DMI_BOARD_VENDOR, S_DMI_BIOS_VENDOR,
		S_DMI_PRODUCT_VERSION,
	};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const char *s = str_get(f, order[i]);
		const char *n = s[0] ? match_prefix(dmi_vendors, sizeof(dmi_vendors) / sizeof(dmi_vendors[0]), s) : NULL;
		if (n) {
			*field = str_fact_name(order[i]);
			*value = s;
			return n;
		}
	}
	/* Hyper-V gen 1/2: "Microsoft Corporation" / "Virtual Machine". */
	if (strcmp(str_get(f, S_DMI_SYS_VENDOR), "Microsoft Corporation") == 0 &&
	    strcmp(str_get(f, S_DMI_PRODUCT_NAME), "Virtual Machine") == 0) {
		*field = "dmi.sys_vendor+product_name";
		*value = "Microsoft Corporation Virtual Machine";
		return "microsoft";
	}
	return NULL;
}

static int dmi_says_vmware(const struct facts *f)
{
	const char *serial = str_get(f, S_DMI_PRODUCT_SERIAL);
	const char *fn, *fv;
	const char *n = dmi_name(f, &fn, &fv);

	return (n && strcmp(n, "vmware") == 0) || strncmp(serial, "VMware-", 7) == 0 ||
	       strncmp(serial, "VMW", 3) == 0;
}

static const char *vmware_product(uint64_t type)
{
	/* open-vm-tools vm_vmx_type.h */
	switch (type) {
	case 1: return "Express";
	case 2: return "ESX";
	case 3: return "Server";
	case 4: return "Workstation";
	case 5: return "ACE";
	default: return NULL;
	}
}

static const char *pci_name(const struct facts *f)
{
	if (fact_yes(f, N_PCI_VMWARE))
		return "vmware";
	if (fact_yes(f, N_PCI_HYPERV))
		return "microsoft";
	if (fact_yes(f, N_PCI_VBOX))
		return "oracle";
	if (fact_yes(f, N_PCI_XEN))
		return "xen";
	return NULL;
}

/* The Bochs emulator's own BIOS, not an old QEMU/KVM with Bochs strings. */
static int bochs_emulator(const struct facts *f, const char *name)
{
	return strcmp(name, "bochs") == 0 &&
	       strncmp(str_get(f, S_DMI_BIOS_VENDOR), "The Bochs Project", 17) == 0;
}

void hv_identify(const struct facts *f, struct hv_id *out)
{
	const char *sig = str_get(f, S_HV_SIG);
	const char *sig_name = sig[0] ? hv_name_for_signature(sig) : NULL;
	const char *sig2_name = str_get(f, S_HV_SIG2)[0] ? hv_name_for_signature(str_get(f, S_HV_SIG2)) : NULL;
	const char *dmi_field = NULL, *dmi_value = NULL;
	const char *dmi = dmi_name(f, &dmi_field, &dmi_value);
	const char *lscpu = str_known(f, S_LSCPU_HV_VENDOR)
				    ? match_prefix(lscpu_vendors, sizeof(lscpu_vendors) / sizeof(lscpu_vendors[0]),
						   str_get(f, S_LSCPU_HV_VENDOR))
				    : NULL;
	const char *pci = pci_name(f);
	int bd = fact_yes(f, N_BD_PRESENT);
	const char *name = NULL;

	memset(out, 0, sizeof(*out));

	if (sig_name)
		EVIDENCE("CPUID 0x40000000 signature \"%s\" (%s)", sig, sig_name);
	else if (sig[0] && fact_yes(f, N_HV_BIT))
		EVIDENCE("CPUID 0x40000000 signature \"%s\" is not one nhv-check knows", sig);
	if (sig2_name)
		EVIDENCE("CPUID 0x40000100 signature \"%s\" (%s)", str_get(f, S_HV_SIG2), sig2_name);
	if (lscpu)
		EVIDENCE("lscpu: Hypervisor vendor: %s", str_get(f, S_LSCPU_HV_VENDOR));
	if (dmi)
		EVIDENCE("%s \"%s\" (%s)", dmi_field, dmi_value, dmi);
	if (strncmp(str_get(f, S_DMI_PRODUCT_SERIAL), "VMware-", 7) == 0)
		EVIDENCE("dmi.product_serial starts with \"VMware-\"");
	if (bd)
		EVIDENCE("VMware backdoor answered GETVERSION (version %llu, type %llu)",
			 (unsigned long long)f->n[N_BD_VERSION].v, (unsigned long long)f->n[N_BD_TYPE].v);
	if (pci)
		EVIDENCE("PCI devices of %s (%s)", str_get(f, S_PCI_VMWARE_DEVICES)[0] ? str_get(f, S_PCI_VMWARE_DEVICES) : "vendor id", pci);
	if (fact_yes(f, N_HV_BIT))
		EVIDENCE("hypervisor-present bit set (%s)", fact_source_name((enum fact_source)f->n[N_HV_BIT].src));

	if (dmi_says_vmware(f) && bd) {
		name = "vmware";
		if (sig_name && strcmp(sig_name, "vmware") != 0)
			CONFLICT("CPUID signature says %s, but VMware DMI strings and the VMware backdoor say vmware", sig_name);
	} else if (sig_name) {
		name = sig_name;
		if (strcmp(sig_name, "microsoft") == 0 && sig2_name &&
		    (strcmp(sig2_name, "kvm") == 0 || strcmp(sig2_name, "xen") == 0))
			name = sig2_name;
	} else if (lscpu) {
		name = lscpu;
	} else if (dmi) {
		name = dmi;
	} else if (pci) {
		name = pci;
	} else if (bd) {
		name = "vmware";
	} else if (fact_yes(f, N_HV_BIT)) {
		name = "unknown";
	} else {
		name = "none";
	}

	if (strcmp(name, "none") != 0) {
		if (dmi && strcmp(dmi, name) != 0 && !(strcmp(dmi, "bochs") == 0 && strcmp(name, "kvm") == 0) &&
		    !(strcmp(dmi, "qemu") == 0 && strcmp(name, "kvm") == 0))
			CONFLICT("DMI says %s, the outer hypervisor is taken to be %s", dmi, name);
		/* A full emulator (Bochs) models a real CPU: no bit to hide. */
		if (fact_no(f, N_CPUID_HV_BIT) && f->n[N_CPUID_HV_BIT].src == SRC_CPUID &&
		    strcmp(name, "unknown") != 0 && !bochs_emulator(f, name))
			out->hv_bit_hidden = 1;
	}

	out->name = name;
	if (strcmp(name, "vmware") == 0 && fact_known(f, N_BD_TYPE))
		out->product = vmware_product(f->n[N_BD_TYPE].v);
	else if (strcmp(name, "microsoft") == 0)
		out->product = "Hyper-V";
	else if (strcmp(name, "oracle") == 0)
		out->product = "VirtualBox";
	else if (strcmp(name, "qemu") == 0)
		out->product = "QEMU (TCG, no KVM)";
	else if (bochs_emulator(f, name))
		out->product = "Bochs emulator";
}
