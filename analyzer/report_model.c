/* analyzer/report_model.c — loads a vendor scorecard's figures from the DB. */
#include "report_model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "money.h"
#include "report_csv.h"
#include "report_html.h"
#include "report_json.h"
#include "report_text.h"
#include "rules.h"
#include "run.h"

const char dw_report_lower_bound_caveat[] =
    "Hours count only work on our tasks: a lower bound. Workers may work "
    "elsewhere too, so excessive hours can only be under-counted.";
const char dw_report_fx_basis[] =
    "each amount at the rate of its payment date (else its submission "
    "date), the latest rate on or before it; minimum wages at the rate of "
    "each week's Monday";
const char dw_report_fairwork_label[] =
    "inspired by Fairwork, not a Fairwork rating";

/* ---- storage ----------------------------------------------------------- */

static enum dw_status pool_keep(struct dw_report_model *m, void *p)
{
    if (p == NULL)
        return DW_ERR_NOMEM;
    if (m->n_pool == m->cap_pool) {
        size_t cap = m->cap_pool ? m->cap_pool * 2 : 32;
        void **np = realloc(m->pool, cap * sizeof *np);
        if (np == NULL) {
            free(p);
            return DW_ERR_NOMEM;
        }
        m->pool = np;
        m->cap_pool = cap;
    }
    m->pool[m->n_pool++] = p;
    return DW_OK;
}

/* A zeroed array of n elements owned by the model (NULL when n is 0). */
static void *pool_array(struct dw_report_model *m, size_t n, size_t size,
                        enum dw_status *st)
{
    void *p;

    if (*st != DW_OK || n == 0)
        return NULL;
    p = calloc(n, size);
    *st = pool_keep(m, p);
    return *st == DW_OK ? p : NULL;
}

/* A copy of a result field owned by the model; NULL for SQL NULL. */
static const char *keep(struct dw_report_model *m, PGresult *r, int row,
                        int col, enum dw_status *st)
{
    char *s;

    if (*st != DW_OK || PQgetisnull(r, row, col))
        return NULL;
    s = strdup(PQgetvalue(r, row, col));
    *st = pool_keep(m, s);
    return *st == DW_OK ? s : NULL;
}

static int64_t i64(PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col)
               ? 0
               : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

void dw_report_model_release(struct dw_report_model *m)
{
    for (size_t i = 0; i < m->n_pool; i++)
        free(m->pool[i]);
    free(m->pool);
    memset(m, 0, sizeof *m);
}

/* ---- small pure helpers ------------------------------------------------ */

const char *dw_report_percent_micros(int64_t micros, char *out, size_t n)
{
    int64_t tenths = (micros + 500) / 1000;
    snprintf(out, n, "%lld.%lld", (long long)(tenths / 10),
             (long long)(tenths % 10));
    return out;
}

const char *dw_report_percent(int64_t part, int64_t whole, char *out, size_t n)
{
    return dw_report_percent_micros(dw_share_micros(part, whole), out, n);
}

const char *dw_report_hours(int64_t micro_hours, char *out)
{
    return dw_money_format_trim(micro_hours, out);
}

const char *dw_report_verdict_name(enum dw_report_verdict v)
{
    switch (v) {
    case DW_VERDICT_MET:
        return "met";
    case DW_VERDICT_NOT_MET:
        return "not met";
    default:
        return "not assessed";
    }
}

bool dw_report_share_passes(const struct dw_report_vendor *v)
{
    return v->has_vast_majority && v->worker_weeks > 0 &&
           dw_share_at_least(v->weeks_at_or_above, v->worker_weeks,
                             v->vast_majority);
}

int64_t dw_report_ehr_step(int64_t top)
{
    static const int64_t mult[] = {10, 20, 25, 50}; /* tenths */
    const int steps = DW_REPORT_EHR_BUCKETS_MAX - 2;

    if (top <= 0)
        return DW_MICROS;
    for (int64_t p = 1; p <= INT64_MAX / 100; p *= 10) {
        for (size_t i = 0; i < sizeof mult / sizeof mult[0]; i++) {
            int64_t step = p * mult[i] / 10;
            if (step > 0 && step >= (top + steps - 1) / steps)
                return step;
        }
    }
    return top;
}

enum dw_status dw_report_format_parse(const char *s, enum dw_report_format *f,
                                      struct dw_error *err)
{
    static const struct {
        const char *name;
        enum dw_report_format f;
    } names[] = {{"text", DW_REPORT_TEXT},
                 {"json", DW_REPORT_JSON},
                 {"csv", DW_REPORT_CSV},
                 {"html", DW_REPORT_HTML}};

    for (size_t i = 0; s != NULL && i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(s, names[i].name) == 0) {
            *f = names[i].f;
            return DW_OK;
        }
    }
    return dw_error_set(err, DW_ERR_USAGE,
                        "unknown report format '%s' (text, json, csv or html)",
                        s ? s : "");
}

/* ---- the Fairwork-inspired criteria ------------------------------------ */

static void criterion(struct dw_report_vendor *v, int i, const char *id,
                      const char *title, enum dw_report_verdict verdict,
                      const char *basis)
{
    v->criteria[i].id = id;
    v->criteria[i].title = title;
    v->criteria[i].verdict = verdict;
    v->criteria[i].basis = basis;
}

void dw_report_judge(struct dw_report_vendor *v)
{
    static const char documents[] =
        "needs document evidence (terms, contracts, policies), not telemetry";
    enum dw_report_verdict paid = DW_VERDICT_NOT_ASSESSED;
    enum dw_report_verdict pay = DW_VERDICT_NOT_ASSESSED;
    enum dw_report_verdict hours = DW_VERDICT_NOT_ASSESSED;
    enum dw_report_verdict process = DW_VERDICT_NOT_ASSESSED;

    if (v->covered && v->worker_weeks > 0 && v->has_vast_majority)
        pay = dw_report_share_passes(v) ? DW_VERDICT_MET : DW_VERDICT_NOT_MET;
    if (v->covered && v->worker_weeks > 0) {
        const struct dw_report_full *f = &v->full;
        bool over = v->hours_over_normal > 0 || v->hours_over_hard > 0;
        if (v->has_full)
            over = over || f->hours_avg_over_48 > 0 ||
                   f->daily_rest_fails > 0 || f->weekly_rest_weeks > 0 ||
                   f->consecutive_days_weeks > 0;
        hours = over ? DW_VERDICT_NOT_MET : DW_VERDICT_MET;
    }
    if (v->covered && v->has_full && v->full.units_due_30d > 0)
        paid =
            v->full.units_unpaid_30d > 0 ? DW_VERDICT_NOT_MET : DW_VERDICT_MET;
    if (v->covered && v->has_monitoring && v->monitoring.critical)
        process = DW_VERDICT_NOT_MET;

    criterion(v, 0, "1.1",
              "Workers are paid on time and for all completed "
              "work",
              paid,
              !v->has_full ? "payment delay and non-payment are not computed "
                             "by this run's method version"
              : paid == DW_VERDICT_NOT_ASSESSED
                  ? "no work was submitted 30 days before the run"
                  : "no work unpaid 30 days after submission");
    criterion(
        v, 1, "1.2", "Workers are paid at least the local minimum wage", pay,
        v->has_full ? "share of worker-weeks whose rate over all work time "
                      "(paid and unpaid) reaches the minimum wage, against "
                      "vast_majority_share"
                    : "share of worker-weeks at or above the minimum wage "
                      "against vast_majority_share; the rate counts paid time "
                      "only, so it overstates pay per hour worked");
    criterion(v, 2, "2.1", "Precarity and overwork are mitigated", hours,
              v->has_full
                  ? "no worker-week over the weekly normal or maximum hours "
                    "or the 17-week average, and no daily, weekly or "
                    "consecutive-day rest failure (a lower bound)"
                  : "no worker-week over the weekly normal or maximum hours "
                    "(a lower bound; rest and night work not assessed by "
                    "this run's method version)");
    criterion(v, 3, "2.2", "Health and safety risks are mitigated",
              DW_VERDICT_NOT_ASSESSED, documents);
    criterion(v, 4, "3.1", "Clear terms and conditions are available",
              DW_VERDICT_NOT_ASSESSED, documents);
    criterion(v, 5, "3.2",
              "Contracts are consistent with the workers' terms "
              "of engagement",
              DW_VERDICT_NOT_ASSESSED, documents);
    criterion(v, 6, "4.1",
              "There is due process for decisions affecting "
              "workers",
              process,
              process == DW_VERDICT_NOT_MET
                  ? "monitoring found a practice the EU Platform Work "
                    "Directive prohibits, or collection outside working time"
                  : "needs evidence of human review and appeal; telemetry "
                    "can only show its absence");
    criterion(v, 7, "4.2", "There is equity in the management process",
              DW_VERDICT_NOT_ASSESSED, documents);
    criterion(v, 8, "5.1",
              "Workers have access to representation, and "
              "freedom of association",
              DW_VERDICT_NOT_ASSESSED, documents);
    criterion(v, 9, "5.2", "There is collective governance or bargaining",
              DW_VERDICT_NOT_ASSESSED, documents);
}

/* ---- the loader --------------------------------------------------------- */

static const char scorecard_sql[] =
    "SELECT DISTINCT ON (v.name) v.name, r.analysis_run_id,"
    " to_char(r.finished_at AT TIME ZONE 'UTC',"
    "  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
    " (r.vendor_id IS NULL), r.window_from::text, r.window_to::text,"
    " vp.period_from::text, vp.period_to::text, r.method_version,"
    " r.threshold_set, r.report_currency, vp.units_total, vp.units_usable,"
    " vp.workers, vp.worker_weeks, vp.weeks_at_or_above_min,"
    " vp.median_ehr_micros, vp.hours_over_48, vp.hours_over_60,"
    " r.thresholds->>'vast_majority_share',"
    " r.thresholds->>'weekly_hours_normal',"
    " r.thresholds->>'weekly_hours_hard_max', v.vendor_id, v.country "
    "FROM dw.vendor v"
    " JOIN dw.vendor_period vp ON vp.vendor_id = v.vendor_id"
    " JOIN dw.analysis_run r ON r.analysis_run_id = vp.analysis_run_id "
    "WHERE r.status = 'done'"
    " AND ($1::text IS NULL OR v.name = $1::text)"
    " AND ($2::bigint IS NULL OR r.analysis_run_id = $2::bigint) "
    "ORDER BY v.name, r.finished_at DESC, r.analysis_run_id DESC";

static const char thresholds_sql[] =
    "SELECT s.key, s.value, t.unit "
    "FROM dw.analysis_run r"
    " CROSS JOIN LATERAL jsonb_each_text(r.thresholds) s"
    " LEFT JOIN LATERAL (SELECT x.unit FROM dw.threshold x"
    "  WHERE x.threshold_set = r.threshold_set AND x.name = s.key"
    "  AND x.valid_from <= r.window_to"
    "  ORDER BY x.valid_from DESC LIMIT 1) t ON true "
    "WHERE r.analysis_run_id = $1::bigint ORDER BY s.key";

/* Worker-week figures over the weeks with an EHR (E: the column of the
 * rate the run judged, EHR_total or EHR_paid): distinct workers, weeks,
 * the floors that applied and their basis, p95 of EHR, the time basis. */
#define WEEKS_SQL(E)                                                           \
    "SELECT count(DISTINCT worker_key),"                                       \
    " count(*) FILTER (WHERE " E " IS NOT NULL),"                              \
    " min(min_wage_micros) FILTER (WHERE " E " IS NOT NULL),"                  \
    " max(min_wage_micros) FILTER (WHERE " E " IS NOT NULL),"                  \
    " count(DISTINCT floor_country) FILTER (WHERE " E " IS NOT NULL),"         \
    " count(*) FILTER (WHERE " E " IS NOT NULL AND floor_basis = 'worker'),"   \
    " count(*) FILTER (WHERE " E " IS NOT NULL"                                \
    "  AND floor_basis = 'source_default'),"                                   \
    " count(*) FILTER (WHERE " E " IS NOT NULL AND floor_basis = 'fallback')," \
    " percentile_disc(0.95) WITHIN GROUP (ORDER BY " E "),"                    \
    " CASE WHEN count(*) = 0 THEN NULL"                                        \
    "  WHEN bool_and(tz_basis = 'utc') THEN 'utc'"                             \
    "  WHEN bool_and(tz_basis = 'local') THEN 'local' ELSE 'mixed' END "       \
    "FROM dw.worker_week "                                                     \
    "WHERE analysis_run_id = $1::bigint AND vendor_id = $2::bigint"

#define EHR_BUCKETS_SQL(E)                                                     \
    "SELECT least(greatest(" E ", 0) / $3::bigint, $4::bigint), count(*) "     \
    "FROM dw.worker_week "                                                     \
    "WHERE analysis_run_id = $1::bigint AND vendor_id = $2::bigint"            \
    " AND " E " IS NOT NULL GROUP BY 1"

static const char *const weeks_sql[2] = {WEEKS_SQL("ehr_paid_micros"),
                                         WEEKS_SQL("ehr_total_micros")};
static const char *const ehr_buckets_sql[2] = {
    EHR_BUCKETS_SQL("ehr_paid_micros"), EHR_BUCKETS_SQL("ehr_total_micros")};

/* (lo, hi] buckets of 6 h = 21600 s; 0 s goes to the first. */
static const char hours_buckets_sql[] =
    "SELECT CASE WHEN work_s <= 0 THEN 0"
    " ELSE least((work_s - 1) / 21600, 12) END, count(*) "
    "FROM dw.worker_week "
    "WHERE analysis_run_id = $1::bigint AND vendor_id = $2::bigint "
    "GROUP BY 1";

static const char flags_sql[] =
    "SELECT rule, severity, count(*), count(DISTINCT worker_key) "
    "FROM dw.flag "
    "WHERE analysis_run_id = $1::bigint AND vendor_id = $2::bigint "
    "GROUP BY rule, severity "
    "ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'red' THEN 1"
    " WHEN 'amber' THEN 2 ELSE 3 END, rule";

static const char sources_sql[] =
    "SELECT name, platform, default_country FROM dw.source "
    "WHERE vendor_id = $1::bigint ORDER BY name";

static const char fx_sql[] =
    "SELECT max(rate_date)::text FROM dw.fx_rate WHERE rate_date <= $1::date";

static const char full_sql[] =
    "SELECT median_ehr_total_micros, back_pay_micros, worker_weeks_living,"
    " weeks_at_or_above_living, paid_s, work_s, hours_avg_over_48,"
    " days_over_8h, daily_rest_fails, weekly_rest_weeks,"
    " consecutive_days_weeks, no_break_stretches, night_worker_weeks,"
    " tz_unknown_weeks, units_approved, units_rejected, units_returned,"
    " units_reversed, round(rejection_rate, 4)::text,"
    " round(reversal_rate, 4)::text, round(return_rate, 4)::text,"
    " approval_delay_median_s, approval_delay_p90_s, payment_delay_median_s,"
    " payment_delay_p90_s, units_due_30d, units_unpaid_30d "
    "FROM dw.vendor_period "
    "WHERE analysis_run_id = $1::bigint AND vendor_id = $2::bigint";

static const char monitoring_sql[] =
    "SELECT band, critical, workers_band_0, workers_band_1, workers_band_2,"
    " workers_band_3, workers_band_4, worker_weeks, monitored_weeks,"
    " tracked_s, round(sph, 2)::text, round(wcph, 2)::text,"
    " round(atc, 2)::text, offshift_segments, weeks_offshift,"
    " practices_critical "
    "FROM dw.vendor_monitoring "
    "WHERE analysis_run_id = $1::bigint AND vendor_id = $2::bigint";

/* What the loader needs besides the model. */
struct loader {
    PGconn *conn;
    struct dw_report_model *m;
    struct dw_error *err;
    bool has_monitoring_table;
    bool has_full_columns; /* migration 0003 */
};

static enum dw_status query(struct loader *l, const char *sql, int n,
                            const char *const *params, PGresult **res)
{
    return dw_db_exec(l->conn, sql, n, params, res, l->err);
}

static enum dw_status
load_thresholds(struct loader *l, struct dw_report_vendor *v, const char *run)
{
    PGresult *r = NULL;
    struct dw_report_threshold *t;
    enum dw_status st = query(l, thresholds_sql, 1, &run, &r);
    int n;

    if (st != DW_OK)
        return st;
    n = PQntuples(r);
    t = pool_array(l->m, (size_t)n, sizeof *t, &st);
    for (int i = 0; st == DW_OK && i < n; i++) {
        t[i].name = keep(l->m, r, i, 0, &st);
        t[i].value = keep(l->m, r, i, 1, &st);
        t[i].unit = keep(l->m, r, i, 2, &st);
    }
    v->thresholds = t;
    v->n_thresholds = st == DW_OK ? (size_t)n : 0;
    PQclear(r);
    return st;
}

static enum dw_status load_weeks(struct loader *l, struct dw_report_vendor *v,
                                 const char *const ids[2])
{
    PGresult *r = NULL;
    enum dw_status st = query(l, weeks_sql[v->ehr_is_total], 2, ids, &r);

    if (st != DW_OK)
        return st;
    v->distinct_workers = i64(r, 0, 0);
    v->has_floor = !PQgetisnull(r, 0, 2);
    v->floor_min = i64(r, 0, 2);
    v->floor_max = i64(r, 0, 3);
    v->floor_countries = i64(r, 0, 4);
    v->basis_worker = i64(r, 0, 5);
    v->basis_source_default = i64(r, 0, 6);
    v->basis_fallback = i64(r, 0, 7);
    v->time_basis = PQgetisnull(r, 0, 9) ? "utc" : keep(l->m, r, 0, 9, &st);
    if (i64(r, 0, 1) > 0) {
        /* The axis reaches twice the highest floor, or the 95th
         * percentile of EHR when that is higher. */
        int64_t top = i64(r, 0, 8);
        if (v->has_floor && v->floor_max <= INT64_MAX / 2 &&
            2 * v->floor_max > top)
            top = 2 * v->floor_max;
        v->ehr_step = dw_report_ehr_step(top);
        v->n_ehr = (size_t)((top + v->ehr_step - 1) / v->ehr_step) + 1;
    }
    PQclear(r);
    return st;
}

/* Fills buckets[0..n) from rows (bucket index, count). */
static enum dw_status fill_buckets(struct loader *l, const char *sql,
                                   const char *const *params, int nparams,
                                   struct dw_report_bucket *b, size_t n)
{
    PGresult *r = NULL;
    enum dw_status st = query(l, sql, nparams, params, &r);

    if (st != DW_OK)
        return st;
    for (int i = 0; i < PQntuples(r); i++) {
        int64_t at = i64(r, i, 0);
        if (at < 0 || (size_t)at >= n) {
            st = dw_error_set(l->err, DW_ERR_INTERNAL,
                              "histogram bucket %lld out of range",
                              (long long)at);
            break;
        }
        b[at].count = i64(r, i, 1);
    }
    PQclear(r);
    return st;
}

static enum dw_status load_distributions(struct loader *l,
                                         struct dw_report_vendor *v,
                                         const char *const ids[2])
{
    struct dw_report_bucket *b;
    enum dw_status st = DW_OK;
    char step[24], last[24];
    const char *params[4] = {ids[0], ids[1], step, last};
    const int64_t hour = DW_MICROS; /* micro-hours in an hour */
    size_t n;

    v->suppressed = v->distinct_workers < v->k;
    if (v->suppressed) {
        v->n_ehr = 0; /* nothing below k is read, let alone shown */
        return DW_OK;
    }
    if (v->n_ehr > 0) {
        /* closed buckets up to the axis top, then one open bucket */
        n = v->n_ehr;
        snprintf(step, sizeof step, "%lld", (long long)v->ehr_step);
        snprintf(last, sizeof last, "%zu", n - 1);
        b = pool_array(l->m, n, sizeof *b, &st);
        for (size_t i = 0; st == DW_OK && i < n; i++) {
            b[i].lo = (int64_t)i * v->ehr_step;
            b[i].hi = i + 1 < n ? (int64_t)(i + 1) * v->ehr_step : -1;
        }
        if (st == DW_OK)
            st = fill_buckets(l, ehr_buckets_sql[v->ehr_is_total], params, 4, b,
                              n);
        v->ehr = b;
        v->n_ehr = st == DW_OK ? n : 0;
    }
    b = pool_array(l->m, DW_REPORT_HOURS_BUCKETS, sizeof *b, &st);
    for (size_t i = 0; st == DW_OK && i < DW_REPORT_HOURS_BUCKETS; i++) {
        b[i].lo = (int64_t)i * DW_REPORT_HOURS_STEP_H * hour;
        b[i].hi = i + 1 < DW_REPORT_HOURS_BUCKETS
                      ? (int64_t)(i + 1) * DW_REPORT_HOURS_STEP_H * hour
                      : -1;
    }
    if (st == DW_OK)
        st = fill_buckets(l, hours_buckets_sql, ids, 2, b,
                          DW_REPORT_HOURS_BUCKETS);
    v->hours = b;
    v->n_hours = st == DW_OK ? DW_REPORT_HOURS_BUCKETS : 0;
    return st;
}

static enum dw_status load_flags(struct loader *l, struct dw_report_vendor *v,
                                 const char *const ids[2])
{
    PGresult *r = NULL;
    struct dw_report_flag_count *f;
    enum dw_status st = query(l, flags_sql, 2, ids, &r);
    int n;

    if (st != DW_OK)
        return st;
    n = PQntuples(r);
    f = pool_array(l->m, (size_t)n, sizeof *f, &st);
    for (int i = 0; st == DW_OK && i < n; i++) {
        f[i].rule = keep(l->m, r, i, 0, &st);
        f[i].severity = keep(l->m, r, i, 1, &st);
        f[i].flags = i64(r, i, 2);
        f[i].workers = i64(r, i, 3);
    }
    v->flags = f;
    v->n_flags = st == DW_OK ? (size_t)n : 0;
    PQclear(r);
    return st;
}

static enum dw_status load_sources(struct loader *l, struct dw_report_vendor *v,
                                   const char *vendor_id)
{
    PGresult *r = NULL;
    struct dw_report_source *s;
    enum dw_status st = query(l, sources_sql, 1, &vendor_id, &r);
    int n;

    if (st != DW_OK)
        return st;
    n = PQntuples(r);
    s = pool_array(l->m, (size_t)n, sizeof *s, &st);
    for (int i = 0; st == DW_OK && i < n; i++) {
        s[i].name = keep(l->m, r, i, 0, &st);
        s[i].platform = keep(l->m, r, i, 1, &st);
        s[i].default_country = keep(l->m, r, i, 2, &st);
    }
    v->sources = s;
    v->n_sources = st == DW_OK ? (size_t)n : 0;
    PQclear(r);
    return st;
}

static enum dw_status load_fx(struct loader *l, struct dw_report_vendor *v)
{
    PGresult *r = NULL;
    enum dw_status st = query(l, fx_sql, 1, &v->period_to, &r);

    if (st != DW_OK)
        return st;
    v->fx_latest_date = keep(l->m, r, 0, 0, &st);
    PQclear(r);
    return st;
}

static enum dw_status load_monitoring(struct loader *l,
                                      struct dw_report_vendor *v,
                                      const char *const ids[2])
{
    PGresult *r = NULL;
    struct dw_report_monitoring *mo = &v->monitoring;
    enum dw_status st;

    if (!l->has_monitoring_table)
        return DW_OK;
    st = query(l, monitoring_sql, 2, ids, &r);
    if (st != DW_OK)
        return st;
    if (PQntuples(r) == 1) {
        v->has_monitoring = true;
        mo->band = PQgetisnull(r, 0, 0) ? -1 : (int)i64(r, 0, 0);
        mo->critical = strcmp(PQgetvalue(r, 0, 1), "t") == 0;
        for (int b = 0; b < 5; b++)
            mo->workers_band[b] = i64(r, 0, 2 + b);
        mo->worker_weeks = i64(r, 0, 7);
        mo->monitored_weeks = i64(r, 0, 8);
        mo->tracked_s = i64(r, 0, 9);
        mo->sph = keep(l->m, r, 0, 10, &st);
        mo->wcph = keep(l->m, r, 0, 11, &st);
        mo->atc = keep(l->m, r, 0, 12, &st);
        mo->offshift_segments = i64(r, 0, 13);
        mo->weeks_offshift = i64(r, 0, 14);
        mo->practices_critical = i64(r, 0, 15);
    }
    PQclear(r);
    return st;
}

static enum dw_status load_full(struct loader *l, struct dw_report_vendor *v,
                                const char *const ids[2])
{
    PGresult *r = NULL;
    struct dw_report_full *f = &v->full;
    enum dw_status st;

    if (!l->has_full_columns)
        return DW_OK;
    st = query(l, full_sql, 2, ids, &r);
    if (st != DW_OK)
        return st;
    /* work_s is written by every run of the full method */
    if (PQntuples(r) == 1 && !PQgetisnull(r, 0, 5)) {
        v->has_full = true;
        v->ehr_is_total = true;
        f->has_median_total = !PQgetisnull(r, 0, 0);
        f->median_ehr_total = i64(r, 0, 0);
        f->back_pay = i64(r, 0, 1);
        f->worker_weeks_living = i64(r, 0, 2);
        f->weeks_at_or_above_living = i64(r, 0, 3);
        f->paid_s = i64(r, 0, 4);
        f->work_s = i64(r, 0, 5);
        f->hours_avg_over_48 = i64(r, 0, 6);
        f->days_over_8h = i64(r, 0, 7);
        f->daily_rest_fails = i64(r, 0, 8);
        f->weekly_rest_weeks = i64(r, 0, 9);
        f->consecutive_days_weeks = i64(r, 0, 10);
        f->no_break_stretches = i64(r, 0, 11);
        f->night_worker_weeks = i64(r, 0, 12);
        f->tz_unknown_weeks = i64(r, 0, 13);
        f->units_approved = i64(r, 0, 14);
        f->units_rejected = i64(r, 0, 15);
        f->units_returned = i64(r, 0, 16);
        f->units_reversed = i64(r, 0, 17);
        f->rejection_rate = keep(l->m, r, 0, 18, &st);
        f->reversal_rate = keep(l->m, r, 0, 19, &st);
        f->return_rate = keep(l->m, r, 0, 20, &st);
        f->has_approval_delay = !PQgetisnull(r, 0, 21);
        f->approval_delay_median_s = i64(r, 0, 21);
        f->approval_delay_p90_s = i64(r, 0, 22);
        f->has_payment_delay = !PQgetisnull(r, 0, 23);
        f->payment_delay_median_s = i64(r, 0, 23);
        f->payment_delay_p90_s = i64(r, 0, 24);
        f->units_due_30d = i64(r, 0, 25);
        f->units_unpaid_30d = i64(r, 0, 26);
    }
    PQclear(r);
    return st;
}

/* A threshold value from the snapshot as micro-units; false when absent
 * or not a plain decimal. */
static bool snapshot_micros(PGresult *r, int row, int col, int64_t *out)
{
    return !PQgetisnull(r, row, col) &&
           dw_decimal_parse(PQgetvalue(r, row, col), 6, DW_ROUND_HALF_AWAY,
                            false, out) == DW_OK;
}

/* Fills v from row i of the scorecard query and the per-run queries. */
static enum dw_status load_vendor(struct loader *l, PGresult *r, int i,
                                  struct dw_report_vendor *v)
{
    enum dw_status st = DW_OK;
    const char *ids[2];
    struct dw_report_model *m = l->m;

    v->covered = true;
    v->name = keep(m, r, i, 0, &st);
    v->run_id = i64(r, i, 1);
    v->finished_at = keep(m, r, i, 2, &st);
    v->all_vendors = strcmp(PQgetvalue(r, i, 3), "t") == 0;
    v->window_from = keep(m, r, i, 4, &st);
    v->window_to = keep(m, r, i, 5, &st);
    v->period_from = keep(m, r, i, 6, &st);
    v->period_to = keep(m, r, i, 7, &st);
    v->method_version = keep(m, r, i, 8, &st);
    v->threshold_set = keep(m, r, i, 9, &st);
    v->currency = keep(m, r, i, 10, &st);
    v->units_total = i64(r, i, 11);
    v->units_usable = i64(r, i, 12);
    v->workers = i64(r, i, 13);
    v->worker_weeks = i64(r, i, 14);
    v->weeks_at_or_above = i64(r, i, 15);
    v->has_median = !PQgetisnull(r, i, 16);
    v->median_ehr = i64(r, i, 16);
    v->hours_over_normal = i64(r, i, 17);
    v->hours_over_hard = i64(r, i, 18);
    v->has_vast_majority = snapshot_micros(r, i, 19, &v->vast_majority);
    v->has_weekly_normal = snapshot_micros(r, i, 20, &v->weekly_normal_h);
    v->has_weekly_hard = snapshot_micros(r, i, 21, &v->weekly_hard_h);
    v->country = keep(m, r, i, 23, &st);
    v->k = m->k;
    ids[0] = PQgetvalue(r, i, 1);  /* run id */
    ids[1] = PQgetvalue(r, i, 22); /* vendor id */
    if (st == DW_OK)
        st = load_thresholds(l, v, ids[0]);
    if (st == DW_OK)
        st = load_full(l, v, ids);
    if (st == DW_OK)
        st = load_weeks(l, v, ids);
    if (st == DW_OK)
        st = load_distributions(l, v, ids);
    if (st == DW_OK)
        st = load_flags(l, v, ids);
    if (st == DW_OK)
        st = load_sources(l, v, ids[1]);
    if (st == DW_OK)
        st = load_fx(l, v);
    if (st == DW_OK)
        st = load_monitoring(l, v, ids);
    dw_report_judge(v);
    return st;
}

/* k, the time of rendering, and which optional tables exist. */
static enum dw_status load_header(struct loader *l)
{
    PGresult *r = NULL;
    enum dw_status st =
        query(l,
              "SELECT k, to_char(now() AT TIME ZONE 'UTC',"
              " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
              " to_regclass('dw.vendor_monitoring') IS NOT NULL,"
              " EXISTS (SELECT 1 FROM information_schema.columns"
              "  WHERE table_schema = 'dw' AND table_name = 'vendor_period'"
              "  AND column_name = 'median_ehr_total_micros') "
              "FROM dw.report_min_group",
              0, NULL, &r);

    if (st != DW_OK)
        return st;
    l->m->k = i64(r, 0, 0);
    l->m->generated_at = keep(l->m, r, 0, 1, &st);
    l->has_monitoring_table = strcmp(PQgetvalue(r, 0, 2), "t") == 0;
    l->has_full_columns = strcmp(PQgetvalue(r, 0, 3), "t") == 0;
    PQclear(r);
    return st;
}

/* Checks that run_id names a done run (a usage error otherwise). */
static enum dw_status check_run(struct loader *l, const char *id,
                                int64_t run_id)
{
    PGresult *r = NULL;
    enum dw_status st =
        query(l,
              "SELECT 1 FROM dw.analysis_run WHERE analysis_run_id"
              " = $1::bigint AND status = 'done'",
              1, &id, &r);

    if (st != DW_OK)
        return st;
    if (PQntuples(r) == 0)
        st = dw_error_set(l->err, DW_ERR_USAGE,
                          "no finished analysis run #%lld", (long long)run_id);
    PQclear(r);
    return st;
}

enum dw_status dw_report_model_load(PGconn *conn,
                                    const struct dw_report_opts *opts,
                                    struct dw_report_model *m,
                                    struct dw_error *err)
{
    struct loader l = {conn, m, err, false, false};
    char id[24];
    const char *params[2] = {opts->vendor, NULL};
    PGresult *res = NULL, *names = NULL;
    enum dw_status st;
    int64_t vendor_id;
    int row = 0, n;

    memset(m, 0, sizeof *m);
    m->requested_run = opts->run_id;
    if (opts->vendor != NULL) {
        /* An unknown name is a usage error, told apart from "no run". */
        st = dw_vendor_id(conn, opts->vendor, &vendor_id, err);
        if (st != DW_OK)
            return st;
    }
    if (opts->run_id > 0) {
        snprintf(id, sizeof id, "%lld", (long long)opts->run_id);
        params[1] = id;
        st = check_run(&l, id, opts->run_id);
        if (st != DW_OK)
            return st;
    }
    st = load_header(&l);
    if (st == DW_OK)
        st = query(&l, scorecard_sql, 2, params, &res);
    if (st != DW_OK)
        goto done;
    if (opts->vendor != NULL) {
        if (PQntuples(res) == 0) {
            if (opts->run_id > 0)
                st = dw_error_set(err, DW_ERR_NOT_FOUND,
                                  "run #%lld does not cover vendor '%s'",
                                  (long long)opts->run_id, opts->vendor);
            else
                st = dw_error_set(err, DW_ERR_NOT_FOUND,
                                  "no finished analysis run covers vendor "
                                  "'%s' yet: run `dw-analyze run` first",
                                  opts->vendor);
            goto done;
        }
        m->vendors = pool_array(m, 1, sizeof *m->vendors, &st);
        if (st == DW_OK) {
            m->n = 1;
            st = load_vendor(&l, res, 0, &m->vendors[0]);
        }
        goto done;
    }
    /* Every vendor by name; the ones no run covers are said so. */
    st = query(&l, "SELECT name, country FROM dw.vendor ORDER BY name", 0, NULL,
               &names);
    if (st != DW_OK)
        goto done;
    n = PQntuples(names);
    m->vendors = pool_array(m, (size_t)n, sizeof *m->vendors, &st);
    for (int i = 0; st == DW_OK && i < n; i++) {
        struct dw_report_vendor *v = &m->vendors[i];
        const char *name = PQgetvalue(names, i, 0);

        m->n++;
        if (row < PQntuples(res) &&
            strcmp(PQgetvalue(res, row, 0), name) == 0) {
            st = load_vendor(&l, res, row++, v);
        } else {
            v->name = keep(m, names, i, 0, &st);
            v->country = keep(m, names, i, 1, &st);
            v->k = m->k;
            dw_report_judge(v);
        }
    }

done:
    PQclear(res);
    PQclear(names);
    if (st == DW_ERR_NOMEM)
        dw_error_set(err, st, "report: out of memory");
    if (st != DW_OK)
        dw_report_model_release(m);
    return st;
}

/* ---- render and write --------------------------------------------------- */

enum dw_status dw_report_render(const struct dw_report_model *m,
                                enum dw_report_format f, struct dw_buf *out)
{
    switch (f) {
    case DW_REPORT_JSON:
        return dw_report_json_render(m, out);
    case DW_REPORT_CSV:
        return dw_report_csv_render(m, out);
    case DW_REPORT_HTML:
        return dw_report_html_render(m, out);
    default:
        return dw_report_text_render(m, out);
    }
}

/* Writes data to path through path.tmp and a rename. */
static enum dw_status write_file(const char *path, const struct dw_buf *b,
                                 struct dw_error *err)
{
    struct dw_buf tmp;
    FILE *f;
    enum dw_status st;
    bool ok;

    dw_buf_init(&tmp, 0);
    st = dw_buf_printf(&tmp, "%s.tmp", path);
    if (st != DW_OK) {
        dw_buf_release(&tmp);
        return dw_error_set(err, st, "report: out of memory");
    }
    f = fopen(tmp.data, "wb");
    if (f == NULL) {
        st = dw_error_set(err, DW_ERR_IO, "cannot write '%s': %s", tmp.data,
                          strerror(errno));
        dw_buf_release(&tmp);
        return st;
    }
    ok = b->len == 0 || fwrite(b->data, 1, b->len, f) == b->len;
    ok = fclose(f) == 0 && ok;
    if (ok && rename(tmp.data, path) != 0) {
        st = dw_error_set(err, DW_ERR_IO, "cannot rename '%s' to '%s': %s",
                          tmp.data, path, strerror(errno));
        remove(tmp.data);
    } else if (!ok) {
        st = dw_error_set(err, DW_ERR_IO, "writing '%s' failed", tmp.data);
        remove(tmp.data);
    }
    dw_buf_release(&tmp);
    return st;
}

enum dw_status dw_report_write(PGconn *conn, const struct dw_report_opts *opts,
                               enum dw_report_format f, const char *path,
                               struct dw_error *err)
{
    struct dw_report_model m;
    struct dw_buf out;
    enum dw_status st;

    st = dw_report_model_load(conn, opts, &m, err);
    if (st != DW_OK)
        return st;
    dw_buf_init(&out, 0);
    st = dw_report_render(&m, f, &out);
    if (st != DW_OK)
        dw_error_set(err, st, "rendering the report failed: %s",
                     dw_strerror(st));
    else if (path != NULL)
        st = write_file(path, &out, err);
    else if (out.len > 0 && fwrite(out.data, 1, out.len, stdout) != out.len)
        st = dw_error_set(err, DW_ERR_IO, "writing the report failed");
    dw_buf_release(&out);
    dw_report_model_release(&m);
    return st;
}
