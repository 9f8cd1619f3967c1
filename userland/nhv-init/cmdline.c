/* cmdline.c - the kernel command line, parsed once into key=value words. */
#include <stdio.h>
#include <string.h>

#include "nhv-init.h"

static char cmdline[4096];

int cmdline_load(void)
{
	return read_file("/proc/cmdline", cmdline, sizeof(cmdline)) < 0 ? -1 : 0;
}

void cmdline_set(const char *text)
{
	snprintf(cmdline, sizeof(cmdline), "%s", text);
}

/* Returns the value of the last "key=value" word (the kernel's own rule:
 * a later word overrides an earlier one), "" for a bare "key", else NULL. */
const char *cmdline_get(const char *key)
{
	static char value[512];
	size_t klen = strlen(key);
	const char *p = cmdline, *found = NULL;
	size_t flen = 0;

	while (*p) {
		const char *end;

		while (*p == ' ')
			p++;
		end = p;
		while (*end && *end != ' ')
			end++;
		if ((size_t)(end - p) >= klen && strncmp(p, key, klen) == 0 &&
		    (p[klen] == '=' || p + klen == end)) {
			found = p[klen] == '=' ? p + klen + 1 : end;
			flen = (size_t)(end - found);
		}
		p = end;
	}
	if (!found)
		return NULL;
	if (flen >= sizeof(value))
		flen = sizeof(value) - 1;
	memcpy(value, found, flen);
	value[flen] = '\0';
	return value;
}
