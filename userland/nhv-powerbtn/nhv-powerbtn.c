/*
 * nhv-powerbtn - turn the ACPI power button into a clean shutdown.
 *
 * The ACPI button driver reports a press as KEY_POWER on an evdev input
 * device.  This watches every /dev/input/event* that can send KEY_POWER
 * and, on a press, asks PID 1 (busybox init) to power off with SIGUSR2 —
 * the same path as the `poweroff` command.  vSphere's "Shut Down Guest"
 * without VMware Tools, `virsh shutdown` and QEMU's system_powerdown all
 * arrive this way.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_DEVS 16
#define BITS_PER_LONG (8 * sizeof(long))

static int can_send_power_key(int fd)
{
	unsigned long keys[KEY_MAX / BITS_PER_LONG + 1];

	memset(keys, 0, sizeof(keys));
	if (ioctl(fd, EVIOCGBIT(EV_KEY, sizeof(keys)), keys) < 0)
		return 0;
	return (keys[KEY_POWER / BITS_PER_LONG] >> (KEY_POWER % BITS_PER_LONG)) & 1;
}

static int open_power_devices(struct pollfd *fds)
{
	struct dirent *de;
	DIR *d = opendir("/dev/input");
	int n = 0;

	while (d && (de = readdir(d)) && n < MAX_DEVS) {
		char path[300];
		int fd;

		if (strncmp(de->d_name, "event", 5) != 0)
			continue;
		snprintf(path, sizeof(path), "/dev/input/%s", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!can_send_power_key(fd)) {
			close(fd);
			continue;
		}
		fds[n].fd = fd;
		fds[n].events = POLLIN;
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

int main(void)
{
	struct pollfd fds[MAX_DEVS];
	int n = open_power_devices(fds), i;

	if (n == 0) {
		/* No power button (no ACPI): nothing to watch.  Sleep rather
		 * than exit so that init does not respawn us in a loop. */
		fprintf(stderr, "nhv-powerbtn: no input device sends KEY_POWER; idle\n");
		for (;;)
			pause();
	}
	for (;;) {
		if (poll(fds, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("nhv-powerbtn: poll");
			return 1;
		}
		for (i = 0; i < n; i++) {
			struct input_event ev;

			if (!(fds[i].revents & POLLIN))
				continue;
			while (read(fds[i].fd, &ev, sizeof(ev)) == (ssize_t)sizeof(ev)) {
				if (ev.type == EV_KEY && ev.code == KEY_POWER && ev.value == 1) {
					fprintf(stderr, "nhv-powerbtn: power button pressed, powering off\n");
					kill(1, SIGUSR2);
				}
			}
		}
	}
}
