/*
 * rpci.c - RPCI client: one channel per command, reply "1 "/"0 " parsing.
 */
#include <string.h>

#include "handshake/rpci.h"
#include "handshake/bdoor_def.h"
#include "handshake/message.h"
#include "handshake/nhvbd_err.h"

/* One buffer for the wire message, bounded like every GuestRPC message. */
struct rpci_buf {
	char data[GUESTMSG_MAX_IN_SIZE + 1];
};

int nhvbd_rpci_parse_reply(const char *raw, size_t len, int *ok, const char **text)
{
	if (len < 1 || (raw[0] != '0' && raw[0] != '1'))
		return NHVBD_EPROTO;
	/* "1" alone is accepted: some hosts drop the space of an empty result. */
	if (len >= 2 && raw[1] != ' ')
		return NHVBD_EPROTO;
	if (memchr(raw, '\0', len))
		return NHVBD_EPROTO;
	*ok = raw[0] == '1';
	*text = len >= 2 ? raw + 2 : raw + len;
	return 0;
}

static int rpci_with(const struct nhvbd_transport *t, const char *cmd, char *reply, size_t cap,
		     struct rpci_buf *b)
{
	struct nhvbd_chan c;
	size_t clen, rlen = 0, tlen;
	const char *text;
	int err, ok, cerr;

	if (!t || !cmd || !reply || !cap)
		return NHVBD_EINVAL;
	reply[0] = '\0';
	clen = strlen(cmd);
	if (clen + 1 > GUESTMSG_MAX_IN_SIZE)
		return NHVBD_ETOOBIG;
	memcpy(b->data, cmd, clen);
	if (!memchr(cmd, ' ', clen))
		b->data[clen++] = ' ';

	err = nhvbd_msg_open(&c, t, RPCI_PROTOCOL_NUM);
	if (err)
		return err;
	err = nhvbd_msg_send(&c, b->data, clen);
	if (!err)
		err = nhvbd_msg_receive(&c, b->data, sizeof(b->data), &rlen);
	cerr = nhvbd_msg_close(&c);
	if (err)
		return err;
	(void)cerr;	/* the reply is complete; a refused CLOSE changes nothing */
	if (rlen == 0)
		return NHVBD_EPROTO;	/* a host always answers an RPCI */
	err = nhvbd_rpci_parse_reply(b->data, rlen, &ok, &text);
	if (err)
		return err;
	tlen = rlen - (size_t)(text - b->data);
	if (tlen >= cap)
		return NHVBD_ETOOBIG;
	memcpy(reply, text, tlen);
	reply[tlen] = '\0';
	return ok ? 0 : NHVBD_ERPC;
}

int nhvbd_rpci(const struct nhvbd_transport *t, const char *cmd, char *reply, size_t cap)
{
	/* Static: 64 KiB is too much for small stacks, and the library is used
	 * from one thread per process (nhv-toolsd, nhv-guestinfo, nhv-vm's
	 * device thread). */
	static struct rpci_buf b;

	return rpci_with(t, cmd, reply, cap, &b);
}

static int key_cmd(char *out, size_t cap, const char *verb, const char *key, const char *value)
{
	const char *prefix = strncmp(key, "guestinfo.", 10) == 0 ? "" : "guestinfo.";
	size_t need = strlen(verb) + 1 + strlen(prefix) + strlen(key) +
		      (value ? 1 + strlen(value) : 0) + 1;

	if (!*key || strchr(key, ' ') || need > cap)
		return need > cap ? NHVBD_ETOOBIG : NHVBD_EINVAL;
	strcpy(out, verb);
	strcat(out, " ");
	strcat(out, prefix);
	strcat(out, key);
	if (value) {
		strcat(out, " ");
		strcat(out, value);
	}
	return 0;
}

int nhvbd_info_get(const struct nhvbd_transport *t, const char *key, char *value, size_t cap)
{
	char cmd[512];
	int err;

	if (!key || !value || !cap)
		return NHVBD_EINVAL;
	err = key_cmd(cmd, sizeof(cmd), "info-get", key, NULL);
	if (err)
		return err;
	return nhvbd_rpci(t, cmd, value, cap);
}

int nhvbd_info_set(const struct nhvbd_transport *t, const char *key, const char *value)
{
	static char cmd[GUESTMSG_MAX_IN_SIZE];
	char reply[256];
	int err;

	if (!key || !value)
		return NHVBD_EINVAL;
	err = key_cmd(cmd, sizeof(cmd), "info-set", key, value);
	if (err)
		return err;
	return nhvbd_rpci(t, cmd, reply, sizeof(reply));
}
