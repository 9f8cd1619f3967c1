/*
 * kvstore.c - bounded key/value arena.
 */
#include <string.h>

#include "handshake/kvstore.h"
#include "handshake/nhvbd_err.h"

void nhvbd_kv_init(struct nhvbd_kvstore *s)
{
	s->used = 0;
	s->count = 0;
}

/* Offset of the entry for key, or -1. */
static long find(const struct nhvbd_kvstore *s, const char *key)
{
	size_t off = 0;

	while (off < s->used) {
		const char *k = s->arena + off;
		size_t klen = strlen(k);
		size_t vlen = strlen(k + klen + 1);

		if (strcmp(k, key) == 0)
			return (long)off;
		off += klen + 1 + vlen + 1;
	}
	return -1;
}

const char *nhvbd_kv_get(const struct nhvbd_kvstore *s, const char *key)
{
	long off = find(s, key);

	if (off < 0)
		return NULL;
	return s->arena + off + strlen(s->arena + off) + 1;
}

static void remove_at(struct nhvbd_kvstore *s, size_t off)
{
	size_t klen = strlen(s->arena + off);
	size_t len = klen + 1 + strlen(s->arena + off + klen + 1) + 1;

	memmove(s->arena + off, s->arena + off + len, s->used - off - len);
	s->used -= len;
	s->count--;
}

int nhvbd_kv_set(struct nhvbd_kvstore *s, const char *key, const char *value, size_t vlen)
{
	size_t klen = key ? strlen(key) : 0, need, old_len = 0;
	long off;

	if (!klen || klen > NHVBD_KV_KEY_MAX || (vlen && !value) || (vlen && memchr(value, '\0', vlen)))
		return NHVBD_EINVAL;
	need = klen + 1 + vlen + 1;
	off = find(s, key);
	if (off >= 0)
		old_len = klen + 1 + strlen(s->arena + off + klen + 1) + 1;
	if (s->used - old_len + need > sizeof(s->arena))
		return NHVBD_ENOSPACE;
	if (off >= 0)
		remove_at(s, (size_t)off);
	memcpy(s->arena + s->used, key, klen + 1);
	if (vlen)
		memcpy(s->arena + s->used + klen + 1, value, vlen);
	s->arena[s->used + klen + 1 + vlen] = '\0';
	s->used += need;
	s->count++;
	return 0;
}

int nhvbd_kv_unset(struct nhvbd_kvstore *s, const char *key)
{
	long off = key ? find(s, key) : -1;

	if (off < 0)
		return NHVBD_EINVAL;
	remove_at(s, (size_t)off);
	return 0;
}
