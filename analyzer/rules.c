/* analyzer/rules.c — thresholds from dw.threshold, and the flag rules. */
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
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

const char *const dw_rule_threshold_names[] = {
    "parallel_merge_gap", "weekly_hours_normal", "weekly_hours_hard_max",
    "mw_fallback_usd",    "vast_majority_share", NULL};

enum dw_status dw_rule_params_from(const struct dw_thresholds *t,
                                   struct dw_rule_params *p,
                                   struct dw_error *err)
{
    int64_t *targets[] = {&p->merge_gap_us, &p->weekly_normal_h,
                          &p->weekly_hard_h, &p->fallback_floor_usd,
                          &p->vast_majority_share};
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
    /* parallel_merge_gap is in seconds: micro-seconds = micro-units. */
    return DW_OK;
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

static void flag_base(struct dw_flag *f, const struct dw_worker_week *w,
                      const char *rule, enum dw_severity sev)
{
    memset(f, 0, sizeof *f);
    f->vendor_id = w->vendor_id;
    snprintf(f->rule, sizeof f->rule, "%s", rule);
    f->severity = sev;
    f->subject = DW_SUBJ_WORKER_WEEK;
    memcpy(f->worker_key, w->worker_key, sizeof f->worker_key);
    f->period_start = w->week_start;
    f->period_end = w->week_start + 6;
}

size_t dw_rules_worker_week(const struct dw_rule_params *p,
                            const struct dw_worker_week *w,
                            const char *currency,
                            struct dw_flag out[DW_RULES_WEEK_MAX])
{
    size_t n = 0;
    int64_t hours = dw_hours_micros(w->paid_us);
    const char *tz = w->tz_local ? "local" : "utc";

    if (w->at_or_above_known && !w->at_or_above) {
        struct dw_flag *f = &out[n++];
        flag_base(f, w, "below_minimum_wage", DW_SEV_RED);
        f->value = w->ehr_paid;
        f->threshold = w->min_wage;
        snprintf(f->unit, sizeof f->unit, "%s/h", currency);
        snprintf(f->evidence, sizeof f->evidence,
                 "{\"paid_s\":%lld,\"earnings_micros\":%lld,"
                 "\"floor_country\":\"%s\",\"floor_basis\":\"%s\","
                 "\"floor_local_micros\":%lld,\"floor_currency\":\"%s\","
                 "\"tz_basis\":\"%s\"}",
                 (long long)(w->paid_us / 1000000), (long long)w->earnings,
                 w->floor_country, w->floor_basis, (long long)w->floor_local,
                 w->floor_currency, tz);
    }
    if (dw_rules_over_normal(p, w->paid_us)) {
        struct dw_flag *f = &out[n++];
        flag_base(f, w, "hours_over_48", DW_SEV_AMBER);
        f->value = hours;
        f->threshold = p->weekly_normal_h;
        snprintf(f->unit, sizeof f->unit, "h/week");
        snprintf(f->evidence, sizeof f->evidence,
                 "{\"work_s\":%lld,\"paid_s\":%lld,\"threshold\":"
                 "\"weekly_hours_normal\",\"lower_bound\":true,"
                 "\"tz_basis\":\"%s\"}",
                 (long long)(w->paid_us / 1000000),
                 (long long)(w->paid_us / 1000000), tz);
    }
    if (dw_rules_over_hard(p, w->paid_us)) {
        struct dw_flag *f = &out[n++];
        flag_base(f, w, "hours_over_60", DW_SEV_RED);
        f->value = hours;
        f->threshold = p->weekly_hard_h;
        snprintf(f->unit, sizeof f->unit, "h/week");
        snprintf(f->evidence, sizeof f->evidence,
                 "{\"work_s\":%lld,\"paid_s\":%lld,\"threshold\":"
                 "\"weekly_hours_hard_max\",\"lower_bound\":true,"
                 "\"tz_basis\":\"%s\"}",
                 (long long)(w->paid_us / 1000000),
                 (long long)(w->paid_us / 1000000), tz);
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
