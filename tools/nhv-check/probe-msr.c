/*
 * probe-msr.c - MSRs through /dev/cpu/N/msr: IA32_FEATURE_CONTROL and the
 * VMX capability MSRs 0x480-0x491 (Intel SDM vol. 3 appendix A), VM_CR
 * and EFER (AMD APM vol. 2).  Loads the msr driver when it is missing
 * (modprobe, then finit_module of the module file).  Anything unreadable
 * is recorded as unavailable with its reason; nothing here is fatal.
 */
#include "tools/nhv-check/probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int run_modprobe(void)
{
	static const char *const paths[] = { "/sbin/modprobe", "/usr/sbin/modprobe", "/bin/modprobe" };
	char *argv[] = { "modprobe", "-q", "msr", NULL };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		pid_t pid;
		int st;
		if (access(paths[i], X_OK) != 0)
			continue;
		if (posix_spawn(&pid, paths[i], NULL, NULL, argv, environ) != 0)
			continue;
		if (waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			return 0;
	}
	return -1;
}

static int load_module_file(void)
{
	struct utsname u;
	char path[512];
	static const char *const names[] = { "msr.ko", "msr.ko.xz", "msr.ko.zst" };

	if (uname(&u) != 0)
		return -1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "/lib/modules/%s/kernel/arch/x86/kernel/%s", u.release, names[i]);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		/* flag 4 = MODULE_INIT_COMPRESSED_FILE (Linux >= 5.17) for .xz/.zst */
		long r = syscall(SYS_finit_module, fd, "", i == 0 ? 0 : 4);
		close(fd);
		if (r == 0 || errno == EEXIST)
			return 0;
	}
	return -1;
}

static enum fact_reason open_reason(int e)
{
	if (e == EACCES || e == EPERM)
		return geteuid() == 0 ? FR_LOCKDOWN : FR_NOT_ROOT;
	if (e == ENOENT || e == ENXIO || e == ENODEV)
		return FR_NO_MSR_DRIVER;
	return FR_IO_ERROR;
}

static int open_msr(int cpu, int *err)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/cpu/%d/msr", cpu);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	*err = fd < 0 ? errno : 0;
	return fd;
}

static void read_msr(struct facts *f, int fd, enum num_fact id, unsigned msr)
{
	uint64_t v;
	ssize_t r = pread(fd, &v, sizeof(v), (off_t)msr);

	if (r == (ssize_t)sizeof(v))
		fact_set(f, id, v, SRC_MSR);
	else if (r < 0 && errno == EIO)
		fact_unavail(f, id, FR_NOT_PRESENT, SRC_MSR); /* rdmsr raised #GP */
	else if (r < 0 && (errno == EPERM || errno == EACCES))
		fact_unavail(f, id, FR_LOCKDOWN, SRC_MSR);
	else
		fact_unavail(f, id, FR_IO_ERROR, SRC_MSR);
}

static void all_unavail(struct facts *f, enum fact_reason why)
{
	fact_unavail(f, N_MSR_FEATURE_CONTROL, why, SRC_MSR);
	for (int i = N_MSR_VMX_FIRST; i <= N_MSR_VMX_LAST; i++)
		fact_unavail(f, (enum num_fact)i, why, SRC_MSR);
	fact_unavail(f, N_MSR_VM_CR, why, SRC_MSR);
	fact_unavail(f, N_MSR_EFER, why, SRC_MSR);
	fact_unavail(f, N_MSR_CPUS_FC_DIFFER, why, SRC_MSR);
}

/* Does IA32_FEATURE_CONTROL read the same on every CPU?  Firmware that
 * enables VT-x on some cores only is a known failure (DOC-8970). */
static void compare_cpus(struct facts *f)
{
	DIR *d = opendir("/dev/cpu");
	struct dirent *e;
	int differ = 0, compared = 0;

	if (!d) {
		fact_unavail(f, N_MSR_CPUS_FC_DIFFER, FR_NOT_PRESENT, SRC_MSR);
		return;
	}
	while ((e = readdir(d)) != NULL && compared < 1024) {
		char *end;
		long cpu = strtol(e->d_name, &end, 10);
		int err;
		uint64_t v;
		if (*end || end == e->d_name || cpu == 0)
			continue;
		int fd = open_msr((int)cpu, &err);
		if (fd < 0)
			continue;
		if (pread(fd, &v, sizeof(v), MSR_IA32_FEATURE_CONTROL) == (ssize_t)sizeof(v)) {
			compared++;
			if (v != f->n[N_MSR_FEATURE_CONTROL].v)
				differ = 1;
		}
		close(fd);
	}
	closedir(d);
	fact_set(f, N_MSR_CPUS_FC_DIFFER, differ, SRC_MSR);
}

void probe_msr(struct facts *f)
{
	int err;
	int fd = open_msr(0, &err);

	if (fd < 0 && err == ENOENT && geteuid() == 0) {
		if (run_modprobe() != 0)
			load_module_file();
		fd = open_msr(0, &err);
	}
	if (fd < 0) {
		all_unavail(f, geteuid() != 0 && err == ENOENT ? FR_NOT_ROOT : open_reason(err));
		return;
	}
	read_msr(f, fd, N_MSR_EFER, MSR_EFER);
	if (fact_yes(f, N_CPUID_VMX)) {
		read_msr(f, fd, N_MSR_FEATURE_CONTROL, MSR_IA32_FEATURE_CONTROL);
		for (unsigned m = MSR_VMX_BASE; m <= MSR_VMX_LAST; m++)
			read_msr(f, fd, msr_vmx_fact(m), m);
	} else {
		fact_unavail(f, N_MSR_FEATURE_CONTROL, FR_NOT_APPLICABLE, SRC_MSR);
		for (int i = N_MSR_VMX_FIRST; i <= N_MSR_VMX_LAST; i++)
			fact_unavail(f, (enum num_fact)i, FR_NOT_APPLICABLE, SRC_MSR);
	}
	if (fact_yes(f, N_CPUID_SVM))
		read_msr(f, fd, N_MSR_VM_CR, MSR_VM_CR);
	else
		fact_unavail(f, N_MSR_VM_CR, FR_NOT_APPLICABLE, SRC_MSR);
	close(fd);
	if (fact_known(f, N_MSR_FEATURE_CONTROL))
		compare_cpus(f);
	else
		fact_unavail(f, N_MSR_CPUS_FC_DIFFER, FR_NOT_APPLICABLE, SRC_MSR);
}
