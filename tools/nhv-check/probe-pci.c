/*
 * probe-pci.c - PCI inventory through libpci: VMware devices (15ad:*,
 * VMCI, SVGA, VMXNET3, PVSCSI), virtio (1af4), Hyper-V (1414),
 * VirtualBox (80ee), Xen (5853), and the NIC models.  Names come from
 * pci.ids when it is there, from a small table of virtual devices, or
 * are printed as numbers.
 */
#include "tools/nhv-check/probe.h"

#include <pci/pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static jmp_buf pci_fail;

/* libpci's error callback must not return. */
static void PCI_NONRET on_error(char *msg, ...)
{
	(void)msg;
	longjmp(pci_fail, 1);
}

static void on_warning(char *msg, ...)
{
	(void)msg;
}

struct known_dev {
	uint16_t vendor, device;
	const char *name;
};

/* Virtual devices people meet in nested labs (ids from the pci.ids database). */
static const struct known_dev known[] = {
	{ 0x15ad, 0x0405, "VMware SVGA II" },
	{ 0x15ad, 0x0710, "VMware SVGA" },
	{ 0x15ad, 0x0740, "VMware VMCI" },
	{ 0x15ad, 0x0720, "VMware VMXNET" },
	{ 0x15ad, 0x07b0, "VMware VMXNET3" },
	{ 0x15ad, 0x07c0, "VMware PVSCSI" },
	{ 0x15ad, 0x0790, "VMware PCI bridge" },
	{ 0x15ad, 0x07a0, "VMware PCI Express Root Port" },
	{ 0x15ad, 0x0774, "VMware USB1.1 UHCI" },
	{ 0x15ad, 0x0770, "VMware USB2 EHCI" },
	{ 0x15ad, 0x0779, "VMware USB3 xHCI" },
	{ 0x15ad, 0x07e0, "VMware SATA AHCI" },
	{ 0x15ad, 0x07f0, "VMware NVMe" },
	{ 0x8086, 0x100f, "Intel 82545EM (e1000)" },
	{ 0x8086, 0x10d3, "Intel 82574L (e1000e)" },
	{ 0x1022, 0x2000, "AMD PCnet32 (vlance)" },
	{ 0x1af4, 0x1000, "virtio-net (legacy)" },
	{ 0x1af4, 0x1041, "virtio-net" },
	{ 0x10ec, 0x8139, "Realtek RTL8139" },
	{ 0x80ee, 0xbeef, "VirtualBox Graphics Adapter" },
	{ 0x80ee, 0xcafe, "VirtualBox Guest Service" },
	{ 0x5853, 0x0001, "Xen Platform Device" },
	{ 0x1414, 0x5353, "Hyper-V virtual VGA" },
};

static void dev_name(struct pci_access *a, struct pci_dev *d, char *out, size_t sz)
{
	char buf[256];
	const char *n = pci_lookup_name(a, buf, sizeof(buf), PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS,
					d->vendor_id, d->device_id);

	for (size_t i = 0; !n && i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i].vendor == d->vendor_id && known[i].device == d->device_id)
			n = known[i].name;
	if (n)
		snprintf(out, sz, "%04x:%04x %s", d->vendor_id, d->device_id, n);
	else
		snprintf(out, sz, "%04x:%04x", d->vendor_id, d->device_id);
}

static void append(char *list, size_t sz, const char *item)
{
	size_t n = strlen(list);

	if (n + strlen(item) + 3 >= sz)
		return;
	if (n)
		strcat(list, "; ");
	strcat(list, item);
}

struct pci_counts {
	unsigned count, vmware, vmci, svga, virtio, hyperv, vbox, xen;
	char nics[FACT_STR_MAX], vmw[FACT_STR_MAX];
};

static void scan(struct pci_access *a, struct pci_counts *c)
{
	pci_init(a);
	pci_scan_bus(a);
	for (struct pci_dev *d = a->devices; d; d = d->next) {
		char name[300];
		pci_fill_info(d, PCI_FILL_IDENT | PCI_FILL_CLASS);
		c->count++;
		switch (d->vendor_id) {
		case 0x15ad:
			c->vmware++;
			c->vmci += d->device_id == 0x0740;
			c->svga += d->device_id == 0x0405 || d->device_id == 0x0710;
			dev_name(a, d, name, sizeof(name));
			append(c->vmw, sizeof(c->vmw), name);
			break;
		case 0x1af4: c->virtio++; break;
		case 0x1414: c->hyperv++; break;
		case 0x80ee: c->vbox++; break;
		case 0x5853: c->xen++; break;
		default: break;
		}
		if ((d->device_class >> 8) == 0x02) { /* network controller */
			dev_name(a, d, name, sizeof(name));
			append(c->nics, sizeof(c->nics), name);
		}
	}
}

void probe_pci(struct facts *f)
{
	static struct pci_counts c;
	static struct pci_access *a;

	memset(&c, 0, sizeof(c));
	a = NULL;
	if (access("/sys/bus/pci/devices", R_OK) != 0 && access("/proc/bus/pci", R_OK) != 0) {
		fact_unavail(f, N_PCI_DEVICES, FR_NOT_PRESENT, SRC_PCI);
		return;
	}
	if (setjmp(pci_fail)) {
		if (a)
			pci_cleanup(a);
		fact_unavail(f, N_PCI_DEVICES, FR_IO_ERROR, SRC_PCI);
		return;
	}
	a = pci_alloc();
	a->error = on_error;
	a->warning = on_warning;
	scan(a, &c);
	pci_cleanup(a);
	fact_set(f, N_PCI_DEVICES, c.count, SRC_PCI);
	fact_set(f, N_PCI_VMWARE, c.vmware, SRC_PCI);
	fact_set(f, N_PCI_VMWARE_VMCI, c.vmci, SRC_PCI);
	fact_set(f, N_PCI_VMWARE_SVGA, c.svga, SRC_PCI);
	fact_set(f, N_PCI_VIRTIO, c.virtio, SRC_PCI);
	fact_set(f, N_PCI_HYPERV, c.hyperv, SRC_PCI);
	fact_set(f, N_PCI_VBOX, c.vbox, SRC_PCI);
	fact_set(f, N_PCI_XEN, c.xen, SRC_PCI);
	fact_set_str(f, S_PCI_NICS, c.nics, SRC_PCI);
	fact_set_str(f, S_PCI_VMWARE_DEVICES, c.vmw, SRC_PCI);
}
