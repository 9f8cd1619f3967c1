/*
 * nhv-toolsd - VMware Tools for the nhv appliance, towards the outer host.
 *
 *   nhv-toolsd [--daemon] [--once] [--settings-only] [--hostname-only] [--no-apply]
 *              [--log FILE|-] [--run-dir DIR] [--cmdline FILE]
 *
 * Order of work:
 *   1. the backdoor, probed safely (a #GP on hosts without one is caught):
 *      its answers go to RUN_DIR/backdoor, NESTING_CONTROL QUERY's also to
 *      RUN_DIR/nesting (for nhv-check);
 *   2. GuestRPC: tools.set.version (unmanaged);
 *   3. every setting decided from all its sources (config.c: guestinfo.nhv.*
 *      and guestinfo.ovfEnv from the host, the kernel command line, the data
 *      disk's settings file, nhv-identity's host name) and RUN_DIR/settings
 *      written; --settings-only stops here (nhv-init, before nhv-identity);
 *   4. the settings applied (apply.c; --hostname-only: the host name only,
 *      then stop) and the clock set from the ntp servers (timesync.c);
 *   5. the host name and address reported, then the TCLO loop (tcloloop.c),
 *      which also runs the NTP schedule (every 1024 s) and decides the
 *      settings again after Set_Option and every SETTINGS_RECHECK_S.
 * Without a backdoor, or with a backdoor but no GuestRPC (QEMU's vmport),
 * it says so in one log line, applies the other sources and waits, idle,
 * for SIGTERM (waking only for the NTP schedule).  --once stops after
 * step 4.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "userland/nhv-toolsd/toolsd.h"
#include "userland/lib/datadisk.h"
#include "userland/lib/sysroot.h"
#include "handshake/bdoor_def.h"
#include "handshake/facts.h"
#include "handshake/nhvbd_err.h"
#include "handshake/rpci.h"
#include "handshake/transport_x86.h"

struct toolsd_opts opts = {
	.run_dir = "/run/nhv",
	.cmdline = "/proc/cmdline",
	.log = NULL,
	.root = "",
	.dmi_uuid = "/sys/class/dmi/id/product_uuid",
	.datadisk_settings = DATADISK_MOUNT "/nhv/settings",
};

volatile int stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

void nap(unsigned ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	if (!stop_requested)
		nanosleep(&ts, NULL);	/* a signal ends it early: EINTR */
}

static int usage(FILE *to)
{
	fprintf(to, "usage: nhv-toolsd [--daemon] [--once] [--no-apply] [--log FILE|-]\n"
		    "                  [--run-dir DIR] [--cmdline FILE]\n"
		    "  --daemon    detach; log to RUN_DIR/toolsd.log unless --log is given\n"
		    "  --once      probe, read and apply the configuration, then exit\n"
		    "  --no-apply  log what would be changed instead of changing it\n"
		    "  --settings-only  decide every setting, write RUN_DIR/settings, apply\n"
		    "              nothing, exit (nhv-init, before nhv-identity)\n"
		    "  --hostname-only  decide the settings, apply the host name only, exit\n"
		    "              (nhv-init, before the network comes up: DHCP sends the name)\n");
	return to == stdout ? 0 : 2;
}

static int parse_args(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--daemon")) {
			opts.daemon = 1;
		} else if (!strcmp(a, "--once")) {
			opts.once = 1;
		} else if (!strcmp(a, "--settings-only")) {
			opts.once = opts.settings_only = 1;
		} else if (!strcmp(a, "--hostname-only")) {
			opts.once = opts.hostname_only = 1;
		} else if (!strcmp(a, "--no-apply")) {
			opts.no_apply = 1;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			exit(usage(stdout));
		} else if (i + 1 < argc && !strcmp(a, "--log")) {
			opts.log = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--run-dir")) {
			opts.run_dir = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--cmdline")) {
			opts.cmdline = argv[++i];
		} else {
			fprintf(stderr, "nhv-toolsd: unknown or incomplete option '%s'\n", a);
			return usage(stderr);
		}
	}
	return 0;
}

static void daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0) {
		perror("nhv-toolsd: fork");
		exit(1);
	}
	if (pid > 0)
		_exit(0);
	setsid();
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		if (opts.log && strcmp(opts.log, "-") != 0)
			dup2(fd, 2);
		close(fd);
	}
}

static void publish(const char *name, const char *text, size_t len)
{
	char path[300];
	int err;

	run_path(path, sizeof(path), name);
	err = file_write(path, text, len);
	if (err)
		log_msg("cannot write %s: %s", path, strerror(-err));
}

/* Waits for SIGTERM without using the CPU, waking for the NTP schedule.
 * SIGTERM and SIGINT are blocked except inside ppoll, so none is lost
 * between the check and the wait. */
static void idle(void)
{
	sigset_t block, orig;

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &orig);
	while (!stop_requested) {
		long ms = timesync_wait_ms();
		struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

		ppoll(NULL, 0, ms < 0 ? NULL : &ts, &orig);
		if (!stop_requested)
			timesync_tick();
	}
	sigprocmask(SIG_SETMASK, &orig, NULL);
}

/* The settings published, then made real: files and system settings, then
 * the clock. */
static void apply_all(const struct nhvconf *c)
{
	config_publish(c);
	if (opts.settings_only)
		return;
	config_apply(c);
	if (!opts.hostname_only)
		timesync_start(nhvconf_get(c, NHVCONF_NTP));
}

/* The daemon's settings changed: the clock follows a new ntp key. */
static void settings_changed(const struct nhvconf *c, unsigned changed)
{
	if (changed & (1u << NHVCONF_NTP))
		timesync_start(nhvconf_get(c, NHVCONF_NTP));
}

int main(int argc, char **argv)
{
	static char facts_text[4096], pidtext[32];
	static struct nhvconf conf;
	struct nhvbd_transport t;
	struct nhvbd_facts f;
	struct sigaction sa;
	char reply[256], logpath[300], cmd[64], u[40], dmi[300], dd[300];
	int err, ports_errno = 0, rc;
	size_t n;

	rc = parse_args(argc, argv);
	if (rc)
		return rc;
	mkdir(opts.run_dir, 0755);
	if (opts.daemon && !opts.log) {
		run_path(logpath, sizeof(logpath), "toolsd.log");
		opts.log = logpath;
	}
	log_setup("nhv-toolsd", NULL, 2);
	log_to_file(opts.log);
	if (opts.daemon)
		daemonize();
	snprintf(pidtext, sizeof(pidtext), "%d\n", (int)getpid());
	if (!opts.once)
		publish("toolsd.pid", pidtext, strlen(pidtext));

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	opts.dmi_uuid = sysroot(opts.dmi_uuid, dmi, sizeof(dmi));
	opts.datadisk_settings = sysroot(opts.datadisk_settings, dd, sizeof(dd));

	err = nhvbd_x86_probe(&t, &f.version, &ports_errno);
	nhvbd_facts_collect(&t, &f);
	n = nhvbd_facts_format(&f, facts_text, sizeof(facts_text));
	publish("backdoor", facts_text, n);
	n = nhvbd_facts_format_nesting(&f, facts_text, sizeof(facts_text));
	publish("nesting", facts_text, n);

	if (!f.present) {
		log_msg("no VMware backdoor (%s%s%s); settings from the kernel command line, "
			"the data disk and the defaults only",
			nhvbd_strerror(f.probe_err), ports_errno ? ", port access: " : "",
			ports_errno ? strerror(ports_errno) : "");
		config_decide(&conf, NULL);
		apply_all(&conf);
		if (!opts.once)
			idle();
		return 0;
	}
	(void)err;
	u[0] = '\0';
	if (f.have_uuid)
		nhvbd_uuid_format(f.uuid, u);
	log_msg("VMware backdoor: version %u, %s, uuid %s%s", f.version.version,
		nhvbd_vmx_type_name(f.version.vmx_type), u[0] ? u : "unknown",
		f.have_nesting ? (nhvbd_nesting_supported(f.nesting_eax) ? ", nesting control supported"
									 : ", nesting control absent")
			       : "");

	snprintf(cmd, sizeof(cmd), "tools.set.version %u", TOOLS_VERSION_UNMANAGED);
	err = nhvbd_rpci(&t, cmd, reply, sizeof(reply));
	if (err == NHVBD_ENOMSG || err == NHVBD_EFAULT) {
		log_msg("the host answers the backdoor but has no GuestRPC (%s): no guestinfo, tools "
			"status or power operations (QEMU's vmport has none); idle",
			err == NHVBD_ENOMSG ? "MESSAGE OPEN refused" : "MESSAGE faulted");
		publish("guestrpc", "0\n", 2);
		config_decide(&conf, NULL);
		apply_all(&conf);
		if (!opts.once)
			idle();
		return 0;
	}
	publish("guestrpc", "1\n", 2);
	if (err)
		log_msg("tools.set.version: %s%s%s", nhvbd_strerror(err), reply[0] ? ": " : "", reply);

	config_decide(&conf, &t);
	apply_all(&conf);
	if (opts.hostname_only || opts.settings_only)
		return 0;
	report_guest_info(&t, 1);
	if (opts.once)
		return 0;
	tclo_idle_work = timesync_tick;
	tclo_settings_changed = settings_changed;
	tclo_loop(&t, &conf);
	log_msg("stopped");
	return 0;
}
