/* tests/integration/test_analyze.c — run and report on hand-made facts. */
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
 * The facts, window 2026-11-02 .. 2026-11-15 (ISO weeks of Monday 11-02
 * and Monday 11-09). The test replaces the seeded catalogues with its own
 * so every figure below is computed from these rows alone.
 *
 * FX: EUR/USD 1.10 from 11-01 and 1.20 from 11-10; EUR/GBP 0.88 from
 * 11-01, so GBP->USD = 1.10 / 0.88 = 1.25; USD/PHP 58 (PHP->USD by the
 * inverse). Floors: GB 12.71 GBP/h from 2026-04-06; PH 695 PHP/day over
 * 8 h = 86.875 PHP/h; US 7.25 USD/h.
 *
 * acme-data (vendor 1):
 *   W1 'aaaa..' (GB): Mon 11-02 .. Sat 11-07, 08:00-18:20 each day =
 *     6 x 620 min = 62 h; a nested Monday task 09:00-10:00 adds nothing.
 *     Earnings 6 x 135 + 2 = 812 GBP x 1.25 = 1015.00 USD.
 *     EHR 1015 / 62 = 16.370967.. -> 16370968 micro-USD/h.
 *     Floor 12.71 GBP x 1.25 = 15.8875 USD/h: at or above.
 *     Flags hours_over_48 (62 > 48) and hours_over_60 (62 > 60).
 *   W3 'cccc..' (US): Tue 11-03 10:00-11:00 and 10:30-11:30 merge into
 *     10:00-11:30 = 1.5 h. Each pays 10 EUR less a 1 EUR fee, paid 11-10
 *     at 1.20: 2 x 9 x 1.20 = 21.60 USD; EHR 21.60 / 1.5 = 14.40 >= 7.25.
 *   Median EHR (14400000 + 16370968) / 2 = 15385484 -> "15.39".
 * fairlabel (vendor 2, source default country PH):
 *   W2 'bbbb..' (country unknown -> PH): Mon 11-09 09:00-09:30,
 *     09:30:30-10:00, 10:00:30-10:30 (30 s gaps merge) = 1.5 h; a
 *     rejected task and an unfinished one add no paid time.
 *     Earnings 3 x 29 PHP + a 29 PHP bonus = 116 PHP / 58 = 2.00 USD;
 *     EHR 2.00 / 1.5 = 1.333333 USD/h. Floor 86.875 / 58 = 1.4978448..
 *     -> 1497845: below the minimum wage (red flag).
 *   W3 (US): Wed 11-11 14:00-14:45, 435 PHP / 58 = 7.50 USD over 0.75 h
 *     = 10.00 USD/h >= 7.25.
 *   1 of 2 worker-weeks at or above: 50% < 90%: share_below_vast_majority.
 *   Median (1333333 + 10000000) / 2 = 5666666.5 -> 5666667 -> "5.67".
 *   Coverage: 6 units, 5 with usable times (the unfinished one has none).
 */
/* One statement per string (each under the 4095-byte ISO limit). */
static const char *const fixture[] = {
    "DELETE FROM dw.wage_floor;\n",
    "DELETE FROM dw.fx_rate;\n",
    "INSERT INTO dw.wage_floor (country, kind, amount_micros, currency, per, "
    "hours_basis, valid_from, source) VALUES\n"
    " ('GB','minimum',12210000,'GBP','hour',1,'2025-04-01','test'),\n"
    " ('GB','minimum',12710000,'GBP','hour',1,'2026-04-06','test'),\n"
    " ('PH','minimum',695000000,'PHP','day',8,'2025-07-18','test'),\n"
    " ('US','minimum',7250000,'USD','hour',1,'2009-07-24','test'),\n"
    " ('GB','living',13450000,'GBP','hour',1,'2025-10-01','test');\n",
    "INSERT INTO dw.fx_rate (rate_date, base, quote, rate, source) VALUES\n"
    " ('2026-11-01','EUR','USD',1.10,'test'),\n"
    " ('2026-11-10','EUR','USD',1.20,'test'),\n"
    " ('2026-11-01','EUR','GBP',0.88,'test'),\n"
    " ('2026-11-01','USD','PHP',58,'test');\n",
    "INSERT INTO dw.vendor (name, country) VALUES ('acme-data','US'), "
    "('fairlabel','PH');\n",
    "INSERT INTO dw.source (name, platform, vendor_id, default_country)\n"
    " SELECT 'src-a','prolific',vendor_id,'US' FROM dw.vendor WHERE "
    "name='acme-data';\n",
    "INSERT INTO dw.source (name, platform, vendor_id, default_country,"
    " default_tz)\n"
    " SELECT 'src-b','file',vendor_id,'PH','Asia/Manila' FROM dw.vendor WHERE "
    "name='fairlabel';\n",
    "INSERT INTO dw.worker (worker_key, platform, country, tz) VALUES\n"
    " (repeat('a',64),'prolific','GB','Europe/London'),\n"
    " (repeat('b',64),'file',NULL,NULL),\n"
    " (repeat('c',64),'prolific','US',NULL);\n",
    "-- W1 (GB, acme-data): Mon 2 - Sat 7 Nov 2026, 08:00-18:20 UTC each day,\n"
    "-- 135 GBP each, plus a nested 2 GBP task on Monday 09:00-10:00.\n"
    "INSERT INTO dw.work_unit (source_id, external_id, worker_key, status, "
    "status_raw,\n"
    "  accepted_at, submitted_at, reward_micros, currency)\n"
    " SELECT s.source_id, 'a-w1-' || d, repeat('a',64), 'approved', "
    "'APPROVED',\n"
    "        timestamptz '2026-11-02 08:00:00+00' + (d || ' days')::interval,\n"
    "        timestamptz '2026-11-02 18:20:00+00' + (d || ' days')::interval,\n"
    "        135000000, 'GBP'\n"
    " FROM dw.source s, generate_series(0,5) d WHERE s.name='src-a';\n",
    "INSERT INTO dw.work_unit (source_id, external_id, worker_key, status, "
    "status_raw,\n"
    "  accepted_at, submitted_at, reward_micros, currency)\n"
    " SELECT source_id, 'a-w1-nested', repeat('a',64), 'approved', "
    "'APPROVED',\n"
    "        '2026-11-02 09:00:00+00', '2026-11-02 10:00:00+00', 2000000, "
    "'GBP'\n"
    " FROM dw.source WHERE name='src-a';\n",
    "-- W3 (US, acme-data): two parallel tasks Tue 3 Nov, 10 EUR less 1 EUR "
    "fee,\n"
    "-- paid 10 Nov.\n"
    "INSERT INTO dw.work_unit (source_id, external_id, worker_key, status, "
    "status_raw,\n"
    "  accepted_at, submitted_at, paid_at, reward_micros, currency, "
    "worker_fee_micros)\n"
    " SELECT source_id, x.id, repeat('c',64), 'approved', 'APPROVED', x.a, "
    "x.s,\n"
    "        '2026-11-10 12:00:00+00', 10000000, 'EUR', 1000000\n"
    " FROM dw.source, (VALUES\n"
    "   ('a-w3-1', timestamptz '2026-11-03 10:00:00+00', timestamptz "
    "'2026-11-03 11:00:00+00'),\n"
    "   ('a-w3-2', timestamptz '2026-11-03 10:30:00+00', timestamptz "
    "'2026-11-03 11:30:00+00')) x(id, a, s)\n"
    " WHERE name='src-a';\n",
    "-- W2 (country unknown, fairlabel, source default PH): three 29 PHP "
    "tasks\n"
    "-- Mon 9 Nov with 30 s gaps, one rejected, one still in progress.\n"
    "INSERT INTO dw.work_unit (source_id, external_id, worker_key, status, "
    "status_raw,\n"
    "  accepted_at, submitted_at, reward_micros, currency)\n"
    " SELECT source_id, x.id, repeat('b',64), x.st, x.st, x.a, x.s, 29000000, "
    "'PHP'\n"
    " FROM dw.source, (VALUES\n"
    "   ('b-w2-1', 'approved', timestamptz '2026-11-09 09:00:00+00', "
    "timestamptz '2026-11-09 09:30:00+00'),\n"
    "   ('b-w2-2', 'approved', timestamptz '2026-11-09 09:30:30+00', "
    "timestamptz '2026-11-09 10:00:00+00'),\n"
    "   ('b-w2-3', 'approved', timestamptz '2026-11-09 10:00:30+00', "
    "timestamptz '2026-11-09 10:30:00+00'),\n"
    "   ('b-w2-4', 'rejected', timestamptz '2026-11-09 11:00:00+00', "
    "timestamptz '2026-11-09 11:20:00+00'),\n"
    "   ('b-w2-5', 'in_progress', timestamptz '2026-11-09 12:00:00+00', NULL)) "
    "x(id, st, a, s)\n"
    " WHERE name='src-b';\n",
    "INSERT INTO dw.payment (source_id, dedupe_key, unit_external_id, "
    "worker_key, kind,\n"
    "  amount_micros, currency, effective_at)\n"
    " SELECT source_id, 'bonus-w2-1', 'b-w2-1', repeat('b',64), 'bonus', "
    "29000000, 'PHP',\n"
    "        '2026-11-12 08:00:00+00'\n"
    " FROM dw.source WHERE name='src-b';\n",
    "-- b-w2-2 was rejected first and approved later: a reversal.\n"
    "INSERT INTO dw.work_unit_history (source_id, external_id, old_status,"
    " new_status)\n"
    " SELECT source_id, 'b-w2-2', 'rejected', 'approved' FROM dw.source"
    " WHERE name='src-b';\n",
    "-- W3 at fairlabel: Wed 11 Nov 14:00-14:45, 435 PHP.\n"
    "INSERT INTO dw.work_unit (source_id, external_id, worker_key, status, "
    "status_raw,\n"
    "  accepted_at, submitted_at, reward_micros, currency)\n"
    " SELECT source_id, 'b-w3-1', repeat('c',64), 'approved', 'approved',\n"
    "        '2026-11-11 14:00:00+00', '2026-11-11 14:45:00+00', 435000000, "
    "'PHP'\n"
    " FROM dw.source WHERE name='src-b';\n",
    NULL};

static int group_setup(void **state)
{
    (void)state;
    return h_analyzer_db("analyze", H_THRESHOLDS_SQL, fixture, NULL, db_url,
                         sizeof db_url);
}

/* The worker-weeks of the newest done run, one line each, sorted. */
static const char worker_weeks_sql[] =
    "SELECT string_agg(concat_ws(' ', v.name, left(w.worker_key, 4),"
    " w.week_start, w.tz_basis, coalesce(w.tz_name, '-'), w.tz_source,"
    " w.units, w.paid_s, w.unpaid_s, w.work_s, w.unpaid_task_s, w.search_s,"
    " w.unpaid_est_s, w.earnings_micros, w.currency, w.ehr_paid_micros,"
    " w.ehr_total_micros, w.ehr_total_est_micros, w.floor_country,"
    " w.floor_basis, w.min_wage_micros, w.at_or_above_min, w.min_wage_ratio,"
    " w.back_pay_micros, coalesce(w.living_wage_micros::text, '-'),"
    " coalesce(w.at_or_above_living::text, '-'), w.days_worked,"
    " w.days_over_8h, w.max_consecutive_days, w.no_break_stretches,"
    " w.avg_work_s, coalesce(w.night_s::text, '-'),"
    " coalesce(w.night_worker::text, '-'), w.units_rejected,"
    " w.units_reversed), E'\\n' ORDER BY v.name, w.worker_key)"
    " FROM dw.worker_week w JOIN dw.vendor v USING (vendor_id)"
    " WHERE w.analysis_run_id = (SELECT max(analysis_run_id)"
    "  FROM dw.analysis_run WHERE status = 'done')";

/*
 * By hand, beyond the comment at the top:
 * W1 (Europe/London = UTC in November): work 62 h = 223200 s, no unpaid
 *   evidence; the estimate 0.33 x 223200 = 73656 s; EHR_total_est =
 *   1015 / (296856 s / 3600) = 12.308998; 16.370968 / 15.8875 = 1.030431
 *   of the minimum; living wage 13.45 GBP x 1.25 = 16.8125 USD: below
 *   it (amber). 6 days of 10 h 20 min, each over 8 h and each one block
 *   over 6 h without a break; 6 days in a row (not over 6); 17-week mean
 *   223200 / 17 = 13129 s; night 0 (08:00-18:20 local).
 * W2 (no tz, source default Asia/Manila): the rejected task 11:00-11:20
 *   is 1200 s of unpaid evidence (30 min after the paid cluster: its own
 *   block); work 6600 s; EHR_total 2.00 / (6600/3600) = 1.090909; back
 *   pay 1.497845 x 6600/3600 = 2.746049 - 2.00 = 0.746049; the estimate
 *   max(1200, 0.33 x 5400 = 1782) = 1782 s. One reversal (b-w2-2).
 * W3 at acme-data: no tz anywhere -> UTC, night NULL. At fairlabel: the
 *   source default Asia/Manila makes 14:00-14:45Z 22:00-22:45 local:
 *   2700 s of night, 1 day worked, no night of 3 h: not a night worker.
 */
static const char expected_weeks[] =
    "acme-data aaaa 2026-11-02 local Europe/London worker 7 223200 0 223200 "
    "0 0 73656 1015000000 USD 16370968 16370968 12308998 GB worker 15887500 "
    "t 1.030431 0 16812500 false 6 6 6 6 13129 0 false 0 0\n"
    "acme-data cccc 2026-11-02 utc - unknown 2 5400 0 5400 0 0 1782 "
    "21600000 USD 14400000 14400000 10827068 US worker 7250000 t 1.986207 0 "
    "- - 1 0 1 0 318 - - 0 0\n"
    "fairlabel bbbb 2026-11-09 local Asia/Manila source_default 3 5400 1200 "
    "6600 1200 0 1782 2000000 USD 1333333 1090909 1002506 PH source_default "
    "1497845 f 0.728319 746049 - - 1 0 1 0 388 0 false 1 1\n"
    "fairlabel cccc 2026-11-09 local Asia/Manila source_default 1 2700 0 "
    "2700 0 0 891 7500000 USD 10000000 10000000 7518797 US worker 7250000 t "
    "1.37931 0 - - 1 0 1 0 159 2700 false 0 0";

static const char flags_sql[] =
    "SELECT string_agg(concat_ws(' ', v.name, f.rule, f.severity, f.subject,"
    " coalesce(left(f.worker_key, 4), '-'), f.period_start, f.period_end,"
    " f.value, f.threshold, f.unit), E'\\n'"
    " ORDER BY v.name, f.rule, f.worker_key, f.period_start)"
    " FROM dw.flag f JOIN dw.vendor v USING (vendor_id)"
    " WHERE f.analysis_run_id = (SELECT max(analysis_run_id)"
    "  FROM dw.analysis_run WHERE status = 'done')";

/* 620 min = 10.333333 h a day, over 8 h and one block over 6 h without
 * a break, on each of the 6 days; fairlabel rejected 1 of 5 decided
 * units = 0.2 > 0.05 (red). */
static const char expected_flags[] =
    "acme-data below_living_wage amber worker_week aaaa 2026-11-02 "
    "2026-11-08 16.370968 16.8125 USD/h\n"
    "acme-data daily_hours_over_8 amber worker_day aaaa 2026-11-02 "
    "2026-11-02 10.333333 8 h/day\n"
    "acme-data daily_hours_over_8 amber worker_day aaaa 2026-11-03 "
    "2026-11-03 10.333333 8 h/day\n"
    "acme-data daily_hours_over_8 amber worker_day aaaa 2026-11-04 "
    "2026-11-04 10.333333 8 h/day\n"
    "acme-data daily_hours_over_8 amber worker_day aaaa 2026-11-05 "
    "2026-11-05 10.333333 8 h/day\n"
    "acme-data daily_hours_over_8 amber worker_day aaaa 2026-11-06 "
    "2026-11-06 10.333333 8 h/day\n"
    "acme-data daily_hours_over_8 amber worker_day aaaa 2026-11-07 "
    "2026-11-07 10.333333 8 h/day\n"
    "acme-data hours_over_48 amber worker_week aaaa 2026-11-02 2026-11-08 "
    "62 48 h/week\n"
    "acme-data hours_over_60 red worker_week aaaa 2026-11-02 2026-11-08 62 "
    "60 h/week\n"
    "acme-data no_break_over_6h amber worker_day aaaa 2026-11-02 "
    "2026-11-02 10.333333 6 h\n"
    "acme-data no_break_over_6h amber worker_day aaaa 2026-11-03 "
    "2026-11-03 10.333333 6 h\n"
    "acme-data no_break_over_6h amber worker_day aaaa 2026-11-04 "
    "2026-11-04 10.333333 6 h\n"
    "acme-data no_break_over_6h amber worker_day aaaa 2026-11-05 "
    "2026-11-05 10.333333 6 h\n"
    "acme-data no_break_over_6h amber worker_day aaaa 2026-11-06 "
    "2026-11-06 10.333333 6 h\n"
    "acme-data no_break_over_6h amber worker_day aaaa 2026-11-07 "
    "2026-11-07 10.333333 6 h\n"
    "fairlabel below_minimum_wage red worker_week bbbb 2026-11-09 "
    "2026-11-15 1.090909 1.497845 USD/h\n"
    "fairlabel rejection_rate red vendor - 2026-11-02 2026-11-15 0.2 0.05 "
    "share\n"
    "fairlabel share_below_vast_majority red vendor - 2026-11-02 "
    "2026-11-15 0.5 0.9 share";

static const char vendor_sql[] =
    "SELECT string_agg(concat_ws(' ', v.name, p.period_from, p.period_to,"
    " p.workers, p.worker_weeks, p.weeks_at_or_above_min,"
    " p.median_ehr_micros, p.currency, p.hours_over_48, p.hours_over_60,"
    " p.units_total, p.units_usable, p.median_ehr_total_micros,"
    " p.back_pay_micros, p.days_over_8h, p.no_break_stretches,"
    " p.tz_unknown_weeks, p.paid_s, p.work_s, p.units_rejected,"
    " p.units_reversed, coalesce(p.rejection_rate::text, '-'),"
    " coalesce(p.reversal_rate::text, '-'),"
    " coalesce(p.payment_delay_median_s::text, '-'),"
    " coalesce(p.payment_delay_p90_s::text, '-'), p.units_unpaid_30d),"
    " E'\\n' ORDER BY v.name)"
    " FROM dw.vendor_period p JOIN dw.vendor v USING (vendor_id)"
    " WHERE p.analysis_run_id = (SELECT max(analysis_run_id)"
    "  FROM dw.analysis_run WHERE status = 'done')";

/* acme-data payment delays: paid 11-10 12:00 for units submitted 11-03
 * 11:00 and 11:30: 608400 s and 606600 s; median 607500, p90 (the 2nd of
 * 2) 608400. fairlabel: median EHR_total (1090909 + 10000000) / 2 =
 * 5545454.5 -> 5545455; reversal 1 / (1 + 1) = 0.5. */
static const char expected_vendors[] =
    "acme-data 2026-11-02 2026-11-15 2 2 2 15385484 USD 1 1 9 9 15385484 0 "
    "6 6 1 228600 228600 0 0 0 - 607500 608400 0\n"
    "fairlabel 2026-11-02 2026-11-15 2 2 1 5666667 USD 0 0 6 5 5545455 "
    "746049 0 0 0 8100 9300 1 1 0.2 0.5 - - 0";

static void run_computes_worker_weeks_flags_and_scorecards(void **state)
{
    const char *args[] = {"run",  "--from",     "2026-11-02",
                          "--to", "2026-11-15", NULL};
    char *out = NULL;
    PGconn *c;

    (void)state;
    assert_int_equal(h_analyze(db_url, args, &out), 0);
    free(out);
    c = h_connect(db_url);
    h_assert_query(c, worker_weeks_sql, expected_weeks);
    h_assert_query(c, flags_sql, expected_flags);
    h_assert_query(c, vendor_sql, expected_vendors);
    /* Coverage over both vendors: 15 units, 14 usable. */
    h_assert_query(c,
                   "SELECT concat_ws(' ', method_version, threshold_set,"
                   " report_currency, units_total, units_usable, status,"
                   " vendor_id IS NULL) FROM dw.analysis_run"
                   " ORDER BY analysis_run_id DESC LIMIT 1",
                   "2026.11-3 default USD 15 14 done t");
    PQfinish(c);
}

static void running_the_window_again_replaces_its_results(void **state)
{
    const char *args[] = {"run",  "--from",     "2026-11-02",
                          "--to", "2026-11-15", NULL};
    char *out = NULL;
    PGconn *c;

    (void)state;
    assert_int_equal(h_analyze(db_url, args, &out), 0);
    h_assert_contains(out, "superseded=1");
    free(out);
    c = h_connect(db_url);
    h_assert_query(c, worker_weeks_sql, expected_weeks);
    h_assert_query(c, flags_sql, expected_flags);
    h_assert_query(c, vendor_sql, expected_vendors);
    /* No duplicates: only the new run has result rows (4 weeks, 18 flags,
     * 9 worker-days: W1 6, W2 1, W3 1 + 1). */
    assert_int_equal(h_query_long(c, "SELECT count(*) FROM dw.worker_week"), 4);
    assert_int_equal(h_query_long(c, "SELECT count(*) FROM dw.flag"), 18);
    assert_int_equal(h_query_long(c, "SELECT count(*) FROM dw.worker_day"), 9);
    assert_int_equal(h_query_long(c, "SELECT count(*) FROM dw.vendor_period"),
                     2);
    h_assert_query(c,
                   "SELECT string_agg(status, ',' ORDER BY analysis_run_id)"
                   " FROM dw.analysis_run",
                   "superseded,done");
    PQfinish(c);
}

static void report_shows_the_hand_computed_scorecard(void **state)
{
    const char *fair[] = {"report", "--vendor", "fairlabel", NULL};
    const char *acme[] = {"report", "--vendor", "acme-data", NULL};
    char *out = NULL;

    (void)state;
    assert_int_equal(h_analyze(db_url, fair, &out), 0);
    h_assert_contains(out, "Vendor scorecard: fairlabel");
    h_assert_contains(out, "Window              2026-11-02 to 2026-11-15");
    h_assert_contains(out, "Method version      2026.11-3");
    h_assert_contains(out, "Threshold set       default");
    h_assert_contains(out, "Report currency     USD");
    h_assert_contains(out, "5 of 6 units have usable times (83.3%)");
    h_assert_contains(out, "Workers                      2");
    h_assert_contains(out, "Worker-weeks                 2");
    h_assert_contains(out, "1 of 2 worker-weeks (50.0%): FAILS the 90.0% line");
    h_assert_contains(out, "5.67 USD/h");
    h_assert_contains(out, "Worker-weeks over 48 h       0");
    h_assert_contains(out, "Worker-weeks over 60 h       0");
    h_assert_contains(out, "Hours count only work on our tasks: a lower bound");
    free(out);

    out = NULL;
    assert_int_equal(h_analyze(db_url, acme, &out), 0);
    h_assert_contains(out,
                      "2 of 2 worker-weeks (100.0%): passes the 90.0% line");
    h_assert_contains(out, "15.39 USD/h");
    h_assert_contains(out, "Worker-weeks over 48 h       1");
    h_assert_contains(out, "Worker-weeks over 60 h       1");
    h_assert_contains(out, "9 of 9 units have usable times (100.0%)");
    free(out);
}

static void report_without_vendor_covers_every_vendor(void **state)
{
    const char *args[] = {"report", NULL};
    char *out = NULL;

    (void)state;
    assert_int_equal(h_analyze(db_url, args, &out), 0);
    h_assert_contains(out, "Vendor scorecard: acme-data");
    h_assert_contains(out, "Vendor scorecard: fairlabel");
    free(out);
}

static void unknown_vendor_is_a_usage_error(void **state)
{
    const char *report[] = {"report", "--vendor", "no-such-vendor", NULL};
    const char *run[] = {"run",        "--from",   "2026-11-02",     "--to",
                         "2026-11-15", "--vendor", "no-such-vendor", NULL};
    char *out = NULL;

    (void)state;
    assert_int_equal(h_analyze(db_url, report, &out), 2);
    h_assert_contains(out, "unknown vendor 'no-such-vendor'");
    free(out);
    out = NULL;
    assert_int_equal(h_analyze(db_url, run, &out), 2);
    free(out);
}

static void a_vendor_run_is_its_own_scope(void **state)
{
    const char *run[] = {"run",        "--from",   "2026-11-02", "--to",
                         "2026-11-15", "--vendor", "fairlabel",  NULL};
    const char *report[] = {"report", "--vendor", "fairlabel", NULL};
    char *out = NULL;
    PGconn *c;

    (void)state;
    assert_int_equal(h_analyze(db_url, run, &out), 0);
    h_assert_contains(out, "superseded=0");
    free(out);
    c = h_connect(db_url);
    /* The all-vendor run stays (4 weeks, 18 flags); the vendor run adds
     * fairlabel's 2 weeks and 3 flags (below_minimum_wage, rejection_rate,
     * share_below_vast_majority). */
    assert_int_equal(h_query_long(c, "SELECT count(*) FROM dw.worker_week"), 6);
    assert_int_equal(h_query_long(c, "SELECT count(*) FROM dw.flag"), 21);
    PQfinish(c);
    out = NULL;
    assert_int_equal(h_analyze(db_url, report, &out), 0);
    h_assert_contains(out, "(this vendor)");
    h_assert_contains(out, "5.67 USD/h");
    free(out);
}

static void a_missing_threshold_fails_the_run_by_name(void **state)
{
    const char *args[] = {"run",  "--from",     "2026-11-02",
                          "--to", "2026-11-15", NULL};
    char *out = NULL;
    PGconn *c = h_connect(db_url);

    (void)state;
    h_exec(c, "UPDATE dw.threshold SET threshold_set = 'parked'"
              " WHERE name = 'weekly_hours_hard_max'");
    assert_int_equal(h_analyze(db_url, args, &out), 1);
    h_assert_contains(out, "threshold 'weekly_hours_hard_max' is missing");
    free(out);
    /* Nothing of the failed run was kept but its audit row; the done run
     * of the window is still there. */
    h_assert_query(c,
                   "SELECT string_agg(status, ',' ORDER BY analysis_run_id)"
                   " FROM dw.analysis_run WHERE vendor_id IS NULL",
                   "superseded,done,failed");
    h_exec(c, "UPDATE dw.threshold SET threshold_set = 'default'"
              " WHERE name = 'weekly_hours_hard_max'");
    PQfinish(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(run_computes_worker_weeks_flags_and_scorecards),
        cmocka_unit_test(running_the_window_again_replaces_its_results),
        cmocka_unit_test(report_shows_the_hand_computed_scorecard),
        cmocka_unit_test(report_without_vendor_covers_every_vendor),
        cmocka_unit_test(unknown_vendor_is_a_usage_error),
        cmocka_unit_test(a_vendor_run_is_its_own_scope),
        cmocka_unit_test(a_missing_threshold_fails_the_run_by_name),
    };

    if (!h_require_db()) {
        printf("integration_test_analyze: skipped (DW_TEST_DB_URL unset)\n");
        return 0;
    }
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
