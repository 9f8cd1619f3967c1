/* console.h - a VM's serial console over a WebSocket (see console.c). */
#ifndef NHV_WEB_CONSOLE_H
#define NHV_WEB_CONSOLE_H

#include "civetweb.h"

/* Handles WebSocket upgrades of /api/v1/vms/NAME/console. */
void console_register(struct mg_context *ctx);

#endif
