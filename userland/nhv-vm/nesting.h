/* nesting.h - NESTING_CONTROL towards L0 by the nhv.nesting policy (nesting.c). */
#ifndef NHV_VM_NESTING_H
#define NHV_VM_NESTING_H

#include "userland/nhv-vm/config.h"

struct nesting;

/* QUERY and, per the policy, RESTRICT_BACKDOOR; NULL only when out of memory. */
struct nesting *nesting_start(enum vm_nesting policy);
/* OPEN_BACKDOOR when this was the last VM that restricted it; frees n. */
void nesting_stop(struct nesting *n);

#endif
