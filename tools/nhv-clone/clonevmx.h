/*
 * clonevmx.h - what a clone changes in a .vmx, and nothing else (pure):
 *   displayName; uuid.bios and uuid.location (new); ethernetN.generatedAddress
 *   and generatedAddressOffset removed, and either static addresses from a
 *   range or no address at all (VMware then generates one); vhv.enable =
 *   "TRUE"; guestinfo.nhv.* keys; vmci0.id and sched.swap.derivedName
 *   removed (per-VM values VMware makes again).  A suspended VM is refused.
 */
#ifndef NHV_CLONEVMX_H
#define NHV_CLONEVMX_H

#include "userland/lib/vmx.h"
#include "userland/lib/hexfmt.h"

#define CLONE_MAX_GI 32

struct clone_params {
	const char *display_name;
	struct nhv_uuid bios, location;
	int static_macs;                   /* 1: use macs[], one per NIC in nic order */
	struct nhv_mac macs[VMX_MAX_NICS];
	int ngi;
	const char *gi_key[CLONE_MAX_GI];  /* after "guestinfo.nhv." */
	const char *gi_val[CLONE_MAX_GI];
};

/* The ethernetN (N < VMX_MAX_NICS) with ethernetN.present true, ascending. */
int vmx_nics(const struct vmx *v, int nic[VMX_MAX_NICS]);
/* 0, or -1 with err naming the key and what was expected. */
int clone_vmx(struct vmx *v, const struct clone_params *p, char *err, size_t errsize);

/* Expands a name format with exactly one %d (%Nd, %0Nd) and %%: 0, or -1 when fmt is unsafe. */
int name_format(const char *fmt, long i, char *out, size_t size);
/* A name usable as a folder and .vmx name: no '/', not "." or "..", no control bytes. */
int name_ok(const char *name);

#endif
