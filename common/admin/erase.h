/* common/admin/erase.h — dw-admin erase-worker: GDPR erasure of one worker. */
#ifndef DW_ERASE_H
#define DW_ERASE_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "status.h"

/* The tables erasure touches, in the order it deletes from them. */
enum dw_erase_table {
    DW_ERASE_WORK_UNIT_HISTORY, /* via the worker's work units */
    DW_ERASE_WORK_UNIT,
    DW_ERASE_PAYMENT,
    DW_ERASE_ACTIVITY_SEGMENT,
    DW_ERASE_WORKER_WEEK,
    DW_ERASE_WORKER_DAY,
    DW_ERASE_WORKER_WEEK_MONITORING,
    DW_ERASE_FLAG,       /* worker_key, or the key inside evidence */
    DW_ERASE_RAW_PAGE,   /* landed pages whose body or request has the key */
    DW_ERASE_QUARANTINE, /* quarantined records that have the key */
    DW_ERASE_WORKER,
    DW_ERASE_TABLES
};

/* "dw.work_unit_history" etc. */
const char *dw_erase_table_name(enum dw_erase_table t);

struct dw_erase_result {
    long rows[DW_ERASE_TABLES]; /* rows deleted (or, dry run, to delete) */
    long total;
};

/*
 * Deletes every row held about worker_key (64 lower-hex digits; passed
 * as a parameter, never spliced into SQL) in one transaction, in the
 * order of enum dw_erase_table. dry_run counts the same rows and rolls
 * back. An unknown key is not an error (total 0). conn is borrowed and
 * must not be in a transaction. DW_ERR_INVALID for a malformed key,
 * DW_ERR_DB on a server error (nothing is deleted).
 */
enum dw_status dw_erase_worker(PGconn *conn, const char *worker_key,
                               bool dry_run, struct dw_erase_result *res,
                               struct dw_error *err);

/*
 * The whole command for an already computed key: connects to url,
 * erases, prints one line per table and a total on out (or "no data held
 * for this worker"). Returns an exit code: 0 done (also for an unknown
 * worker), 1 failed.
 */
int dw_admin_erase_worker(const char *url, const char *worker_key, bool dry_run,
                          FILE *out);

#endif
