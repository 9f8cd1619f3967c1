/* cmdline.c - nhv-init's copy of the kernel command line, read once; the
 * words are found by userland/lib/cmdline.c (the kernel's rules). */
#include <stdio.h>
#include <string.h>

#include "userland/lib/cmdline.h"
#include "nhv-init.h"

static char cmdline[4096];

int cmdline_load(void)
{
	return read_text("/proc/cmdline", cmdline, sizeof(cmdline)) < 0 ? -1 : 0;
}

void cmdline_set(const char *text)
{
	snprintf(cmdline, sizeof(cmdline), "%s", text);
}

const char *cmdline_get(const char *key)
{
	static char value[512];

	return cmdline_find(cmdline, strlen(cmdline), key, value, sizeof(value)) ? value : NULL;
}
