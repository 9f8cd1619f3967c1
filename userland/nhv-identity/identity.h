/*
 * identity.h - what nhv remembers about itself and its L2 guests, and the
 * text helpers for UUIDs and MACs.  Everything declared here is pure.
 */
#ifndef NHV_IDENTITY_H
#define NHV_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#define ID_VERSION 1
#define ID_MAX_HW_MACS 8
#define ID_MAX_GUESTS 256
#define ID_MAX_NICS 10
#define ID_NAME_MAX 128
#define ID_FILE_MAX 256
#define ID_HOST_MAX 64
#define ID_REASON_MAX 256

struct nhv_uuid {
	uint8_t b[16];
};

struct nhv_mac {
	uint8_t b[6];
};

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

/* The 8-4-4-4-12 hex digit form, e.g. "564d1111-2222-3333-4444-555566667777" (37 bytes with NUL). */
void uuid_format(const struct nhv_uuid *u, char out[37]);
/* VMware's "56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc" (48 bytes with NUL). */
void uuid_format_vmx(const struct nhv_uuid *u, char out[48]);
/* Accepts both forms above, any hex case, and 32 bare hex digits. 0 on success. */
int uuid_parse(const char *s, struct nhv_uuid *u);
int uuid_is_nil(const struct nhv_uuid *u); /* all zero or all 0xff */
int uuid_eq(const struct nhv_uuid *a, const struct nhv_uuid *b);

void mac_format(const struct nhv_mac *m, char out[18]);
int mac_parse(const char *s, struct nhv_mac *m); /* "aa:bb:cc:dd:ee:ff" or with '-' */
int mac_eq(const struct nhv_mac *a, const struct nhv_mac *b);
int mac_is_unicast(const struct nhv_mac *m); /* not multicast, not all zero */

#endif
