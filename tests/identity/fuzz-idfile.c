/*
 * fuzz-idfile.c - libFuzzer target for the identity file parser: never
 * crashes, and whatever it accepts formats back to a file it accepts again
 * with the same content.
 */
#include "userland/nhv-identity/idfile.h"

#include <stdlib.h>
#include <string.h>

static struct identity a, b;
static char out1[1 << 20], out2[1 << 20];

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char err[256];
	long n1, n2;

	if (idfile_parse((const char *)data, size, &a, err, sizeof(err)) != 0)
		return 0;
	n1 = idfile_format(&a, out1, sizeof(out1));
	if (n1 < 0)
		abort();
	if (idfile_parse(out1, (size_t)n1, &b, err, sizeof(err)) != 0)
		abort();
	n2 = idfile_format(&b, out2, sizeof(out2));
	if (n2 != n1 || memcmp(out1, out2, (size_t)n1) != 0)
		abort();
	return 0;
}
