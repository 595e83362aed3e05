/* analyzer/run.c — `dw-analyze run`: one window, one transaction. */
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "dwtime.h"
#include "money.h"
#include "pay.h"
#include "rules.h"
#include "scorecard.h"
#include "stream.h"
#include "worker.h"
#include "worktime.h"

/* Work begun this long before the window is streamed too, so intervals
 * that cross the window's start merge as they would without a window. */
#define RUN_MARGIN_US DW_DAY_US

/* One lock for every analyzer run: two runs of overlapping scopes must
 * not interleave their supersede-and-insert. */
#define RUN_LOCK_KEY "dw-analyze run"

/* Result rows go to temporary files while the COPY OUT stream is open
 * (one connection cannot run COPY IN at the same time), then in by COPY. */
struct spool {
    FILE *weeks;
    FILE *flags;
    int64_t n_weeks;
    int64_t n_flags;
};

static enum dw_status spool_week(void *ctx, const struct dw_worker_week *w,
                                 struct dw_error *err)
{
    struct spool *s = ctx;
    if (fwrite(w, sizeof *w, 1, s->weeks) != 1)
        return dw_error_set(err, DW_ERR_IO, "spooling worker-weeks failed");
    s->n_weeks++;
    return DW_OK;
}

static enum dw_status spool_flag(void *ctx, const struct dw_flag *f,
                                 struct dw_error *err)
{
    struct spool *s = ctx;
    if (fwrite(f, sizeof *f, 1, s->flags) != 1)
        return dw_error_set(err, DW_ERR_IO, "spooling flags failed");
    s->n_flags++;
    return DW_OK;
}

enum dw_status dw_vendor_id(PGconn *conn, const char *name, int64_t *id,
                            struct dw_error *err)
{
    const char *params[1] = {name};
    PGresult *res = NULL;
    enum dw_status st;

    st = dw_db_exec(conn, "SELECT vendor_id FROM dw.vendor WHERE name = $1", 1,
                    params, &res, err);
    if (st != DW_OK)
        return st;
    if (PQntuples(res) == 0)
        st = dw_error_set(err, DW_ERR_USAGE,
                          "unknown vendor '%s' (no row in dw.vendor)", name);
    else
        *id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return st;
}

static enum dw_status load_wages(PGconn *conn, int64_t as_of,
                                 struct dw_wage_table *t, struct dw_error *err)
{
    static const char sql[] =
        "SELECT country, currency, amount_micros, per, hours_basis::text,"
        " valid_from::text FROM dw.wage_floor"
        " WHERE kind = 'minimum' AND region = '' AND valid_from <= $1::date";
    char date[DW_DATE_MAX];
    const char *params[1] = {dw_date_format(as_of, date)};
    PGresult *res = NULL;
    enum dw_status st;

    st = dw_db_exec(conn, sql, 1, params, &res, err);
    for (int i = 0; st == DW_OK && i < PQntuples(res); i++) {
        const char *country = PQgetvalue(res, i, 0);
        int64_t amount = strtoll(PQgetvalue(res, i, 2), NULL, 10);
        int64_t basis, hourly, from;
        enum dw_wage_per per;

        if (dw_wage_per_parse(PQgetvalue(res, i, 3), &per) != DW_OK ||
            dw_decimal_parse(PQgetvalue(res, i, 4), 6, DW_ROUND_HALF_AWAY,
                             false, &basis) != DW_OK ||
            dw_wage_hourly(amount, per, basis, &hourly) != DW_OK ||
            dw_date_parse(PQgetvalue(res, i, 5), &from, err) != DW_OK) {
            st = dw_error_set(err, DW_ERR_INVALID,
                              "wage floor %s from %s: bad per or hours_basis",
                              country, PQgetvalue(res, i, 5));
            break;
        }
        st = dw_wage_add(t, country, PQgetvalue(res, i, 1), from, hourly, err);
    }
    PQclear(res);
    return st;
}

static enum dw_status load_fx(PGconn *conn, int64_t as_of,
                              struct dw_fx_table *t, struct dw_error *err)
{
    static const char sql[] =
        "SELECT base, quote, rate::text, rate_date::text FROM dw.fx_rate"
        " WHERE rate_date <= $1::date";
    char date[DW_DATE_MAX];
    const char *params[1] = {dw_date_format(as_of, date)};
    PGresult *res = NULL;
    enum dw_status st;

    st = dw_db_exec(conn, sql, 1, params, &res, err);
    for (int i = 0; st == DW_OK && i < PQntuples(res); i++) {
        int64_t rate, day;
        st = dw_fx_parse_rate(PQgetvalue(res, i, 2), &rate, err);
        if (st == DW_OK)
            st = dw_date_parse(PQgetvalue(res, i, 3), &day, err);
        if (st == DW_OK)
            st = dw_fx_add(t, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), day,
                           rate, err);
    }
    PQclear(res);
    return st;
}

static enum dw_status load_cards(PGconn *conn, int64_t vendor_id,
                                 struct dw_scorecard **cards, size_t *n,
                                 struct dw_error *err)
{
    char id[24];
    const char *params[1] = {NULL};
    PGresult *res = NULL;
    enum dw_status st;

    if (vendor_id > 0) {
        snprintf(id, sizeof id, "%lld", (long long)vendor_id);
        params[0] = id;
    }
    st = dw_db_exec(conn,
                    "SELECT vendor_id FROM dw.vendor"
                    " WHERE $1::bigint IS NULL OR vendor_id = $1::bigint"
                    " ORDER BY vendor_id",
                    1, params, &res, err);
    if (st != DW_OK)
        return st;
    *n = (size_t)PQntuples(res);
    *cards = calloc(*n ? *n : 1, sizeof **cards);
    if (*cards == NULL) {
        PQclear(res);
        *n = 0;
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < *n; i++)
        dw_scorecard_init(&(*cards)[i],
                          strtoll(PQgetvalue(res, (int)i, 0), NULL, 10));
    PQclear(res);
    return DW_OK;
}

/* "62.500000" -> "62.5"; "48.000000" -> "48". */
static const char *decimal(int64_t micros, char *out)
{
    size_t n;
    dw_money_format(micros, 6, out);
    n = strlen(out);
    while (n > 0 && out[n - 1] == '0')
        out[--n] = '\0';
    if (n > 0 && out[n - 1] == '.')
        out[--n] = '\0';
    return out;
}

static enum dw_status copy_weeks(PGconn *conn, struct spool *s, int64_t run_id,
                                 const char *currency, struct dw_error *err)
{
    struct dw_copy c;
    struct dw_worker_week w;
    char date[DW_DATE_MAX];
    enum dw_status st;

    rewind(s->weeks);
    st = dw_copy_begin(&c, conn,
                       "COPY dw.worker_week (analysis_run_id, vendor_id,"
                       " worker_key, week_start, tz_basis, units, paid_s,"
                       " unpaid_s, work_s, earnings_micros, currency,"
                       " ehr_paid_micros, ehr_total_micros, floor_country,"
                       " floor_basis, min_wage_micros, at_or_above_min,"
                       " floor_currency, floor_local_micros) FROM STDIN",
                       err);
    if (st != DW_OK)
        return st;
    while (st == DW_OK && fread(&w, sizeof w, 1, s->weeks) == 1) {
        int64_t paid_s = (w.paid_us + 500000) / 1000000;
        dw_copy_i64(&c, run_id);
        dw_copy_i64(&c, w.vendor_id);
        dw_copy_str(&c, w.worker_key);
        dw_copy_str(&c, dw_date_format(w.week_start, date));
        dw_copy_str(&c, w.tz_local ? "local" : "utc");
        dw_copy_i64(&c, w.units);
        dw_copy_i64(&c, paid_s);
        dw_copy_null(&c); /* unpaid time: not computed yet */
        dw_copy_i64(&c, paid_s);
        dw_copy_i64(&c, w.earnings);
        dw_copy_str(&c, currency);
        if (w.has_ehr)
            dw_copy_i64(&c, w.ehr_paid);
        else
            dw_copy_null(&c);
        dw_copy_null(&c); /* EHR_total needs unpaid time */
        dw_copy_str(&c, w.floor_country[0] ? w.floor_country : NULL);
        dw_copy_str(&c, w.floor_basis);
        dw_copy_i64(&c, w.min_wage);
        if (w.at_or_above_known)
            dw_copy_bool(&c, w.at_or_above);
        else
            dw_copy_null(&c);
        dw_copy_str(&c, w.floor_currency);
        dw_copy_i64(&c, w.floor_local);
        st = dw_copy_end_row(&c, err);
    }
    if (st == DW_OK && ferror(s->weeks))
        st = dw_error_set(err, DW_ERR_IO, "reading spooled worker-weeks");
    if (st != DW_OK) {
        dw_copy_abort(&c);
        return st;
    }
    return dw_copy_finish(&c, err);
}

static enum dw_status copy_flags(PGconn *conn, struct spool *s, int64_t run_id,
                                 struct dw_error *err)
{
    struct dw_copy c;
    struct dw_flag f;
    char date[DW_DATE_MAX], num[40];
    enum dw_status st;

    rewind(s->flags);
    st = dw_copy_begin(&c, conn,
                       "COPY dw.flag (analysis_run_id, vendor_id, rule,"
                       " severity, subject, worker_key, period_start,"
                       " period_end, value, threshold, unit, evidence)"
                       " FROM STDIN",
                       err);
    if (st != DW_OK)
        return st;
    while (st == DW_OK && fread(&f, sizeof f, 1, s->flags) == 1) {
        dw_copy_i64(&c, run_id);
        dw_copy_i64(&c, f.vendor_id);
        dw_copy_str(&c, f.rule);
        dw_copy_str(&c, dw_severity_name(f.severity));
        dw_copy_str(&c, dw_subject_name(f.subject));
        dw_copy_str(&c, f.worker_key[0] ? f.worker_key : NULL);
        dw_copy_str(&c, dw_date_format(f.period_start, date));
        dw_copy_str(&c, dw_date_format(f.period_end, date));
        dw_copy_str(&c, decimal(f.value, num));
        dw_copy_str(&c, decimal(f.threshold, num));
        dw_copy_str(&c, f.unit);
        dw_copy_str(&c, f.evidence);
        st = dw_copy_end_row(&c, err);
    }
    if (st == DW_OK && ferror(s->flags))
        st = dw_error_set(err, DW_ERR_IO, "reading spooled flags");
    if (st != DW_OK) {
        dw_copy_abort(&c);
        return st;
    }
    return dw_copy_finish(&c, err);
}

static enum dw_status
insert_vendor_period(PGconn *conn, int64_t run_id, struct dw_scorecard *sc,
                     int64_t period_from, int64_t period_to,
                     const char *currency, struct dw_error *err)
{
    static const char sql[] =
        "INSERT INTO dw.vendor_period (analysis_run_id, vendor_id,"
        " period_from, period_to, workers, worker_weeks,"
        " weeks_at_or_above_min, median_ehr_micros, currency, hours_over_48,"
        " hours_over_60, units_total, units_usable)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
    char v[13][DW_DATE_MAX];
    const char *params[13];
    int64_t median;
    bool has_median = dw_scorecard_median(sc, &median);
    int64_t nums[] = {run_id,
                      sc->vendor_id,
                      0,
                      0,
                      sc->workers,
                      sc->worker_weeks,
                      sc->weeks_at_or_above,
                      median,
                      0,
                      sc->hours_over_48,
                      sc->hours_over_60,
                      sc->units_total,
                      sc->units_usable};

    for (int i = 0; i < 13; i++) {
        snprintf(v[i], sizeof v[i], "%lld", (long long)nums[i]);
        params[i] = v[i];
    }
    params[2] = dw_date_format(period_from, v[2]);
    params[3] = dw_date_format(period_to, v[3]);
    if (!has_median)
        params[7] = NULL;
    params[8] = currency;
    return dw_db_exec(conn, sql, 13, params, NULL, err);
}

static enum dw_status supersede(PGconn *conn, const char *from, const char *to,
                                const char *vendor, int64_t *count,
                                struct dw_error *err)
{
    static const char *const deletes[] = {
        "DELETE FROM dw.flag x USING dw.analysis_run r",
        "DELETE FROM dw.worker_week x USING dw.analysis_run r",
        "DELETE FROM dw.vendor_period x USING dw.analysis_run r"};
    static const char scope[] =
        " WHERE x.analysis_run_id = r.analysis_run_id"
        " AND r.window_from = $1::date AND r.window_to = $2::date"
        " AND r.vendor_id IS NOT DISTINCT FROM $3::bigint"
        " AND r.shard IS NULL";
    const char *params[3] = {from, to, vendor};
    char sql[512];
    PGresult *res = NULL;
    enum dw_status st = DW_OK;

    /* Fixed SQL text joined from constants; data only via parameters. */
    for (size_t i = 0; st == DW_OK && i < 3; i++) {
        snprintf(sql, sizeof sql, "%s%s", deletes[i], scope);
        st = dw_db_exec(conn, sql, 3, params, NULL, err);
    }
    if (st != DW_OK)
        return st;
    st = dw_db_exec(conn,
                    "UPDATE dw.analysis_run SET status = 'superseded',"
                    " finished_at = COALESCE(finished_at, now())"
                    " WHERE window_from = $1::date AND window_to = $2::date"
                    " AND vendor_id IS NOT DISTINCT FROM $3::bigint"
                    " AND shard IS NULL AND status IN ('done', 'running')"
                    " RETURNING analysis_run_id",
                    3, params, &res, err);
    if (st == DW_OK)
        *count = PQntuples(res);
    PQclear(res);
    return st;
}

static void record_failure(PGconn *conn, const char *params[6],
                           const struct dw_error *e)
{
    const char *p[7];
    PGresult *res = NULL;

    if (PQstatus(conn) != CONNECTION_OK || params[0] == NULL)
        return;
    memcpy(p, params, 6 * sizeof *p);
    p[6] = e->msg;
    /* Best effort: the audit row of a failed run. */
    if (dw_db_exec(conn,
                   "INSERT INTO dw.analysis_run (method_version,"
                   " threshold_set, window_from, window_to, vendor_id,"
                   " report_currency, status, finished_at, error)"
                   " VALUES ($1, $2, $3, $4, $5, $6, 'failed', now(), $7)",
                   7, p, &res, NULL) == DW_OK)
        PQclear(res);
}

enum dw_status dw_run(PGconn *conn, const struct dw_run_opts *opts,
                      struct dw_run_result *out, struct dw_error *err)
{
    struct dw_thresholds th;
    struct dw_rule_params params;
    struct dw_wage_table wages;
    struct dw_fx_table fx;
    struct dw_method m;
    struct dw_scorecard *cards = NULL;
    size_t n_cards = 0;
    struct spool sp = {NULL, NULL, 0, 0};
    struct dw_stream_scope scope;
    int64_t vendor_id = 0;
    int64_t week_from, week_to, period_to;
    char from[DW_DATE_MAX], to[DW_DATE_MAX], vid[24];
    const char *run_params[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
    PGresult *res = NULL;
    enum dw_status st;
    bool in_tx = false;

    memset(out, 0, sizeof *out);
    dw_thresholds_init(&th, opts->threshold_set, opts->to_day);
    dw_wage_init(&wages);
    dw_fx_init(&fx);
    dw_method_init(&m);

    if (opts->to_day < opts->from_day) {
        st = dw_error_set(err, DW_ERR_USAGE, "--to is before --from");
        goto done;
    }
    week_from = dw_week_monday(NULL, opts->from_day * DW_DAY_US);
    week_to = dw_week_monday(NULL, opts->to_day * DW_DAY_US);
    period_to = week_to + 6;
    dw_date_format(opts->from_day, from);
    dw_date_format(opts->to_day, to);

    st = dw_db_begin(conn, err);
    if (st != DW_OK)
        goto done;
    in_tx = true;
    if (opts->vendor != NULL) {
        st = dw_vendor_id(conn, opts->vendor, &vendor_id, err);
        if (st != DW_OK)
            goto done;
        snprintf(vid, sizeof vid, "%lld", (long long)vendor_id);
    }
    run_params[0] = DW_METHOD_VERSION;
    run_params[1] = opts->threshold_set;
    run_params[2] = from;
    run_params[3] = to;
    run_params[4] = vendor_id > 0 ? vid : NULL;
    run_params[5] = opts->currency;
    {
        const char *lock[1] = {RUN_LOCK_KEY};
        st = dw_db_exec(conn,
                        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                        1, lock, NULL, err);
        if (st != DW_OK)
            goto done;
    }

    st = dw_thresholds_load(conn, &th, err);
    if (st == DW_OK)
        st = dw_rule_params_from(&th, &params, err);
    if (st == DW_OK)
        st = load_wages(conn, period_to, &wages, err);
    if (st == DW_OK)
        st = load_fx(conn, period_to, &fx, err);
    if (st == DW_OK)
        st = load_cards(conn, vendor_id, &cards, &n_cards, err);
    if (st == DW_OK)
        st = supersede(conn, from, to, run_params[4], &out->superseded, err);
    if (st != DW_OK)
        goto done;

    st = dw_db_exec(
        conn,
        "INSERT INTO dw.analysis_run (method_version, threshold_set,"
        " window_from, window_to, vendor_id, report_currency, thresholds)"
        " VALUES ($1, $2, $3, $4, $5, $6,"
        " (SELECT COALESCE(jsonb_object_agg(name, value), '{}'::jsonb) FROM"
        "  (SELECT DISTINCT ON (name) name, value FROM dw.threshold"
        "   WHERE threshold_set = $2 AND valid_from <= $4::date"
        "   ORDER BY name, valid_from DESC) t))"
        " RETURNING analysis_run_id",
        6, run_params, &res, err);
    if (st != DW_OK)
        goto done;
    out->run_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    res = NULL;

    sp.weeks = tmpfile();
    sp.flags = tmpfile();
    if (sp.weeks == NULL || sp.flags == NULL) {
        st = dw_error_set(err, DW_ERR_IO, "cannot create a temporary file");
        goto done;
    }
    m.params = &params;
    m.fx = &fx;
    m.wages = &wages;
    m.currency = opts->currency;
    m.week_from = week_from;
    m.week_to = week_to;
    m.cards = cards;
    m.n_cards = n_cards;
    m.emit_week = spool_week;
    m.emit_flag = spool_flag;
    m.emit_ctx = &sp;
    scope.from_us = week_from * DW_DAY_US;
    scope.to_us = (week_to + 7) * DW_DAY_US;
    scope.margin_us = RUN_MARGIN_US;
    scope.vendor_id = vendor_id;
    st = dw_stream_workers(conn, &scope, dw_method_worker_fn, &m, err);
    if (st != DW_OK)
        goto done;

    for (size_t i = 0; i < n_cards; i++) {
        struct dw_flag f;
        if (dw_rules_vendor_share(
                &params, cards[i].vendor_id, cards[i].worker_weeks,
                cards[i].weeks_at_or_above, week_from, period_to, &f)) {
            st = spool_flag(&sp, &f, err);
            if (st != DW_OK)
                goto done;
        }
    }
    st = copy_weeks(conn, &sp, out->run_id, opts->currency, err);
    if (st == DW_OK)
        st = copy_flags(conn, &sp, out->run_id, err);
    for (size_t i = 0; st == DW_OK && i < n_cards; i++) {
        st = insert_vendor_period(conn, out->run_id, &cards[i], week_from,
                                  period_to, opts->currency, err);
        out->workers += cards[i].workers;
        out->worker_weeks += cards[i].worker_weeks;
        out->units_total += cards[i].units_total;
        out->units_usable += cards[i].units_usable;
    }
    if (st != DW_OK)
        goto done;
    out->vendors = (int64_t)n_cards;
    out->flags = sp.n_flags;
    {
        char id[24], tot[24], use[24];
        const char *p[3] = {id, tot, use};
        snprintf(id, sizeof id, "%lld", (long long)out->run_id);
        snprintf(tot, sizeof tot, "%lld", (long long)out->units_total);
        snprintf(use, sizeof use, "%lld", (long long)out->units_usable);
        st = dw_db_exec(conn,
                        "UPDATE dw.analysis_run SET status = 'done',"
                        " finished_at = clock_timestamp(),"
                        " units_total = $2, units_usable = $3"
                        " WHERE analysis_run_id = $1",
                        3, p, NULL, err);
    }
    if (st == DW_OK)
        st = dw_db_commit(conn, err);
    if (st == DW_OK)
        in_tx = false;

done:
    if (st != DW_OK && in_tx) {
        dw_db_rollback(conn);
        if (st != DW_ERR_USAGE && err != NULL)
            record_failure(conn, run_params, err);
    }
    if (st != DW_OK)
        out->run_id = 0;
    PQclear(res);
    if (sp.weeks != NULL)
        fclose(sp.weeks);
    if (sp.flags != NULL)
        fclose(sp.flags);
    for (size_t i = 0; i < n_cards; i++)
        dw_scorecard_release(&cards[i]);
    free(cards);
    dw_method_release(&m);
    dw_fx_release(&fx);
    dw_wage_release(&wages);
    dw_thresholds_release(&th);
    return st;
}
