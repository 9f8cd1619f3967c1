/* guestinfo.c - ask nhv-guestinfo for a guestinfo.nhv.* key (see guestinfo.h). */
#include "userland/nhv-identity/guestinfo.h"
#include "userland/lib/runcap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int guestinfo_get(const char *key, char *out, size_t size)
{
	const char *cmd = getenv("NHV_GUESTINFO_CMD");
	char full[96];
	char *argv[4];

	if (!cmd || !cmd[0])
		cmd = "nhv-guestinfo";
	snprintf(full, sizeof(full), "nhv.%s", key);
	argv[0] = (char *)cmd;
	argv[1] = "get";
	argv[2] = full;
	argv[3] = NULL;
	/* No backdoor or an unset key is normal here: keep the console quiet
	 * (RUNCAP_QUIET); the caller falls back to its defaults. */
	if (runcap(argv, out, size, 5000, RUNCAP_QUIET | RUNCAP_PATH, NULL) != 0) {
		out[0] = '\0';
		return -1;
	}
	out[strcspn(out, "\r\n")] = '\0';
	return out[0] ? 0 : -1;
}
