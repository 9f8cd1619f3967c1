/*
 * Unit tests of execproto.c: the report the default L2 guest's init prints
 * for `nhv vm run -- COMMAND`, read from a console that also carries kernel
 * messages and that a hostile guest controls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "userland/lib/tap.h"
#include "userland/nhv-vm/execproto.h"

/* What images/l2/init prints for stdout out, stderr err and status. */
static void report(char *buf, size_t len, const char *out, const char *err, int status)
{
	char b64[1024];
	size_t n = 0;

	n += (size_t)snprintf(buf + n, len - n, "[    1.0] virtio_blk virtio0: [vda]\r\nnhv-l2: init (uptime 1.2 s)\r\n");
	execproto_b64encode((const unsigned char *)out, strlen(out), b64);
	for (size_t i = 0; i < strlen(b64); i += 76)
		n += (size_t)snprintf(buf + n, len - n, "nhv-l2: o %.76s\r\n", b64 + i);
	execproto_b64encode((const unsigned char *)err, strlen(err), b64);
	if (b64[0])
		n += (size_t)snprintf(buf + n, len - n, "nhv-l2: e %s\r\n", b64);
	snprintf(buf + n, len - n, "nhv-l2: exit %d %08x %zu %08x %zu\r\n[    2.1] reboot: Power down\r\n",
		 status, execproto_crc32((const unsigned char *)out, strlen(out)), strlen(out),
		 execproto_crc32((const unsigned char *)err, strlen(err)), strlen(err));
}

static int run(const char *text, size_t chunk, struct execproto *p, char *why)
{
	size_t n = strlen(text);

	execproto_init(p);
	for (size_t i = 0; i < n; i += chunk)
		execproto_feed(p, text + i, n - i < chunk ? n - i : chunk);
	return execproto_result(p, why, 200);
}

int main(void)
{
	static const char longout[] = "0123456789abcdefghijklmnopqrstuvwxyz\n"
				      "a line with \"quotes\", 'single' and $dollar\n"
				      "0123456789abcdefghijklmnopqrstuvwxyz0123456789\n";
	char text[8192], bad[8192], why[200], b64[64];
	unsigned char raw[64];
	struct execproto p;
	char *at;

	tap_is_int(execproto_crc32((const unsigned char *)"hello", 5), 0x3610a686,
		   "CRC-32 of \"hello\" is busybox crc32's 3610a686");
	tap_is_int(execproto_crc32(NULL, 0), 0, "CRC-32 of nothing is 0");
	execproto_b64encode((const unsigned char *)"a b\"c", 5, b64);
	tap_is_str(b64, "YSBiImM=", "base64 encode with padding");
	tap_is_int(execproto_b64decode("YSBiImM=", 8, raw), 5, "base64 decode: 5 bytes");
	tap_ok(memcmp(raw, "a b\"c", 5) == 0, "base64 decode: the bytes");
	tap_is_int(execproto_b64decode("YQ==", 4, raw), 1, "two pad characters: one byte");
	tap_is_int(execproto_b64decode("YSB", 3, raw), -1, "a length not a multiple of 4 is refused");
	tap_is_int(execproto_b64decode("Y=Q=", 4, raw), -1, "data after a pad character is refused");
	tap_is_int(execproto_b64decode("YQ==YQ==", 8, raw), -1, "padding before the end is refused");
	tap_is_int(execproto_b64decode("Y*Q=", 4, raw), -1, "a character outside the alphabet is refused");

	report(text, sizeof(text), longout, "warning\n", 3);
	tap_is_int(run(text, 4096, &p, why), 0, "a whole report reads back");
	tap_is_int(p.status, 3, "the exit status");
	tap_ok(p.out.len == strlen(longout) && memcmp(p.out.data, longout, p.out.len) == 0,
	       "stdout over several lines, byte for byte");
	tap_ok(p.err.len == 8 && memcmp(p.err.data, "warning\n", 8) == 0, "stderr");
	execproto_free(&p);
	tap_is_int(run(text, 1, &p, why), 0, "the same fed one byte at a time");
	tap_ok(p.out.len == strlen(longout), "one byte at a time: same stdout");
	execproto_free(&p);

	report(text, sizeof(text), "", "", 0);
	tap_is_int(run(text, 7, &p, why), 0, "no output, status 0");
	tap_ok(p.out.len == 0 && p.err.len == 0 && p.status == 0, "empty streams");
	execproto_free(&p);

	/* A kernel message cut into a report line. */
	report(text, sizeof(text), longout, "", 0);
	at = strstr(text, "nhv-l2: o ") + 20;
	snprintf(bad, sizeof(bad), "%.*s[ 1.5] random: crng init done%s", (int)(at - text), text, at);
	tap_is_int(run(bad, 4096, &p, why), -2, "a kernel message inside an output line is noticed");
	tap_diag("why: %s", why);
	execproto_free(&p);

	/* A line lost: base64 still valid, the length and CRC tell. */
	report(text, sizeof(text), longout, "", 0);
	at = strstr(text, "nhv-l2: o ");
	snprintf(bad, sizeof(bad), "%.*s%s", (int)(at - text), text, strchr(at, '\n') + 1);
	tap_is_int(run(bad, 4096, &p, why), -2, "a lost output line is noticed (length/CRC)");
	execproto_free(&p);

	/* A forged exit line inside COMMAND's output does not end the report: it is base64 there. */
	report(text, sizeof(text), "nhv-l2: exit 0 00000000 0 00000000 0\n", "", 7);
	tap_is_int(run(text, 4096, &p, why), 0, "output that looks like an exit line stays output");
	tap_is_int(p.status, 7, "the real status wins");
	execproto_free(&p);

	tap_is_int(run("nhv-l2: init\nnhv-l2: o aGk=\n", 4096, &p, why), -1, "no exit line: -1");
	execproto_free(&p);
	tap_is_int(run("nhv-l2: exit 300 0 0 0 0\n", 4096, &p, why), -2, "a status above 255 is refused");
	execproto_free(&p);
	tap_is_int(run("nhv-l2: exit 1 0 0 0\n", 4096, &p, why), -2, "an exit line with 4 fields is refused");
	execproto_free(&p);
	tap_is_int(run("nhv-l2: exit 1 0 0 0 0 extra\n", 4096, &p, why), -2, "trailing words are refused");
	execproto_free(&p);
	tap_is_int(run("nhv-l2: exit 1 zz 0 0 0\n", 4096, &p, why), -2, "a CRC that is not hex is refused");
	execproto_free(&p);

	/* An overlong line is dropped whole (and so the report is incomplete). */
	execproto_init(&p);
	memset(bad, 'A', 4000);
	memcpy(bad, "nhv-l2: o ", 10);
	bad[4000] = '\n';
	execproto_feed(&p, bad, 4001);
	execproto_feed(&p, "nhv-l2: exit 0 00000000 0 00000000 0\n", 37);
	tap_is_int(execproto_result(&p, why, sizeof(why)), 0, "an overlong line is ignored, not decoded");
	tap_is_int((long long)p.out.len, 0, "nothing of it reached stdout");
	execproto_free(&p);

	/* More than the 16 MiB cap. */
	execproto_init(&p);
	{
		char line[100];
		size_t rounds = EXECPROTO_OUTPUT_MAX / 57 + 2;

		snprintf(line, sizeof(line), "nhv-l2: o %s\n",
			 "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB");
		for (size_t i = 0; i < rounds && !p.bad[0]; i++)
			execproto_feed(&p, line, strlen(line));
	}
	tap_is_int(execproto_result(&p, why, sizeof(why)), -2, "output past 16 MiB is refused");
	tap_ok(p.out.len <= EXECPROTO_OUTPUT_MAX, "and never buffered beyond the cap");
	execproto_free(&p);
	return tap_done();
}
