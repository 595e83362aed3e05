/* analyzer/run.h — `dw-analyze run`: one window, one transaction. */
#ifndef DW_RUN_H
#define DW_RUN_H

#include <libpq-fe.h>
#include <stdint.h>

#include "metrics.h"
#include "status.h"

/* What to analyse. Strings are borrowed. */
struct dw_run_opts {
    int64_t from_day;          /* first day of the window (days) */
    int64_t to_day;            /* last day, inclusive */
    const char *vendor;        /* vendor name, or NULL for every vendor */
    const char *threshold_set; /* "default" */
    const char *currency;      /* report currency, "USD" */
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
};

/*
 * Runs the analysis for the window widened to whole ISO weeks (Monday of
 * from_day's week to Sunday of to_day's week). In ONE transaction: takes
 * the analyzer's advisory lock; marks earlier runs with the same window
 * and vendor scope 'superseded' and deletes their worker_week, flag and
 * vendor_period rows; inserts dw.analysis_run (method version, thresholds
 * snapshot, window, currency); streams the facts; writes worker_week and
 * flag by COPY and vendor_period; marks the run done with its coverage.
 * On failure everything rolls back and a 'failed' run row records why.
 * DW_ERR_USAGE for an unknown vendor or a bad window; DW_ERR_NOT_FOUND for
 * a missing threshold or FX rate.
 */
enum dw_status dw_run(PGconn *conn, const struct dw_run_opts *opts,
                      struct dw_run_result *res, struct dw_error *err);

/* Looks a vendor up by name: DW_ERR_USAGE "unknown vendor 'x'" if absent. */
enum dw_status dw_vendor_id(PGconn *conn, const char *name, int64_t *id,
                            struct dw_error *err);

#endif
