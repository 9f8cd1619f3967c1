/* cmdline.c - the kernel command line by the kernel's rules (see cmdline.h). */
#include "userland/lib/cmdline.h"

#include <string.h>

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int cmdline_next(const char *s, size_t len, size_t *pos, struct cmdline_word *w)
{
	size_t p = *pos, i, end, eq = 0;
	int in_quote = 0, quoted = 0, have_eq = 0;

	while (p < len && s[p] && is_space(s[p]))
		p++;
	if (p >= len || !s[p])
		goto done;
	if (s[p] == '"') {
		p++;
		in_quote = quoted = 1;
	}
	for (i = p; i < len && s[i]; i++) {
		if (is_space(s[i]) && !in_quote)
			break;
		if (!have_eq && s[i] == '=') {
			have_eq = 1;
			eq = i;
		}
		if (s[i] == '"')
			in_quote = !in_quote;
	}
	end = i;
	w->open_quote = in_quote;
	if (!quoted && !have_eq && end - p == 2 && s[p] == '-' && s[p + 1] == '-')
		goto done;
	w->key = s + p;
	if (!have_eq) {
		w->klen = end - p;
		w->val = NULL;
		w->vlen = 0;
	} else {
		size_t v = eq + 1, vend = end;

		w->klen = eq - p;
		if (v < end && s[v] == '"') {
			v++;
			if (vend > v && s[vend - 1] == '"')
				vend--;
		} else if (quoted && vend > v && s[vend - 1] == '"') {
			vend--;
		}
		w->val = s + v;
		w->vlen = vend > v ? vend - v : 0;
	}
	if (quoted && !have_eq && w->klen > 0 && w->key[w->klen - 1] == '"')
		w->klen--;
	*pos = end;
	return 1;
done:
	*pos = len;
	return 0;
}

int cmdline_find(const char *text, size_t len, const char *key, char *out, size_t size)
{
	struct cmdline_word w, last;
	size_t pos = 0, klen = strlen(key), n;
	int found = 0;

	while (cmdline_next(text, len, &pos, &w)) {
		if (w.klen == klen && memcmp(w.key, key, klen) == 0) {
			last = w;
			found = 1;
		}
	}
	if (!found)
		return 0;
	if (size == 0)
		return 2;
	n = last.val ? last.vlen : 0;
	if (n > size - 1) {
		memcpy(out, last.val, size - 1);
		out[size - 1] = '\0';
		return 2;
	}
	if (n)
		memcpy(out, last.val, n);
	out[n] = '\0';
	return 1;
}
