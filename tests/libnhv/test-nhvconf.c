/*
 * test-nhvconf.c - the configuration keys: kernel command line, OVF
 * environment, guestinfo precedence and value checks.
 */
#include <string.h>

#include "userland/lib/tap.h"
#include "userland/lib/nhvconf.h"

#define S(x) x, sizeof(x) - 1

static const char ovf[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<Environment xmlns=\"http://schemas.dmtf.org/ovf/environment/1\"\n"
	"     xmlns:oe=\"http://schemas.dmtf.org/ovf/environment/1\" oe:id=\"\">\n"
	"   <PlatformSection><Kind>VMware ESXi</Kind></PlatformSection>\n"
	"   <PropertySection>\n"
	"         <Property oe:key=\"guestinfo.hostname\" oe:value=\"ovf-host\"/>\n"
	"         <Property oe:key=\"guestinfo.nhv.ipaddress\" oe:value=\"10.1.2.3\"/>\n"
	"         <Property oe:key=\"nhv.netmask\" oe:value=\"255.255.0.0\"/>\n"
	"         <Property oe:key=\"dns\" oe:value=\"10.1.0.1, 10.1.0.2\"/>\n"
	"         <Property oe:key=\"password\" oe:value=\"p&amp;ss&#x21;&lt;\"/>\n"
	"         <Property oe:key=\"guestinfo.other\" oe:value=\"ignored\"/>\n"
	"         <Property oe:key=\"gateway\" oe:value=\"999.1.1.1\"/>\n"
	"         <Property oe:value=\"10.9.9.9\" oe:key=\"ntp\" />\n"
	"   </PropertySection>\n"
	"</Environment>\n";

int main(void)
{
	struct nhvconf c;
	char why[128];

	nhvconf_init(&c);
	tap_is_int(nhvconf_parse_cmdline(&c, S("BOOT_IMAGE=/vmlinuz quiet nhv.guestinfo.hostname=lab1 "
					      "nhv.guestinfo.dns=\"8.8.8.8 1.1.1.1\" nhv.guestinfo.bogus=1 "
					      "nhv.guestinfo.gateway=10.0.0.300 nhv.shell=serial "
					      "nhv.guestinfo.ntp=")), 2,
		   "command line: two keys set");
	tap_is_str(nhvconf_get(&c, NHVCONF_HOSTNAME), "lab1", "nhv.guestinfo.hostname=lab1");
	tap_is_str(nhvconf_get(&c, NHVCONF_DNS), "8.8.8.8 1.1.1.1", "a quoted value with a space");
	tap_ok(nhvconf_get(&c, NHVCONF_GATEWAY) == NULL, "an invalid gateway is not taken");
	tap_ok(nhvconf_get(&c, NHVCONF_NTP) == NULL, "an empty value leaves the default");
	tap_is_int(c.ignored, 2, "the unknown key and the invalid value are counted");
	tap_is_int(c.v[NHVCONF_HOSTNAME].source, NHVCONF_CMDLINE, "source: command line");

	tap_is_int(nhvconf_parse_ovfenv(&c, ovf, sizeof(ovf) - 1), 6, "OVF environment: six keys set");
	tap_is_str(nhvconf_get(&c, NHVCONF_HOSTNAME), "ovf-host", "OVF guestinfo.hostname beats the command line");
	tap_is_str(nhvconf_get(&c, NHVCONF_IPADDRESS), "10.1.2.3", "OVF guestinfo.nhv.ipaddress");
	tap_is_str(nhvconf_get(&c, NHVCONF_NETMASK), "255.255.0.0", "OVF nhv.netmask");
	tap_is_str(nhvconf_get(&c, NHVCONF_DNS), "10.1.0.1, 10.1.0.2", "OVF dns beats the command line");
	tap_is_str(nhvconf_get(&c, NHVCONF_PASSWORD), "p&ss!<", "XML entities are decoded");
	tap_is_str(nhvconf_get(&c, NHVCONF_NTP), "10.9.9.9", "attributes in any order");
	tap_ok(nhvconf_get(&c, NHVCONF_GATEWAY) == NULL, "an invalid OVF gateway is not taken");

	tap_is_int(nhvconf_set(&c, NHVCONF_HOSTNAME, S("from-host"), NHVCONF_GUESTINFO, why, sizeof(why)),
		   1, "guestinfo.nhv.hostname is taken");
	tap_is_str(nhvconf_get(&c, NHVCONF_HOSTNAME), "from-host", "host guestinfo wins over everything");
	tap_is_int(nhvconf_set(&c, NHVCONF_HOSTNAME, S("late"), NHVCONF_CMDLINE, why, sizeof(why)), 0,
		   "a weaker source later does not override");
	tap_is_int(nhvconf_set(&c, NHVCONF_HOSTNAME, S("  "), NHVCONF_GUESTINFO, why, sizeof(why)), 0,
		   "a blank value is ignored");
	tap_is_int(nhvconf_set(&c, NHVCONF_HOSTNAME, S("bad_name"), NHVCONF_GUESTINFO, why, sizeof(why)),
		   -1, "an invalid host name is refused");
	tap_ok(strstr(why, "host name") != NULL, "... with a reason: %s", why);
	tap_is_int(nhvconf_set(&c, NHVCONF_PASSWORD, S("a:b"), NHVCONF_GUESTINFO, why, sizeof(why)), -1,
		   "a password with ':' is refused");

	tap_is_int(nhvconf_netmask_prefix("255.255.255.0"), 24, "netmask 255.255.255.0 = /24");
	tap_is_int(nhvconf_netmask_prefix("16"), 16, "netmask 16 = /16");
	tap_is_int(nhvconf_netmask_prefix("255.0.255.0"), -1, "a non-contiguous mask is refused");
	tap_is_int(nhvconf_netmask_prefix("33"), -1, "prefix 33 is refused");
	tap_ok(!nhvconf_valid_ipv4(S("1.2.3")), "three octets are not an address");
	tap_ok(!nhvconf_valid_ipv4(S("01.2.3.4")), "leading zeros are refused");
	tap_ok(nhvconf_valid_ipv4(S("0.0.0.0")), "0.0.0.0 is an address");
	tap_ok(!nhvconf_valid_hostname("-lab"), "a host name cannot start with '-'");
	tap_ok(nhvconf_valid_hostname("lab1.example.com"), "a dotted host name");
	tap_is_int(nhvconf_key_index("password"), NHVCONF_PASSWORD, "key index by name");
	tap_is_int(nhvconf_key_index("passwd"), -1, "an unknown key name");

	nhvconf_init(&c);
	tap_is_int(nhvconf_parse_ovfenv(&c, S("<Property oe:key=\"hostname\" oe:value=\"x")), 0,
		   "a truncated OVF document sets nothing");
	tap_is_int(nhvconf_parse_ovfenv(&c, S("<Property oe:key=\"hostname\" oe:value=\"a&bogus;b\"/>")), 0,
		   "an unknown entity is refused");
	tap_is_int(nhvconf_parse_cmdline(&c, S("nhv.guestinfo.hostname=\"unterminated")), 0,
		   "an unterminated quote sets nothing");
	return tap_done();
}
