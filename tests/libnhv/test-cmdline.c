/*
 * test-cmdline.c - the kernel command-line parser (userland/lib/cmdline.c)
 * on the kernel's rules and on hostile input.
 */
#include "userland/lib/cmdline.h"
#include "userland/lib/tap.h"

#include <stdlib.h>
#include <string.h>

/* The value of key in text, "(absent)" when it has none. */
static const char *find(const char *text, const char *key)
{
	static char out[256];

	if (!cmdline_find(text, strlen(text), key, out, sizeof(out)))
		return "(absent)";
	return out;
}

static int count_words(const char *text, size_t len)
{
	struct cmdline_word w;
	size_t pos = 0;
	int n = 0;

	while (cmdline_next(text, len, &pos, &w) && n < 100000)
		n++;
	return n;
}

static void rules(void)
{
	const char *c = "BOOT_IMAGE=/boot/vmlinuz console=ttyS0 quiet nhv.shell=serial "
			"nhv.guestinfo.hostname=lab1 nhv.guestinfo.hostname=lab2 nhv.debug";

	tap_is_str(find(c, "nhv.shell"), "serial", "key=value is found");
	tap_is_str(find(c, "nhv.guestinfo.hostname"), "lab2", "the last word wins");
	tap_is_str(find(c, "nhv.debug"), "", "a bare word has an empty value");
	tap_is_str(find(c, "quiet"), "", "a bare word in the middle");
	tap_is_str(find(c, "nhv.shel"), "(absent)", "a prefix of a key is not the key");
	tap_is_str(find(c, "nhv"), "(absent)", "a key is not found inside a longer key");
	tap_is_str(find(c, "BOOT_IMAGE"), "/boot/vmlinuz", "the first word");
	tap_is_str(find("", "a"), "(absent)", "an empty line has no words");
	tap_is_str(find("a=1\tb=2\nc=3", "c"), "3", "tabs and newlines separate words");
	tap_is_str(find("a=x=y", "a"), "x=y", "the key ends at the first '='");
	tap_is_str(find("a=", "a"), "", "an empty value");
}

static void quotes(void)
{
	tap_is_str(find("nhv.guestinfo.dns=\"1.1.1.1 8.8.8.8\" x=1", "nhv.guestinfo.dns"),
		   "1.1.1.1 8.8.8.8", "a quoted value keeps its space and loses its quotes");
	tap_is_str(find("nhv.guestinfo.dns=\"1.1.1.1 8.8.8.8\" x=1", "x"), "1",
		   "the word after a quoted value");
	tap_is_str(find("\"a=b c\" d=1", "a"), "b c", "a word that starts with a quote");
	tap_is_str(find("a=\"b c", "a"), "b c", "an unclosed quote runs to the end");
	{
		struct cmdline_word w;
		size_t pos = 0;

		cmdline_next("a=\"b c", 6, &pos, &w);
		tap_ok(w.open_quote, "and the word says its quote is open");
		pos = 0;
		cmdline_next("a=\"b c\"", 7, &pos, &w);
		tap_ok(!w.open_quote, "a closed quote is not open");
	}
	tap_is_str(find("a=b\"c d\"e", "a"), "b\"c d\"e", "quotes inside a value stay, and bind");
	tap_is_str(find("a=\"\"", "a"), "", "an empty quoted value");
	tap_is_str(find("\"flag\" b=1", "flag"), "", "a quoted bare word");
}

static void ends(void)
{
	tap_is_str(find("a=1 -- a=2 init-arg", "a"), "1", "\"--\" ends the kernel's words");
	tap_is_str(find("a=1 -- b=2", "b"), "(absent)", "words after \"--\" are init's");
	tap_is_str(find("a=1 --x=2", "--x"), "2", "\"--x\" is a word, not the end");
	tap_is_int(count_words("a\0b=2", 5), 1, "a NUL ends the text");
	tap_is_int(count_words("a b c", 3), 2, "len ends the text (\"a b\" of \"a b c\")");
	tap_is_int(count_words("   \t\n ", 6), 0, "white space only: no words");
}

static void hostile(void)
{
	char out[4], *big;
	size_t n = 1 << 20, i;

	tap_is_int(cmdline_find("a=123456", 8, "a", out, sizeof(out)), 2,
		   "a value longer than the buffer is cut and says so");
	tap_is_str(out, "123", "the cut value is NUL-terminated");
	tap_is_int(cmdline_find("a=1", 3, "a", out, 0), 2, "a zero-sized buffer is not written");
	big = malloc(n + 1);
	for (i = 0; i < n; i++)
		big[i] = i % 3 == 2 ? ' ' : '"';
	big[n] = '\0';
	tap_ok(count_words(big, n) >= 0, "a megabyte of quotes and spaces ends");
	memset(big, '"', n);
	tap_is_int(count_words(big, n), 1, "a megabyte of quotes is one word");
	memset(big, '=', n);
	tap_is_int((long long)strlen(find(big, "")), 255,
		   "a megabyte of '=' is one word with an empty key, its value cut to the buffer");
	free(big);
	tap_is_str(find("\"", ""), "", "a lone quote is an empty bare word");
	tap_is_str(find("=v", ""), "v", "an empty key is a key like any other");
}

int main(void)
{
	rules();
	quotes();
	ends();
	hostile();
	return tap_done();
}
