/*
 * tclo.h - TCLO, host-to-guest commands that the guest polls for (reference
 * 3.5).  Each poll sends the result of the previous command ("OK <text>" or
 * "ERROR <text>"; an empty message the first time, which tells the host
 * that the guest is there) and then receives the next command, if any.
 */
#ifndef NHV_TCLO_H
#define NHV_TCLO_H

#include <stddef.h>

#include "handshake/message.h"

#define NHVBD_TCLO_RESULT_MAX 1024

struct nhvbd_tclo {
	struct nhvbd_chan chan;
	char result[NHVBD_TCLO_RESULT_MAX];
	size_t result_len;
};

int nhvbd_tclo_open(struct nhvbd_tclo *tc, const struct nhvbd_transport *t);
/* Sends the pending result, then receives a command into cmd (cap bytes,
 * NUL-terminated); *len = 0 when the host has none. */
int nhvbd_tclo_poll(struct nhvbd_tclo *tc, char *cmd, size_t cap, size_t *len);
/* The result the next poll sends: "OK <text>" or "ERROR <text>". */
void nhvbd_tclo_set_result(struct nhvbd_tclo *tc, int ok, const char *text);
int nhvbd_tclo_close(struct nhvbd_tclo *tc);

/* Splits "Name args..." in place: *name = cmd, *args = text after the first
 * space (or ""). */
void nhvbd_tclo_split(char *cmd, char **name, char **args);

/* The standard answers of a minimal agent (open-vm-tools rpcChannel.c):
 * "reset" -> "OK ATR <app>", "ping" -> "OK ".  Returns 1 when cmd was one of
 * them and the result is set, 0 otherwise. */
int nhvbd_tclo_answer_builtin(struct nhvbd_tclo *tc, const char *name, const char *app);

#endif
