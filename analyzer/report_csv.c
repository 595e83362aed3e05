/* analyzer/report_csv.c — vendor scorecards as CSV, one row per metric. */
#include "report_csv.h"

#include <stdio.h>
#include <string.h>

#include "money.h"
#include "rules.h"

enum dw_status dw_csv_field(struct dw_buf *out, const char *s)
{
    enum dw_status st = DW_OK;
    bool formula, quote;

    if (s == NULL)
        return DW_OK;
    formula = s[0] == '=' || s[0] == '+' || s[0] == '@' ||
              (s[0] == '-' && !(s[1] >= '0' && s[1] <= '9'));
    quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        st = dw_buf_putc(out, '"');
    if (st == DW_OK && formula)
        st = dw_buf_putc(out, '\'');
    for (const char *p = s; st == DW_OK && *p != '\0'; p++) {
        if (*p == '"')
            st = dw_buf_putc(out, '"');
        if (st == DW_OK)
            st = dw_buf_putc(out, *p);
    }
    if (st == DW_OK && quote)
        st = dw_buf_putc(out, '"');
    return st;
}

/* One row: vendor, metric, value, unit, threshold, status. */
static enum dw_status row(struct dw_buf *o, const char *vendor,
                          const char *metric, const char *value,
                          const char *unit, const char *threshold,
                          const char *status)
{
    const char *f[6] = {vendor, metric, value, unit, threshold, status};
    enum dw_status st = DW_OK;

    for (int i = 0; st == DW_OK && i < 6; i++) {
        if (i > 0)
            st = dw_buf_putc(o, ',');
        if (st == DW_OK)
            st = dw_csv_field(o, f[i]);
    }
    return st == DW_OK ? dw_buf_puts(o, "\r\n") : st;
}

static const char *i64s(int64_t v, char *b, size_t n)
{
    snprintf(b, n, "%lld", (long long)v);
    return b;
}

static const char *decs(int64_t micros, char *b)
{
    return dw_money_format(micros, 6, b);
}

#define R(...)                                                                 \
    do {                                                                       \
        if (st == DW_OK)                                                       \
            st = row(o, v->name, __VA_ARGS__);                                 \
    } while (0)

static enum dw_status distributions(const struct dw_report_vendor *v,
                                    struct dw_buf *o)
{
    enum dw_status st = DW_OK;
    char metric[96], a[32], b[32], c[32];
    const char *rate = v->ehr_is_total ? "ehr_total" : "ehr_paid";

    if (v->suppressed) {
        snprintf(metric, sizeof metric, "suppressed: fewer than %lld workers",
                 (long long)v->k);
        R("distributions", metric, "workers", i64s(v->k, a, sizeof a),
          "suppressed");
        return st;
    }
    for (size_t i = 0; i < v->n_ehr; i++) {
        const struct dw_report_bucket *k = &v->ehr[i];
        if (k->hi < 0)
            snprintf(metric, sizeof metric, "weeks_%s_%s_and_more", rate,
                     dw_money_format(k->lo, 2, a));
        else
            snprintf(metric, sizeof metric, "weeks_%s_%s_to_%s", rate,
                     dw_money_format(k->lo, 2, a),
                     dw_money_format(k->hi, 2, b));
        R(metric, i64s(k->count, c, sizeof c), "worker-weeks", "", "");
    }
    for (size_t i = 0; i < v->n_hours; i++) {
        const struct dw_report_bucket *k = &v->hours[i];
        if (k->hi < 0)
            snprintf(metric, sizeof metric, "weeks_hours_over_%s",
                     dw_report_hours(k->lo, a));
        else
            snprintf(metric, sizeof metric, "weeks_hours_%s%s_to_%s",
                     i == 0 ? "" : "over_", dw_report_hours(k->lo, a),
                     dw_report_hours(k->hi, b));
        R(metric, i64s(k->count, c, sizeof c), "worker-weeks", "", "");
    }
    return st;
}

/* Seconds as decimal hours: 5400 -> "1.500000". */
static const char *hours_of(int64_t s, char *b)
{
    return decs(s * (DW_MICROS / 100) / 36, b);
}

/* The full method's figures (one row each). */
static enum dw_status full(const struct dw_report_vendor *v, struct dw_buf *o)
{
    const struct dw_report_full *f = &v->full;
    enum dw_status st = DW_OK;
    char a[32], unit[16];
    const struct {
        const char *metric;
        int64_t value;
        const char *unit;
    } counts[] = {
        {"worker_weeks_with_living_wage", f->worker_weeks_living,
         "worker-weeks"},
        {"weeks_at_or_above_living", f->weeks_at_or_above_living,
         "worker-weeks"},
        {"weeks_over_average_limit", f->hours_avg_over_48, "worker-weeks"},
        {"days_over_8h", f->days_over_8h, "worker-days"},
        {"daily_rest_fails", f->daily_rest_fails, "windows"},
        {"weeks_without_weekly_rest", f->weekly_rest_weeks, "worker-weeks"},
        {"weeks_over_6_consecutive_days", f->consecutive_days_weeks,
         "worker-weeks"},
        {"stretches_without_break", f->no_break_stretches, "stretches"},
        {"night_worker_weeks", f->night_worker_weeks, "worker-weeks"},
        {"weeks_time_zone_unknown", f->tz_unknown_weeks, "worker-weeks"},
        {"units_approved", f->units_approved, "units"},
        {"units_rejected", f->units_rejected, "units"},
        {"units_returned", f->units_returned, "units"},
        {"units_reversed", f->units_reversed, "units"},
        {"units_due_30d", f->units_due_30d, "units"},
        {"units_unpaid_30d", f->units_unpaid_30d, "units"},
    };

    snprintf(unit, sizeof unit, "%s/h", v->currency);
    R("median_ehr_total",
      f->has_median_total ? decs(f->median_ehr_total, a) : "", unit, "", "");
    R("paid_hours", hours_of(f->paid_s, a), "h", "", "");
    R("work_hours", hours_of(f->work_s, a), "h", "", "");
    R("back_pay", decs(f->back_pay, a), v->currency, "", "");
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        snprintf(a, sizeof a, "%lld", (long long)counts[i].value);
        R(counts[i].metric, a, counts[i].unit, "", "");
    }
    R("rejection_rate", f->rejection_rate ? f->rejection_rate : "", "share", "",
      "");
    R("reversal_rate", f->reversal_rate ? f->reversal_rate : "", "share", "",
      "");
    R("return_rate", f->return_rate ? f->return_rate : "", "share", "", "");
    if (f->has_approval_delay) {
        R("approval_delay_median", hours_of(f->approval_delay_median_s, a), "h",
          "", "");
        R("approval_delay_p90", hours_of(f->approval_delay_p90_s, a), "h", "",
          "");
    }
    if (f->has_payment_delay) {
        R("payment_delay_median", hours_of(f->payment_delay_median_s, a), "h",
          "", "");
        R("payment_delay_p90", hours_of(f->payment_delay_p90_s, a), "h", "",
          "");
    }
    return st;
}

static enum dw_status vendor(const struct dw_report_vendor *v, struct dw_buf *o)
{
    enum dw_status st = DW_OK;
    char a[32], b[32], metric[96], unit[16];
    bool pass = dw_report_share_passes(v);

    if (!v->covered) {
        R("covered", "false", "", "", "no finished analysis run");
        return st;
    }
    snprintf(unit, sizeof unit, "%s/h", v->currency);
    R("run_id", i64s(v->run_id, a, sizeof a), "", "", "");
    R("run_scope", v->all_vendors ? "all_vendors" : "vendor", "", "", "");
    R("finished_at", v->finished_at, "", "", "");
    R("window_from", v->window_from, "date", "", "");
    R("window_to", v->window_to, "date", "", "");
    R("period_from", v->period_from, "date", "", "");
    R("period_to", v->period_to, "date", "", "");
    R("time_basis", v->time_basis, "", "", "");
    R("method_version", v->method_version, "", "", "");
    R("threshold_set", v->threshold_set, "", "", "");
    R("currency", v->currency, "", "", "");
    R("fx_rates_through", v->fx_latest_date ? v->fx_latest_date : "", "date",
      "", "");
    R("units_total", i64s(v->units_total, a, sizeof a), "units", "", "");
    R("units_usable", i64s(v->units_usable, a, sizeof a), "units", "", "");
    R("coverage",
      v->units_total > 0
          ? decs(dw_share_micros(v->units_usable, v->units_total), a)
          : "",
      "share", "", "");
    R("workers", i64s(v->workers, a, sizeof a), "workers", "", "");
    R("worker_weeks", i64s(v->worker_weeks, a, sizeof a), "worker-weeks", "",
      "");
    R("weeks_at_or_above_min", i64s(v->weeks_at_or_above, a, sizeof a),
      "worker-weeks", "", "");
    R("share_at_or_above_min",
      v->worker_weeks > 0
          ? decs(dw_share_micros(v->weeks_at_or_above, v->worker_weeks), a)
          : "",
      "share", v->has_vast_majority ? decs(v->vast_majority, b) : "",
      v->worker_weeks == 0 || !v->has_vast_majority ? ""
      : pass                                        ? "pass"
                                                    : "fail");
    R("median_ehr_paid", v->has_median ? decs(v->median_ehr, a) : "", unit,
      v->has_floor && v->floor_min == v->floor_max ? decs(v->floor_min, b) : "",
      "");
    R("min_wage_hourly_min", v->has_floor ? decs(v->floor_min, a) : "", unit,
      "", "");
    R("min_wage_hourly_max", v->has_floor ? decs(v->floor_max, a) : "", unit,
      "", "");
    R("weeks_over_normal_hours", i64s(v->hours_over_normal, a, sizeof a),
      "worker-weeks",
      v->has_weekly_normal ? dw_report_hours(v->weekly_normal_h, b) : "",
      v->hours_over_normal > 0 ? "flagged" : "ok");
    R("weeks_over_max_hours", i64s(v->hours_over_hard, a, sizeof a),
      "worker-weeks",
      v->has_weekly_hard ? dw_report_hours(v->weekly_hard_h, b) : "",
      v->hours_over_hard > 0 ? "flagged" : "ok");
    if (v->has_full && st == DW_OK)
        st = full(v, o);
    for (size_t i = 0; i < v->n_flags; i++) {
        const struct dw_report_flag_count *f = &v->flags[i];
        snprintf(metric, sizeof metric, "flags_%s", f->rule);
        R(metric, i64s(f->flags, a, sizeof a), "flags", "", f->severity);
    }
    if (st == DW_OK)
        st = distributions(v, o);
    if (v->has_monitoring) {
        const struct dw_report_monitoring *mo = &v->monitoring;
        R("monitoring_band", mo->band >= 0 ? i64s(mo->band, a, sizeof a) : "",
          "band 0-4", "", mo->critical ? "critical" : "");
        R("monitoring_screenshots_per_hour", mo->sph ? mo->sph : "",
          "per tracked hour", "", "");
        R("monitoring_webcam_shots_per_hour", mo->wcph ? mo->wcph : "",
          "per tracked hour", "", "");
        R("monitoring_offshift_segments",
          i64s(mo->offshift_segments, a, sizeof a), "cells", "0",
          mo->offshift_segments > 0 ? "critical" : "ok");
        R("monitoring_prohibited_practices",
          i64s(mo->practices_critical, a, sizeof a), "practices", "0",
          mo->practices_critical > 0 ? "critical" : "ok");
    }
    for (int i = 0; i < DW_REPORT_CRITERIA; i++) {
        const struct dw_report_criterion *c = &v->criteria[i];
        if (c->id == NULL)
            continue;
        snprintf(metric, sizeof metric, "fairwork_inspired_%s", c->id);
        R(metric, dw_report_verdict_name(c->verdict), "", "", "");
    }
    return st;
}
#undef R

enum dw_status dw_report_csv_render(const struct dw_report_model *m,
                                    struct dw_buf *out)
{
    enum dw_status st =
        dw_buf_puts(out, "vendor,metric,value,unit,threshold,status\r\n");

    for (size_t i = 0; st == DW_OK && i < m->n; i++)
        st = vendor(&m->vendors[i], out);
    return st;
}
