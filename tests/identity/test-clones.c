/*
 * test-clones.c - 10,000 clones of one appliance (random hardware UUIDs,
 * five L2 guests with eight NICs in all): no two clones, and no two guests,
 * share a UUID or a MAC; none keeps the template's values.  Run for each MAC
 * policy; also a chain of clones of clones.
 */
#include "userland/lib/tap.h"
#include "tests/identity/testrng.h"
#include "userland/nhv-identity/decide.h"

#include <stdlib.h>

#define CLONES 10000
#define GUESTS 5

static struct identity tmpl, out;
static struct guest_id seen[GUESTS];
static const int nics[GUESTS] = { 1, 2, 1, 3, 1 };

static int cmp16(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

static int cmp6(const void *a, const void *b)
{
	return memcmp(a, b, 6);
}

static long dups(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	long d = 0;

	qsort(base, n, size, cmp);
	for (size_t i = 1; i < n; i++)
		d += cmp((char *)base + (i - 1) * size, (char *)base + i * size) == 0;
	return d;
}

static void random_hw(struct testrng *r, struct hw_facts *h)
{
	memset(h, 0, sizeof(*h));
	testrng_fill(r, h->uuid.b, 16);
	h->uuid_valid = 1;
	h->nmacs = 1;
	h->macs[0].b[0] = 0x00;
	h->macs[0].b[1] = 0x50;
	h->macs[0].b[2] = 0x56;
	testrng_fill(r, h->macs[0].b + 3, 3);
	h->macs[0].b[3] |= 0x80; /* vCenter's generated range 00:50:56:80-bf */
	h->macs[0].b[3] &= 0xbf;
}

struct tally {
	struct nhv_uuid *uuids;
	struct nhv_mac *macs;
	size_t nu, nm;
	long per_appliance_dups, kept_template, hw_hits, undecided;
};

static void run(const char *label, enum mac_prefix p, enum mac_mode m, int chain, int want_global)
{
	static struct tally t;
	struct testrng hwr = { 7 }, rng = { 11 };
	struct hw_facts h0, h;
	struct decide_in in;
	static struct identity prev;
	long ud, md;

	t.uuids = malloc(sizeof(*t.uuids) * CLONES * (GUESTS + 1));
	t.macs = malloc(sizeof(*t.macs) * CLONES * 8);
	t.nu = t.nm = 0;
	t.per_appliance_dups = t.kept_template = t.hw_hits = t.undecided = 0;

	random_hw(&hwr, &h0);
	memset(&in, 0, sizeof(in));
	in.hw = &h0;
	in.prefix = p;
	in.mode = m;
	in.guests = seen;
	in.nguests = GUESTS;
	in.random = testrng_fill;
	in.random_ctx = &rng;
	decide(&in, &tmpl);
	prev = tmpl;

	for (int c = 0; c < CLONES; c++) {
		const struct identity *from = chain ? &prev : &tmpl;
		struct guest_id now[GUESTS];

		random_hw(&hwr, &h);
		for (int g = 0; g < GUESTS; g++) {
			now[g] = from->guests[g];
			now[g].changed = 0;
		}
		in.hw = &h;
		in.stored = from;
		in.guests = now;
		in.prefix = MACP_UNSET;
		in.mode = MACM_UNSET;
		if (decide(&in, &out) != DEC_CLONED)
			t.undecided++;
		t.uuids[t.nu++] = out.appliance_uuid;
		for (int g = 0; g < out.nguests; g++) {
			const struct guest_id *gi = &out.guests[g];

			t.uuids[t.nu++] = gi->uuid;
			for (int k = 0; k < gi->nnics; k++) {
				t.macs[t.nm++] = gi->mac[k];
				t.kept_template += mac_eq(&gi->mac[k], &tmpl.guests[g].mac[k]);
				t.hw_hits += mac_eq(&gi->mac[k], &h.macs[0]);
				for (int g2 = 0; g2 <= g; g2++)
					for (int k2 = 0; k2 < (g2 == g ? k : out.guests[g2].nnics); k2++)
						t.per_appliance_dups +=
							mac_eq(&gi->mac[k], &out.guests[g2].mac[k2]);
			}
			t.kept_template += uuid_eq(&gi->uuid, &tmpl.guests[g].uuid);
		}
		prev = out;
	}
	ud = dups(t.uuids, t.nu, sizeof(*t.uuids), cmp16);
	md = dups(t.macs, t.nm, sizeof(*t.macs), cmp6);
	tap_is_int(t.undecided, 0, "%s: all %d clones decided cloned", label, CLONES);
	tap_is_int((long long)t.nu, (long long)CLONES * (GUESTS + 1),
		   "%s: %zu UUIDs made (appliance + L2)", label, t.nu);
	tap_is_int(ud, 0, "%s: zero duplicate UUIDs among %zu", label, t.nu);
	tap_is_int(t.per_appliance_dups, 0, "%s: zero duplicate MACs within any appliance", label);
	tap_is_int(t.hw_hits, 0, "%s: no L2 MAC equals its appliance's hardware MAC", label);
	tap_is_int(t.kept_template, 0, "%s: no clone kept a template UUID or MAC", label);
	if (want_global)
		tap_is_int(md, 0, "%s: zero duplicate MACs among all %zu L2 NICs of %d clones",
			   label, t.nm, CLONES);
	else
		tap_diag("%s: %ld MACs shared between different clones among %zu "
			 "(the 22-bit manual range makes some unavoidable; within one appliance there are none)",
			 label, md, t.nm);
	free(t.uuids);
	free(t.macs);
}

int main(void)
{
	for (int g = 0; g < GUESTS; g++) {
		snprintf(seen[g].name, sizeof(seen[g].name), "l2-guest-%d", g);
		snprintf(seen[g].file, sizeof(seen[g].file), "vms/l2-guest-%d.vmx", g);
		seen[g].nnics = nics[g];
		for (int k = 0; k < nics[g]; k++)
			seen[g].nic[k] = k;
	}
	run("local/random", MACP_LOCAL, MACM_RANDOM, 0, 1);
	run("local/deterministic", MACP_LOCAL, MACM_DETERMINISTIC, 0, 1);
	run("local/random, chain of clones", MACP_LOCAL, MACM_RANDOM, 1, 1);
	run("vmware/random", MACP_VMWARE, MACM_RANDOM, 0, 0);
	run("vmware/deterministic", MACP_VMWARE, MACM_DETERMINISTIC, 0, 0);
	return tap_done();
}
