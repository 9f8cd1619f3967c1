/*
 * hypervisor.c - name the outer hypervisor from the facts, in
 * systemd-detect-virt's words and with its precedence (systemd
 * src/basic/virt.c detect_vm), which docs/nhv-check.md lays out:
 *
 *  0. nhv's own rule first: VMware DMI strings together with a backdoor
 *     that answered GETVERSION are VMware whatever CPUID says (VMware KB
 *     1009458's fallback; QEMU with vmport and VMware SMBIOS lands here).
 *  1. DMI for the products that cloak behind another signature: Oracle
 *     VirtualBox, Xen, Amazon, Parallels, Google.  Amazon is "none" on a
 *     bare-metal instance: SMBIOS VM bit clear, or (bit unknown) a
 *     product name with ".metal" (systemd detect_vm_dmi).
 *  2. User-Mode Linux from /proc/cpuinfo's vendor_id.
 *  3. Xen from /proc/xen, unless dom0 (XENFEAT_dom0 or "control_d").
 *  4. The CPUID 0x40000000 signature; "Microsoft Hv" waits for the rest
 *     (QEMU/KVM and Xen show it with Hyper-V enlightenments) unless
 *     0x40000100 names KVM or Xen (nhv).  In a paste without a
 *     signature, a pasted systemd-detect-virt answer, then lscpu's
 *     "Hypervisor vendor", stand for it.
 *  5. DMI for everything else; "Bochs" with a CPU model that names QEMU
 *     or KVM is QEMU's old default SMBIOS, not the Bochs emulator.
 *     The SMBIOS VM bit alone gives vm-other.
 *  6. /sys/hypervisor/type ("xen" or vm-other).
 *  7. nhv's extras: PCI vendors, the backdoor alone, "QEMU" in the CPU
 *     model (virt-what's last test).
 *  8. "Microsoft Hv" seen: microsoft; a hypervisor bit or an unknown
 *     signature: "vm-other" (systemd's name).  Else none.
 */
#include "tools/nhv-check/report.h"
#include "tools/nhv-check/hv-tables.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *hv_name_for_signature(const char *sig)
{
	const struct hv_sig *s = hv_sig_lookup(sig);

	return s ? s->name : NULL;
}

/* lscpu's "Hypervisor vendor:" values (util-linux lscpu-virt.c hv_vendors). */
static const struct {
	const char *prefix, *name;
} lscpu_vendors[] = {
	{ "VMware", "vmware" }, { "KVM", "kvm" },         { "Microsoft", "microsoft" },
	{ "Xen", "xen" },       { "Oracle", "oracle" },   { "innotek", "oracle" },
	{ "Innotek", "oracle" }, { "Parallels", "parallels" }, { "bhyve", "bhyve" },
	{ "ACRN", "acrn" },     { "QEMU", "qemu" },
};

static const char *lscpu_name(const char *v)
{
	for (size_t i = 0; i < sizeof(lscpu_vendors) / sizeof(lscpu_vendors[0]); i++)
		if (strncmp(v, lscpu_vendors[i].prefix, strlen(lscpu_vendors[i].prefix)) == 0)
			return lscpu_vendors[i].name;
	return NULL;
}

static void add(char (*list)[160], int *n, int max, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
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

struct dmi_hit {
	const char *name, *field, *value;
};

/* systemd's DMI vendor table over its files, product_name first ("to
 * detect KVM over QEMU"), then Hyper-V's gen 1/2 strings (virt-what). */
static int dmi_lookup(const struct facts *f, struct dmi_hit *h)
{
	static const enum str_fact order[] = {
		S_DMI_PRODUCT_NAME, S_DMI_SYS_VENDOR, S_DMI_BOARD_VENDOR, S_DMI_BIOS_VENDOR,
		S_DMI_PRODUCT_VERSION,
	};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const char *s = str_get(f, order[i]);
		const char *n = s[0] ? hv_dmi_lookup(s) : NULL;
		if (n) {
			h->name = n;
			h->field = str_fact_name(order[i]);
			h->value = s;
			return 1;
		}
	}
	if (strcmp(str_get(f, S_DMI_SYS_VENDOR), "Microsoft Corporation") == 0 &&
	    strcmp(str_get(f, S_DMI_PRODUCT_NAME), "Virtual Machine") == 0) {
		h->name = "microsoft";
		h->field = "dmi.sys_vendor+product_name";
		h->value = "Microsoft Corporation Virtual Machine";
		return 1;
	}
	return 0;
}

static int dmi_says_vmware(const struct facts *f, const struct dmi_hit *h)
{
	const char *serial = str_get(f, S_DMI_PRODUCT_SERIAL);

	return (h->name && strcmp(h->name, "vmware") == 0) || strncmp(serial, "VMware-", 7) == 0 ||
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

static int bochs_bios(const struct facts *f)
{
	return strncmp(str_get(f, S_DMI_BIOS_VENDOR), "The Bochs Project", 17) == 0;
}

/* ".metal" at the end of the product name or before a '-' (systemd detect_vm_dmi). */
static int metal_product(const char *p)
{
	const char *m = strstr(p, ".metal");

	return m && (m[6] == '\0' || m[6] == '-');
}

/* Xen dom0: XENFEAT_dom0 (bit 11) in /sys/hypervisor/properties/features,
 * or "control_d" in /proc/xen/capabilities (systemd detect_vm_xen_dom0). */
static int xen_dom0(const struct facts *f)
{
	if (fact_known(f, N_XEN_FEATURES))
		return (f->n[N_XEN_FEATURES].v >> 11) & 1;
	return strstr(str_get(f, S_XEN_CAPABILITIES), "control_d") != NULL;
}

static int xen_files(const struct facts *f)
{
	return fact_yes(f, N_PROC_XEN) || strcmp(str_get(f, S_SYS_HYPERVISOR_TYPE), "xen") == 0;
}

struct seen {
	const struct hv_sig *sig, *sig2;
	const char *lscpu;
	struct dmi_hit dmi;
	const char *pci;
	int bd;
};

static void gather(const struct facts *f, struct seen *s, struct hv_id *out)
{
	const char *sig = str_get(f, S_HV_SIG);

	memset(s, 0, sizeof(*s));
	s->sig = sig[0] ? hv_sig_lookup(sig) : NULL;
	s->sig2 = str_get(f, S_HV_SIG2)[0] ? hv_sig_lookup(str_get(f, S_HV_SIG2)) : NULL;
	s->lscpu = str_known(f, S_LSCPU_HV_VENDOR) ? lscpu_name(str_get(f, S_LSCPU_HV_VENDOR)) : NULL;
	dmi_lookup(f, &s->dmi);
	s->pci = pci_name(f);
	s->bd = fact_yes(f, N_BD_PRESENT);

	if (s->sig)
		EVIDENCE("CPUID 0x40000000 signature \"%s\" (%s)", sig, s->sig->name);
	else if (sig[0] && fact_yes(f, N_HV_BIT))
		EVIDENCE("CPUID 0x40000000 signature \"%s\" is not one nhv-check knows", sig);
	if (s->sig2)
		EVIDENCE("CPUID 0x40000100 signature \"%s\" (%s)", str_get(f, S_HV_SIG2), s->sig2->name);
	if (s->lscpu)
		EVIDENCE("lscpu: Hypervisor vendor: %s", str_get(f, S_LSCPU_HV_VENDOR));
	if (s->dmi.name)
		EVIDENCE("%s \"%s\" (%s)", s->dmi.field, s->dmi.value, s->dmi.name);
	if (strncmp(str_get(f, S_DMI_PRODUCT_SERIAL), "VMware-", 7) == 0)
		EVIDENCE("dmi.product_serial starts with \"VMware-\"");
	if (fact_known(f, N_SMBIOS_VM_BIT))
		EVIDENCE("SMBIOS BIOS characteristics: %s", fact_yes(f, N_SMBIOS_VM_BIT) ? "system is a virtual machine"
											: "no virtual-machine bit");
	if (str_known(f, S_SYS_HYPERVISOR_TYPE))
		EVIDENCE("/sys/hypervisor/type \"%s\"", str_get(f, S_SYS_HYPERVISOR_TYPE));
	if (fact_yes(f, N_PROC_XEN))
		EVIDENCE("/proc/xen exists%s", xen_dom0(f) ? " (dom0)" : "");
	if (strcmp(str_get(f, S_CPU_VENDOR), "User Mode Linux") == 0)
		EVIDENCE("cpu vendor \"User Mode Linux\"");
	if (s->bd)
		EVIDENCE("VMware backdoor answered GETVERSION (version %llu, type %llu)",
			 (unsigned long long)f->n[N_BD_VERSION].v, (unsigned long long)f->n[N_BD_TYPE].v);
	if (s->pci)
		EVIDENCE("PCI devices of %s (%s)", str_get(f, S_PCI_VMWARE_DEVICES)[0] ? str_get(f, S_PCI_VMWARE_DEVICES) : "vendor id", s->pci);
	if (fact_yes(f, N_HV_BIT))
		EVIDENCE("hypervisor-present bit set (%s)", fact_source_name((enum fact_source)f->n[N_HV_BIT].src));
	if (str_known(f, S_PASTE_SDV))
		EVIDENCE("pasted systemd-detect-virt answer \"%s\"", str_get(f, S_PASTE_SDV));
	if (str_known(f, S_PASTE_VIRTWHAT))
		EVIDENCE("pasted virt-what facts \"%s\"", str_get(f, S_PASTE_VIRTWHAT));
}

/* A systemd-detect-virt answer that names a VM (not none, a container,
 * or microsoft, which systemd itself gives only as a fallback). */
static int vm_name(const char *n)
{
	static const char *const not_vm[] = {
		"none", "microsoft", "vm-other", "systemd-nspawn", "lxc-libvirt", "lxc", "openvz", "docker",
		"podman", "rkt", "wsl", "proot", "pouch", "container-other",
	};
	for (size_t i = 0; i < sizeof(not_vm) / sizeof(not_vm[0]); i++)
		if (strcmp(n, not_vm[i]) == 0)
			return 0;
	return 1;
}

#define DONE(n, r)              \
	do {                    \
		name = (n);     \
		out->rule = (r); \
		goto done;      \
	} while (0)

static const char *choose(const struct facts *f, const struct seen *s, struct hv_id *out)
{
	const char *name = NULL;
	const char *model = str_get(f, S_CPU_MODEL);
	int hyperv = 0, other = 0;

	if (dmi_says_vmware(f, &s->dmi) && s->bd)
		DONE("vmware", "VMware DMI strings and an answering backdoor outrank CPUID (nhv, VMware KB 1009458)");
	if (s->dmi.name && hv_is_cloaking(s->dmi.name)) {
		if (strcmp(s->dmi.name, "amazon") == 0) {
			int metal = fact_no(f, N_SMBIOS_VM_BIT) ||
				    (!fact_known(f, N_SMBIOS_VM_BIT) && metal_product(str_get(f, S_DMI_PRODUCT_NAME)));
			if (metal) {
				out->platform = "amazon";
				out->product = "bare-metal Amazon EC2 instance";
				DONE("none", "Amazon DMI without the SMBIOS VM bit, or a .metal product: bare metal (systemd detect_vm_dmi)");
			}
		}
		DONE(s->dmi.name, "DMI first for products that cloak behind another CPUID signature (systemd detect_vm)");
	}
	if (strcmp(str_get(f, S_CPU_VENDOR), "User Mode Linux") == 0)
		DONE("uml", "User-Mode Linux from /proc/cpuinfo vendor_id (systemd detect_vm_uml)");
	if (fact_yes(f, N_PROC_XEN) && !xen_dom0(f))
		DONE("xen", "/proc/xen in a Xen domU, before CPUID (systemd detect_vm_xen)");
	if (s->sig) {
		if (strcmp(s->sig->name, "microsoft") != 0)
			DONE(s->sig->name, "CPUID 0x40000000 signature (systemd detect_vm_cpuid)");
		if (s->sig2 && (strcmp(s->sig2->name, "kvm") == 0 || strcmp(s->sig2->name, "xen") == 0))
			DONE(s->sig2->name, "KVM or Xen at CPUID 0x40000100 behind \"Microsoft Hv\" (nhv)");
		hyperv = 1;
	} else if (str_get(f, S_HV_SIG)[0] && fact_yes(f, N_HV_BIT)) {
		other = 1;
	}
	if (!s->sig && !s->lscpu && str_known(f, S_PASTE_SDV) && vm_name(str_get(f, S_PASTE_SDV)))
		DONE(str_get(f, S_PASTE_SDV),
		     "the pasted systemd-detect-virt answer stands for the CPUID signature the paste lacks");
	if (s->lscpu) {
		if (strcmp(s->lscpu, "microsoft") != 0)
			DONE(s->lscpu, "lscpu's Hypervisor vendor, which lscpu reads from the CPUID signature");
		hyperv = 1;
	}
	if (fact_yes(f, N_PROC_XEN))
		DONE("none", "Xen dom0 with no other hypervisor in CPUID (systemd detect_vm)");
	if (s->dmi.name) {
		if (strcmp(s->dmi.name, "bochs") == 0 && (strstr(model, "QEMU") || strstr(model, "KVM"))) {
			out->product = "QEMU with its old default SMBIOS (\"Bochs\")";
			DONE(strstr(model, "KVM") ? "kvm" : "qemu",
			     "\"Bochs\" DMI with a CPU model naming QEMU/KVM is QEMU's default SMBIOS (nhv, virt-what)");
		}
		DONE(s->dmi.name, "DMI vendor table (systemd detect_vm_dmi_vendor)");
	}
	if (fact_yes(f, N_SMBIOS_VM_BIT))
		other = 1;
	if (str_known(f, S_SYS_HYPERVISOR_TYPE) && str_get(f, S_SYS_HYPERVISOR_TYPE)[0]) {
		if (strcmp(str_get(f, S_SYS_HYPERVISOR_TYPE), "xen") == 0)
			DONE("xen", "/sys/hypervisor/type (systemd detect_vm_hypervisor)");
		other = 1;
	}
	if (s->pci)
		DONE(s->pci, "PCI vendor ids of the virtual devices (nhv)");
	if (s->bd)
		DONE("vmware", "the VMware backdoor answered (nhv)");
	if (strstr(model, "QEMU"))
		DONE("qemu", "\"QEMU\" in the CPU model name (virt-what)");
	if (hyperv)
		DONE("microsoft", "\"Microsoft Hv\" and nothing more specific (systemd detect_vm)");
	if (other || fact_yes(f, N_HV_BIT))
		DONE("vm-other", "a hypervisor is present but no signature or string names it (systemd detect_vm: VIRTUALIZATION_VM_OTHER)");
	DONE("none", "no hypervisor bit, signature or string");
done:
	return name;
}

/* Conflicts: the evidence that lost, and the rule that beat it. */
static void conflicts(const struct facts *f, const struct seen *s, struct hv_id *out)
{
	const char *name = out->name;

	if (s->sig && strcmp(s->sig->name, name) != 0 && strcmp(s->sig->name, "microsoft") != 0)
		CONFLICT("CPUID signature says %s; %s wins: %s", s->sig->name, name, out->rule);
	if (s->dmi.name && strcmp(s->dmi.name, name) != 0 && !(strcmp(s->dmi.name, "bochs") == 0 && strcmp(name, "kvm") == 0) &&
	    !(strcmp(s->dmi.name, "qemu") == 0 && strcmp(name, "kvm") == 0) && !(out->platform && strcmp(s->dmi.name, out->platform) == 0))
		CONFLICT("DMI says %s; %s wins: %s", s->dmi.name, name, out->rule);
	if (out->platform && fact_yes(f, N_HV_BIT))
		CONFLICT("the hypervisor bit is set, yet DMI says bare-metal %s: %s", out->platform, out->rule);
	if (str_known(f, S_PASTE_SDV) && strcmp(str_get(f, S_PASTE_SDV), name) != 0)
		CONFLICT("the pasted systemd-detect-virt says %s; nhv-check says %s: %s", str_get(f, S_PASTE_SDV), name,
			 out->rule);
}

void hv_identify(const struct facts *f, struct hv_id *out)
{
	struct seen s;

	memset(out, 0, sizeof(*out));
	gather(f, &s, out);
	out->name = choose(f, &s, out);
	conflicts(f, &s, out);

	const char *name = out->name;
	/* A full emulator (Bochs) models a real CPU: no bit to hide. */
	if (strcmp(name, "none") != 0 && strcmp(name, "vm-other") != 0 && fact_no(f, N_CPUID_HV_BIT) &&
	    f->n[N_CPUID_HV_BIT].src == SRC_CPUID && !(strcmp(name, "bochs") == 0 && bochs_bios(f)))
		out->hv_bit_hidden = 1;

	/* Xen PV: Xen from /proc/xen or /sys/hypervisor without Xen's CPUID leaf. */
	if (strcmp(name, "xen") == 0 && xen_files(f) && !(s.sig && strcmp(s.sig->name, "xen") == 0)) {
		out->xen_pv = 1;
		out->xen_pv_assumed = !str_known(f, S_HV_SIG);
		out->product = "PV guest";
	}
	if (!out->product) {
		if (strcmp(name, "vmware") == 0 && fact_known(f, N_BD_TYPE))
			out->product = vmware_product(f->n[N_BD_TYPE].v);
		else if (strcmp(name, "microsoft") == 0)
			out->product = "Hyper-V";
		else if (strcmp(name, "oracle") == 0)
			out->product = "VirtualBox";
		else if (strcmp(name, "qemu") == 0)
			out->product = "QEMU (TCG, no KVM)";
		else if (strcmp(name, "bochs") == 0 && bochs_bios(f))
			out->product = "Bochs emulator";
		else if (s.sig && strcmp(s.sig->name, name) == 0 && s.sig->product && strcmp(name, "microsoft") != 0)
			out->product = s.sig->product;
	}
	hv_virt_what(f, out->virt_what, sizeof(out->virt_what));
}
