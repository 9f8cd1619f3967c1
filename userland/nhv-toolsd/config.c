/*
 * config.c - the guestinfo.nhv.* keys from their sources (kernel command
 * line, guestinfo.ovfEnv, guestinfo.nhv.KEY, and nhv-identity's host name as
 * the default; one precedence: nhvconf.h and docs/handshake.md), and
 * /run/nhv/config, which says what came from where.
 */
#include <stdio.h>
#include <string.h>

#include "userland/nhv-toolsd/toolsd.h"
#include "handshake/bdoor_def.h"
#include "handshake/nhvbd_err.h"
#include "handshake/rpci.h"

void config_defaults(struct nhvconf *c)
{
	char path[300], text[8192], why[160];
	long n;
	const char *p;

	run_path(path, sizeof(path), "identity");
	n = file_read(path, text, sizeof(text));
	for (p = n > 0 ? text : ""; *p; p += strcspn(p, "\n"), p += *p == '\n') {
		if (strncmp(p, "hostname=", 9) == 0) {
			if (nhvconf_set(c, NHVCONF_HOSTNAME, p + 9, strcspn(p + 9, "\n"),
					NHVCONF_DEFAULT, why, sizeof(why)) < 0)
				log_msg("%s: hostname ignored: %s", path, why);
			return;
		}
	}
}

void config_from_cmdline(struct nhvconf *c)
{
	char buf[4096];
	long n = file_read(opts.cmdline, buf, sizeof(buf));
	unsigned before = c->ignored;
	int set;

	if (n < 0)
		return;
	set = nhvconf_parse_cmdline(c, buf, (size_t)n);
	if (set > 0)
		log_msg("%d setting(s) from the kernel command line", set);
	if (c->ignored > before)
		log_msg("%u nhv.guestinfo.* setting(s) on the kernel command line ignored "
			"(unknown key or invalid value; keys: hostname ipaddress netmask gateway dns ntp password)",
			c->ignored - before);
}

void config_from_host(struct nhvconf *c, const struct nhvbd_transport *t)
{
	static char value[GUESTMSG_MAX_IN_SIZE + 1];
	char key[64], why[160];
	int k, err;

	err = nhvbd_info_get(t, "ovfEnv", value, sizeof(value));
	if (err == 0) {
		int set = nhvconf_parse_ovfenv(c, value, strlen(value));

		log_msg("guestinfo.ovfEnv: %d setting(s) taken", set);
	} else if (err != NHVBD_ERPC) {
		log_msg("guestinfo.ovfEnv: %s", nhvbd_strerror(err));
	}
	for (k = 0; k < NHVCONF_NKEYS; k++) {
		snprintf(key, sizeof(key), "nhv.%s", nhvconf_key_name((enum nhvconf_key)k));
		err = nhvbd_info_get(t, key, value, sizeof(value));
		if (err == NHVBD_ERPC)
			continue;	/* unset: "No value found" */
		if (err) {
			log_msg("guestinfo.%s: %s", key, nhvbd_strerror(err));
			continue;
		}
		if (nhvconf_set(c, (enum nhvconf_key)k, value, strlen(value), NHVCONF_GUESTINFO, why,
				sizeof(why)) < 0)
			log_msg("guestinfo.%s ignored: %s", key, why);
	}
}

void config_publish(const struct nhvconf *c)
{
	char text[4096], path[300];
	size_t len = 0;
	int k;

	for (k = 0; k < NHVCONF_NKEYS; k++) {
		const char *v = nhvconf_get(c, (enum nhvconf_key)k);
		int n;

		if (!v)
			continue;
		n = snprintf(text + len, sizeof(text) - len, "%s=%s\n%s_source=%s\n",
			     nhvconf_key_name((enum nhvconf_key)k),
			     k == NHVCONF_PASSWORD ? "(set)" : v,
			     nhvconf_key_name((enum nhvconf_key)k),
			     nhvconf_source_name(c->v[k].source));
		if (n < 0 || (size_t)n >= sizeof(text) - len)
			break;
		len += (size_t)n;
	}
	run_path(path, sizeof(path), "config");
	file_write(path, text, len);
}
