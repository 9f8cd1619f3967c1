/*
 * config.c - the settings' sources gathered and decided by the one rule of
 * userland/lib/nhvconf (docs/handshake.md, "Settings: one owner, one
 * precedence").  nhv-toolsd is the one program that reads the outer host's
 * keys; it publishes the result in RUN_DIR/settings for every other program,
 * and the daemon decides again (config_recheck) when the host may have
 * changed a key, applying what changed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "userland/nhv-toolsd/toolsd.h"
#include "userland/lib/atomic.h"
#include "handshake/bdoor_def.h"
#include "handshake/nhvbd_err.h"
#include "handshake/rpci.h"

#define DATADISK_SETTINGS_MAX (64 * 1024)

/* The texts of every source, kept between a read and its decision. */
static struct {
	char identity_host[NHVCONF_VALUE_MAX];
	char uuid[64];
	char cmdline[4096];
	char ovfenv[GUESTMSG_MAX_IN_SIZE + 1];
	char gi[NHVCONF_NKEYS][1024];
	char *datadisk;
	struct nhvconf_sources s;
} src;

static unsigned warned;

static void warn(void *ctx, enum nhvconf_source s, const char *key, unsigned line, const char *why)
{
	(void)ctx;
	warned++;
	if (s == NHVCONF_DATADISK_FILE)
		log_msg("%s:%u: %s ignored: %s", opts.datadisk_settings, line, key, why);
	else if (s == NHVCONF_GUESTINFO)
		log_msg("guestinfo.%s ignored: %s", key, why);
	else
		log_msg("%s %s ignored: %s", nhvconf_source_name(s), key, why);
}

/* hostname= of RUN_DIR/identity: the name nhv-identity decided. */
static void read_identity_hostname(void)
{
	char path[300], text[8192];
	long n;
	const char *p;

	run_path(path, sizeof(path), "identity");
	n = file_read(path, text, sizeof(text));
	for (p = n > 0 ? text : ""; *p; p += strcspn(p, "\n"), p += *p == '\n') {
		if (strncmp(p, "hostname=", 9) == 0) {
			snprintf(src.identity_host, sizeof(src.identity_host), "%.*s",
				 (int)strcspn(p + 9, "\n"), p + 9);
			src.s.identity_hostname = src.identity_host;
			return;
		}
	}
}

/* guestinfo.ovfEnv and guestinfo.nhv.KEY; returns how many reads failed
 * (an unset key is not a failure). */
static int read_host(const struct nhvbd_transport *t)
{
	char key[64];
	int k, err, failed = 0;

	err = nhvbd_info_get(t, "ovfEnv", src.ovfenv, sizeof(src.ovfenv));
	if (err == 0) {
		src.s.ovfenv = src.ovfenv;
		src.s.ovfenv_len = strlen(src.ovfenv);
	} else if (err != NHVBD_ERPC) {
		log_msg("guestinfo.ovfEnv: %s", nhvbd_strerror(err));
		failed++;
	}
	for (k = 0; k < NHVCONF_NKEYS; k++) {
		snprintf(key, sizeof(key), "nhv.%s", nhvconf_key_name((enum nhvconf_key)k));
		err = nhvbd_info_get(t, key, src.gi[k], sizeof(src.gi[k]));
		if (err == NHVBD_ERPC)
			continue;	/* unset: "No value found" */
		if (err) {
			log_msg("guestinfo.%s: %s", key, nhvbd_strerror(err));
			failed++;
			continue;
		}
		src.s.guestinfo[k] = src.gi[k];
	}
	return failed;
}

int config_read_sources(const struct nhvbd_transport *t)
{
	size_t len = 0;
	long n;

	free(src.datadisk);
	memset(&src, 0, sizeof(src));
	read_identity_hostname();
	if (file_read(opts.dmi_uuid, src.uuid, sizeof(src.uuid)) > 0)
		src.s.hw_uuid = src.uuid;
	n = file_read(opts.cmdline, src.cmdline, sizeof(src.cmdline));
	if (n > 0) {
		src.s.cmdline = src.cmdline;
		src.s.cmdline_len = (size_t)n;
	}
	src.datadisk = read_file(opts.datadisk_settings, DATADISK_SETTINGS_MAX, &len);
	if (src.datadisk) {
		src.s.datadisk = src.datadisk;
		src.s.datadisk_len = len;
	} else if (errno != ENOENT) {
		log_msg("%s: %s; its settings are not used", opts.datadisk_settings, strerror(errno));
	}
	return t ? -read_host(t) : 0;
}

void config_decide_read(struct nhvconf *c, int quiet)
{
	warned = 0;
	nhvconf_decide(c, &src.s, quiet ? NULL : warn, NULL);
	if (!quiet && c->ignored > warned)
		log_msg("%u value(s) on the kernel command line or in guestinfo.ovfEnv ignored "
			"(unknown key or invalid value; keys: hostname ipaddress netmask gateway dns "
			"ntp password datadisk macprefix macmode)", c->ignored - warned);
}

int config_decide(struct nhvconf *c, const struct nhvbd_transport *t)
{
	int rc = config_read_sources(t);

	config_decide_read(c, 0);
	return rc;
}

void config_publish(const struct nhvconf *c)
{
	char text[8192], path[300], link[300], now[32];
	long len = nhvconf_format_settings(c, text, sizeof(text));
	ssize_t n;
	int err;

	run_path(path, sizeof(path), "settings");
	if (len < 0 || (err = file_write(path, text, (size_t)len)) != 0) {
		log_msg("cannot write %s: %s", path, len < 0 ? "too long" : strerror(-err));
		return;
	}
	/* RUN_DIR/config: the earlier name of the same file. */
	run_path(link, sizeof(link), "config");
	n = readlink(link, now, sizeof(now) - 1);
	if (n == 8 && memcmp(now, "settings", 8) == 0)
		return;
	unlink(link);
	if (symlink("settings", link) != 0)
		log_msg("cannot link %s to settings: %s", link, strerror(errno));
}

static const char *shown(const struct nhvconf *c, int k)
{
	const char *v = nhvconf_get(c, (enum nhvconf_key)k);

	return !v ? "unset" : k == NHVCONF_PASSWORD ? "(set)" : v;
}

unsigned config_recheck(struct nhvconf *cur, const struct nhvbd_transport *t)
{
	static struct nhvconf next;
	unsigned changed = 0;
	int k;

	if (config_read_sources(t) != 0)
		return 0;	/* the host did not answer every read: keep what is applied */
	config_decide_read(&next, 1);
	if (next.ignored != cur->ignored)
		config_decide_read(&next, 0);	/* say what is not taken, once per change */
	for (k = 0; k < NHVCONF_NKEYS; k++) {
		const char *a = nhvconf_get(cur, (enum nhvconf_key)k);
		const char *b = nhvconf_get(&next, (enum nhvconf_key)k);

		if (cur->v[k].source == next.v[k].source && (!a || strcmp(a, b) == 0))
			continue;
		log_msg("setting %s: %s (%s) -> %s (%s)", nhvconf_key_name((enum nhvconf_key)k),
			shown(cur, k), nhvconf_source_name(cur->v[k].source), shown(&next, k),
			nhvconf_source_name(next.v[k].source));
		changed |= 1u << k;
	}
	*cur = next;
	if (changed) {
		config_apply_changed(cur, changed);
		config_publish(cur);
	}
	return changed;
}
