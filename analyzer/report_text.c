/* analyzer/report_text.c — a vendor scorecard as plain text. */
#include "report_text.h"

#include <stdio.h>
#include <string.h>

#include "money.h"

#define P(...)                                                                 \
    do {                                                                       \
        if (st == DW_OK)                                                       \
            st = dw_buf_printf(o, __VA_ARGS__);                                \
    } while (0)

/* Seconds as hours with one decimal: 5400 -> "1.5". */
static const char *hours_of(int64_t s, char *out)
{
    return dw_money_format(s * (DW_MICROS / 100) / 36, 1, out);
}

/* The full method's figures: work time, living wage, rest, payment. */
static enum dw_status render_full(const struct dw_report_vendor *v,
                                  struct dw_buf *o)
{
    const struct dw_report_full *f = &v->full;
    enum dw_status st = DW_OK;
    char a[32], b[32], c[32];

    if (f->has_median_total)
        P("Median hourly rate (all work) %s %s/h\n",
          dw_money_format(f->median_ehr_total, 2, a), v->currency);
    P("Hours paid / worked          %s h of %s h (%s h unpaid)\n",
      hours_of(f->paid_s, a), hours_of(f->work_s, b),
      hours_of(f->work_s - f->paid_s, c));
    P("Back pay to minimum wage     %s %s\n",
      dw_money_format(f->back_pay, 2, a), v->currency);
    if (f->worker_weeks_living > 0)
        P("At or above living wage      %lld of %lld worker-weeks (%s%%)\n",
          (long long)f->weeks_at_or_above_living,
          (long long)f->worker_weeks_living,
          dw_report_percent(f->weeks_at_or_above_living, f->worker_weeks_living,
                            a, sizeof a));
    else
        P("At or above living wage      no living wage catalogued\n");
    P("\nWorking time and rest (worker-local days where the zone is known)\n");
    P("  Weeks over the 17-week average limit  %lld\n",
      (long long)f->hours_avg_over_48);
    P("  Days over 8 h                          %lld\n",
      (long long)f->days_over_8h);
    P("  Daily rest failures (11 h)             %lld\n",
      (long long)f->daily_rest_fails);
    P("  Weeks without 35 h weekly rest         %lld\n",
      (long long)f->weekly_rest_weeks);
    P("  Weeks with more than 6 days in a row   %lld\n",
      (long long)f->consecutive_days_weeks);
    P("  Stretches over 6 h without a break     %lld\n",
      (long long)f->no_break_stretches);
    P("  Night-worker weeks                     %lld\n",
      (long long)f->night_worker_weeks);
    P("  Worker-weeks in UTC (zone unknown)     %lld\n",
      (long long)f->tz_unknown_weeks);
    P("\nPayment practice\n");
    P("  Units approved / rejected / returned   %lld / %lld / %lld "
      "(%lld rejections reversed)\n",
      (long long)f->units_approved, (long long)f->units_rejected,
      (long long)f->units_returned, (long long)f->units_reversed);
    P("  Rejection rate                         %s\n",
      f->rejection_rate ? f->rejection_rate : "-");
    if (f->has_approval_delay)
        P("  Approval delay, median / p90           %s h / %s h\n",
          hours_of(f->approval_delay_median_s, a),
          hours_of(f->approval_delay_p90_s, b));
    if (f->has_payment_delay)
        P("  Payment delay, median / p90            %s h / %s h\n",
          hours_of(f->payment_delay_median_s, a),
          hours_of(f->payment_delay_p90_s, b));
    P("  Unpaid 30 days after submission        %lld of %lld units\n",
      (long long)f->units_unpaid_30d, (long long)f->units_due_30d);
    return st;
}

/* Distributions, flags, monitoring and the Fairwork-inspired criteria. */
static enum dw_status render_details(const struct dw_report_vendor *v,
                                     struct dw_buf *o)
{
    enum dw_status st = DW_OK;
    char a[32], b[32];

    if (v->has_floor) {
        if (v->floor_min == v->floor_max)
            P("Minimum wage (hourly)        %s %s/h\n",
              dw_money_format(v->floor_min, 2, a), v->currency);
        else
            P("Minimum wages (hourly)       %s to %s %s/h (%lld countries)\n",
              dw_money_format(v->floor_min, 2, a),
              dw_money_format(v->floor_max, 2, b), v->currency,
              (long long)v->floor_countries);
    }
    P("\nFlags\n");
    if (v->n_flags == 0)
        P("  none\n");
    for (size_t i = 0; i < v->n_flags; i++) {
        const struct dw_report_flag_count *f = &v->flags[i];
        P("  %-8s %-28s %6lld", f->severity, f->rule, (long long)f->flags);
        if (f->workers > 0)
            P("  (%lld worker%s)", (long long)f->workers,
              f->workers == 1 ? "" : "s");
        P("\n");
    }
    if (v->suppressed)
        P("\nDistributions       suppressed: fewer than %lld workers\n",
          (long long)v->k);
    if (v->has_monitoring) {
        static const char *const bands[] = {"none", "low", "moderate", "high",
                                            "very high"};
        const struct dw_report_monitoring *mo = &v->monitoring;
        P("\nMonitoring\n");
        P("  Band                       %s%s\n",
          mo->band >= 0 && mo->band <= 4 ? bands[mo->band] : "-",
          mo->critical ? " - CRITICAL" : "");
        P("  Monitored worker-weeks     %lld of %lld\n",
          (long long)mo->monitored_weeks, (long long)mo->worker_weeks);
        P("  Screenshots per hour       %s\n", mo->sph ? mo->sph : "-");
        P("  Webcam shots per hour      %s\n", mo->wcph ? mo->wcph : "-");
        P("  Off-shift collection       %lld cells in %lld worker-weeks\n",
          (long long)mo->offshift_segments, (long long)mo->weeks_offshift);
        P("  Prohibited practices       %lld in use\n",
          (long long)mo->practices_critical);
    }
    P("\nFairwork-inspired criteria (%s)\n", dw_report_fairwork_label);
    for (int i = 0; i < DW_REPORT_CRITERIA; i++) {
        const struct dw_report_criterion *c = &v->criteria[i];
        if (c->id == NULL)
            continue;
        P("  %-4s %-13s %s\n", c->id, dw_report_verdict_name(c->verdict),
          c->title);
    }
    return st;
}

static enum dw_status render_vendor(const struct dw_report_vendor *v,
                                    struct dw_buf *o)
{
    char a[32], b[32];
    enum dw_status st = DW_OK;
    size_t title = strlen("Vendor scorecard: ") + strlen(v->name);

    P("Vendor scorecard: %s\n", v->name);
    for (size_t i = 0; i < title; i++)
        P("=");
    P("\n");
    P("Window              %s to %s (whole ISO weeks %s to %s, %s)\n",
      v->window_from, v->window_to, v->period_from, v->period_to,
      v->time_basis != NULL && strcmp(v->time_basis, "local") == 0
          ? "worker-local time"
          : "UTC");
    P("Analysis run        #%lld (%s), finished %s\n", (long long)v->run_id,
      v->all_vendors ? "all vendors" : "this vendor", v->finished_at);
    P("Method version      %s\n", v->method_version);
    P("Threshold set       %s\n", v->threshold_set);
    P("Report currency     %s\n", v->currency);
    P("FX rates            %s", dw_report_fx_basis);
    P("%s%s\n", v->fx_latest_date ? "; rates through " : "",
      v->fx_latest_date ? v->fx_latest_date : "");
    P("Coverage            %lld of %lld units have usable times (%s%%)\n",
      (long long)v->units_usable, (long long)v->units_total,
      v->units_total > 0
          ? dw_report_percent(v->units_usable, v->units_total, a, sizeof a)
          : "-");
    P("\n");
    P("Workers                      %lld\n", (long long)v->workers);
    P("Worker-weeks                 %lld\n", (long long)v->worker_weeks);
    if (v->worker_weeks > 0) {
        P("At or above minimum wage     %lld of %lld worker-weeks (%s%%)",
          (long long)v->weeks_at_or_above, (long long)v->worker_weeks,
          dw_report_percent(v->weeks_at_or_above, v->worker_weeks, a,
                            sizeof a));
        if (v->has_vast_majority)
            P(": %s the %s%% line (vast_majority_share)\n",
              dw_report_share_passes(v) ? "passes" : "FAILS",
              dw_report_percent_micros(v->vast_majority, b, sizeof b));
        else
            P("\n");
    } else {
        P("At or above minimum wage     no worker-weeks with paid time\n");
    }
    if (v->has_median)
        P("Median hourly rate (paid)    %s %s/h\n",
          dw_money_format(v->median_ehr, 2, a), v->currency);
    else
        P("Median hourly rate (paid)    -\n");
    P("Worker-weeks over %s h       %lld\n",
      v->has_weekly_normal ? dw_report_hours(v->weekly_normal_h, a)
                           : "weekly normal",
      (long long)v->hours_over_normal);
    P("Worker-weeks over %s h       %lld\n",
      v->has_weekly_hard ? dw_report_hours(v->weekly_hard_h, a)
                         : "weekly maximum",
      (long long)v->hours_over_hard);
    if (st == DW_OK && v->has_full)
        st = render_full(v, o);
    if (st == DW_OK)
        st = render_details(v, o);
    P("\n");
    P("Notes\n");
    P("- Hours count only work on our tasks: a lower bound. Workers may "
      "work\n  elsewhere too, so excessive hours can only be under-counted.\n");
    if (v->has_full)
        P("- Working time is paid time plus unpaid time with evidence "
          "(rejected,\n  returned and expired work, search gaps); the "
          "minimum-wage test uses\n  the rate over all of it (EHR_total).\n");
    else
        P("- Paid time only: the union of accepted-to-submitted spans of "
          "submitted and\n  approved work, parallel tasks counted once. "
          "Unpaid time (rejected and\n  returned work, task search) is not "
          "computed by this run's method\n  version, so the hourly rate is "
          "EHR_paid, which overstates pay per\n  hour actually worked.\n");
    P("- Money is converted to %s at the rate of each payment date (else "
      "the\n  submission date), the latest on or before it; minimum wages "
      "at the rate\n  of each week's Monday. Floor: the worker's country, "
      "else the source's\n  default, else mw_fallback_usd.\n",
      v->currency);
    P("- Distributions hide groups of fewer than %lld workers "
      "(report.min_group).\n",
      (long long)v->k);
    P("- The criteria are %s.\n", dw_report_fairwork_label);
    return st;
}

enum dw_status dw_report_text_render(const struct dw_report_model *m,
                                     struct dw_buf *o)
{
    enum dw_status st = DW_OK;

    for (size_t i = 0; st == DW_OK && i < m->n; i++) {
        const struct dw_report_vendor *v = &m->vendors[i];
        if (i > 0)
            P("\n");
        if (v->covered)
            st = st == DW_OK ? render_vendor(v, o) : st;
        else
            P("Vendor scorecard: %s\n  no finished analysis run covers this "
              "vendor%s.\n",
              v->name, m->requested_run > 0 ? " in this run" : "");
    }
    return st;
}
#undef P
