/* common/admin/import_common.c — what the dw-admin importers share: the
 * store transaction and what they say on failure. */
#include "import_common.h"

#include <stdlib.h>

#include "db.h"
#include "log.h"

enum dw_status dw_import_store(PGconn *conn, const struct dw_import_store *s,
                               const void *rows,
                               struct dw_import_errors *conflicts,
                               size_t *inserted, struct dw_error *err)
{
    PGresult *r = NULL;
    enum dw_status st;

    *inserted = 0;
    st = dw_db_begin(conn, err);
    if (st != DW_OK)
        return st;
    /* Writers wait for us (readers do not): the check below stays true
       until the insert. */
    st = dw_db_exec(conn, s->lock_sql, 0, NULL, NULL, err);
    if (st == DW_OK)
        st = dw_db_exec(conn, s->stage_sql, 0, NULL, NULL, err);
    if (st == DW_OK)
        st = s->copy(conn, rows, err);
    if (st == DW_OK)
        st = dw_db_exec(conn, s->conflict_sql, 0, NULL, &r, err);
    if (st == DW_OK && PQntuples(r) > 0)
        st = s->conflicts(r, conflicts, err);
    PQclear(r);
    r = NULL;
    if (st == DW_OK)
        st = dw_db_exec(conn, s->insert_sql, s->n_params, s->params, &r, err);
    if (st == DW_OK) {
        *inserted = strtoul(PQcmdTuples(r), NULL, 10);
        PQclear(r);
        st = dw_db_commit(conn, err);
    }
    if (st != DW_OK) {
        dw_db_rollback(conn);
        *inserted = 0;
    }
    return st;
}

int dw_import_report_file(const char *cmd, const char *path, enum dw_status st,
                          const struct dw_error *err,
                          const struct dw_import_errors *errors, FILE *errs)
{
    size_t n;

    if (st != DW_OK) {
        fprintf(errs, "%s%s%s\n", st == DW_ERR_PARSE ? path : "",
                st == DW_ERR_PARSE ? ":" : "", err->msg);
        return st == DW_ERR_NOMEM ? DW_EXIT_FAILED : DW_EXIT_USAGE;
    }
    n = dw_import_errors_count(errors);
    if (n > 0) {
        dw_import_errors_print(errors, path, errs);
        fprintf(errs, "%s: %zu error%s in %s: nothing imported\n", cmd, n,
                n == 1 ? "" : "s", path);
        return DW_EXIT_USAGE;
    }
    return DW_EXIT_OK;
}

int dw_import_report_store(const char *cmd, const char *path, enum dw_status st,
                           const struct dw_error *err,
                           struct dw_import_errors *conflicts, FILE *errs)
{
    if (st == DW_ERR_INVALID) {
        dw_import_errors_sort(conflicts);
        dw_import_errors_print(conflicts, path, errs);
        fprintf(errs, "%s: %s: nothing imported\n", cmd, err->msg);
        return DW_EXIT_USAGE;
    }
    if (st != DW_OK) {
        dw_log_error(cmd, err);
        return (int)dw_exit_code(st);
    }
    return DW_EXIT_OK;
}
