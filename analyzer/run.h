/* analyzer/run.h — `dw-analyze run`: one window, one transaction. */
#ifndef DW_RUN_H
#define DW_RUN_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "metrics.h"
#include "shard.h"
#include "status.h"

/* What to analyse. Strings are borrowed. */
struct dw_run_opts {
    int64_t from_day;          /* first day of the window (days) */
    int64_t to_day;            /* last day, inclusive */
    const char *vendor;        /* vendor name, or NULL for every vendor */
    const char *threshold_set; /* "default" */
    const char *currency;      /* report currency, "USD" */
    struct dw_shard shard;     /* n == 0: the whole run */
};

/* What a run did, for the log line. */
struct dw_run_result {
    int64_t run_id;
    int64_t superseded; /* earlier runs of the same scope replaced */
    int64_t vendors;
    int64_t workers;
    int64_t worker_weeks;
    int64_t flags;
    int64_t units_total;
    int64_t units_usable;
    bool complete;                  /* the run is done (for a shard: it
                                       was the last one) */
    char shards[DW_SHARD_TEXT_MAX]; /* finished shards, "1,3/4" */
};

/*
 * Runs the analysis for the window widened to whole ISO weeks (Monday of
 * from_day's week to Sunday of to_day's week). In ONE transaction: takes
 * the analyzer's advisory lock; marks earlier runs with the same window
 * and vendor scope 'superseded' and deletes their result rows; inserts
 * dw.analysis_run (method version, thresholds snapshot, window,
 * currency); streams the facts; writes worker_week, worker_day and flag
 * by COPY, vendor_period and the monitoring rows; marks the run done with
 * its coverage. On failure everything rolls back and a 'failed' run row
 * records why.
 *
 * With opts->shard (k of n): joins (or starts) the window's sharded run
 * in a short transaction of its own, then in one transaction computes
 * only the workers of shard k into it; the shard that completes the set
 * also writes the vendor level from all shards' stored rows, supersedes
 * the earlier runs and marks the run done (res->complete). A failed shard
 * rolls back alone and leaves a 'failed' row naming it; running it again
 * finishes the run. DW_ERR_LOCKED when the same shard is running
 * elsewhere.
 *
 * DW_ERR_USAGE for an unknown vendor or a bad window; DW_ERR_NOT_FOUND for
 * a missing threshold or FX rate.
 */
enum dw_status dw_run(PGconn *conn, const struct dw_run_opts *opts,
                      struct dw_run_result *res, struct dw_error *err);

/* Looks a vendor up by name: DW_ERR_USAGE "unknown vendor 'x'" if absent. */
enum dw_status dw_vendor_id(PGconn *conn, const char *name, int64_t *id,
                            struct dw_error *err);

/*
 * The vendors in scope, ascending: only vendor_id when it is > 0 (none if
 * it does not exist), else every vendor. *ids is new (free() it; NULL and
 * *n = 0 on failure).
 */
enum dw_status dw_vendor_ids(PGconn *conn, int64_t vendor_id, int64_t **ids,
                             size_t *n, struct dw_error *err);

#endif
