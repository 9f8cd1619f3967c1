/*
 * test-nhvconf-decide.c - the one decision of the appliance settings
 * (nhvconf_decide): every row of the precedence table in docs/handshake.md
 * against every weaker one, the data disk's settings file, the fallback
 * host name, hostile values from each source, and the /run/nhv/settings
 * format (round trip and hostile files).
 */
#include <stdio.h>
#include <string.h>

#include "userland/lib/tap.h"
#include "userland/lib/nhvconf.h"

#define S(x) x, sizeof(x) - 1

enum { ROW_GUESTINFO, ROW_OVFENV, ROW_CMDLINE, ROW_DATADISK, ROW_DEFAULT, NROWS };
static const char *const row_name[NROWS] = {
	"guestinfo.nhv.KEY", "guestinfo.ovfEnv", "kernel command line", "data disk", "default",
};
static const enum nhvconf_source row_source[NROWS] = {
	NHVCONF_GUESTINFO, NHVCONF_OVFENV, NHVCONF_CMDLINE, NHVCONF_DATADISK_FILE, NHVCONF_DEFAULT,
};

static char texts[NROWS][512];
static unsigned warnings;
static char last_warning[300];

static void warn(void *ctx, enum nhvconf_source src, const char *key, unsigned line,
		 const char *why)
{
	(void)ctx;
	warnings++;
	snprintf(last_warning, sizeof(last_warning), "%s %s:%u %s", nhvconf_source_name(src), key,
		 line, why);
}

/* Sources where the rows in mask give hostname (and ntp) the value row-N. */
static void sources_for(struct nhvconf_sources *s, unsigned mask)
{
	int r;

	memset(s, 0, sizeof(*s));
	for (r = 0; r < NROWS; r++) {
		if (!(mask & (1u << r)))
			continue;
		switch (r) {
		case ROW_GUESTINFO:
			s->guestinfo[NHVCONF_HOSTNAME] = "row-0";
			s->guestinfo[NHVCONF_NTP] = "10.0.0.1";
			break;
		case ROW_OVFENV:
			snprintf(texts[r], sizeof(texts[r]),
				 "<Property oe:key=\"hostname\" oe:value=\"row-1\"/>"
				 "<Property oe:key=\"ntp\" oe:value=\"10.0.0.2\"/>");
			s->ovfenv = texts[r];
			s->ovfenv_len = strlen(texts[r]);
			break;
		case ROW_CMDLINE:
			snprintf(texts[r], sizeof(texts[r]),
				 "quiet guestinfo.nhv.hostname=row-2 nhv.guestinfo.ntp=10.0.0.3");
			s->cmdline = texts[r];
			s->cmdline_len = strlen(texts[r]);
			break;
		case ROW_DATADISK:
			snprintf(texts[r], sizeof(texts[r]),
				 "guestinfo.nhv.hostname = \"row-3\"\r\nGUESTINFO.NHV.NTP = \"10.0.0.4\"\r\n");
			s->datadisk = texts[r];
			s->datadisk_len = strlen(texts[r]);
			break;
		case ROW_DEFAULT:
			s->identity_hostname = "row-4";
			break;
		}
	}
}

static void precedence_rows(void)
{
	struct nhvconf_sources s;
	struct nhvconf c;
	char want[16];
	int hi, lo;

	for (hi = 0; hi < NROWS; hi++) {
		sources_for(&s, 1u << hi);
		nhvconf_decide(&c, &s, warn, NULL);
		snprintf(want, sizeof(want), "row-%d", hi);
		tap_is_str(nhvconf_get(&c, NHVCONF_HOSTNAME), want, "%s alone gives the host name",
			   row_name[hi]);
		tap_is_int(c.v[NHVCONF_HOSTNAME].source, row_source[hi], "... with its source");
		for (lo = hi + 1; lo < NROWS; lo++) {
			sources_for(&s, 1u << hi | 1u << lo);
			nhvconf_decide(&c, &s, warn, NULL);
			tap_is_str(nhvconf_get(&c, NHVCONF_HOSTNAME), want, "%s wins over %s",
				   row_name[hi], row_name[lo]);
		}
	}
	sources_for(&s, (1u << NROWS) - 1);
	nhvconf_decide(&c, &s, warn, NULL);
	tap_is_str(nhvconf_get(&c, NHVCONF_NTP), "10.0.0.1", "all sources: ntp from guestinfo.nhv.ntp");
	sources_for(&s, (1u << ROW_CMDLINE) | (1u << ROW_DATADISK));
	nhvconf_decide(&c, &s, warn, NULL);
	tap_is_str(nhvconf_get(&c, NHVCONF_NTP), "10.0.0.3", "ntp: command line over the data disk");
}

static void fallback(void)
{
	struct nhvconf_sources s;
	struct nhvconf c;
	char name[16];

	memset(&s, 0, sizeof(s));
	s.hw_uuid = "564D1234-5678-9ABC-DEF0-11223344AABB\n";
	nhvconf_decide(&c, &s, warn, NULL);
	tap_is_str(nhvconf_get(&c, NHVCONF_HOSTNAME), "nhv-44aabb",
		   "no identity: nhv- and the UUID's last six hex digits, lower case");
	tap_is_int(c.v[NHVCONF_HOSTNAME].source, NHVCONF_DEFAULT, "... source default");
	s.identity_hostname = "bad_name!";
	warnings = 0;
	nhvconf_decide(&c, &s, warn, NULL);
	tap_is_str(nhvconf_get(&c, NHVCONF_HOSTNAME), "nhv-44aabb",
		   "an invalid identity host name falls back too");
	tap_is_int(warnings, 1, "... and is reported");
	nhvconf_fallback_hostname("ab", name, sizeof(name));
	tap_is_str(name, "nhv", "a short UUID text: plain nhv");
	nhvconf_fallback_hostname("564d-zzzzzz", name, sizeof(name));
	tap_is_str(name, "nhv", "non-hex UUID digits: plain nhv");
	nhvconf_fallback_hostname(NULL, name, sizeof(name));
	tap_is_str(name, "nhv", "no UUID: plain nhv");
	s.hw_uuid = NULL;
	s.identity_hostname = NULL;
	nhvconf_decide(&c, &s, warn, NULL);
	tap_is_str(nhvconf_get(&c, NHVCONF_HOSTNAME), "nhv", "nothing at all: the host name is nhv");
}

static void hostile(void)
{
	static char big[1200];
	struct nhvconf_sources s;
	struct nhvconf c;
	int k;

	memset(&s, 0, sizeof(s));
	memset(big, 'a', sizeof(big) - 1);
	s.guestinfo[NHVCONF_HOSTNAME] = big;
	s.guestinfo[NHVCONF_IPADDRESS] = "10.0.0.1\n10.0.0.2";
	s.guestinfo[NHVCONF_PASSWORD] = "x:0:0:root";
	s.guestinfo[NHVCONF_MACPREFIX] = "vmware; rm -rf /";
	s.guestinfo[NHVCONF_MACMODE] = "RANDOM";
	s.guestinfo[NHVCONF_DATADISK] = "format please";
	s.guestinfo[NHVCONF_NTP] = "pool.ntp.org -x";
	s.cmdline = "nhv.guestinfo.password=\"a\nb\" guestinfo.nhv.datadisk=yes nhv.guestinfo.macmode=\"";
	s.cmdline_len = strlen(s.cmdline);
	s.identity_hostname = "nhv-abc123";
	warnings = 0;
	nhvconf_decide(&c, &s, warn, NULL);
	tap_is_str(nhvconf_get(&c, NHVCONF_HOSTNAME), "nhv-abc123",
		   "a 1199-byte guestinfo host name is refused: the default stays");
	for (k = 0; k < NHVCONF_NKEYS; k++)
		if (k != NHVCONF_HOSTNAME && nhvconf_get(&c, (enum nhvconf_key)k))
			break;
	tap_is_int(k, NHVCONF_NKEYS, "no hostile value is taken (first taken: %s)",
		   k < NHVCONF_NKEYS ? nhvconf_key_name((enum nhvconf_key)k) : "none");
	tap_is_int(warnings, 7, "each hostile guestinfo value is reported (%s)", last_warning);
	tap_ok(c.ignored >= 9, "command-line refusals are counted too (%u)", c.ignored);
}

static void datadisk_file(void)
{
	struct nhvconf c;

	nhvconf_init(&c);
	warnings = 0;
	tap_is_int(nhvconf_parse_datadisk(&c, S("# comment\n\nguestinfo.nhv.ntp = \"a.example\"\n"
						"guestinfo.nhv.ntp = \"b.example\"\n"
						"guestinfo.nhv.datadisk = \"format\"\n"
						"displayName = \"lab\"\n"
						"this is not a pair\n"
						"guestinfo.nhv.dns = \"10.0.0.1|2010.0.0.2\"\n"),
					    warn, NULL),
		   3, "data disk file: three values taken");
	tap_is_str(nhvconf_get(&c, NHVCONF_NTP), "b.example", "the last line of a key wins");
	tap_ok(nhvconf_get(&c, NHVCONF_DATADISK) == NULL, "datadisk cannot come from the data disk");
	tap_is_str(nhvconf_get(&c, NHVCONF_DNS), "10.0.0.1 10.0.0.2", "|20 escapes are decoded");
	tap_is_int(warnings, 3, "datadisk, the other key and the non-pair are reported");
	tap_ok(strstr(last_warning, ":7 expected guestinfo.nhv.KEY") != NULL,
	       "... with their line: %s", last_warning);
	nhvconf_init(&c);
	nhvconf_set(&c, NHVCONF_NTP, S("10.9.9.9"), NHVCONF_CMDLINE, NULL, 0);
	nhvconf_parse_datadisk(&c, S("guestinfo.nhv.ntp = \"10.0.0.4\"\n"), warn, NULL);
	tap_is_str(nhvconf_get(&c, NHVCONF_NTP), "10.9.9.9", "the data disk does not beat the command line");
	tap_is_int(nhvconf_parse_datadisk(&c, S("guestinfo.nhv.hostname = \"a\0b\"\n"), warn, NULL), 0,
		   "a NUL inside a value is refused");
	tap_is_int(nhvconf_parse_datadisk(&c, S("guestinfo.nhv.hostname = \"lab|00evil\"\n"), warn,
					  NULL), 0, "a |00 escape is refused, not cut short");
}

static void settings_file(void)
{
	static const char good[] =
		"# nhv appliance settings\n"
		"hostname=lab1\nhostname_source=guestinfo\n"
		"dns=10.0.0.2 10.0.0.3\ndns_source=kernel command line\n"
		"password=(set)\npassword_source=guestinfo.ovfEnv\n"
		"macmode=deterministic\nmacmode_source=data disk\n";
	static const struct { const char *text, *why; } bad[] = {
		{ "hostname=lab1\n", "end of file: a value without its _source line" },
		{ "hostname_source=guestinfo\n", "a _source line without a value" },
		{ "hostname=lab1\nhostname_source=somewhere\n", "line 2: unknown source" },
		{ "hostname=lab_1\nhostname_source=guestinfo\n", "line 1: expected a host name" },
		{ "hostname=a\nhostname=b\n", "line 2: a second value" },
		{ "frob=1\n", "line 1: unknown key" },
		{ "hostname\n", "line 1: expected KEY=VALUE" },
		{ "password=hunter2\npassword_source=guestinfo\n", "line 1: expected password=(set)" },
		{ "hostname=\nhostname_source=guestinfo\n", "line 1: expected a value of 1-255 bytes" },
		{ "ipaddress=10.0.0.1\r\nipaddress_source=guestinfo\n", "line 1: expected an IPv4" },
		{ "macmode=random\nmacmode_source=guestinfo\nmacmode_source=default\n", "line 3: a second source" },
	};
	struct nhvconf c, back;
	char buf[4096], buf2[4096], why[200];
	long n, n2;
	unsigned i;

	tap_is_int(nhvconf_parse_settings(&c, S(good), why, sizeof(why)), 0, "a settings file parses");
	tap_is_str(nhvconf_get(&c, NHVCONF_DNS), "10.0.0.2 10.0.0.3", "... a value with spaces");
	tap_is_int(c.v[NHVCONF_DNS].source, NHVCONF_CMDLINE, "... a source with spaces");
	tap_is_str(nhvconf_get(&c, NHVCONF_PASSWORD), "", "... the password's value is never there");
	tap_is_int(c.v[NHVCONF_PASSWORD].source, NHVCONF_OVFENV, "... but its source is");
	n = nhvconf_format_settings(&c, buf, sizeof(buf));
	tap_ok(n > 0 && nhvconf_parse_settings(&back, buf, (size_t)n, why, sizeof(why)) == 0,
	       "format, then parse again");
	n2 = nhvconf_format_settings(&back, buf2, sizeof(buf2));
	tap_ok(n2 == n && memcmp(buf, buf2, (size_t)n) == 0, "... the same text (round trip)");
	tap_is_int(nhvconf_format_settings(&c, buf, 40), -1, "a too small buffer is refused");
	nhvconf_init(&c);
	nhvconf_set(&c, NHVCONF_PASSWORD, S("s3cret"), NHVCONF_GUESTINFO, NULL, 0);
	n = nhvconf_format_settings(&c, buf, sizeof(buf));
	tap_ok(n > 0 && !memmem(buf, (size_t)n, "s3cret", 6), "the password never reaches the file");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		tap_ok(nhvconf_parse_settings(&c, bad[i].text, strlen(bad[i].text), why, sizeof(why)) == -1 &&
			       strstr(why, bad[i].why) && nhvconf_get(&c, NHVCONF_HOSTNAME) == NULL,
		       "refused, nothing half-read: %s (said: %s)", bad[i].why, why);
	}
	tap_is_int(nhvconf_parse_settings(&c, S("hostname=a\0b\nhostname_source=guestinfo\n"), why,
					  sizeof(why)), -1, "a NUL byte is refused");
	tap_is_int(nhvconf_parse_settings(&c, S("# only a comment"), why, sizeof(why)), 0,
		   "a file without settings (no final newline) parses");
}

int main(void)
{
	precedence_rows();
	fallback();
	hostile();
	datadisk_file();
	settings_file();
	return tap_done();
}
