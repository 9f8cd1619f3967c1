/*
 * guestinfo.h - guestinfo.nhv.KEY from the outer VMware host, asked
 * through `nhv-guestinfo get nhv.KEY` (the program $NHV_GUESTINFO_CMD names,
 * for tests).  No backdoor, no value or no answer within 5 s: not set.
 */
#ifndef NHV_GUESTINFO_H
#define NHV_GUESTINFO_H

#include <stddef.h>

/* 0 with the value in out, else -1. */
int guestinfo_get(const char *key, char *out, size_t size);

#endif
