/* tests/integration/test_report_views.c — the report views as dw_reader. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char db_url[1024];

/*
 * The facts: window 2026-09-07 .. 2026-10-11 (five ISO weeks; all work is
 * in the first, so every unit is more than 30 days old at the window's
 * end). Everything in USD; US minimum wage 7.25 USD/h, US living wage
 * 10.00 USD/h; the test's own thresholds (the seeded defaults).
 *
 * acme-data: six US workers a..f; a..e in zone UTC (local time), f with
 * no zone (UTC, tz unknown). Monday 2026-09-07 unless said otherwise:
 *   a  08:00-18:00 100 USD, Tue 02:00-03:00 and 09:00-10:00 10 USD each:
 *      12 h, EHR 10.00 (at the living wage: at or above). One 10 h day
 *      (over 8 h, one stretch over 6 h without a break). Rest in the 24 h
 *      from Mon 08:00: 18:00-02:00 = 8 h, 03:00-08:00 (to the window's
 *      end) = 5 h, under 11 h: 1 failure. The windows from Tue 02:00 and
 *      09:00 end in the rest after the last block, which never fails.
 *   b  10:00-12:00 10 USD and a rejected unit 12:30-13:00 (0.5 h unpaid):
 *      work 2.5 h, EHR_total 10 / 2.5 = 4.00 (EHR_paid 5.00): below the
 *      minimum; back pay 7.25 x 2.5 - 10 = 8.125.
 *   c  10:00-11:00 9 USD (rejected first, approved later: a reversal):
 *      EHR 9.00, below the living wage. Six 10-minute tracked cells with
 *      one screenshot each: 6 screenshots per tracked hour = band 2.
 *   d  10:00-11:00 12 USD, and a returned unit with no submission time.
 *   e  10:00-11:00 and 23:00-24:00, 15 USD each: EHR 15.00; 1 h of night.
 *   f  10:00-11:00 18 USD, never paid: EHR 18.00.
 * tiny & co: two workers (1, 2), 10:00-11:00 9 USD each: fewer than k = 5.
 */
static const char *const fixture[] = {
    "DELETE FROM dw.wage_floor;\n",
    "INSERT INTO dw.wage_floor (country, kind, amount_micros, currency, per, "
    "hours_basis, valid_from, source) VALUES\n"
    " ('US','minimum',7250000,'USD','hour',1,'2009-07-24','test'),\n"
    " ('US','living',10000000,'USD','hour',1,'2020-01-01','test');\n",
    "INSERT INTO dw.vendor (name, country) VALUES ('acme-data','US'),"
    " ('tiny & co','US');\n",
    "INSERT INTO dw.source (name, platform, vendor_id, default_country)"
    " SELECT 'src-' || name, 'prolific', vendor_id, 'US' FROM dw.vendor;\n",
    "INSERT INTO dw.worker (worker_key, platform, country, tz)"
    " SELECT repeat(c, 64), 'prolific', 'US',"
    " CASE WHEN c IN ('f','1','2') THEN NULL ELSE 'UTC' END"
    " FROM unnest(ARRAY['a','b','c','d','e','f','1','2']) c;\n",
    /* Delays in hours after submission: decided (approval) and paid. */
    "INSERT INTO dw.work_unit (source_id, external_id, worker_key, status,"
    " status_raw, accepted_at, submitted_at, decided_at, paid_at,"
    " reward_micros, currency)"
    " SELECT s.source_id, x.id, repeat(x.w, 64), x.st, upper(x.st),"
    " x.a::timestamptz, x.s::timestamptz,"
    " x.s::timestamptz + make_interval(hours => x.dh),"
    " x.s::timestamptz + make_interval(hours => x.ph),"
    " x.usd * 1000000, 'USD'"
    " FROM dw.source s, (VALUES"
    " ('u-a1','a','approved','2026-09-07 08:00Z','2026-09-07 18:00Z',1,48,100),"
    " ('u-a2','a','approved','2026-09-08 02:00Z','2026-09-08 03:00Z',1,48,10),"
    " ('u-a3','a','approved','2026-09-08 09:00Z','2026-09-08 10:00Z',3,72,10),"
    " ('u-b1','b','approved','2026-09-07 10:00Z','2026-09-07 12:00Z',2,72,10),"
    " ('u-b2','b','rejected','2026-09-07 12:30Z','2026-09-07 13:00Z',2,NULL,"
    "10),"
    " ('u-c1','c','approved','2026-09-07 10:00Z','2026-09-07 11:00Z',3,72,9),"
    " ('u-d1','d','approved','2026-09-07 10:00Z','2026-09-07 11:00Z',3,72,12),"
    " ('u-d2','d','returned','2026-09-07 12:00Z',NULL,NULL,NULL,12),"
    " ('u-e1','e','approved','2026-09-07 10:00Z','2026-09-07 11:00Z',4,96,15),"
    " ('u-e2','e','approved','2026-09-07 23:00Z','2026-09-08 00:00Z',4,96,15),"
    " ('u-f1','f','approved','2026-09-07 10:00Z','2026-09-07 11:00Z',24,NULL,"
    "18)"
    ") x(id, w, st, a, s, dh, ph, usd) WHERE s.name = 'src-acme-data';\n",
    "INSERT INTO dw.work_unit (source_id, external_id, worker_key, status,"
    " status_raw, accepted_at, submitted_at, decided_at, paid_at,"
    " reward_micros, currency)"
    " SELECT s.source_id, 'u-' || x.w, repeat(x.w, 64), 'approved',"
    " 'APPROVED', '2026-09-07 10:00Z', '2026-09-07 11:00Z',"
    " '2026-09-07 12:00Z', '2026-09-09 11:00Z', 9000000, 'USD'"
    " FROM dw.source s, (VALUES ('1'),('2')) x(w)"
    " WHERE s.name = 'src-tiny & co';\n",
    "INSERT INTO dw.work_unit_history (source_id, external_id, old_status,"
    " new_status)"
    " SELECT source_id, 'u-c1', 'rejected', 'approved' FROM dw.source"
    " WHERE name = 'src-acme-data';\n",
    "INSERT INTO dw.activity_segment (source_id, worker_key, started_at,"
    " duration_s, screenshots, keyboard_events, mouse_events)"
    " SELECT source_id, repeat('c', 64),"
    " timestamptz '2026-09-07 10:00Z' + make_interval(mins => 10 * i),"
    " 600, 1, 100, 100"
    " FROM dw.source, generate_series(0, 5) i WHERE name = 'src-acme-data';\n",
    NULL};

/* A connection acting as the dashboards' role. */
static PGconn *connect_as_reader(void)
{
    PGconn *c = h_connect(db_url);

    h_exec(c, "SET ROLE dw_reader");
    return c;
}

static int group_setup(void **state)
{
    const char *run[] = {"run",  "--from",     "2026-09-07",
                         "--to", "2026-10-11", NULL};

    (void)state;
    return h_analyzer_db("report_views", H_THRESHOLDS_SQL, fixture, run, db_url,
                         sizeof db_url);
}

/* The columns of a report view in order, comma-separated. */
#define COLUMNS_SQL(view)                                                      \
    "SELECT string_agg(column_name, ',' ORDER BY ordinal_position)"            \
    " FROM information_schema.columns WHERE table_schema = 'report'"           \
    " AND table_name = '" view "'"

static void scorecard_keeps_its_columns_and_adds_the_full_method(void **state)
{
    PGconn *c = h_connect(db_url);

    (void)state;
    /* The 26 columns of 0002 first, in their order; then 0005's. */
    h_assert_query(
        c, COLUMNS_SQL("vendor_scorecard"),
        "vendor_id,vendor,vendor_country,analysis_run_id,method_version,"
        "threshold_set,window_from,window_to,computed_at,currency,workers,"
        "worker_weeks,weeks_at_or_above_min,share_at_or_above_min,"
        "share_target,below_share_target,median_ehr,worker_weeks_over_48h,"
        "worker_weeks_over_60h,flags_amber,flags_red,flags_critical,"
        "units_total,units_usable,coverage,"
        "median_ehr_total,worker_weeks_living,weeks_at_or_above_living,"
        "share_at_or_above_living,back_pay,paid_hours,work_hours,"
        "worker_weeks_avg_over_48h,days_over_8h,daily_rest_fails,"
        "worker_weeks_without_weekly_rest,"
        "worker_weeks_over_6_consecutive_days,no_break_stretches,"
        "night_worker_weeks,tz_unknown_weeks,tz_unknown_share,"
        "units_approved,units_rejected,units_returned,units_reversed,"
        "rejection_rate,reversal_rate,return_rate,approval_delay_median_h,"
        "approval_delay_p90_h,payment_delay_median_h,payment_delay_p90_h,"
        "units_due_30d,units_unpaid_30d,monitoring_band,"
        "monitoring_band_label,monitoring_critical");
    h_assert_query(
        c, COLUMNS_SQL("worker_week_distribution"),
        "vendor_id,vendor,analysis_run_id,week_start,currency,worker_weeks,"
        "weeks_local_time,weeks_at_or_above_min,share_at_or_above_min,"
        "ehr_p10,ehr_p25,ehr_median,ehr_p75,ehr_p90,ehr_paid_median,"
        "work_hours_median,weeks_upto_20h,weeks_20_40h,weeks_40_48h,"
        "weeks_48_60h,weeks_over_60h,"
        "ehr_total_est_median,min_wage_ratio_p10,min_wage_ratio_median,"
        "min_wage_ratio_p90,worker_weeks_living,weeks_at_or_above_living,"
        "share_at_or_above_living,back_pay,paid_hours_median,work_hours_p90,"
        "days_over_8h,daily_rest_fails,weeks_without_weekly_rest,"
        "no_break_stretches,night_worker_weeks");
    h_assert_query(c, COLUMNS_SQL("vendor_daily_hours"),
                   "vendor_id,vendor,analysis_run_id,day,workers,"
                   "days_local_time,work_hours_total,paid_hours_total,"
                   "work_hours_median,work_hours_p90,daily_hours_normal,"
                   "days_over_8h,days_with_night_work,night_hours_total");
    PQfinish(c);
}

/*
 * acme-data by hand (6 workers, 6 worker-weeks):
 * EHR_total 4, 9, 10, 12, 15, 18: 5 of 6 at or above 7.25 = 0.8333 <
 *   0.90; median (10 + 12) / 2 = 11. EHR_paid 5, 9, 10, 12, 15, 18:
 *   median 11. Living wage 10: a (10 >= 10), d, e, f = 4 of 6 = 0.6667.
 * Back pay (b only) 7.25 x 2.5 - 10 = 8.125. Paid 12 + 2 + 1 + 1 + 2 + 1
 *   = 19 h; work adds b's 0.5 h = 19.5 h. a: 1 day over 8 h, 1 daily
 *   rest failure, 1 stretch without a break. f in UTC: 1 of 6 = 0.1667.
 * Units: 9 approved, 1 rejected, 1 returned, 1 reversal (c). Rejection
 *   1 / (9 + 1) = 0.1; reversal 1 / (1 + 1) = 0.5; return 1 / 11 =
 *   0.0909; usable 10 of 11 (the returned unit has no submission) =
 *   0.9091.
 * Approval delays 1,1,2,2,3,3,3,4,4,24 h: median (3 + 3) / 2 = 3, p90
 *   the ceil(9.0) = 9th = 4. Payment delays 48,48,72,72,72,72,96,96 h:
 *   median (72 + 72) / 2 = 72, p90 the ceil(7.2) = 8th = 96. Due 30
 *   days: the 9 approved units; f's was never paid: 1.
 * Flags: amber below_living_wage (b, c), daily_hours_over_8,
 *   daily_rest_under_11h, no_break_over_6h (a) = 5; red
 *   below_minimum_wage (b), share_below_vast_majority, rejection_rate
 *   (0.1 > 0.05), unpaid_after_30_days = 4. Delays 3 and 4 days stay
 *   under 14 and 30. Monitoring: c's 6 screenshots in 1 tracked hour =
 *   band 2 (moderate), all in work time: not critical.
 */
static void scorecard_shows_the_hand_computed_figures_to_readers(void **state)
{
    PGconn *c = connect_as_reader();

    (void)state;
    h_assert_query(
        c,
        "SELECT string_agg(concat_ws(' ', vendor, vendor_country, "
        " method_version, window_from, window_to, currency, workers,"
        " worker_weeks, weeks_at_or_above_min, share_at_or_above_min,"
        " share_target, below_share_target, median_ehr,"
        " worker_weeks_over_48h, worker_weeks_over_60h, flags_amber,"
        " flags_red, flags_critical, units_total, units_usable, coverage),"
        " E'\\n' ORDER BY vendor) FROM report.vendor_scorecard",
        "acme-data US 2026.11-3 2026-09-07 2026-10-11 USD 6 6 5 0.8333 "
        "0.90 t 11.000000 0 0 5 4 0 11 10 0.9091");
    h_assert_query(
        c,
        "SELECT string_agg(concat_ws(' ', vendor, median_ehr_total,"
        " worker_weeks_living, weeks_at_or_above_living,"
        " share_at_or_above_living, back_pay, paid_hours, work_hours,"
        " worker_weeks_avg_over_48h, days_over_8h, daily_rest_fails,"
        " worker_weeks_without_weekly_rest,"
        " worker_weeks_over_6_consecutive_days, no_break_stretches,"
        " night_worker_weeks, tz_unknown_weeks, tz_unknown_share),"
        " E'\\n' ORDER BY vendor) FROM report.vendor_scorecard",
        "acme-data 11.000000 6 4 0.6667 8.125000 19.00 19.50 0 1 1 0 0 1 0 "
        "1 0.1667");
    h_assert_query(
        c,
        "SELECT string_agg(concat_ws(' ', vendor, units_approved,"
        " units_rejected, units_returned, units_reversed, rejection_rate,"
        " reversal_rate, return_rate, approval_delay_median_h,"
        " approval_delay_p90_h, payment_delay_median_h, payment_delay_p90_h,"
        " units_due_30d, units_unpaid_30d, monitoring_band,"
        " monitoring_band_label, monitoring_critical),"
        " E'\\n' ORDER BY vendor) FROM report.vendor_scorecard",
        "acme-data 9 1 1 1 0.1000 0.5000 0.0909 3.00 4.00 72.00 96.00 9 1 "
        "2 moderate f");
    PQfinish(c);
}

/*
 * Week of 2026-09-07 at acme-data (interpolated percentile_cont over
 * EHR_total 4, 9, 10, 12, 15, 18: p10 at rank 0.5 = 4 + 0.5 x 5 = 6.5;
 * p25 at 1.25 = 9.25; median 11; p75 at 3.75 = 12 + 0.75 x 3 = 14.25;
 * p90 at 4.5 = 15 + 0.5 x 3 = 16.5). Work hours 1,1,1,2,2.5,12: median
 * 1.5, all <= 20 h, nearest-rank p90 the 6th = 12. Paid hours
 * 1,1,1,2,2,12: median 1.5.
 * Estimate: unpaid evidence is under 0.33 x paid for everyone, so
 * EHR_total_est = EHR_paid / 1.33: 3.759398, 6.766917, 7.518797,
 * 9.022556, 11.278195, 13.533835; median (7.518797 + 9.022556) / 2 =
 * 8.2706765 -> 8.270677.
 * Ratio to 7.25: 4 -> 0.551724, 9 -> 1.241379, 10 -> 1.379310,
 * 12 -> 1.655172, 15 -> 2.068966, 18 -> 2.482759: p10 the 1st, median
 * (1.379310 + 1.655172) / 2 = 1.517241, p90 the 6th.
 */
static void distribution_shows_ehr_total_and_work_hours(void **state)
{
    PGconn *c = connect_as_reader();

    (void)state;
    h_assert_query(
        c,
        "SELECT string_agg(concat_ws(' ', vendor, week_start, currency,"
        " worker_weeks, weeks_local_time, weeks_at_or_above_min,"
        " share_at_or_above_min, ehr_p10, ehr_p25, ehr_median, ehr_p75,"
        " ehr_p90, ehr_paid_median, work_hours_median, weeks_upto_20h,"
        " weeks_20_40h, weeks_40_48h, weeks_48_60h, weeks_over_60h),"
        " E'\\n' ORDER BY vendor, week_start)"
        " FROM report.worker_week_distribution",
        "acme-data 2026-09-07 USD 6 5 5 0.8333 6.500000 9.250000 11.000000 "
        "14.250000 16.500000 11.000000 1.50 6 0 0 0 0");
    h_assert_query(
        c,
        "SELECT string_agg(concat_ws(' ', vendor, ehr_total_est_median,"
        " min_wage_ratio_p10, min_wage_ratio_median, min_wage_ratio_p90,"
        " worker_weeks_living, weeks_at_or_above_living,"
        " share_at_or_above_living, back_pay, paid_hours_median,"
        " work_hours_p90, days_over_8h, daily_rest_fails,"
        " weeks_without_weekly_rest, no_break_stretches,"
        " night_worker_weeks), E'\\n' ORDER BY vendor, week_start)"
        " FROM report.worker_week_distribution",
        "acme-data 8.270677 0.551724 1.517241 2.482759 6 4 0.6667 8.125000 "
        "1.50 12.00 1 1 0 1 0");
    PQfinish(c);
}

/*
 * Monday 2026-09-07 at acme-data: six workers; work hours a 10, b 2.5,
 * c 1, d 1, e 2 (10-11 and 23-24), f 1 = 17.5; paid 17 (b's rejected
 * half hour is unpaid). Sorted 1,1,1,2,2.5,10: median 1.5, p90 the 6th
 * = 10. Over 8 h: a. Night begun Monday: a's Tuesday 02:00-03:00 and e's
 * 23:00-24:00 = 2 workers, 2 h; f (no zone) has no night figure.
 * Tuesday has only a: omitted, as is every day of tiny & co.
 */
static void daily_hours_show_days_with_at_least_k_workers(void **state)
{
    PGconn *c = connect_as_reader();

    (void)state;
    h_assert_query(c,
                   "SELECT string_agg(concat_ws(' ', vendor, day, workers,"
                   " days_local_time, work_hours_total, paid_hours_total,"
                   " work_hours_median, work_hours_p90, daily_hours_normal,"
                   " days_over_8h, days_with_night_work, night_hours_total),"
                   " E'\\n' ORDER BY vendor, day)"
                   " FROM report.vendor_daily_hours",
                   "acme-data 2026-09-07 6 5 17.50 17.00 1.50 10.00 8 1 2 "
                   "2.00");
    PQfinish(c);
}

/* The other views, read by the same role: flags per rule (see the
 * scorecard's comment), monitoring, and both sources (never synced). */
static void
the_older_views_are_readable_and_suppress_small_vendors(void **state)
{
    PGconn *c = connect_as_reader();

    (void)state;
    h_assert_query(c,
                   "SELECT string_agg(concat_ws(' ', vendor, rule, severity,"
                   " severity_rank, flags, workers_flagged), E'\\n'"
                   " ORDER BY vendor, rule) FROM report.flags_by_vendor",
                   "acme-data below_living_wage amber 2 2 2\n"
                   "acme-data below_minimum_wage red 3 1 1\n"
                   "acme-data daily_hours_over_8 amber 2 1 1\n"
                   "acme-data daily_rest_under_11h amber 2 1 1\n"
                   "acme-data no_break_over_6h amber 2 1 1\n"
                   "acme-data rejection_rate red 3 1 0\n"
                   "acme-data share_below_vast_majority red 3 1 0\n"
                   "acme-data unpaid_after_30_days red 3 1 0");
    /* c: 1 h tracked, 6 screenshots: SPH 6; 5 workers in band 0. */
    h_assert_query(c,
                   "SELECT string_agg(concat_ws(' ', vendor, workers, band,"
                   " band_label, critical, workers_band_0, workers_band_1,"
                   " workers_band_2, workers_band_3, workers_band_4,"
                   " tracked_hours, round(sph, 2), offshift_segments),"
                   " E'\\n' ORDER BY vendor) FROM report.vendor_monitoring",
                   "acme-data 6 2 moderate f 5 0 1 0 0 1.00 6.00 0");
    h_assert_query(c,
                   "SELECT string_agg(concat_ws(' ', source, platform, vendor,"
                   " coalesce(last_outcome, 'never'), failed_runs_7d,"
                   " quarantine_total), E'\\n' ORDER BY source)"
                   " FROM report.sync_health",
                   "src-acme-data prolific acme-data never 0 0\n"
                   "src-tiny & co prolific tiny & co never 0 0");
    PQfinish(c);
}

static void readers_cannot_read_the_fact_tables(void **state)
{
    PGconn *c = connect_as_reader();
    PGresult *r;

    (void)state;
    r = PQexec(c, "SELECT count(*) FROM dw.worker_week");
    assert_int_equal(PQresultStatus(r), PGRES_FATAL_ERROR);
    assert_string_equal(PQresultErrorField(r, PG_DIAG_SQLSTATE), "42501");
    PQclear(r);
    PQfinish(c);
}

static void no_report_view_has_a_worker_key(void **state)
{
    PGconn *c = h_connect(db_url);

    (void)state;
    /* As the owner, so information_schema lists every column. */
    assert_int_equal(
        h_query_long(c, "SELECT count(*) FROM information_schema.views"
                        " WHERE table_schema = 'report' AND table_name IN"
                        " ('vendor_scorecard', 'flags_by_vendor',"
                        " 'worker_week_distribution', 'sync_health',"
                        " 'vendor_monitoring', 'vendor_daily_hours')"),
        6);
    assert_int_equal(
        h_query_long(c, "SELECT count(*) FROM information_schema.columns"
                        " WHERE table_schema = 'report'"
                        " AND column_name ILIKE '%worker_key%'"),
        0);
    /* Every view, and every column 0005 added, says what it means. */
    assert_int_equal(
        h_query_long(c, "SELECT count(*) FROM pg_class v"
                        " JOIN pg_namespace n ON n.oid = v.relnamespace"
                        " WHERE n.nspname = 'report' AND v.relkind = 'v'"
                        " AND obj_description(v.oid, 'pg_class') IS NULL"),
        0);
    assert_int_equal(
        h_query_long(c,
                     "SELECT count(*) FROM pg_attribute a, (VALUES"
                     " ('report.vendor_scorecard'::regclass, 25),"
                     " ('report.worker_week_distribution'::regclass, 21),"
                     " ('report.vendor_daily_hours'::regclass, 4)) o(rel, old)"
                     " WHERE a.attrelid = o.rel AND a.attnum > o.old"
                     " AND NOT a.attisdropped"
                     " AND col_description(a.attrelid, a.attnum) IS NULL"),
        0);
    PQfinish(c);
}

/* With k = 7 acme-data's 6 workers are too few; with k = 2 tiny & co's
 * two workers are enough (EHR 9.00 both: median 9). */
static void k_from_the_settings_decides_what_is_shown(void **state)
{
    PGconn *admin = h_connect(db_url);
    PGconn *c;

    (void)state;
    h_exec(admin, "UPDATE dw.setting SET value = '7'"
                  " WHERE name = 'report.min_group'");
    c = connect_as_reader();
    assert_int_equal(
        h_query_long(c, "SELECT (SELECT count(*) FROM report.vendor_scorecard)"
                        " + (SELECT count(*) FROM report.vendor_daily_hours)"
                        " + (SELECT count(*) FROM"
                        " report.worker_week_distribution)"),
        0);
    PQfinish(c);
    h_exec(admin, "UPDATE dw.setting SET value = '2'"
                  " WHERE name = 'report.min_group'");
    c = connect_as_reader();
    h_assert_query(c,
                   "SELECT string_agg(concat_ws(' ', vendor, workers,"
                   " median_ehr_total), ',' ORDER BY vendor)"
                   " FROM report.vendor_scorecard",
                   "acme-data 6 11.000000,tiny & co 2 9.000000");
    h_assert_query(c,
                   "SELECT string_agg(concat_ws(' ', vendor, day, workers),"
                   " ',' ORDER BY vendor, day) FROM report.vendor_daily_hours",
                   "acme-data 2026-09-07 6,tiny & co 2026-09-07 2");
    PQfinish(c);
    h_exec(admin, "UPDATE dw.setting SET value = '5'"
                  " WHERE name = 'report.min_group'");
    PQfinish(admin);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scorecard_keeps_its_columns_and_adds_the_full_method),
        cmocka_unit_test(scorecard_shows_the_hand_computed_figures_to_readers),
        cmocka_unit_test(distribution_shows_ehr_total_and_work_hours),
        cmocka_unit_test(daily_hours_show_days_with_at_least_k_workers),
        cmocka_unit_test(
            the_older_views_are_readable_and_suppress_small_vendors),
        cmocka_unit_test(readers_cannot_read_the_fact_tables),
        cmocka_unit_test(no_report_view_has_a_worker_key),
        cmocka_unit_test(k_from_the_settings_decides_what_is_shown),
    };

    if (!h_require_db()) {
        printf("integration_test_report_views: skipped (DW_TEST_DB_URL "
               "unset)\n");
        return 0;
    }
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
