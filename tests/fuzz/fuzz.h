/* tests/fuzz/fuzz.h — what every fuzz target shares: entry point, checks. */
#ifndef DW_FUZZ_H
#define DW_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libFuzzer's entry point; replay.c calls it too. Returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: say which, then crash so the fuzzer keeps the input. */
#define FUZZ_CHECK(cond)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,         \
                    __LINE__, #cond);                                          \
            __builtin_trap();                                                  \
        }                                                                      \
    } while (0)

/* The input as a heap C string (it ends at the first NUL byte). Free it. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (s == NULL)
        abort();
    if (size > 0)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* The first 8 bytes as an int64 (little-endian), or 0 when shorter. */
static inline int64_t fuzz_i64(const uint8_t *data, size_t size)
{
    uint64_t v = 0;

    for (size_t i = 0; i < 8 && i < size; i++)
        v |= (uint64_t)data[i] << (8 * i);
    return size >= 8 ? (int64_t)v : 0;
}

#endif
