/* decide.c - the clone decision and the values it makes (see decide.h). */
#include "userland/nhv-identity/decide.h"
#include "userland/nhv-identity/sha256.h"

#include <stdio.h>
#include <string.h>

static int has_mac(const struct hw_facts *hw, const struct nhv_mac *m)
{
	for (int i = 0; i < hw->nmacs; i++)
		if (mac_eq(&hw->macs[i], m))
			return 1;
	return 0;
}

static int macs_same_set(const struct hw_facts *a, const struct hw_facts *b)
{
	if (a->nmacs != b->nmacs)
		return 0;
	for (int i = 0; i < a->nmacs; i++)
		if (!has_mac(b, &a->macs[i]))
			return 0;
	return 1;
}

static int macs_overlap(const struct hw_facts *a, const struct hw_facts *b)
{
	for (int i = 0; i < a->nmacs; i++)
		if (has_mac(b, &a->macs[i]))
			return 1;
	return 0;
}

static enum decision classify(const struct decide_in *in, char *why, size_t n)
{
	const struct hw_facts *hw = in->hw, *old;
	char a[37], b[37];

	if (!in->stored) {
		snprintf(why, n, in->stored_corrupt
			 ? "stored identity was corrupt (kept aside as .bad)"
			 : "no stored identity");
		return DEC_NEW;
	}
	old = &in->stored->hw;
	uuid_format(&old->uuid, a);
	uuid_format(&hw->uuid, b);
	if (old->uuid_valid && hw->uuid_valid) {
		if (!uuid_eq(&old->uuid, &hw->uuid)) {
			snprintf(why, n, "hardware UUID changed from %s to %s", a, b);
			return DEC_CLONED;
		}
		if (macs_same_set(old, hw)) {
			snprintf(why, n, "hardware UUID %s and NIC MACs unchanged", b);
			return DEC_SAME;
		}
		snprintf(why, n, "hardware UUID %s unchanged, NIC MACs changed (%d before, %d now)",
			 b, old->nmacs, hw->nmacs);
		return DEC_MOVED;
	}
	if (old->uuid_valid) {
		if (hw->nmacs == 0) {
			snprintf(why, n, "hardware UUID and NIC MACs unreadable, keeping stored identity");
			return DEC_SAME;
		}
		if (macs_overlap(old, hw)) {
			snprintf(why, n, "hardware UUID unreadable, a stored NIC MAC is present");
			return DEC_SAME;
		}
		snprintf(why, n, "hardware UUID unreadable and no stored NIC MAC is present");
		return DEC_CLONED;
	}
	if (hw->uuid_valid) {
		if (macs_overlap(old, hw)) {
			snprintf(why, n, "hardware UUID now readable (%s), a stored NIC MAC is present", b);
			return DEC_MOVED;
		}
		snprintf(why, n, "hardware UUID now readable (%s) and no stored NIC MAC is present", b);
		return DEC_CLONED;
	}
	if (hw->nmacs == 0 || macs_overlap(old, hw)) {
		snprintf(why, n, "hardware UUID unreadable before and now, NIC MACs %s",
			 hw->nmacs ? "match" : "unreadable");
		return DEC_SAME;
	}
	snprintf(why, n, "hardware UUID unreadable before and now, no stored NIC MAC is present");
	return DEC_CLONED;
}

/* H(tag | seed | name | nic | attempt): the source of deterministic values. */
static void derive(const char *tag, const struct nhv_uuid *seed, const char *name, int nic,
		   unsigned attempt, uint8_t out[32])
{
	struct sha256 s;
	uint8_t num[8];

	sha256_init(&s);
	sha256_update(&s, tag, strlen(tag) + 1);
	sha256_update(&s, seed->b, 16);
	sha256_update(&s, name, strlen(name) + 1);
	for (int i = 0; i < 4; i++) {
		num[i] = (uint8_t)((unsigned)nic >> (8 * i));
		num[4 + i] = (uint8_t)(attempt >> (8 * i));
	}
	sha256_update(&s, num, 8);
	sha256_final(&s, out);
}

void make_guest_mac(enum mac_prefix p, enum mac_mode m, const struct nhv_uuid *seed,
		    const char *name, int nic, unsigned attempt, const uint8_t rnd[6],
		    struct nhv_mac *out)
{
	uint8_t h[32];
	const uint8_t *src = rnd;

	if (m == MACM_DETERMINISTIC) {
		derive("nhv-l2-mac", seed, name, nic, attempt, h);
		src = h;
	}
	if (p == MACP_VMWARE) {
		/* VMware's manual range 00:50:56:00:00:00-00:50:56:3f:ff:ff */
		out->b[0] = 0x00;
		out->b[1] = 0x50;
		out->b[2] = 0x56;
		out->b[3] = src[0] & 0x3f;
		out->b[4] = src[1];
		out->b[5] = src[2];
	} else {
		/* locally administered (bit 1), unicast (bit 0 clear): 02:xx:xx:xx:xx:xx */
		out->b[0] = 0x02;
		memcpy(out->b + 1, src, 5);
	}
}

/* Version 4 layout for random UUIDs; version 8 (custom, RFC 9562) for derived ones. */
static void make_uuid(const struct decide_in *in, enum mac_mode m, const char *tag,
		      const struct nhv_uuid *seed, const char *name, unsigned attempt,
		      struct nhv_uuid *out)
{
	uint8_t h[32];

	if (m == MACM_DETERMINISTIC) {
		derive(tag, seed, name, -1, attempt, h);
		memcpy(out->b, h, 16);
		out->b[6] = (out->b[6] & 0x0f) | 0x80;
	} else {
		in->random(in->random_ctx, out->b, 16);
		out->b[6] = (out->b[6] & 0x0f) | 0x40;
	}
	out->b[8] = (out->b[8] & 0x3f) | 0x80;
}

struct macset {
	const struct hw_facts *hw;
	const struct identity *id; /* guests [0, upto) and the current guest's nics [0, nic) */
	int upto, nic;
};

static int mac_taken(const struct macset *s, const struct nhv_mac *m)
{
	if (has_mac(s->hw, m))
		return 1;
	for (int g = 0; g <= s->upto && g < s->id->nguests; g++) {
		const struct guest_id *gi = &s->id->guests[g];
		int lim = g == s->upto ? s->nic : gi->nnics;

		for (int k = 0; k < lim; k++)
			if (mac_eq(&gi->mac[k], m))
				return 1;
	}
	return 0;
}

static int uuid_taken(const struct identity *id, int upto, const struct nhv_uuid *u)
{
	if (uuid_eq(&id->appliance_uuid, u))
		return 1;
	for (int g = 0; g < upto; g++)
		if (uuid_eq(&id->guests[g].uuid, u))
			return 1;
	return 0;
}

static void fill_guests(const struct decide_in *in, struct identity *out, int renew)
{
	const struct nhv_uuid *seed = out->hw.uuid_valid ? &out->hw.uuid : &out->appliance_uuid;

	out->nguests = in->nguests < ID_MAX_GUESTS ? in->nguests : ID_MAX_GUESTS;
	for (int g = 0; g < out->nguests; g++) {
		struct guest_id *gi = &out->guests[g];
		const struct guest_id *seen = &in->guests[g];

		*gi = *seen;
		gi->changed = 0;
		if (renew || !seen->has_uuid || uuid_is_nil(&seen->uuid) ||
		    uuid_taken(out, g, &seen->uuid)) {
			unsigned attempt = 0;

			do
				make_uuid(in, out->mode, "nhv-l2-uuid", seed, gi->name, attempt++,
					  &gi->uuid);
			while (uuid_taken(out, g, &gi->uuid));
			gi->has_uuid = 1;
			gi->changed = 1;
		}
		for (int k = 0; k < gi->nnics; k++) {
			struct macset set = { &out->hw, out, g, k };

			if (!renew && seen->has_mac[k] && mac_is_unicast(&seen->mac[k]) &&
			    !mac_taken(&set, &seen->mac[k]))
				continue;
			for (unsigned attempt = 0;; attempt++) {
				uint8_t rnd[6];

				if (out->mode == MACM_RANDOM)
					in->random(in->random_ctx, rnd, sizeof(rnd));
				make_guest_mac(out->prefix, out->mode, seed, gi->name, gi->nic[k],
					       attempt, rnd, &gi->mac[k]);
				if (!mac_taken(&set, &gi->mac[k]))
					break;
			}
			gi->has_mac[k] = 1;
			gi->changed = 1;
		}
	}
}

void decide_guest_uuid(const struct identity *id, const char *name, random_fn random,
		       void *random_ctx, struct nhv_uuid *out)
{
	const struct nhv_uuid *seed = id->hw.uuid_valid ? &id->hw.uuid : &id->appliance_uuid;
	struct decide_in in = { .random = random, .random_ctx = random_ctx };
	unsigned attempt = 0;

	do
		make_uuid(&in, id->mode, "nhv-l2-uuid", seed, name, attempt++, out);
	while (uuid_taken(id, id->nguests, out));
}

void decide_guest_mac(const struct identity *id, const char *name, int nic, random_fn random,
		      void *random_ctx, struct nhv_mac *out)
{
	const struct nhv_uuid *seed = id->hw.uuid_valid ? &id->hw.uuid : &id->appliance_uuid;
	struct macset set = { &id->hw, id, id->nguests, 0 };

	for (unsigned attempt = 0;; attempt++) {
		uint8_t rnd[6] = { 0 };

		if (id->mode != MACM_DETERMINISTIC)
			random(random_ctx, rnd, sizeof(rnd));
		make_guest_mac(id->prefix, id->mode, seed, name, nic, attempt, rnd, out);
		if (mac_is_unicast(out) && !mac_taken(&set, out))
			return;
	}
}

static void derive_hostname(struct identity *out)
{
	const uint8_t *b = out->appliance_uuid.b;

	snprintf(out->hostname, sizeof(out->hostname), "nhv-%02x%02x%02x", b[0], b[1], b[2]);
}

enum decision decide(const struct decide_in *in, struct identity *out)
{
	const struct identity *old = in->stored;
	enum decision d;
	int renew;

	memset(out, 0, sizeof(*out));
	out->version = ID_VERSION;
	d = classify(in, out->reason, sizeof(out->reason));
	out->decision = d;
	out->generation = old ? old->generation + 1 : 1;
	out->hw = *in->hw;
	out->prefix = in->prefix != MACP_UNSET ? in->prefix : old ? old->prefix : MACP_LOCAL;
	out->mode = in->mode != MACM_UNSET ? in->mode : old ? old->mode : MACM_RANDOM;

	renew = d == DEC_NEW || d == DEC_CLONED;
	if (renew) {
		static const struct nhv_uuid zero;
		const struct nhv_uuid *seed = in->hw->uuid_valid ? &in->hw->uuid : &zero;
		enum mac_mode m = in->hw->uuid_valid ? out->mode : MACM_RANDOM;
		struct nhv_uuid mid;

		make_uuid(in, m, "nhv-appliance", seed, "", 0, &out->appliance_uuid);
		if (old && uuid_eq(&old->appliance_uuid, &out->appliance_uuid))
			make_uuid(in, MACM_RANDOM, "", seed, "", 0, &out->appliance_uuid);
		make_uuid(in, m, "nhv-machine-id", seed, "", 0, &mid);
		for (int i = 0; i < 16; i++)
			snprintf(out->machine_id + 2 * i, 3, "%02x", mid.b[i]);
	} else {
		out->appliance_uuid = old->appliance_uuid;
		memcpy(out->machine_id, old->machine_id, sizeof(out->machine_id));
	}

	if (in->guestinfo_hostname && in->guestinfo_hostname[0]) {
		snprintf(out->hostname, sizeof(out->hostname), "%s", in->guestinfo_hostname);
		out->hostname_from_guestinfo = 1;
	} else if (!renew && old->hostname[0]) {
		memcpy(out->hostname, old->hostname, sizeof(out->hostname));
		out->hostname_from_guestinfo = old->hostname_from_guestinfo;
	} else {
		derive_hostname(out);
	}

	/*
	 * On a clone the L2 guests are renewed even if this boot's .vmx files
	 * already hold values: those are the original's.
	 */
	fill_guests(in, out, d == DEC_CLONED);
	return d;
}
