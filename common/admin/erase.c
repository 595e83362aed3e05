/* common/admin/erase.c — dw-admin erase-worker: GDPR erasure of one worker. */
#include "erase.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"

/* One statement per table, $1 the worker key; children before parents. */
static const struct {
    const char *name;
    const char *sql;
} steps[DW_ERASE_TABLES] = {
    [DW_ERASE_WORK_UNIT_HISTORY] =
        {"dw.work_unit_history",
         "DELETE FROM dw.work_unit_history h USING dw.work_unit u"
         " WHERE u.worker_key = $1 AND h.source_id = u.source_id"
         " AND h.external_id = u.external_id"},
    [DW_ERASE_WORK_UNIT] = {"dw.work_unit",
                            "DELETE FROM dw.work_unit WHERE worker_key = $1"},
    [DW_ERASE_PAYMENT] = {"dw.payment",
                          "DELETE FROM dw.payment WHERE worker_key = $1"},
    [DW_ERASE_ACTIVITY_SEGMENT] =
        {"dw.activity_segment",
         "DELETE FROM dw.activity_segment WHERE worker_key = $1"},
    [DW_ERASE_WORKER_WEEK] =
        {"dw.worker_week", "DELETE FROM dw.worker_week WHERE worker_key = $1"},
    [DW_ERASE_WORKER_DAY] = {"dw.worker_day",
                             "DELETE FROM dw.worker_day WHERE worker_key = $1"},
    [DW_ERASE_WORKER_WEEK_MONITORING] =
        {"dw.worker_week_monitoring",
         "DELETE FROM dw.worker_week_monitoring WHERE worker_key = $1"},
    [DW_ERASE_FLAG] = {"dw.flag", "DELETE FROM dw.flag WHERE worker_key = $1"
                                  " OR strpos(evidence::text, $1) > 0"},
    /* Landed pages and quarantined records are audit copies that hold
       the key in their text: the whole row goes. */
    [DW_ERASE_RAW_PAGE] = {"dw.raw_page",
                           "DELETE FROM dw.raw_page WHERE strpos(body, $1) > 0"
                           " OR strpos(request, $1) > 0"},
    [DW_ERASE_QUARANTINE] = {"dw.quarantine", "DELETE FROM dw.quarantine"
                                              " WHERE strpos(record, $1) > 0"
                                              " OR strpos(page, $1) > 0"},
    [DW_ERASE_WORKER] = {"dw.worker",
                         "DELETE FROM dw.worker WHERE worker_key = $1"},
};

const char *dw_erase_table_name(enum dw_erase_table t)
{
    return (unsigned)t < DW_ERASE_TABLES ? steps[t].name : "unknown";
}

static bool key_valid(const char *k)
{
    size_t i = 0;

    for (; k[i] != '\0'; i++)
        if (!((k[i] >= '0' && k[i] <= '9') || (k[i] >= 'a' && k[i] <= 'f')))
            return false;
    return i == 64;
}

enum dw_status dw_erase_worker(PGconn *conn, const char *worker_key,
                               bool dry_run, struct dw_erase_result *res,
                               struct dw_error *err)
{
    const char *params[1] = {worker_key};
    PGresult *r;
    enum dw_status st;

    memset(res, 0, sizeof(*res));
    if (worker_key == NULL || !key_valid(worker_key))
        return dw_error_set(err, DW_ERR_INVALID,
                            "a worker key is 64 lower-case hex digits");
    st = dw_db_begin(conn, err);
    for (int t = 0; st == DW_OK && t < DW_ERASE_TABLES; t++) {
        st = dw_db_exec(conn, steps[t].sql, 1, params, &r, err);
        if (st != DW_OK) {
            dw_error_prefix(err, "erase from %s", steps[t].name);
            break;
        }
        res->rows[t] = strtol(PQcmdTuples(r), NULL, 10);
        res->total += res->rows[t];
        PQclear(r);
    }
    if (st == DW_OK && !dry_run)
        st = dw_db_commit(conn, err);
    if (st != DW_OK || dry_run)
        dw_db_rollback(conn); /* the dry run's counts stay in res */
    if (st != DW_OK)
        memset(res, 0, sizeof(*res));
    return st;
}

int dw_admin_erase_worker(const char *url, const char *worker_key, bool dry_run,
                          FILE *out)
{
    struct dw_erase_result res;
    struct dw_error err = {0};
    PGconn *conn = NULL;
    int rc = DW_EXIT_OK;
    enum dw_status st;

    st = dw_db_connect(url, "dw-admin", &conn, &err);
    if (st == DW_OK)
        st = dw_erase_worker(conn, worker_key, dry_run, &res, &err);
    if (st != DW_OK) {
        dw_log_error("erase-worker", &err);
        rc = (int)dw_exit_code(st);
        goto done;
    }
    /* The key is a pseudonym, but one that names a person who asked to
       be forgotten: keep it out of the log. */
    dw_log(DW_LOG_INFO, "erase-worker", "dry_run=%s rows=%ld",
           dry_run ? "true" : "false", res.total);
    if (res.total == 0) {
        fputs("erase-worker: no data held for this worker\n", out);
        goto done;
    }
    fprintf(out, "erase-worker: %s\n",
            dry_run ? "dry run, nothing deleted; would delete:"
                    : "deleted in one transaction:");
    for (int t = 0; t < DW_ERASE_TABLES; t++)
        fprintf(out, "  %-26s %ld\n", steps[t].name, res.rows[t]);
    fprintf(out, "  %-26s %ld\n", "total", res.total);
done:
    dw_db_close(conn);
    return rc;
}
