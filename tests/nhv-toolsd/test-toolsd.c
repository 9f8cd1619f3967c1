/*
 * test-toolsd.c - nhv-toolsd's GuestRPC work (config.c, netinfo.c,
 * tcloloop.c) against a libnhvbd host through the in-memory transport: the
 * configuration read from guestinfo wins over the command line, a key the
 * host changes is decided again and applied by the running loop, the tools
 * show as running with an unmanaged version, and every TCLO command gets
 * the answer a VMware host expects.  main.c (the real backdoor) is replaced
 * by this file; --no-apply keeps the build machine untouched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "userland/lib/tap.h"
#include "tests/handshake/testhost.h"
#include "userland/nhv-toolsd/toolsd.h"
#include "handshake/rpci.h"

struct toolsd_opts opts = { .run_dir = "/tmp", .cmdline = "/nonexistent", .log = "-", .root = "",
			   .dmi_uuid = "/nonexistent", .datadisk_settings = "/nonexistent" };
volatile int stop_requested;

static struct nhvbd_host H;
static struct nhvbd_mem_transport M;
static char results[16][2][128];
static int nresults, naps, idle_work;

static void count_idle_work(void)
{
	idle_work++;
}

static void on_event(void *ctx, const struct nhvbd_host_event *ev)
{
	(void)ctx;
	if (ev->type == NHVBD_EV_TCLO_RESULT && nresults < 16) {
		snprintf(results[nresults][0], sizeof(results[0][0]), "%s", ev->key);
		snprintf(results[nresults][1], sizeof(results[0][1]), "%s", ev->text);
		nresults++;
	}
}

/* The loop naps when the host has nothing: the test's cue to stop it. */
void nap(unsigned ms)
{
	(void)ms;
	if (++naps >= 3)
		stop_requested = 1;
}

static const char *result_of(const char *cmd)
{
	int i;

	for (i = 0; i < nresults; i++)
		if (strcmp(results[i][0], cmd) == 0)
			return results[i][1];
	return "(no result)";
}

static int file_has(const char *path, const char *text)
{
	static char buf[8192];

	return file_read(path, buf, sizeof(buf)) > 0 && strstr(buf, text) != NULL;
}

/*
 * A guestinfo host name, applied for real under a test root, in a child
 * with its own UTS namespace (the machine's name is never touched).
 * Returns a bit per failed check; 64 if the namespace cannot be had.
 */
static int hostname_in_namespace(const char *dir)
{
	char etc[300], path[300], now[64] = "";
	struct nhvconf d;
	int fails = 0;

	if (unshare(CLONE_NEWUTS) != 0)
		return 64;
	snprintf(etc, sizeof(etc), "%s/etc", dir);
	mkdir(etc, 0755);
	opts.no_apply = 0;
	opts.root = dir;
	nhvconf_init(&d);
	nhvconf_set(&d, NHVCONF_HOSTNAME, "lab-7", 5, NHVCONF_GUESTINFO, NULL, 0);
	config_apply(&d);
	if (gethostname(now, sizeof(now) - 1) != 0 || strcmp(now, "lab-7") != 0)
		fails |= 1;
	snprintf(path, sizeof(path), "%s/etc/hostname", dir);
	if (!file_has(path, "lab-7\n"))
		fails |= 2;
	snprintf(path, sizeof(path), "%s/etc/hosts", dir);
	if (!file_has(path, "127.0.0.1\tlocalhost\n127.0.1.1\tlab-7\n::1\tlocalhost\n"))
		fails |= 4;
	return fails;
}

int main(void)
{
	static const char ovf[] =
		"<Environment><PropertySection>"
		"<Property oe:key=\"guestinfo.nhv.ipaddress\" oe:value=\"10.0.0.9\"/>"
		"<Property oe:key=\"guestinfo.nhv.hostname\" oe:value=\"from-ovf\"/>"
		"</PropertySection></Environment>";
	struct nhvbd_host_config cfg;
	struct nhvconf conf;
	char dir[64], path[300], cmdline[300], logp[300];
	char name[256];
	FILE *f;

	snprintf(dir, sizeof(dir), "/tmp/nhv-test-toolsd.%d", (int)getpid());
	if (mkdir(dir, 0700) < 0) {
		perror(dir);
		return 1;
	}
	opts.run_dir = dir;
	opts.no_apply = 1;
	snprintf(cmdline, sizeof(cmdline), "%s/cmdline", dir);
	snprintf(logp, sizeof(logp), "%s/toolsd.log", dir);
	opts.cmdline = cmdline;
	f = fopen(cmdline, "w");
	fputs("quiet nhv.guestinfo.hostname=from-cmdline nhv.guestinfo.gateway=10.0.0.1\n", f);
	fclose(f);
	log_setup("nhv-toolsd", NULL, 2);
	log_to_file(logp);

	test_config(&cfg, 1);
	cfg.on_event = on_event;
	nhvbd_host_init(&H, &cfg);
	nhvbd_mem_transport_init(&M, &H, 3);
	nhvbd_host_guestinfo_set(&H, "guestinfo.nhv.hostname", "from-host");
	nhvbd_host_guestinfo_set(&H, "guestinfo.nhv.dns", "bad dns value");
	nhvbd_host_guestinfo_set(&H, "guestinfo.ovfEnv", ovf);

	snprintf(path, sizeof(path), "%s/identity", dir);
	f = fopen(path, "w");
	fputs("version=1\nhostname=nhv-abc123\nhostname_source=derived\n", f);
	fclose(f);
	opts.cmdline = "/nonexistent";
	config_decide(&conf, NULL);
	tap_is_str(nhvconf_get(&conf, NHVCONF_HOSTNAME), "nhv-abc123",
		   "the default host name is nhv-identity's (/run/nhv/identity)");
	tap_is_int(conf.v[NHVCONF_HOSTNAME].source, NHVCONF_DEFAULT, "... with the source default");
	opts.cmdline = cmdline;
	config_decide(&conf, NULL);
	tap_is_str(nhvconf_get(&conf, NHVCONF_HOSTNAME), "from-cmdline",
		   "the command line wins over the default");
	tap_is_int(config_decide(&conf, &M.t), 0, "every read from the host answered");
	tap_is_str(nhvconf_get(&conf, NHVCONF_HOSTNAME), "from-host",
		   "guestinfo.nhv.hostname wins over ovfEnv and the command line");
	tap_is_str(nhvconf_get(&conf, NHVCONF_IPADDRESS), "10.0.0.9", "ipaddress from guestinfo.ovfEnv");
	tap_is_str(nhvconf_get(&conf, NHVCONF_GATEWAY), "10.0.0.1", "gateway from the command line");
	tap_ok(nhvconf_get(&conf, NHVCONF_DNS) == NULL, "an invalid guestinfo.nhv.dns is not taken");
	tap_ok(file_has(logp, "guestinfo.nhv.dns ignored: expected IPv4"), "... and the log says why");
	config_publish(&conf);
	snprintf(path, sizeof(path), "%s/config", dir);
	tap_ok(file_has(path, "hostname=from-host\nhostname_source=guestinfo\n"),
	       "RUN_DIR/config names the value and its source");
	{
		static char text[8192];
		struct nhvconf back;
		char why[200] = "";
		long n;

		snprintf(path, sizeof(path), "%s/settings", dir);
		n = file_read(path, text, sizeof(text));
		tap_ok(n > 0 && nhvconf_parse_settings(&back, text, (size_t)n, why, sizeof(why)) == 0,
		       "RUN_DIR/settings reads back %s", why);
		tap_is_str(nhvconf_get(&back, NHVCONF_GATEWAY), "10.0.0.1", "... with the gateway");
		tap_is_int(back.v[NHVCONF_GATEWAY].source, NHVCONF_CMDLINE, "... and its source");
	}
	config_apply(&conf);
	tap_ok(file_has(logp, "would set the host name to from-host"), "--no-apply: the host name change is logged");
	tap_ok(file_has(logp, "would run: /bin/ip addr add 10.0.0.9/24"), "--no-apply: the static address is logged");

	report_guest_info(&M.t, 1);
	net_hostname(name, sizeof(name));
	tap_is_str(H.tools.hostname, name, "SetGuestInfo reported this machine's host name");

	/* nhv-identity failed: no /run/nhv/identity; the SMBIOS UUID names the host. */
	{
		struct nhvconf fb;
		char idp[300], uuidp[300];

		snprintf(idp, sizeof(idp), "%s/identity", dir);
		snprintf(uuidp, sizeof(uuidp), "%s/product_uuid", dir);
		rename(idp, uuidp);	/* out of the way; the UUID file is written next */
		f = fopen(uuidp, "w");
		fputs("564D1234-5678-9ABC-DEF0-11223344AABB\n", f);
		fclose(f);
		opts.dmi_uuid = uuidp;
		opts.cmdline = "/nonexistent";
		config_decide(&fb, NULL);
		tap_is_str(nhvconf_get(&fb, NHVCONF_HOSTNAME), "nhv-44aabb",
			   "no identity: the fallback host name nhv- and the UUID's last six hex digits");
		opts.cmdline = cmdline;
		f = fopen(idp, "w");
		fputs("version=1\nhostname=nhv-abc123\nhostname_source=derived\n", f);
		fclose(f);
	}

	/* The data disk's settings file: below the command line, above the default. */
	{
		struct nhvconf dd;
		char ddp[300];

		snprintf(ddp, sizeof(ddp), "%s/dd-settings", dir);
		f = fopen(ddp, "w");
		fputs("# lab defaults\nguestinfo.nhv.ntp = \"10.0.0.7\"\nguestinfo.nhv.gateway = \"10.0.0.254\"\n"
		      "guestinfo.nhv.netmask = \"33\"\n", f);
		fclose(f);
		opts.datadisk_settings = ddp;
		config_decide(&dd, NULL);
		tap_is_str(nhvconf_get(&dd, NHVCONF_NTP), "10.0.0.7", "ntp from the data disk's file");
		tap_is_int(dd.v[NHVCONF_NTP].source, NHVCONF_DATADISK_FILE, "... source data disk");
		tap_is_str(nhvconf_get(&dd, NHVCONF_GATEWAY), "10.0.0.1",
			   "the command line wins over the data disk's file");
		tap_ok(file_has(logp, "dd-settings:4: guestinfo.nhv.netmask ignored: expected a netmask"),
		       "an invalid value in the data disk's file is logged with FILE:LINE");
		opts.datadisk_settings = "/nonexistent";
	}

	/* The host changes keys while the loop runs: decided again after a
	 * Set_Option, one log line per change, applied (--no-apply: logged). */
	nhvbd_host_guestinfo_set(&H, "guestinfo.nhv.hostname", "changed-host");
	nhvbd_host_guestinfo_set(&H, "guestinfo.nhv.dns", "10.0.0.53");
	nhvbd_host_guestinfo_set(&H, "guestinfo.nhv.macmode", "deterministic");
	nhvbd_host_tclo_queue(&H, "Set_Option synctime 0");
	tclo_loop(&M.t, &conf);
	tap_is_str(nhvconf_get(&conf, NHVCONF_HOSTNAME), "changed-host",
		   "the loop took the changed guestinfo.nhv.hostname");
	tap_ok(file_has(logp, "setting hostname: from-host (guestinfo) -> changed-host (guestinfo)\n"),
	       "... one log line names the key, old and new value and sources");
	tap_ok(file_has(logp, "would set the host name to changed-host"), "... and applied it");
	tap_ok(file_has(logp, "setting dns: unset (unset) -> 10.0.0.53 (guestinfo)\n"),
	       "a key set later: logged and applied");
	tap_ok(file_has(logp, "DNS servers: 10.0.0.53"), "... resolv.conf rewritten");
	tap_ok(file_has(logp, "macmode takes effect at the next boot"), "macmode: for the next boot");
	snprintf(path, sizeof(path), "%s/settings", dir);
	tap_ok(file_has(path, "hostname=changed-host\n"), "RUN_DIR/settings holds the new name");
	{
		static char lg[65536];
		long n = file_read(logp, lg, sizeof(lg));
		const char *p = lg;
		int lines = 0;

		while (n > 0 && (p = strstr(p, "setting ")) != NULL) {
			lines++;
			p++;
		}
		tap_is_int(lines, 3, "exactly one line per changed key (3 keys)");
	}
	stop_requested = 0;
	naps = 0;
	nresults = 0;
	nhvbd_host_tclo_queue(&H, "Set_Option synctime 0");
	tclo_loop(&M.t, &conf);
	tap_ok(!file_has(logp, "setting hostname: changed-host"), "nothing changed: no line, nothing applied");
	stop_requested = 0;
	naps = 0;
	nresults = 0;

	nhvbd_host_tclo_queue(&H, "ping");
	nhvbd_host_tclo_queue(&H, "Capabilities_Register");
	nhvbd_host_tclo_queue(&H, "Set_Option broadcastIP 1");
	nhvbd_host_tclo_queue(&H, "Set_Option no.such.option 1");
	nhvbd_host_tclo_queue(&H, "Frobnicate");
	nhvbd_host_tclo_queue(&H, "OS_Reboot");
	tclo_idle_work = count_idle_work;
	tclo_loop(&M.t, &conf);
	tclo_idle_work = NULL;
	tap_ok(stop_requested && naps >= 3, "the loop stopped when asked, after idle polls");
	tap_ok(idle_work >= 2, "idle polls ran the idle work (the NTP schedule) %d times", idle_work);
	tap_is_str(result_of("reset"), "OK ATR toolbox", "reset -> OK ATR toolbox");
	tap_is_str(result_of("ping"), "OK ", "ping -> OK");
	tap_is_str(result_of("Capabilities_Register"), "OK ", "Capabilities_Register -> OK");
	tap_ok(H.tools.version_set && H.tools.version == TOOLS_VERSION_UNMANAGED,
	       "tools version reported as unmanaged");
	tap_ok(H.tools.capabilities >= 2, "capabilities registered (%u)", H.tools.capabilities);
	tap_is_str(result_of("Set_Option broadcastIP 1"), "OK ", "Set_Option broadcastIP 1 -> OK");
	tap_is_str(result_of("Set_Option no.such.option 1"), "ERROR Unknown or invalid option",
		   "an unknown option -> ERROR");
	tap_is_str(result_of("Frobnicate"), "ERROR Unknown Command", "an unknown command -> ERROR");
	tap_is_str(result_of("OS_Reboot"), "OK ", "OS_Reboot -> OK before anything happens");
	tap_ok(H.tools.statechange_seen && H.tools.statechange_state == GUESTOS_STATECHANGE_REBOOT,
	       "reboot state change reported to the host");
	tap_ok(file_has(logp, "would signal init (SIGTERM, reboot)"), "reboot = SIGTERM to init (PID 1)");
	tap_ok(!H.tools.running, "on stop the TCLO channel is closed: tools not running");
	{
		unsigned c, open_now = 0;

		for (c = 0; c < NHVBD_HOST_CHANNELS; c++)
			open_now += H.chan[c].in_use;
		tap_is_int(open_now, 0, "no channel left open");
	}

	/* A halt on a fresh channel. */
	stop_requested = 0;
	naps = 0;
	nresults = 0;
	nhvbd_host_tclo_queue(&H, "OS_Halt");
	tclo_loop(&M.t, &conf);
	tap_is_str(result_of("OS_Halt"), "OK ", "OS_Halt -> OK");
	tap_ok(file_has(logp, "would signal init (SIGUSR2, poweroff)"), "halt = SIGUSR2 to init (poweroff)");
	tap_ok(H.tools.statechange_state == GUESTOS_STATECHANGE_HALT, "halt state change reported");

	/* A static dns: resolv.conf and the marker the udhcpc script obeys;
	 * without the key the marker goes.  Files under a test root. */
	{
		struct nhvconf d;
		char etc[300], resolv[300], marker[300], want[400];

		snprintf(etc, sizeof(etc), "%s/etc", dir);
		mkdir(etc, 0755);
		snprintf(resolv, sizeof(resolv), "%s/etc/resolv.conf", dir);
		snprintf(marker, sizeof(marker), "%s/dns-static", dir);
		nhvconf_init(&d);
		nhvconf_set(&d, NHVCONF_DNS, "10.0.0.2, 10.0.0.3", 18, NHVCONF_GUESTINFO, NULL, 0);
		config_apply(&d);
		snprintf(want, sizeof(want), "would write %s", marker);
		tap_ok(file_has(logp, want) && access(marker, F_OK) != 0,
		       "--no-apply: the dns-static marker is logged, not written");
		opts.no_apply = 0;
		opts.root = dir;
		config_apply(&d);
		tap_ok(file_has(resolv, "nameserver 10.0.0.2\nnameserver 10.0.0.3\n"),
		       "dns: resolv.conf lists the servers");
		tap_ok(file_has(marker, "10.0.0.2, 10.0.0.3\n"),
		       "dns: RUN_DIR/dns-static written with the servers (DHCP keeps off)");
		nhvconf_init(&d);
		config_apply(&d);
		tap_ok(access(marker, F_OK) != 0, "no dns key: the marker is removed");
		tap_ok(file_has(logp, "DHCP's servers apply again"), "... and the log says so");
		opts.no_apply = 1;
		opts.root = "";
	}

	{
		pid_t pid = fork();
		int st = 0;

		if (pid == 0)
			_exit(hostname_in_namespace(dir));
		waitpid(pid, &st, 0);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 64) {
			tap_skip(3, "no UTS namespace here (not root?)");
		} else {
			int f = WIFEXITED(st) ? WEXITSTATUS(st) : 7;

			tap_ok(!(f & 1), "guestinfo host name: sethostname (own UTS namespace)");
			tap_ok(!(f & 2), "guestinfo host name: /etc/hostname written");
			tap_ok(!(f & 4), "guestinfo host name: /etc/hosts maps 127.0.1.1 to it");
		}
	}

	if (!getenv("NHV_KEEP_TEST")) {
		char rm[400];

		snprintf(rm, sizeof(rm), "rm -rf '%s'", dir);
		if (system(rm) != 0)
			tap_diag("could not remove %s", dir);
	}
	return tap_done();
}
