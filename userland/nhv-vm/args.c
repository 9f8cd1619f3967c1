/* args.c - see args.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "userland/nhv-vm/args.h"
#include "userland/nhv-vm/store.h"

int args_seconds(const char *verb, const char *opt, const char *v, double *out)
{
	char *end;
	double d;

	if (!v) {
		fprintf(stderr, "nhv vm %s: %s needs a number of seconds\n", verb, opt);
		return -1;
	}
	d = strtod(v, &end);
	if (end == v || *end || !(d >= 0 && d <= 1e6) || isnan(d)) {
		fprintf(stderr, "nhv vm %s: %s \"%s\": expected seconds from 0 to 1000000\n",
			verb, opt, v);
		return -1;
	}
	*out = d;
	return 0;
}

int args_vm(const char *verb, const char *name)
{
	char why[200];

	if (store_name_check(name, why, sizeof(why))) {
		fprintf(stderr, "nhv vm %s: %s\n", verb, why);
		return -1;
	}
	if (!store_exists(name)) {
		fprintf(stderr, "nhv vm %s: no VM named \"%s\" in %s (`nhv vm list` shows them)\n",
			verb, name, store_root());
		return -1;
	}
	return 0;
}

int args_usage(const char *verb, const char *usage, const char *bad)
{
	if (bad)
		fprintf(stderr, "nhv vm %s: unexpected argument \"%s\"\n", verb, bad);
	fprintf(stderr, "usage: nhv vm %s %s\n", verb, usage);
	return 2;
}
