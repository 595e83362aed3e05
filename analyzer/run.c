/* analyzer/run.c — `dw-analyze run`: one window, one transaction. */
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "dwtime.h"
#include "money.h"
#include "monitoring_run.h"
#include "pay.h"
#include "practice.h"
#include "rules.h"
#include "scorecard.h"
#include "shard.h"
#include "shard_run.h"
#include "stream.h"
#include "tz.h"
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
    FILE *days;
    int64_t n_weeks;
    int64_t n_flags;
    int64_t n_days;
};

/* Appends one row of size bytes to f and counts it. */
static enum dw_status spool_put(FILE *f, const void *row, size_t size,
                                int64_t *count, const char *what,
                                struct dw_error *err)
{
    if (fwrite(row, size, 1, f) != 1)
        return dw_error_set(err, DW_ERR_IO, "spooling %s failed", what);
    (*count)++;
    return DW_OK;
}

static enum dw_status spool_week(void *ctx, const struct dw_worker_week *w,
                                 struct dw_error *err)
{
    struct spool *s = ctx;
    return spool_put(s->weeks, w, sizeof *w, &s->n_weeks, "worker-weeks", err);
}

static enum dw_status spool_day(void *ctx, const struct dw_worker_day *d,
                                struct dw_error *err)
{
    struct spool *s = ctx;
    return spool_put(s->days, d, sizeof *d, &s->n_days, "worker-days", err);
}

static enum dw_status spool_flag(void *ctx, const struct dw_flag *f,
                                 struct dw_error *err)
{
    struct spool *s = ctx;
    return spool_put(s->flags, f, sizeof *f, &s->n_flags, "flags", err);
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

/* National floors of one kind ("minimum" or "living"), made hourly. */
static enum dw_status load_wages(PGconn *conn, int64_t as_of, const char *kind,
                                 struct dw_wage_table *t, struct dw_error *err)
{
    static const char sql[] =
        "SELECT country, currency, amount_micros, per, hours_basis::text,"
        " valid_from::text FROM dw.wage_floor"
        " WHERE kind = $2 AND region = '' AND valid_from <= $1::date";
    char date[DW_DATE_MAX];
    const char *params[2] = {dw_date_format(as_of, date), kind};
    PGresult *res = NULL;
    enum dw_status st;

    st = dw_db_exec(conn, sql, 2, params, &res, err);
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
                              "%s wage floor %s from %s: bad per or "
                              "hours_basis",
                              kind, country, PQgetvalue(res, i, 5));
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

enum dw_status dw_vendor_ids(PGconn *conn, int64_t vendor_id, int64_t **ids,
                             size_t *n, struct dw_error *err)
{
    char id[24];
    const char *params[1] = {NULL};
    PGresult *res = NULL;
    enum dw_status st;

    *ids = NULL;
    *n = 0;
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
    size_t rows = (size_t)PQntuples(res);
    *ids = calloc(rows ? rows : 1, sizeof **ids);
    if (*ids == NULL) {
        PQclear(res);
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < rows; i++)
        (*ids)[i] = strtoll(PQgetvalue(res, (int)i, 0), NULL, 10);
    *n = rows;
    PQclear(res);
    return DW_OK;
}

static enum dw_status load_cards(PGconn *conn, int64_t vendor_id,
                                 struct dw_scorecard **cards, size_t *n,
                                 struct dw_error *err)
{
    int64_t *ids;
    enum dw_status st = dw_vendor_ids(conn, vendor_id, &ids, n, err);

    if (st != DW_OK)
        return st;
    *cards = calloc(*n ? *n : 1, sizeof **cards);
    if (*cards == NULL) {
        free(ids);
        *n = 0;
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < *n; i++)
        dw_scorecard_init(&(*cards)[i], ids[i]);
    free(ids);
    return DW_OK;
}

static int64_t us_to_s(int64_t us)
{
    return (us + 500000) / 1000000;
}

static void copy_opt_i64(struct dw_copy *c, bool known, int64_t v)
{
    if (known)
        dw_copy_i64(c, v);
    else
        dw_copy_null(c);
}

static void copy_opt_ratio(struct dw_copy *c, bool known, int64_t micros)
{
    char num[40];
    if (known)
        dw_copy_str(c, dw_money_format_trim(micros, num));
    else
        dw_copy_null(c);
}

static enum dw_status copy_weeks(PGconn *conn, struct spool *s, int64_t run_id,
                                 const char *currency, struct dw_error *err)
{
    struct dw_copy c;
    struct dw_worker_week w;
    char date[DW_DATE_MAX];
    enum dw_status st;

    rewind(s->weeks);
    st = dw_copy_begin(
        &c, conn,
        "COPY dw.worker_week (analysis_run_id, vendor_id,"
        " worker_key, week_start, tz_basis, units, paid_s,"
        " unpaid_s, work_s, earnings_micros, currency,"
        " ehr_paid_micros, ehr_total_micros, floor_country,"
        " floor_basis, min_wage_micros, at_or_above_min,"
        " floor_currency, floor_local_micros, tz_name, tz_source,"
        " unpaid_task_s, search_s, unpaid_est_s, ehr_total_est_micros,"
        " min_wage_ratio, back_pay_micros, living_currency,"
        " living_local_micros, living_wage_micros, living_wage_ratio,"
        " at_or_above_living, days_worked, max_day_s, days_over_8h,"
        " daily_rest_fails, weekly_rest_fails, max_consecutive_days,"
        " no_break_stretches, avg_work_s, night_s, night_nights,"
        " night_worker, units_approved, units_rejected, units_returned,"
        " units_reversed, units_unpaid_30d) FROM STDIN",
        err);
    if (st != DW_OK)
        return st;
    while (st == DW_OK && fread(&w, sizeof w, 1, s->weeks) == 1) {
        int64_t paid_s = us_to_s(w.paid_us), work_s = us_to_s(w.work_us);
        dw_copy_i64(&c, run_id);
        dw_copy_i64(&c, w.vendor_id);
        dw_copy_str(&c, w.worker_key);
        dw_copy_str(&c, dw_date_format(w.week_start, date));
        dw_copy_str(&c, w.tz_local ? "local" : "utc");
        dw_copy_i64(&c, w.units);
        dw_copy_i64(&c, paid_s);
        dw_copy_i64(&c, work_s - paid_s);
        dw_copy_i64(&c, work_s);
        dw_copy_i64(&c, w.earnings);
        dw_copy_str(&c, currency);
        copy_opt_i64(&c, w.has_ehr, w.ehr_paid);
        copy_opt_i64(&c, w.has_ehr_total, w.ehr_total);
        dw_copy_str(&c, w.floor_country[0] ? w.floor_country : NULL);
        dw_copy_str(&c, w.floor_basis);
        dw_copy_i64(&c, w.min_wage);
        if (w.at_or_above_known)
            dw_copy_bool(&c, w.at_or_above);
        else
            dw_copy_null(&c);
        dw_copy_str(&c, w.floor_currency);
        dw_copy_i64(&c, w.floor_local);
        dw_copy_str(&c, w.tz_name[0] ? w.tz_name : NULL);
        dw_copy_str(&c, w.tz_source);
        dw_copy_i64(&c, us_to_s(w.unpaid_task_us));
        dw_copy_i64(&c, us_to_s(w.search_us));
        dw_copy_i64(&c, us_to_s(w.unpaid_est_us));
        copy_opt_i64(&c, w.has_ehr_total && w.paid_us + w.unpaid_est_us > 0,
                     w.ehr_total_est);
        copy_opt_ratio(&c, w.has_ehr_total && w.min_wage > 0, w.mw_ratio);
        copy_opt_i64(&c, w.has_ehr_total, w.back_pay);
        dw_copy_str(&c, w.has_living ? w.living_currency : NULL);
        copy_opt_i64(&c, w.has_living, w.living_local);
        copy_opt_i64(&c, w.has_living, w.living_wage);
        copy_opt_ratio(&c, w.has_living && w.has_ehr_total, w.lw_ratio);
        if (w.has_living && w.has_ehr_total)
            dw_copy_bool(&c, w.at_or_above_living);
        else
            dw_copy_null(&c);
        dw_copy_i64(&c, w.days_worked);
        dw_copy_i64(&c, us_to_s(w.max_day_us));
        dw_copy_i64(&c, w.days_over_normal);
        dw_copy_i64(&c, w.daily_rest_fails);
        dw_copy_i64(&c, w.weekly_rest_fails);
        dw_copy_i64(&c, w.max_consecutive_days);
        dw_copy_i64(&c, w.no_break_stretches);
        dw_copy_i64(&c, us_to_s(w.avg_work_us));
        copy_opt_i64(&c, w.night_known, us_to_s(w.night_us));
        copy_opt_i64(&c, w.night_known, w.night_nights);
        if (w.night_known)
            dw_copy_bool(&c, w.night_worker);
        else
            dw_copy_null(&c);
        dw_copy_i64(&c, w.units_approved);
        dw_copy_i64(&c, w.units_rejected);
        dw_copy_i64(&c, w.units_returned);
        dw_copy_i64(&c, w.units_reversed);
        dw_copy_i64(&c, w.units_unpaid_late);
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

static enum dw_status copy_days(PGconn *conn, struct spool *s, int64_t run_id,
                                struct dw_error *err)
{
    struct dw_copy c;
    struct dw_worker_day d;
    char date[DW_DATE_MAX];
    enum dw_status st;

    rewind(s->days);
    st = dw_copy_begin(&c, conn,
                       "COPY dw.worker_day (analysis_run_id, vendor_id,"
                       " worker_key, day, tz_basis, work_s, paid_s, night_s)"
                       " FROM STDIN",
                       err);
    if (st != DW_OK)
        return st;
    while (st == DW_OK && fread(&d, sizeof d, 1, s->days) == 1) {
        dw_copy_i64(&c, run_id);
        dw_copy_i64(&c, d.vendor_id);
        dw_copy_str(&c, d.worker_key);
        dw_copy_str(&c, dw_date_format(d.day, date));
        dw_copy_str(&c, d.tz_local ? "local" : "utc");
        dw_copy_i64(&c, us_to_s(d.work_us));
        dw_copy_i64(&c, us_to_s(d.paid_us));
        copy_opt_i64(&c, d.night_known, us_to_s(d.night_us));
        st = dw_copy_end_row(&c, err);
    }
    if (st == DW_OK && ferror(s->days))
        st = dw_error_set(err, DW_ERR_IO, "reading spooled worker-days");
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
        dw_copy_str(&c, dw_money_format_trim(f.value, num));
        dw_copy_str(&c, dw_money_format_trim(f.threshold, num));
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

/* Parameter text: an integer, or NULL when unknown. */
static const char *opt_num(bool known, int64_t v, char *buf, size_t n)
{
    if (!known)
        return NULL;
    snprintf(buf, n, "%lld", (long long)v);
    return buf;
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
        " hours_over_60, units_total, units_usable, median_ehr_total_micros,"
        " worker_weeks_living, weeks_at_or_above_living, back_pay_micros,"
        " hours_avg_over_48, days_over_8h, daily_rest_fails,"
        " weekly_rest_weeks, consecutive_days_weeks, no_break_stretches,"
        " night_worker_weeks, tz_unknown_weeks, paid_s, work_s,"
        " units_approved, units_rejected, units_returned, units_reversed,"
        " rejection_rate, reversal_rate, return_rate,"
        " approval_delay_median_s, approval_delay_p90_s,"
        " payment_delay_median_s, payment_delay_p90_s, units_due_30d,"
        " units_unpaid_30d)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
        " $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26,"
        " $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39,"
        " $40)";
    enum { N = 40 };
    char v[N][40];
    const char *params[N];
    int64_t median, median_total;
    bool has_median = dw_scorecard_median(sc, &median);
    bool has_total = dw_scorecard_median_total(sc, &median_total);
    struct dw_practice_summary ps;
    const struct dw_practice *pr = &sc->practice;
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
                      sc->units_usable,
                      median_total,
                      sc->weeks_living_known,
                      sc->weeks_at_or_above_living,
                      sc->back_pay,
                      sc->hours_avg_over_48,
                      sc->days_over_8,
                      sc->daily_rest_fails,
                      sc->weekly_rest_weeks,
                      sc->consecutive_weeks,
                      sc->no_break,
                      sc->night_worker_weeks,
                      sc->tz_unknown_weeks,
                      sc->paid_s,
                      sc->work_s,
                      pr->approved,
                      pr->rejected,
                      pr->returned,
                      pr->reversed};

    dw_practice_summarize(&sc->practice, &ps);
    for (int i = 0; i < 31; i++) {
        snprintf(v[i], sizeof v[i], "%lld", (long long)nums[i]);
        params[i] = v[i];
    }
    params[2] = dw_date_format(period_from, v[2]);
    params[3] = dw_date_format(period_to, v[3]);
    if (!has_median)
        params[7] = NULL;
    params[8] = currency;
    if (!has_total)
        params[13] = NULL;
    params[31] = ps.has_rejection_rate
                     ? dw_money_format_trim(ps.rejection_rate, v[31])
                     : NULL;
    params[32] = ps.has_reversal_rate
                     ? dw_money_format_trim(ps.reversal_rate, v[32])
                     : NULL;
    params[33] =
        ps.has_return_rate ? dw_money_format_trim(ps.return_rate, v[33]) : NULL;
    params[34] =
        opt_num(ps.has_approval_delay, ps.approval_median_s, v[34], 40);
    params[35] = opt_num(ps.has_approval_delay, ps.approval_p90_s, v[35], 40);
    params[36] = opt_num(ps.has_payment_delay, ps.payment_median_s, v[36], 40);
    params[37] = opt_num(ps.has_payment_delay, ps.payment_p90_s, v[37], 40);
    params[38] = opt_num(true, pr->due, v[38], 40);
    params[39] = opt_num(true, pr->unpaid_late, v[39], 40);
    return dw_db_exec(conn, sql, N, params, NULL, err);
}

/*
 * Earlier runs of the same window and vendor scope give way to except_id
 * (0: the run about to be inserted): done runs, sharded or not, and
 * unsharded ones still marked running. A sharded run still collecting
 * its shards is left alone; whichever finishes last is the newest.
 */
static enum dw_status supersede(PGconn *conn, const char *from, const char *to,
                                const char *vendor, int64_t except_id,
                                int64_t *count, struct dw_error *err)
{
    static const char *const deletes[] = {
        "DELETE FROM dw.flag x USING dw.analysis_run r",
        "DELETE FROM dw.worker_week x USING dw.analysis_run r",
        "DELETE FROM dw.worker_day x USING dw.analysis_run r",
        "DELETE FROM dw.vendor_period x USING dw.analysis_run r"};
    static const char scope[] =
        " WHERE x.analysis_run_id = r.analysis_run_id"
        " AND r.window_from = $1::date AND r.window_to = $2::date"
        " AND r.vendor_id IS NOT DISTINCT FROM $3::bigint"
        " AND r.status = 'superseded'";
    char except[24];
    const char *params[4] = {from, to, vendor, NULL};
    char sql[512];
    PGresult *res = NULL;
    enum dw_status st;

    if (except_id > 0) {
        snprintf(except, sizeof except, "%lld", (long long)except_id);
        params[3] = except;
    }
    st = dw_db_exec(conn,
                    "UPDATE dw.analysis_run SET status = 'superseded',"
                    " finished_at = COALESCE(finished_at, now())"
                    " WHERE window_from = $1::date AND window_to = $2::date"
                    " AND vendor_id IS NOT DISTINCT FROM $3::bigint"
                    " AND analysis_run_id IS DISTINCT FROM $4::bigint"
                    " AND (status = 'done'"
                    "      OR (status = 'running' AND shard IS NULL))"
                    " RETURNING analysis_run_id",
                    4, params, &res, err);
    if (st == DW_OK)
        *count = PQntuples(res);
    PQclear(res);
    /* Fixed SQL text joined from constants; data only via parameters. */
    for (size_t i = 0; st == DW_OK && i < sizeof deletes / sizeof *deletes;
         i++) {
        snprintf(sql, sizeof sql, "%s%s", deletes[i], scope);
        st = dw_db_exec(conn, sql, 3, params, NULL, err);
    }
    return st;
}

/* params: method, threshold set, from, to, vendor id, currency, shard. */
static void record_failure(PGconn *conn, const char *params[7],
                           const struct dw_error *e)
{
    const char *p[8];
    PGresult *res = NULL;

    if (PQstatus(conn) != CONNECTION_OK || params[0] == NULL)
        return;
    memcpy(p, params, 7 * sizeof *p);
    p[7] = e->msg;
    /* Best effort: the audit row of a failed run (or shard). */
    if (dw_db_exec(conn,
                   "INSERT INTO dw.analysis_run (method_version,"
                   " threshold_set, window_from, window_to, vendor_id,"
                   " report_currency, shard, status, finished_at, error)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, 'failed', now(), $8)",
                   8, p, &res, NULL) == DW_OK)
        PQclear(res);
}

/* Everything one run (or one shard of a run) holds. */
struct run {
    const struct dw_run_opts *opts;
    struct dw_thresholds th;
    struct dw_rule_params params;
    struct dw_wage_table wages;
    struct dw_wage_table living;
    struct dw_fx_table fx;
    struct dw_tzdb *tzdb;
    struct dw_method m;
    struct dw_scorecard *cards;
    size_t n_cards;
    struct spool sp;
    int64_t vendor_id;
    int64_t week_from, week_to, period_to;
    int64_t as_of;
    char from[DW_DATE_MAX], to[DW_DATE_MAX], vid[24];
    char shard[DW_SHARD_TEXT_MAX];
    const char *run_params[7]; /* as record_failure takes them */
};

static void run_init(struct run *r, const struct dw_run_opts *opts)
{
    memset(r, 0, sizeof *r);
    r->opts = opts;
    dw_thresholds_init(&r->th, opts->threshold_set, opts->to_day);
    dw_wage_init(&r->wages);
    dw_wage_init(&r->living);
    dw_fx_init(&r->fx);
    dw_method_init(&r->m);
}

static void close_spool(struct spool *sp)
{
    if (sp->weeks != NULL)
        fclose(sp->weeks);
    if (sp->flags != NULL)
        fclose(sp->flags);
    if (sp->days != NULL)
        fclose(sp->days);
    memset(sp, 0, sizeof *sp);
}

static void free_cards(struct run *r)
{
    for (size_t i = 0; i < r->n_cards; i++)
        dw_scorecard_release(&r->cards[i]);
    free(r->cards);
    r->cards = NULL;
    r->n_cards = 0;
}

static void run_release(struct run *r)
{
    close_spool(&r->sp);
    dw_tzdb_free(r->tzdb);
    dw_wage_release(&r->living);
    free_cards(r);
    dw_method_release(&r->m);
    dw_fx_release(&r->fx);
    dw_wage_release(&r->wages);
    dw_thresholds_release(&r->th);
}

/* The window widened to whole ISO weeks, as_of, the vendor, the
 * failure-row parameters. No transaction needed. */
static enum dw_status run_scope(PGconn *conn, struct run *r,
                                struct dw_error *err)
{
    const struct dw_run_opts *o = r->opts;
    enum dw_status st;

    if (o->to_day < o->from_day)
        return dw_error_set(err, DW_ERR_USAGE, "--to is before --from");
    r->week_from = dw_week_monday(NULL, o->from_day * DW_DAY_US);
    r->week_to = dw_week_monday(NULL, o->to_day * DW_DAY_US);
    r->period_to = r->week_to + 6;
    dw_date_format(o->from_day, r->from);
    dw_date_format(o->to_day, r->to);
    /* "Unpaid after 30 days" is judged at the window's end, or now if
     * that is earlier: a past window gives the same figures whenever it
     * is re-run. */
    r->as_of = dw_time_now();
    if ((r->period_to + 1) * DW_DAY_US < r->as_of)
        r->as_of = (r->period_to + 1) * DW_DAY_US;
    if (o->vendor != NULL) {
        st = dw_vendor_id(conn, o->vendor, &r->vendor_id, err);
        if (st != DW_OK)
            return st;
        snprintf(r->vid, sizeof r->vid, "%lld", (long long)r->vendor_id);
    }
    if (o->shard.n > 0)
        dw_shard_format(&o->shard, r->shard, sizeof r->shard);
    r->run_params[0] = DW_METHOD_VERSION;
    r->run_params[1] = o->threshold_set;
    r->run_params[2] = r->from;
    r->run_params[3] = r->to;
    r->run_params[4] = r->vendor_id > 0 ? r->vid : NULL;
    r->run_params[5] = o->currency;
    r->run_params[6] = o->shard.n > 0 ? r->shard : NULL;
    return DW_OK;
}

/* Thresholds, wage floors, FX rates and one scorecard per vendor. */
static enum dw_status run_load(PGconn *conn, struct run *r,
                               struct dw_error *err)
{
    enum dw_status st;

    st = dw_thresholds_load(conn, &r->th, err);
    if (st == DW_OK)
        st = dw_rule_params_from(&r->th, &r->params, err);
    if (st == DW_OK)
        st = load_wages(conn, r->period_to, "minimum", &r->wages, err);
    if (st == DW_OK)
        st = load_wages(conn, r->period_to, "living", &r->living, err);
    if (st == DW_OK)
        st = load_fx(conn, r->period_to, &r->fx, err);
    if (st == DW_OK)
        st = load_cards(conn, r->vendor_id, &r->cards, &r->n_cards, err);
    return st;
}

static void stream_scope(const struct run *r, int64_t margin_us,
                         const struct dw_shard *shard,
                         struct dw_stream_scope *scope)
{
    memset(scope, 0, sizeof *scope);
    /* Wide enough for every zone's local week (UTC-12 to UTC+14); the
     * method keeps only what falls in the window in local time. */
    scope->from_us = r->week_from * DW_DAY_US - DW_TZ_EDGE_US;
    scope->to_us = (r->week_to + 7) * DW_DAY_US + DW_TZ_EDGE_US;
    scope->margin_us = margin_us;
    scope->vendor_id = r->vendor_id;
    if (shard != NULL)
        scope->shard = *shard;
}

/* Streams the workers (of one shard, or all), computes the method and
 * writes worker_week, worker_day, their flags and the monitoring rows. */
static enum dw_status run_workers(PGconn *conn, struct run *r, int64_t run_id,
                                  const struct dw_shard *shard,
                                  struct dw_run_result *out,
                                  struct dw_error *err)
{
    struct dw_stream_scope scope;
    struct dw_monitoring_window mw = {r->week_from, r->period_to};
    struct dw_monitoring_result mr = {0, 0, 0};
    enum dw_status st;

    r->sp.weeks = tmpfile();
    r->sp.flags = tmpfile();
    r->sp.days = tmpfile();
    if (r->sp.weeks == NULL || r->sp.flags == NULL || r->sp.days == NULL)
        return dw_error_set(err, DW_ERR_IO, "cannot create a temporary file");
    r->tzdb = dw_tzdb_new(NULL);
    if (r->tzdb == NULL)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    r->m.params = &r->params;
    r->m.fx = &r->fx;
    r->m.wages = &r->wages;
    r->m.living = &r->living;
    r->m.tzdb = r->tzdb;
    r->m.as_of_us = r->as_of;
    r->m.currency = r->opts->currency;
    r->m.week_from = r->week_from;
    r->m.week_to = r->week_to;
    r->m.cards = r->cards;
    r->m.n_cards = r->n_cards;
    r->m.emit_week = spool_week;
    r->m.emit_flag = spool_flag;
    r->m.emit_day = spool_day;
    r->m.emit_ctx = &r->sp;
    /* The rolling average needs the weeks before the window too. */
    stream_scope(r,
                 RUN_MARGIN_US +
                     (r->params.avg_weeks / DW_MICROS - 1) * 7 * DW_DAY_US,
                 shard, &scope);
    st = dw_stream_workers(conn, &scope, dw_method_worker_fn, &r->m, err);
    if (st == DW_OK)
        st = copy_weeks(conn, &r->sp, run_id, r->opts->currency, err);
    if (st == DW_OK)
        st = copy_days(conn, &r->sp, run_id, err);
    if (st == DW_OK)
        st = copy_flags(conn, &r->sp, run_id, err);
    if (st == DW_OK)
        st = dw_monitoring_workers(conn, run_id, &mw, r->vendor_id, shard,
                                   &r->th, &mr, err);
    out->worker_weeks += r->sp.n_weeks;
    out->flags += r->sp.n_flags + mr.flags;
    close_spool(&r->sp);
    return st;
}

/* Vendor flags, dw.vendor_period and the monitoring vendor rows from the
 * scorecards; the run's coverage into out. */
static enum dw_status run_vendors(PGconn *conn, struct run *r, int64_t run_id,
                                  struct dw_run_result *out,
                                  struct dw_error *err)
{
    struct dw_monitoring_window mw = {r->week_from, r->period_to};
    struct dw_monitoring_result mr = {0, 0, 0};
    enum dw_status st = DW_OK;

    r->sp.flags = tmpfile();
    if (r->sp.flags == NULL)
        return dw_error_set(err, DW_ERR_IO, "cannot create a temporary file");
    for (size_t i = 0; st == DW_OK && i < r->n_cards; i++) {
        const struct dw_scorecard *c = &r->cards[i];
        struct dw_flag f, pf[DW_RULES_PRACTICE_MAX];
        struct dw_practice_summary ps;
        const struct dw_practice *pr = &c->practice;
        size_t npf;

        if (dw_rules_vendor_share(&r->params, c->vendor_id, c->worker_weeks,
                                  c->weeks_at_or_above, r->week_from,
                                  r->period_to, &f))
            st = spool_flag(&r->sp, &f, err);
        dw_practice_summarize(&r->cards[i].practice, &ps);
        npf = dw_rules_vendor_practice(
            &r->params, c->vendor_id, &ps, pr->rejected,
            pr->approved + pr->rejected, pr->unpaid_late, pr->due, r->week_from,
            r->period_to, pf);
        for (size_t k = 0; st == DW_OK && k < npf; k++)
            st = spool_flag(&r->sp, &pf[k], err);
    }
    if (st == DW_OK)
        st = copy_flags(conn, &r->sp, run_id, err);
    out->flags += r->sp.n_flags;
    close_spool(&r->sp);
    for (size_t i = 0; st == DW_OK && i < r->n_cards; i++) {
        st = insert_vendor_period(conn, run_id, &r->cards[i], r->week_from,
                                  r->period_to, r->opts->currency, err);
        out->workers += r->cards[i].workers;
        out->units_total += r->cards[i].units_total;
        out->units_usable += r->cards[i].units_usable;
    }
    out->vendors = (int64_t)r->n_cards;
    if (st == DW_OK)
        st = dw_monitoring_vendors(conn, run_id, &mw, r->vendor_id, &mr, err);
    out->flags += mr.flags;
    return st;
}

static enum dw_status mark_done(PGconn *conn, const struct run *r,
                                int64_t run_id, const struct dw_run_result *out,
                                struct dw_error *err)
{
    char id[24], tot[24], use[24], as_of[DW_TIME_ISO_MAX];
    const char *p[4] = {id, tot, use, dw_time_format_iso(r->as_of, as_of)};

    snprintf(id, sizeof id, "%lld", (long long)run_id);
    snprintf(tot, sizeof tot, "%lld", (long long)out->units_total);
    snprintf(use, sizeof use, "%lld", (long long)out->units_usable);
    return dw_db_exec(conn,
                      "UPDATE dw.analysis_run SET status = 'done',"
                      " finished_at = clock_timestamp(),"
                      " units_total = $2, units_usable = $3,"
                      " as_of = $4::timestamptz"
                      " WHERE analysis_run_id = $1",
                      4, p, NULL, err);
}

static enum dw_status lock_runs(PGconn *conn, struct dw_error *err)
{
    const char *lock[1] = {RUN_LOCK_KEY};
    return dw_db_exec(conn,
                      "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                      1, lock, NULL, err);
}

/* The unsharded run: everything in one transaction. */
static enum dw_status run_whole(PGconn *conn, struct run *r,
                                struct dw_run_result *out, struct dw_error *err)
{
    PGresult *res = NULL;
    enum dw_status st;

    st = lock_runs(conn, err);
    if (st == DW_OK)
        st = run_load(conn, r, err);
    if (st == DW_OK)
        st = supersede(conn, r->from, r->to, r->run_params[4], 0,
                       &out->superseded, err);
    if (st == DW_OK)
        st = dw_db_exec(
            conn,
            "INSERT INTO dw.analysis_run (method_version, threshold_set,"
            " window_from, window_to, vendor_id, report_currency,"
            " thresholds)"
            " VALUES ($1, $2, $3, $4, $5, $6,"
            " (SELECT COALESCE(jsonb_object_agg(name, value), '{}'::jsonb)"
            "  FROM (SELECT DISTINCT ON (name) name, value FROM dw.threshold"
            "   WHERE threshold_set = $2 AND valid_from <= $4::date"
            "   ORDER BY name, valid_from DESC) t))"
            " RETURNING analysis_run_id",
            6, r->run_params, &res, err);
    if (st != DW_OK)
        return st;
    out->run_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    st = run_workers(conn, r, out->run_id, NULL, out, err);
    if (st == DW_OK)
        st = run_vendors(conn, r, out->run_id, out, err);
    if (st == DW_OK)
        st = mark_done(conn, r, out->run_id, out, err);
    out->complete = st == DW_OK;
    return st;
}

/*
 * One shard, in one transaction, into the batch run that out->run_id
 * names. The shard that completes the set writes the vendor level from
 * every shard's stored rows and marks the run done (docs/method.md,
 * "Runs and re-runs").
 */
static enum dw_status run_shard(PGconn *conn, struct run *r,
                                struct dw_run_result *out, struct dw_error *err)
{
    const struct dw_shard *shard = &r->opts->shard;
    struct dw_run_result shard_out;
    struct dw_stream_scope scope;
    bool last = false;
    enum dw_status st;

    memset(&shard_out, 0, sizeof shard_out);
    st = dw_batch_begin_shard(conn, out->run_id, shard, err);
    if (st == DW_OK)
        st = run_load(conn, r, err);
    if (st == DW_OK)
        st = run_workers(conn, r, out->run_id, shard, &shard_out, err);
    if (st == DW_OK)
        st = dw_batch_finish_shard(conn, out->run_id, shard, &last, out->shards,
                                   err);
    out->worker_weeks = shard_out.worker_weeks;
    out->flags = shard_out.flags;
    if (st != DW_OK || !last)
        return st;

    /* The last shard: the vendor level from everything the shards
     * stored, then the run replaces the earlier ones atomically. */
    st = lock_runs(conn, err);
    if (st == DW_OK)
        st = supersede(conn, r->from, r->to, r->run_params[4], out->run_id,
                       &out->superseded, err);
    free_cards(r);
    if (st == DW_OK)
        st = load_cards(conn, r->vendor_id, &r->cards, &r->n_cards, err);
    if (st == DW_OK)
        st = dw_batch_load_cards(conn, out->run_id, r->cards, r->n_cards, err);
    stream_scope(r, 0, NULL, &scope);
    if (st == DW_OK)
        st = dw_batch_practice(conn, &scope, &r->m, r->cards, r->n_cards,
                               r->as_of,
                               dw_hours_us(r->params.unpaid_after_d) * 24, err);
    if (st == DW_OK)
        st = run_vendors(conn, r, out->run_id, out, err);
    if (st == DW_OK)
        st = mark_done(conn, r, out->run_id, out, err);
    out->complete = st == DW_OK;
    return st;
}

enum dw_status dw_run(PGconn *conn, const struct dw_run_opts *opts,
                      struct dw_run_result *out, struct dw_error *err)
{
    struct run r;
    enum dw_status st;
    bool in_tx = false;

    memset(out, 0, sizeof *out);
    run_init(&r, opts);
    st = run_scope(conn, &r, err);
    if (st == DW_OK && opts->shard.n > 0) {
        struct dw_batch_key key = {
            DW_METHOD_VERSION, opts->threshold_set, r.from,       r.to,
            r.run_params[4],   opts->currency,      opts->shard.n};
        /* Its own short transaction: the batch row must be visible to
         * the other shards while this one computes. */
        st = dw_batch_join(conn, &key, &out->run_id, &r.as_of, err);
    }
    if (st == DW_OK)
        st = dw_db_begin(conn, err);
    if (st != DW_OK)
        goto done;
    in_tx = true;
    if (opts->shard.n > 0)
        st = run_shard(conn, &r, out, err);
    else
        st = run_whole(conn, &r, out, err);
    if (st == DW_OK)
        st = dw_db_commit(conn, err);
    if (st == DW_OK)
        in_tx = false;

done:
    if (st != DW_OK && in_tx) {
        dw_db_rollback(conn);
        if (st != DW_ERR_USAGE && err != NULL)
            record_failure(conn, r.run_params, err);
    }
    if (st != DW_OK) {
        out->run_id = 0;
        out->complete = false;
    }
    run_release(&r);
    return st;
}
