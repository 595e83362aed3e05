/* analyzer/stream.h — facts by COPY in worker order, a worker at a time. */
#ifndef DW_STREAM_H
#define DW_STREAM_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "shard.h"
#include "status.h"

enum dw_unit_status {
    DW_UNIT_IN_PROGRESS,
    DW_UNIT_SUBMITTED,
    DW_UNIT_APPROVED,
    DW_UNIT_REJECTED,
    DW_UNIT_RETURNED,
    DW_UNIT_EXPIRED,
    DW_UNIT_SCREENED_OUT,
    DW_UNIT_UNKNOWN
};

/* "approved" -> DW_UNIT_APPROVED; anything unknown -> DW_UNIT_UNKNOWN. */
enum dw_unit_status dw_unit_status_parse(const char *s);

/* One dw.work_unit row with its source's defaults. Times are µs UTC or
 * DW_TIME_NONE. */
struct dw_unit_row {
    int64_t vendor_id;
    int64_t source_id;
    enum dw_unit_status status;
    int64_t accepted_at;
    int64_t submitted_at;
    int64_t paid_at;
    int64_t decided_at; /* approved or rejected at */
    bool reversed;      /* dw.work_unit_history: rejected -> approved */
    bool has_reward;
    int64_t reward; /* micro-units of currency */
    int64_t fee;    /* worker-side fee, micro-units of currency */
    char currency[4];
    char source_country[3]; /* dw.source.default_country or "" */
    char source_tz[64];     /* dw.source.default_tz or "" */
};

/* One bonus (dw.payment kind 'bonus'). */
struct dw_bonus_row {
    int64_t vendor_id;
    int64_t amount; /* micro-units of currency */
    char currency[4];
    int64_t attributed_at; /* the linked unit's submitted_at, else
                              effective_at: the week it belongs to */
    int64_t fx_at;         /* effective_at, else the unit's submitted_at */
    char source_country[3];
};

/*
 * Everything one worker did in the scope, in accepted order. The stream
 * owns the arrays and reuses them for the next worker: a callback borrows
 * the batch until it returns.
 */
struct dw_worker_batch {
    char worker_key[DW_WORKER_KEY_LEN + 1];
    char country[3]; /* dw.worker.country or "" */
    char tz[64];     /* dw.worker.tz or "" */
    struct dw_unit_row *units;
    size_t n_units;
    size_t cap_units;
    struct dw_bonus_row *bonuses;
    size_t n_bonuses;
    size_t cap_bonuses;
};

typedef enum dw_status (*dw_worker_fn)(void *ctx,
                                       const struct dw_worker_batch *b,
                                       struct dw_error *err);

/*
 * What to stream: units whose first known time (accepted, else submitted,
 * decided, paid) is in [from_us - margin_us, to_us), and bonuses
 * attributed to [from_us, to_us); vendor_id 0 means every vendor. The
 * margin brings in work begun before the window: whole merged intervals,
 * and the 16 weeks before it that the 17-week average needs. With
 * shard.n > 0 only the workers of shard k of n (dw_shard_of) come.
 */
struct dw_stream_scope {
    int64_t from_us;
    int64_t to_us;
    int64_t margin_us;
    int64_t vendor_id;
    struct dw_shard shard;
};

/*
 * Streams the scope with one COPY (SELECT ... ORDER BY worker_key, time)
 * TO STDOUT and calls fn once per worker. Memory holds one worker's rows.
 * The scope reaches the query through set_config() with parameters (COPY
 * takes none), so run it inside a transaction. Stops at the first non-OK
 * status from fn and returns it.
 */
enum dw_status dw_stream_workers(PGconn *conn,
                                 const struct dw_stream_scope *scope,
                                 dw_worker_fn fn, void *ctx,
                                 struct dw_error *err);

/* The line parser behind dw_stream_workers, for tests: feed COPY text
 * lines (modified in place), then finish to flush the last worker. */
struct dw_stream {
    struct dw_worker_batch batch;
    bool have_worker;
    dw_worker_fn fn;
    void *ctx;
    enum dw_status st;
    struct dw_error err;
    uint64_t lines;
};

void dw_stream_init(struct dw_stream *s, dw_worker_fn fn, void *ctx);
void dw_stream_release(struct dw_stream *s);
enum dw_status dw_stream_feed(struct dw_stream *s, char *line, size_t len);
enum dw_status dw_stream_finish(struct dw_stream *s);

#endif
