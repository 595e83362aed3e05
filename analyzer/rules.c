/* analyzer/rules.c — thresholds from dw.threshold, and the flag rules. */
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "dwtime.h"
#include "practice.h"
#include "money.h"
#include "worktime.h"

__extension__ typedef __int128 i128;

const char *dw_severity_name(enum dw_severity s)
{
    switch (s) {
    case DW_SEV_INFO:
        return "info";
    case DW_SEV_AMBER:
        return "amber";
    case DW_SEV_RED:
        return "red";
    case DW_SEV_CRITICAL:
        break;
    }
    return "critical";
}

const char *dw_subject_name(enum dw_subject s)
{
    switch (s) {
    case DW_SUBJ_WORKER_DAY:
        return "worker_day";
    case DW_SUBJ_WORKER_WEEK:
        return "worker_week";
    case DW_SUBJ_WORKER:
        return "worker";
    case DW_SUBJ_VENDOR:
        break;
    }
    return "vendor";
}

void dw_thresholds_init(struct dw_thresholds *t, const char *set, int64_t as_of)
{
    memset(t, 0, sizeof *t);
    snprintf(t->set, sizeof t->set, "%s", set);
    t->as_of = as_of;
}

void dw_thresholds_release(struct dw_thresholds *t)
{
    free(t->v);
    t->v = NULL;
    t->n = t->cap = 0;
}

enum dw_status dw_thresholds_add(struct dw_thresholds *t, const char *name,
                                 const char *value, const char *unit,
                                 int64_t valid_from, struct dw_error *err)
{
    int64_t v;
    struct dw_threshold *row = NULL;

    if (name == NULL || strlen(name) >= sizeof row->name)
        return dw_error_set(err, DW_ERR_INVALID, "bad threshold name");
    if (valid_from > t->as_of)
        return DW_OK;
    if (value == NULL ||
        dw_decimal_parse(value, 6, DW_ROUND_EXACT, false, &v) != DW_OK)
        return dw_error_set(err, DW_ERR_PARSE,
                            "threshold %s: value '%s' is not a decimal with "
                            "at most 6 fraction digits",
                            name, value ? value : "NULL");
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i].name, name) == 0)
            row = &t->v[i];
    if (row != NULL && row->valid_from > valid_from)
        return DW_OK;
    if (row == NULL) {
        if (t->n == t->cap) {
            size_t cap = t->cap ? t->cap * 2 : 32;
            struct dw_threshold *nv = realloc(t->v, cap * sizeof *nv);
            if (nv == NULL)
                return dw_error_set(err, DW_ERR_NOMEM,
                                    "thresholds: out of memory");
            t->v = nv;
            t->cap = cap;
        }
        row = &t->v[t->n++];
        snprintf(row->name, sizeof row->name, "%s", name);
    }
    row->value = v;
    snprintf(row->unit, sizeof row->unit, "%s", unit ? unit : "");
    row->valid_from = valid_from;
    return DW_OK;
}

enum dw_status dw_thresholds_load(PGconn *conn, struct dw_thresholds *t,
                                  struct dw_error *err)
{
    static const char sql[] =
        "SELECT DISTINCT ON (name) name, value::text, unit, "
        "valid_from::text FROM dw.threshold "
        "WHERE threshold_set = $1 AND valid_from <= $2::date "
        "ORDER BY name, valid_from DESC";
    char date[DW_DATE_MAX];
    const char *params[2] = {t->set, dw_date_format(t->as_of, date)};
    PGresult *res = NULL;
    enum dw_status st;

    st = dw_db_exec(conn, sql, 2, params, &res, err);
    if (st != DW_OK)
        return dw_error_prefix(err, "loading thresholds");
    for (int i = 0; i < PQntuples(res) && st == DW_OK; i++) {
        int64_t from;
        st = dw_date_parse(PQgetvalue(res, i, 3), &from, err);
        if (st == DW_OK)
            st = dw_thresholds_add(t, PQgetvalue(res, i, 0),
                                   PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
                                   from, err);
    }
    PQclear(res);
    return st;
}

enum dw_status dw_threshold_get(const struct dw_thresholds *t, const char *name,
                                int64_t *value, struct dw_error *err)
{
    char date[DW_DATE_MAX];

    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->v[i].name, name) == 0) {
            *value = t->v[i].value;
            return DW_OK;
        }
    }
    return dw_error_set(err, DW_ERR_NOT_FOUND,
                        "threshold '%s' is missing from set '%s' (valid on "
                        "or before %s): load the threshold seed "
                        "(dw-admin migrate) or add the row to dw.threshold",
                        name, t->set, dw_date_format(t->as_of, date));
}

const char *const dw_rule_threshold_names[] = {"parallel_merge_gap",
                                               "search_gap_max",
                                               "unpaid_gross_up",
                                               "weekly_hours_normal",
                                               "weekly_hours_hard_max",
                                               "weekly_hours_avg_max",
                                               "weekly_avg_reference_weeks",
                                               "daily_hours_normal",
                                               "daily_rest_min",
                                               "weekly_rest_min",
                                               "max_consecutive_days",
                                               "break_after_hours",
                                               "break_min_minutes",
                                               "night_start_local",
                                               "night_end_local",
                                               "night_worker_hours",
                                               "mw_fallback_usd",
                                               "ehr_min_ratio",
                                               "ehr_living_ratio",
                                               "vast_majority_share",
                                               "payment_delay_warn",
                                               "payment_delay_red",
                                               "unpaid_after_days",
                                               "rejection_rate_warn",
                                               "rejection_rate_red",
                                               NULL};

enum dw_status dw_rule_params_from(const struct dw_thresholds *t,
                                   struct dw_rule_params *p,
                                   struct dw_error *err)
{
    int64_t *targets[] = {&p->merge_gap_us,       &p->search_gap_us,
                          &p->gross_up,           &p->weekly_normal_h,
                          &p->weekly_hard_h,      &p->weekly_avg_h,
                          &p->avg_weeks,          &p->daily_normal_h,
                          &p->daily_rest_h,       &p->weekly_rest_h,
                          &p->max_days,           &p->break_after_h,
                          &p->break_min_min,      &p->night_start_h,
                          &p->night_end_h,        &p->night_worker_h,
                          &p->fallback_floor_usd, &p->min_ratio,
                          &p->living_ratio,       &p->vast_majority_share,
                          &p->pay_delay_warn_d,   &p->pay_delay_red_d,
                          &p->unpaid_after_d,     &p->rejection_warn,
                          &p->rejection_red};
    enum dw_status st;

    for (size_t i = 0; dw_rule_threshold_names[i] != NULL; i++) {
        st = dw_threshold_get(t, dw_rule_threshold_names[i], targets[i], err);
        if (st != DW_OK)
            return st;
        if (*targets[i] < 0)
            return dw_error_set(err, DW_ERR_INVALID,
                                "threshold '%s' is negative",
                                dw_rule_threshold_names[i]);
    }
    /* Seconds are micro-units already µs. Hours of day must be whole. */
    if (p->night_start_h % DW_MICROS != 0 ||
        p->night_start_h >= 24 * DW_MICROS || p->night_end_h % DW_MICROS != 0 ||
        p->night_end_h >= 24 * DW_MICROS)
        return dw_error_set(err, DW_ERR_INVALID,
                            "thresholds night_start_local and night_end_local "
                            "must be whole hours 0..23");
    if (p->avg_weeks < DW_MICROS || p->avg_weeks % DW_MICROS != 0)
        return dw_error_set(err, DW_ERR_INVALID,
                            "threshold weekly_avg_reference_weeks must be a "
                            "whole number of weeks >= 1");
    return DW_OK;
}

int64_t dw_hours_us(int64_t micro_hours)
{
    return micro_hours * 3600;
}

bool dw_rules_over_normal(const struct dw_rule_params *p, int64_t work_us)
{
    /* micro-hours * 3600 = µs */
    return (i128)work_us > (i128)p->weekly_normal_h * 3600;
}

bool dw_rules_over_hard(const struct dw_rule_params *p, int64_t work_us)
{
    return (i128)work_us > (i128)p->weekly_hard_h * 3600;
}

static void flag_init(struct dw_flag *f, int64_t vendor, const char *key,
                      const char *rule, enum dw_severity sev,
                      enum dw_subject subj, int64_t from, int64_t to)
{
    memset(f, 0, sizeof *f);
    f->vendor_id = vendor;
    snprintf(f->rule, sizeof f->rule, "%s", rule);
    f->severity = sev;
    f->subject = subj;
    if (key != NULL)
        memcpy(f->worker_key, key, sizeof f->worker_key);
    f->period_start = from;
    f->period_end = to;
}

static void flag_base(struct dw_flag *f, const struct dw_worker_week *w,
                      const char *rule, enum dw_severity sev)
{
    flag_init(f, w->vendor_id, w->worker_key, rule, sev, DW_SUBJ_WORKER_WEEK,
              w->week_start, w->week_start + 6);
}

static long long secs(int64_t us)
{
    return (long long)(us / 1000000);
}

static void hours_flag(struct dw_flag *f, const struct dw_worker_week *w,
                       const char *rule, enum dw_severity sev, int64_t value_us,
                       int64_t threshold, const char *threshold_name,
                       const char *tz)
{
    flag_base(f, w, rule, sev);
    f->value = dw_hours_micros(value_us);
    f->threshold = threshold;
    snprintf(f->unit, sizeof f->unit, "h/week");
    snprintf(f->evidence, sizeof f->evidence,
             "{\"work_s\":%lld,\"paid_s\":%lld,\"unpaid_s\":%lld,"
             "\"value_s\":%lld,\"threshold\":\"%s\",\"lower_bound\":true,"
             "\"tz_basis\":\"%s\"}",
             secs(w->work_us), secs(w->paid_us), secs(w->work_us - w->paid_us),
             secs(value_us), threshold_name, tz);
}

size_t dw_rules_worker_week(const struct dw_rule_params *p,
                            const struct dw_worker_week *w,
                            const char *currency,
                            struct dw_flag out[DW_RULES_WEEK_MAX])
{
    size_t n = 0;
    const char *tz = w->tz_local ? "local" : "utc";

    if (w->at_or_above_known && !w->at_or_above) {
        struct dw_flag *f = &out[n++];
        flag_base(f, w, "below_minimum_wage", DW_SEV_RED);
        f->value = w->ehr_total;
        f->threshold = w->min_wage;
        snprintf(f->unit, sizeof f->unit, "%s/h", currency);
        snprintf(f->evidence, sizeof f->evidence,
                 "{\"work_s\":%lld,\"paid_s\":%lld,\"earnings_micros\":%lld,"
                 "\"ehr_paid_micros\":%lld,\"back_pay_micros\":%lld,"
                 "\"floor_country\":\"%s\",\"floor_basis\":\"%s\","
                 "\"floor_local_micros\":%lld,\"floor_currency\":\"%s\","
                 "\"tz_basis\":\"%s\"}",
                 secs(w->work_us), secs(w->paid_us), (long long)w->earnings,
                 (long long)w->ehr_paid, (long long)w->back_pay,
                 w->floor_country, w->floor_basis, (long long)w->floor_local,
                 w->floor_currency, tz);
    }
    if (w->at_or_above_known && w->has_living && !w->at_or_above_living) {
        struct dw_flag *f = &out[n++];
        flag_base(f, w, "below_living_wage", DW_SEV_AMBER);
        f->value = w->ehr_total;
        f->threshold = w->living_wage;
        snprintf(f->unit, sizeof f->unit, "%s/h", currency);
        snprintf(f->evidence, sizeof f->evidence,
                 "{\"work_s\":%lld,\"earnings_micros\":%lld,"
                 "\"floor_country\":\"%s\",\"living_local_micros\":%lld,"
                 "\"living_currency\":\"%s\"}",
                 secs(w->work_us), (long long)w->earnings, w->floor_country,
                 (long long)w->living_local, w->living_currency);
    }
    if (dw_rules_over_normal(p, w->work_us))
        hours_flag(&out[n++], w, "hours_over_48", DW_SEV_AMBER, w->work_us,
                   p->weekly_normal_h, "weekly_hours_normal", tz);
    if (dw_rules_over_hard(p, w->work_us))
        hours_flag(&out[n++], w, "hours_over_60", DW_SEV_RED, w->work_us,
                   p->weekly_hard_h, "weekly_hours_hard_max", tz);
    if ((i128)w->avg_work_us > (i128)dw_hours_us(p->weekly_avg_h))
        hours_flag(&out[n++], w, "hours_avg_over_48", DW_SEV_RED,
                   w->avg_work_us, p->weekly_avg_h, "weekly_hours_avg_max", tz);
    if (w->weekly_rest_fails > 0) {
        struct dw_flag *f = &out[n++];
        flag_base(f, w, "weekly_rest_under_35h", DW_SEV_RED);
        f->value = dw_hours_micros(w->weekly_rest_worst_us);
        f->threshold = p->weekly_rest_h;
        snprintf(f->unit, sizeof f->unit, "h");
        snprintf(f->evidence, sizeof f->evidence,
                 "{\"failing_windows\":%d,\"window_days\":7,"
                 "\"longest_rest_s\":%lld,\"threshold\":\"weekly_rest_min\"}",
                 (int)w->weekly_rest_fails, secs(w->weekly_rest_worst_us));
    }
    if ((int64_t)w->max_consecutive_days * DW_MICROS > p->max_days) {
        struct dw_flag *f = &out[n++];
        flag_base(f, w, "consecutive_days_over_6", DW_SEV_RED);
        f->value = (int64_t)w->max_consecutive_days * DW_MICROS;
        f->threshold = p->max_days;
        snprintf(f->unit, sizeof f->unit, "days");
        snprintf(f->evidence, sizeof f->evidence,
                 "{\"consecutive_days\":%d,\"threshold\":"
                 "\"max_consecutive_days\",\"tz_basis\":\"%s\"}",
                 (int)w->max_consecutive_days, tz);
    }
    if (w->night_known && w->night_worker) {
        struct dw_flag *f = &out[n++];
        flag_base(f, w, "night_worker", DW_SEV_AMBER);
        f->value = dw_hours_micros(w->night_us);
        f->threshold = p->night_worker_h;
        snprintf(f->unit, sizeof f->unit, "h/week");
        snprintf(f->evidence, sizeof f->evidence,
                 "{\"night_s\":%lld,\"nights_over_threshold\":%d,"
                 "\"days_worked\":%d,\"tz\":\"%s\"}",
                 secs(w->night_us), (int)w->night_nights, (int)w->days_worked,
                 w->tz_name);
    }
    return n;
}

bool dw_rules_worker_day(const struct dw_rule_params *p,
                         const struct dw_worker_day *d, struct dw_flag *out)
{
    if ((i128)d->work_us <= (i128)dw_hours_us(p->daily_normal_h))
        return false;
    flag_init(out, d->vendor_id, d->worker_key, "daily_hours_over_8",
              DW_SEV_AMBER, DW_SUBJ_WORKER_DAY, d->day, d->day);
    out->value = dw_hours_micros(d->work_us);
    out->threshold = p->daily_normal_h;
    snprintf(out->unit, sizeof out->unit, "h/day");
    snprintf(out->evidence, sizeof out->evidence,
             "{\"work_s\":%lld,\"paid_s\":%lld,\"threshold\":"
             "\"daily_hours_normal\",\"lower_bound\":true,\"tz_basis\":"
             "\"%s\"}",
             secs(d->work_us), secs(d->paid_us), d->tz_local ? "local" : "utc");
    return true;
}

void dw_rules_daily_rest(const struct dw_rule_params *p, int64_t vendor_id,
                         const char *worker_key, int64_t day, bool tz_local,
                         int64_t window_start, int64_t longest_us,
                         struct dw_flag *out)
{
    char at[DW_TIME_ISO_MAX];
    flag_init(out, vendor_id, worker_key, "daily_rest_under_11h", DW_SEV_AMBER,
              DW_SUBJ_WORKER_DAY, day, day);
    out->value = dw_hours_micros(longest_us);
    out->threshold = p->daily_rest_h;
    snprintf(out->unit, sizeof out->unit, "h");
    snprintf(out->evidence, sizeof out->evidence,
             "{\"window_start\":\"%s\",\"window_h\":24,"
             "\"longest_rest_s\":%lld,\"threshold\":\"daily_rest_min\","
             "\"tz_basis\":\"%s\"}",
             dw_time_format_iso(window_start, at), secs(longest_us),
             tz_local ? "local" : "utc");
}

void dw_rules_no_break(const struct dw_rule_params *p, int64_t vendor_id,
                       const char *worker_key, int64_t day, bool tz_local,
                       int64_t start, int64_t end, struct dw_flag *out)
{
    char a[DW_TIME_ISO_MAX], b[DW_TIME_ISO_MAX];
    flag_init(out, vendor_id, worker_key, "no_break_over_6h", DW_SEV_AMBER,
              DW_SUBJ_WORKER_DAY, day, day);
    out->value = dw_hours_micros(end - start);
    out->threshold = p->break_after_h;
    snprintf(out->unit, sizeof out->unit, "h");
    snprintf(out->evidence, sizeof out->evidence,
             "{\"from\":\"%s\",\"to\":\"%s\",\"break_min_minutes\":%lld,"
             "\"threshold\":\"break_after_hours\",\"tz_basis\":\"%s\"}",
             dw_time_format_iso(start, a), dw_time_format_iso(end, b),
             (long long)(p->break_min_min / DW_MICROS),
             tz_local ? "local" : "utc");
}

size_t dw_rules_vendor_practice(const struct dw_rule_params *p,
                                int64_t vendor_id,
                                const struct dw_practice_summary *s,
                                int64_t rejected, int64_t decided,
                                int64_t unpaid_late, int64_t due,
                                int64_t period_start, int64_t period_end,
                                struct dw_flag out[DW_RULES_PRACTICE_MAX])
{
    size_t n = 0;
    const int64_t day_s = 86400;

    if (s->has_rejection_rate &&
        !dw_share_at_most(rejected, decided, p->rejection_warn)) {
        struct dw_flag *f = &out[n++];
        bool red = !dw_share_at_most(rejected, decided, p->rejection_red);
        flag_init(f, vendor_id, NULL, "rejection_rate",
                  red ? DW_SEV_RED : DW_SEV_AMBER, DW_SUBJ_VENDOR, period_start,
                  period_end);
        f->value = s->rejection_rate;
        f->threshold = red ? p->rejection_red : p->rejection_warn;
        snprintf(f->unit, sizeof f->unit, "share");
        snprintf(f->evidence, sizeof f->evidence,
                 "{\"rejected\":%lld,\"approved_or_rejected\":%lld,"
                 "\"threshold\":\"%s\"}",
                 (long long)rejected, (long long)decided,
                 red ? "rejection_rate_red" : "rejection_rate_warn");
    }
    if (s->has_payment_delay) {
        /* seconds vs days in micro-units: s * 1e6 > d_micros * 86400 */
        bool red = (i128)s->payment_p90_s * DW_MICROS >
                   (i128)p->pay_delay_red_d * day_s;
        bool amber = (i128)s->payment_median_s * DW_MICROS >
                     (i128)p->pay_delay_warn_d * day_s;
        if (red || amber) {
            struct dw_flag *f = &out[n++];
            int64_t v = red ? s->payment_p90_s : s->payment_median_s;
            flag_init(f, vendor_id, NULL, "payment_delay",
                      red ? DW_SEV_RED : DW_SEV_AMBER, DW_SUBJ_VENDOR,
                      period_start, period_end);
            f->value = (int64_t)(((i128)v * DW_MICROS + day_s / 2) / day_s);
            f->threshold = red ? p->pay_delay_red_d : p->pay_delay_warn_d;
            snprintf(f->unit, sizeof f->unit, "days");
            snprintf(f->evidence, sizeof f->evidence,
                     "{\"median_s\":%lld,\"p90_s\":%lld,\"threshold\":\"%s\"}",
                     (long long)s->payment_median_s,
                     (long long)s->payment_p90_s,
                     red ? "payment_delay_red" : "payment_delay_warn");
        }
    }
    if (unpaid_late > 0) {
        struct dw_flag *f = &out[n++];
        flag_init(f, vendor_id, NULL, "unpaid_after_30_days", DW_SEV_RED,
                  DW_SUBJ_VENDOR, period_start, period_end);
        f->value = unpaid_late * DW_MICROS;
        f->threshold = 0;
        snprintf(f->unit, sizeof f->unit, "units");
        snprintf(f->evidence, sizeof f->evidence,
                 "{\"unpaid_late\":%lld,\"due\":%lld,\"days\":%lld,"
                 "\"threshold\":\"unpaid_after_days\"}",
                 (long long)unpaid_late, (long long)due,
                 (long long)(p->unpaid_after_d / DW_MICROS));
    }
    return n;
}

int64_t dw_share_micros(int64_t part, int64_t whole)
{
    if (whole <= 0)
        return 0;
    return (int64_t)(((i128)part * 2000000 + whole) / (2 * (i128)whole));
}

bool dw_share_at_least(int64_t part, int64_t whole, int64_t share_micros)
{
    return (i128)part * 1000000 >= (i128)share_micros * whole;
}

bool dw_share_at_most(int64_t part, int64_t whole, int64_t share_micros)
{
    return (i128)part * 1000000 <= (i128)share_micros * whole;
}

bool dw_rules_vendor_share(const struct dw_rule_params *p, int64_t vendor_id,
                           int64_t worker_weeks, int64_t at_or_above,
                           int64_t period_start, int64_t period_end,
                           struct dw_flag *out)
{
    if (worker_weeks <= 0 ||
        dw_share_at_least(at_or_above, worker_weeks, p->vast_majority_share))
        return false;
    memset(out, 0, sizeof *out);
    out->vendor_id = vendor_id;
    snprintf(out->rule, sizeof out->rule, "share_below_vast_majority");
    out->severity = DW_SEV_RED;
    out->subject = DW_SUBJ_VENDOR;
    out->period_start = period_start;
    out->period_end = period_end;
    out->value = dw_share_micros(at_or_above, worker_weeks);
    out->threshold = p->vast_majority_share;
    snprintf(out->unit, sizeof out->unit, "share");
    snprintf(out->evidence, sizeof out->evidence,
             "{\"worker_weeks\":%lld,\"weeks_at_or_above_min\":%lld,"
             "\"threshold\":\"vast_majority_share\"}",
             (long long)worker_weeks, (long long)at_or_above);
    return true;
}
