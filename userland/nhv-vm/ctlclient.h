/*
 * ctlclient.h - the client side of a VM's control socket (nhv-vm boot
 * --control; protocol in the contract, docs/vmm-design.md): one
 * command line out, one answer line back; `console` then turns the
 * connection into the guest's serial byte stream.
 */
#ifndef NHV_VM_CTLCLIENT_H
#define NHV_VM_CTLCLIENT_H

#include <stddef.h>

/*
 * Sends cmd to the socket at path and reads the one-line answer into
 * answer (without its line end), waiting at most timeout_ms.  0 when an
 * answer came, -1 with why otherwise.
 */
int ctl_request(const char *path, const char *cmd, char *answer, size_t len, int timeout_ms,
		char *why, size_t wlen);

/* Sends `console`, checks the "ok" answer; returns the connected fd, or -1 with why. */
int ctl_console(const char *path, char *why, size_t wlen);

/* cmd over VM name's control socket (store.h's RUN/NAME/control.sock): 0 when it answered "ok". */
int ctl_vm_command(const char *name, const char *cmd, char *why, size_t wlen);

/* A number member of a flat JSON object line ("key":N): 0 and *out, or -1. */
int ctl_json_number(const char *json, const char *key, double *out);

#endif
