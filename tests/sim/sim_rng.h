/* tests/sim/sim_rng.h — small deterministic random numbers (splitmix64). */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <stdint.h>

/*
 * The simulator must give the same bytes for the same seed on every
 * machine, so it never uses rand(): splitmix64 is tiny, fast and portable.
 */
static inline uint64_t sim_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Advances *state and returns the next 64 random bits. */
static inline uint64_t sim_rng_next(uint64_t *state)
{
    *state += 0x9e3779b97f4a7c15ULL;
    return sim_mix64(*state);
}

/* Uniform in [0, n); n > 0. The bias of the modulo is negligible here. */
static inline uint64_t sim_rng_below(uint64_t *state, uint64_t n)
{
    return sim_rng_next(state) % n;
}

/* Uniform in [lo, hi], inclusive. */
static inline int64_t sim_rng_range(uint64_t *state, int64_t lo, int64_t hi)
{
    return lo + (int64_t)sim_rng_below(state, (uint64_t)(hi - lo + 1));
}

/* True with probability per_mille / 1000. */
static inline int sim_rng_chance(uint64_t *state, unsigned per_mille)
{
    return sim_rng_below(state, 1000) < per_mille;
}

/* Uniform in [0, 1), 53 bits. */
static inline double sim_rng_unit(uint64_t *state)
{
    return (double)(sim_rng_next(state) >> 11) * (1.0 / 9007199254740992.0);
}

#endif
