/* sysroot.c - path prefix for tests (see sysroot.h). */
#include "userland/lib/sysroot.h"

#include <stdio.h>
#include <stdlib.h>

const char *sysroot(const char *abs, char *buf, size_t size)
{
	const char *root = getenv("NHV_SYSROOT");

	snprintf(buf, size, "%s%s", root ? root : "", abs);
	return buf;
}

int sysroot_is_fake(void)
{
	const char *root = getenv("NHV_SYSROOT");

	return root && root[0];
}
