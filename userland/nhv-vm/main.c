/*
 * main.c - nhv-vm VERB [ARGS...]: the L2 virtual machine monitor of nhv
 * (`nhv vm VERB` runs it).  One verb per builtin-*.c file.
 */
#include <stdio.h>
#include <string.h>
#include "userland/nhv-vm/builtins.h"

static const struct verb {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} verbs[] = {
	{ "boot", cmd_boot, "run one VM in the foreground from a .vmx file" },
	{ "check", cmd_check, "parse a .vmx file and print the guest's configuration" },
	{ "define", cmd_define, "store FILE.vmx as a VM (docs/nhv-vm.md)" },
	{ "list", cmd_list, "the defined VMs: state, vCPUs, memory, uptime (--json)" },
	{ "start", cmd_start, "start VM NAME in the background (--console attaches)" },
	{ "stop", cmd_stop, "power button, forced after --timeout S (default 30); --force, --all" },
	{ "shutdown", cmd_shutdown, "OS_Halt to the guest's VMware tools, wait for power-off" },
	{ "reset", cmd_reset, "reset VM NAME" },
	{ "console", cmd_console, "attach to NAME's serial console (Ctrl-] detaches)" },
	{ "status", cmd_status, "the running VMM's status line (JSON: exits by reason, ...)" },
	{ "log", cmd_log, "NAME's serial output so far" },
	{ "guestinfo", cmd_guestinfo, "NAME KEY: read, NAME KEY=VALUE: set a running VM's guestinfo" },
	{ "cpuid", cmd_cpuid, "NAME: the CPUID the guest sees, and which key changed each bit" },
	{ "rm", cmd_rm, "forget a VM that is not running" },
	{ "run", cmd_run, "a throwaway guest: [--vmx FILE] [--set K=V]... [-- COMMAND...]" },
	{ "net", cmd_net, "NAME's NICs: MAC, mode, address and port forwards" },
	{ "autostart", cmd_autostart, "start the VMs with nhv.autostart (nhv-init, at boot)" },
};

static int usage(FILE *f)
{
	fputs("usage: nhv-vm VERB [ARGS...]\n", f);
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, "  %-8s %s\n", verbs[i].name, verbs[i].help);
	return f == stdout ? 0 : 2;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
		return usage(stdout);
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "nhv-vm: unknown verb \"%s\" (expected one of:", argv[1]);
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(stderr, " %s", verbs[i].name);
	fputs(")\n", stderr);
	return 2;
}
