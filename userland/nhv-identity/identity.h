/*
 * identity.h - what nhv remembers about itself and its L2 guests, and the
 * names of its enums.  Everything declared here is pure.
 */
#ifndef NHV_IDENTITY_H
#define NHV_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "userland/lib/hexfmt.h"
#include "userland/lib/vmx.h"

#define ID_VERSION 1
#define ID_MAX_HW_MACS 8
#define ID_MAX_GUESTS 256
#define ID_MAX_NICS VMX_MAX_NICS
#define ID_NAME_MAX 128
#define ID_FILE_MAX 256
#define ID_HOST_MAX 64
#define ID_REASON_MAX 256

enum decision { DEC_NEW, DEC_SAME, DEC_MOVED, DEC_CLONED };
/* Where L2 MACs come from: 02:xx:.. (locally administered) or VMware's manual range. */
enum mac_prefix { MACP_UNSET = -1, MACP_LOCAL = 0, MACP_VMWARE = 1 };
enum mac_mode { MACM_UNSET = -1, MACM_RANDOM = 0, MACM_DETERMINISTIC = 1 };

struct guest_id {
	char name[ID_NAME_MAX];   /* displayName, else the .vmx file's stem */
	char file[ID_FILE_MAX];   /* the .vmx, relative to the data disk */
	int has_uuid;             /* uuid.bios was present and valid */
	struct nhv_uuid uuid;
	int nnics;
	int nic[ID_MAX_NICS];     /* N of ethernetN */
	int has_mac[ID_MAX_NICS]; /* ethernetN.address was present and valid */
	struct nhv_mac mac[ID_MAX_NICS];
	int changed;              /* set by decide(): the .vmx must be rewritten */
};

struct hw_facts {
	int uuid_valid; /* DMI was readable and not all-zero / all-FF */
	struct nhv_uuid uuid;
	int nmacs;
	struct nhv_mac macs[ID_MAX_HW_MACS];
};

struct identity {
	int version;
	unsigned long generation;
	struct nhv_uuid appliance_uuid;
	char machine_id[33];
	char hostname[ID_HOST_MAX];
	int hostname_from_guestinfo;
	struct hw_facts hw;
	enum mac_prefix prefix;
	enum mac_mode mode;
	enum decision decision;
	char reason[ID_REASON_MAX];
	int nguests;
	struct guest_id guests[ID_MAX_GUESTS];
};

const char *decision_name(enum decision d);
const char *mac_prefix_name(enum mac_prefix p);
const char *mac_mode_name(enum mac_mode m);
int parse_mac_prefix(const char *s, enum mac_prefix *out);
int parse_mac_mode(const char *s, enum mac_mode *out);

#endif
