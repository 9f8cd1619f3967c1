/* test-decide.c - the clone decision table and the values it makes (decide.h). */
#include "userland/lib/tap.h"
#include "tests/identity/testrng.h"
#include "userland/nhv-identity/decide.h"

#include <stdlib.h>

static struct identity stored, out, out2;
static struct testrng rng = { 42 };

static struct hw_facts hw(const char *uuid, const char *mac0, const char *mac1)
{
	struct hw_facts h;

	memset(&h, 0, sizeof(h));
	if (uuid && uuid_parse(uuid, &h.uuid) == 0 && !uuid_is_nil(&h.uuid))
		h.uuid_valid = 1;
	if (mac0 && mac_parse(mac0, &h.macs[h.nmacs]) == 0)
		h.nmacs++;
	if (mac1 && mac_parse(mac1, &h.macs[h.nmacs]) == 0)
		h.nmacs++;
	return h;
}

static struct decide_in input(const struct hw_facts *h, const struct identity *old)
{
	struct decide_in in;

	memset(&in, 0, sizeof(in));
	in.hw = h;
	in.stored = old;
	in.prefix = MACP_UNSET;
	in.mode = MACM_UNSET;
	in.random = testrng_fill;
	in.random_ctx = &rng;
	return in;
}

#define U1 "564d1111-2222-3333-4444-555566667777"
#define U2 "564d9999-8888-7777-6666-555544443333"
#define M1 "00:50:56:01:02:03"
#define M2 "00:50:56:0a:0b:0c"

static void make_stored(const struct hw_facts *h)
{
	struct decide_in in = input(h, NULL);

	decide(&in, &stored);
}

static void table(void)
{
	static const struct {
		const char *old_uuid, *old_mac, *new_uuid, *new_mac;
		enum decision want;
		const char *why;
	} rows[] = {
		{ U1, M1, U1, M1, DEC_SAME, "same UUID, same MACs" },
		{ U1, M1, U1, M2, DEC_MOVED, "same UUID, other MACs" },
		{ U1, M1, U1, NULL, DEC_MOVED, "same UUID, NIC gone" },
		{ U1, M1, U2, M1, DEC_CLONED, "other UUID, same MAC (static MAC clone)" },
		{ U1, M1, U2, M2, DEC_CLONED, "other UUID, other MAC" },
		{ U1, M1, NULL, M1, DEC_SAME, "UUID unreadable, stored MAC present" },
		{ U1, M1, NULL, NULL, DEC_SAME, "UUID and MACs unreadable" },
		{ U1, M1, NULL, M2, DEC_CLONED, "UUID unreadable, no stored MAC present" },
		{ NULL, M1, U1, M1, DEC_MOVED, "UUID now readable, MAC present" },
		{ NULL, M1, U1, M2, DEC_CLONED, "UUID now readable, no MAC present" },
		{ NULL, M1, NULL, M1, DEC_SAME, "UUID never readable, MAC present" },
		{ NULL, M1, NULL, M2, DEC_CLONED, "UUID never readable, other MAC" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct hw_facts a = hw(rows[i].old_uuid, rows[i].old_mac, NULL);
		struct hw_facts b = hw(rows[i].new_uuid, rows[i].new_mac, NULL);
		struct decide_in in;
		enum decision d;
		int renewed;

		make_stored(&a);
		in = input(&b, &stored);
		d = decide(&in, &out);
		tap_is_str(decision_name(d), decision_name(rows[i].want), "table: %s -> %s",
			   rows[i].why, decision_name(rows[i].want));
		renewed = !uuid_eq(&out.appliance_uuid, &stored.appliance_uuid) &&
			  strcmp(out.machine_id, stored.machine_id) != 0;
		tap_ok(renewed == (d == DEC_CLONED), "table: %s: appliance UUID and machine-id %s",
		       rows[i].why, d == DEC_CLONED ? "renewed" : "kept");
		tap_is_int((long long)out.generation, (long long)stored.generation + 1,
			   "table: %s: generation counts up", rows[i].why);
		tap_ok(out.reason[0] != '\0', "table: %s: a reason is given (%s)", rows[i].why, out.reason);
	}
	{
		struct hw_facts b = hw(U1, M1, NULL);
		struct decide_in in = input(&b, NULL);

		tap_is_int(decide(&in, &out), DEC_NEW, "no stored identity -> new");
		in.stored_corrupt = 1;
		decide(&in, &out);
		tap_ok(out.decision == DEC_NEW && strstr(out.reason, "corrupt"),
		       "corrupt stored identity -> new, and the reason says corrupt");
	}
	{
		/* Two NICs listed in another order are the same set. */
		struct hw_facts a = hw(U1, M1, M2), b = hw(U1, M2, M1);
		struct decide_in in;

		make_stored(&a);
		in = input(&b, &stored);
		tap_is_int(decide(&in, &out), DEC_SAME, "MAC order does not matter");
		tap_ok(strstr(out.reason, "564d1111") != NULL, "the reason names the hardware UUID");
	}
}

static void hostname_rule(void)
{
	struct hw_facts a = hw(U1, M1, NULL), b = hw(U2, M2, NULL);
	struct decide_in in;

	make_stored(&a);
	tap_ok(strncmp(stored.hostname, "nhv-", 4) == 0 && !stored.hostname_from_guestinfo,
	       "new identity: hostname derived (%s)", stored.hostname);
	in = input(&b, &stored);
	decide(&in, &out);
	tap_ok(strcmp(out.hostname, stored.hostname) != 0 && strncmp(out.hostname, "nhv-", 4) == 0,
	       "cloned without guestinfo: hostname derived anew (%s -> %s)", stored.hostname, out.hostname);
	in.guestinfo_hostname = "esx-lab-01";
	decide(&in, &out);
	tap_is_str(out.hostname, "esx-lab-01", "cloned with guestinfo hostname: kept");
	tap_ok(out.hostname_from_guestinfo, "the hostname is marked as from guestinfo");
	in = input(&a, &stored);
	decide(&in, &out);
	tap_is_str(out.hostname, stored.hostname, "same: hostname kept");
}

static void add_guest(struct guest_id *g, const char *name, int nics)
{
	memset(g, 0, sizeof(*g));
	snprintf(g->name, sizeof(g->name), "%s", name);
	snprintf(g->file, sizeof(g->file), "vms/%s.vmx", name);
	g->nnics = nics;
	for (int k = 0; k < nics; k++)
		g->nic[k] = k;
}

static int all_unique(const struct identity *id)
{
	for (int g = 0; g < id->nguests; g++)
		for (int k = 0; k < id->guests[g].nnics; k++) {
			const struct nhv_mac *m = &id->guests[g].mac[k];

			for (int i = 0; i < id->hw.nmacs; i++)
				if (mac_eq(m, &id->hw.macs[i]))
					return 0;
			for (int h = 0; h <= g; h++)
				for (int j = 0; j < (h == g ? k : id->guests[h].nnics); j++)
					if (mac_eq(m, &id->guests[h].mac[j]))
						return 0;
			for (int h = 0; h < g; h++)
				if (uuid_eq(&id->guests[g].uuid, &id->guests[h].uuid))
					return 0;
		}
	return 1;
}

static void guests(void)
{
	static struct guest_id seen[4];
	struct hw_facts a = hw(U1, M1, NULL), b = hw(U2, M1, NULL);
	struct decide_in in;
	int changed = 0, same_vals = 1;

	add_guest(&seen[0], "alpha", 2);
	add_guest(&seen[1], "beta", 1);
	add_guest(&seen[2], "gamma", 0);
	in = input(&a, NULL);
	in.guests = seen;
	in.nguests = 3;
	decide(&in, &stored);
	for (int g = 0; g < 3; g++)
		changed += stored.guests[g].changed;
	tap_is_int(changed, 3, "new: guests without uuid.bios/MACs all get values");
	tap_ok(all_unique(&stored), "new: guest MACs and UUIDs unique, none equals a hardware MAC");
	tap_ok(stored.guests[0].mac[0].b[0] == 0x02, "default MAC prefix is 02 (locally administered)");

	/* Boot again with the values written back: nothing changes. */
	for (int g = 0; g < 3; g++) {
		seen[g] = stored.guests[g];
		seen[g].changed = 0;
	}
	in = input(&a, &stored);
	in.guests = seen;
	in.nguests = 3;
	decide(&in, &out);
	changed = 0;
	for (int g = 0; g < 3; g++) {
		changed += out.guests[g].changed;
		same_vals &= uuid_eq(&out.guests[g].uuid, &stored.guests[g].uuid);
		for (int k = 0; k < out.guests[g].nnics; k++)
			same_vals &= mac_eq(&out.guests[g].mac[k], &stored.guests[g].mac[k]);
	}
	tap_ok(changed == 0 && same_vals, "same: guests keep their UUIDs and MACs");

	/* A guest copied by hand inside the appliance: duplicate UUID and MAC. */
	seen[1].uuid = seen[0].uuid;
	seen[1].mac[0] = seen[0].mac[1];
	decide(&in, &out);
	tap_ok(!out.guests[0].changed && out.guests[1].changed && all_unique(&out),
	       "same: a duplicate guest UUID/MAC is renewed on the later guest only");

	/* A guest MAC equal to the appliance's own hardware MAC. */
	seen[1] = stored.guests[1];
	seen[1].mac[0] = a.macs[0];
	decide(&in, &out);
	tap_ok(out.guests[1].changed && all_unique(&out), "a guest MAC equal to a hardware MAC is renewed");

	/* Cloned: every guest renewed, none keeps the original's values. */
	for (int g = 0; g < 3; g++)
		seen[g] = stored.guests[g];
	in = input(&b, &stored);
	in.guests = seen;
	in.nguests = 3;
	decide(&in, &out);
	same_vals = 0;
	for (int g = 0; g < 3; g++) {
		same_vals |= uuid_eq(&out.guests[g].uuid, &stored.guests[g].uuid);
		for (int k = 0; k < out.guests[g].nnics; k++)
			same_vals |= mac_eq(&out.guests[g].mac[k], &stored.guests[g].mac[k]);
	}
	tap_ok(out.decision == DEC_CLONED && !same_vals && out.guests[0].changed &&
	       out.guests[1].changed && out.guests[2].changed,
	       "cloned: every guest gets a new UUID and new MACs");
	tap_ok(all_unique(&out), "cloned: guest values unique");
}

static void policy(void)
{
	static struct guest_id seen[2];
	struct hw_facts a = hw(U1, M1, NULL), b = hw(U2, M1, NULL);
	struct decide_in in;
	int inrange = 1;

	add_guest(&seen[0], "web", 3);
	add_guest(&seen[1], "db", 1);
	in = input(&a, NULL);
	in.guests = seen;
	in.nguests = 2;
	in.prefix = MACP_VMWARE;
	in.mode = MACM_DETERMINISTIC;
	decide(&in, &out);
	for (int g = 0; g < 2; g++)
		for (int k = 0; k < out.guests[g].nnics; k++) {
			const uint8_t *m = out.guests[g].mac[k].b;

			inrange &= m[0] == 0x00 && m[1] == 0x50 && m[2] == 0x56 && m[3] <= 0x3f;
		}
	tap_ok(inrange, "vmware prefix: MACs within 00:50:56:00:00:00-00:50:56:3f:ff:ff");
	tap_is_str(mac_prefix_name(out.prefix), "vmware", "the policy is recorded");

	/* Deterministic: the same hardware UUID and names give the same values, whatever the RNG. */
	rng.s = 999;
	decide(&in, &out2);
	tap_ok(memcmp(out.guests, out2.guests, sizeof(out.guests[0]) * 2) == 0 &&
	       uuid_eq(&out.appliance_uuid, &out2.appliance_uuid) &&
	       strcmp(out.machine_id, out2.machine_id) == 0,
	       "deterministic: a rebuilt lab gets the same UUIDs and MACs");
	in.hw = &b;
	decide(&in, &out2);
	tap_ok(!mac_eq(&out.guests[0].mac[0], &out2.guests[0].mac[0]) &&
	       !uuid_eq(&out.guests[0].uuid, &out2.guests[0].uuid),
	       "deterministic: another hardware UUID gives other values");

	/* The stored policy holds when the command line says nothing. */
	in = input(&b, &out);
	in.guests = seen;
	in.nguests = 2;
	decide(&in, &out2);
	tap_ok(out2.prefix == MACP_VMWARE && out2.mode == MACM_DETERMINISTIC,
	       "unset policy: the stored one is kept");

	{
		struct nhv_uuid seed;
		struct nhv_mac m1, m2;
		uint8_t rnd[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

		uuid_parse(U1, &seed);
		make_guest_mac(MACP_LOCAL, MACM_RANDOM, &seed, "x", 0, 0, rnd, &m1);
		tap_ok(m1.b[0] == 0x02 && mac_is_unicast(&m1), "random local MAC: 02:.., unicast");
		make_guest_mac(MACP_VMWARE, MACM_RANDOM, &seed, "x", 0, 0, rnd, &m1);
		tap_ok(m1.b[3] == 0x3f, "random vmware MAC: fourth byte masked to the manual range");
		make_guest_mac(MACP_LOCAL, MACM_DETERMINISTIC, &seed, "x", 0, 0, rnd, &m1);
		make_guest_mac(MACP_LOCAL, MACM_DETERMINISTIC, &seed, "x", 0, 1, rnd, &m2);
		tap_ok(!mac_eq(&m1, &m2), "deterministic: a collision retry gives another MAC");
	}
}

/*
 * An RNG that answers draw 5 like draw 3 and draw 7 like draw 4.  Draws on a
 * new identity with guests "one" and "two" (one NIC each): 1 appliance UUID,
 * 2 machine-id, 3 one's UUID, 4 one's MAC, 5 two's UUID (a repeat: must be
 * drawn again, 6), 7 two's MAC (a repeat: drawn again, 8).
 */
static int draws;
static uint8_t kept[9][16];
static void repeating(void *ctx, void *buf, size_t n)
{
	draws++;
	if (draws == 5 || draws == 7)
		memcpy(buf, kept[draws == 5 ? 3 : 4], n);
	else
		testrng_fill(ctx, buf, n);
	if (draws < 9)
		memcpy(kept[draws], buf, n < 16 ? n : 16);
}

static void collisions(void)
{
	static struct guest_id seen[2];
	struct hw_facts a = hw(U1, M1, NULL);
	struct decide_in in = input(&a, NULL);

	add_guest(&seen[0], "one", 1);
	add_guest(&seen[1], "two", 1);
	in.guests = seen;
	in.nguests = 2;
	in.random = repeating;
	decide(&in, &out);
	tap_ok(all_unique(&out), "an RNG repeating a UUID and a MAC still yields unique guest values");
	tap_is_int(draws, 8, "both repeats were refused and drawn again");
}

/* `nhv vm define`: a new guest's uuid.bios follows the identity's policy. */
static void new_guest_uuid(void)
{
	static struct guest_id seen[1];
	struct hw_facts a = hw(U1, M1, NULL);
	struct decide_in in = input(&a, NULL);
	struct nhv_uuid x, y, z;

	add_guest(&seen[0], "one", 0);
	in.guests = seen;
	in.nguests = 1;
	in.mode = MACM_DETERMINISTIC;
	decide(&in, &out);
	decide_guest_uuid(&out, "web", testrng_fill, &rng, &x);
	decide_guest_uuid(&out, "web", testrng_fill, &rng, &y);
	decide_guest_uuid(&out, "db", testrng_fill, &rng, &z);
	tap_ok(uuid_eq(&x, &y) && !uuid_eq(&x, &z), "deterministic: same name same UUID, other name other UUID");
	decide_guest_uuid(&out, "one", testrng_fill, &rng, &x);
	tap_ok(!uuid_eq(&x, &out.guests[0].uuid), "a new guest named like a known one gets another UUID");
	tap_ok((x.b[6] >> 4) == 8, "deterministic guest UUIDs are version 8");
	in.mode = MACM_RANDOM;
	decide(&in, &out);
	decide_guest_uuid(&out, "web", testrng_fill, &rng, &x);
	decide_guest_uuid(&out, "web", testrng_fill, &rng, &y);
	tap_ok(!uuid_eq(&x, &y) && (x.b[6] >> 4) == 4, "random mode: version 4, a new UUID every time");
}

/* `nhv vm define` and nhv-vm at start: a new guest NIC's MAC (nhv-identity guest-mac). */
static void new_guest_mac(void)
{
	static struct guest_id seen[1];
	static struct identity clone;
	struct hw_facts a = hw(U1, M1, NULL), b = hw(U2, M1, NULL);
	struct decide_in in = input(&a, NULL);
	struct nhv_mac x, y, z, w;

	add_guest(&seen[0], "one", 1);
	in.guests = seen;
	in.nguests = 1;
	in.mode = MACM_DETERMINISTIC;
	decide(&in, &out);
	decide_guest_mac(&out, "web", 0, testrng_fill, &rng, &x);
	decide_guest_mac(&out, "web", 0, testrng_fill, &rng, &y);
	decide_guest_mac(&out, "web", 1, testrng_fill, &rng, &z);
	tap_ok(mac_eq(&x, &y) && !mac_eq(&x, &z), "deterministic: same name and NIC same MAC, another NIC another");
	tap_ok(x.b[0] == 0x02 && mac_is_unicast(&x), "local prefix: 02:xx (locally administered, unicast)");
	decide_guest_mac(&out, "one", 0, testrng_fill, &rng, &w);
	tap_ok(!mac_eq(&w, &out.guests[0].mac[0]), "a new NIC named like a known guest's gets another MAC");
	/* A clone: another hardware UUID gives the same guest NIC another MAC. */
	in.hw = &b;
	in.stored = &out;
	decide(&in, &clone);
	decide_guest_mac(&clone, "web", 0, testrng_fill, &rng, &y);
	tap_ok(clone.decision == DEC_CLONED && !mac_eq(&x, &y), "two clones give the same guest NIC different MACs");
	in.hw = &a;
	in.stored = NULL;
	in.mode = MACM_RANDOM;
	in.prefix = MACP_VMWARE;
	decide(&in, &out);
	decide_guest_mac(&out, "web", 0, testrng_fill, &rng, &x);
	decide_guest_mac(&out, "web", 0, testrng_fill, &rng, &y);
	tap_ok(!mac_eq(&x, &y), "random mode: a new MAC every time");
	tap_ok(x.b[0] == 0x00 && x.b[1] == 0x50 && x.b[2] == 0x56 && x.b[3] <= 0x3f,
	       "vmware prefix: VMware's manual range 00:50:56:00-3f");
}

static void text_forms(void)
{
	struct nhv_uuid u;
	struct nhv_mac m;
	char s[48];

	tap_ok(uuid_parse("56 4d 11 11 22 22 33 33-44 44 55 55 66 66 77 77", &u) == 0,
	       "uuid_parse reads the .vmx form");
	uuid_format_vmx(&u, s);
	tap_is_str(s, "56 4d 11 11 22 22 33 33-44 44 55 55 66 66 77 77", "uuid_format_vmx round trip");
	tap_ok(uuid_parse("564D1111222233334444555566667777", &u) == 0, "uuid_parse reads bare hex");
	tap_ok(uuid_parse("564d1111-2222-3333-4444-55556666777", &u) != 0, "31 digits rejected");
	tap_ok(uuid_parse("564d1111-2222-3333-4444-5555666677778", &u) != 0, "33 digits rejected");
	tap_ok(uuid_parse("564d1111-2222-3333-4444-55556666777g", &u) != 0, "non-hex rejected");
	uuid_parse("00000000-0000-0000-0000-000000000000", &u);
	tap_ok(uuid_is_nil(&u), "all-zero UUID is nil");
	uuid_parse("ffffffff-ffff-ffff-ffff-ffffffffffff", &u);
	tap_ok(uuid_is_nil(&u), "all-FF UUID is nil");
	tap_ok(mac_parse("00:50:56:AB:cd:EF", &m) == 0, "mac_parse mixed case");
	tap_ok(mac_parse("00-50-56-ab-cd-ef", &m) == 0, "mac_parse dashes");
	tap_ok(mac_parse("00:50:56:ab:cd", &m) != 0, "short MAC rejected");
	tap_ok(mac_parse("00:50:56:ab:cd:ef:01", &m) != 0, "long MAC rejected");
	mac_parse("01:00:5e:00:00:01", &m);
	tap_ok(!mac_is_unicast(&m), "multicast MAC is not unicast");
}

int main(void)
{
	table();
	hostname_rule();
	guests();
	policy();
	collisions();
	new_guest_uuid();
	new_guest_mac();
	text_forms();
	return tap_done();
}
