/* tests/unit/test_worktime.c — interval merging and ISO-week splits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "dwtime.h"
#include "worktime.h"

#define MIN (60LL * DW_USEC)
#define SEC DW_USEC

/* µs of y-m-d hh:mm:ss UTC. */
static int64_t at(int y, unsigned m, unsigned d, int hh, int mm, int ss)
{
    return dw_days_from_civil(y, m, d) * DW_DAY_US +
           ((int64_t)hh * 3600 + mm * 60 + ss) * SEC;
}

static void merges_overlapping_parallel_tasks_once(void **state)
{
    /* [10:00, 10:20] and [10:10, 10:30] overlap: one cluster
     * [10:00, 10:30] = 30 min, not 20 + 20 = 40 min. */
    struct dw_interval iv[] = {
        {at(2026, 11, 24, 10, 10, 0), at(2026, 11, 24, 10, 30, 0)},
        {at(2026, 11, 24, 10, 0, 0), at(2026, 11, 24, 10, 20, 0)},
    };
    size_t n = dw_intervals_merge(iv, 2, 60 * SEC);
    (void)state;
    assert_int_equal(n, 1);
    assert_int_equal(iv[0].start, at(2026, 11, 24, 10, 0, 0));
    assert_int_equal(iv[0].end, at(2026, 11, 24, 10, 30, 0));
    assert_int_equal(dw_intervals_total(iv, n), 30 * MIN);
}

static void counts_a_nested_task_inside_another_once(void **state)
{
    /* [10:15, 10:45] lies inside [10:00, 11:00]: 60 min in all. */
    struct dw_interval iv[] = {
        {at(2026, 11, 24, 10, 0, 0), at(2026, 11, 24, 11, 0, 0)},
        {at(2026, 11, 24, 10, 15, 0), at(2026, 11, 24, 10, 45, 0)},
    };
    size_t n = dw_intervals_merge(iv, 2, 60 * SEC);
    (void)state;
    assert_int_equal(n, 1);
    assert_int_equal(dw_intervals_total(iv, n), 60 * MIN);
}

static void merges_a_gap_of_exactly_sixty_seconds(void **state)
{
    /* [10:00, 10:10] then [10:11, 10:20]: the gap is 60 s <= 60 s, so one
     * cluster [10:00, 10:20] = 20 min (the minute between counts). */
    struct dw_interval iv[] = {
        {at(2026, 11, 24, 10, 0, 0), at(2026, 11, 24, 10, 10, 0)},
        {at(2026, 11, 24, 10, 11, 0), at(2026, 11, 24, 10, 20, 0)},
    };
    size_t n = dw_intervals_merge(iv, 2, 60 * SEC);
    (void)state;
    assert_int_equal(n, 1);
    assert_int_equal(dw_intervals_total(iv, n), 20 * MIN);
}

static void keeps_a_gap_of_sixty_one_seconds_apart(void **state)
{
    /* [10:00:00, 10:10:00] then [10:11:01, 10:20:00]: the gap is 61 s, so
     * two clusters: 600 s + 539 s = 1139 s. */
    struct dw_interval iv[] = {
        {at(2026, 11, 24, 10, 0, 0), at(2026, 11, 24, 10, 10, 0)},
        {at(2026, 11, 24, 10, 11, 1), at(2026, 11, 24, 10, 20, 0)},
    };
    size_t n = dw_intervals_merge(iv, 2, 60 * SEC);
    (void)state;
    assert_int_equal(n, 2);
    assert_int_equal(dw_intervals_total(iv, n), 1139 * SEC);
}

static void chains_clusters_across_many_short_gaps(void **state)
{
    /* Three tasks 10:00-10:05, 10:05:30-10:06, 10:07-10:08 (gaps 30 s and
     * 60 s) plus an empty submit-at-accept task at 10:08:30: one cluster
     * 10:00-10:08:30 = 510 s. */
    struct dw_interval iv[] = {
        {at(2026, 11, 24, 10, 7, 0), at(2026, 11, 24, 10, 8, 0)},
        {at(2026, 11, 24, 10, 0, 0), at(2026, 11, 24, 10, 5, 0)},
        {at(2026, 11, 24, 10, 8, 30), at(2026, 11, 24, 10, 8, 30)},
        {at(2026, 11, 24, 10, 5, 30), at(2026, 11, 24, 10, 6, 0)},
    };
    size_t n = dw_intervals_merge(iv, 4, 60 * SEC);
    (void)state;
    assert_int_equal(n, 1);
    assert_int_equal(dw_intervals_total(iv, n), 510 * SEC);
    assert_int_equal(dw_intervals_merge(iv, 0, 60 * SEC), 0);
}

static void splits_sunday_night_work_at_monday_midnight_utc(void **state)
{
    /* Sunday 2026-11-22 23:30 to Monday 2026-11-23 00:30 UTC: 30 min in
     * the ISO week of Monday 2026-11-16 and 30 min in the week of Monday
     * 2026-11-23. */
    struct dw_interval iv = {at(2026, 11, 22, 23, 30, 0),
                             at(2026, 11, 23, 0, 30, 0)};
    struct dw_weeks w;
    (void)state;
    dw_weeks_init(&w);
    assert_int_equal(dw_weeks_add_interval(&w, &iv, NULL), DW_OK);
    assert_int_equal(w.n, 2);
    assert_int_equal(w.v[0].monday, dw_days_from_civil(2026, 11, 16));
    assert_int_equal(w.v[0].paid_us, 30 * MIN);
    assert_int_equal(w.v[1].monday, dw_days_from_civil(2026, 11, 23));
    assert_int_equal(w.v[1].paid_us, 30 * MIN);
    dw_weeks_release(&w);
}

static int64_t plus_one_hour(const void *ctx, int64_t utc_us)
{
    (void)ctx;
    (void)utc_us;
    return 3600;
}

static void splits_at_local_midnight_when_given_an_offset(void **state)
{
    /* The same span at UTC+1 is Monday 00:30-01:30 local: all 60 min in
     * the week of 2026-11-23. */
    struct dw_interval iv = {at(2026, 11, 22, 23, 30, 0),
                             at(2026, 11, 23, 0, 30, 0)};
    struct dw_tz tz = {plus_one_hour, NULL, "UTC+1"};
    struct dw_weeks w;
    (void)state;
    dw_weeks_init(&w);
    assert_int_equal(dw_weeks_add_interval(&w, &iv, &tz), DW_OK);
    assert_int_equal(w.n, 1);
    assert_int_equal(w.v[0].monday, dw_days_from_civil(2026, 11, 23));
    assert_int_equal(w.v[0].paid_us, 60 * MIN);
    dw_weeks_release(&w);
}

static void adds_weeks_in_order_whatever_order_spans_come(void **state)
{
    /* 2 h on Wed 2026-11-25, then 1 h on Wed 2026-11-18, then 30 min more
     * on Thu 2026-11-26: week 11-16 = 1 h, week 11-23 = 2.5 h. */
    struct dw_interval a = {at(2026, 11, 25, 8, 0, 0),
                            at(2026, 11, 25, 10, 0, 0)};
    struct dw_interval b = {at(2026, 11, 18, 8, 0, 0),
                            at(2026, 11, 18, 9, 0, 0)};
    struct dw_interval c = {at(2026, 11, 26, 8, 0, 0),
                            at(2026, 11, 26, 8, 30, 0)};
    struct dw_weeks w;
    (void)state;
    dw_weeks_init(&w);
    assert_int_equal(dw_weeks_add_interval(&w, &a, NULL), DW_OK);
    assert_int_equal(dw_weeks_add_interval(&w, &b, NULL), DW_OK);
    assert_int_equal(dw_weeks_add_interval(&w, &c, NULL), DW_OK);
    assert_int_equal(w.n, 2);
    assert_int_equal(w.v[0].monday, dw_days_from_civil(2026, 11, 16));
    assert_int_equal(w.v[0].paid_us, 60 * MIN);
    assert_int_equal(w.v[1].paid_us, 150 * MIN);
    assert_non_null(dw_weeks_find(&w, dw_days_from_civil(2026, 11, 23)));
    assert_null(dw_weeks_find(&w, dw_days_from_civil(2026, 11, 30)));
    dw_weeks_release(&w);
}

static void converts_time_to_micro_hours(void **state)
{
    (void)state;
    /* 30 min = 0.5 h; 62 h = 62,000,000 micro-hours; 1 s = 1/3600 h =
     * 277.78 -> 278 micro-hours. */
    assert_int_equal(dw_hours_micros(30 * MIN), 500000);
    assert_int_equal(dw_hours_micros(62 * 60 * MIN), 62000000);
    assert_int_equal(dw_hours_micros(SEC), 278);
}

static void parses_only_real_dates(void **state)
{
    int64_t d;
    char out[DW_DATE_MAX];
    (void)state;
    assert_int_equal(dw_date_parse("2024-02-29", &d, NULL), DW_OK);
    assert_string_equal(dw_date_format(d, out), "2024-02-29");
    assert_int_equal(dw_date_parse("2026-02-29", &d, NULL), DW_ERR_PARSE);
    assert_int_equal(dw_date_parse("2026-1-01", &d, NULL), DW_ERR_PARSE);
    assert_int_equal(dw_date_parse("2026-11-24x", &d, NULL), DW_ERR_PARSE);
    /* 2026-11-24 is a Tuesday: its ISO week starts Monday 2026-11-23. */
    assert_int_equal(dw_week_monday(NULL, at(2026, 11, 24, 12, 0, 0)),
                     dw_days_from_civil(2026, 11, 23));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(merges_overlapping_parallel_tasks_once),
        cmocka_unit_test(counts_a_nested_task_inside_another_once),
        cmocka_unit_test(merges_a_gap_of_exactly_sixty_seconds),
        cmocka_unit_test(keeps_a_gap_of_sixty_one_seconds_apart),
        cmocka_unit_test(chains_clusters_across_many_short_gaps),
        cmocka_unit_test(splits_sunday_night_work_at_monday_midnight_utc),
        cmocka_unit_test(splits_at_local_midnight_when_given_an_offset),
        cmocka_unit_test(adds_weeks_in_order_whatever_order_spans_come),
        cmocka_unit_test(converts_time_to_micro_hours),
        cmocka_unit_test(parses_only_real_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
