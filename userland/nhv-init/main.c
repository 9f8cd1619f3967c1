/*
 * nhv-init - PID 1 of the nhv appliance (the initramfs's /init).
 *
 * Boot: mount the pseudo filesystems, load the drivers the virtual
 * hardware needs, decide the settings, the identity and the hostname
 * (in that order), bring every NIC up with DHCP, print
 * "nhv: ready" and the status block on every console, then hand PID 1 to
 * busybox init (logins or a serial root shell, power button, shutdown).
 * Before the status block: the L2 guests with nhv.autostart start.
 *
 * `nhv-init shutdown` is run by busybox init when the appliance powers off
 * or reboots (poweroff, the ACPI button, the outer host's OS_Halt): it stops
 * the L2 guests, says so on the consoles and unmounts the disks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "userland/lib/runcap.h"
#include "nhv-init.h"

static int shutdown_step(void)
{
	l2_stop_all();
	consoles_write("nhv: shutting down\n");
	unmount_all();
	return 0;
}

/* Clone-safe identity (userland/nhv-identity): decides new, same, moved or
 * cloned, renews UUIDs, MACs, machine-id and hostname after a clone, and
 * mounts the data disk on /data.  Runs before the network comes up so that
 * DHCP already uses the renewed identity. */
static void identity_step(void)
{
	char *argv[] = { "/bin/nhv-identity", "boot", NULL };
	int rc = run_wait(argv);

	if (rc != 0)
		log_msg("nhv-identity boot failed (exit %d): identity not renewed", rc);
}

/* VMware Tools role (userland/nhv-toolsd): one pass that probes the
 * backdoor and applies guestinfo.nhv.* / OVF / command-line settings, so
 * the status block shows the final host name and addresses.  The lasting
 * TCLO daemon is started by busybox init (inittab.c). */
static void toolsd_once_step(void)
{
	char *argv[] = { "/bin/nhv-toolsd", "--once", "--log", NHV_RUN_DIR "/toolsd.log", NULL };
	int rc = run_wait(argv);

	if (rc != 0)
		log_msg("nhv-toolsd --once exited %d; see " NHV_RUN_DIR "/toolsd.log", rc);
}

/* Every setting decided before nhv-identity needs some of them (hostname,
 * datadisk, macprefix, macmode): nhv-toolsd, the one reader of the outer
 * host's keys, writes /run/nhv/settings (docs/handshake.md). */
static void settings_step(void)
{
	char *argv[] = { "/bin/nhv-toolsd", "--settings-only", "--log", NHV_RUN_DIR "/toolsd.log",
			 NULL };
	int rc = run_wait(argv);

	if (rc != 0)
		log_msg("nhv-toolsd --settings-only exited %d; see " NHV_RUN_DIR "/toolsd.log", rc);
}

/* The host name before DHCP sends it: nhv-toolsd decides again with the
 * data disk and nhv-identity's name, and applies only the name. */
static void hostname_step(void)
{
	char *argv[] = { "/bin/nhv-toolsd", "--hostname-only", "--log", NHV_RUN_DIR "/toolsd.log",
			 NULL };
	int rc = run_wait(argv);

	if (rc != 0)
		log_msg("nhv-toolsd --hostname-only exited %d; see " NHV_RUN_DIR "/toolsd.log", rc);
}

/* The web UI's TLS certificate (userland/nhv-web): made on first boot and
 * after a clone, its fingerprint in /run/nhv/web/fingerprint for the status
 * block.  The server itself is started by busybox init (inittab.c). */
static void web_step(void)
{
	char *argv[] = { "/bin/nhv-web", "--prepare", "--log", NHV_RUN_DIR "/web.log", NULL };
	int rc = run_wait(argv);

	if (rc != 0)
		log_msg("nhv-web --prepare exited %d; see " NHV_RUN_DIR "/web.log", rc);
}

static void start_syslogd(void)
{
	char *argv[] = { "/sbin/syslogd", "-C256", NULL };

	if (run_wait(argv) != 0)
		log_msg("syslogd did not start; DHCP messages go nowhere");
}

int main(int argc, char **argv)
{
	static char status[8192], l2[2048];
	char hostname[256];

	if (argc == 2 && strcmp(argv[1], "shutdown") == 0)
		return shutdown_step();
	if (argc != 1 || getpid() != 1) {
		fprintf(stderr, "usage: nhv-init            (as PID 1, the initramfs /init)\n"
				"       nhv-init shutdown   (run by init at power-off)\n");
		return 2;
	}

	umask(022);
	setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin", 1);
	mount_early();
	cmdline_load();
	log_setup("nhv-init", "/dev/kmsg", cmdline_get("nhv.debug") ? 2 : -1);

	log_msg("step: drivers");
	modules_load_for_devices();
	module_load("msr");	/* nhv-check reads the VMX capability MSRs */
	mount_efivarfs();
	start_syslogd();

	log_msg("step: identity");
	settings_step();
	identity_step();
	hostname_step();
	log_msg("step: network");
	net_bring_up();
	log_msg("step: toolsd");
	toolsd_once_step();
	gethostname(hostname, sizeof(hostname) - 1);	/* guestinfo may have set it */

	log_msg("step: l2 guests");
	bootmedia_mount();
	l2_store_setup();
	l2_define_default();
	l2_autostart(l2, sizeof(l2));
	status_set_l2(l2);
	web_step();

	if (inittab_write("/etc/inittab") < 0)
		log_msg("cannot write /etc/inittab: %s", strerror(errno));
	log_msg("step: status");
	status_build(status, sizeof(status), hostname);
	consoles_write(status);

	execl("/sbin/init", "init", (char *)NULL);
	log_msg("exec /sbin/init failed: %s", strerror(errno));
	consoles_write("nhv: cannot start busybox init; dropping to a shell\n");
	execl("/bin/sh", "sh", (char *)NULL);
	return 1;
}
