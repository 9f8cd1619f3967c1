/*
 * tclo.c - TCLO client over a GuestRPC channel.
 */
#include <string.h>

#include "handshake/tclo.h"
#include "handshake/bdoor_def.h"
#include "handshake/nhvbd_err.h"

int nhvbd_tclo_open(struct nhvbd_tclo *tc, const struct nhvbd_transport *t)
{
	if (!tc)
		return NHVBD_EINVAL;
	tc->result_len = 0;
	tc->result[0] = '\0';
	return nhvbd_msg_open(&tc->chan, t, TCLO_PROTOCOL_NUM);
}

int nhvbd_tclo_poll(struct nhvbd_tclo *tc, char *cmd, size_t cap, size_t *len)
{
	int err;

	if (!tc || !cmd || !cap || !len)
		return NHVBD_EINVAL;
	*len = 0;
	cmd[0] = '\0';
	err = nhvbd_msg_send(&tc->chan, tc->result, tc->result_len);
	if (err)
		return err;
	tc->result_len = 0;
	tc->result[0] = '\0';
	err = nhvbd_msg_receive(&tc->chan, cmd, cap, len);
	if (err)
		return err;
	/* Commands are text: one with a NUL inside is answered, not run. */
	if (*len && memchr(cmd, '\0', *len)) {
		nhvbd_tclo_set_result(tc, 0, "Bad command");
		*len = 0;
		cmd[0] = '\0';
	}
	return 0;
}

void nhvbd_tclo_set_result(struct nhvbd_tclo *tc, int ok, const char *text)
{
	const char *head = ok ? "OK " : "ERROR ";
	size_t h = strlen(head), n = text ? strlen(text) : 0;

	if (h + n >= sizeof(tc->result))
		n = sizeof(tc->result) - h - 1;
	memcpy(tc->result, head, h);
	if (n)
		memcpy(tc->result + h, text, n);
	tc->result_len = h + n;
	tc->result[tc->result_len] = '\0';
}

int nhvbd_tclo_close(struct nhvbd_tclo *tc)
{
	if (!tc)
		return NHVBD_EINVAL;
	return nhvbd_msg_close(&tc->chan);
}

void nhvbd_tclo_split(char *cmd, char **name, char **args)
{
	char *sp = strchr(cmd, ' ');

	*name = cmd;
	if (sp) {
		*sp = '\0';
		*args = sp + 1;
	} else {
		*args = cmd + strlen(cmd);
	}
}

int nhvbd_tclo_answer_builtin(struct nhvbd_tclo *tc, const char *name, const char *app)
{
	if (strcmp(name, "reset") == 0) {
		char text[128] = "ATR ";

		strncat(text, app ? app : TCLO_APP_NAME, sizeof(text) - 5);
		nhvbd_tclo_set_result(tc, 1, text);
		return 1;
	}
	if (strcmp(name, "ping") == 0) {
		nhvbd_tclo_set_result(tc, 1, "");
		return 1;
	}
	return 0;
}
