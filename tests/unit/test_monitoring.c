/* tests/unit/test_monitoring.c — monitoring bands, off-shift cells, practices.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "dwtime.h"
#include "monitoring.h"
#include "rules.h"
#include "worktime.h"

#define MIN_US (60 * DW_USEC)

/* The seeded limits: 0 / 2 / 6 / 18 screenshots per hour, webcam -> 4. */
static const struct dw_monitoring_limits seeded = {
    {0, 2000000, 6000000, 18000000}, 4};

/* Monday 2026-11-02 at hh:mm UTC, plus whole days. */
static int64_t at(int day, int hh, int mm)
{
    return (dw_days_from_civil(2026, 11, 2) + day) * DW_DAY_US +
           hh * DW_HOUR_US + mm * MIN_US;
}

static struct dw_segment cell(int64_t start, int64_t shots, int64_t webcam,
                              bool metered)
{
    struct dw_segment s = {start, 10 * MIN_US, shots, webcam, metered, false};
    return s;
}

static void six_screenshots_in_one_hour_are_band_2(void **state)
{
    (void)state;
    /* SPH 6 / 1 h = 6 <= sph_band_2_max 6, > 2. */
    assert_int_equal(dw_monitoring_band(&seeded, 6, 0, DW_HOUR_US, 0), 2);
}

static void two_screenshots_per_hour_are_band_1(void **state)
{
    (void)state;
    /* 4 in 2 h = 2/h <= 2; 3 in 1 h = 3/h is just over: band 2. */
    assert_int_equal(dw_monitoring_band(&seeded, 4, 0, 2 * DW_HOUR_US, 0), 1);
    assert_int_equal(dw_monitoring_band(&seeded, 3, 0, DW_HOUR_US, 0), 2);
}

static void eighteen_per_hour_are_band_3_and_nineteen_band_4(void **state)
{
    (void)state;
    /* 18 <= sph_band_3_max 18; 19 > 18. 7 in 1 h = 7 > 6: band 3. */
    assert_int_equal(dw_monitoring_band(&seeded, 18, 0, DW_HOUR_US, 0), 3);
    assert_int_equal(dw_monitoring_band(&seeded, 19, 0, DW_HOUR_US, 0), 4);
    assert_int_equal(dw_monitoring_band(&seeded, 7, 0, DW_HOUR_US, 0), 3);
}

static void any_webcam_shot_is_band_4(void **state)
{
    (void)state;
    /* One webcam shot in 10 h; with no screenshots or with 1/h. */
    assert_int_equal(dw_monitoring_band(&seeded, 0, 1, 10 * DW_HOUR_US, 0), 4);
    assert_int_equal(dw_monitoring_band(&seeded, 10, 1, 10 * DW_HOUR_US, 0), 4);
}

static void
metering_without_screenshots_is_band_1_and_nothing_is_band_0(void **state)
{
    (void)state;
    assert_int_equal(dw_monitoring_band(&seeded, 0, 0, DW_HOUR_US, 0), 0);
    assert_int_equal(dw_monitoring_band(&seeded, 0, 0, DW_HOUR_US, 10 * MIN_US),
                     1);
    assert_int_equal(dw_monitoring_band(&seeded, 0, 0, 0, 0), 0);
}

static void rates_per_hour_are_exact_micro_units(void **state)
{
    (void)state;
    /* 6 in 30 min = 12/h; 1 in 7 min = 60/7 = 8.5714285.. -> 8571429;
     * 7 in 70 min = 6/h. */
    assert_int_equal(dw_per_hour_micros(6, 30 * MIN_US), 12000000);
    assert_int_equal(dw_per_hour_micros(1, 7 * MIN_US), 8571429);
    assert_int_equal(dw_per_hour_micros(7, 70 * MIN_US), 6000000);
    assert_int_equal(dw_per_hour_micros(5, 0), 0);
}

static void a_cell_beyond_one_cell_of_work_is_off_shift(void **state)
{
    /* Work 09:00-10:00 and 13:00-14:00; 10-minute cells. */
    struct dw_interval work[] = {{at(0, 9, 0), at(0, 10, 0)},
                                 {at(0, 13, 0), at(0, 14, 0)}};
    struct dw_segment s;

    (void)state;
    s = cell(at(0, 9, 30), 1, 0, true); /* inside */
    assert_false(dw_segment_offshift(work, 2, &s));
    s = cell(at(0, 10, 0), 1, 0, true); /* the cell right after: tolerated */
    assert_false(dw_segment_offshift(work, 2, &s));
    s = cell(at(0, 10, 10), 1, 0, true); /* one cell later: off */
    assert_true(dw_segment_offshift(work, 2, &s));
    s = cell(at(0, 8, 50), 1, 0, true); /* the cell right before */
    assert_false(dw_segment_offshift(work, 2, &s));
    s = cell(at(0, 8, 40), 1, 0, true); /* ends 08:50 = 09:00 - 1 cell */
    assert_true(dw_segment_offshift(work, 2, &s));
    s = cell(at(0, 11, 30), 1, 0, true); /* between the two spans */
    assert_true(dw_segment_offshift(work, 2, &s));
    s = cell(at(0, 12, 50), 1, 0, true); /* just before the second */
    assert_false(dw_segment_offshift(work, 2, &s));
    s = cell(at(0, 20, 0), 1, 0, true); /* after everything */
    assert_true(dw_segment_offshift(work, 2, &s));
    assert_true(dw_segment_offshift(work, 0, &s));
}

/* Upwork bills tracked cells by the day: a cell with input activity is
 * work even outside the units' spans, so it is never off shift. Monday
 * work 09:00-10:00; at 14:00 an active cell with a screenshot (working,
 * not counted) and at 15:00 an idle one with a screenshot (counted): 1. */
static void an_active_cell_outside_the_units_is_not_off_shift(void **state)
{
    struct dw_interval work[] = {{at(0, 9, 0), at(0, 10, 0)}};
    struct dw_segment seg[2];
    struct dw_paid_week paid[] = {
        {dw_days_from_civil(2026, 11, 2), 3600 * DW_USEC}};
    struct dw_monitoring_weeks out;

    (void)state;
    seg[0] = cell(at(0, 14, 0), 1, 0, true);
    seg[0].active = true;
    seg[1] = cell(at(0, 15, 0), 1, 0, true);
    dw_monitoring_weeks_init(&out);
    assert_int_equal(
        dw_monitoring_worker(&seeded, work, 1, seg, 2, paid, 1, &out, NULL),
        DW_OK);
    assert_int_equal(out.n, 1);
    assert_int_equal(out.v[0].offshift_segments, 1);
    assert_int_equal(out.v[0].first_offshift_at, at(0, 15, 0));
    dw_monitoring_weeks_release(&out);
}

static void a_worker_week_counts_cells_rates_and_off_shift_capture(void **state)
{
    /* Monday: work 09:00-09:30 and 09:20-10:00 (merge to 09:00-10:00);
     * six metered cells 09:00..09:50 with 1 screenshot each, and one at
     * 14:00 with 1 screenshot (off shift). 7 screenshots in 70 min =
     * 6/h: band 2. Paid 3600 s. Next Monday: one cell with a webcam shot,
     * no paid week: band 4, off shift (the work was a week earlier). */
    struct dw_interval work[] = {{at(0, 9, 20), at(0, 10, 0)},
                                 {at(0, 9, 0), at(0, 9, 30)}};
    struct dw_segment seg[8];
    struct dw_paid_week paid[] = {
        {dw_days_from_civil(2026, 11, 2), 3600 * DW_USEC}};
    struct dw_monitoring_weeks out;
    const struct dw_monitoring_week *w;

    (void)state;
    for (int i = 0; i < 6; i++)
        seg[i] = cell(at(0, 9, 10 * i), 1, 0, true);
    seg[6] = cell(at(0, 14, 0), 1, 0, true);
    seg[7] = cell(at(7, 9, 0), 0, 1, false);
    dw_monitoring_weeks_init(&out);
    assert_int_equal(
        dw_monitoring_worker(&seeded, work, 2, seg, 8, paid, 1, &out, NULL),
        DW_OK);
    assert_int_equal(out.n, 2);

    w = &out.v[0];
    assert_int_equal(w->monday, dw_days_from_civil(2026, 11, 2));
    assert_int_equal(w->segments, 7);
    assert_int_equal(w->tracked_us, 70 * MIN_US);
    assert_int_equal(w->metered_us, 70 * MIN_US);
    assert_int_equal(w->screenshots, 7);
    assert_int_equal(w->webcam_shots, 0);
    assert_true(w->has_paid);
    assert_int_equal(w->paid_us, 3600 * DW_USEC);
    assert_true(w->offshift_assessed);
    assert_int_equal(w->offshift_segments, 1);
    assert_int_equal(w->first_offshift_at, at(0, 14, 0));
    assert_int_equal(w->band, 2);

    w = &out.v[1];
    assert_int_equal(w->monday, dw_days_from_civil(2026, 11, 9));
    assert_int_equal(w->segments, 1);
    assert_int_equal(w->webcam_shots, 1);
    assert_false(w->has_paid);
    assert_int_equal(w->offshift_segments, 1);
    assert_int_equal(w->band, 4);
    dw_monitoring_weeks_release(&out);
}

static void without_work_intervals_off_shift_is_not_assessed(void **state)
{
    /* A cell with a screenshot but no work known: not assessable. A paid
     * week without cells collected nothing: assessed, 0. */
    struct dw_segment seg[] = {cell(at(0, 9, 0), 1, 0, false)};
    struct dw_paid_week paid[] = {{dw_days_from_civil(2026, 11, 9), 60}};
    struct dw_monitoring_weeks out;

    (void)state;
    dw_monitoring_weeks_init(&out);
    assert_int_equal(
        dw_monitoring_worker(&seeded, NULL, 0, seg, 1, paid, 1, &out, NULL),
        DW_OK);
    assert_int_equal(out.n, 2);
    assert_false(out.v[0].offshift_assessed);
    assert_int_equal(out.v[0].offshift_segments, 0);
    assert_true(out.v[1].offshift_assessed);
    assert_int_equal(out.v[1].segments, 0);
    assert_int_equal(out.v[1].band, 0);
    dw_monitoring_weeks_release(&out);
}

static void a_manual_cell_collects_nothing_and_is_never_off_shift(void **state)
{
    struct dw_interval work[] = {{at(0, 9, 0), at(0, 10, 0)}};
    struct dw_segment seg[] = {cell(at(0, 20, 0), 0, 0, false)};
    struct dw_monitoring_weeks out;

    (void)state;
    dw_monitoring_weeks_init(&out);
    assert_int_equal(
        dw_monitoring_worker(&seeded, work, 1, seg, 1, NULL, 0, &out, NULL),
        DW_OK);
    assert_int_equal(out.n, 1);
    assert_int_equal(out.v[0].offshift_segments, 0);
    assert_int_equal(out.v[0].band, 0);
    dw_monitoring_weeks_release(&out);
}

static void bad_cells_and_spans_are_refused_by_name(void **state)
{
    struct dw_interval back[] = {{at(0, 10, 0), at(0, 9, 0)}};
    struct dw_segment zero[] = {{at(0, 9, 0), 0, 1, 0, true, false}};
    struct dw_segment neg[] = {{at(0, 9, 0), MIN_US, -1, 0, true, false}};
    struct dw_monitoring_weeks out;
    struct dw_error err = {0};

    (void)state;
    dw_monitoring_weeks_init(&out);
    assert_int_equal(
        dw_monitoring_worker(&seeded, NULL, 0, zero, 1, NULL, 0, &out, &err),
        DW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "2026-11-02T09:00:00Z: duration"));
    assert_int_equal(
        dw_monitoring_worker(&seeded, NULL, 0, neg, 1, NULL, 0, &out, &err),
        DW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "negative screenshot"));
    assert_int_equal(
        dw_monitoring_worker(&seeded, back, 1, NULL, 0, NULL, 0, &out, &err),
        DW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "ends before it starts"));
    assert_int_equal(out.n, 0);
    dw_monitoring_weeks_release(&out);
}

static void emotion_inference_in_use_is_critical(void **state)
{
    const struct dw_practice_rule *r = NULL;

    (void)state;
    assert_int_equal(dw_practice_judge("emotion_inference", true, &r, NULL),
                     DW_OK);
    assert_non_null(r);
    assert_string_equal(r->rule, "practice_emotion_inference");
    assert_non_null(strstr(r->basis, "Art. 7(1)(a)"));
    assert_int_equal(dw_practice_judge("automated_discipline", true, &r, NULL),
                     DW_OK);
    assert_non_null(strstr(r->basis, "Art. 10"));
    assert_int_equal(dw_practice_judge("keystroke_content", true, &r, NULL),
                     DW_OK);
    assert_string_equal(r->rule, "practice_keystroke_content");
}

static void a_practice_not_in_use_or_measured_raises_nothing(void **state)
{
    const struct dw_practice_rule *r = NULL;

    (void)state;
    assert_int_equal(dw_practice_judge("emotion_inference", false, &r, NULL),
                     DW_OK);
    assert_null(r);
    /* Screenshots and webcam are measured from the cells, not flagged. */
    assert_int_equal(dw_practice_judge("screenshots", true, &r, NULL), DW_OK);
    assert_null(r);
    assert_int_equal(dw_practice_judge("webcam", true, &r, NULL), DW_OK);
    assert_null(r);
}

static void an_unknown_practice_is_an_error(void **state)
{
    const struct dw_practice_rule *r = NULL;
    struct dw_error err = {0};

    (void)state;
    assert_int_equal(dw_practice_judge("mind_reading", true, &r, &err),
                     DW_ERR_INVALID);
    assert_string_equal(err.msg, "unknown monitoring practice 'mind_reading'");
    assert_null(r);
}

static void add_limits(struct dw_thresholds *t, const char *b2,
                       const char *webcam)
{
    dw_thresholds_init(t, "default", dw_days_from_civil(2026, 11, 15));
    assert_int_equal(dw_thresholds_add(t, "sph_band_0_max", "0", "/h", 0, NULL),
                     DW_OK);
    assert_int_equal(dw_thresholds_add(t, "sph_band_1_max", "2", "/h", 0, NULL),
                     DW_OK);
    assert_int_equal(dw_thresholds_add(t, "sph_band_2_max", b2, "/h", 0, NULL),
                     DW_OK);
    assert_int_equal(
        dw_thresholds_add(t, "sph_band_3_max", "18", "/h", 0, NULL), DW_OK);
    if (webcam != NULL)
        assert_int_equal(
            dw_thresholds_add(t, "webcam_any_band", webcam, "band", 0, NULL),
            DW_OK);
}

static void limits_come_from_the_thresholds(void **state)
{
    struct dw_thresholds t;
    struct dw_monitoring_limits l;

    (void)state;
    add_limits(&t, "6", "4");
    assert_int_equal(dw_monitoring_limits_from(&t, &l, NULL), DW_OK);
    /* 6 screenshots per hour = 6,000,000 micro. */
    assert_int_equal(l.sph_max[0], 0);
    assert_int_equal(l.sph_max[1], 2000000);
    assert_int_equal(l.sph_max[2], 6000000);
    assert_int_equal(l.sph_max[3], 18000000);
    assert_int_equal(l.webcam_band, 4);
    dw_thresholds_release(&t);
}

static void missing_or_disordered_limits_are_errors(void **state)
{
    struct dw_thresholds t;
    struct dw_monitoring_limits l;
    struct dw_error err = {0};

    (void)state;
    add_limits(&t, "6", NULL);
    assert_int_equal(dw_monitoring_limits_from(&t, &l, &err), DW_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "'webcam_any_band' is missing"));
    dw_thresholds_release(&t);

    add_limits(&t, "1", "4"); /* band 2 limit 1 below band 1 limit 2 */
    assert_int_equal(dw_monitoring_limits_from(&t, &l, &err), DW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "sph_band_2_max"));
    dw_thresholds_release(&t);

    add_limits(&t, "6", "3.5");
    assert_int_equal(dw_monitoring_limits_from(&t, &l, &err), DW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "webcam_any_band"));
    dw_thresholds_release(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(six_screenshots_in_one_hour_are_band_2),
        cmocka_unit_test(two_screenshots_per_hour_are_band_1),
        cmocka_unit_test(eighteen_per_hour_are_band_3_and_nineteen_band_4),
        cmocka_unit_test(any_webcam_shot_is_band_4),
        cmocka_unit_test(
            metering_without_screenshots_is_band_1_and_nothing_is_band_0),
        cmocka_unit_test(rates_per_hour_are_exact_micro_units),
        cmocka_unit_test(a_cell_beyond_one_cell_of_work_is_off_shift),
        cmocka_unit_test(
            a_worker_week_counts_cells_rates_and_off_shift_capture),
        cmocka_unit_test(without_work_intervals_off_shift_is_not_assessed),
        cmocka_unit_test(an_active_cell_outside_the_units_is_not_off_shift),
        cmocka_unit_test(a_manual_cell_collects_nothing_and_is_never_off_shift),
        cmocka_unit_test(bad_cells_and_spans_are_refused_by_name),
        cmocka_unit_test(emotion_inference_in_use_is_critical),
        cmocka_unit_test(a_practice_not_in_use_or_measured_raises_nothing),
        cmocka_unit_test(an_unknown_practice_is_an_error),
        cmocka_unit_test(limits_come_from_the_thresholds),
        cmocka_unit_test(missing_or_disordered_limits_are_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
