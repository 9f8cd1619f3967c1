/*
 * builtin-define.c - nhv vm define FILE.vmx: check the file with the guest
 * config reader, then store it as STORE/NAME/NAME.vmx (NAME: displayName,
 * else the file's base name), atomically.  Relative nhv.kernel, nhv.initrd
 * and nhv.diskN paths become absolute (they were relative to FILE's
 * folder); a file without uuid.bios gets one from nhv-identity, so a cloned
 * appliance gives its guests new UUIDs, and so does each present NIC
 * without an ethernetN.address.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include "userland/lib/atomic.h"
#include "userland/lib/hexfmt.h"
#include "userland/lib/runcap.h"
#include "userland/nhv-vm/args.h"
#include "userland/nhv-vm/builtins.h"
#include "userland/nhv-vm/config.h"
#include "userland/nhv-vm/identity.h"
#include "userland/nhv-vm/net.h"
#include "userland/nhv-vm/store.h"

/* A version 4 UUID in .vmx form, when nhv-identity has none to give. */
static int random_uuid(char out[48])
{
	struct nhv_uuid u;

	if (getrandom(u.b, sizeof(u.b), 0) != (ssize_t)sizeof(u.b))
		return -1;
	u.b[6] = (u.b[6] & 0x0f) | 0x40;
	u.b[8] = (u.b[8] & 0x3f) | 0x80;
	uuid_format_vmx(&u, out);
	return 0;
}

/* key's value made absolute (the config reader resolved it) when it was relative. */
static int absolutize(struct vmx *v, const char *key, const char *resolved)
{
	char *raw = vmx_get(v, key);
	int r = 0;

	if (raw && raw[0] != '/' && resolved)
		r = vmx_set(v, key, resolved);
	free(raw);
	return r;
}

int cmd_define(int argc, char **argv)
{
	static const char usage[] = "FILE.vmx";
	char err[1024], why[512], uuid[64], stored[PATH_MAX];
	const char *file = NULL;
	struct vm_config c;
	struct vmx v;
	char *text, *out, *name;
	size_t len;
	int r = 0;

	for (int i = 1; i < argc; i++) {
		if (file || argv[i][0] == '-')
			return args_usage("define", usage, argv[i]);
		file = argv[i];
	}
	if (!file)
		return args_usage("define", usage, NULL);
	if (vm_config_load(&c, file, NULL, 0, err, sizeof(err))) {
		fprintf(stderr, "nhv vm define: %s\n", err);
		return 2;
	}
	name = strdup(c.display_name);
	if (!name || store_name_check(name, why, sizeof(why))) {
		fprintf(stderr, "nhv vm define: %s: displayName: %s\n", file, name ? why : "out of memory");
		vm_config_free(&c);
		free(name);
		return 2;
	}
	if (store_exists(name)) {
		store_vmx_path(name, stored, sizeof(stored));
		fprintf(stderr, "nhv vm define: a VM named \"%s\" is already defined (%s); "
			"`nhv vm rm %s` first\n", name, stored, name);
		vm_config_free(&c);
		free(name);
		return 1;
	}
	/* The file as written, edited only where it must be. */
	text = read_file(c.path, 1 << 20, &len);
	if (!text || vmx_parse(&v, text, len) < 0) {
		fprintf(stderr, "nhv vm define: cannot read %s: %s\n", c.path, strerror(errno));
		free(text);
		vm_config_free(&c);
		free(name);
		return 1;
	}
	free(text);
	r |= absolutize(&v, "nhv.kernel", c.kernel);
	r |= absolutize(&v, "nhv.initrd", c.initrd);
	for (unsigned int d = 0; d < VM_MAX_DISKS; d++) {
		char key[16];

		snprintf(key, sizeof(key), "nhv.disk%u", d);
		if (c.disks[d])
			r |= absolutize(&v, key, c.disks[d]);
	}
	if (!c.uuid_bios) {
		if (identity_ask("guest-uuid", name, NULL, uuid, sizeof(uuid)) < 0) {
			fprintf(stderr, "nhv vm define: nhv-identity gave no uuid.bios for %s "
				"(has `nhv-identity boot` run?); using a random one\n", name);
			if (random_uuid(uuid) < 0)
				r = -1;
		}
		if (r == 0)
			r = vmx_set(&v, "uuid.bios", uuid);
	}
	/* NICs without a MAC get theirs now, so that it stays the same at every start. */
	for (int i = 0; i < VM_MAX_NICS && r == 0; i++) {
		struct nhv_mac mac;
		char key[32], m[18];

		if (!c.nics[i].present || c.nics[i].has_mac)
			continue;
		net_mac(&c, name, i, mac.b);
		mac_format(&mac, m);
		snprintf(key, sizeof(key), "ethernet%d.address", i);
		r = vmx_set(&v, key, m);
	}
	out = r == 0 ? vmx_format(&v, &len) : NULL;
	vmx_free(&v);
	vm_config_free(&c);
	if (!out) {
		fprintf(stderr, "nhv vm define: out of memory\n");
		free(name);
		return 1;
	}
	r = store_write_vmx(name, out, len, why, sizeof(why));
	free(out);
	if (r < 0) {
		fprintf(stderr, "nhv vm define: %s; \"%s\" is not defined\n", why, name);
		free(name);
		return 1;
	}
	/* What was stored must load: check it, and take it back if not. */
	store_vmx_path(name, stored, sizeof(stored));
	if (vm_config_load(&c, stored, NULL, 0, err, sizeof(err))) {
		int kept;

		fprintf(stderr, "nhv vm define: the stored definition does not load: %s\n", err);
		store_remove(name, &kept, why, sizeof(why));
		free(name);
		return 1;
	}
	vm_config_free(&c);
	printf("defined %s (%s)\n", name, stored);
	free(name);
	return 0;
}
