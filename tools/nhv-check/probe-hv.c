/*
 * probe-hv.c - the files systemd-detect-virt and virt-what read besides
 * CPUID and /sys/class/dmi/id:
 *
 *   /sys/hypervisor/type             "xen" on Xen guests (systemd virt.c
 *                                    detect_vm_hypervisor; virt-what.in "pv_ops")
 *   /sys/hypervisor/properties/features  XENFEAT bits, bit 11 = dom0
 *                                    (systemd virt.c detect_vm_xen_dom0)
 *   /proc/xen, /proc/xen/capabilities    present in Xen domains; "control_d"
 *                                    in dom0 (systemd detect_vm_xen, virt-what.in)
 *   /sys/firmware/dmi/entries/0-0/raw    SMBIOS BIOS characteristics extension
 *                                    byte 2 bit 4 "system is a virtual machine"
 *                                    (systemd virt.c detect_vm_smbios; DMTF
 *                                    DSP0134 section 7.1.2.2), root only
 *
 * /proc/device-tree/hypervisor, which both tools also read, exists on
 * ARM/POWER only: x86 has none, so it is not probed here.
 */
#include "tools/nhv-check/probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

static void smbios_vm_bit(struct facts *f)
{
	unsigned char raw[64];
	ssize_t n;
	int fd = open("/sys/firmware/dmi/entries/0-0/raw", O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fact_unavail(f, N_SMBIOS_VM_BIT, probe_reason(-errno), SRC_SYSFS);
		return;
	}
	do
		n = read(fd, raw, sizeof(raw));
	while (n < 0 && errno == EINTR);
	int e = errno;
	close(fd);
	if (n < 0) {
		fact_unavail(f, N_SMBIOS_VM_BIT, probe_reason(-e), SRC_SYSFS);
		return;
	}
	/* Byte 1 is the structure length: 0x12 + extension bytes; byte 0x13
	 * is extension byte 2 (DSP0134 7.1, table 6). */
	if (n < 20 || raw[1] < 20) {
		fact_unavail(f, N_SMBIOS_VM_BIT, FR_NOT_PRESENT, SRC_SYSFS);
		return;
	}
	fact_set(f, N_SMBIOS_VM_BIT, (raw[19] >> 4) & 1, SRC_SYSFS);
}

void probe_hv(struct facts *f)
{
	char buf[256];
	struct stat st;
	int r;

	r = read_small_file("/sys/hypervisor/type", buf, sizeof(buf));
	if (r == 0)
		fact_set_str(f, S_SYS_HYPERVISOR_TYPE, buf, SRC_SYSFS);
	else
		fact_unavail_str(f, S_SYS_HYPERVISOR_TYPE, probe_reason(r), SRC_SYSFS);

	r = read_small_file("/sys/hypervisor/properties/features", buf, sizeof(buf));
	if (r == 0) {
		char *end;
		unsigned long long v = strtoull(buf, &end, 16);
		if (end != buf && *end == '\0')
			fact_set(f, N_XEN_FEATURES, v, SRC_SYSFS);
		else
			fact_unavail(f, N_XEN_FEATURES, FR_IO_ERROR, SRC_SYSFS);
	} else {
		fact_unavail(f, N_XEN_FEATURES, probe_reason(r), SRC_SYSFS);
	}

	fact_set(f, N_PROC_XEN, stat("/proc/xen", &st) == 0, SRC_PROCFS);
	r = read_small_file("/proc/xen/capabilities", buf, sizeof(buf));
	if (r == 0)
		fact_set_str(f, S_XEN_CAPABILITIES, buf, SRC_PROCFS);
	else
		fact_unavail_str(f, S_XEN_CAPABILITIES, probe_reason(r), SRC_PROCFS);

	smbios_vm_bit(f);
}
