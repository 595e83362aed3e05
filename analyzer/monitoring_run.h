/* analyzer/monitoring_run.h — monitoring intensity inside `dw-analyze run`:
 * stream segments and work, write worker-week, vendor and flag rows. */
#ifndef DW_MONITORING_RUN_H
#define DW_MONITORING_RUN_H

#include <libpq-fe.h>
#include <stdint.h>

#include "rules.h"
#include "shard.h"
#include "status.h"

/* The run's window widened to whole ISO weeks. */
struct dw_monitoring_window {
    int64_t week_from; /* first Monday, days since the epoch */
    int64_t period_to; /* last Sunday, inclusive */
};

/* What the step wrote, for the run's log line. */
struct dw_monitoring_result {
    int64_t worker_weeks; /* dw.worker_week_monitoring rows */
    int64_t vendors;      /* dw.vendor_monitoring rows */
    int64_t flags;        /* dw.flag rows */
};

/*
 * Monitoring intensity for run_id, in two steps inside the caller's open
 * transaction (on failure the caller rolls back). vendor_id 0 means every
 * vendor; th is borrowed; res may be NULL, else its counts are added to.
 *
 * dw_monitoring_workers runs after the run's dw.worker_week rows are
 * written (they give paid time): streams the activity segments whose
 * start lies in the window, the work intervals of the same workers and
 * the run's worker-weeks with one COPY TO STDOUT in worker order, for the
 * workers of shard (NULL or n == 0: every worker); writes
 * dw.worker_week_monitoring and the worker-week flags by COPY: CRITICAL
 * for detected off-shift collection, red for band 4 and amber for band 3.
 *
 * dw_monitoring_vendors runs once, after every worker's rows are in:
 * deletes the monitoring rows of superseded runs; writes
 * dw.vendor_monitoring (one row per vendor in scope) from the stored
 * dw.worker_week_monitoring rows of run_id, and a CRITICAL flag for each
 * prohibited practice in use (dw.monitoring_practice).
 *
 * Thresholds as dw_monitoring_limits_from; DW_ERR_DB, DW_ERR_PARSE,
 * DW_ERR_IO, DW_ERR_NOMEM otherwise.
 */
enum dw_status dw_monitoring_workers(PGconn *conn, int64_t run_id,
                                     const struct dw_monitoring_window *window,
                                     int64_t vendor_id,
                                     const struct dw_shard *shard,
                                     const struct dw_thresholds *th,
                                     struct dw_monitoring_result *res,
                                     struct dw_error *err);
enum dw_status dw_monitoring_vendors(PGconn *conn, int64_t run_id,
                                     const struct dw_monitoring_window *window,
                                     int64_t vendor_id,
                                     struct dw_monitoring_result *res,
                                     struct dw_error *err);

#endif
