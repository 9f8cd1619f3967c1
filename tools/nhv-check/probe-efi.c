/*
 * probe-efi.c - UEFI or BIOS boot, Secure Boot and Setup Mode from
 * efivarfs (4-byte attribute header, then the value byte), and the
 * kernel lockdown state, which decides whether an unsigned nhv.ko loads.
 */
#include "tools/nhv-check/probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#define EFI_GLOBAL_GUID "8be4df61-93ca-11d2-aa0d-e98032b8b28c"

static void efi_bool(struct facts *f, enum num_fact id, const char *path)
{
	unsigned char buf[8];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		fact_unavail(f, id, errno == EACCES ? FR_NOT_ROOT : FR_NOT_PRESENT, SRC_EFI);
		return;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 5)
		fact_unavail(f, id, FR_IO_ERROR, SRC_EFI);
	else
		fact_set(f, id, buf[4] != 0, SRC_EFI);
}

void probe_efi(struct facts *f)
{
	char buf[256];

	if (access("/sys/firmware/efi", F_OK) != 0) {
		fact_set(f, N_EFI_BOOT, 0, SRC_EFI);
		fact_unavail(f, N_SECURE_BOOT, FR_NOT_APPLICABLE, SRC_EFI);
		fact_unavail(f, N_SETUP_MODE, FR_NOT_APPLICABLE, SRC_EFI);
	} else {
		fact_set(f, N_EFI_BOOT, 1, SRC_EFI);
		efi_bool(f, N_SECURE_BOOT, "/sys/firmware/efi/efivars/SecureBoot-" EFI_GLOBAL_GUID);
		efi_bool(f, N_SETUP_MODE, "/sys/firmware/efi/efivars/SetupMode-" EFI_GLOBAL_GUID);
	}
	if (read_small_file("/sys/kernel/security/lockdown", buf, sizeof(buf)) == 0)
		fact_set_str(f, S_LOCKDOWN, buf, SRC_EFI);
	else
		fact_unavail_str(f, S_LOCKDOWN, FR_NOT_PRESENT, SRC_EFI);
}
