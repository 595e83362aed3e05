/* analyzer/report_text.c — `dw-analyze report`: a vendor scorecard as text. */
#include "report_text.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "money.h"
#include "rules.h"
#include "run.h"

/* micro-units as a percentage with one decimal: 750000 -> "75.0". */
static const char *percent(int64_t share_micros, char *out, size_t n)
{
    int64_t tenths = (share_micros + 500) / 1000;
    snprintf(out, n, "%lld.%lld", (long long)(tenths / 10),
             (long long)(tenths % 10));
    return out;
}

/* part/whole as a percentage with one decimal, rounded half up. */
static const char *ratio(int64_t part, int64_t whole, char *out, size_t n)
{
    return percent(dw_share_micros(part, whole), out, n);
}

enum dw_status dw_report_text_render(const struct dw_report_row *r,
                                     struct dw_buf *o)
{
    char a[32], b[32];
    enum dw_status st = DW_OK;
    size_t title = strlen("Vendor scorecard: ") + strlen(r->vendor);

#define P(...)                                                                 \
    do {                                                                       \
        if (st == DW_OK)                                                       \
            st = dw_buf_printf(o, __VA_ARGS__);                                \
    } while (0)

    P("Vendor scorecard: %s\n", r->vendor);
    for (size_t i = 0; i < title; i++)
        P("=");
    P("\n");
    P("Window              %s to %s (whole ISO weeks %s to %s, UTC)\n",
      r->window_from, r->window_to, r->period_from, r->period_to);
    P("Analysis run        #%lld (%s), finished %s\n", (long long)r->run_id,
      r->all_vendors ? "all vendors" : "this vendor", r->finished_at);
    P("Method version      %s\n", r->method_version);
    P("Threshold set       %s\n", r->threshold_set);
    P("Report currency     %s\n", r->currency);
    P("Coverage            %lld of %lld units have usable times (%s%%)\n",
      (long long)r->units_usable, (long long)r->units_total,
      r->units_total > 0 ? ratio(r->units_usable, r->units_total, a, sizeof a)
                         : "-");
    P("\n");
    P("Workers                      %lld\n", (long long)r->workers);
    P("Worker-weeks                 %lld\n", (long long)r->worker_weeks);
    if (r->worker_weeks > 0) {
        P("At or above minimum wage     %lld of %lld worker-weeks (%s%%)",
          (long long)r->weeks_at_or_above, (long long)r->worker_weeks,
          ratio(r->weeks_at_or_above, r->worker_weeks, a, sizeof a));
        if (r->vast_majority >= 0)
            P(": %s the %s%% line (vast_majority_share)\n",
              dw_share_at_least(r->weeks_at_or_above, r->worker_weeks,
                                r->vast_majority)
                  ? "passes"
                  : "FAILS",
              percent(r->vast_majority, b, sizeof b));
        else
            P("\n");
    } else {
        P("At or above minimum wage     no worker-weeks with paid time\n");
    }
    if (r->has_median)
        P("Median hourly rate (paid)    %s %s/h\n",
          dw_money_format(r->median_ehr, 2, a), r->currency);
    else
        P("Median hourly rate (paid)    -\n");
    P("Worker-weeks over %s h       %lld\n", r->weekly_normal,
      (long long)r->hours_over_48);
    P("Worker-weeks over %s h       %lld\n", r->weekly_hard,
      (long long)r->hours_over_60);
    P("\n");
    P("Notes\n");
    P("- Hours count only work on our tasks: a lower bound. Workers may "
      "work\n  elsewhere too, so excessive hours can only be under-counted.\n");
    P("- Paid time only: the union of accepted-to-submitted spans of "
      "submitted and\n  approved work, parallel tasks counted once. Unpaid "
      "time (rejected and\n  returned work, task search) is not computed "
      "yet, so the hourly rate is\n  EHR_paid, which overstates pay per "
      "hour actually worked.\n");
    P("- Money is converted to %s at the rate of each payment date (else "
      "the\n  submission date), the latest on or before it; minimum wages "
      "at the rate\n  of each week's Monday. Floor: the worker's country, "
      "else the source's\n  default, else mw_fallback_usd.\n",
      r->currency);
    P("- Weeks are ISO weeks in UTC; worker-local time, daily hours, rest, "
      "night\n  work, payment practice and monitoring are not computed "
      "yet.\n");
    P("- This is a text rendering; JSON, CSV and HTML (with charts) will "
      "come as\n  `dw-analyze report --format json|csv|html`.\n");
#undef P
    return st;
}

static const char report_sql[] =
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
    " r.thresholds->>'weekly_hours_hard_max' "
    "FROM dw.vendor v"
    " JOIN dw.vendor_period vp ON vp.vendor_id = v.vendor_id"
    " JOIN dw.analysis_run r ON r.analysis_run_id = vp.analysis_run_id "
    "WHERE r.status = 'done'"
    " AND ($1::text IS NULL OR v.name = $1::text)"
    " AND ($2::bigint IS NULL OR r.analysis_run_id = $2::bigint) "
    "ORDER BY v.name, r.finished_at DESC, r.analysis_run_id DESC";

static int64_t i64(PGresult *res, int row, int col)
{
    return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static enum dw_status render_row(PGresult *res, int i, struct dw_buf *o)
{
    struct dw_report_row r;
    int64_t vm;

    memset(&r, 0, sizeof r);
    r.vendor = PQgetvalue(res, i, 0);
    r.run_id = i64(res, i, 1);
    r.finished_at = PQgetvalue(res, i, 2);
    r.all_vendors = strcmp(PQgetvalue(res, i, 3), "t") == 0;
    r.window_from = PQgetvalue(res, i, 4);
    r.window_to = PQgetvalue(res, i, 5);
    r.period_from = PQgetvalue(res, i, 6);
    r.period_to = PQgetvalue(res, i, 7);
    r.method_version = PQgetvalue(res, i, 8);
    r.threshold_set = PQgetvalue(res, i, 9);
    r.currency = PQgetvalue(res, i, 10);
    r.units_total = i64(res, i, 11);
    r.units_usable = i64(res, i, 12);
    r.workers = i64(res, i, 13);
    r.worker_weeks = i64(res, i, 14);
    r.weeks_at_or_above = i64(res, i, 15);
    r.has_median = !PQgetisnull(res, i, 16);
    r.median_ehr = r.has_median ? i64(res, i, 16) : 0;
    r.hours_over_48 = i64(res, i, 17);
    r.hours_over_60 = i64(res, i, 18);
    r.vast_majority = -1;
    if (!PQgetisnull(res, i, 19) &&
        dw_decimal_parse(PQgetvalue(res, i, 19), 6, DW_ROUND_HALF_AWAY, false,
                         &vm) == DW_OK)
        r.vast_majority = vm;
    r.weekly_normal =
        PQgetisnull(res, i, 20) ? "weekly normal" : PQgetvalue(res, i, 20);
    r.weekly_hard =
        PQgetisnull(res, i, 21) ? "weekly maximum" : PQgetvalue(res, i, 21);
    return dw_report_text_render(&r, o);
}

enum dw_status dw_report_text(PGconn *conn, const struct dw_report_opts *opts,
                              FILE *out, struct dw_error *err)
{
    char id[24];
    const char *params[2] = {opts->vendor, NULL};
    PGresult *res = NULL, *names = NULL;
    struct dw_buf o;
    enum dw_status st;
    int64_t vendor_id;
    int row = 0;

    dw_buf_init(&o, 0);
    if (opts->vendor != NULL) {
        /* An unknown name is a usage error, told apart from "no run". */
        st = dw_vendor_id(conn, opts->vendor, &vendor_id, err);
        if (st != DW_OK)
            return st;
        (void)vendor_id;
    }
    if (opts->run_id > 0) {
        snprintf(id, sizeof id, "%lld", (long long)opts->run_id);
        params[1] = id;
        st = dw_db_exec(conn,
                        "SELECT 1 FROM dw.analysis_run WHERE analysis_run_id"
                        " = $1::bigint AND status = 'done'",
                        1, &params[1], &res, err);
        if (st != DW_OK)
            return st;
        if (PQntuples(res) == 0)
            st = dw_error_set(err, DW_ERR_USAGE,
                              "no finished analysis run #%lld",
                              (long long)opts->run_id);
        PQclear(res);
        res = NULL;
        if (st != DW_OK)
            return st;
    }
    st = dw_db_exec(conn, report_sql, 2, params, &res, err);
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
        st = render_row(res, 0, &o);
    } else {
        /* Every vendor by name, with the ones no run covers said so. */
        st = dw_db_exec(conn, "SELECT name FROM dw.vendor ORDER BY name", 0,
                        NULL, &names, err);
        for (int i = 0; st == DW_OK && i < PQntuples(names); i++) {
            const char *name = PQgetvalue(names, i, 0);
            if (i > 0)
                st = dw_buf_puts(&o, "\n");
            if (st != DW_OK)
                break;
            if (row < PQntuples(res) &&
                strcmp(PQgetvalue(res, row, 0), name) == 0)
                st = render_row(res, row++, &o);
            else
                st =
                    dw_buf_printf(&o,
                                  "Vendor scorecard: %s\n  no finished "
                                  "analysis run covers this vendor%s.\n",
                                  name, opts->run_id > 0 ? " in this run" : "");
        }
    }
    if (st == DW_OK && o.len > 0 && fwrite(o.data, 1, o.len, out) != o.len)
        st = dw_error_set(err, DW_ERR_IO, "writing the report failed");
    else if (st == DW_ERR_NOMEM || st == DW_ERR_TOO_LARGE)
        dw_error_set(err, st, "report: out of memory");

done:
    PQclear(res);
    PQclear(names);
    dw_buf_release(&o);
    return st;
}
