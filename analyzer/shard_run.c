/* analyzer/shard_run.c — the database side of `dw-analyze run --shard K/N`:
 * the batch row the shards share, its shard locks and finished set, and
 * the vendor scorecards rebuilt from the shards' stored rows. */
#include "shard_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "dwtime.h"

/* Serialises find-or-create of batch rows; short, never held while a
 * shard computes. */
#define BATCH_LOCK_KEY "dw-analyze batch"

static enum dw_status find_batch(PGconn *conn, const char *const p[7],
                                 int64_t *run_id, int64_t *as_of_us,
                                 bool *found, struct dw_error *err)
{
    PGresult *res = NULL;
    enum dw_status st;

    st = dw_db_exec(conn,
                    "SELECT analysis_run_id,"
                    " (extract(epoch FROM as_of) * 1000000)::bigint"
                    " FROM dw.analysis_run"
                    " WHERE status = 'running' AND shard IS NOT NULL"
                    " AND split_part(shard, '/', 2) = $7"
                    " AND method_version = $1 AND threshold_set = $2"
                    " AND window_from = $3::date AND window_to = $4::date"
                    " AND vendor_id IS NOT DISTINCT FROM $5::bigint"
                    " AND report_currency = $6"
                    " ORDER BY analysis_run_id DESC LIMIT 1",
                    7, p, &res, err);
    if (st != DW_OK)
        return st;
    *found = PQntuples(res) == 1 && !PQgetisnull(res, 0, 1);
    if (*found) {
        *run_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        *as_of_us = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
    }
    PQclear(res);
    return DW_OK;
}

enum dw_status dw_batch_join(PGconn *conn, const struct dw_batch_key *key,
                             int64_t *run_id, int64_t *as_of_us,
                             struct dw_error *err)
{
    char n[12], set[DW_SHARD_TEXT_MAX], as_of[DW_TIME_ISO_MAX];
    const char *lock[1] = {BATCH_LOCK_KEY};
    const char *p[9] = {key->method_version,
                        key->threshold_set,
                        key->window_from,
                        key->window_to,
                        key->vendor_id,
                        key->currency,
                        n,
                        set,
                        dw_time_format_iso(*as_of_us, as_of)};
    struct dw_shard_set empty;
    PGresult *res = NULL;
    bool found = false;
    enum dw_status st;

    snprintf(n, sizeof n, "%d", key->n);
    dw_shard_set_init(&empty, key->n);
    dw_shard_set_format(&empty, set, sizeof set);
    st = dw_db_begin(conn, err);
    if (st != DW_OK)
        return st;
    st = dw_db_exec(conn,
                    "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", 1,
                    lock, NULL, err);
    if (st == DW_OK)
        st = find_batch(conn, p, run_id, as_of_us, &found, err);
    if (st == DW_OK && !found) {
        const char *ip[8] = {p[0], p[1], p[2], p[3], p[4], p[5], set, p[8]};
        st = dw_db_exec(
            conn,
            "INSERT INTO dw.analysis_run (method_version, threshold_set,"
            " window_from, window_to, vendor_id, report_currency, shard,"
            " as_of, thresholds)"
            " VALUES ($1, $2, $3::date, $4::date, $5::bigint, $6, $7,"
            " $8::timestamptz,"
            " (SELECT COALESCE(jsonb_object_agg(name, value), '{}'::jsonb) FROM"
            "  (SELECT DISTINCT ON (name) name, value FROM dw.threshold"
            "   WHERE threshold_set = $2 AND valid_from <= $4::date"
            "   ORDER BY name, valid_from DESC) t))"
            " RETURNING analysis_run_id",
            8, ip, &res, err);
        if (st == DW_OK)
            *run_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        PQclear(res);
    }
    if (st == DW_OK)
        st = dw_db_commit(conn, err);
    if (st != DW_OK)
        dw_db_rollback(conn);
    return st;
}

enum dw_status dw_batch_begin_shard(PGconn *conn, int64_t run_id,
                                    const struct dw_shard *s,
                                    struct dw_error *err)
{
    /* clang-format off */
    static const char *const deletes[] = {
        "DELETE FROM dw.worker_week WHERE analysis_run_id = $1::bigint"
        " AND " DW_SHARD_OF_SQL("worker_key", "$2::int") " = $3::int",
        "DELETE FROM dw.worker_day WHERE analysis_run_id = $1::bigint"
        " AND " DW_SHARD_OF_SQL("worker_key", "$2::int") " = $3::int",
        "DELETE FROM dw.flag WHERE analysis_run_id = $1::bigint"
        " AND worker_key IS NOT NULL"
        " AND " DW_SHARD_OF_SQL("worker_key", "$2::int") " = $3::int",
        "DELETE FROM dw.worker_week_monitoring"
        " WHERE analysis_run_id = $1::bigint"
        " AND " DW_SHARD_OF_SQL("worker_key", "$2::int") " = $3::int"};
    /* clang-format on */
    char id[24], n[12], k[12], lock[80];
    const char *p[3] = {id, n, k};
    const char *lp[2] = {lock, id};
    PGresult *res = NULL;
    enum dw_status st;

    snprintf(id, sizeof id, "%lld", (long long)run_id);
    snprintf(n, sizeof n, "%d", s->n);
    snprintf(k, sizeof k, "%d", s->k);
    snprintf(lock, sizeof lock, "dw-analyze run %lld shard %d",
             (long long)run_id, s->k);
    st = dw_db_exec(conn,
                    "SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)),"
                    " (SELECT status FROM dw.analysis_run"
                    "  WHERE analysis_run_id = $2::bigint)",
                    2, lp, &res, err);
    if (st != DW_OK)
        return st;
    if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
        st = dw_error_set(err, DW_ERR_LOCKED,
                          "shard %d/%d of run %lld is already running in "
                          "another process",
                          s->k, s->n, (long long)run_id);
    else if (strcmp(PQgetvalue(res, 0, 1), "running") != 0)
        st = dw_error_set(err, DW_ERR_LOCKED,
                          "run %lld is no longer running (%s); run the "
                          "shards again for a new run",
                          (long long)run_id, PQgetvalue(res, 0, 1));
    PQclear(res);
    for (size_t i = 0; st == DW_OK && i < sizeof deletes / sizeof *deletes; i++)
        st = dw_db_exec(conn, deletes[i], 3, p, NULL, err);
    return st;
}

enum dw_status dw_batch_finish_shard(PGconn *conn, int64_t run_id,
                                     const struct dw_shard *s, bool *last,
                                     char *set_text, struct dw_error *err)
{
    char id[24];
    const char *p[2] = {id, set_text};
    struct dw_shard_set set;
    PGresult *res = NULL;
    enum dw_status st;

    snprintf(id, sizeof id, "%lld", (long long)run_id);
    st = dw_db_exec(conn,
                    "SELECT status, shard FROM dw.analysis_run"
                    " WHERE analysis_run_id = $1::bigint FOR NO KEY UPDATE",
                    1, p, &res, err);
    if (st != DW_OK)
        return st;
    if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 0), "running") != 0)
        st = dw_error_set(err, DW_ERR_LOCKED,
                          "run %lld stopped running while shard %d/%d ran; "
                          "run the shards again for a new run",
                          (long long)run_id, s->k, s->n);
    else
        st = dw_shard_set_parse(PQgetvalue(res, 0, 1), &set, err);
    PQclear(res);
    if (st == DW_OK && set.n != s->n)
        st =
            dw_error_set(err, DW_ERR_INTERNAL, "run %lld has %d shards, not %d",
                         (long long)run_id, set.n, s->n);
    if (st != DW_OK)
        return st;
    dw_shard_set_add(&set, s->k);
    dw_shard_set_format(&set, set_text, DW_SHARD_TEXT_MAX);
    *last = dw_shard_set_full(&set);
    return dw_db_exec(conn,
                      "UPDATE dw.analysis_run SET shard = $2"
                      " WHERE analysis_run_id = $1::bigint",
                      2, p, NULL, err);
}

/* Columns of the stored worker-weeks stream below. */
enum {
    C_VENDOR,
    C_WORKER,
    C_PAID,
    C_WORK,
    C_EHR,
    C_EHR_TOTAL,
    C_AT_MIN,
    C_AT_LIVING,
    C_BACK_PAY,
    C_DAYS_OVER,
    C_DAILY_REST,
    C_WEEKLY_REST,
    C_NO_BREAK,
    C_NIGHT_WORKER,
    C_LOCAL,
    C_OVER_48,
    C_OVER_60,
    C_AVG_OVER,
    C_CONSECUTIVE,
    C_COUNT
};

/* The flags hold the decisions made on microseconds; the row's whole
 * seconds could round across a threshold. */
static const char weeks_sql[] =
    "COPY (SELECT w.vendor_id, w.worker_key, w.paid_s, w.work_s,"
    " w.ehr_paid_micros, w.ehr_total_micros, w.at_or_above_min,"
    " w.at_or_above_living, w.back_pay_micros, w.days_over_8h,"
    " w.daily_rest_fails, w.weekly_rest_fails, w.no_break_stretches,"
    " COALESCE(w.night_worker, false), w.tz_basis = 'local',"
    " COALESCE(f.over_48, false), COALESCE(f.over_60, false),"
    " COALESCE(f.avg_over, false), COALESCE(f.consecutive, false) "
    "FROM dw.worker_week w LEFT JOIN"
    " (SELECT vendor_id, worker_key, period_start,"
    "  bool_or(rule = 'hours_over_48') AS over_48,"
    "  bool_or(rule = 'hours_over_60') AS over_60,"
    "  bool_or(rule = 'hours_avg_over_48') AS avg_over,"
    "  bool_or(rule = 'consecutive_days_over_6') AS consecutive"
    "  FROM dw.flag"
    "  WHERE analysis_run_id = current_setting('dw_an.run')::bigint"
    "  AND subject = 'worker_week' AND rule IN ('hours_over_48',"
    "  'hours_over_60', 'hours_avg_over_48', 'consecutive_days_over_6')"
    "  GROUP BY vendor_id, worker_key, period_start) f"
    " ON f.vendor_id = w.vendor_id AND f.worker_key = w.worker_key"
    " AND f.period_start = w.week_start "
    "WHERE w.analysis_run_id = current_setting('dw_an.run')::bigint "
    "ORDER BY w.vendor_id, w.worker_key) TO STDOUT";

struct loader {
    struct dw_scorecard *cards;
    size_t n;
    int64_t vendor;
    char worker[DW_WORKER_KEY_LEN + 1];
    uint64_t lines;
    struct dw_error err;
};

static struct dw_scorecard *card_of(struct dw_scorecard *cards, size_t n,
                                    int64_t vendor_id)
{
    for (size_t i = 0; i < n; i++)
        if (cards[i].vendor_id == vendor_id)
            return &cards[i];
    return NULL;
}

/* A whole int64; NULL is `none` when allowed (*known false). */
static bool int_field(const char *f, bool nullable, int64_t *v, bool *known)
{
    char *end;

    if (known != NULL)
        *known = f != NULL;
    if (f == NULL) {
        *v = 0;
        return nullable;
    }
    errno = 0;
    *v = strtoll(f, &end, 10);
    return errno == 0 && end != f && *end == '\0';
}

static bool bool_field(const char *f, bool nullable, bool *v, bool *known)
{
    if (known != NULL)
        *known = f != NULL;
    *v = f != NULL && strcmp(f, "t") == 0;
    return f != NULL ? strcmp(f, "t") == 0 || strcmp(f, "f") == 0 : nullable;
}

static enum dw_status on_week(void *ctx, char *line, size_t len)
{
    struct loader *l = ctx;
    char *f[C_COUNT + 1];
    size_t n;
    struct dw_scorecard_week w;
    struct dw_scorecard *card;
    int64_t vendor, back_pay;
    bool ok, paid_known, total_known, living_known;

    (void)len;
    l->lines++;
    memset(&w, 0, sizeof w);
    ok = dw_copy_split(line, f, C_COUNT + 1, &n) == DW_OK && n == C_COUNT &&
         int_field(f[C_VENDOR], false, &vendor, NULL) && f[C_WORKER] != NULL &&
         strlen(f[C_WORKER]) == DW_WORKER_KEY_LEN &&
         int_field(f[C_PAID], false, &w.paid_s, NULL) &&
         int_field(f[C_WORK], false, &w.work_s, NULL) &&
         int_field(f[C_EHR], true, &w.ehr_paid, &paid_known) &&
         int_field(f[C_EHR_TOTAL], true, &w.ehr_total, &total_known) &&
         bool_field(f[C_AT_MIN], true, &w.at_or_above, NULL) &&
         bool_field(f[C_AT_LIVING], true, &w.at_or_above_living,
                    &living_known) &&
         int_field(f[C_BACK_PAY], true, &back_pay, NULL) &&
         int_field(f[C_DAYS_OVER], false, &w.days_over_normal, NULL) &&
         int_field(f[C_DAILY_REST], false, &w.daily_rest_fails, NULL) &&
         int_field(f[C_WEEKLY_REST], false, &w.weekly_rest_fails, NULL) &&
         int_field(f[C_NO_BREAK], false, &w.no_break_stretches, NULL) &&
         bool_field(f[C_NIGHT_WORKER], false, &w.night_worker, NULL) &&
         bool_field(f[C_LOCAL], false, &w.tz_local, NULL) &&
         bool_field(f[C_OVER_48], false, &w.over_normal, NULL) &&
         bool_field(f[C_OVER_60], false, &w.over_hard, NULL) &&
         bool_field(f[C_AVG_OVER], false, &w.avg_over, NULL) &&
         bool_field(f[C_CONSECUTIVE], false, &w.consecutive, NULL);
    if (!ok)
        return dw_error_set(&l->err, DW_ERR_PARSE,
                            "stored worker-week %llu of the run is malformed",
                            (unsigned long long)l->lines);
    w.has_ehr = paid_known;
    w.has_ehr_total = total_known;
    w.has_living = living_known;
    w.back_pay = back_pay;
    card = card_of(l->cards, l->n, vendor);
    if (card == NULL)
        return dw_error_set(&l->err, DW_ERR_INTERNAL,
                            "vendor %lld is not in the run's scope",
                            (long long)vendor);
    if (vendor != l->vendor || strcmp(l->worker, f[C_WORKER]) != 0) {
        dw_scorecard_add_worker(card);
        l->vendor = vendor;
        memcpy(l->worker, f[C_WORKER], sizeof l->worker);
    }
    switch (dw_scorecard_add(card, &w)) {
    case DW_OK:
        return DW_OK;
    case DW_ERR_NOMEM:
        return dw_error_set(&l->err, DW_ERR_NOMEM, "out of memory");
    default:
        return dw_error_set(&l->err, DW_ERR_RANGE, "vendor back pay overflow");
    }
}

enum dw_status dw_batch_load_cards(PGconn *conn, int64_t run_id,
                                   struct dw_scorecard *cards, size_t n,
                                   struct dw_error *err)
{
    struct loader l;
    char id[24];
    const char *p[1] = {id};
    enum dw_status st;

    memset(&l, 0, sizeof l);
    l.cards = cards;
    l.n = n;
    snprintf(id, sizeof id, "%lld", (long long)run_id);
    st = dw_db_exec(conn, "SELECT set_config('dw_an.run', $1, true)", 1, p,
                    NULL, err);
    if (st != DW_OK)
        return st;
    st = dw_copy_out(conn, weeks_sql, on_week, &l, err);
    if (st != DW_OK && l.err.code != DW_OK && err != NULL)
        *err = l.err;
    return st;
}

struct practice_ctx {
    struct dw_scorecard *cards;
    size_t n;
    struct dw_method *m; /* the window and the zones */
    int64_t as_of_us;
    int64_t unpaid_after_us;
};

static enum dw_status on_worker(void *ctx, const struct dw_worker_batch *b,
                                struct dw_error *err)
{
    struct practice_ctx *c = ctx;

    int64_t zone_vendor = -1;

    for (size_t i = 0; i < b->n_units; i++) {
        const struct dw_unit_row *u = &b->units[i];
        struct dw_scorecard *card = card_of(c->cards, c->n, u->vendor_id);
        if (card == NULL)
            return dw_error_set(err, DW_ERR_INTERNAL,
                                "vendor %lld is not in the run's scope",
                                (long long)u->vendor_id);
        /* The same local-week membership as dw_method_worker. */
        if (u->vendor_id != zone_vendor) {
            enum dw_status st = dw_method_zone(c->m, b, u->vendor_id, err);
            if (st != DW_OK)
                return st;
            zone_vendor = u->vendor_id;
        }
        if (!dw_method_in_window(c->m, dw_unit_first_time(u)))
            continue;
        if (dw_scorecard_add_unit(card, u, c->as_of_us, c->unpaid_after_us) !=
            DW_OK)
            return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    }
    return DW_OK;
}

enum dw_status dw_batch_practice(PGconn *conn,
                                 const struct dw_stream_scope *scope,
                                 struct dw_method *m,
                                 struct dw_scorecard *cards, size_t n,
                                 int64_t as_of_us, int64_t unpaid_after_us,
                                 struct dw_error *err)
{
    struct practice_ctx c = {cards, n, m, as_of_us, unpaid_after_us};

    return dw_stream_workers(conn, scope, on_worker, &c, err);
}
