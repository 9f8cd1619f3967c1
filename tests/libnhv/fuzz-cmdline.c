/*
 * fuzz-cmdline.c - libFuzzer target for the kernel command-line parser:
 * every word lies inside the input, words come in order and do not
 * overlap, and cmdline_find agrees with the last word of each key.
 */
#include "userland/lib/cmdline.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *s = (const char *)data;
	struct cmdline_word w, last = { 0 };
	size_t pos = 0, prev_end = 0;
	char out[64];
	int have = 0, r;

	while (cmdline_next(s, size, &pos, &w)) {
		if (w.key < s + prev_end || w.key + w.klen > s + size || pos > size || pos < prev_end)
			abort();
		if (w.val && (w.val < w.key || w.val + w.vlen > s + size))
			abort();
		prev_end = pos;
		last = w;
		have = 1;
	}
	if (pos > size)
		abort();
	if (have && last.klen < 32 && !memchr(last.key, '\0', last.klen)) {
		char key[32];

		memcpy(key, last.key, last.klen);
		key[last.klen] = '\0';
		r = cmdline_find(s, size, key, out, sizeof(out));
		if (r == 0)
			abort();
		if (r == 1 && (last.val ? last.vlen : 0) != strlen(out))
			abort();
	}
	return 0;
}
