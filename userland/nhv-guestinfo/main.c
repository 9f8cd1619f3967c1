/*
 * nhv-guestinfo - `nhv guestinfo get KEY`, `nhv guestinfo set KEY VALUE`
 * and `nhv guestinfo backdoor`: guestinfo variables of the outer VMware
 * host, like `vmware-rpctool "info-get guestinfo.KEY"`.
 *
 * KEY is the name after "guestinfo." (nhv.hostname means
 * guestinfo.nhv.hostname); a KEY that already starts with "guestinfo." is
 * taken as it is.  Exit status: 0 done; 1 the host answered with an error
 * (e.g. "No value found"); 2 usage; 3 no backdoor or no GuestRPC here.
 */
#include <stdio.h>
#include <string.h>

#include "handshake/bdoor_def.h"
#include "handshake/facts.h"
#include "handshake/nhvbd_err.h"
#include "handshake/rpci.h"
#include "handshake/transport_x86.h"

#define EXIT_RPC 1
#define EXIT_USAGE 2
#define EXIT_NOHOST 3

static const char *prog = "nhv guestinfo";
static char value[GUESTMSG_MAX_IN_SIZE + 1];

static int usage(FILE *to)
{
	fprintf(to, "usage: %s get KEY\n"
		    "       %s set KEY VALUE\n"
		    "       %s backdoor\n"
		    "KEY is the name after \"guestinfo.\", e.g. nhv.hostname for guestinfo.nhv.hostname.\n",
		prog, prog, prog);
	return to == stdout ? 0 : EXIT_USAGE;
}

/* The one-line reason why there is nothing to talk to, and exit 3. */
static int no_host(int err, const struct nhvbd_version *v)
{
	if (err == NHVBD_ENOMSG)
		fprintf(stderr, "%s: the host answers the VMware backdoor (version %u, %s) but has no "
				"GuestRPC (QEMU's vmport has none): guestinfo is not available\n",
			prog, v->version, nhvbd_vmx_type_name(v->vmx_type));
	else
		fprintf(stderr, "%s: no VMware backdoor on this machine: %s; guestinfo needs a VMware "
				"host\n", prog, nhvbd_strerror(err));
	return EXIT_NOHOST;
}

static int valid_key(const char *key)
{
	return *key && !strpbrk(key, " \t\r\n") && strlen(key) < 256;
}

int main(int argc, char **argv)
{
	struct nhvbd_transport t;
	struct nhvbd_version v = { 0, 0 };
	int err, ports_errno;

	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return usage(stdout);
	if (argc < 2 || (strcmp(argv[1], "get") == 0 && argc != 3) ||
	    (strcmp(argv[1], "set") == 0 && argc != 4) ||
	    (strcmp(argv[1], "backdoor") == 0 && argc != 2) ||
	    (strcmp(argv[1], "get") && strcmp(argv[1], "set") && strcmp(argv[1], "backdoor")))
		return usage(stderr);
	if (argc >= 3 && !valid_key(argv[2])) {
		fprintf(stderr, "%s: bad key '%s': expected a name without spaces, under 256 bytes\n",
			prog, argv[2]);
		return EXIT_USAGE;
	}

	err = nhvbd_x86_probe(&t, &v, &ports_errno);
	if (strcmp(argv[1], "backdoor") == 0) {
		static char text[4096];
		struct nhvbd_facts f;

		nhvbd_facts_collect(&t, &f);
		nhvbd_facts_format(&f, text, sizeof(text));
		fputs(text, stdout);
		return f.present ? 0 : EXIT_NOHOST;
	}
	if (err)
		return no_host(err, &v);

	if (strcmp(argv[1], "get") == 0) {
		err = nhvbd_info_get(&t, argv[2], value, sizeof(value));
		if (err == 0) {
			puts(value);
			return 0;
		}
	} else {
		err = nhvbd_info_set(&t, argv[2], argv[3]);
		if (err == 0)
			return 0;
	}
	if (err == NHVBD_ENOMSG || err == NHVBD_EFAULT || err == NHVBD_ENODEV)
		return no_host(err, &v);
	if (err == NHVBD_ERPC) {
		fprintf(stderr, "%s: guestinfo.%s: %s\n", prog,
			strncmp(argv[2], "guestinfo.", 10) ? argv[2] : argv[2] + 10,
			value[0] ? value : "the host refused the request");
		return EXIT_RPC;
	}
	fprintf(stderr, "%s: %s %s: %s\n", prog, argv[1], argv[2], nhvbd_strerror(err));
	return EXIT_RPC;
}
