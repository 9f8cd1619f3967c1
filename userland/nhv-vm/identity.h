/*
 * identity.h - values nhv-identity gives a new L2 guest (uuid.bios,
 * ethernetN.address), from the nhv-identity next to this program.
 */
#ifndef NHV_VM_IDENTITY_H
#define NHV_VM_IDENTITY_H

#include <stddef.h>

/* `nhv-identity VERB NAME [ARG]`'s first output line in out; -1 when it gave none. */
int identity_ask(const char *verb, const char *name, const char *arg, char *out, size_t len);

#endif
