/* testrng.h - a seeded PRNG (splitmix64) for the identity tests: repeatable runs. */
#ifndef NHV_TESTRNG_H
#define NHV_TESTRNG_H

#include <stddef.h>
#include <stdint.h>

struct testrng {
	uint64_t s;
};

static inline uint64_t testrng_next(struct testrng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline void testrng_fill(void *ctx, void *buf, size_t n)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(testrng_next(ctx) >> 24);
}

#endif
