/*
 * nhv-check - tell the truth about the outer host: virtualized VT-x/AMD-V,
 * EPT/NPT, the VMware backdoor, and how to fix what is missing.
 *
 * Exit: 0 ready, 1 degraded, 2 not-capable, 3 usage error or bad input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/nhv-check/capture.h"
#include "tools/nhv-check/derive.h"
#include "tools/nhv-check/output.h"
#include "tools/nhv-check/probe.h"
#include "tools/nhv-check/replay.h"
#include "tools/nhv-check/report.h"

#define EXIT_USAGE 3
#define REPLAY_FILE_MAX (16u << 20)

static void usage(FILE *out)
{
	fputs("usage: nhv-check [--json | --quiet | --brief] [--explain]\n"
	      "                 [--capture FILE] [--replay FILE]\n"
	      "  (no option)     report as `key : value` lines\n"
	      "  --json          report as one JSON object (schema nhv-check/1)\n"
	      "  --quiet         print the verdict only: ready, degraded or not-capable\n"
	      "  --brief         3 to 5 lines for the appliance's status block\n"
	      "  --explain       add the remediation steps to the report\n"
	      "  --capture FILE  write every probed fact to FILE ('-' = stdout, then no report)\n"
	      "  --replay FILE   judge from FILE instead of this machine: an nhv-check capture,\n"
	      "                  or pasted /proc/cpuinfo, lscpu [-J], dmidecode, systemd-detect-virt,\n"
	      "                  virt-what output and /sys files, mixed ('-' = stdin)\n"
	      "exit: 0 ready, 1 degraded, 2 not-capable, 3 usage error or unreadable/malformed input\n",
	      out);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 1 << 16, n = 0;
	char *buf;

	if (!in) {
		fprintf(stderr, "nhv-check: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	buf = malloc(cap);
	while (buf) {
		size_t r = fread(buf + n, 1, cap - n, in);
		n += r;
		if (r == 0)
			break;
		if (n == cap) {
			if (cap >= REPLAY_FILE_MAX) {
				fprintf(stderr, "nhv-check: %s: larger than %u bytes: not a capture or cpuinfo text\n",
					path, REPLAY_FILE_MAX);
				free(buf);
				buf = NULL;
				break;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (buf && ferror(in)) {
		fprintf(stderr, "nhv-check: %s: read error\n", path);
		free(buf);
		buf = NULL;
	}
	if (in != stdin)
		fclose(in);
	*len = n;
	return buf;
}

static const char *origin_name(enum facts_origin o)
{
	switch (o) {
	case ORIGIN_CAPTURE: return "capture";
	case ORIGIN_CPUINFO: return "cpuinfo";
	case ORIGIN_LSCPU: return "lscpu";
	case ORIGIN_PASTE: return "paste";
	default: return "live";
	}
}

int main(int argc, char **argv)
{
	static struct facts facts;
	static struct report report;
	const char *capture = NULL, *replay = NULL;
	int json = 0, quiet = 0, brief = 0, explain = 0;
	char input[600];

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--json") == 0)
			json = 1;
		else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0)
			quiet = 1;
		else if (strcmp(a, "--brief") == 0)
			brief = 1;
		else if (strcmp(a, "--explain") == 0)
			explain = 1;
		else if ((strcmp(a, "--capture") == 0 || strcmp(a, "--replay") == 0) && i + 1 < argc) {
			const char **slot = a[2] == 'c' ? &capture : &replay;
			if (*slot) {
				fprintf(stderr, "nhv-check: %s given twice\n", a);
				return EXIT_USAGE;
			}
			*slot = argv[++i];
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "nhv-check: unknown or incomplete option \"%s\"\n", a);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (json + quiet + brief > 1) {
		fprintf(stderr, "nhv-check: --json, --quiet and --brief exclude each other\n");
		usage(stderr);
		return EXIT_USAGE;
	}

	if (replay) {
		size_t len;
		struct replay_error err;
		char *buf = read_all(replay, &len);
		if (!buf)
			return EXIT_USAGE;
		int r = replay_parse(buf, len, &facts, &err);
		free(buf);
		if (r != 0) {
			if (err.line > 0)
				fprintf(stderr, "nhv-check: %s:%d: %s\n", replay, err.line, err.msg);
			else
				fprintf(stderr, "nhv-check: %s: %s\n", replay, err.msg);
			return EXIT_USAGE;
		}
		facts_derive(&facts);
		snprintf(input, sizeof(input), "replay %s (%s)", replay, origin_name(facts.origin));
	} else {
		probe_all(&facts);
		snprintf(input, sizeof(input), "live");
	}

	if (capture) {
		int to_stdout = strcmp(capture, "-") == 0;
		FILE *out = to_stdout ? stdout : fopen(capture, "w");
		if (!out) {
			fprintf(stderr, "nhv-check: %s: %s\n", capture, strerror(errno));
			return EXIT_USAGE;
		}
		int bad = capture_write(out, &facts, replay ? input : "live probe") != 0;
		if (to_stdout)
			bad |= fflush(out) != 0;
		else
			bad |= fclose(out) != 0;
		if (bad) {
			fprintf(stderr, "nhv-check: %s: write error\n", capture);
			return EXIT_USAGE;
		}
	}

	report_build(&facts, &report);
	if (capture && strcmp(capture, "-") == 0)
		return (int)report.verdict.verdict;

	struct output_opts o = { explain, input };
	if (quiet)
		printf("%s\n", verdict_name(report.verdict.verdict));
	else if (brief)
		output_brief(stdout, &report);
	else if (json)
		output_json(stdout, &report, &o);
	else
		output_text(stdout, &report, &o);
	if (fflush(stdout) != 0)
		return EXIT_USAGE;
	return (int)report.verdict.verdict;
}
