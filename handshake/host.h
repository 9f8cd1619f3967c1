/*
 * host.h - the VMware backdoor and GuestRPC, host side: what a device model
 * (nhv-vm, for L2 guests) calls when a guest touches port 0x5658 or 0x5659.
 *
 *   struct nhvbd_host *h = ...;            (about 1.2 MiB, no allocation)
 *   nhvbd_host_init(h, &cfg);
 *   on IN/OUT to 0x5658:   nhvbd_host_io(h, &regs, cpl)
 *   on REP OUTSB to 0x5659: nhvbd_host_hb_out(h, &regs, cpl, bytes, ecx)
 *   on REP INSB from 0x5659: nhvbd_host_hb_in(h, &regs, cpl, bytes, ecx)
 *   each returns NHVBD_HOST_DONE (registers updated) or NHVBD_HOST_GP
 *   (inject #GP(0), as with monitor_control.restrict_backdoor at CPL3).
 *
 * GuestRPC: at most NHVBD_HOST_CHANNELS channels, messages of at most
 * GUESTMSG_MAX_IN_SIZE bytes in either direction, cookies checked on every
 * step of a channel opened with cookies.  RPCI commands answered:
 * info-get/info-set guestinfo.*, tools.set.version[type], log, SetGuestInfo
 * (text, and the NIC reports of nicinfo_xdr.h),
 * tools.capability.*, vmx.capability.*, tools.os.statechange.status; the
 * rest get "0 Unknown command".  TCLO: commands queued by the device model
 * (nhvbd_host_tclo_queue) go to the guest's TCLO channel when it polls;
 * a channel that opens first receives "reset".
 */
#ifndef NHV_HOST_H
#define NHV_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "handshake/bdoor_def.h"
#include "handshake/kvstore.h"
#include "handshake/nicinfo_xdr.h"
#include "handshake/transport.h"

#define NHVBD_HOST_CHANNELS	8
#define NHVBD_HOST_TCLO_QUEUE	16
#define NHVBD_HOST_TCLO_CMD_MAX	512
#define NHVBD_HOST_TEXT_MAX	256

enum nhvbd_host_action {
	NHVBD_HOST_DONE = 0,
	NHVBD_HOST_GP = 1,
};

enum nhvbd_host_event_type {
	NHVBD_EV_LOG,		/* text: the log line */
	NHVBD_EV_TOOLS_VERSION,	/* num: the version */
	NHVBD_EV_GUESTINFO_SET,	/* key, text: the value */
	NHVBD_EV_GUEST_INFO,	/* num: SetGuestInfo type, text: value */
	NHVBD_EV_CAPABILITY,	/* text: the whole command */
	NHVBD_EV_STATECHANGE,	/* num: state, num2: success */
	NHVBD_EV_TCLO_RESULT,	/* key: the command, text: the guest's result */
	NHVBD_EV_TOOLS_RUNNING,	/* num: 1 TCLO channel opened, 0 closed */
	NHVBD_EV_NIC_INFO,	/* num: SetGuestInfo type, num2: 1 decoded (tools.nics),
				 * 0 refused (text: why) */
};

struct nhvbd_host_event {
	enum nhvbd_host_event_type type;
	const char *key;
	const char *text;
	uint32_t num, num2;
};

struct nhvbd_host_config {
	uint32_t version;	/* GETVERSION EAX; 6 */
	uint32_t vmx_type;	/* GETVERSION ECX; VMX_TYPE_* */
	uint32_t hw_version;	/* GETHWVERSION; 0 = not answered */
	uint8_t uuid[16];	/* GETUUID, uuid.bios */
	uint32_t memsize_mb;	/* GETMEMSIZE */
	uint64_t tsc_hz;	/* GETHZ; 0 = not answered */
	uint32_t apic_hz;
	uint32_t vcpu_info;	/* GET_VCPU_INFO bits */
	uint32_t build_num;	/* GETBUILDNUM; 0xFFFFFFFF = not answered */
	uint32_t nesting_query;	/* NESTING_CONTROL QUERY EAX; 0xFFFFFFFF = none */
	int restrict_backdoor;	/* #GP for CPL3 callers */
	int offer_hb;		/* status HB offered on SENDSIZE/RECVSIZE */
	uint32_t seed;		/* cookies when random32 is NULL */
	void *ctx;
	uint32_t (*random32)(void *ctx);
	/* Host UTC time in microseconds for GETTIME/GETTIMEFULL; NULL = none. */
	int (*now_usec)(void *ctx, uint64_t *usec);
	void (*on_event)(void *ctx, const struct nhvbd_host_event *ev);
};

struct nhvbd_host_chan {
	int in_use;
	uint32_t proto;
	int cookies;
	uint32_t cookie_hi, cookie_lo;
	int cpt_pending;
	/* guest to host */
	int sending;
	uint32_t send_len, send_pos;
	uint8_t send_buf[GUESTMSG_MAX_IN_SIZE + 1];
	/* host to guest */
	int reply_ready, reply_sized;
	uint32_t reply_len, reply_pos;
	uint8_t reply_buf[GUESTMSG_MAX_IN_SIZE + 1];
	/* TCLO: the command delivered and awaiting its result */
	int tclo_outstanding;
	char tclo_cmd[NHVBD_HOST_TCLO_CMD_MAX];
};

/* What the guest's tools told the host, for status displays and tests. */
struct nhvbd_host_tools {
	int version_set;
	uint32_t version, version_type;
	int running;			/* a TCLO channel is open */
	char hostname[NHVBD_HOST_TEXT_MAX];	/* SetGuestInfo 1 */
	char ip[NHVBD_HOST_TEXT_MAX];		/* SetGuestInfo 2, as text */
	struct nicinfo nics;		/* the last NIC report (SetGuestInfo 9, 10, binary 2) */
	unsigned nic_reports;
	unsigned capabilities, logs;
	int statechange_seen;
	uint32_t statechange_state, statechange_ok;
	char last_result[NHVBD_HOST_TCLO_CMD_MAX];	/* last TCLO result */
};

struct nhvbd_host {
	struct nhvbd_host_config cfg;
	uint32_t rng;
	struct nhvbd_host_chan chan[NHVBD_HOST_CHANNELS];
	char tclo_queue[NHVBD_HOST_TCLO_QUEUE][NHVBD_HOST_TCLO_CMD_MAX];
	unsigned tclo_head, tclo_count;
	struct nhvbd_kvstore guestinfo;
	struct nhvbd_host_tools tools;
};

void nhvbd_host_init(struct nhvbd_host *h, const struct nhvbd_host_config *cfg);
int nhvbd_host_io(struct nhvbd_host *h, struct nhvbd_regs *r, int cpl);
int nhvbd_host_hb_out(struct nhvbd_host *h, struct nhvbd_regs *r, int cpl,
		      const uint8_t *data, size_t len);
int nhvbd_host_hb_in(struct nhvbd_host *h, struct nhvbd_regs *r, int cpl,
		     uint8_t *data, size_t len);

/* A checkpoint/restore: every open channel answers its next step with CPT
 * and forgets any half-done transfer. */
void nhvbd_host_checkpoint(struct nhvbd_host *h);
/* Queues a TCLO command ("OS_Halt", "Set_Option broadcastIP 1", ...).
 * NHVBD_ENOSPACE when the queue is full, NHVBD_ETOOBIG for a long one. */
int nhvbd_host_tclo_queue(struct nhvbd_host *h, const char *cmd);
/* guestinfo.* from the VM config (key given with its "guestinfo." prefix). */
int nhvbd_host_guestinfo_set(struct nhvbd_host *h, const char *key, const char *value);
const char *nhvbd_host_guestinfo_get(const struct nhvbd_host *h, const char *key);

/* host_msg.c / host_rpci.c internals, shared between the host files.
 * nhvbd_host_rpci: msg[len] must be a NUL. */
void nhvbd_host_message(struct nhvbd_host *h, struct nhvbd_regs *r);
size_t nhvbd_host_rpci(struct nhvbd_host *h, const char *msg, size_t len, char *reply, size_t cap);
uint32_t nhvbd_host_random(struct nhvbd_host *h);
void nhvbd_host_emit(struct nhvbd_host *h, enum nhvbd_host_event_type type, const char *key,
		     const char *text, uint32_t num, uint32_t num2);

#endif
