/*
 * cmdline.h - the kernel command line (/proc/cmdline) read by the kernel's
 * own rules (lib/cmdline.c next_arg() and parse_args() in Linux):
 *   - words are separated by white space (space, tab, newline);
 *   - a double quote opens or closes a quoted run in which white space does
 *     not end the word: nhv.guestinfo.dns="1.1.1.1 8.8.8.8" is one word;
 *   - the key ends at the first '='; a value that starts with '"' loses it
 *     and the '"' at the end of the word; a word that starts with '"' loses
 *     it and its last '"';
 *   - a word without '=' is a bare flag (value "");
 *   - "--" ends the kernel's words: the rest belongs to init;
 *   - the same key twice: the last word wins.
 * Pure: the text is passed in.  Keys are compared byte for byte.
 */
#ifndef NHV_LIB_CMDLINE_H
#define NHV_LIB_CMDLINE_H

#include <stddef.h>

struct cmdline_word {
	const char *key;
	size_t klen;
	const char *val;	/* NULL for a bare word */
	size_t vlen;
	int open_quote;		/* a '"' was left open at the end of the text */
};

/*
 * The next word from *pos (which must point into a text of len bytes from
 * start; NUL also ends it): 1 with w filled and *pos moved past it, 0 at
 * the end (or at "--").
 */
int cmdline_next(const char *start, size_t len, size_t *pos, struct cmdline_word *w);

/*
 * The value of the last word whose key is key: 1 with the value in out
 * ("" for a bare word), 0 when no word has that key.  A value longer than
 * size - 1 bytes is cut (and 2 returned instead of 1).
 */
int cmdline_find(const char *text, size_t len, const char *key, char *out, size_t size);

#endif
