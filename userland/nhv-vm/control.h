/*
 * control.h - the control socket of `nhv-vm boot --control SOCKET` (server
 * side): one command line per connection, one answer line (see control.c).
 */
#ifndef NHV_VM_CONTROL_H
#define NHV_VM_CONTROL_H

#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include "userland/nhv-vm/vm.h"

#define CONTROL_MAX_CLIENTS	8
#define CONTROL_MAX_FDS		(1 + CONTROL_MAX_CLIENTS)
#define CONTROL_STATUS_MAX	32768	/* the status line, with the guest's tools' strings and NICs */

struct control;

/* Creates the socket (mode 0600, an old one replaced); NULL with why. */
struct control *control_open(struct vm *vm, const char *path, char *why, size_t whylen);
/* Fills p with the fds to poll; returns how many (0 for NULL). */
nfds_t control_pollfds(struct control *c, struct pollfd *p);
/* Handles what poll reported on those fds. */
void control_handle(struct control *c, const struct pollfd *p, nfds_t n);
/*
 * control-backdoor.c: the answer (malloc'd, one line) to a guestinfo-get,
 * guestinfo-set or tclo command, NULL for any other line; and the status
 * object's "backdoor" member.
 */
char *control_backdoor(struct vm *vm, const char *line);
void control_backdoor_status(struct vm *vm, FILE *f);
/* nesting.c: the status object's "nesting" member. */
void control_nesting_status(struct vm *vm, FILE *f);

/* Closes every connection and removes the socket; NULL is fine. */
void control_close(struct control *c);

#endif
