/*
 * commands.h - the low-bandwidth backdoor commands nhv issues as a guest
 * (reference section 2).  Every call loads EBX with ~BDOOR_MAGIC first, so a
 * port that answers nothing (EAX = 0xFFFFFFFF, EBX untouched) is told apart
 * from a VMware host.  Returns 0 or NHVBD_E*.
 */
#ifndef NHV_COMMANDS_H
#define NHV_COMMANDS_H

#include <stdint.h>

#include "handshake/transport.h"

struct nhvbd_version {
	uint32_t version;	/* 6 on every VMware product (VERSION_MAGIC) */
	uint32_t vmx_type;	/* VMX_TYPE_*; 0 when the host does not say */
};

struct nhvbd_hz {
	uint64_t tsc_hz;
	uint32_t apic_hz;
};

struct nhvbd_time {
	uint64_t seconds;
	uint32_t usec;
	uint32_t max_lag_usec;
};

/* One raw call: EAX = magic, ECX = (sub << 16) | cmd, DX = 0x5658, EBX = arg. */
int nhvbd_call(const struct nhvbd_transport *t, uint32_t cmd, uint32_t sub, uint32_t arg,
	       struct nhvbd_regs *out);

int nhvbd_get_version(const struct nhvbd_transport *t, struct nhvbd_version *v);
int nhvbd_get_hw_version(const struct nhvbd_transport *t, uint32_t *hwver);
int nhvbd_get_uuid(const struct nhvbd_transport *t, uint8_t uuid[16]);
int nhvbd_get_memsize(const struct nhvbd_transport *t, uint32_t *value);
int nhvbd_get_hz(const struct nhvbd_transport *t, struct nhvbd_hz *hz);
int nhvbd_get_time_full(const struct nhvbd_transport *t, struct nhvbd_time *tm);
int nhvbd_get_vcpu_info(const struct nhvbd_transport *t, uint32_t *bits);
int nhvbd_get_build_num(const struct nhvbd_transport *t, uint32_t *build);
/* NESTING_CONTROL op (QUERY, RESTRICT_BACKDOOR, OPEN_BACKDOOR); *eax = the
 * host's answer.  NHVBD_EUNSUPPORTED when it answers 0xFFFFFFFF. */
int nhvbd_nesting_control(const struct nhvbd_transport *t, uint32_t op, uint32_t *eax);
/* QUERY answered with EAX >= 2: the host supports dynamic backdoor toggling. */
int nhvbd_nesting_supported(uint32_t query_eax);

/* "564d1234-..." from the 16 bytes in port order (QEMU -uuid order). */
void nhvbd_uuid_format(const uint8_t uuid[16], char out[37]);
/* "56 4d 12 34 56 78 9a bc-de f0 ..." as VMware writes uuid.bios. */
void nhvbd_uuid_format_vmx(const uint8_t uuid[16], char out[48]);
const char *nhvbd_vmx_type_name(uint32_t type);

#endif
