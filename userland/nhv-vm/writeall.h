/* writeall.h - write(2) until all n bytes are written (EINTR and short writes retried). */
#ifndef NHV_VM_WRITEALL_H
#define NHV_VM_WRITEALL_H

#include <stddef.h>

/* 0, or -1 with errno set. */
int write_all(int fd, const void *buf, size_t n);

#endif
