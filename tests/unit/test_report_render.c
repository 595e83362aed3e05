/* tests/unit/test_report_render.c — scorecard renderers on a hand-built model.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "report_csv.h"
#include "report_html.h"
#include "report_json.h"
#include "report_model.h"
#include "report_text.h"
#include "svg.h"

/*
 * The model: fairlabel's figures from tests/integration/test_analyze.c.
 * 6 units, 5 usable; 2 workers, 2 worker-weeks, 1 at or above the
 * minimum wage; median EHR 5666667 micro-USD/h; floors 1497845 (PH) and
 * 7250000 (US) USD/h; EHR buckets of 2 USD/h: W2's 1.333333 in [0, 2),
 * W3's 10.00 in [10, 12); hours 1.5 h and 0.75 h both in [0, 6].
 */
static const struct dw_report_threshold thresholds[] = {
    {"vast_majority_share", "0.90", "share"},
    {"weekly_hours_normal", "48", "h/week"},
};
static const struct dw_report_flag_count flags[] = {
    {"below_minimum_wage", "red", 1, 1},
    {"share_below_vast_majority", "red", 1, 0},
};
static const struct dw_report_source sources[] = {{"src-b", "file", "PH"}};
static struct dw_report_bucket ehr[8];
static struct dw_report_bucket hours[DW_REPORT_HOURS_BUCKETS];

static void build(struct dw_report_model *m, struct dw_report_vendor *v,
                  const char *name, int64_t k)
{
    memset(m, 0, sizeof *m);
    memset(v, 0, sizeof *v);
    for (size_t i = 0; i < 8; i++) {
        ehr[i].lo = (int64_t)i * 2000000;
        ehr[i].hi = i < 7 ? (int64_t)(i + 1) * 2000000 : -1;
        ehr[i].count = (i == 0 || i == 5) ? 1 : 0;
    }
    for (size_t i = 0; i < DW_REPORT_HOURS_BUCKETS; i++) {
        hours[i].lo = (int64_t)i * 6000000;
        hours[i].hi =
            i + 1 < DW_REPORT_HOURS_BUCKETS ? (int64_t)(i + 1) * 6000000 : -1;
        hours[i].count = i == 0 ? 2 : 0;
    }
    v->name = name;
    v->country = "PH";
    v->covered = true;
    v->run_id = 7;
    v->finished_at = "2026-11-24T10:00:00Z";
    v->all_vendors = true;
    v->window_from = v->period_from = "2026-11-02";
    v->window_to = v->period_to = "2026-11-15";
    v->method_version = "2026.11-1";
    v->threshold_set = "default";
    v->currency = "USD";
    v->time_basis = "utc";
    v->fx_latest_date = "2026-11-10";
    v->thresholds = thresholds;
    v->n_thresholds = 2;
    v->sources = sources;
    v->n_sources = 1;
    v->units_total = 6;
    v->units_usable = 5;
    v->workers = 2;
    v->worker_weeks = 2;
    v->weeks_at_or_above = 1;
    v->has_median = true;
    v->median_ehr = 5666667;
    v->has_vast_majority = true;
    v->vast_majority = 900000;
    v->has_weekly_normal = v->has_weekly_hard = true;
    v->weekly_normal_h = 48000000;
    v->weekly_hard_h = 60000000;
    v->has_floor = true;
    v->floor_min = 1497845;
    v->floor_max = 7250000;
    v->floor_countries = 2;
    v->basis_worker = 1;
    v->basis_source_default = 1;
    v->k = k;
    v->distinct_workers = 2;
    v->suppressed = v->distinct_workers < k;
    v->ehr_step = 2000000;
    v->ehr = v->suppressed ? NULL : ehr;
    v->n_ehr = v->suppressed ? 0 : 8;
    v->hours = v->suppressed ? NULL : hours;
    v->n_hours = v->suppressed ? 0 : DW_REPORT_HOURS_BUCKETS;
    v->flags = flags;
    v->n_flags = 2;
    dw_report_judge(v);
    m->generated_at = "2026-11-24T11:00:00Z";
    m->k = k;
    m->vendors = v;
    m->n = 1;
}

static char *render(const struct dw_report_model *m, enum dw_report_format f)
{
    struct dw_buf b;

    dw_buf_init(&b, 0);
    assert_int_equal(dw_report_render(m, f, &b), DW_OK);
    return dw_buf_take(&b);
}

static void assert_contains(const char *hay, const char *needle)
{
    if (strstr(hay, needle) == NULL)
        fail_msg("output lacks \"%s\":\n%s", needle, hay);
}

static void json_money_is_a_decimal_string_with_its_currency(void **state)
{
    struct dw_report_model m;
    struct dw_report_vendor v;
    json_error_t jerr;
    json_t *root, *vj;
    char *out;

    (void)state;
    build(&m, &v, "fairlabel", 2);
    out = render(&m, DW_REPORT_JSON);
    root = json_loads(out, 0, &jerr);
    assert_non_null(root);
    assert_int_equal(json_integer_value(json_object_get(root, "min_group")), 2);
    vj = json_array_get(json_object_get(root, "vendors"), 0);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(vj, "vendor"), "name")),
                        "fairlabel");
    /* 5666667 micro-USD -> "5.666667" USD, exact */
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(vj, "median_ehr_paid"), "amount")),
                        "5.666667");
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(vj, "median_ehr_paid"), "currency")),
        "USD");
    /* 1 of 2 worker-weeks = 0.5; target 0.90; fails */
    json_t *mw = json_object_get(vj, "minimum_wage");
    assert_string_equal(json_string_value(json_object_get(mw, "share")),
                        "0.500000");
    assert_string_equal(json_string_value(json_object_get(mw, "target_share")),
                        "0.900000");
    assert_true(json_is_false(json_object_get(mw, "passes")));
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(mw, "hourly_floor_min"), "amount")),
                        "1.497845");
    /* coverage 5 / 6 = 0.8333333.. -> 0.833333 */
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(vj, "coverage"), "share")),
                        "0.833333");
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(vj, "run"), "id")),
        7);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(vj, "run"), "method_version")),
                        "2026.11-1");
    /* flags in model order, counts as integers */
    json_t *f0 = json_array_get(json_object_get(vj, "flags"), 0);
    assert_string_equal(json_string_value(json_object_get(f0, "rule")),
                        "below_minimum_wage");
    assert_int_equal(json_integer_value(json_object_get(f0, "flags")), 1);
    /* the second EHR bucket is [2, 4) USD/h with no worker-weeks */
    json_t *b1 = json_array_get(
        json_object_get(
            json_object_get(json_object_get(vj, "distributions"), "ehr"),
            "buckets"),
        1);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(b1, "from"), "amount")),
                        "2.000000");
    assert_int_equal(json_integer_value(json_object_get(b1, "worker_weeks")),
                     0);
    /* 1.2 fails (50% < 90%), 2.1 is met (no week over 48 or 60 h) */
    json_t *crit =
        json_object_get(json_object_get(vj, "fairwork_inspired"), "criteria");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(crit, 1), "verdict")),
        "not_met");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(crit, 2), "verdict")),
        "met");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(vj, "fairwork_inspired"), "label")),
                        "inspired by Fairwork, not a Fairwork rating");
    /* no JSON real anywhere: money and shares are strings */
    assert_null(strstr(out, "5.666667,"));
    json_decref(root);
    free(out);
}

static void csv_quotes_commas_quotes_and_newlines(void **state)
{
    struct dw_buf b;

    (void)state;
    dw_buf_init(&b, 0);
    assert_int_equal(dw_csv_field(&b, "plain"), DW_OK);
    assert_int_equal(dw_buf_putc(&b, '|'), DW_OK);
    assert_int_equal(dw_csv_field(&b, "a,b"), DW_OK);
    assert_int_equal(dw_buf_putc(&b, '|'), DW_OK);
    assert_int_equal(dw_csv_field(&b, "say \"hi\""), DW_OK);
    assert_int_equal(dw_buf_putc(&b, '|'), DW_OK);
    assert_int_equal(dw_csv_field(&b, "two\r\nlines"), DW_OK);
    assert_int_equal(dw_buf_putc(&b, '|'), DW_OK);
    assert_int_equal(dw_csv_field(&b, "=1+1"), DW_OK);
    assert_int_equal(dw_buf_putc(&b, '|'), DW_OK);
    assert_int_equal(dw_csv_field(&b, "-3.5"), DW_OK);
    assert_string_equal(b.data, "plain|\"a,b\"|\"say \"\"hi\"\"\"|"
                                "\"two\r\nlines\"|'=1+1|-3.5");
    dw_buf_release(&b);
}

static void csv_has_one_row_per_metric_with_threshold_and_status(void **state)
{
    struct dw_report_model m;
    struct dw_report_vendor v;
    char *out;

    (void)state;
    build(&m, &v, "acme, \"intl\"", 2);
    out = render(&m, DW_REPORT_CSV);
    assert_true(
        strncmp(out, "vendor,metric,value,unit,threshold,status\r\n", 43) == 0);
    /* the vendor name is quoted, its quotes doubled */
    assert_contains(out, "\"acme, \"\"intl\"\"\",share_at_or_above_min,"
                         "0.500000,share,0.900000,fail\r\n");
    assert_contains(out, ",median_ehr_paid,5.666667,USD/h,,\r\n");
    assert_contains(out, ",weeks_over_normal_hours,0,worker-weeks,48,ok\r\n");
    assert_contains(out, ",flags_below_minimum_wage,1,flags,,red\r\n");
    assert_contains(out, ",weeks_ehr_paid_10.00_to_12.00,1,worker-weeks,,"
                         "\r\n");
    assert_contains(out, ",weeks_hours_0_to_6,2,worker-weeks,,\r\n");
    assert_contains(out, ",weeks_ehr_paid_14.00_and_more,0,");
    free(out);
}

static void html_escapes_a_hostile_vendor_name(void **state)
{
    struct dw_report_model m;
    struct dw_report_vendor v;
    char *out;

    (void)state;
    build(&m, &v, "<script>&\"", 2);
    out = render(&m, DW_REPORT_HTML);
    assert_null(strstr(out, "<script>"));
    assert_contains(out, "<title>Vendor scorecard: &lt;script&gt;&amp;&quot;"
                         "</title>");
    assert_contains(out, "<h1>&lt;script&gt;&amp;&quot;<span");
    /* self-contained: no external asset */
    assert_null(strstr(out, "src=\""));
    assert_null(strstr(out, "href=\""));
    assert_contains(out, "inspired by Fairwork, not a Fairwork rating");
    assert_contains(out, dw_report_lower_bound_caveat);
    free(out);
}

static void html_draws_the_minimum_wage_line_at_its_value(void **state)
{
    struct dw_report_model m;
    struct dw_report_vendor v;
    char *out;

    (void)state;
    build(&m, &v, "fairlabel", 2);
    out = render(&m, DW_REPORT_HTML);
    /*
     * Chart 560 px wide: plot from x = 56 to 560 - 24 = 536, 480 px. Eight
     * buckets of 2 USD/h: axis 0..16 USD/h. Lowest floor 1.497845 USD/h:
     * 56 + 1.497845 / 16 x 480 = 56 + 44.935 = 100.9.
     * Highest 7.25: 56 + 7.25 / 16 x 480 = 56 + 217.5 = 273.5.
     */
    assert_contains(out, "<line x1=\"100.9\" y1=\"22.0\" x2=\"100.9\"");
    assert_contains(out, "<line x1=\"273.5\" y1=\"22.0\" x2=\"273.5\"");
    assert_contains(out, ">lowest 1.50 USD/h</text>");
    /* hours axis 13 x 6 h = 78 h; 48 h at 56 + 48/78 x 480 = 351.4 */
    assert_contains(out, "<line x1=\"351.4\" y1=\"22.0\" x2=\"351.4\"");
    free(out);
}

static void svg_x_scales_linearly_from_the_left_margin(void **state)
{
    struct dw_svg_bin bins[2] = {{0, 10000000, 3, NULL},
                                 {10000000, 20000000, 1, NULL}};
    struct dw_svg_histogram h;

    (void)state;
    memset(&h, 0, sizeof h);
    h.width = 600;
    h.height = 200;
    h.bins = bins;
    h.n = 2;
    /* plot 600 - 56 - 24 = 520 px over 20 units: 7.25 -> 56 + 188.5 */
    assert_true(dw_svg_x(&h, 7250000) > 244.49 &&
                dw_svg_x(&h, 7250000) < 244.51);
    /* beyond the axis clamps to its end: 56 + 520 */
    assert_true(dw_svg_x(&h, 99000000) > 575.99 &&
                dw_svg_x(&h, 99000000) < 576.01);
}

static void small_groups_are_suppressed_in_every_format(void **state)
{
    struct dw_report_model m;
    struct dw_report_vendor v;
    char *out;

    (void)state;
    build(&m, &v, "fairlabel", 5); /* 2 workers < k = 5 */
    out = render(&m, DW_REPORT_HTML);
    assert_contains(out, "suppressed: fewer than 5 workers");
    assert_null(strstr(out, "lowest 1.50 USD/h"));
    free(out);
    out = render(&m, DW_REPORT_TEXT);
    assert_contains(out, "suppressed: fewer than 5 workers");
    free(out);
    out = render(&m, DW_REPORT_CSV);
    assert_contains(out, ",distributions,suppressed: fewer than 5 workers,"
                         "workers,5,suppressed\r\n");
    assert_null(strstr(out, "weeks_ehr_paid_"));
    free(out);
    out = render(&m, DW_REPORT_JSON);
    assert_contains(out, "\"reason\": \"suppressed: fewer than k workers\"");
    free(out);
}

static void text_keeps_the_scorecard_lines(void **state)
{
    struct dw_report_model m;
    struct dw_report_vendor v;
    char *out;

    (void)state;
    build(&m, &v, "fairlabel", 2);
    out = render(&m, DW_REPORT_TEXT);
    assert_contains(out, "Vendor scorecard: fairlabel\n"
                         "===========================\n");
    assert_contains(out, "5 of 6 units have usable times (83.3%)");
    assert_contains(out, "1 of 2 worker-weeks (50.0%): FAILS the 90.0% line");
    assert_contains(out, "Median hourly rate (paid)    5.67 USD/h");
    assert_contains(out, "Worker-weeks over 48 h       0");
    assert_contains(out, "  red      below_minimum_wage                "
                         "1  (1 worker)");
    free(out);
}

static void an_uncovered_vendor_says_so(void **state)
{
    struct dw_report_model m;
    struct dw_report_vendor v;
    char *out;

    (void)state;
    build(&m, &v, "newco", 5);
    v.covered = false;
    dw_report_judge(&v);
    out = render(&m, DW_REPORT_TEXT);
    assert_string_equal(out, "Vendor scorecard: newco\n  no finished analysis "
                             "run covers this vendor.\n");
    free(out);
    out = render(&m, DW_REPORT_CSV);
    assert_contains(out, "newco,covered,false,,,no finished analysis run\r\n");
    free(out);
}

static void the_ehr_step_is_a_round_number(void **state)
{
    (void)state;
    /* 20 USD/h in 10 steps: 2 USD */
    assert_int_equal(dw_report_ehr_step(20000000), 2000000);
    /* 31.775 / 10 = 3.1775 -> 5 (2.5 x 10 = 25 < 31.775) */
    assert_int_equal(dw_report_ehr_step(31775000), 5000000);
    /* 2.2 / 10 = 0.22 -> 0.25 */
    assert_int_equal(dw_report_ehr_step(2200000), 250000);
    assert_int_equal(dw_report_ehr_step(0), 1000000);
}

static void an_unknown_format_is_a_usage_error(void **state)
{
    enum dw_report_format f = DW_REPORT_TEXT;
    struct dw_error err = {DW_OK, ""};

    (void)state;
    assert_int_equal(dw_report_format_parse("html", &f, &err), DW_OK);
    assert_int_equal(f, DW_REPORT_HTML);
    assert_int_equal(dw_report_format_parse("pdf", &f, &err), DW_ERR_USAGE);
    assert_string_equal(
        err.msg, "unknown report format 'pdf' (text, json, csv or html)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_money_is_a_decimal_string_with_its_currency),
        cmocka_unit_test(csv_quotes_commas_quotes_and_newlines),
        cmocka_unit_test(csv_has_one_row_per_metric_with_threshold_and_status),
        cmocka_unit_test(html_escapes_a_hostile_vendor_name),
        cmocka_unit_test(html_draws_the_minimum_wage_line_at_its_value),
        cmocka_unit_test(svg_x_scales_linearly_from_the_left_margin),
        cmocka_unit_test(small_groups_are_suppressed_in_every_format),
        cmocka_unit_test(text_keeps_the_scorecard_lines),
        cmocka_unit_test(an_uncovered_vendor_says_so),
        cmocka_unit_test(the_ehr_step_is_a_round_number),
        cmocka_unit_test(an_unknown_format_is_a_usage_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
