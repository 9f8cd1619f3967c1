/*
 * test-hexfmt.c - hex digits, UUIDs and MACs (userland/lib/hexfmt.c):
 * both directions, and text that must be refused.
 */
#include "userland/lib/hexfmt.h"
#include "userland/lib/tap.h"

#include <string.h>

static void digits(void)
{
	int bad = 0;

	for (int c = -1; c < 256; c++) {
		int want = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			   c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (hex_digit(c) != want) {
			tap_diag("hex_digit(%d) = %d, expected %d", c, hex_digit(c), want);
			bad++;
		}
	}
	tap_is_int(bad, 0, "hex_digit over every byte value and -1");
}

static void uuids(void)
{
	struct nhv_uuid u, v;
	char s[37], x[48];

	tap_is_int(uuid_parse("564D1111-2222-3333-4444-555566667777", &u), 0, "8-4-4-4-12 form");
	uuid_format(&u, s);
	tap_is_str(s, "564d1111-2222-3333-4444-555566667777", "formats back in lower case");
	uuid_format_vmx(&u, x);
	tap_is_str(x, "56 4d 11 11 22 22 33 33-44 44 55 55 66 66 77 77", "VMware's form");
	tap_is_int(uuid_parse(x, &v), 0, "VMware's form parses");
	tap_ok(uuid_eq(&u, &v), "to the same UUID");
	tap_is_int(uuid_parse("564d1111222233334444555566667777", &v), 0, "32 bare digits");
	tap_ok(uuid_eq(&u, &v), "to the same UUID again");
	tap_is_int(uuid_parse("564d1111-2222-3333-4444-55556666777", &v), -1, "31 digits refused");
	tap_is_int(uuid_parse("564d1111-2222-3333-4444-5555666677778", &v), -1, "33 digits refused");
	tap_is_int(uuid_parse("564d1111-2222-3333-4444-55556666777g", &v), -1, "a non-hex digit refused");
	tap_is_int(uuid_parse("", &v), -1, "empty refused");
	tap_is_int(uuid_parse("--------", &v), -1, "dashes only refused");
	memset(&v, 0, sizeof(v));
	tap_ok(uuid_is_nil(&v), "all zero is nil");
	memset(&v, 0xff, sizeof(v));
	tap_ok(uuid_is_nil(&v), "all 0xff is nil");
	tap_ok(!uuid_is_nil(&u), "a real UUID is not nil");
}

static void macs(void)
{
	struct nhv_mac m, n;
	char s[18];

	tap_is_int(mac_parse("00:50:56:AB:cd:0f", &m), 0, "colon form, mixed case");
	mac_format(&m, s);
	tap_is_str(s, "00:50:56:ab:cd:0f", "formats back in lower case");
	tap_is_int(mac_parse("00-50-56-ab-cd-0f", &n), 0, "dash form");
	tap_ok(mac_eq(&m, &n), "same MAC");
	tap_is_int(mac_parse("00:50:56:ab:cd", &n), -1, "five bytes refused");
	tap_is_int(mac_parse("00:50:56:ab:cd:0f:11", &n), -1, "seven bytes refused");
	tap_is_int(mac_parse("0:50:56:ab:cd:0f", &n), -1, "a one-digit byte refused");
	tap_is_int(mac_parse("00:50:56:ab:cd:0", &n), -1, "a cut last byte refused");
	tap_is_int(mac_parse("00.50.56.ab.cd.0f", &n), -1, "dots refused");
	tap_is_int(mac_parse("", &n), -1, "empty refused");
	tap_ok(mac_is_unicast(&m), "00:50:56:.. is unicast");
	mac_parse("01:00:5e:00:00:01", &n);
	tap_ok(!mac_is_unicast(&n), "01:.. is multicast");
	memset(&n, 0, sizeof(n));
	tap_ok(!mac_is_unicast(&n), "all zero is not a unicast address");
}

int main(void)
{
	digits();
	uuids();
	macs();
	return tap_done();
}
