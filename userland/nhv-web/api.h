/*
 * api.h - the JSON API under /api/v1 (docs/api.md, docs/openapi.json).
 * Every answer about the appliance and its VMs comes from the same
 * commands a person types (`nhv vm list --json`, `nhv-check --json`, ...;
 * run.h), so the CLI and the web UI never disagree.
 */
#ifndef NHV_WEB_API_H
#define NHV_WEB_API_H

#include "civetweb.h"

struct api_paths {
	const char *status;	/* the status block nhv-init wrote (/run/nhv/status) */
	const char *settings;	/* the decided settings (/run/nhv/settings) */
	const char *vms;	/* the VM store's definitions (/var/lib/nhv/vms) */
	const char *work;	/* nhv-web's own scratch folder (/run/nhv/web) */
	const char *fingerprint; /* the TLS certificate's SHA-256 */
};

void api_init(const struct api_paths *p);

/* civetweb request handler for /api/v1/... */
int api_handler(struct mg_connection *c, void *data);

/* The .vmx of VM name (its definition in the store) into a malloc'd buffer; NULL when none. */
char *api_vmx_text(const char *name, size_t *len);

#endif
