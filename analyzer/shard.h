/* analyzer/shard.h — `--shard K/N`: which workers a shard computes, and the
 * set of finished shards of a sharded run (pure functions, no I/O). */
#ifndef DW_SHARD_H
#define DW_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* At most this many shards (N of K/N). */
#define DW_SHARD_MAX 1024

/* Room for any "K/N" or shard-set text with its terminating NUL. */
#define DW_SHARD_TEXT_MAX 4096

/* One shard: k of n (1 <= k <= n <= DW_SHARD_MAX); n == 0 is unsharded. */
struct dw_shard {
    int k;
    int n;
};

/*
 * Parses "K/N" (decimal digits only, 1 <= K <= N <= DW_SHARD_MAX).
 * DW_ERR_USAGE with a message quoting s otherwise; out is untouched then.
 */
enum dw_status dw_shard_parse(const char *s, struct dw_shard *out,
                              struct dw_error *err);

/* "K/N" into buf (12 bytes suffice); returns buf. */
const char *dw_shard_format(const struct dw_shard *s, char *buf, size_t cap);

/*
 * The shard (1..n) a worker belongs to: its key's first 8 hex digits read
 * as an unsigned 32-bit number, modulo n, plus one. Stable across runs
 * and machines (the key is an HMAC, so the digits are uniform). -1 when
 * the key does not start with 8 hex digits or n is out of 1..DW_SHARD_MAX.
 */
int dw_shard_of(const char *worker_key, int n);

/*
 * The same function in SQL over a char(64) key column `key` and an SQL
 * integer expression `n`, for filters and deletes; it must agree with
 * dw_shard_of (the integration test test_shard checks it does).
 * clang-format cannot lay out a macro inside joined string literals, so
 * the SQL that uses it sits between clang-format off and on.
 */
#define DW_SHARD_OF_SQL(key, n)                                                \
    "((('x' || substr(" key ", 1, 8))::bit(32)::bigint % (" n ")) + 1)"

/* The shards of a sharded run that have finished: a bit per shard. */
struct dw_shard_set {
    int n;
    uint64_t bits[DW_SHARD_MAX / 64];
};

/* An empty set of n shards (1..DW_SHARD_MAX). */
void dw_shard_set_init(struct dw_shard_set *set, int n);
/* Adds shard k (1..n); out-of-range k is ignored. */
void dw_shard_set_add(struct dw_shard_set *set, int k);
bool dw_shard_set_has(const struct dw_shard_set *set, int k);
int dw_shard_set_count(const struct dw_shard_set *set);
/* Every shard 1..n is in the set. */
bool dw_shard_set_full(const struct dw_shard_set *set);

/*
 * The text kept in dw.analysis_run.shard of a sharded run: the finished
 * shards as ascending ranges, a slash, and N: "/3" (none yet), "1,3/3",
 * "1-3/3" (all). buf needs DW_SHARD_TEXT_MAX bytes; returns buf.
 */
const char *dw_shard_set_format(const struct dw_shard_set *set, char *buf,
                                size_t cap);

/* Parses dw_shard_set_format's text back; DW_ERR_PARSE when malformed
 * (bad number, range out of 1..N, descending or overlapping ranges). */
enum dw_status dw_shard_set_parse(const char *s, struct dw_shard_set *set,
                                  struct dw_error *err);

#endif
