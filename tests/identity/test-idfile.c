/*
 * test-idfile.c - the identity file: round trip, and every kind of damage
 * (each byte flipped, each truncation, hostile lines) is refused.
 */
#include "userland/lib/tap.h"
#include "tests/identity/testrng.h"
#include "userland/nhv-identity/decide.h"
#include "userland/nhv-identity/idfile.h"
#include "userland/nhv-identity/sha256.h"

static struct identity id, back;
static char buf[1 << 16], bad[1 << 16];

static void sample(void)
{
	static struct guest_id g[3];
	static struct testrng rng = { 5 };
	struct hw_facts hw;
	struct decide_in in;

	memset(&hw, 0, sizeof(hw));
	uuid_parse("564d1111-2222-3333-4444-555566667777", &hw.uuid);
	hw.uuid_valid = 1;
	mac_parse("00:50:56:aa:bb:cc", &hw.macs[0]);
	mac_parse("00:0c:29:01:02:03", &hw.macs[1]);
	hw.nmacs = 2;
	snprintf(g[0].name, sizeof(g[0].name), "Web|Server 100%% ünï, \"quoted\"");
	snprintf(g[0].file, sizeof(g[0].file), "vms/web|1/web.vmx");
	g[0].nnics = 2;
	g[0].nic[0] = 0;
	g[0].nic[1] = 7;
	snprintf(g[1].name, sizeof(g[1].name), "tab\there");
	snprintf(g[1].file, sizeof(g[1].file), "vms/db.vmx");
	snprintf(g[2].name, sizeof(g[2].name), "nonic");
	snprintf(g[2].file, sizeof(g[2].file), "vms/nonic.vmx");
	g[1].nnics = 1;
	memset(&in, 0, sizeof(in));
	in.hw = &hw;
	in.prefix = MACP_VMWARE;
	in.mode = MACM_UNSET;
	in.guests = g;
	in.nguests = 3;
	in.guestinfo_hostname = "esx01";
	in.random = testrng_fill;
	in.random_ctx = &rng;
	decide(&in, &id);
}

static int parses(const char *text, size_t len)
{
	char err[256];

	return idfile_parse(text, len, &back, err, sizeof(err)) == 0;
}

static int parse_err(const char *text, char *err, size_t size)
{
	return idfile_parse(text, strlen(text), &back, err, size);
}

int main(void)
{
	char err[256];
	long n;
	size_t flips_ok = 0, trunc_ok = 0;

	sample();
	n = idfile_format(&id, buf, sizeof(buf));
	tap_ok(n > 0, "format: %ld bytes", n);
	tap_ok(idfile_parse(buf, (size_t)n, &back, err, sizeof(err)) == 0, "parse back: %s",
	       "no error");
	tap_ok(uuid_eq(&back.appliance_uuid, &id.appliance_uuid) &&
	       strcmp(back.machine_id, id.machine_id) == 0 && strcmp(back.hostname, "esx01") == 0 &&
	       back.hostname_from_guestinfo && back.generation == id.generation &&
	       back.hw.nmacs == 2 && back.prefix == MACP_VMWARE && back.decision == DEC_NEW,
	       "round trip keeps the appliance fields");
	tap_is_str(back.guests[0].name, id.guests[0].name, "round trip: name with | %% , \" and UTF-8");
	tap_is_str(back.guests[0].file, "vms/web|1/web.vmx", "round trip: file with |");
	tap_is_str(back.guests[1].name, "tab\there", "round trip: name with a tab");
	tap_ok(back.nguests == 3 && back.guests[0].nnics == 2 && back.guests[0].nic[1] == 7 &&
	       mac_eq(&back.guests[0].mac[1], &id.guests[0].mac[1]) && back.guests[2].nnics == 0 &&
	       uuid_eq(&back.guests[2].uuid, &id.guests[2].uuid),
	       "round trip keeps guests, NIC numbers and MACs");
	tap_is_str(back.reason, id.reason, "round trip keeps the reason");

	for (long i = 0; i < n; i++) {
		for (int bit = 0; bit < 8; bit += 3) {
			memcpy(bad, buf, (size_t)n);
			bad[i] ^= (char)(1 << bit);
			flips_ok += !parses(bad, (size_t)n);
		}
	}
	tap_is_int((long long)flips_ok, (long long)n * 3, "every single-bit flip (3 per byte) is refused");
	for (long len = 0; len < n; len++)
		trunc_ok += !parses(buf, (size_t)len);
	tap_is_int((long long)trunc_ok, n, "every truncation (0..%ld bytes) is refused", n - 1);

	tap_ok(parse_err("", err, sizeof(err)) < 0 && strstr(err, "empty"), "empty file: %s", err);
	tap_ok(parse_err("nhv-identity 2\n", err, sizeof(err)) < 0 && strstr(err, "version"),
	       "version 2 refused: %s", err);
	tap_ok(parse_err("garbage\n", err, sizeof(err)) < 0, "no header refused: %s", err);
	tap_ok(parse_err("nhv-identity 1\nwhat=ever\n", err, sizeof(err)) < 0 && strstr(err, "what"),
	       "unknown key named: %s", err);
	tap_ok(parse_err("nhv-identity 1\ngeneration=1\n", err, sizeof(err)) < 0 &&
	       strstr(err, "checksum"), "missing checksum refused: %s", err);

	/* A file with a good checksum but missing fields is still refused. */
	{
		char t[256];

		snprintf(t, sizeof(t), "nhv-identity 1\ngeneration=1\n");
		{
			uint8_t sum[32];
			size_t l = strlen(t);

			sha256(t, l, sum);
			l += (size_t)snprintf(t + l, sizeof(t) - l, "checksum=sha256:");
			for (int i = 0; i < 32; i++)
				l += (size_t)snprintf(t + l, sizeof(t) - l, "%02x", sum[i]);
			snprintf(t + l, sizeof(t) - l, "\n");
		}
		tap_ok(parse_err(t, err, sizeof(err)) < 0 && strstr(err, "missing"),
		       "valid checksum but missing fields refused: %s", err);
	}
	{
		char huge[8192];

		memset(huge, 'A', sizeof(huge));
		memcpy(huge, "nhv-identity 1\nreason=", 22);
		huge[sizeof(huge) - 2] = '\n';
		huge[sizeof(huge) - 1] = '\0';
		tap_ok(parse_err(huge, err, sizeof(err)) < 0, "an over-long line is refused: %s", err);
		memcpy(huge, "nhv-identity 1111111111111111111111", 35);
		tap_ok(parse_err(huge, err, sizeof(err)) < 0, "an over-long version is refused: %s", err);
	}
	tap_ok(idfile_format(&id, buf, 100) < 0, "format into a small buffer fails instead of truncating");
	return tap_done();
}
