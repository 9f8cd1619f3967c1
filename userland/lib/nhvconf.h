/*
 * nhvconf.h - the appliance's settings (guestinfo.nhv.*): the one module that
 * decides every setting's value from all its sources, with one precedence.
 * nhv-toolsd gathers the sources and publishes the result in
 * /run/nhv/settings (nhvconf_format_settings); every other program reads
 * that file (nhvconf_parse_settings).  Pure C, no I/O: callers pass the
 * texts in.
 *
 * Sources, weakest first (a stronger one wins, blank values are ignored;
 * the table is in docs/handshake.md, "Settings: one owner, one precedence"):
 *   default              the host name nhv-identity decided (/run/nhv/identity),
 *                        else nhv- and the last six hex digits of the SMBIOS UUID
 *   data disk            /data/nhv/settings: guestinfo.nhv.KEY = "VALUE" lines
 *   kernel command line  nhv.guestinfo.KEY=VALUE or guestinfo.nhv.KEY=VALUE
 *                        (quotes allowed: KEY="a b")
 *   guestinfo.ovfEnv     <Property oe:key="KEY" oe:value="VALUE"/>, where KEY
 *                        is "KEY", "nhv.KEY" or "guestinfo.nhv.KEY"
 *   guestinfo.nhv.KEY    read from the host over GuestRPC
 */
#ifndef NHV_NHVCONF_H
#define NHV_NHVCONF_H

#include <stddef.h>

enum nhvconf_key {
	NHVCONF_HOSTNAME,
	NHVCONF_IPADDRESS,
	NHVCONF_NETMASK,
	NHVCONF_GATEWAY,
	NHVCONF_DNS,
	NHVCONF_NTP,
	NHVCONF_PASSWORD,
	NHVCONF_DATADISK,	/* "format": make the data disk on a blank disk */
	NHVCONF_MACPREFIX,	/* L2 MACs: local | vmware */
	NHVCONF_MACMODE,	/* L2 MACs after a clone: random | deterministic */
	NHVCONF_NKEYS
};

enum nhvconf_source {
	NHVCONF_UNSET = 0,
	NHVCONF_DEFAULT,	/* the appliance's own: nhv-identity's host name */
	NHVCONF_DATADISK_FILE,	/* /data/nhv/settings */
	NHVCONF_CMDLINE,
	NHVCONF_OVFENV,
	NHVCONF_GUESTINFO,
};

#define NHVCONF_VALUE_MAX 256

struct nhvconf {
	struct {
		char value[NHVCONF_VALUE_MAX];
		enum nhvconf_source source;
	} v[NHVCONF_NKEYS];
	unsigned ignored;	/* unknown keys, or values too long or invalid */
};

/* "hostname", "ipaddress", ... */
const char *nhvconf_key_name(enum nhvconf_key k);
/* Index of a short name, or -1. */
int nhvconf_key_index(const char *name);
const char *nhvconf_source_name(enum nhvconf_source s);

void nhvconf_init(struct nhvconf *c);
/* Sets k from source unless a stronger source set it already.  A blank
 * value is ignored.  Returns 1 when set, 0 when kept, -1 when the value is
 * invalid for k (why filled when given). */
int nhvconf_set(struct nhvconf *c, enum nhvconf_key k, const char *value, size_t len,
		enum nhvconf_source source, char *why, size_t whylen);
const char *nhvconf_get(const struct nhvconf *c, enum nhvconf_key k);

/* Reads every nhv.guestinfo.KEY=VALUE (or guestinfo.nhv.KEY=VALUE) of a
 * kernel command line.  Returns how many keys it set. */
int nhvconf_parse_cmdline(struct nhvconf *c, const char *cmdline, size_t len);
/* Reads the <Property> elements of an OVF environment document. */
int nhvconf_parse_ovfenv(struct nhvconf *c, const char *xml, size_t len);

/* Value checks: 0 = fine, -1 with a reason in why. */
int nhvconf_check(enum nhvconf_key k, const char *value, char *why, size_t whylen);
int nhvconf_valid_hostname(const char *name);

/* /etc/hosts for host name NAME (localhost, 127.0.1.1 NAME, ::1); the
 * length written, or -1 if CAP is too small. */
int nhvconf_hosts_text(char *buf, size_t cap, const char *name);
int nhvconf_valid_ipv4(const char *s, size_t len);
/* 255.255.255.0 or 24 -> prefix length, or -1. */
int nhvconf_netmask_prefix(const char *s);

/* Source by its name in the settings file ("guestinfo", ...), or UNSET. */
enum nhvconf_source nhvconf_source_index(const char *name, size_t len);

/* Told about each value a source gives that is not taken (why says so;
 * line is the line of a file source, else 0). */
typedef void nhvconf_warn_fn(void *ctx, enum nhvconf_source src, const char *key,
			     unsigned line, const char *why);

/* The data disk's settings file: .vmx syntax, guestinfo.nhv.KEY = "VALUE"
 * lines (comments and blank lines allowed; the last line of a key wins).
 * Other keys and invalid values are not taken and reported to warn.
 * datadisk cannot be set here (it is read before the disk is mounted).
 * Returns how many keys it set, or -1 when out of memory. */
int nhvconf_parse_datadisk(struct nhvconf *c, const char *text, size_t len,
			   nhvconf_warn_fn *warn, void *ctx);

/* Every source's text; NULL (or len 0) when the source has nothing. */
struct nhvconf_sources {
	const char *identity_hostname;	/* hostname= of /run/nhv/identity */
	const char *hw_uuid;		/* /sys/class/dmi/id/product_uuid */
	const char *datadisk;		/* the data disk's settings file */
	size_t datadisk_len;
	const char *cmdline;
	size_t cmdline_len;
	const char *ovfenv;
	size_t ovfenv_len;
	const char *guestinfo[NHVCONF_NKEYS];	/* guestinfo.nhv.KEY */
};

/* The one decision: c is made anew from every source by the precedence
 * above.  The host name always gets a value: nhv-identity's, else the
 * fallback nhv-XXXXXX (last six hex digits of hw_uuid), else "nhv". */
void nhvconf_decide(struct nhvconf *c, const struct nhvconf_sources *s,
		    nhvconf_warn_fn *warn, void *ctx);
/* The fallback host name from an SMBIOS UUID text (NULL: "nhv"). */
void nhvconf_fallback_hostname(const char *uuid, char *out, size_t cap);

/*
 * /run/nhv/settings, the decided result every program reads:
 *   # comment
 *   KEY=VALUE
 *   KEY_source=SOURCE        (nhvconf_source_name: guestinfo, kernel command line, ...)
 * for each key that has a value; the password's value is never written
 * (password=(set)).  Format returns the length, or -1 if cap is too small;
 * parse returns 0, or -1 with "line N: what was wrong, what was expected"
 * in why (a parsed password has the value "" and its source).
 */
long nhvconf_format_settings(const struct nhvconf *c, char *buf, size_t cap);
int nhvconf_parse_settings(struct nhvconf *c, const char *text, size_t len, char *why,
			   size_t whylen);

#endif
