/* analyzer/report_html.c — vendor scorecards as one self-contained HTML page.
 */
#include "report_html.h"

#include <stdio.h>
#include <string.h>

#include "money.h"
#include "svg.h"

static const char css[] =
    "*{box-sizing:border-box}"
    "body{margin:0;background:#f3f4f6;color:#1f2933;"
    "font:14px/1.45 Helvetica,Arial,sans-serif}"
    ".page{max-width:1160px;margin:0 auto;padding:24px}"
    ".brand{display:flex;justify-content:space-between;align-items:baseline;"
    "color:#52606d;font-size:12px;text-transform:uppercase;"
    "letter-spacing:.08em;border-bottom:3px solid #1f3a5f;"
    "padding-bottom:6px;margin-bottom:18px}"
    ".brand b{color:#1f3a5f;font-size:14px}"
    "section.vendor,section.summary{background:#fff;border:1px solid #d9dee4;"
    "border-radius:6px;padding:22px 26px;margin-bottom:24px}"
    "h1{font-size:26px;margin:0 0 4px;color:#102a43}"
    "h1 .cc{font-size:14px;color:#627d98;font-weight:normal;margin-left:8px}"
    "h2{font-size:15px;margin:22px 0 8px;color:#1f3a5f;"
    "border-bottom:1px solid #e4e7eb;padding-bottom:4px}"
    ".meta{color:#52606d;font-size:13px;margin:0 0 16px}"
    ".meta span{white-space:nowrap;margin-right:14px}"
    ".kpis{display:grid;grid-template-columns:repeat(4,1fr);gap:12px}"
    ".kpi{border:1px solid #d9dee4;border-left:5px solid #9aa5b1;"
    "border-radius:4px;padding:10px 12px}"
    ".kpi.ok{border-left-color:#2e7d32}.kpi.bad{border-left-color:#c62828}"
    ".kpi.warn{border-left-color:#ef8f00}"
    ".kpi .v{font-size:26px;font-weight:bold;color:#102a43}"
    ".kpi .l{font-size:12px;color:#52606d;text-transform:uppercase;"
    "letter-spacing:.04em}"
    ".kpi .s{font-size:12px;color:#52606d}"
    ".badge{display:inline-block;padding:1px 7px;border-radius:10px;"
    "font-size:11px;font-weight:bold;color:#fff;background:#9aa5b1;"
    "white-space:nowrap}"
    ".badge.ok{background:#2e7d32}.badge.bad{background:#c62828}"
    ".badge.warn{background:#ef8f00}.badge.crit{background:#6a1b9a}"
    ".charts{display:grid;grid-template-columns:1fr 1fr;gap:16px}"
    ".chart{border:1px solid #e4e7eb;border-radius:4px;padding:8px}"
    ".chart h3{font-size:13px;margin:0 0 4px;color:#334e68}"
    ".chart svg{width:100%;height:auto;display:block}"
    ".chart .note{font-size:11px;color:#627d98;margin:4px 0 0}"
    ".suppressed{color:#52606d;font-style:italic;padding:40px 8px;"
    "text-align:center;background:#f5f7fa}"
    "table{border-collapse:collapse;width:100%;font-size:13px}"
    "th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e4e7eb;"
    "vertical-align:top}"
    "th{background:#f5f7fa;color:#334e68;font-weight:600}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".two{display:grid;grid-template-columns:1fr 1fr;gap:16px;"
    "align-items:start}"
    ".caveats{background:#fffbea;border:1px solid #f0d78c;border-radius:4px;"
    "padding:8px 14px;font-size:12.5px}"
    ".caveats li{margin:3px 0}"
    ".fw-label{font-size:12px;color:#8a4b00;font-weight:bold}"
    "@media (max-width:800px){.kpis{grid-template-columns:1fr 1fr}"
    ".charts,.two{grid-template-columns:1fr}}"
    "@page{size:A4;margin:11mm}"
    "@media print{body{background:#fff;font-size:11px}"
    ".page{padding:0;max-width:none}"
    "section.vendor,section.summary{border:none;padding:0;margin:0}"
    "section.vendor{break-before:page}"
    "section.vendor:first-of-type{break-before:auto}"
    ".kpi .v{font-size:20px}.chart,.kpi,table{break-inside:avoid}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

static const char *const bands[] = {"none", "low", "moderate", "high",
                                    "very high"};

#define P(...)                                                                 \
    do {                                                                       \
        if (st == DW_OK)                                                       \
            st = dw_buf_printf(o, __VA_ARGS__);                                \
    } while (0)
#define E(s)                                                                   \
    do {                                                                       \
        if (st == DW_OK)                                                       \
            st = dw_svg_escape(o, (s));                                        \
    } while (0)

static const char *severity_fill(const char *sev)
{
    if (strcmp(sev, "critical") == 0)
        return "#6a1b9a";
    if (strcmp(sev, "red") == 0)
        return DW_HTML_BELOW;
    if (strcmp(sev, "amber") == 0)
        return DW_HTML_AMBER;
    return "#607d8b";
}

static enum dw_status ehr_chart(const struct dw_report_vendor *v,
                                struct dw_buf *o)
{
    struct dw_svg_bin bins[DW_REPORT_EHR_BUCKETS_MAX];
    struct dw_svg_marker mk[2];
    struct dw_svg_histogram h;
    char a[32], b[32], la[96], lb[96], xl[64];
    size_t n = v->n_ehr < DW_REPORT_EHR_BUCKETS_MAX ? v->n_ehr
                                                    : DW_REPORT_EHR_BUCKETS_MAX;
    enum dw_status st = DW_OK;

    memset(&h, 0, sizeof h);
    for (size_t i = 0; i < n; i++) {
        const struct dw_report_bucket *k = &v->ehr[i];
        bins[i].lo = k->lo;
        bins[i].hi = k->hi < 0 ? k->lo + v->ehr_step : k->hi;
        bins[i].count = k->count;
        if (!v->has_floor)
            bins[i].fill = DW_HTML_PLAIN;
        else if (bins[i].hi <= v->floor_min)
            bins[i].fill = DW_HTML_BELOW;
        else if (bins[i].lo >= v->floor_max)
            bins[i].fill = DW_HTML_ABOVE;
        else
            bins[i].fill = DW_HTML_MIXED;
    }
    if (v->has_floor) {
        snprintf(la, sizeof la, "%s %s %s/h",
                 v->floor_min == v->floor_max ? "minimum wage" : "lowest",
                 dw_money_format(v->floor_min, 2, a), v->currency);
        mk[0] = (struct dw_svg_marker){v->floor_min, la, DW_HTML_BELOW};
        h.n_markers = 1;
        if (v->floor_max != v->floor_min) {
            snprintf(lb, sizeof lb, "highest %s %s/h",
                     dw_money_format(v->floor_max, 2, b), v->currency);
            mk[1] = (struct dw_svg_marker){v->floor_max, lb, DW_HTML_BELOW};
            h.n_markers = 2;
        }
    }
    snprintf(xl, sizeof xl, "Effective hourly rate on %s, %s/h",
             v->ehr_is_total ? "all work time" : "paid time", v->currency);
    h.width = DW_HTML_CHART_W;
    h.height = DW_HTML_CHART_H;
    h.title = "Effective hourly rate of worker-weeks against the minimum wage";
    h.x_label = xl;
    h.y_label = "worker-weeks";
    h.digits = v->ehr_step % DW_MICROS == 0 ? 0 : 2;
    h.bins = bins;
    h.n = n;
    h.last_open = n > 0 && v->ehr[n - 1].hi < 0;
    h.markers = mk;
    st = dw_svg_histogram(o, &h);
    return st;
}

static enum dw_status hours_chart(const struct dw_report_vendor *v,
                                  struct dw_buf *o)
{
    struct dw_svg_bin bins[DW_REPORT_HOURS_BUCKETS];
    struct dw_svg_marker mk[2];
    struct dw_svg_histogram h;
    char a[32], b[32], la[64], lb[64];
    size_t n = v->n_hours < DW_REPORT_HOURS_BUCKETS ? v->n_hours
                                                    : DW_REPORT_HOURS_BUCKETS;

    memset(&h, 0, sizeof h);
    for (size_t i = 0; i < n; i++) {
        const struct dw_report_bucket *k = &v->hours[i];
        bins[i].lo = k->lo;
        bins[i].hi =
            k->hi < 0 ? k->lo + DW_REPORT_HOURS_STEP_H * DW_MICROS : k->hi;
        bins[i].count = k->count;
        if (v->has_weekly_hard && bins[i].lo >= v->weekly_hard_h)
            bins[i].fill = DW_HTML_BELOW;
        else if (v->has_weekly_normal && bins[i].lo >= v->weekly_normal_h)
            bins[i].fill = DW_HTML_AMBER;
        else
            bins[i].fill = DW_HTML_PLAIN;
    }
    if (v->has_weekly_normal) {
        snprintf(la, sizeof la, "%s h normal",
                 dw_report_hours(v->weekly_normal_h, a));
        mk[h.n_markers++] =
            (struct dw_svg_marker){v->weekly_normal_h, la, DW_HTML_AMBER};
    }
    if (v->has_weekly_hard) {
        snprintf(lb, sizeof lb, "%s h maximum",
                 dw_report_hours(v->weekly_hard_h, b));
        mk[h.n_markers++] =
            (struct dw_svg_marker){v->weekly_hard_h, lb, DW_HTML_BELOW};
    }
    h.width = DW_HTML_CHART_W;
    h.height = DW_HTML_CHART_H;
    h.title = "Working hours per worker-week";
    h.x_label = "Hours worked on our tasks per ISO week (a lower bound)";
    h.y_label = "worker-weeks";
    h.digits = 0;
    h.bins = bins;
    h.n = n;
    h.last_open = true;
    h.markers = mk;
    return dw_svg_histogram(o, &h);
}

static enum dw_status charts(const struct dw_report_vendor *v, struct dw_buf *o)
{
    enum dw_status st = DW_OK;
    char k[160];

    snprintf(k, sizeof k,
             "<p class=\"suppressed\">suppressed: fewer than %lld workers "
             "(report.min_group)</p>",
             (long long)v->k);
    P("<h2>Distributions</h2><div class=\"charts\">"
      "<div class=\"chart\"><h3>Effective hourly rate vs the minimum "
      "wage</h3>");
    if (v->suppressed)
        P("%s", k);
    else if (v->n_ehr == 0)
        P("<p class=\"suppressed\">no worker-weeks with paid time</p>");
    else if (st == DW_OK)
        st = ehr_chart(v, o);
    P("<p class=\"note\">Worker-weeks by effective hourly rate (%s); red "
      "bars are ",
      v->ehr_is_total ? "all work time" : "paid time only");
    P("below every minimum wage that applied, green at or above it, amber "
      "straddle a minimum wage.</p></div>"
      "<div class=\"chart\"><h3>Weekly working hours</h3>");
    if (v->suppressed)
        P("%s", k);
    else if (st == DW_OK && v->n_hours > 0)
        st = hours_chart(v, o);
    P("<p class=\"note\">Buckets of 6 h include their upper edge, like the "
      "flags: exactly 48 h is not over 48.</p></div></div>");
    return st;
}

static enum dw_status flags_section(const struct dw_report_vendor *v,
                                    struct dw_buf *o)
{
    struct dw_svg_hbar bars[32];
    char labels[32][96];
    size_t n = v->n_flags < 32 ? v->n_flags : 32;
    enum dw_status st = DW_OK;

    P("<h2>Flags by rule</h2>");
    if (n == 0) {
        P("<p>No flags were raised in this run.</p>");
        return st;
    }
    for (size_t i = 0; i < n; i++) {
        snprintf(labels[i], sizeof labels[i], "%s (%s)", v->flags[i].rule,
                 v->flags[i].severity);
        bars[i].label = labels[i];
        bars[i].value = v->flags[i].flags;
        bars[i].fill = severity_fill(v->flags[i].severity);
    }
    P("<div class=\"chart\">");
    if (st == DW_OK)
        st = dw_svg_hbars(o, "Flags by rule and severity", 1100, bars, n);
    P("</div><table><tr><th>rule</th><th>severity</th><th class=\"n\">flags"
      "</th><th class=\"n\">workers flagged</th></tr>");
    for (size_t i = 0; i < v->n_flags; i++) {
        const struct dw_report_flag_count *f = &v->flags[i];
        P("<tr><td>");
        E(f->rule);
        P("</td><td><span class=\"badge %s\">",
          strcmp(f->severity, "amber") == 0      ? "warn"
          : strcmp(f->severity, "red") == 0      ? "bad"
          : strcmp(f->severity, "critical") == 0 ? "crit"
                                                 : "");
        E(f->severity);
        P("</span></td><td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
          "</tr>",
          (long long)f->flags, (long long)f->workers);
    }
    P("</table>");
    return st;
}

static enum dw_status kpis(const struct dw_report_vendor *v, struct dw_buf *o)
{
    enum dw_status st = DW_OK;
    char a[32], b[32], c[32];
    bool pass = dw_report_share_passes(v);

    P("<div class=\"kpis\">");
    if (v->worker_weeks > 0)
        P("<div class=\"kpi %s\"><div class=\"l\">Paid at least the minimum "
          "wage</div><div class=\"v\">%s%%</div><div class=\"s\">%lld of "
          "%lld worker-weeks",
          !v->has_vast_majority ? ""
          : pass                ? "ok"
                                : "bad",
          dw_report_percent(v->weeks_at_or_above, v->worker_weeks, a, sizeof a),
          (long long)v->weeks_at_or_above, (long long)v->worker_weeks);
    else
        P("<div class=\"kpi\"><div class=\"l\">Paid at least the minimum "
          "wage</div><div class=\"v\">&ndash;</div><div class=\"s\">no "
          "worker-weeks with paid time");
    if (v->worker_weeks > 0 && v->has_vast_majority)
        P(" &middot; target %s%% <span class=\"badge %s\">%s</span>",
          dw_report_percent_micros(v->vast_majority, b, sizeof b),
          pass ? "ok" : "bad", pass ? "PASSES" : "FAILS");
    P("</div></div>");
    P("<div class=\"kpi\"><div class=\"l\">Median hourly rate (%s)"
      "</div><div class=\"v\">",
      v->has_full ? "all work" : "paid time");
    if (v->has_full && v->full.has_median_total) {
        P("%s <small>", dw_money_format(v->full.median_ehr_total, 2, a));
        E(v->currency);
        P("/h</small>");
    } else if (!v->has_full && v->has_median) {
        P("%s <small>", dw_money_format(v->median_ehr, 2, a));
        E(v->currency);
        P("/h</small>");
    } else {
        P("&ndash;");
    }
    P("</div><div class=\"s\">");
    if (v->has_floor && v->floor_min == v->floor_max)
        P("minimum wage %s/h", dw_money_format(v->floor_min, 2, a));
    else if (v->has_floor)
        P("minimum wages %s&ndash;%s/h", dw_money_format(v->floor_min, 2, a),
          dw_money_format(v->floor_max, 2, b));
    P("</div></div>");
    P("<div class=\"kpi %s\"><div class=\"l\">Excessive weekly hours</div>"
      "<div class=\"v\">%lld <small>/ %lld</small></div><div class=\"s\">"
      "worker-weeks over %s h / over %s h</div></div>",
      v->hours_over_hard > 0     ? "bad"
      : v->hours_over_normal > 0 ? "warn"
                                 : "ok",
      (long long)v->hours_over_normal, (long long)v->hours_over_hard,
      v->has_weekly_normal ? dw_report_hours(v->weekly_normal_h, a) : "?",
      v->has_weekly_hard ? dw_report_hours(v->weekly_hard_h, b) : "?");
    P("<div class=\"kpi\"><div class=\"l\">Coverage</div><div class=\"v\">"
      "%s%s</div><div class=\"s\">%lld of %lld units have usable times"
      "</div></div>",
      v->units_total > 0
          ? dw_report_percent(v->units_usable, v->units_total, c, sizeof c)
          : "&ndash;",
      v->units_total > 0 ? "%" : "", (long long)v->units_usable,
      (long long)v->units_total);
    P("</div>");
    return st;
}

/* Seconds as hours with one decimal: 5400 -> "1.5". */
static const char *hours_of(int64_t s, char *out)
{
    return dw_money_format(s * (DW_MICROS / 100) / 36, 1, out);
}

static enum dw_status full(const struct dw_report_vendor *v, struct dw_buf *o)
{
    const struct dw_report_full *f = &v->full;
    enum dw_status st = DW_OK;
    char a[32], b[32];

    if (!v->has_full)
        return DW_OK;
    P("<h2>Working time, rest and payment practice</h2><div class=\"two\">"
      "<table><tr><th>hours paid / worked</th><td class=\"n\">%s h / ",
      hours_of(f->paid_s, a));
    P("%s h</td></tr><tr><th>back pay to the minimum wage</th>"
      "<td class=\"n\">%s ",
      hours_of(f->work_s, b), dw_money_format(f->back_pay, 2, a));
    E(v->currency);
    P("</td></tr><tr><th>at or above the living wage</th><td class=\"n\">"
      "%lld of %lld worker-weeks</td></tr>",
      (long long)f->weeks_at_or_above_living,
      (long long)f->worker_weeks_living);
    P("<tr><th>weeks over the 17-week average limit</th><td class=\"n\">"
      "%lld</td></tr><tr><th>days over 8 h</th><td class=\"n\">%lld</td>"
      "</tr><tr><th>daily rest failures (11 h)</th><td class=\"n\">%lld"
      "</td></tr><tr><th>weeks without 35 h rest</th><td class=\"n\">%lld"
      "</td></tr><tr><th>weeks with more than 6 days in a row</th>"
      "<td class=\"n\">%lld</td></tr><tr><th>stretches over 6 h without a "
      "break</th><td class=\"n\">%lld</td></tr><tr><th>night-worker weeks"
      "</th><td class=\"n\">%lld</td></tr><tr><th>worker-weeks in UTC (zone "
      "unknown)</th><td class=\"n\">%lld</td></tr></table>",
      (long long)f->hours_avg_over_48, (long long)f->days_over_8h,
      (long long)f->daily_rest_fails, (long long)f->weekly_rest_weeks,
      (long long)f->consecutive_days_weeks, (long long)f->no_break_stretches,
      (long long)f->night_worker_weeks, (long long)f->tz_unknown_weeks);
    P("<table><tr><th>units approved / rejected / returned</th>"
      "<td class=\"n\">%lld / %lld / %lld</td></tr><tr><th>rejections "
      "reversed</th><td class=\"n\">%lld</td></tr><tr><th>rejection rate"
      "</th><td class=\"n\">",
      (long long)f->units_approved, (long long)f->units_rejected,
      (long long)f->units_returned, (long long)f->units_reversed);
    E(f->rejection_rate ? f->rejection_rate : "-");
    P("</td></tr>");
    if (f->has_approval_delay)
        P("<tr><th>approval delay, median / p90</th><td class=\"n\">%s h / "
          "%s h</td></tr>",
          hours_of(f->approval_delay_median_s, a),
          hours_of(f->approval_delay_p90_s, b));
    if (f->has_payment_delay)
        P("<tr><th>payment delay, median / p90</th><td class=\"n\">%s h / "
          "%s h</td></tr>",
          hours_of(f->payment_delay_median_s, a),
          hours_of(f->payment_delay_p90_s, b));
    P("<tr><th>unpaid 30 days after submission</th><td class=\"n\">%lld of "
      "%lld units</td></tr></table></div>",
      (long long)f->units_unpaid_30d, (long long)f->units_due_30d);
    return st;
}

static enum dw_status criteria(const struct dw_report_vendor *v,
                               struct dw_buf *o)
{
    enum dw_status st = DW_OK;
    int met = 0, assessed = 0;

    for (int i = 0; i < DW_REPORT_CRITERIA; i++) {
        met += v->criteria[i].id && v->criteria[i].verdict == DW_VERDICT_MET;
        assessed += v->criteria[i].id &&
                    v->criteria[i].verdict != DW_VERDICT_NOT_ASSESSED;
    }
    P("<h2>Fairwork-inspired criteria</h2><p class=\"fw-label\">");
    E(dw_report_fairwork_label);
    P(". %d met of %d assessed from data; the others need document "
      "evidence.</p><table><tr><th>#</th><th>criterion</th><th>result</th>"
      "<th>basis</th></tr>",
      met, assessed);
    for (int i = 0; i < DW_REPORT_CRITERIA; i++) {
        const struct dw_report_criterion *c = &v->criteria[i];
        if (c->id == NULL)
            continue;
        P("<tr><td>");
        E(c->id);
        P("</td><td>");
        E(c->title);
        P("</td><td><span class=\"badge %s\">%s</span></td><td>",
          c->verdict == DW_VERDICT_MET       ? "ok"
          : c->verdict == DW_VERDICT_NOT_MET ? "bad"
                                             : "",
          dw_report_verdict_name(c->verdict));
        E(c->basis);
        P("</td></tr>");
    }
    P("</table>");
    return st;
}

static enum dw_status monitoring(const struct dw_report_vendor *v,
                                 struct dw_buf *o)
{
    const struct dw_report_monitoring *mo = &v->monitoring;
    enum dw_status st = DW_OK;

    if (!v->has_monitoring)
        return DW_OK;
    P("<h2>Monitoring intensity</h2><table><tr><th>band</th>"
      "<th class=\"n\">monitored worker-weeks</th><th class=\"n\">"
      "screenshots / h</th><th class=\"n\">webcam shots / h</th>"
      "<th class=\"n\">off-shift cells</th><th class=\"n\">prohibited "
      "practices</th></tr><tr><td>%s%s</td>",
      mo->band >= 0 && mo->band <= 4 ? bands[mo->band] : "&ndash;",
      mo->critical ? " <span class=\"badge crit\">CRITICAL</span>" : "");
    P("<td class=\"n\">%lld of %lld</td><td class=\"n\">",
      (long long)mo->monitored_weeks, (long long)mo->worker_weeks);
    E(mo->sph ? mo->sph : "-");
    P("</td><td class=\"n\">");
    E(mo->wcph ? mo->wcph : "-");
    P("</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td></tr></table>",
      (long long)mo->offshift_segments, (long long)mo->practices_critical);
    return st;
}

static enum dw_status provenance(const struct dw_report_vendor *v,
                                 struct dw_buf *o)
{
    enum dw_status st = DW_OK;

    P("<h2>Provenance</h2><div class=\"two\"><table>");
    P("<tr><th>window</th><td>");
    E(v->window_from);
    P(" to ");
    E(v->window_to);
    P(" (whole ISO weeks ");
    E(v->period_from);
    P(" to ");
    E(v->period_to);
    P(", %s)</td></tr>", v->time_basis && strcmp(v->time_basis, "local") == 0
                             ? "worker-local time"
                             : "UTC");
    P("<tr><th>analysis run</th><td>#%lld (%s), finished ",
      (long long)v->run_id, v->all_vendors ? "all vendors" : "this vendor");
    E(v->finished_at);
    P("</td></tr><tr><th>method version</th><td>");
    E(v->method_version);
    P("</td></tr><tr><th>threshold set</th><td>");
    E(v->threshold_set);
    P("</td></tr><tr><th>currency and FX</th><td>");
    E(v->currency);
    P("; ");
    E(dw_report_fx_basis);
    if (v->fx_latest_date != NULL) {
        P("; rates through ");
        E(v->fx_latest_date);
    }
    P("</td></tr><tr><th>minimum wage basis</th><td>worker's country %lld, "
      "source default %lld, fallback %lld worker-weeks</td></tr>",
      (long long)v->basis_worker, (long long)v->basis_source_default,
      (long long)v->basis_fallback);
    P("<tr><th>sources</th><td>");
    for (size_t i = 0; i < v->n_sources; i++) {
        if (i > 0)
            P(", ");
        E(v->sources[i].name);
        P(" (");
        E(v->sources[i].platform);
        P(")");
    }
    P("</td></tr><tr><th>privacy</th><td>distributions hide groups of fewer "
      "than %lld workers</td></tr></table>",
      (long long)v->k);
    P("<table><tr><th>threshold</th><th class=\"n\">value</th><th>unit</th>"
      "</tr>");
    for (size_t i = 0; i < v->n_thresholds; i++) {
        const struct dw_report_threshold *t = &v->thresholds[i];
        P("<tr><td>");
        E(t->name);
        P("</td><td class=\"n\">");
        E(t->value);
        P("</td><td>");
        E(t->unit ? t->unit : "");
        P("</td></tr>");
    }
    P("</table></div>");
    return st;
}

static enum dw_status caveats(const struct dw_report_vendor *v,
                              struct dw_buf *o)
{
    enum dw_status st = DW_OK;

    (void)v;
    P("<h2>Read with care</h2><ul class=\"caveats\"><li><b>");
    E(dw_report_lower_bound_caveat);
    P("</b></li><li>The hourly rate counts paid time only (the union of "
      "accepted-to-submitted spans, parallel tasks counted once). Unpaid "
      "time such as rejected work and task search is not in it yet, so it "
      "overstates pay per hour actually worked.</li><li>Coverage is the "
      "share of work units with usable start and end times; units without "
      "them are in neither the hours nor the rate.</li><li>The Fairwork "
      "criteria are ");
    E(dw_report_fairwork_label);
    P(".</li></ul>");
    return st;
}

static enum dw_status vendor(const struct dw_report_model *m,
                             const struct dw_report_vendor *v, struct dw_buf *o)
{
    enum dw_status st = DW_OK;

    (void)m;
    P("<section class=\"vendor\"><h1>");
    E(v->name);
    if (v->country != NULL) {
        P("<span class=\"cc\">");
        E(v->country);
        P("</span>");
    }
    P("</h1>");
    if (!v->covered) {
        P("<p class=\"meta\">No finished analysis run covers this vendor%s."
          "</p></section>",
          m->requested_run > 0 ? " in this run" : "");
        return st;
    }
    P("<p class=\"meta\"><span>Window <b>");
    E(v->window_from);
    P(" &ndash; ");
    E(v->window_to);
    P("</b></span><span>Run #%lld</span><span>Method ", (long long)v->run_id);
    E(v->method_version);
    P("</span><span>Thresholds ");
    E(v->threshold_set);
    P("</span><span>%lld workers, %lld worker-weeks</span></p>",
      (long long)v->workers, (long long)v->worker_weeks);
    if (st == DW_OK)
        st = kpis(v, o);
    if (st == DW_OK)
        st = charts(v, o);
    if (st == DW_OK)
        st = flags_section(v, o);
    if (st == DW_OK)
        st = full(v, o);
    if (st == DW_OK)
        st = monitoring(v, o);
    if (st == DW_OK)
        st = criteria(v, o);
    if (st == DW_OK)
        st = provenance(v, o);
    if (st == DW_OK)
        st = caveats(v, o);
    P("</section>\n");
    return st;
}

/* The comparison table when the page holds several vendors. */
static enum dw_status summary(const struct dw_report_model *m, struct dw_buf *o)
{
    enum dw_status st = DW_OK;
    char a[32], b[32];

    P("<section class=\"summary\"><h1>Vendors compared</h1><table><tr>"
      "<th>vendor</th><th>window</th><th class=\"n\">workers</th>"
      "<th class=\"n\">worker-weeks</th><th class=\"n\">at or above minimum "
      "wage</th><th class=\"n\">median hourly rate</th><th class=\"n\">"
      "weeks over normal / max hours</th><th class=\"n\">coverage</th>"
      "</tr>");
    for (size_t i = 0; i < m->n; i++) {
        const struct dw_report_vendor *v = &m->vendors[i];
        bool pass = dw_report_share_passes(v);
        P("<tr><td><b>");
        E(v->name);
        P("</b></td>");
        if (!v->covered) {
            P("<td colspan=\"7\">no finished analysis run</td></tr>");
            continue;
        }
        P("<td>");
        E(v->window_from);
        P(" &ndash; ");
        E(v->window_to);
        P("</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td>",
          (long long)v->workers, (long long)v->worker_weeks);
        if (v->worker_weeks > 0)
            P("<td class=\"n\">%s%% <span class=\"badge %s\">%s</span></td>",
              dw_report_percent(v->weeks_at_or_above, v->worker_weeks, a,
                                sizeof a),
              pass ? "ok" : "bad", pass ? "passes" : "fails");
        else
            P("<td class=\"n\">&ndash;</td>");
        if (v->has_full ? v->full.has_median_total : v->has_median) {
            P("<td class=\"n\">%s ",
              dw_money_format(v->has_full ? v->full.median_ehr_total
                                          : v->median_ehr,
                              2, b));
            E(v->currency);
            P("/h</td>");
        } else {
            P("<td class=\"n\">&ndash;</td>");
        }
        P("<td class=\"n\">%lld / %lld</td><td class=\"n\">%s%s</td></tr>",
          (long long)v->hours_over_normal, (long long)v->hours_over_hard,
          v->units_total > 0
              ? dw_report_percent(v->units_usable, v->units_total, a, sizeof a)
              : "&ndash;",
          v->units_total > 0 ? "%" : "");
    }
    P("</table></section>\n");
    return st;
}

enum dw_status dw_report_html_render(const struct dw_report_model *m,
                                     struct dw_buf *o)
{
    enum dw_status st = DW_OK;

    P("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<title>");
    if (m->n == 1) {
        P("Vendor scorecard: ");
        E(m->vendors[0].name);
    } else {
        P("Vendor scorecards");
    }
    P("</title><style>%s</style></head>\n<body><div class=\"page\">"
      "<div class=\"brand\"><span><b>decentwork</b> &middot; vendor "
      "scorecard</span><span>generated ",
      css);
    E(m->generated_at ? m->generated_at : "");
    P("</span></div>\n");
    if (m->n > 1 && st == DW_OK)
        st = summary(m, o);
    for (size_t i = 0; st == DW_OK && i < m->n; i++)
        st = vendor(m, &m->vendors[i], o);
    P("</div></body></html>\n");
    return st;
}
#undef P
#undef E
