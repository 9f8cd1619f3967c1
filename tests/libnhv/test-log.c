/*
 * test-log.c - messages to the console and the kernel log (userland/lib/log.c):
 * the tag, the level in the "<N>" prefix of the kernel-log line only, and
 * a long message cut to one line.
 */
#include "userland/lib/log.h"
#include "userland/lib/tap.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, cap - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
}

int main(void)
{
	char dir[] = "/tmp/test-log.XXXXXX", kmsg[64], con[64], got[4096], big[3000];
	int fd;

	if (!mkdtemp(dir)) {
		tap_ok(0, "mkdtemp");
		return tap_done();
	}
	snprintf(kmsg, sizeof(kmsg), "%s/kmsg", dir);
	snprintf(con, sizeof(con), "%s/console", dir);
	fd = open(kmsg, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	close(fd);
	log_setup("nhv-test", kmsg, -1);
	tap_is_int(log_to_file(con), 0, "log_to_file opens the console file");
	log_at(LOG_WARNING, "disk %s missing", "sdb");
	log_msg("plain %d", 7);
	log_at(LOG_ERR, "failed");
	log_at(42, "odd level");
	slurp(kmsg, got, sizeof(got));
	tap_is_str(got, "<4>nhv-test: disk sdb missing\n<5>nhv-test: plain 7\n<3>nhv-test: failed\n"
		   "<5>nhv-test: odd level\n",
		   "kernel log: level in <N>, tag, one line each; an odd level becomes notice");
	slurp(con, got, sizeof(got));
	tap_is_str(got, "nhv-test: disk sdb missing\nnhv-test: plain 7\nnhv-test: failed\n"
		   "nhv-test: odd level\n", "console: no <N> prefix");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	unlink(con);
	log_to_file(con);
	log_msg("%s", big);
	slurp(con, got, sizeof(got));
	tap_ok(strlen(got) > 1000 && strlen(got) < sizeof(big) && got[strlen(got) - 1] == '\n' &&
	       strchr(got, '\n') == got + strlen(got) - 1,
	       "a 3000-byte message is cut to one line ending in a newline (%zu bytes)", strlen(got));
	tap_is_int(log_to_file("/nonexistent/dir/log"), -1, "an unopenable log file: -1");
	unlink(kmsg);
	unlink(con);
	rmdir(dir);
	return tap_done();
}
