/*
 * facts.h - everything the low-bandwidth commands tell about the outer
 * host, gathered in one call and written as "key=value" lines (the format
 * of /run/nhv/backdoor, which nhv-check and the status block read).
 */
#ifndef NHV_FACTS_H
#define NHV_FACTS_H

#include <stddef.h>
#include <stdint.h>

#include "handshake/commands.h"

struct nhvbd_facts {
	int present;			/* GETVERSION answered */
	int probe_err;			/* NHVBD_E* when not present */
	struct nhvbd_version version;
	int have_uuid, have_hw, have_build, have_mem, have_hz, have_vcpu, have_nesting;
	uint8_t uuid[16];
	uint32_t hw_version, build, memsize, vcpu_info, nesting_eax;
	struct nhvbd_hz hz;
};

/* Runs GETVERSION and, if it answered, the other read-only commands
 * (GETUUID, GETHWVERSION, GETBUILDNUM, GETMEMSIZE, GETHZ, GET_VCPU_INFO,
 * NESTING_CONTROL QUERY).  Returns 0 or GETVERSION's error. */
int nhvbd_facts_collect(const struct nhvbd_transport *t, struct nhvbd_facts *f);
/* "present=1\nversion=6\n..." into buf; returns the length (truncated at cap). */
size_t nhvbd_facts_format(const struct nhvbd_facts *f, char *buf, size_t cap);
/* The NESTING_CONTROL QUERY answer alone ("supported=1\nquery_eax=0x2\n"). */
size_t nhvbd_facts_format_nesting(const struct nhvbd_facts *f, char *buf, size_t cap);

#endif
