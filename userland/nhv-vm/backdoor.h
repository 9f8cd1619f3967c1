/*
 * backdoor.h - VMware's backdoor for an L2 guest (issue 13): one call with
 * every general register in and out, answered by handshake's host side
 * (handshake/host.h: GETVERSION, GETHZ, GETUUID, GETMEMSIZE,
 * GET_VCPU_INFO, GETTIME/GETTIMEFULL, MESSAGE = GuestRPC with its bounds).
 * STEALCLOCK and every other command answer "no device" (EAX = ~0), which
 * Linux reads as "not available".  The high-bandwidth port is not offered.
 *
 * Pure (no struct vm): backdoor-vm.c wires it to the vCPU exits, tests and
 * the fuzzer call backdoor_call() directly.  Thread-safe: one lock per VM
 * around the host state, for the vCPUs and the control socket.
 */
#ifndef NHV_VM_BACKDOOR_H
#define NHV_VM_BACKDOOR_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include "handshake/host.h"
#include "kernel-vmm/include/uapi/nhv.h"

#define BACKDOOR_LOG_MAX	50	/* guest-error lines per VM, then one "suppressed" */

/* One access: what nhv.ko's NHV_EXIT_BACKDOOR (or the KVM glue) reports. */
struct backdoor_call {
	uint8_t kind;		/* NHV_BACKDOOR_IN, _OUT, _VMCALL, _VMMCALL */
	uint8_t size;		/* IN/OUT: 1, 2 or 4 */
	uint8_t cpl;
	uint16_t port;		/* IN/OUT: 0x5658 or 0x5659 */
};

struct backdoor_setup {
	uint8_t uuid[16];	/* uuid.bios */
	uint32_t memsize_mb;
	uint64_t tsc_khz;
	uint32_t apic_hz;
	int restrict_cpl3;	/* monitor_control.restrict_backdoor */
	uint8_t hypercall;	/* NHV_BACKDOOR_VMCALL or _VMMCALL as advertised; 0 none */
	uint32_t seed;		/* GuestRPC cookies */
	/* Where guest-error lines go (NULL: stderr); the line has no newline. */
	void (*log)(void *ctx, const char *line);
	void *log_ctx;
};

struct backdoor {
	pthread_mutex_t lock;
	uint8_t hypercall;
	void (*log)(void *ctx, const char *line);
	void *log_ctx;
	uint64_t calls, errors;	/* calls answered; guest errors among them */
	unsigned int logged;
	struct nhvbd_host host;	/* about 1.2 MiB */
};

/* A backdoor (allocated) with cfg's answers; NULL when out of memory. */
struct backdoor *backdoor_new(const struct backdoor_setup *s);
void backdoor_free(struct backdoor *b);

/*
 * One call: gpr (NHV_RAX..NHV_R15) in, the guest's registers after it out.
 * Returns 0, or the exception the instruction raises instead: 13 (#GP(0):
 * a CPL 3 caller under restrict_backdoor) or 6 (#UD: the hypercall this
 * vendor's CPUID does not advertise).
 */
int backdoor_call(struct backdoor *b, __u64 gpr[NHV_NR_GPRS], const struct backdoor_call *c);

/* The live guestinfo store (key without "guestinfo."); 0 or an NHVBD_E* code. */
int backdoor_guestinfo_set(struct backdoor *b, const char *key, const char *value);
/* Copies the value into out; 1 found, 0 not set, -1 too long for out. */
int backdoor_guestinfo_get(struct backdoor *b, const char *key, char *out, size_t len);
/* Queues a TCLO command for the guest's tools (OS_Halt, ...); 0 or NHVBD_E*. */
int backdoor_tclo(struct backdoor *b, const char *cmd);
/* The guest was reset: every GuestRPC channel and queued TCLO command is gone. */
void backdoor_reset(struct backdoor *b);
/* A copy of what the guest's tools reported. */
void backdoor_tools(struct backdoor *b, struct nhvbd_host_tools *out, uint64_t *calls,
		    uint64_t *errors);

#endif
