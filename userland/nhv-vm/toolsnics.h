/*
 * toolsnics.h - the NICs the guest's tools reported (handshake's
 * nicinfo_xdr.h, kept by the VMM's backdoor) through the VMM's status line
 * and back: the VMM writes them as the backdoor member "tools_nics",
 *   [{"mac":"00:0c:29:aa:bb:cc","addrs":["10.77.0.201/24","fe80::1/64"],
 *     "dropped":0}, ...]
 * and `nhv vm list` / `nhv vm net` read them back into a struct nicinfo.
 * The reader is strict and bounded: it takes only this shape, at most
 * NICINFO_NICS_MAX NICs of NICINFO_ADDRS_MAX addresses, every address
 * parsed again (inet_pton), so a status line never yields more.
 */
#ifndef NHV_VM_TOOLSNICS_H
#define NHV_VM_TOOLSNICS_H

#include <stdio.h>
#include "handshake/nicinfo_xdr.h"

/* n as the JSON array above. */
void toolsnics_json(FILE *f, const struct nicinfo *n);
/*
 * The "tools_nics" array of a status line into out: 1 found and read,
 * 0 the line has none (no backdoor, an older VMM), -1 malformed (out is
 * then empty).
 */
int toolsnics_parse(const char *status, struct nicinfo *out);

/* One NIC's addresses for list --verbose and net: " A, B", " no address", "(+N not shown)". */
void toolsnics_print_addrs(FILE *f, const struct nicinfo_nic *n);
/*
 * The IPv4 address `nhv vm list` shows from the tools for a VM NIC with
 * MAC mac (canonical): the first one (not loopback, not link-local, not
 * skip when skip is not NULL: the NIC's lease) the tools reported for that
 * MAC, "" when none.  mac NULL: the first such address of a NIC whose MAC
 * is none of the VM's configured ones (vm_macs, nmacs of them), e.g. a
 * guest's dummy or bridge interface.
 */
void toolsnics_ip(const struct nicinfo *n, const char *mac, const char *skip,
		  const char (*vm_macs)[18], unsigned int nmacs, char *out, size_t len);

#endif
