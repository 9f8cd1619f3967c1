/* identity.c - ask nhv-identity for a new guest's values (see identity.h). */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "userland/lib/runcap.h"
#include "userland/nhv-vm/identity.h"

int identity_ask(const char *verb, const char *name, const char *arg, char *out, size_t len)
{
	char exe[PATH_MAX], ident[PATH_MAX + 16], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	snprintf(ident, sizeof(ident), "%s/nhv-identity", exe);
	char *const argv[] = { ident, (char *)verb, (char *)name, (char *)arg, NULL };
	if (runcap(argv, out, len, 10000, RUNCAP_QUIET, NULL) != 0)
		return -1;
	out[strcspn(out, "\n")] = '\0';
	return out[0] ? 0 : -1;
}
