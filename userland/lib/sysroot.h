/*
 * sysroot.h - every absolute path nhv-identity and the data-disk code touch go through
 * sysroot(), which puts $NHV_SYSROOT in front when it is set.  Tests run the
 * real program against a fake /sys, /proc, /etc and /run that way; with
 * NHV_SYSROOT set, nothing is mounted, no ioctl reaches a NIC and the
 * hostname of the machine running the test is left alone.
 */
#ifndef NHV_LIB_SYSROOT_H
#define NHV_LIB_SYSROOT_H

#include <stddef.h>

const char *sysroot(const char *abs, char *buf, size_t size);
int sysroot_is_fake(void);

#endif
