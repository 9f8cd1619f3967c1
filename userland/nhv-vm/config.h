/*
 * config.h - a guest's .vmx file read into struct vm_config (ARCHITECTURE.md
 * "Guest config", docs/vm-config.md).  Every known key is checked; unknown
 * keys, repeated keys, lines that are not `key = "value"` and bad values are
 * errors "FILE:LINE: key: what was expected".
 */
#ifndef NHV_VM_CONFIG_H
#define NHV_VM_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include "userland/lib/vmx.h"

#define VM_MAX_DISKS		8
#define VM_MAX_VCPUS		16	/* MADT/MP table and APIC ids stay simple */
#define VM_MIN_MEMSIZE_MIB	16
#define VM_MAX_MEMSIZE_MIB	65536
#define VM_DEFAULT_MEMSIZE_MIB	256

#define VM_MAX_GUESTINFO	256	/* guestinfo.* keys in a .vmx */

enum vm_accel { VM_ACCEL_AUTO, VM_ACCEL_NHV, VM_ACCEL_KVM };
/* nhv.nesting: NESTING_CONTROL towards L0 (docs/vm-config.md). */
enum vm_nesting { VM_NESTING_AUTO, VM_NESTING_TOGGLE, VM_NESTING_OFF };

struct cpuid_mask_list;

#define VM_MAX_NICS		4
#define VM_MAX_FORWARDS		16

enum vm_net_mode { VM_NET_NAT, VM_NET_BRIDGED };

/* ethernetN.nhv.forward item: L1's host_port to the guest's guest_port. */
struct vm_forward {
	int udp;		/* 0 tcp, 1 udp */
	uint16_t host_port, guest_port;
};

/* ethernetN.* (docs/networking.md); a NIC is used when present is set. */
struct vm_nic {
	int present;		/* ethernetN.present */
	int has_mac;		/* address (or generatedAddress) given */
	uint8_t mac[6];
	enum vm_net_mode mode;	/* ethernetN.nhv.mode, default nat */
	char *uplink;		/* ethernetN.nhv.uplink (bridged): L1's NIC, default eth0 */
	struct vm_forward fwd[VM_MAX_FORWARDS];
	unsigned int nfwd;	/* ethernetN.nhv.forward */
};

struct vm_config {
	char *path;		/* the .vmx file (absolute) */
	char *display_name;	/* displayName; default: the file's base name without .vmx */
	uint64_t memsize_mib;	/* memsize; default 256 */
	unsigned int numvcpus;	/* numvcpus; default 1 */
	char *uuid_bios;	/* uuid.bios as written, or NULL */
	char *kernel, *initrd, *cmdline;	/* nhv.kernel (required), nhv.initrd, nhv.cmdline */
	char *disks[VM_MAX_DISKS];
	unsigned int ndisks;	/* nhv.disk0..N, raw files */
	int autostart;		/* nhv.autostart */
	enum vm_accel accel;	/* nhv.accel */
	uint8_t uuid[16];	/* uuid.bios's bytes in order; without it derived from path */
	int restrict_backdoor;	/* monitor_control.restrict_backdoor: no CPL 3 calls */
	int pseudo_perfctr;	/* monitor_control.pseudo_perfctr: RDPMC 0x10000-2 */
	int hv_cpuid_v0;	/* hypervisor.cpuid.v0 (default 1): 0 hides the hypervisor */
	enum vm_nesting nesting;	/* nhv.nesting */
	struct cpuid_mask_list *masks;	/* cpuid.* (VMware) and cpuid (Xen), in order */
	char *gi_key[VM_MAX_GUESTINFO];	/* guestinfo.KEY (with the prefix) = gi_val */
	char *gi_val[VM_MAX_GUESTINFO];
	unsigned int ngi;
	struct vm_nic nics[VM_MAX_NICS];	/* ethernet0..3 */
	struct vmx vmx;		/* the whole file, --set values applied */
};

/*
 * Reads path and applies sets ("key=value" strings, later ones win over
 * the file).  0, or -1 with err = "FILE:LINE: key: why" (the location of a
 * --set is "--set"); c is then empty (nothing to free).
 */
int vm_config_load(struct vm_config *c, const char *path, char *const *sets, size_t nsets,
		   char *err, size_t errlen);
/* The same from a buffer already in memory; path is used for messages and relative paths. */
int vm_config_parse(struct vm_config *c, const char *path, const char *buf, size_t len,
		    char *const *sets, size_t nsets, char *err, size_t errlen);
void vm_config_free(struct vm_config *c);

const char *vm_accel_name(enum vm_accel a);
const char *vm_nesting_name(enum vm_nesting n);

/*
 * config-net.c: an ethernetN.* key.  1 when key is not one (the caller goes
 * on), 0 when applied, -1 with why set ("expected ...").
 */
int vm_config_net_key(struct vm_config *c, const char *key, const char *v, char *why, size_t len);
/* After every key: -1 with key and why set when the NICs do not fit together. */
int vm_config_net_check(const struct vm_config *c, char *key, size_t keylen, char *why, size_t len);
void vm_config_net_free(struct vm_config *c);
/* "tcp:2222:22, udp:5353:53" into fwd[0..max); the count, or -1 with why set. */
int vm_forward_parse(const char *v, struct vm_forward *fwd, unsigned int max, char *why, size_t len);

#endif
