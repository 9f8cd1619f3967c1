/*
 * transport_x86.h - the real backdoor: IN on 0x5658, REP OUTSB/INSB on
 * 0x5659, for the appliance's programs (never the tests or fuzzers).
 *
 * This is the only libnhvbd file with operating-system calls (Linux):
 * ioperm/iopl for the ports, and a SIGSEGV/SIGBUS/SIGILL guard around every
 * instruction.  On a host without a backdoor the IN raises #GP, Linux sends
 * SIGSEGV, and the call returns NHVBD_EFAULT instead of killing the program.
 */
#ifndef NHV_TRANSPORT_X86_H
#define NHV_TRANSPORT_X86_H

#include "handshake/commands.h"
#include "handshake/transport.h"

/* Asks for ports 0x5658-0x565B (ioperm, else iopl(3); root only).  Returns 0 or a
 * negative errno.  VMware answers CPL3 without it; QEMU and KVM do not. */
int nhvbd_x86_enable_ports(void);

/* Fills t with the guarded real instructions. */
void nhvbd_x86_transport_init(struct nhvbd_transport *t);

/* Safe detection (VmCheck_IsVirtualWorld's backdoor step): enables the
 * ports if it can, then GETVERSION under the guard.  0 and *v filled when a
 * backdoor answers; NHVBD_EFAULT (the IN faulted) or NHVBD_ENODEV (nothing
 * answered) otherwise.  *ports_errno: the errno of the port request, or 0. */
int nhvbd_x86_probe(struct nhvbd_transport *t, struct nhvbd_version *v, int *ports_errno);

#endif
