// SPDX-License-Identifier: MIT
/*
 * The fuzzer's generator: splitmix64. Small, fast, and its whole state is
 * one word, so a forked child can be given a seed of its own.
 */
#include "fuzz.h"

void rng_seed(struct fuzz *f, uint64_t seed)
{
	f->rng = seed;
}

uint64_t rng64(struct fuzz *f)
{
	uint64_t z = (f->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform enough in [0, n); n == 0 gives 0. */
uint32_t rng_below(struct fuzz *f, uint32_t n)
{
	return n ? (uint32_t)(((rng64(f) >> 32) * n) >> 32) : 0;
}

int rng_chance(struct fuzz *f, uint32_t percent)
{
	return rng_below(f, 100) < percent;
}
