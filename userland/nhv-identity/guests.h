/*
 * guests.h - the L2 guests nhv runs, as .vmx files under vms/ on the data
 * disk (vms/NAME.vmx or vms/NAME/NAME.vmx): read their uuid.bios and
 * ethernetN.address, and write new ones back (atomically, keeping the rest
 * of each file as it was).
 */
#ifndef NHV_GUESTS_H
#define NHV_GUESTS_H

#include "userland/nhv-identity/identity.h"

/* Fills g[0..max) sorted by file; returns the count, or -1 when vms/ cannot be read. */
int guests_scan(const char *datadir, struct guest_id *g, int max);
/* Rewrites the .vmx of every guest with changed set; returns how many failed. */
int guests_write(const char *datadir, const struct guest_id *g, int n);

#endif
