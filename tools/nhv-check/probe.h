/*
 * probe.h - the live probes.  Each fills its part of `struct facts` and
 * marks what it could not read as unavailable, with the reason.  None of
 * them exits, crashes or blocks on a machine that lacks what it probes.
 */
#ifndef NHV_CHECK_PROBE_H
#define NHV_CHECK_PROBE_H

#include <stddef.h>

#include "tools/nhv-check/facts.h"

void probe_cpuid(struct facts *f);
void probe_cpuinfo(struct facts *f);
void probe_msr(struct facts *f);
void probe_dmi(struct facts *f);
void probe_pci(struct facts *f);
void probe_efi(struct facts *f);
void probe_backdoor(struct facts *f);
void probe_hv(struct facts *f);

/* Everything, in order; then facts_derive(). */
void probe_all(struct facts *f);

/* Read a small file into buf (NUL-terminated, trailing newline removed).
 * 0 on success, else -errno. */
int read_small_file(const char *path, char *buf, size_t sz);
/* The reason for a failed read (-errno): not-root, lockdown, not-present, io-error. */
enum fact_reason probe_reason(int neg_errno);

#endif
