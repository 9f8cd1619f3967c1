/*
 * control-backdoor.c - the control socket's backdoor commands (control.c
 * hands them over), values |XX-encoded as in a .vmx (vmx_encode) so that
 * any value fits one line:
 *   guestinfo-get KEY        -> "ok VALUE" | "error: guestinfo.KEY: No value found"
 *   guestinfo-set KEY VALUE  -> "ok"
 *   tclo COMMAND             -> "ok" (queued for the guest's tools: OS_Halt, ...)
 * KEY is the part after "guestinfo.".  And the status object's "backdoor"
 * member: calls, guest errors, and what the guest's tools reported (their
 * NICs as "tools_nics", toolsnics.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "handshake/nhvbd_err.h"
#include "userland/lib/json.h"
#include "userland/lib/vmx.h"
#include "userland/nhv-vm/backdoor.h"
#include "userland/nhv-vm/control.h"
#include "userland/nhv-vm/toolsnics.h"

#define VALUE_MAX	(GUESTMSG_MAX_IN_SIZE + 1)

static int valid_key(const char *k)
{
	size_t n = strlen(k);

	if (!n || n > 245)
		return 0;
	for (; *k; k++)
		if ((unsigned char)*k <= 0x20 || *k == 0x7f)
			return 0;
	return 1;
}

static char *get(struct backdoor *b, const char *key)
{
	static char value[VALUE_MAX];
	size_t elen;
	char *enc, *out;
	int r;

	if (!valid_key(key))
		return strdup("error: expected a key of 1 to 245 printable characters\n");
	r = backdoor_guestinfo_get(b, key, value, sizeof(value));
	if (r <= 0) {
		if (asprintf(&out, "error: guestinfo.%s: No value found\n", key) < 0)
			return NULL;
		return out;
	}
	enc = vmx_encode(value, &elen);
	if (!enc || asprintf(&out, "ok %s\n", enc) < 0)
		out = NULL;
	free(enc);
	return out;
}

static char *set(struct backdoor *b, const char *args)
{
	const char *sp = strchr(args, ' ');
	char key[256], *value, *out;
	int r;

	if (!sp || (size_t)(sp - args) >= sizeof(key))
		return strdup("error: expected guestinfo-set KEY VALUE\n");
	memcpy(key, args, (size_t)(sp - args));
	key[sp - args] = '\0';
	if (!valid_key(key))
		return strdup("error: expected a key of 1 to 245 printable characters\n");
	value = vmx_decode(sp + 1, strlen(sp + 1));
	if (!value)
		return NULL;
	r = backdoor_guestinfo_set(b, key, value);
	free(value);
	if (!r)
		return strdup("ok\n");
	if (asprintf(&out, "error: guestinfo.%s: %s\n", key, nhvbd_strerror(r)) < 0)
		return NULL;
	return out;
}

static char *tclo(struct backdoor *b, const char *cmd)
{
	char *out;
	int r = backdoor_tclo(b, cmd);

	if (!r)
		return strdup("ok\n");
	if (asprintf(&out, "error: TCLO \"%s\": %s\n", cmd, nhvbd_strerror(r)) < 0)
		return NULL;
	return out;
}

char *control_backdoor(struct vm *vm, const char *line)
{
	if (strncmp(line, "guestinfo-get ", 14) && strncmp(line, "guestinfo-set ", 14) &&
	    strncmp(line, "tclo ", 5))
		return NULL;
	if (!vm->backdoor)
		return strdup("error: this VM has no backdoor (hypervisor.cpuid.v0 = \"FALSE\")\n");
	if (!strncmp(line, "guestinfo-get ", 14))
		return get(vm->backdoor, line + 14);
	if (!strncmp(line, "guestinfo-set ", 14))
		return set(vm->backdoor, line + 14);
	return tclo(vm->backdoor, line + 5);
}

void control_backdoor_status(struct vm *vm, FILE *f)
{
	struct nhvbd_host_tools t;
	uint64_t calls, errors;

	if (!vm->backdoor) {
		fputs(",\"backdoor\":null", f);
		return;
	}
	backdoor_tools(vm->backdoor, &t, &calls, &errors);
	fprintf(f, ",\"backdoor\":{\"calls\":%" PRIu64 ",\"guest_errors\":%" PRIu64
		",\"hypercall\":\"%s\",\"tools_running\":%s", calls, errors,
		vm->hypercall == NHV_BACKDOOR_VMCALL ? "vmcall" :
		vm->hypercall == NHV_BACKDOOR_VMMCALL ? "vmmcall" : "none",
		t.running ? "true" : "false");
	if (t.version_set)
		fprintf(f, ",\"tools_version\":%" PRIu32, t.version);
	fputs(",\"hostname\":", f);
	json_str(f, t.hostname);
	fputs(",\"ip\":", f);
	json_str(f, t.ip);
	fputs(",\"last_tclo_result\":", f);
	json_str(f, t.last_result);
	fprintf(f, ",\"nic_reports\":%u,\"tools_nics\":", t.nic_reports);
	toolsnics_json(f, &t.nics);
	fputc('}', f);
}
