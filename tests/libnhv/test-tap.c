/*
 * test-tap.c - the TAP producer (userland/lib/tap.c): run in a child whose
 * output is compared, line for line, with the TAP it must print.
 */
#include "userland/lib/tap.h"
#include "userland/lib/runcap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int child(void)
{
	tap_ok(1, "first %d", 1);
	tap_ok(0, "second");
	tap_is_int(2, 3, "ints");
	tap_is_str("a", NULL, "strings");
	tap_skip(2, "no disk");
	tap_diag("note %s", "x");
	printf("count %d failures %d\n", tap_count(), tap_failures());
	return tap_done();
}

int main(int argc, char **argv)
{
	static const char want[] =
		"ok 1 - first 1\n"
		"not ok 2 - second\n"
		"not ok 3 - ints\n"
		"#      got: 2\n#   expected: 3\n"
		"not ok 4 - strings\n"
		"#      got: 'a'\n#   expected: '(null)'\n"
		"ok 5 # skip no disk\n"
		"ok 6 # skip no disk\n"
		"# note x\n"
		"count 6 failures 3\n"
		"1..6\n";
	char out[1024];
	char *args[] = { argv[0], "child", NULL };
	int rc;

	if (argc == 2 && strcmp(argv[1], "child") == 0)
		return child();
	rc = runcap(args, out, sizeof(out), 10000, 0, NULL);
	if (strcmp(out, want) != 0)
		printf("# child printed:\n%s", out);
	printf("%s - the child prints the expected TAP\n", strcmp(out, want) == 0 ? "ok 1" : "not ok 1");
	printf("%s - tap_done exits 1 after failures (%d)\n", rc == 1 ? "ok 2" : "not ok 2", rc);
	printf("1..2\n");
	return strcmp(out, want) == 0 && rc == 1 ? 0 : 1;
}
