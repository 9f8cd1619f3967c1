/*
 * replay.h - build facts from text: an nhv-check capture (strict), or a
 * pasted /proc/cpuinfo, lscpu output, dmidecode "System Information"
 * block or virt-what-cpuid-helper output (tolerant of surrounding prose).
 * Pure: works on a buffer, no file or hardware access.
 */
#ifndef NHV_CHECK_REPLAY_H
#define NHV_CHECK_REPLAY_H

#include <stddef.h>

#include "tools/nhv-check/facts.h"

#define CAPTURE_MAGIC "# nhv-check capture v1"
#define REPLAY_LINE_MAX 8192

struct replay_error {
	int line;       /* 1-based; 0 = the input as a whole */
	char msg[512];
};

/* 0 on success; -1 with *err filled.  Calls facts_init(f) first. */
int replay_parse(const char *buf, size_t len, struct facts *f, struct replay_error *err);

/* Parse only the /proc/cpuinfo text into f (flags, vmx flags, vendor, model),
 * used by the live cpuinfo probe.  Same return convention. */
int replay_parse_cpuinfo_into(const char *buf, size_t len, struct facts *f, struct replay_error *err);

#endif
