/* probe-dmi.c - SMBIOS strings from /sys/class/dmi/id.  product_serial and
 * product_uuid are readable by root only. */
#include "tools/nhv-check/probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int read_small_file(const char *path, char *buf, size_t sz)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, sz - 1);
	while (n < 0 && errno == EINTR);
	int e = errno;
	close(fd);
	if (n < 0)
		return -e;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

enum fact_reason probe_reason(int e)
{
	if (e == -EACCES || e == -EPERM)
		return geteuid() == 0 ? FR_LOCKDOWN : FR_NOT_ROOT;
	if (e == -ENOENT || e == -ENOTDIR)
		return FR_NOT_PRESENT;
	return FR_IO_ERROR;
}

void probe_dmi(struct facts *f)
{
	static const struct {
		const char *file;
		enum str_fact id;
	} files[] = {
		{ "sys_vendor", S_DMI_SYS_VENDOR },
		{ "product_name", S_DMI_PRODUCT_NAME },
		{ "product_version", S_DMI_PRODUCT_VERSION },
		{ "product_serial", S_DMI_PRODUCT_SERIAL },
		{ "product_uuid", S_DMI_PRODUCT_UUID },
		{ "board_vendor", S_DMI_BOARD_VENDOR },
		{ "chassis_vendor", S_DMI_CHASSIS_VENDOR },
		{ "bios_vendor", S_DMI_BIOS_VENDOR },
		{ "bios_version", S_DMI_BIOS_VERSION },
	};
	char path[128], buf[512];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "/sys/class/dmi/id/%s", files[i].file);
		int r = read_small_file(path, buf, sizeof(buf));
		if (r == 0)
			fact_set_str(f, files[i].id, buf, SRC_DMI);
		else
			fact_unavail_str(f, files[i].id, probe_reason(r), SRC_DMI);
	}
}
