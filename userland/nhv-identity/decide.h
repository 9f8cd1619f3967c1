/*
 * decide.h - the clone decision, with no I/O: hardware identity + stored
 * identity (+ L2 guests found on the data disk) -> new|same|moved|cloned and
 * the identity to store.
 *
 *   stored   hardware UUID        NIC MACs                 decision
 *   none     any                  any                      new
 *   corrupt  any                  any                      new (file kept as .bad by the caller)
 *   X        X                    same set                 same
 *   X        X                    other set                moved   (MACs re-recorded)
 *   X        Y != X               any                      cloned
 *   X        unreadable           one stored MAC present   same
 *   X        unreadable           none readable            same    (nothing to compare)
 *   X        unreadable           no stored MAC present    cloned
 *   unread.  Y                    one stored MAC present   moved   (UUID adopted)
 *   unread.  Y                    no stored MAC present    cloned
 *
 * On new and cloned the appliance UUID, machine-id and every L2 guest's
 * uuid.bios and MACs are made anew; the hostname is the guestinfo one when
 * given, else derived from the new appliance UUID.  On same and moved they
 * are kept; an L2 guest with a missing, invalid or duplicate value gets a
 * new one.  No two L2 NICs, and no L2 NIC and hardware NIC, share a MAC.
 */
#ifndef NHV_DECIDE_H
#define NHV_DECIDE_H

#include "userland/nhv-identity/identity.h"

/* Fills buf with n random bytes (the caller's source: getrandom, or a test PRNG). */
typedef void (*random_fn)(void *ctx, void *buf, size_t n);

struct decide_in {
	const struct hw_facts *hw;
	const struct identity *stored; /* NULL when none was found or it was corrupt */
	int stored_corrupt;
	const char *guestinfo_hostname; /* NULL or "" when guestinfo sets none */
	enum mac_prefix prefix;         /* MACP_UNSET: keep the stored policy (default local) */
	enum mac_mode mode;             /* MACM_UNSET: keep the stored policy (default random) */
	const struct guest_id *guests;  /* as found in the .vmx files now */
	int nguests;
	random_fn random;
	void *random_ctx;
};

/* Fills *out (which may be large: keep it off small stacks). Returns out->decision. */
enum decision decide(const struct decide_in *in, struct identity *out);

/*
 * uuid.bios for a new L2 guest named name under identity id, by id's policy
 * (derived from the hardware UUID and the name in deterministic mode, else
 * random), different from the appliance's and every known guest's.
 */
void decide_guest_uuid(const struct identity *id, const char *name, random_fn random,
		       void *random_ctx, struct nhv_uuid *out);

/*
 * The MAC of NIC nic of a new L2 guest named name under identity id, by
 * id's policy (prefix; derived from the hardware UUID, name and nic in
 * deterministic mode, else random), used by no known guest nor hardware NIC.
 */
void decide_guest_mac(const struct identity *id, const char *name, int nic, random_fn random,
		      void *random_ctx, struct nhv_mac *out);

/* The MAC an L2 NIC gets; exposed for tests. attempt > 0 after a collision. */
void make_guest_mac(enum mac_prefix p, enum mac_mode m, const struct nhv_uuid *seed,
		    const char *name, int nic, unsigned attempt, const uint8_t rnd[6],
		    struct nhv_mac *out);

#endif
