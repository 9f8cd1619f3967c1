/* derive.h - raw facts to capabilities (pure). */
#ifndef NHV_CHECK_DERIVE_H
#define NHV_CHECK_DERIVE_H

#include "tools/nhv-check/facts.h"

void facts_derive(struct facts *f);

#endif
