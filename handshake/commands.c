/*
 * commands.c - low-bandwidth backdoor commands (reference section 2; the
 * register use of each is cited there).
 */
#include "handshake/commands.h"
#include "handshake/bdoor_def.h"
#include "handshake/nhvbd_err.h"

int nhvbd_call(const struct nhvbd_transport *t, uint32_t cmd, uint32_t sub, uint32_t arg,
	       struct nhvbd_regs *out)
{
	struct nhvbd_regs r = {
		.eax = BDOOR_MAGIC, .ebx = arg, .ecx = BDOOR_ECX(cmd, sub),
		.edx = BDOOR_PORT, .esi = 0, .edi = 0, .ebp = 0,
	};
	int err;

	if (!t || !t->lb || !out)
		return NHVBD_EINVAL;
	err = t->lb(t->ctx, &r);
	if (err)
		return err;
	*out = r;
	return 0;
}

/* Commands whose success is EBX = magic (GETVERSION, GETHWVERSION). */
static int call_magic_ebx(const struct nhvbd_transport *t, uint32_t cmd, uint32_t sub,
			  struct nhvbd_regs *r)
{
	int err = nhvbd_call(t, cmd, sub, ~BDOOR_MAGIC, r);

	if (err)
		return err;
	if (r->ebx != BDOOR_MAGIC)
		return NHVBD_ENODEV;
	if (r->eax == BDOOR_NO_DEVICE)
		return cmd == BDOOR_CMD_GETVERSION ? NHVBD_ENODEV : NHVBD_EUNSUPPORTED;
	return 0;
}

int nhvbd_get_version(const struct nhvbd_transport *t, struct nhvbd_version *v)
{
	struct nhvbd_regs r;
	int err;

	/* ECX high = 0xFFFF: a VMX that does not report its type leaves it. */
	err = call_magic_ebx(t, BDOOR_CMD_GETVERSION, 0xFFFFu, &r);
	if (err)
		return err;
	v->version = r.eax;
	v->vmx_type = (r.ecx == BDOOR_ECX(BDOOR_CMD_GETVERSION, 0xFFFFu)) ? VMX_TYPE_UNSET : r.ecx;
	return 0;
}

int nhvbd_get_hw_version(const struct nhvbd_transport *t, uint32_t *hwver)
{
	struct nhvbd_regs r;
	int err = call_magic_ebx(t, BDOOR_CMD_GETHWVERSION, 0, &r);

	if (err)
		return err == NHVBD_ENODEV ? NHVBD_EUNSUPPORTED : err;
	*hwver = r.eax;
	return 0;
}

int nhvbd_get_uuid(const struct nhvbd_transport *t, uint8_t uuid[16])
{
	struct nhvbd_regs r;
	uint32_t w[4];
	int err = nhvbd_call(t, BDOOR_CMD_GETUUID, 0, ~BDOOR_MAGIC, &r), i;

	if (err)
		return err;
	/* An unknown command answers EAX = 0xFFFFFFFF with EBX left alone. */
	if (r.eax == BDOOR_NO_DEVICE && r.ebx == ~BDOOR_MAGIC)
		return NHVBD_EUNSUPPORTED;
	w[0] = r.eax;
	w[1] = r.ebx;
	w[2] = r.ecx;
	w[3] = r.edx;
	for (i = 0; i < 16; i++)
		uuid[i] = (uint8_t)(w[i / 4] >> (8 * (i % 4)));
	return 0;
}

int nhvbd_get_memsize(const struct nhvbd_transport *t, uint32_t *value)
{
	struct nhvbd_regs r;
	int err = nhvbd_call(t, BDOOR_CMD_GETMEMSIZE, 0, ~BDOOR_MAGIC, &r);

	if (err)
		return err;
	if (r.eax == BDOOR_NO_DEVICE)
		return NHVBD_EUNSUPPORTED;
	*value = r.eax;
	return 0;
}

int nhvbd_get_hz(const struct nhvbd_transport *t, struct nhvbd_hz *hz)
{
	struct nhvbd_regs r;
	int err = nhvbd_call(t, BDOOR_CMD_GETHZ, 0, ~BDOOR_MAGIC, &r);

	if (err)
		return err;
	/* EBX = 0xFFFFFFFF: unsupported (Linux vmware_platform_setup). */
	if (r.ebx == 0xFFFFFFFFu || r.ebx == ~BDOOR_MAGIC || (r.eax == 0 && r.ebx == 0))
		return NHVBD_EUNSUPPORTED;
	hz->tsc_hz = ((uint64_t)r.ebx << 32) | r.eax;
	hz->apic_hz = r.ecx;
	return 0;
}

int nhvbd_get_time_full(const struct nhvbd_transport *t, struct nhvbd_time *tm)
{
	struct nhvbd_regs r;
	int err = nhvbd_call(t, BDOOR_CMD_GETTIMEFULL, 0, ~BDOOR_MAGIC, &r);

	if (err)
		return err;
	/* On success EAX is not modified (reference, GETTIMEFULL). */
	if (r.eax != BDOOR_MAGIC)
		return NHVBD_EUNSUPPORTED;
	tm->seconds = ((uint64_t)r.esi << 32) | r.edx;
	tm->usec = r.ebx;
	tm->max_lag_usec = r.ecx;
	if (tm->usec >= 1000000u)
		return NHVBD_EPROTO;
	return 0;
}

int nhvbd_get_vcpu_info(const struct nhvbd_transport *t, uint32_t *bits)
{
	struct nhvbd_regs r;
	int err = nhvbd_call(t, BDOOR_CMD_GET_VCPU_INFO, 0, ~BDOOR_MAGIC, &r);

	if (err)
		return err;
	if (r.eax & (1u << BDOOR_CMD_VCPU_RESERVED))
		return NHVBD_EUNSUPPORTED;
	*bits = r.eax;
	return 0;
}

int nhvbd_get_build_num(const struct nhvbd_transport *t, uint32_t *build)
{
	struct nhvbd_regs r;
	int err = nhvbd_call(t, BDOOR_CMD_GETBUILDNUM, 0, ~BDOOR_MAGIC, &r);

	if (err)
		return err;
	if (r.eax == BDOOR_NO_DEVICE)
		return NHVBD_EUNSUPPORTED;
	*build = r.eax;
	return 0;
}

int nhvbd_nesting_control(const struct nhvbd_transport *t, uint32_t op, uint32_t *eax)
{
	struct nhvbd_regs r;
	int err;

	if (op > NESTING_CONTROL_QUERY)
		return NHVBD_EINVAL;
	err = nhvbd_call(t, BDOOR_CMD_NESTING_CONTROL, op, ~BDOOR_MAGIC, &r);
	if (err)
		return err;
	*eax = r.eax;
	return r.eax == BDOOR_NO_DEVICE ? NHVBD_EUNSUPPORTED : 0;
}

int nhvbd_nesting_supported(uint32_t query_eax)
{
	/* Hostinfo_NestingSupported: EAX >= 2 and not 0xFFFFFFFF. */
	return query_eax >= NESTING_CONTROL_QUERY && query_eax != BDOOR_NO_DEVICE;
}

static const char hexdig[] = "0123456789abcdef";

void nhvbd_uuid_format(const uint8_t uuid[16], char out[37])
{
	int i, o = 0;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hexdig[uuid[i] >> 4];
		out[o++] = hexdig[uuid[i] & 15];
	}
	out[o] = '\0';
}

void nhvbd_uuid_format_vmx(const uint8_t uuid[16], char out[48])
{
	int i, o = 0;

	for (i = 0; i < 16; i++) {
		if (i)
			out[o++] = (i == 8) ? '-' : ' ';
		out[o++] = hexdig[uuid[i] >> 4];
		out[o++] = hexdig[uuid[i] & 15];
	}
	out[o] = '\0';
}

const char *nhvbd_vmx_type_name(uint32_t type)
{
	switch (type) {
	case VMX_TYPE_UNSET:
		return "unset";
	case VMX_TYPE_EXPRESS:
		return "Express";
	case VMX_TYPE_SCALABLE_SERVER:
		return "ESX Server";
	case VMX_TYPE_WGS:
		return "Server";
	case VMX_TYPE_WORKSTATION:
		return "Workstation";
	case VMX_TYPE_WORKSTATION_ENTERPRISE:
		return "ACE";
	}
	return "unknown";
}
