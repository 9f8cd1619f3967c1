/*
 * hostname.c - the appliance's hostname: `nhv.guestinfo.hostname=NAME` on
 * the kernel command line if given and valid; else the one nhv-identity
 * set from the stored identity; else "nhv-" and the last six hex digits of
 * the SMBIOS system UUID (so fifty clones get fifty names).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nhv-init.h"

/* RFC 1123 host name: labels of letters, digits and '-', not starting or
 * ending with '-', at most 63 characters each, 253 in all. */
int hostname_valid(const char *name)
{
	size_t len = strlen(name), label = 0, i;

	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (c == '.') {
			if (label == 0 || name[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)c) && c != '-')
			return 0;
		if (c == '-' && label == 0)
			return 0;
		if (++label > 63)
			return 0;
	}
	return name[len - 1] != '-' && name[len - 1] != '.';
}

int hostname_setup(char *name, size_t len)
{
	const char *wanted = cmdline_get("nhv.guestinfo.hostname");
	char uuid[64], hosts[512], current[256] = "";
	size_t ulen;

	if (wanted && !hostname_valid(wanted)) {
		log_msg("nhv.guestinfo.hostname=%s is not a valid host name "
			"(letters, digits and '-', labels of at most 63); using the default",
			wanted);
		wanted = NULL;
	}
	gethostname(current, sizeof(current) - 1);
	if (wanted) {
		snprintf(name, len, "%s", wanted);
	} else if (current[0] && strcmp(current, "(none)") != 0 && hostname_valid(current)) {
		snprintf(name, len, "%s", current);
	} else if ((ulen = (size_t)read_file("/sys/class/dmi/id/product_uuid", uuid,
					     sizeof(uuid))) >= 6 && ulen < sizeof(uuid)) {
		size_t i;

		snprintf(name, len, "nhv-%s", uuid + ulen - 6);
		for (i = 0; name[i]; i++)
			name[i] = (char)tolower((unsigned char)name[i]);
	} else {
		snprintf(name, len, "nhv");
	}
	if (sethostname(name, strlen(name)) < 0) {
		log_msg("sethostname %s failed", name);
		return -1;
	}
	write_file("/etc/hostname", name);
	snprintf(hosts, sizeof(hosts), "127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost\n",
		 name);
	write_file("/etc/hosts", hosts);
	return 0;
}
