/*
 * kvstore.h - a bounded key/value table in one fixed arena (the host's
 * guestinfo.* variables).  Entries are "key\0value\0" back to back; an
 * update removes the old entry and appends, so the arena never fragments.
 */
#ifndef NHV_KVSTORE_H
#define NHV_KVSTORE_H

#include <stddef.h>

#define NHVBD_KV_ARENA   (128u * 1024u)
#define NHVBD_KV_KEY_MAX 255u

struct nhvbd_kvstore {
	size_t used;
	unsigned count;
	char arena[NHVBD_KV_ARENA];
};

void nhvbd_kv_init(struct nhvbd_kvstore *s);
/* Value of key (NUL-terminated, inside the arena) or NULL. */
const char *nhvbd_kv_get(const struct nhvbd_kvstore *s, const char *key);
/* 0, NHVBD_EINVAL (empty key, key above 255 bytes, NUL in value),
 * NHVBD_ENOSPACE (the arena is full; the old value is kept). */
int nhvbd_kv_set(struct nhvbd_kvstore *s, const char *key, const char *value, size_t vlen);
int nhvbd_kv_unset(struct nhvbd_kvstore *s, const char *key);

#endif
