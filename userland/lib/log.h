/*
 * log.h - a program's messages, one line each, "TAG: text", to its console
 * (a file descriptor or an append-only log file) and to the kernel log.
 *
 * In the kernel log the level goes in the "<N>" prefix (syslog levels:
 * LOG_ERR 3, LOG_WARNING 4, LOG_NOTICE 5, LOG_INFO 6); the text never says
 * "WARNING:", "BUG:" or "Oops", which monitoring and nhv's own tests take
 * for kernel faults (tests/libnhv/log-words.t checks every message).
 */
#ifndef NHV_LIB_LOG_H
#define NHV_LIB_LOG_H

#include <syslog.h>

/*
 * tag: the program's name; kmsg: the kernel log device ("/dev/kmsg"), or
 * NULL for none; console_fd: where the plain line goes (1, 2), or -1.
 * Before log_setup: tag "nhv", no kernel log, console 2.
 */
void log_setup(const char *tag, const char *kmsg, int console_fd);
/* The console becomes the file path, opened for append; "-" or NULL keep
 * it.  0, or -1 (with a message on stderr) when it cannot be opened. */
int log_to_file(const char *path);

void log_at(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* log_at(LOG_NOTICE, ...) */
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
