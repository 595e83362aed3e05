/* analyzer/report_json.c — vendor scorecards as one JSON document. */
#include "report_json.h"

#include <jansson.h>
#include <stdlib.h>

#include "money.h"
#include "rules.h"

/* JSON_INTEGER_FORMAT is long long on every platform we build for. */
static json_t *num(int64_t v)
{
    return json_integer((json_int_t)v);
}

static json_t *str(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

/* Exact decimal text of micro-units: 5666667 -> "5.666667". */
static json_t *dec(int64_t micros)
{
    char b[32];
    return json_string(dw_money_format(micros, 6, b));
}

static json_t *money(int64_t micros, const char *currency)
{
    return json_pack("{s:o,s:o}", "amount", dec(micros), "currency",
                     str(currency));
}

/* part/whole as an exact-enough decimal string with 6 digits. */
static json_t *share(int64_t part, int64_t whole)
{
    return whole > 0 ? dec(dw_share_micros(part, whole)) : json_null();
}

static json_t *buckets(const struct dw_report_bucket *b, size_t n,
                       const char *currency)
{
    json_t *a = json_array();

    for (size_t i = 0; a != NULL && i < n; i++) {
        json_t *o =
            json_pack("{s:o,s:o,s:o}", "from",
                      currency ? money(b[i].lo, currency) : dec(b[i].lo), "to",
                      b[i].hi < 0 ? json_null()
                      : currency  ? money(b[i].hi, currency)
                                  : dec(b[i].hi),
                      "worker_weeks", num(b[i].count));
        if (o == NULL || json_array_append_new(a, o) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *distributions(const struct dw_report_vendor *v)
{
    json_t *o;

    if (v->suppressed)
        return json_pack("{s:b,s:o,s:s}", "suppressed", 1, "min_group",
                         num(v->k), "reason",
                         "suppressed: fewer than k workers");
    o = json_pack("{s:b,s:o,s:o}", "suppressed", 0, "min_group", num(v->k),
                  "workers", num(v->distinct_workers));
    if (o == NULL)
        return NULL;
    if (json_object_set_new(
            o, "ehr",
            json_pack(
                "{s:s,s:s,s:o,s:o}", "rate",
                v->ehr_is_total ? "ehr_total" : "ehr_paid", "unit", "per hour",
                "bucket_width",
                v->n_ehr > 0 ? money(v->ehr_step, v->currency) : json_null(),
                "buckets", buckets(v->ehr, v->n_ehr, v->currency))) != 0 ||
        json_object_set_new(
            o, "weekly_hours",
            json_pack("{s:s,s:s,s:o}", "unit", "hours", "buckets_include",
                      "upper edge (over 48 h means more than 48 h)", "buckets",
                      buckets(v->hours, v->n_hours, NULL))) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *thresholds(const struct dw_report_vendor *v)
{
    json_t *a = json_array();

    for (size_t i = 0; a != NULL && i < v->n_thresholds; i++) {
        const struct dw_report_threshold *t = &v->thresholds[i];
        if (json_array_append_new(
                a, json_pack("{s:o,s:o,s:o}", "name", str(t->name), "value",
                             str(t->value), "unit", str(t->unit))) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *flags(const struct dw_report_vendor *v)
{
    json_t *a = json_array();

    for (size_t i = 0; a != NULL && i < v->n_flags; i++) {
        const struct dw_report_flag_count *f = &v->flags[i];
        if (json_array_append_new(
                a, json_pack("{s:o,s:o,s:o,s:o}", "rule", str(f->rule),
                             "severity", str(f->severity), "flags",
                             num(f->flags), "workers", num(f->workers))) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *sources(const struct dw_report_vendor *v)
{
    json_t *a = json_array();

    for (size_t i = 0; a != NULL && i < v->n_sources; i++) {
        const struct dw_report_source *s = &v->sources[i];
        if (json_array_append_new(
                a, json_pack("{s:o,s:o,s:o}", "name", str(s->name), "platform",
                             str(s->platform), "default_country",
                             str(s->default_country))) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *criteria(const struct dw_report_vendor *v)
{
    static const char *const tokens[] = {"met", "not_met", "not_assessed"};
    json_t *a = json_array();
    int met = 0, not_met = 0;

    for (int i = 0; a != NULL && i < DW_REPORT_CRITERIA; i++) {
        const struct dw_report_criterion *c = &v->criteria[i];
        if (c->id == NULL)
            continue;
        met += c->verdict == DW_VERDICT_MET;
        not_met += c->verdict == DW_VERDICT_NOT_MET;
        if (json_array_append_new(
                a, json_pack("{s:o,s:o,s:s,s:o}", "id", str(c->id), "title",
                             str(c->title), "verdict", tokens[c->verdict],
                             "basis", str(c->basis))) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return json_pack("{s:s,s:i,s:i,s:o}", "label", dw_report_fairwork_label,
                     "met", met, "not_met", not_met, "criteria", a);
}

static json_t *monitoring(const struct dw_report_vendor *v)
{
    static const char *const bands[] = {"none", "low", "moderate", "high",
                                        "very high"};
    const struct dw_report_monitoring *mo = &v->monitoring;
    json_t *wb;

    if (!v->has_monitoring)
        return json_null();
    wb = json_pack("[o,o,o,o,o]", num(mo->workers_band[0]),
                   num(mo->workers_band[1]), num(mo->workers_band[2]),
                   num(mo->workers_band[3]), num(mo->workers_band[4]));
    return json_pack(
        "{s:o,s:o,s:b,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "band",
        mo->band >= 0 ? num(mo->band) : json_null(), "band_label",
        mo->band >= 0 && mo->band <= 4 ? json_string(bands[mo->band])
                                       : json_null(),
        "critical", mo->critical, "workers_by_band", wb, "worker_weeks",
        num(mo->worker_weeks), "monitored_weeks", num(mo->monitored_weeks),
        "tracked_hours", dec(mo->tracked_s * DW_MICROS / 3600),
        "screenshots_per_hour", str(mo->sph), "webcam_shots_per_hour",
        str(mo->wcph), "activity_tracking_coverage", str(mo->atc),
        "offshift_segments", num(mo->offshift_segments), "weeks_offshift",
        num(mo->weeks_offshift), "prohibited_practices_in_use",
        num(mo->practices_critical), "critical_means",
        json_string("collection outside working time or a practice the EU "
                    "Platform Work Directive prohibits"));
}

/* Seconds as decimal hours: 5400 -> "1.500000". */
static json_t *hours(int64_t s)
{
    return dec(s * (DW_MICROS / 100) / 36);
}

static json_t *full(const struct dw_report_vendor *v)
{
    const struct dw_report_full *f = &v->full;

    if (!v->has_full)
        return json_null();
    return json_pack(
        "{s:o,s:o,s:o,s:o,s:{s:o,s:o,s:o},"
        "s:{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o},"
        "s:{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}}",
        "median_ehr_total",
        f->has_median_total ? money(f->median_ehr_total, v->currency)
                            : json_null(),
        "paid_hours", hours(f->paid_s), "work_hours", hours(f->work_s),
        "back_pay", money(f->back_pay, v->currency), "living_wage",
        "worker_weeks", num(f->worker_weeks_living), "weeks_at_or_above",
        num(f->weeks_at_or_above_living), "share",
        share(f->weeks_at_or_above_living, f->worker_weeks_living),
        "working_time", "weeks_over_average_limit", num(f->hours_avg_over_48),
        "days_over_8h", num(f->days_over_8h), "daily_rest_fails",
        num(f->daily_rest_fails), "weeks_without_weekly_rest",
        num(f->weekly_rest_weeks), "weeks_over_6_consecutive_days",
        num(f->consecutive_days_weeks), "stretches_without_break",
        num(f->no_break_stretches), "night_worker_weeks",
        num(f->night_worker_weeks), "weeks_time_zone_unknown",
        num(f->tz_unknown_weeks), "payment_practice", "units_approved",
        num(f->units_approved), "units_rejected", num(f->units_rejected),
        "units_returned", num(f->units_returned), "units_reversed",
        num(f->units_reversed), "rejection_rate", str(f->rejection_rate),
        "reversal_rate", str(f->reversal_rate), "return_rate",
        str(f->return_rate), "approval_delay_median_hours",
        f->has_approval_delay ? hours(f->approval_delay_median_s) : json_null(),
        "approval_delay_p90_hours",
        f->has_approval_delay ? hours(f->approval_delay_p90_s) : json_null(),
        "payment_delay_median_hours",
        f->has_payment_delay ? hours(f->payment_delay_median_s) : json_null(),
        "payment_delay_p90_hours",
        f->has_payment_delay ? hours(f->payment_delay_p90_s) : json_null(),
        "units_due_30d", num(f->units_due_30d), "units_unpaid_30d",
        num(f->units_unpaid_30d));
}

static json_t *vendor(const struct dw_report_vendor *v)
{
    json_t *o, *mw;
    char hn[32], hh[32];

    if (!v->covered)
        return json_pack("{s:{s:o,s:o},s:b,s:o}", "vendor", "name",
                         str(v->name), "country", str(v->country), "covered", 0,
                         "fairwork_inspired", criteria(v));
    mw = json_pack(
        "{s:o,s:o,s:o,s:o,s:b,s:o,s:o,s:o,s:{s:o,s:o,s:o}}",
        "weeks_at_or_above", num(v->weeks_at_or_above), "worker_weeks",
        num(v->worker_weeks), "share",
        share(v->weeks_at_or_above, v->worker_weeks), "target_share",
        v->has_vast_majority ? dec(v->vast_majority) : json_null(), "passes",
        dw_report_share_passes(v), "hourly_floor_min",
        v->has_floor ? money(v->floor_min, v->currency) : json_null(),
        "hourly_floor_max",
        v->has_floor ? money(v->floor_max, v->currency) : json_null(),
        "floor_countries", num(v->floor_countries), "floor_basis", "worker",
        num(v->basis_worker), "source_default", num(v->basis_source_default),
        "fallback", num(v->basis_fallback));
    o = json_pack(
        "{s:{s:o,s:o},s:b,s:{s:o,s:o,s:s,s:o,s:o,s:{s:o,s:o},s:{s:o,s:o},"
        "s:o},s:o,s:{s:o,s:o,s:o},s:{s:s,s:o},s:o,s:o,s:o,s:o,s:o,s:o,"
        "s:{s:o,s:o,s:o,s:o},s:o,s:o,s:o,s:o,s:o,s:o}",
        "vendor", "name", str(v->name), "country", str(v->country), "covered",
        1, "run", "id", num(v->run_id), "finished_at", str(v->finished_at),
        "scope", v->all_vendors ? "all_vendors" : "vendor", "method_version",
        str(v->method_version), "threshold_set", str(v->threshold_set),
        "window", "from", str(v->window_from), "to", str(v->window_to),
        "period", "from", str(v->period_from), "to", str(v->period_to),
        "time_basis", str(v->time_basis), "currency", str(v->currency),
        "coverage", "units_total", num(v->units_total), "units_usable",
        num(v->units_usable), "share", share(v->units_usable, v->units_total),
        "fx", "basis", dw_report_fx_basis, "rates_through",
        str(v->fx_latest_date), "thresholds", thresholds(v), "sources",
        sources(v), "workers", num(v->workers), "worker_weeks",
        num(v->worker_weeks), "minimum_wage", mw, "median_ehr_paid",
        v->has_median ? money(v->median_ehr, v->currency) : json_null(),
        "hours", "normal_h",
        v->has_weekly_normal
            ? json_string(dw_report_hours(v->weekly_normal_h, hn))
            : json_null(),
        "weeks_over_normal", num(v->hours_over_normal), "hard_max_h",
        v->has_weekly_hard ? json_string(dw_report_hours(v->weekly_hard_h, hh))
                           : json_null(),
        "weeks_over_hard_max", num(v->hours_over_hard), "flags", flags(v),
        "distributions", distributions(v), "full_method", full(v), "monitoring",
        monitoring(v), "fairwork_inspired", criteria(v), "caveats",
        json_pack("[s,s]", dw_report_lower_bound_caveat,
                  v->has_full
                      ? "The minimum-wage test uses the rate over all work "
                        "time (EHR_total): paid plus unpaid time with "
                        "evidence."
                      : "The hourly rate counts paid time only (EHR_paid): "
                        "it overstates pay per hour actually worked."));
    return o;
}

enum dw_status dw_report_json_render(const struct dw_report_model *m,
                                     struct dw_buf *out)
{
    json_t *root, *list = json_array();
    char *text;
    enum dw_status st;

    for (size_t i = 0; list != NULL && i < m->n; i++) {
        json_t *v = vendor(&m->vendors[i]);
        if (v == NULL || json_array_append_new(list, v) != 0) {
            json_decref(list);
            return DW_ERR_NOMEM;
        }
    }
    root = json_pack("{s:s,s:i,s:o,s:o,s:o,s:o}", "report",
                     "decentwork vendor scorecard", "format_version", 1,
                     "generated_at", str(m->generated_at), "min_group",
                     num(m->k), "run_requested",
                     m->requested_run > 0 ? num(m->requested_run) : json_null(),
                     "vendors", list);
    if (root == NULL)
        return DW_ERR_NOMEM;
    text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (text == NULL)
        return DW_ERR_NOMEM;
    st = dw_buf_puts(out, text);
    if (st == DW_OK)
        st = dw_buf_putc(out, '\n');
    free(text);
    return st;
}
