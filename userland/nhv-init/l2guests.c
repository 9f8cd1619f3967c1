/*
 * l2guests.c - nhv-init's part in running L2 guests (docs/nhv-vm.md):
 * the VM store /var/lib/nhv (a link to the data disk when one is mounted,
 * else a folder in RAM), the default guest defined at first boot, guests
 * with nhv.autostart = "TRUE" started before the status block (whose
 * "l2 NAME : ..." lines nhv-vm prints), and every guest stopped cleanly
 * at power-off.  The work itself is nhv-vm's; this file runs it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "userland/lib/runcap.h"
#include "nhv-init.h"

#define NHV_VAR "/var/lib/nhv"
#define DEFAULT_VMX "/usr/lib/nhv/l2/default.vmx"
#define DEFINED_FLAG NHV_VAR "/vms/.default-defined"

/* Is /data a mount point?  nhv-identity mounts the data disk there. */
static int data_mounted(void)
{
	struct stat d, root;

	return stat("/data", &d) == 0 && stat("/", &root) == 0 && d.st_dev != root.st_dev;
}

void l2_store_setup(void)
{
	mkdir("/var/lib", 0755);
	if (data_mounted()) {
		if (symlink("/data", NHV_VAR) < 0 && errno != EEXIST)
			log_msg("cannot link " NHV_VAR " to /data: %s", strerror(errno));
	} else if (mkdir(NHV_VAR, 0755) < 0 && errno != EEXIST) {
		log_msg("cannot make " NHV_VAR ": %s", strerror(errno));
	}
	if (mkdir(NHV_VAR "/vms", 0755) < 0 && errno != EEXIST)
		log_msg("cannot make " NHV_VAR "/vms: %s", strerror(errno));
}

/* Once per store: a person who removed the default guest keeps it removed. */
void l2_define_default(void)
{
	char *argv[] = { "/bin/nhv-vm", "define", DEFAULT_VMX, NULL };
	struct stat st;
	int rc;

	if (stat(DEFINED_FLAG, &st) == 0 || stat(DEFAULT_VMX, &st) < 0)
		return;
	rc = run_wait(argv);
	if (rc != 0) {
		log_msg("nhv-vm define " DEFAULT_VMX " failed (exit %d)", rc);
		return;
	}
	if (write_file(DEFINED_FLAG, "the default L2 guest was defined once\n") < 0)
		log_msg("cannot write " DEFINED_FLAG ": %s", strerror(errno));
}

/*
 * Starts the autostart guests and waits (nhv.l2wait seconds, default 120)
 * for them to reach their init; lines gets nhv-vm's "l2 NAME : ..." lines.
 * nhv.autostart=0 on the kernel command line skips it.
 */
void l2_autostart(char *lines, size_t len)
{
	const char *off = cmdline_get("nhv.autostart");
	const char *wait = cmdline_get("nhv.l2wait");
	char secs[16];
	char *argv[] = { "/bin/nhv-vm", "autostart", "--wait", secs, NULL };
	int rc, w = wait ? atoi(wait) : 120;

	lines[0] = '\0';
	if (off && (strcmp(off, "0") == 0 || strcmp(off, "off") == 0)) {
		snprintf(lines, len, "  l2           : autostart off (nhv.autostart=%s)\n", off);
		return;
	}
	snprintf(secs, sizeof(secs), "%d", w < 0 ? 0 : w);
	rc = runcap(argv, lines, len, ((w < 0 ? 0 : w) + 60) * 1000, 0, NULL);
	if (rc != 0)
		log_msg("nhv-vm autostart exited %d", rc);
}

/* At power-off: every guest gets the power button, and is forced off after 30 s. */
void l2_stop_all(void)
{
	char *argv[] = { "/bin/nhv-vm", "stop", "--all", "--timeout", "30", NULL };
	struct stat st;

	if (stat(argv[0], &st) < 0)
		return;
	consoles_write("nhv: stopping L2 guests\n");
	if (run_wait(argv) != 0)
		log_msg("nhv-vm stop --all did not stop every guest cleanly");
}
