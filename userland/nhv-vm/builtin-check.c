/*
 * builtin-check.c - nhv-vm check FILE.vmx [--set KEY=VALUE]...: the parsed
 * configuration, or the error naming FILE:LINE and the key (exit 2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "userland/nhv-vm/builtins.h"
#include "userland/nhv-vm/config.h"
#include "userland/nhv-vm/cpuid-mask.h"

#define MAX_SETS 64

static void show(const char *k, const char *v)
{
	printf("%-14s %s\n", k, v ? v : "-");
}

int cmd_check(int argc, char **argv)
{
	char *sets[MAX_SETS], err[1024], num[32];
	const char *file = NULL;
	struct vm_config c;
	size_t nsets = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--set") && i + 1 < argc && nsets < MAX_SETS) {
			sets[nsets++] = argv[++i];
		} else if (!file && argv[i][0] != '-') {
			file = argv[i];
		} else {
			fprintf(stderr, "nhv-vm check: unexpected argument \"%s\"\n"
				"usage: nhv-vm check FILE.vmx [--set KEY=VALUE]... (at most %d)\n",
				argv[i], MAX_SETS);
			return 2;
		}
	}
	if (!file) {
		fputs("usage: nhv-vm check FILE.vmx [--set KEY=VALUE]...\n", stderr);
		return 2;
	}
	if (vm_config_load(&c, file, sets, nsets, err, sizeof(err))) {
		fprintf(stderr, "nhv-vm: %s\n", err);
		return 2;
	}
	show("file", c.path);
	show("name", c.display_name);
	snprintf(num, sizeof(num), "%llu MiB", (unsigned long long)c.memsize_mib);
	show("memsize", num);
	snprintf(num, sizeof(num), "%u", c.numvcpus);
	show("numvcpus", num);
	show("uuid.bios", c.uuid_bios);
	show("kernel", c.kernel);
	show("initrd", c.initrd);
	show("cmdline", c.cmdline);
	for (unsigned int i = 0; i < c.ndisks; i++) {
		snprintf(num, sizeof(num), "disk%u", i);
		show(num, c.disks[i]);
	}
	show("autostart", c.autostart ? "TRUE" : "FALSE");
	show("accel", vm_accel_name(c.accel));
	show("hypervisor", c.hv_cpuid_v0 ? "VMware (hypervisor.cpuid.v0 TRUE)" :
	     "hidden (hypervisor.cpuid.v0 FALSE)");
	show("backdoor", !c.hv_cpuid_v0 ? "none" : c.restrict_backdoor ? "CPL 0 only (restrict_backdoor)" :
	     "any CPL");
	show("pseudo_perfctr", c.pseudo_perfctr ? "TRUE" : "FALSE");
	show("nesting", vm_nesting_name(c.nesting));
	snprintf(num, sizeof(num), "%u", c.masks->n);
	show("cpuid masks", num);
	for (unsigned int i = 0; i < c.ngi; i++)
		show(c.gi_key[i], c.gi_val[i]);
	vm_config_free(&c);
	return 0;
}
