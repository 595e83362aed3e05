/* tests/unit/test_rules.c — thresholds, flags and vendor tallies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "dwtime.h"
#include "practice.h"
#include "rules.h"
#include "scorecard.h"
#include "worktime.h"

/* The seeded default set (sql/seed/thresholds.sql). */
static void defaults(struct dw_thresholds *t)
{
    static const char *const rows[][3] = {
        {"parallel_merge_gap", "60", "s"},
        {"search_gap_max", "600", "s"},
        {"unpaid_gross_up", "0.33", "h/h"},
        {"weekly_hours_normal", "48", "h/week"},
        {"weekly_hours_hard_max", "60", "h/week"},
        {"weekly_hours_avg_max", "48", "h/week"},
        {"weekly_avg_reference_weeks", "17", "weeks"},
        {"daily_hours_normal", "8", "h/day"},
        {"daily_rest_min", "11", "h"},
        {"weekly_rest_min", "35", "h"},
        {"max_consecutive_days", "6", "days"},
        {"break_after_hours", "6", "h"},
        {"break_min_minutes", "15", "min"},
        {"night_start_local", "22", "hour"},
        {"night_end_local", "5", "hour"},
        {"night_worker_hours", "3", "h"},
        {"mw_fallback_usd", "7.25", "USD/h"},
        {"ehr_min_ratio", "1.00", "x"},
        {"ehr_living_ratio", "1.00", "x"},
        {"vast_majority_share", "0.90", "share"},
        {"payment_delay_warn", "14", "days"},
        {"payment_delay_red", "30", "days"},
        {"unpaid_after_days", "30", "days"},
        {"rejection_rate_warn", "0.02", "share"},
        {"rejection_rate_red", "0.05", "share"},
    };
    dw_thresholds_init(t, "default", dw_days_from_civil(2026, 11, 15));
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_int_equal(
            dw_thresholds_add(t, rows[i][0], rows[i][1], rows[i][2], 0, NULL),
            DW_OK);
}

static void reads_thresholds_as_exact_micro_units(void **state)
{
    struct dw_thresholds t;
    struct dw_rule_params p;
    (void)state;
    defaults(&t);
    assert_int_equal(dw_rule_params_from(&t, &p, NULL), DW_OK);
    /* 60 s = 60,000,000 µs; 48 h = 48,000,000 micro-hours; 0.90 =
     * 900,000 micro. */
    assert_int_equal(p.merge_gap_us, 60 * DW_USEC);
    assert_int_equal(p.weekly_normal_h, 48000000);
    assert_int_equal(p.weekly_hard_h, 60000000);
    assert_int_equal(p.fallback_floor_usd, 7250000);
    assert_int_equal(p.vast_majority_share, 900000);
    dw_thresholds_release(&t);
}

static void takes_the_latest_row_valid_by_the_window_end(void **state)
{
    struct dw_thresholds t;
    int64_t v;
    (void)state;
    dw_thresholds_init(&t, "default", dw_days_from_civil(2026, 11, 15));
    /* 48 from 2020, 40 from 2026-01-01, 35 from 2027: 40 applies. */
    assert_int_equal(dw_thresholds_add(&t, "weekly_hours_normal", "48", "h",
                                       dw_days_from_civil(2020, 1, 1), NULL),
                     DW_OK);
    assert_int_equal(dw_thresholds_add(&t, "weekly_hours_normal", "35", "h",
                                       dw_days_from_civil(2027, 1, 1), NULL),
                     DW_OK);
    assert_int_equal(dw_thresholds_add(&t, "weekly_hours_normal", "40", "h",
                                       dw_days_from_civil(2026, 1, 1), NULL),
                     DW_OK);
    assert_int_equal(dw_threshold_get(&t, "weekly_hours_normal", &v, NULL),
                     DW_OK);
    assert_int_equal(v, 40000000);
    assert_int_equal(dw_thresholds_add(&t, "x", "1.0000001", "h", 0, NULL),
                     DW_ERR_PARSE);
    dw_thresholds_release(&t);
}

static void names_a_missing_threshold(void **state)
{
    struct dw_thresholds t;
    struct dw_rule_params p;
    struct dw_error err;
    (void)state;
    memset(&err, 0, sizeof err);
    dw_thresholds_init(&t, "default", dw_days_from_civil(2026, 11, 15));
    assert_int_equal(
        dw_thresholds_add(&t, "parallel_merge_gap", "60", "s", 0, NULL), DW_OK);
    assert_int_equal(dw_rule_params_from(&t, &p, &err), DW_ERR_NOT_FOUND);
    /* The second name the method needs. */
    assert_non_null(strstr(err.msg, "'search_gap_max'"));
    assert_non_null(strstr(err.msg, "set 'default'"));
    dw_thresholds_release(&t);
}

static struct dw_worker_week week(int64_t paid_us, int64_t earnings,
                                  int64_t ehr, int64_t floor, bool above)
{
    struct dw_worker_week w;
    memset(&w, 0, sizeof w);
    w.vendor_id = 7;
    memset(w.worker_key, 'a', DW_WORKER_KEY_LEN);
    w.week_start = dw_days_from_civil(2026, 11, 2);
    w.paid_us = paid_us;
    w.work_us = paid_us;
    w.earnings = earnings;
    w.has_ehr = paid_us > 0;
    w.ehr_paid = ehr;
    w.has_ehr_total = paid_us > 0;
    w.ehr_total = ehr;
    w.min_wage = floor;
    w.at_or_above_known = paid_us > 0;
    w.at_or_above = above;
    return w;
}

static void flags_hours_strictly_above_48_and_60(void **state)
{
    struct dw_thresholds t;
    struct dw_rule_params p;
    struct dw_flag f[DW_RULES_WEEK_MAX];
    struct dw_worker_week w;
    (void)state;
    defaults(&t);
    assert_int_equal(dw_rule_params_from(&t, &p, NULL), DW_OK);
    /* Exactly 48 h is not over 48. */
    w = week(48 * DW_HOUR_US, 0, 0, 0, true);
    assert_int_equal(dw_rules_worker_week(&p, &w, "USD", f), 0);
    /* 48 h + 1 s is. */
    w = week(48 * DW_HOUR_US + DW_USEC, 0, 0, 0, true);
    assert_int_equal(dw_rules_worker_week(&p, &w, "USD", f), 1);
    assert_string_equal(f[0].rule, "hours_over_48");
    assert_int_equal(f[0].severity, DW_SEV_AMBER);
    /* 62 h: both, value 62 h, thresholds 48 and 60; the week ends on
     * Sunday 2026-11-08. */
    w = week(62 * DW_HOUR_US, 0, 0, 0, true);
    assert_int_equal(dw_rules_worker_week(&p, &w, "USD", f), 2);
    assert_string_equal(f[1].rule, "hours_over_60");
    assert_int_equal(f[1].severity, DW_SEV_RED);
    assert_int_equal(f[1].value, 62000000);
    assert_int_equal(f[1].threshold, 60000000);
    assert_int_equal(f[1].period_end, dw_days_from_civil(2026, 11, 8));
    dw_thresholds_release(&t);
}

static void flags_pay_below_the_floor(void **state)
{
    struct dw_thresholds t;
    struct dw_rule_params p;
    struct dw_flag f[DW_RULES_WEEK_MAX];
    struct dw_worker_week w;
    (void)state;
    defaults(&t);
    assert_int_equal(dw_rule_params_from(&t, &p, NULL), DW_OK);
    /* 2.00 USD for 1.5 h = 1.333333/h against a 1.497845 floor. */
    w = week(90 * 60 * DW_USEC, 2000000, 1333333, 1497845, false);
    assert_int_equal(dw_rules_worker_week(&p, &w, "USD", f), 1);
    assert_string_equal(f[0].rule, "below_minimum_wage");
    assert_int_equal(f[0].value, 1333333);
    assert_int_equal(f[0].threshold, 1497845);
    assert_string_equal(f[0].unit, "USD/h");
    assert_non_null(strstr(f[0].evidence, "\"paid_s\":5400"));
    /* The same week with 30 min of unpaid search time: work 2 h, the
     * flag's value is EHR_total = 2.00 / 2 h = 1.000000/h. */
    w = week(90 * 60 * DW_USEC, 2000000, 1333333, 1497845, false);
    w.work_us = 2 * DW_HOUR_US;
    w.ehr_total = 1000000;
    assert_int_equal(dw_rules_worker_week(&p, &w, "USD", f), 1);
    assert_int_equal(f[0].value, 1000000);
    assert_non_null(strstr(f[0].evidence, "\"work_s\":7200"));
    /* A week with no paid time has no rate and no pay flag. */
    w = week(0, 1000000, 0, 1497845, false);
    assert_int_equal(dw_rules_worker_week(&p, &w, "USD", f), 0);
    dw_thresholds_release(&t);
}

static void flags_a_vendor_below_the_vast_majority_line(void **state)
{
    struct dw_thresholds t;
    struct dw_rule_params p;
    struct dw_flag f;
    (void)state;
    defaults(&t);
    assert_int_equal(dw_rule_params_from(&t, &p, NULL), DW_OK);
    /* 9 of 10 = 0.90: at the line, no flag. 8 of 10 = 0.80 < 0.90. */
    assert_false(dw_rules_vendor_share(&p, 1, 10, 9, 0, 13, &f));
    assert_true(dw_rules_vendor_share(&p, 1, 10, 8, 0, 13, &f));
    assert_int_equal(f.value, 800000);
    assert_int_equal(f.threshold, 900000);
    assert_int_equal(f.subject, DW_SUBJ_VENDOR);
    /* No worker-weeks: nothing to judge. */
    assert_false(dw_rules_vendor_share(&p, 1, 0, 0, 0, 13, &f));
    /* 2/3 = 0.666667 (rounded half up). */
    assert_int_equal(dw_share_micros(2, 3), 666667);
    dw_thresholds_release(&t);
}

static void takes_the_exact_integer_median(void **state)
{
    int64_t odd[] = {3, 1, 2};
    int64_t even[] = {4, 1, 3, 2};
    int64_t ehr[] = {1333333, 10000000};
    int64_t m;
    (void)state;
    /* {1,2,3} -> 2; {1,2,3,4} -> 2.5 -> 3 (half away from zero);
     * (1333333 + 10000000) / 2 = 5666666.5 -> 5666667. */
    assert_true(dw_median_i64(odd, 3, &m));
    assert_int_equal(m, 2);
    assert_true(dw_median_i64(even, 4, &m));
    assert_int_equal(m, 3);
    assert_true(dw_median_i64(ehr, 2, &m));
    assert_int_equal(m, 5666667);
    assert_false(dw_median_i64(odd, 0, &m));
}

static void tallies_worker_weeks_for_the_scorecard(void **state)
{
    struct dw_thresholds t;
    struct dw_rule_params p;
    struct dw_scorecard sc;
    struct dw_worker_week a =
        week(62 * DW_HOUR_US, 0, 16370968, 15887500, true);
    struct dw_worker_week b =
        week(90 * 60 * DW_USEC, 0, 14400000, 7250000, true);
    struct dw_worker_week c = week(0, 0, 0, 7250000, false);
    int64_t m;
    (void)state;
    defaults(&t);
    assert_int_equal(dw_rule_params_from(&t, &p, NULL), DW_OK);
    dw_scorecard_init(&sc, 1);
    assert_int_equal(dw_scorecard_add_week(&sc, &p, &a), DW_OK);
    assert_int_equal(dw_scorecard_add_week(&sc, &p, &b), DW_OK);
    assert_int_equal(dw_scorecard_add_week(&sc, &p, &c), DW_OK);
    /* c has no paid time: not a worker-week with a rate. */
    assert_int_equal(sc.worker_weeks, 2);
    assert_int_equal(sc.weeks_at_or_above, 2);
    assert_int_equal(sc.hours_over_48, 1);
    assert_int_equal(sc.hours_over_60, 1);
    /* (14400000 + 16370968) / 2 = 15385484. */
    assert_true(dw_scorecard_median(&sc, &m));
    assert_int_equal(m, 15385484);
    dw_scorecard_release(&sc);
    dw_thresholds_release(&t);
}

static void flags_rejection_rates_above_two_and_five_percent(void **state)
{
    struct dw_thresholds t;
    struct dw_rule_params p;
    struct dw_flag f[DW_RULES_PRACTICE_MAX];
    struct dw_practice_summary s;
    (void)state;
    defaults(&t);
    assert_int_equal(dw_rule_params_from(&t, &p, NULL), DW_OK);
    memset(&s, 0, sizeof s);
    s.has_rejection_rate = true;
    /* 2 of 100 = 0.02: at the warning line, no flag. */
    s.rejection_rate = 20000;
    assert_int_equal(dw_rules_vendor_practice(&p, 1, &s, 2, 100, 0, 0, 0, 6, f),
                     0);
    /* 3 of 100 = 0.03 > 0.02: amber. */
    s.rejection_rate = 30000;
    assert_int_equal(dw_rules_vendor_practice(&p, 1, &s, 3, 100, 0, 0, 0, 6, f),
                     1);
    assert_string_equal(f[0].rule, "rejection_rate");
    assert_int_equal(f[0].severity, DW_SEV_AMBER);
    assert_int_equal(f[0].threshold, 20000);
    /* 6 of 100 = 0.06 > 0.05: red. */
    s.rejection_rate = 60000;
    assert_int_equal(dw_rules_vendor_practice(&p, 1, &s, 6, 100, 0, 0, 0, 6, f),
                     1);
    assert_int_equal(f[0].severity, DW_SEV_RED);
    assert_int_equal(f[0].threshold, 50000);
    dw_thresholds_release(&t);
}

static void flags_slow_payment_and_work_unpaid_after_30_days(void **state)
{
    struct dw_thresholds t;
    struct dw_rule_params p;
    struct dw_flag f[DW_RULES_PRACTICE_MAX];
    struct dw_practice_summary s;
    (void)state;
    defaults(&t);
    assert_int_equal(dw_rule_params_from(&t, &p, NULL), DW_OK);
    memset(&s, 0, sizeof s);
    s.has_payment_delay = true;
    /* Median exactly 14 days (1,209,600 s), p90 exactly 30 days
     * (2,592,000 s): neither is over its line. */
    s.payment_median_s = 14 * 86400;
    s.payment_p90_s = 30 * 86400;
    assert_int_equal(dw_rules_vendor_practice(&p, 1, &s, 0, 0, 0, 0, 0, 6, f),
                     0);
    /* Median 14 days + 1 s: amber, value 14.000012 days (1 s / 86400 =
     * 0.0000116 -> 12 micro-days, rounded). */
    s.payment_median_s = 14 * 86400 + 1;
    assert_int_equal(dw_rules_vendor_practice(&p, 1, &s, 0, 0, 0, 0, 0, 6, f),
                     1);
    assert_string_equal(f[0].rule, "payment_delay");
    assert_int_equal(f[0].severity, DW_SEV_AMBER);
    assert_int_equal(f[0].value, 14000012);
    /* p90 of 31 days: red, value 31 days; and 2 of 5 due units unpaid
     * after 30 days: red, value 2 units. */
    s.payment_p90_s = 31 * 86400;
    assert_int_equal(dw_rules_vendor_practice(&p, 1, &s, 0, 0, 2, 5, 0, 6, f),
                     2);
    assert_int_equal(f[0].severity, DW_SEV_RED);
    assert_int_equal(f[0].value, 31000000);
    assert_int_equal(f[0].threshold, 30000000);
    assert_string_equal(f[1].rule, "unpaid_after_30_days");
    assert_int_equal(f[1].value, 2000000);
    dw_thresholds_release(&t);
}

static void
flags_a_long_day_and_a_night_worker_but_not_without_a_zone(void **state)
{
    struct dw_thresholds t;
    struct dw_rule_params p;
    struct dw_flag f[DW_RULES_WEEK_MAX];
    struct dw_worker_day d;
    struct dw_worker_week w;
    (void)state;
    defaults(&t);
    assert_int_equal(dw_rule_params_from(&t, &p, NULL), DW_OK);
    memset(&d, 0, sizeof d);
    d.day = dw_days_from_civil(2026, 11, 3);
    /* Exactly 8 h is not over 8; 8 h + 1 s is. */
    d.work_us = 8 * DW_HOUR_US;
    assert_false(dw_rules_worker_day(&p, &d, &f[0]));
    d.work_us = 8 * DW_HOUR_US + DW_USEC;
    assert_true(dw_rules_worker_day(&p, &d, &f[0]));
    assert_string_equal(f[0].rule, "daily_hours_over_8");
    assert_int_equal(f[0].subject, DW_SUBJ_WORKER_DAY);
    assert_int_equal(f[0].period_start, d.day);

    /* Night worker: 3 nights of >= 3 h on 5 days worked (3 x 2 >= 5). */
    w = week(10 * DW_HOUR_US, 0, 0, 0, true);
    w.night_known = true;
    w.night_worker = true;
    w.night_us = 9 * DW_HOUR_US;
    w.night_nights = 3;
    w.days_worked = 5;
    assert_int_equal(dw_rules_worker_week(&p, &w, "USD", f), 1);
    assert_string_equal(f[0].rule, "night_worker");
    assert_int_equal(f[0].value, 9000000);
    /* Unknown zone: night_known is false, no night flag ever. */
    w.night_known = false;
    assert_int_equal(dw_rules_worker_week(&p, &w, "USD", f), 0);
    dw_thresholds_release(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_thresholds_as_exact_micro_units),
        cmocka_unit_test(takes_the_latest_row_valid_by_the_window_end),
        cmocka_unit_test(names_a_missing_threshold),
        cmocka_unit_test(flags_hours_strictly_above_48_and_60),
        cmocka_unit_test(flags_pay_below_the_floor),
        cmocka_unit_test(flags_a_vendor_below_the_vast_majority_line),
        cmocka_unit_test(takes_the_exact_integer_median),
        cmocka_unit_test(tallies_worker_weeks_for_the_scorecard),
        cmocka_unit_test(flags_rejection_rates_above_two_and_five_percent),
        cmocka_unit_test(flags_slow_payment_and_work_unpaid_after_30_days),
        cmocka_unit_test(
            flags_a_long_day_and_a_night_worker_but_not_without_a_zone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
