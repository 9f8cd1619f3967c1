/*
 * nhv - the one command people type.  `nhv VERB ARGS...` runs the program
 * nhv-VERB from the same folder as nhv itself (git style), so every verb
 * is its own small program: `nhv guestinfo get KEY` is
 * `nhv-guestinfo get KEY`.  `nhv help` lists the verbs there are.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "userland/lib/strlist.h"

static const char *const internal[] = { "init", "powerbtn" };	/* not user verbs */

static void self_dir(char *dir, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0) {
		snprintf(dir, len, "/bin");
		return;
	}
	exe[n] = '\0';
	snprintf(dir, len, "%s", dirname(exe));
}

static int list_verbs(FILE *out, const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	fprintf(out, "usage: nhv VERB [ARGS...]\n\nverbs:\n");
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, "nhv-", 4) != 0 || STR_IN(de->d_name + 4, internal))
			continue;
		fprintf(out, "  %s\n", de->d_name + 4);
		n++;
	}
	if (d)
		closedir(d);
	fprintf(out, "\n`nhv VERB --help` tells more about a verb.\n");
	return n;
}

int main(int argc, char **argv)
{
	char dir[PATH_MAX], prog[PATH_MAX + 64];
	const char *verb;

	self_dir(dir, sizeof(dir));
	if (argc < 2) {
		list_verbs(stderr, dir);
		return 3;
	}
	verb = argv[1];
	if (strcmp(verb, "help") == 0 || strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0) {
		list_verbs(stdout, dir);
		return 0;
	}
	if (strchr(verb, '/') || verb[0] == '.' || STR_IN(verb, internal)) {
		fprintf(stderr, "nhv: '%s' is not a verb; `nhv help` lists them\n", verb);
		return 3;
	}
	snprintf(prog, sizeof(prog), "%s/nhv-%s", dir, verb);
	argv[1] = prog;
	execv(prog, argv + 1);
	if (errno == ENOENT)
		fprintf(stderr, "nhv: unknown verb '%s'; `nhv help` lists them\n", verb);
	else
		fprintf(stderr, "nhv: cannot run %s: %s\n", prog, strerror(errno));
	return 3;
}
