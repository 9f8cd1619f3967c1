/*
 * tcloloop.c - the TCLO poll loop (reference 3.5 and 4.2).  Polls back off
 * from 10 ms to 1 s while the host sends nothing; channel errors back off
 * from 1 s to 30 s before the channel is opened again.  Power operations are
 * clean shutdowns through busybox init (PID 1): OS_Halt sends SIGUSR2
 * (poweroff), OS_Reboot SIGTERM (reboot), after the "OK" reached the host.
 * The settings are decided again after a Set_Option and every
 * SETTINGS_RECHECK_S while the host is quiet (VMware tells a guest nothing
 * when guestinfo changes, so the period is what catches those).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "userland/nhv-toolsd/toolsd.h"
#include "handshake/bdoor_def.h"
#include "handshake/nhvbd_err.h"
#include "handshake/rpci.h"
#include "handshake/tclo.h"

enum power { POWER_NONE, POWER_OFF, POWER_REBOOT };

void (*tclo_idle_work)(void);
void (*tclo_settings_changed)(const struct nhvconf *c, unsigned changed);

/* Set_Option names a minimal agent accepts (OpenBSD vmt's list, tclodefs.h);
 * nhv has nothing to do for them beyond broadcastIP. */
static const char *const known_options[] = {
	"broadcastIP", "synctime", "synctime.period", "synctime.enable", "synctime.slewCorrection",
	"synctime.percentCorrection", "time.synchronize.tools.startup",
	"time.synchronize.tools.enable", "time.synchronize.tools.percentCorrection",
	"time.synchronize.tools.slewCorrection", "time.synchronize.continue",
	"time.synchronize.restore", "time.synchronize.resume.disk",
	"time.synchronize.resume.memory", "time.synchronize.shrink", "time.synchronize.tools.period",
	"toolScripts.afterPowerOn", "toolScripts.afterResume", "toolScripts.beforeSuspend",
	"toolScripts.beforePowerOff", "copypaste", "enableDnD", "autohide", "autolock",
	"link.update", "toolsInstallTried", "enableMessageBus",
};

static void send_capabilities(const struct nhvbd_transport *t)
{
	static const char *const rpcs[] = {
		"tools.capability.statechange ",
		"tools.capability.softpowerop_retry ",
		"vmx.capability.unified_loop " TCLO_APP_NAME,
	};
	char reply[128], cmd[64];
	unsigned i;

	for (i = 0; i < sizeof(rpcs) / sizeof(rpcs[0]); i++)
		nhvbd_rpci(t, rpcs[i], reply, sizeof(reply));
	snprintf(cmd, sizeof(cmd), "tools.set.version %u", TOOLS_VERSION_UNMANAGED);
	nhvbd_rpci(t, cmd, reply, sizeof(reply));
}

static void set_option(struct nhvbd_tclo *tc, const struct nhvbd_transport *t, char *args)
{
	char *name = args, *value = strchr(args, ' ');
	unsigned i;

	if (value)
		*value++ = '\0';
	for (i = 0; i < sizeof(known_options) / sizeof(known_options[0]); i++)
		if (strcmp(name, known_options[i]) == 0)
			break;
	if (i == sizeof(known_options) / sizeof(known_options[0])) {
		nhvbd_tclo_set_result(tc, 0, TCLO_BAD_OPTION);
		return;
	}
	if (strcmp(name, "broadcastIP") == 0 && value && strcmp(value, "1") == 0)
		report_guest_info(t, 1);
	nhvbd_tclo_set_result(tc, 1, "");
}

static void statechange(const struct nhvbd_transport *t, int state)
{
	char cmd[64], reply[128];
	int err;

	snprintf(cmd, sizeof(cmd), "tools.os.statechange.status 1 %d", state);
	err = nhvbd_rpci(t, cmd, reply, sizeof(reply));
	if (err)
		log_msg("state change status not delivered: %s", nhvbd_strerror(err));
}

/* Runs one command; returns the power operation to do after replying. */
static enum power dispatch(struct nhvbd_tclo *tc, const struct nhvbd_transport *t, char *cmd)
{
	char *name, *args;

	nhvbd_tclo_split(cmd, &name, &args);
	if (nhvbd_tclo_answer_builtin(tc, name, TCLO_APP_NAME)) {
		if (strcmp(name, "reset") == 0)
			log_msg("TCLO reset: channel (re)started");
		return POWER_NONE;
	}
	if (strcmp(name, "Capabilities_Register") == 0) {
		send_capabilities(t);
		report_guest_info(t, 1);
		nhvbd_tclo_set_result(tc, 1, "");
	} else if (strcmp(name, "Set_Option") == 0) {
		set_option(tc, t, args);
	} else if (strcmp(name, "OS_Halt") == 0) {
		log_msg("OS_Halt from the host: clean power-off");
		nhvbd_tclo_set_result(tc, 1, "");
		return POWER_OFF;
	} else if (strcmp(name, "OS_Reboot") == 0) {
		log_msg("OS_Reboot from the host: clean reboot");
		nhvbd_tclo_set_result(tc, 1, "");
		return POWER_REBOOT;
	} else if (strcmp(name, "OS_PowerOn") == 0 || strcmp(name, "OS_Resume") == 0) {
		nhvbd_tclo_set_result(tc, 1, "");
		statechange(t, strcmp(name, "OS_PowerOn") == 0 ? GUESTOS_STATECHANGE_POWERON
							     : GUESTOS_STATECHANGE_RESUME);
	} else if (strcmp(name, "OS_Suspend") == 0) {
		nhvbd_tclo_set_result(tc, 1, "");
		statechange(t, GUESTOS_STATECHANGE_SUSPEND);
	} else {
		nhvbd_tclo_set_result(tc, 0, TCLO_UNKNOWN_COMMAND);
	}
	return POWER_NONE;
}

static void power(const struct nhvbd_transport *t, enum power p)
{
	int sig = p == POWER_OFF ? SIGUSR2 : SIGTERM;

	statechange(t, p == POWER_OFF ? GUESTOS_STATECHANGE_HALT : GUESTOS_STATECHANGE_REBOOT);
	if (opts.no_apply) {
		log_msg("would signal init (%s)", p == POWER_OFF ? "SIGUSR2, poweroff" : "SIGTERM, reboot");
		return;
	}
	if (kill(1, sig) < 0)
		log_msg("cannot signal init for the %s", p == POWER_OFF ? "power-off" : "reboot");
}

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* The settings decided again; what changed is applied (config.c). */
static void recheck(const struct nhvbd_transport *t, struct nhvconf *c)
{
	unsigned changed = config_recheck(c, t);

	if (!changed)
		return;
	if (changed & (1u << NHVCONF_HOSTNAME))
		report_guest_info(t, 1);
	if (tclo_settings_changed)
		tclo_settings_changed(c, changed);
}

void tclo_loop(const struct nhvbd_transport *t, struct nhvconf *c)
{
	static struct nhvbd_tclo tc;
	char cmd[1024];
	unsigned delay = 10, backoff = 1000;
	int open = 0, last_err = 0, settings_due = 0;
	enum power pending = POWER_NONE;
	time_t last_report = now_s(), last_check = now_s();

	while (!stop_requested) {
		size_t len = 0;
		int err;

		if (!open) {
			err = nhvbd_tclo_open(&tc, t);
			if (err) {
				if (err != last_err)
					log_msg("TCLO channel: %s; retrying", nhvbd_strerror(err));
				last_err = err;
				nap(backoff);
				backoff = backoff < 30000 ? backoff * 2 : 30000;
				continue;
			}
			if (last_err)
				log_msg("TCLO channel open again");
			open = 1;
			last_err = 0;
			backoff = 1000;
		}
		err = nhvbd_tclo_poll(&tc, cmd, sizeof(cmd), &len);
		if (err) {
			if (err != last_err)
				log_msg("TCLO poll: %s; reopening the channel", nhvbd_strerror(err));
			last_err = err;
			nhvbd_tclo_close(&tc);
			open = 0;
			nap(backoff);
			continue;
		}
		/* The poll just delivered the result of the last command: now the
		 * power operation it announced can start. */
		if (pending != POWER_NONE) {
			power(t, pending);
			pending = POWER_NONE;
		}
		if (len) {
			settings_due |= strncmp(cmd, "Set_Option ", 11) == 0;
			pending = dispatch(&tc, t, cmd);
			delay = 10;
			continue;
		}
		if (settings_due || now_s() - last_check >= SETTINGS_RECHECK_S) {
			recheck(t, c);
			settings_due = 0;
			last_check = now_s();
		}
		if (now_s() - last_report >= 30) {
			report_guest_info(t, 0);
			last_report = now_s();
		}
		if (tclo_idle_work)
			tclo_idle_work();
		nap(delay);
		delay = delay < 1000 ? delay * 2 : 1000;
	}
	if (open) {
		/* Send the last result, then close: the host sees the tools stop. */
		size_t len;

		nhvbd_tclo_poll(&tc, cmd, sizeof(cmd), &len);
		nhvbd_tclo_close(&tc);
	}
}
