/* ids.c - names and text forms of the identity enums (UUIDs and MACs: userland/lib/hexfmt.c). */
#include "userland/nhv-identity/identity.h"

#include <stdio.h>
#include <string.h>

const char *decision_name(enum decision d)
{
	switch (d) {
	case DEC_NEW: return "new";
	case DEC_SAME: return "same";
	case DEC_MOVED: return "moved";
	case DEC_CLONED: return "cloned";
	}
	return "?";
}

const char *mac_prefix_name(enum mac_prefix p)
{
	return p == MACP_VMWARE ? "vmware" : "local";
}

const char *mac_mode_name(enum mac_mode m)
{
	return m == MACM_DETERMINISTIC ? "deterministic" : "random";
}

int parse_mac_prefix(const char *s, enum mac_prefix *out)
{
	if (strcmp(s, "local") == 0)
		*out = MACP_LOCAL;
	else if (strcmp(s, "vmware") == 0)
		*out = MACP_VMWARE;
	else
		return -1;
	return 0;
}

int parse_mac_mode(const char *s, enum mac_mode *out)
{
	if (strcmp(s, "random") == 0)
		*out = MACM_RANDOM;
	else if (strcmp(s, "deterministic") == 0)
		*out = MACM_DETERMINISTIC;
	else
		return -1;
	return 0;
}
