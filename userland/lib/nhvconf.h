/*
 * nhvconf.h - the appliance's configuration keys (guestinfo.nhv.*), from
 * their three sources, in one place for every program that needs them
 * (nhv-toolsd applies them; nhv-init can read the kernel command line with
 * the same code).  Pure C, no I/O: callers pass the texts in.
 *
 * Sources, weakest first (a stronger one wins, blank values are ignored;
 * the table is in docs/handshake.md, "Settings: one owner, one precedence"):
 *   default              the host name nhv-identity decided (/run/nhv/identity)
 *   kernel command line  nhv.guestinfo.KEY=VALUE  (quotes allowed: KEY="a b")
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
	NHVCONF_NKEYS
};

enum nhvconf_source {
	NHVCONF_UNSET = 0,
	NHVCONF_DEFAULT,	/* the appliance's own: nhv-identity's host name */
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

/* Reads every nhv.guestinfo.KEY=VALUE of a kernel command line.  Returns
 * how many keys it set. */
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

#endif
