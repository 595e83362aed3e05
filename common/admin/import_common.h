/* common/admin/import_common.h — what the dw-admin importers share: the
 * store transaction and what they say on failure. */
#ifndef DW_IMPORT_COMMON_H
#define DW_IMPORT_COMMON_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdio.h>

#include "csvdoc.h"
#include "status.h"

/* One importer's store step: the SQL it runs and how it fills the stage. */
struct dw_import_store {
    const char *lock_sql;     /* LOCK TABLE: writers wait, readers do not */
    const char *stage_sql;    /* CREATE TEMP TABLE ... ON COMMIT DROP */
    const char *conflict_sql; /* staged rows that differ from stored ones */
    const char *insert_sql;   /* INSERT ... ON CONFLICT DO NOTHING */
    int n_params;             /* parameters of insert_sql (borrowed) */
    const char *const *params;
    /* Fills the stage table by COPY from rows (borrowed). */
    enum dw_status (*copy)(PGconn *conn, const void *rows,
                           struct dw_error *err);
    /* Adds each row of r (borrowed) to list; returns DW_ERR_INVALID with
       err saying how many. */
    enum dw_status (*conflicts)(PGresult *r, struct dw_import_errors *list,
                                struct dw_error *err);
};

/*
 * Runs s in one transaction on conn (borrowed, not in a transaction):
 * lock, stage, copy rows, refuse conflicts (each added to conflicts;
 * nothing is written; DW_ERR_INVALID), insert, commit. *inserted is the
 * number of new rows (0 on any failure, which rolls back). DW_ERR_DB on a
 * server error.
 */
enum dw_status dw_import_store(PGconn *conn, const struct dw_import_store *s,
                               const void *rows,
                               struct dw_import_errors *conflicts,
                               size_t *inserted, struct dw_error *err);

/*
 * Says on errs why the file at path cannot be imported: it could not be
 * read or parsed (st, err says why; "PATH:MSG" for DW_ERR_PARSE), or it
 * has errors (listed by line, then "CMD: N errors in PATH: nothing
 * imported"). Returns the exit code, DW_EXIT_OK when it can be imported.
 * Everything is borrowed.
 */
int dw_import_report_file(const char *cmd, const char *path, enum dw_status st,
                          const struct dw_error *err,
                          const struct dw_import_errors *errors, FILE *errs);

/*
 * Says why storing the file failed (st): DW_ERR_INVALID lists conflicts
 * with stored rows by line (sorting them) and "CMD: MSG: nothing imported"
 * on errs; any other error is logged under cmd. Returns the exit code,
 * DW_EXIT_OK when st is DW_OK. conflicts is borrowed (and sorted).
 */
int dw_import_report_store(const char *cmd, const char *path, enum dw_status st,
                           const struct dw_error *err,
                           struct dw_import_errors *conflicts, FILE *errs);

#endif
