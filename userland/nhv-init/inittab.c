/*
 * inittab.c - the /etc/inittab that busybox init runs once nhv-init has
 * finished: a login prompt on every active console (tty0 -> tty1, ttyS0),
 * or, with nhv.shell=serial, a root shell on ttyS0 for automation; the
 * power-button watcher; nhv-toolsd (VMware Tools role: TCLO power
 * operations); nhv-web (the HTTPS UI and API); and nhv-init's own shutdown step.
 */
#include <stdio.h>
#include <string.h>

#include "nhv-init.h"

int inittab_write(const char *path)
{
	const char *shell = cmdline_get("nhv.shell");
	int serial_shell = shell && strcmp(shell, "serial") == 0;
	char active[256], tab[2048] = "", *name, *save = NULL;
	int ttys = 0;

	if (shell && !serial_shell)
		log_msg("nhv.shell=%s is not understood (expected nhv.shell=serial); "
			"consoles ask for a login", shell);
	appendf(tab, sizeof(tab), "# written by nhv-init at boot\n");
	appendf(tab, sizeof(tab), "::respawn:/bin/nhv-powerbtn\n");
	appendf(tab, sizeof(tab), "::respawn:/bin/nhv-toolsd --log " NHV_RUN_DIR "/toolsd.log\n");
	appendf(tab, sizeof(tab), "::respawn:/bin/nhv-web --log " NHV_RUN_DIR "/web.log\n");
	if (read_text("/sys/class/tty/console/active", active, sizeof(active)) <= 0)
		snprintf(active, sizeof(active), "tty0");
	for (name = strtok_r(active, " ", &save); name; name = strtok_r(NULL, " ", &save)) {
		if (strcmp(name, "tty0") == 0 || strcmp(name, "tty1") == 0) {
			appendf(tab, sizeof(tab), "tty1::respawn:/sbin/getty 38400 tty1\n");
		} else if (strncmp(name, "ttyS", 4) == 0 && serial_shell) {
			appendf(tab, sizeof(tab), "%s::respawn:-/bin/sh\n", name);
		} else if (strncmp(name, "tty", 3) == 0) {
			appendf(tab, sizeof(tab), "%s::respawn:/sbin/getty -L 115200 %s vt100\n",
				name, name);
		} else {
			continue;
		}
		ttys++;
	}
	if (!ttys)
		appendf(tab, sizeof(tab), "tty1::respawn:/sbin/getty 38400 tty1\n");
	appendf(tab, sizeof(tab), "::ctrlaltdel:/sbin/reboot\n");
	appendf(tab, sizeof(tab), "::shutdown:/bin/nhv-init shutdown\n");
	return write_file(path, tab);
}
