/*
 * rpci.h - RPCI, guest-to-host request/response over GuestRPC (reference
 * 3.4).  Like open-vm-tools' RpcOut_sendOne, each call opens a channel,
 * sends one command, receives the reply and closes the channel.
 * The host replies "1 <result>" or "0 <error text>".
 */
#ifndef NHV_RPCI_H
#define NHV_RPCI_H

#include <stddef.h>

#include "handshake/transport.h"

/* Sends cmd (a space is added when it has none, for old hosts) and puts the
 * reply's result text, NUL-terminated, in reply (cap bytes).  Returns 0 for
 * "1 ...", NHVBD_ERPC for "0 ..." (reply holds the host's error text), or
 * another NHVBD_E* (reply is empty). */
int nhvbd_rpci(const struct nhvbd_transport *t, const char *cmd, char *reply, size_t cap);

/* Splits a raw reply "1 text" / "0 text" into ok and the text. */
int nhvbd_rpci_parse_reply(const char *raw, size_t len, int *ok, const char **text);

/* info-get guestinfo.<key> (key given without the "guestinfo." prefix, or
 * with it).  NHVBD_ERPC with the host's text (usually "No value found")
 * when the key is unset. */
int nhvbd_info_get(const struct nhvbd_transport *t, const char *key, char *value, size_t cap);
int nhvbd_info_set(const struct nhvbd_transport *t, const char *key, const char *value);

#endif
