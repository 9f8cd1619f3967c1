/*
 * nhv-identity - clone-safe identity of the appliance and its L2 guests.
 *
 *   nhv-identity boot [options]     run by nhv-init before networking
 *   nhv-identity [show] [--json]    `nhv identity`: the identity and the last decision
 *   nhv-identity verify FILE        is FILE a valid identity file? (exit 0/1)
 *   nhv-identity guest-uuid NAME    uuid.bios for a new L2 guest (`nhv vm define`)
 *   nhv-identity guest-mac NAME N   ethernetN.address for a new L2 guest NIC
 */
#include "userland/lib/atomic.h"
#include "userland/lib/json.h"
#include "userland/lib/log.h"
#include "userland/nhv-identity/boot.h"
#include "userland/nhv-identity/decide.h"
#include "userland/nhv-identity/idfile.h"
#include "userland/lib/sysroot.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fputs("usage: nhv-identity boot [--data-dir DIR] [--hostname NAME] [--datadisk-format]\n"
	      "                         [--no-datadisk] [--no-efi] [--mac-prefix local|vmware]\n"
	      "                         [--mac-mode random|deterministic]\n"
	      "       nhv-identity [show] [--json] [--file PATH]\n"
	      "       nhv-identity verify FILE\n"
	      "       nhv-identity guest-uuid NAME [--file PATH]\n"
	      "       nhv-identity guest-mac NAME N [--file PATH]\n"
	      "boot reads the hardware identity, loads the stored one (data disk labelled NHVDATA,\n"
	      "else the EFI variable NhvIdentity-<nhv GUID>, else RAM), decides new|same|moved|cloned\n"
	      "and renews the appliance and L2 guest UUIDs and MACs after a clone.\n"
	      "Unless given here, hostname, datadisk=format, macprefix and macmode come from the\n"
	      "settings nhv-toolsd decided (/run/nhv/settings; docs/handshake.md) and the data\n"
	      "disk's settings file (DATADISK/nhv/settings).\n", f);
}

static void show_json(const struct identity *id, const char *store)
{
	char u[37], m[18];

	printf("{\n  \"appliance_uuid\": ");
	uuid_format(&id->appliance_uuid, u);
	json_str(stdout, u);
	printf(",\n  \"hardware_uuid\": ");
	if (id->hw.uuid_valid) {
		uuid_format(&id->hw.uuid, u);
		json_str(stdout, u);
	} else {
		printf("null");
	}
	printf(",\n  \"hardware_macs\": [");
	for (int i = 0; i < id->hw.nmacs; i++) {
		mac_format(&id->hw.macs[i], m);
		printf("%s", i ? ", " : "");
		json_str(stdout, m);
	}
	printf("],\n  \"decision\": ");
	json_str(stdout, decision_name(id->decision));
	printf(",\n  \"reason\": ");
	json_str(stdout, id->reason);
	printf(",\n  \"generation\": %lu,\n  \"machine_id\": ", id->generation);
	json_str(stdout, id->machine_id);
	printf(",\n  \"hostname\": ");
	json_str(stdout, id->hostname);
	printf(",\n  \"hostname_source\": ");
	json_str(stdout, id->hostname_from_guestinfo ? "guestinfo" : "derived");
	printf(",\n  \"mac_prefix\": ");
	json_str(stdout, mac_prefix_name(id->prefix));
	printf(",\n  \"mac_mode\": ");
	json_str(stdout, mac_mode_name(id->mode));
	printf(",\n  \"store\": ");
	json_str(stdout, store);
	printf(",\n  \"guests\": [");
	for (int g = 0; g < id->nguests; g++) {
		const struct guest_id *gi = &id->guests[g];

		printf("%s\n    {\"name\": ", g ? "," : "");
		json_str(stdout, gi->name);
		printf(", \"file\": ");
		json_str(stdout, gi->file);
		uuid_format(&gi->uuid, u);
		printf(", \"uuid\": ");
		json_str(stdout, u);
		printf(", \"macs\": [");
		for (int k = 0; k < gi->nnics; k++) {
			mac_format(&gi->mac[k], m);
			printf("%s{\"nic\": %d, \"mac\": ", k ? ", " : "", gi->nic[k]);
			json_str(stdout, m);
			putchar('}');
		}
		printf("]}");
	}
	printf("%s]\n}\n", id->nguests ? "\n  " : "");
}

static void show_text(const struct identity *id, const char *store)
{
	char u[37], m[18];

	uuid_format(&id->appliance_uuid, u);
	printf("appliance UUID   %s\n", u);
	if (id->hw.uuid_valid)
		uuid_format(&id->hw.uuid, u);
	printf("hardware UUID    %s\n", id->hw.uuid_valid ? u : "(unreadable)");
	for (int i = 0; i < id->hw.nmacs; i++) {
		mac_format(&id->hw.macs[i], m);
		printf("hardware MAC     %s\n", m);
	}
	printf("machine-id       %s\n", id->machine_id);
	printf("hostname         %s (%s)\n", id->hostname,
	       id->hostname_from_guestinfo ? "from guestinfo" : "derived");
	printf("last decision    %s: %s\n", decision_name(id->decision), id->reason);
	printf("generation       %lu\n", id->generation);
	printf("stored in        %s\n", store);
	printf("L2 MAC policy    %s, %s\n", mac_prefix_name(id->prefix), mac_mode_name(id->mode));
	for (int g = 0; g < id->nguests; g++) {
		const struct guest_id *gi = &id->guests[g];

		uuid_format(&gi->uuid, u);
		printf("L2 guest         %s (%s) uuid %s", gi->name, gi->file, u);
		for (int k = 0; k < gi->nnics; k++) {
			mac_format(&gi->mac[k], m);
			printf(" ethernet%d %s", gi->nic[k], m);
		}
		putchar('\n');
	}
}

static int load(const char *path, struct identity *id)
{
	char err[256];
	size_t len;
	char *text = read_file(path, 1 << 20, &len);

	if (!text) {
		fprintf(stderr, "nhv-identity: cannot read %s: %s%s\n", path, strerror(errno),
			errno == ENOENT ? " (has `nhv-identity boot` run at this boot?)" : "");
		return -1;
	}
	if (idfile_parse(text, len, id, err, sizeof(err)) < 0) {
		fprintf(stderr, "nhv-identity: %s is not a valid identity file: %s\n", path, err);
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

static int cmd_show(int argc, char **argv)
{
	static struct identity id;
	char path[PATH_MAX], spath[PATH_MAX], store[PATH_MAX * 2] = "unknown";
	const char *file = NULL;
	int json = 0;
	char *info;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--file") == 0 && i + 1 < argc)
			file = argv[++i];
		else {
			fprintf(stderr, "nhv-identity: unknown option \"%s\"\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (!file)
		file = sysroot(RUN_DIR "/identity", path, sizeof(path));
	if (load(file, &id) < 0)
		return 1;
	info = read_file(sysroot(RUN_DIR "/identity.store", spath, sizeof(spath)), 4096, NULL);
	if (info) {
		char *st = strstr(info, "store="), *loc = strstr(info, "location=");

		if (st && loc)
			snprintf(store, sizeof(store), "%.*s %.*s", (int)strcspn(st + 6, "\n"), st + 6,
				 (int)strcspn(loc + 9, "\n"), loc + 9);
		free(info);
	}
	if (json)
		show_json(&id, store);
	else
		show_text(&id, store);
	return 0;
}

static int cmd_boot(int argc, char **argv)
{
	struct boot_opts o = { .prefix = MACP_UNSET, .mode = MACM_UNSET };
	char kmsg[PATH_MAX];

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--data-dir") == 0 && v) {
			o.data_dir = v;
			i++;
		} else if (strcmp(a, "--hostname") == 0 && v) {
			o.hostname = v;
			i++;
		} else if (strcmp(a, "--datadisk-format") == 0) {
			o.datadisk_format = 1;
		} else if (strcmp(a, "--no-datadisk") == 0) {
			o.no_datadisk = 1;
		} else if (strcmp(a, "--no-efi") == 0) {
			o.no_efi = 1;
		} else if (strcmp(a, "--mac-prefix") == 0 && v && parse_mac_prefix(v, &o.prefix) == 0) {
			i++;
		} else if (strcmp(a, "--mac-mode") == 0 && v && parse_mac_mode(v, &o.mode) == 0) {
			i++;
		} else if (strcmp(a, "--fault-at") == 0 && v) {
			/* Hidden: tests kill the process right after this persistence step. */
			setenv("NHV_FAULT_STEP", v, 1);
			i++;
		} else {
			fprintf(stderr, "nhv-identity: bad boot option \"%s\"%s\n", a,
				v ? "" : " (or its value is missing)");
			usage(stderr);
			return 2;
		}
	}
	/* To stdout and the kernel log (which reaches the console). */
	log_setup("nhv-identity", sysroot("/dev/kmsg", kmsg, sizeof(kmsg)), 1);
	boot_read_settings(&o);
	return boot_run(&o);
}

static int cmd_verify(int argc, char **argv)
{
	static struct identity id;
	char u[37];

	if (argc != 1) {
		usage(stderr);
		return 2;
	}
	if (load(argv[0], &id) < 0)
		return 1;
	uuid_format(&id.appliance_uuid, u);
	printf("valid generation=%lu appliance_uuid=%s decision=%s\n", id.generation, u,
	       decision_name(id.decision));
	return 0;
}

/* A new L2 guest's uuid.bios, in .vmx form, by the identity's policy. */
static int cmd_guest_uuid(int argc, char **argv)
{
	static struct identity id;
	char path[PATH_MAX], u[48];
	const char *file = NULL;
	struct nhv_uuid uuid;

	if (argc == 3 && strcmp(argv[1], "--file") == 0)
		file = argv[2];
	else if (argc != 1) {
		usage(stderr);
		return 2;
	}
	if (!file)
		file = sysroot(RUN_DIR "/identity", path, sizeof(path));
	if (load(file, &id) < 0)
		return 1;
	decide_guest_uuid(&id, argv[0], sys_random, NULL, &uuid);
	uuid_format_vmx(&uuid, u);
	printf("%s\n", u);
	return 0;
}

/* A new L2 NIC's ethernetN.address, by the identity's policy (macprefix, macmode). */
static int cmd_guest_mac(int argc, char **argv)
{
	static struct identity id;
	char path[PATH_MAX], m[18], *end;
	const char *file = NULL;
	struct nhv_mac mac;
	long nic;

	if (argc == 4 && strcmp(argv[2], "--file") == 0)
		file = argv[3];
	else if (argc != 2) {
		usage(stderr);
		return 2;
	}
	nic = strtol(argv[1], &end, 10);
	if (*argv[1] == '\0' || *end || nic < 0 || nic > 9) {
		fprintf(stderr, "nhv-identity: guest-mac: NIC number \"%s\": expected 0 to 9\n", argv[1]);
		return 2;
	}
	if (!file)
		file = sysroot(RUN_DIR "/identity", path, sizeof(path));
	if (load(file, &id) < 0)
		return 1;
	decide_guest_mac(&id, argv[0], (int)nic, sys_random, NULL, &mac);
	mac_format(&mac, m);
	printf("%s\n", m);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "guest-mac") == 0)
		return cmd_guest_mac(argc - 2, argv + 2);
	if (argc > 1 && strcmp(argv[1], "guest-uuid") == 0)
		return cmd_guest_uuid(argc - 2, argv + 2);
	if (argc > 1 && strcmp(argv[1], "boot") == 0)
		return cmd_boot(argc - 2, argv + 2);
	if (argc > 1 && strcmp(argv[1], "verify") == 0)
		return cmd_verify(argc - 2, argv + 2);
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "show") == 0)
		return cmd_show(argc - 2, argv + 2);
	return cmd_show(argc - 1, argv + 1);
}
