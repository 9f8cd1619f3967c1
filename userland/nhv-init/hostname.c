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

#include "userland/lib/nhvconf.h"
#include "nhv-init.h"

int hostname_setup(char *name, size_t len)
{
	const char *wanted = cmdline_get("nhv.guestinfo.hostname");
	char uuid[64], hosts[512], current[256] = "";
	size_t ulen;

	if (wanted && !nhvconf_valid_hostname(wanted)) {
		log_msg("nhv.guestinfo.hostname=%s is not a valid host name "
			"(letters, digits and '-', labels of at most 63); using the default",
			wanted);
		wanted = NULL;
	}
	gethostname(current, sizeof(current) - 1);
	if (wanted) {
		snprintf(name, len, "%s", wanted);
	} else if (current[0] && strcmp(current, "(none)") != 0 && nhvconf_valid_hostname(current)) {
		snprintf(name, len, "%s", current);
	} else if ((ulen = (size_t)read_text("/sys/class/dmi/id/product_uuid", uuid,
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
	if (nhvconf_hosts_text(hosts, sizeof(hosts), name) > 0)
		write_file("/etc/hosts", hosts);
	return 0;
}
