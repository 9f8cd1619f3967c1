/*
 * test-vmx.c - the .vmx editor (userland/lib/vmx.c) on hostile input:
 * whatever goes in comes out byte for byte, edits touch only their value.
 * The clone edits on top of it: tests/nhv-clone/test-clonevmx.c.
 */
#include "userland/lib/tap.h"
#include "userland/lib/vmx.h"

#include <stdlib.h>

static char *roundtrip(const char *in, size_t len, size_t *outlen)
{
	struct vmx v;
	char *out;

	if (vmx_parse(&v, in, len) < 0)
		return NULL;
	out = vmx_format(&v, outlen);
	vmx_free(&v);
	return out;
}

/* Applies one edit to text and returns the result (malloc'd). */
static char *edit(const char *text, const char *op, const char *key, const char *value)
{
	struct vmx v;
	size_t len;
	char *out;

	vmx_parse(&v, text, strlen(text));
	if (strcmp(op, "set") == 0)
		vmx_set(&v, key, value);
	else if (strcmp(op, "remove") == 0)
		vmx_remove(&v, key);
	else if (strcmp(op, "prepend") == 0)
		vmx_prepend(&v, key, value);
	out = vmx_format(&v, &len);
	vmx_free(&v);
	return out;
}

static char *get(const char *text, const char *key)
{
	struct vmx v;
	char *r;

	vmx_parse(&v, text, strlen(text));
	r = vmx_get(&v, key);
	vmx_free(&v);
	return r;
}

static void hostile_roundtrips(void)
{
	static const struct {
		const char *text;
		size_t len;
		const char *name;
	} cases[] = {
		{ "", 0, "empty file" },
		{ "\n", 1, "one newline" },
		{ "\r\n\r\n", 4, "two CRLF" },
		{ "a = \"b\"", 7, "no final newline" },
		{ "a = \"b\"\r", 8, "a lone CR at the end" },
		{ "a = \"b\r\"\n", 9, "a CR inside a value" },
		{ "k = \"v\0w\"\n", 10, "a NUL byte inside a value" },
		{ "\0\0\0\n\0", 5, "only NUL bytes" },
		{ "= \"no key\"\n", 11, "no key" },
		{ "key only\n", 9, "no equals sign" },
		{ "k = \"unterminated\n", 18, "unterminated quote" },
		{ "\xef\xbb\xbf.encoding = \"UTF-8\"\n", 24, "UTF-8 BOM" },
		{ "\xff\xfe\x80\x81 = \"\xc3\x28\"\n", 12, "invalid UTF-8" },
		{ "   \t  k\t=\t\"v\"   \n", 17, "tabs and spaces" },
		{ "k = \"a\" # trailing\n", 19, "a trailing comment" },
		{ "k = \"a\"\"b\"\n", 11, "two quoted strings" },
		{ "#\n#!\n# k = \"v\"\n", 15, "comments that look like pairs" },
		{ "a=b\nA=c\na = d\r\n", 15, "duplicates, mixed case, mixed line ends" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len;
		char *out = roundtrip(cases[i].text, cases[i].len, &len);

		tap_ok(out && len == cases[i].len && memcmp(out, cases[i].text, len) == 0,
		       "round trip byte for byte: %s", cases[i].name);
		free(out);
	}
	{
		size_t n = 1 << 20, len;
		char *big = malloc(n), *out;

		memset(big, 'x', n);
		memcpy(big, "k = \"", 5);
		big[n - 1] = '\n';
		out = roundtrip(big, n, &len);
		tap_ok(out && len == n && memcmp(out, big, n) == 0, "round trip: a 1 MiB line");
		free(out);
		for (size_t i = 0; i < n; i++)
			big[i] = (char)(i * 2654435761u >> 13);
		out = roundtrip(big, n, &len);
		tap_ok(out && len == n && memcmp(out, big, n) == 0, "round trip: 1 MiB of noise");
		free(out);
		free(big);
	}
}

static void lookups(void)
{
	char *v;

	v = get("a = \"1\"\nb = \"2\"\na = \"3\"\n", "a");
	tap_is_str(v, "3", "a duplicate key: the last one counts (as in VMware)");
	free(v);
	v = get("DisplayName = \"x\"\n", "displayname");
	tap_is_str(v, "x", "keys compare case-insensitively");
	free(v);
	v = get("k = \"a|22b|7Cc|0Ad\"\n", "k");
	tap_is_str(v, "a\"b|c\nd", "|XX escapes decoded");
	free(v);
	v = get("k = \"a|2\"\n", "k");
	tap_is_str(v, "a|2", "a short |X escape is kept as text");
	free(v);
	v = get("k = \"a|zzb\"\n", "k");
	tap_is_str(v, "a|zzb", "a non-hex |XX is kept as text");
	free(v);
	v = get("k = unquoted value  \n", "k");
	tap_is_str(v, "unquoted value", "unquoted value, trailing blanks dropped");
	free(v);
	v = get("k = \"open\n", "k");
	tap_is_str(v, "open", "unterminated quote: the rest of the line");
	free(v);
	v = get("# k = \"no\"\n", "k");
	tap_ok(v == NULL, "a commented-out pair is not a pair");
	free(v);
	v = get("kk = \"no\"\n", "k");
	tap_ok(v == NULL, "a longer key does not match");
	free(v);
	v = get("k = \"\"\n", "k");
	tap_is_str(v, "", "empty value");
	free(v);
}

static void edits(void)
{
	char *o;

	o = edit("# c\r\na = \"1\"\r\nb = \"2\"\r\n", "set", "a", "new");
	tap_is_str(o, "# c\r\na = \"new\"\r\nb = \"2\"\r\n", "set keeps CRLF, order and comments");
	free(o);
	o = edit("  A\t=  \"1\" # note\n", "set", "a", "2");
	tap_is_str(o, "  A\t=  \"2\" # note\n", "set keeps the key's spelling, spacing and trailing text");
	free(o);
	o = edit("a = 1\n", "set", "a", "2");
	tap_is_str(o, "a = \"2\"\n", "set quotes an unquoted value");
	free(o);
	o = edit("a = \"open\n", "set", "a", "x");
	tap_is_str(o, "a = \"x\"\n", "set closes an unterminated quote");
	free(o);
	o = edit("a = \"1\"\nb = \"x\"\nA = \"2\"\n", "set", "a", "3");
	tap_is_str(o, "a = \"3\"\nb = \"x\"\nA = \"3\"\n", "set changes every duplicate, keeps both lines");
	free(o);
	o = edit("x = \"1\"\r\ny = \"2\"\r\n", "set", "z", "3");
	tap_is_str(o, "x = \"1\"\r\ny = \"2\"\r\nz = \"3\"\r\n", "a new key is appended with the file's CRLF");
	free(o);
	o = edit("x = \"1\"", "set", "z", "3");
	tap_is_str(o, "x = \"1\"\nz = \"3\"\n", "appending after a last line without newline adds one");
	free(o);
	o = edit("", "set", "z", "3");
	tap_is_str(o, "z = \"3\"\n", "set on an empty file");
	free(o);
	o = edit("k = \"v\"\n", "set", "k", "say \"hi\" | bye\x01");
	tap_is_str(o, "k = \"say |22hi|22 |7C bye|01\"\n", "quotes, pipes and control bytes are escaped");
	{
		char *v = get(o, "k");

		tap_is_str(v, "say \"hi\" | bye\x01", "...and decode back");
		free(v);
	}
	free(o);
	o = edit("k = \"v\"\n", "set", "k", "Größe ☃");
	tap_is_str(o, "k = \"Größe ☃\"\n", "UTF-8 is written as is");
	free(o);
	o = edit("a = \"1\"\nb = \"2\"\nA = \"3\"\n", "remove", "a", NULL);
	tap_is_str(o, "b = \"2\"\n", "remove drops every duplicate");
	free(o);
	o = edit("a = \"1\"\n", "remove", "zz", NULL);
	tap_is_str(o, "a = \"1\"\n", "removing a missing key changes nothing");
	free(o);
	o = edit("a = \"1\"\r\n", "prepend", ".encoding", "UTF-8");
	tap_is_str(o, ".encoding = \"UTF-8\"\r\na = \"1\"\r\n", "prepend puts the line first");
	free(o);
}

int main(void)
{
	hostile_roundtrips();
	lookups();
	edits();
	return tap_done();
}
