/* tests/unit/test_worktime.c — intervals, weeks, local days, rest, night. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "dwtime.h"
#include "tz.h"
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
    assert_int_equal(w.v[0].us, 30 * MIN);
    assert_int_equal(w.v[1].monday, dw_days_from_civil(2026, 11, 23));
    assert_int_equal(w.v[1].us, 30 * MIN);
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
    assert_int_equal(w.v[0].us, 60 * MIN);
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
    assert_int_equal(w.v[0].us, 60 * MIN);
    assert_int_equal(w.v[1].us, 150 * MIN);
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

#define HOUR DW_HOUR_US

/* A struct dw_tz over a zone of db (the zone caches: not const). */
static int64_t zone_off(const void *ctx, int64_t utc_us)
{
    struct dw_zone *z = (struct dw_zone *)(uintptr_t)ctx;
    int64_t s = utc_us / DW_USEC - (utc_us % DW_USEC < 0);
    return dw_zone_offset(z, s);
}

static struct dw_tz zone_tz(struct dw_tzdb *db, const char *name)
{
    struct dw_zone *z = NULL;
    struct dw_tz tz;
    assert_int_equal(dw_tzdb_get(db, name, &z, NULL), DW_OK);
    tz.offset = zone_off;
    tz.ctx = z;
    tz.name = name;
    return tz;
}

static void splits_a_berlin_week_at_local_midnight_across_dst(void **state)
{
    /* Europe/Berlin switches to CEST on Sunday 2026-03-29 at 01:00 UTC.
     * Local Monday 30 March 00:00 CEST is Sunday 22:00 UTC. A span from
     * Saturday 28 March 12:00Z to Monday 30 March 00:00Z gives the week
     * of 23 March 12:00Z..22:00Z next day = 34 h and the week of 30 March
     * 2 h (22:00Z..24:00Z). The offset at the span's start (+1 h) would
     * have cut at 23:00Z instead. */
    struct dw_tzdb *db = dw_tzdb_new(NULL);
    struct dw_tz tz = zone_tz(db, "Europe/Berlin");
    struct dw_interval iv = {at(2026, 3, 28, 12, 0, 0),
                             at(2026, 3, 30, 0, 0, 0)};
    struct dw_weeks w;
    struct dw_days d;
    (void)state;
    dw_weeks_init(&w);
    assert_int_equal(dw_weeks_add_interval(&w, &iv, &tz), DW_OK);
    assert_int_equal(w.n, 2);
    assert_int_equal(w.v[0].monday, dw_days_from_civil(2026, 3, 23));
    assert_int_equal(w.v[0].us, 34 * HOUR);
    assert_int_equal(w.v[1].us, 2 * HOUR);
    /* Local Sunday 29 March has 23 hours: 00:00 CET = Sat 23:00Z to
     * 24:00 CEST = Sun 22:00Z. Saturday gets 12:00Z..23:00Z = 11 h. */
    dw_days_init(&d);
    assert_int_equal(dw_days_add_interval(&d, &iv, &tz, DW_DAY_WORK), DW_OK);
    assert_int_equal(dw_days_find(&d, dw_days_from_civil(2026, 3, 28))->work_us,
                     11 * HOUR);
    assert_int_equal(dw_days_find(&d, dw_days_from_civil(2026, 3, 29))->work_us,
                     23 * HOUR);
    assert_int_equal(dw_days_find(&d, dw_days_from_civil(2026, 3, 30))->work_us,
                     2 * HOUR);
    dw_days_release(&d);
    dw_weeks_release(&w);
    dw_tzdb_free(db);
}

static void puts_manila_work_on_the_local_day_not_the_utc_day(void **state)
{
    /* Asia/Manila is UTC+8: 2026-11-23 20:00Z-22:00Z is 24 Nov
     * 04:00-06:00 local, so 2 h on the 24th and nothing on the 23rd. */
    struct dw_tzdb *db = dw_tzdb_new(NULL);
    struct dw_tz tz = zone_tz(db, "Asia/Manila");
    struct dw_interval iv = {at(2026, 11, 23, 20, 0, 0),
                             at(2026, 11, 23, 22, 0, 0)};
    struct dw_days d;
    (void)state;
    dw_days_init(&d);
    assert_int_equal(dw_days_add_interval(&d, &iv, &tz, DW_DAY_PAID), DW_OK);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.v[0].day, dw_days_from_civil(2026, 11, 24));
    assert_int_equal(d.v[0].paid_us, 2 * HOUR);
    assert_null(dw_days_find(&d, dw_days_from_civil(2026, 11, 23)));
    assert_int_equal(dw_local_day(&tz, iv.start),
                     dw_days_from_civil(2026, 11, 24));
    dw_days_release(&d);
    dw_tzdb_free(db);
}

static void counts_five_night_hours_for_a_23_to_4_shift(void **state)
{
    /* Berlin in November is UTC+1: 23:00-04:00 local on 10/11 Nov is
     * 22:00Z-03:00Z. Night is 22:00-05:00 local, so all 5 h are night,
     * counted on the 10th, when the night began. */
    struct dw_tzdb *db = dw_tzdb_new(NULL);
    struct dw_tz tz = zone_tz(db, "Europe/Berlin");
    struct dw_interval iv = {at(2026, 11, 10, 22, 0, 0),
                             at(2026, 11, 11, 3, 0, 0)};
    struct dw_days d;
    (void)state;
    dw_days_init(&d);
    assert_int_equal(dw_days_add_night(&d, &iv, &tz, 22, 5), DW_OK);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.v[0].day, dw_days_from_civil(2026, 11, 10));
    assert_int_equal(d.v[0].night_us, 5 * HOUR);
    /* 20:00-23:30 local (19:00Z-22:30Z) has 1.5 h of night. */
    dw_days_reset(&d);
    iv.start = at(2026, 11, 12, 19, 0, 0);
    iv.end = at(2026, 11, 12, 22, 30, 0);
    assert_int_equal(dw_days_add_night(&d, &iv, &tz, 22, 5), DW_OK);
    assert_int_equal(d.v[0].night_us, 90 * MIN);
    dw_days_release(&d);
    dw_tzdb_free(db);
}

static void joins_blocks_across_search_gaps_of_ten_minutes(void **state)
{
    /* Clusters 10:00-10:20, 10:30-10:40 (gap 10 min: joined), 10:50:01-
     * 11:00 (gap 10 min 1 s: a new block). */
    struct dw_interval iv[] = {
        {at(2026, 11, 24, 10, 0, 0), at(2026, 11, 24, 10, 20, 0)},
        {at(2026, 11, 24, 10, 30, 0), at(2026, 11, 24, 10, 40, 0)},
        {at(2026, 11, 24, 10, 50, 1), at(2026, 11, 24, 11, 0, 0)},
    };
    (void)state;
    assert_int_equal(dw_blocks_join(iv, 3, 600 * SEC), 2);
    assert_int_equal(iv[0].end, at(2026, 11, 24, 10, 40, 0));
    assert_int_equal(iv[1].start, at(2026, 11, 24, 10, 50, 1));
}

struct rest_seen {
    int n;
    int64_t start;
    int64_t longest;
};

static void on_rest(void *ctx, int64_t start, int64_t longest)
{
    struct rest_seen *r = ctx;
    r->n++;
    r->start = start;
    r->longest = longest;
}

static void flags_a_day_with_10h59_rest_but_not_11h(void **state)
{
    /* A 00:00-06:00, B 16:59-23:30, C next day 00:10-01:00. The window
     * from A (00:00-24:00) holds the rest A->B = 10 h 59 min and 30 min
     * of B->C: no 11 h, one failure. The windows from B and C reach past
     * C's end, where rest runs on: fine. With B at 17:00 the rest is
     * 11 h exactly: no failure. */
    struct dw_interval b[] = {
        {at(2026, 11, 2, 0, 0, 0), at(2026, 11, 2, 6, 0, 0)},
        {at(2026, 11, 2, 16, 59, 0), at(2026, 11, 2, 23, 30, 0)},
        {at(2026, 11, 3, 0, 10, 0), at(2026, 11, 3, 1, 0, 0)},
    };
    struct rest_seen r = {0, 0, 0};
    (void)state;
    assert_int_equal(dw_rest_check(b, 3, 24 * HOUR, 11 * HOUR, on_rest, &r), 1);
    assert_int_equal(r.start, at(2026, 11, 2, 0, 0, 0));
    assert_int_equal(r.longest, 10 * HOUR + 59 * MIN);
    b[1].start = at(2026, 11, 2, 17, 0, 0);
    assert_int_equal(dw_rest_check(b, 3, 24 * HOUR, 11 * HOUR, NULL, NULL), 0);
}

static void the_data_edge_never_fails_weekly_rest(void **state)
{
    /* Five days 08:00-20:00 (12 h rest between): every 7-day window
     * reaches past the last block, whose rest runs on: no failure. */
    struct dw_interval b[8];
    (void)state;
    for (unsigned i = 0; i < 5; i++) {
        b[i].start = at(2026, 11, 2 + i, 8, 0, 0);
        b[i].end = at(2026, 11, 2 + i, 20, 0, 0);
    }
    assert_int_equal(dw_rest_check(b, 5, 7 * DW_DAY_US, 35 * HOUR, NULL, NULL),
                     0);
    /* Eight such days (2-9 Nov): the window from day 1, Mon 2 Nov 08:00
     * to Mon 9 Nov 08:00, holds only 12 h rests and ends before day 8's
     * block does: one failure. The window from day 2 reaches past the
     * last block's end: fine. */
    for (unsigned i = 0; i < 8; i++) {
        b[i].start = at(2026, 11, 2 + i, 8, 0, 0);
        b[i].end = at(2026, 11, 2 + i, 20, 0, 0);
    }
    assert_int_equal(dw_rest_check(b, 8, 7 * DW_DAY_US, 35 * HOUR, NULL, NULL),
                     1);
}

static void counts_seven_consecutive_days_with_work(void **state)
{
    /* 1 h every day Monday 2 Nov to Sunday 8 Nov: the streak ending on
     * Sunday is 7; a day off on Wednesday makes Sunday's streak 4
     * (Thu..Sun). */
    struct dw_days d;
    (void)state;
    dw_days_init(&d);
    for (unsigned i = 0; i < 7; i++) {
        struct dw_interval iv = {at(2026, 11, 2 + i, 9, 0, 0),
                                 at(2026, 11, 2 + i, 10, 0, 0)};
        if (i == 2)
            continue;
        assert_int_equal(dw_days_add_interval(&d, &iv, NULL, DW_DAY_WORK),
                         DW_OK);
    }
    assert_int_equal(dw_days_streak(&d, d.n - 1), 4);
    {
        struct dw_interval wed = {at(2026, 11, 4, 9, 0, 0),
                                  at(2026, 11, 4, 10, 0, 0)};
        assert_int_equal(dw_days_add_interval(&d, &wed, NULL, DW_DAY_WORK),
                         DW_OK);
    }
    assert_int_equal(dw_days_streak(&d, d.n - 1), 7);
    dw_days_release(&d);
}

static void
a_break_of_exactly_15_minutes_counts_but_14_59_does_not(void **state)
{
    /* 08:00-11:30 and 11:45-15:00: a 15 min break, stretches of 3.5 h
     * and 3.25 h, none over 6 h. With the second block at 11:44:59 the
     * gap is 14 min 59 s: one stretch 08:00-15:00 = 7 h > 6 h. */
    struct dw_interval b[] = {
        {at(2026, 11, 2, 8, 0, 0), at(2026, 11, 2, 11, 30, 0)},
        {at(2026, 11, 2, 11, 45, 0), at(2026, 11, 2, 15, 0, 0)},
    };
    (void)state;
    assert_int_equal(dw_no_break_check(b, 2, 15 * MIN, 6 * HOUR, NULL, NULL),
                     0);
    b[1].start = at(2026, 11, 2, 11, 44, 59);
    assert_int_equal(dw_no_break_check(b, 2, 15 * MIN, 6 * HOUR, NULL, NULL),
                     1);
}

static void averages_seventeen_weeks_counting_empty_weeks_as_zero(void **state)
{
    /* 60 h in each of 14 weeks and nothing in 3: 840 h / 17 = 49.41 h >
     * 48; the mean ends with the week given. */
    struct dw_weeks w;
    int64_t last = dw_days_from_civil(2026, 11, 23);
    (void)state;
    dw_weeks_init(&w);
    for (int i = 0; i < 14; i++) {
        struct dw_interval iv;
        iv.start = (last - 7 * i) * DW_DAY_US;
        iv.end = iv.start + 60 * HOUR;
        assert_int_equal(dw_weeks_add_interval(&w, &iv, NULL), DW_OK);
    }
    /* (840 h in µs + 8) / 17 */
    assert_int_equal(dw_weeks_rolling_mean(&w, last, 17),
                     (840 * HOUR + 8) / 17);
    assert_true(dw_weeks_rolling_mean(&w, last, 17) > 48 * HOUR);
    /* Four weeks later the 17 weeks start at last - 12 weeks: 13 of the
     * 14 fall in, 780 h / 17 = 45.9 h < 48. */
    assert_int_equal(dw_weeks_rolling_mean(&w, last + 28, 17),
                     (780 * HOUR + 8) / 17);
    dw_weeks_release(&w);
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
        cmocka_unit_test(splits_a_berlin_week_at_local_midnight_across_dst),
        cmocka_unit_test(puts_manila_work_on_the_local_day_not_the_utc_day),
        cmocka_unit_test(counts_five_night_hours_for_a_23_to_4_shift),
        cmocka_unit_test(joins_blocks_across_search_gaps_of_ten_minutes),
        cmocka_unit_test(flags_a_day_with_10h59_rest_but_not_11h),
        cmocka_unit_test(the_data_edge_never_fails_weekly_rest),
        cmocka_unit_test(counts_seven_consecutive_days_with_work),
        cmocka_unit_test(
            a_break_of_exactly_15_minutes_counts_but_14_59_does_not),
        cmocka_unit_test(averages_seventeen_weeks_counting_empty_weeks_as_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
