/*
 * probe-backdoor.c - the VMware backdoor, asked through handshake/
 * (libnhvbd): nhvbd_x86_probe() requests the ports and runs GETVERSION
 * under the transport's fault guard, then GETHWVERSION, GETBUILDNUM and
 * NESTING_CONTROL QUERY through the same transport (reference/
 * vmware-backdoor.md sections 1-2).
 *
 * Without the ports (not root, lockdown) a VMware host still answers at
 * CPL3 and QEMU's vmport faults; a fault is then "could not tell", not
 * "no backdoor".
 */
#include "tools/nhv-check/probe.h"

#include <errno.h>
#include <unistd.h>

#include "handshake/bdoor_def.h"
#include "handshake/commands.h"
#include "handshake/nhvbd_err.h"
#include "handshake/transport_x86.h"

static void not_available(struct facts *f, enum fact_reason why)
{
	fact_unavail(f, N_BD_PRESENT, why, SRC_BACKDOOR);
	fact_unavail(f, N_BD_VERSION, why, SRC_BACKDOOR);
	fact_unavail(f, N_BD_TYPE, why, SRC_BACKDOOR);
	fact_unavail(f, N_BD_HWVERSION, why, SRC_BACKDOOR);
	fact_unavail(f, N_BD_BUILDNUM, why, SRC_BACKDOOR);
	fact_unavail(f, N_BD_NESTING, why, SRC_BACKDOOR);
}

static enum fact_reason no_ports_reason(int ports_errno)
{
	if (geteuid() != 0)
		return FR_NOT_ROOT;
	return ports_errno == EPERM || ports_errno == ENOSYS ? FR_NO_IO_PRIVILEGE : FR_IO_ERROR;
}

void probe_backdoor(struct facts *f)
{
	struct nhvbd_transport t;
	struct nhvbd_version ver;
	int ports_errno = 0;
	uint32_t v;
	int err = nhvbd_x86_probe(&t, &ver, &ports_errno);

	if (err == NHVBD_EFAULT && ports_errno != 0) {
		not_available(f, no_ports_reason(ports_errno));
		return;
	}
	if (err != 0) {
		/* Faulted with the ports granted, or nothing answered. */
		not_available(f, FR_NOT_PRESENT);
		fact_set(f, N_BD_PRESENT, 0, SRC_BACKDOOR);
		return;
	}
	fact_set(f, N_BD_PRESENT, 1, SRC_BACKDOOR);
	fact_set(f, N_BD_VERSION, ver.version, SRC_BACKDOOR);
	if (ver.vmx_type == VMX_TYPE_UNSET)
		fact_unavail(f, N_BD_TYPE, FR_NOT_PRESENT, SRC_BACKDOOR);
	else
		fact_set(f, N_BD_TYPE, ver.vmx_type, SRC_BACKDOOR);

	if (nhvbd_get_hw_version(&t, &v) == 0)
		fact_set(f, N_BD_HWVERSION, v, SRC_BACKDOOR);
	else
		fact_unavail(f, N_BD_HWVERSION, FR_NOT_PRESENT, SRC_BACKDOOR);
	if (nhvbd_get_build_num(&t, &v) == 0)
		fact_set(f, N_BD_BUILDNUM, v, SRC_BACKDOOR);
	else
		fact_unavail(f, N_BD_BUILDNUM, FR_NOT_PRESENT, SRC_BACKDOOR);
	/* The raw QUERY answer is kept, 0xFFFFFFFF included (remedy.c reads it). */
	err = nhvbd_nesting_control(&t, NESTING_CONTROL_QUERY, &v);
	if (err == 0 || err == NHVBD_EUNSUPPORTED)
		fact_set(f, N_BD_NESTING, v, SRC_BACKDOOR);
	else
		fact_unavail(f, N_BD_NESTING, FR_IO_ERROR, SRC_BACKDOOR);
}
