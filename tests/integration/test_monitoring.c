/* tests/integration/test_monitoring.c — monitoring intensity from hand-made
 * activity segments and declared practices, through dw-analyze run. */
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
 * Window 2026-11-02 .. 2026-11-08 (one ISO week). All pay is USD, every
 * worker is in the US (7.25 USD/h) and earns more. The other thresholds
 * are the seeded ones; the test sets the monitoring limits itself: 0/2/6/18
 * screenshots per tracked hour, webcam -> band 4. Cells are 10 minutes
 * (600 s). The checks below look at the monitoring rules only.
 *
 * watchful (source src-w):
 *   A 'aaaa': unit Mon 09:00-10:00 (paid 3600 s). Six metered cells
 *     09:00..09:50 with 1 screenshot each, and an unmetered cell at 14:00
 *     with 1 screenshot: 14:00 >= 10:00 + one cell, so off shift (1).
 *     7 screenshots / (4200 s / 3600) = 6/h: band 2; metered 3600 / paid
 *     3600 = ATC 1. Off-shift -> critical.
 *   B 'bbbb': unit Tue 10:00-12:00 (7200 s). 12 cells 10:00..11:50 with
 *     2 screenshots each, the first 6 metered, one webcam shot at 10:00.
 *     24 / 2 h = 12/h (band 3) but a webcam shot: band 4, raised by the
 *     webcam: WCPH 1 / 2 h = 0.5. ATC 3600 / 7200 = 0.5.
 *   C 'cccc': unit Wed 08:00-09:00, no cells: band 0, ATC 0 / 3600 = 0.
 *   Vendor: bands A 2, B 4, C 0 -> 1 0 1 0 1, band 4. Tracked 4200 +
 *     7200 = 11400 s; metered 7200; paid 14400; 31 screenshots, 1 webcam.
 *     SPH 31 x 3600 / 11400 = 9.7894736.. -> 9.789474; WCPH 3600 / 11400
 *     = 0.3157894.. -> 0.315789; ATC 7200 / 14400 = 0.5. Practices:
 *     emotion_inference in use (CRITICAL), screenshots in use (measured,
 *     no flag), private_messages not in use (nothing).
 * calm (source src-c):
 *   D 'dddd': unit Thu 09:00-09:30; 3 cells with mouse counts and no
 *     screenshots: SPH 0 with metering -> band 1; ATC 1800 / 1800 = 1.
 *   E 'eeee': unit Fri 13:00-14:00; 6 unmetered cells with 4,3,3,3,3,3
 *     = 19 screenshots in 1 h: 19 > 18 -> band 4 (red, 19 vs 18).
 *   Vendor: bands 0 1 0 0 1, band 4; tracked 5400, metered 1800, paid
 *     5400, SPH 19 x 3600 / 5400 = 12.666667, ATC 1800 / 5400 = 0.333333.
 */
static const char *const fixture[] = {
    "DELETE FROM dw.threshold WHERE threshold_set = 'default'"
    " AND (name LIKE 'sph_band_%' OR name = 'webcam_any_band');\n",
    "INSERT INTO dw.threshold (threshold_set, name, value, unit, valid_from, "
    "source) VALUES\n"
    " ('default','sph_band_0_max',0,'/h','2020-01-01','test'),\n"
    " ('default','sph_band_1_max',2,'/h','2020-01-01','test'),\n"
    " ('default','sph_band_2_max',6,'/h','2020-01-01','test'),\n"
    " ('default','sph_band_3_max',18,'/h','2020-01-01','test'),\n"
    " ('default','webcam_any_band',4,'band','2020-01-01','test');\n",
    "DELETE FROM dw.wage_floor;\n",
    "INSERT INTO dw.wage_floor (country, kind, amount_micros, currency, per, "
    "hours_basis, valid_from, source) VALUES\n"
    " ('US','minimum',7250000,'USD','hour',1,'2009-07-24','test');\n",
    "INSERT INTO dw.vendor (name, country) VALUES ('watchful','US'), "
    "('calm','US');\n",
    "INSERT INTO dw.source (name, platform, vendor_id, default_country)\n"
    " SELECT 'src-w','upwork',vendor_id,'US' FROM dw.vendor WHERE "
    "name='watchful';\n",
    "INSERT INTO dw.source (name, platform, vendor_id, default_country)\n"
    " SELECT 'src-c','upwork',vendor_id,'US' FROM dw.vendor WHERE "
    "name='calm';\n",
    "INSERT INTO dw.worker (worker_key, platform, country)\n"
    " SELECT repeat(k,64), 'upwork', 'US' FROM unnest(ARRAY['a','b','c',"
    "'d','e']) k;\n",
    "INSERT INTO dw.work_unit (source_id, external_id, worker_key, status, "
    "status_raw,\n"
    "  accepted_at, submitted_at, reward_micros, currency)\n"
    " SELECT s.source_id, x.id, repeat(x.k,64), 'approved', 'approved', "
    "x.a, x.b, x.r, 'USD'\n"
    " FROM dw.source s JOIN (VALUES\n"
    "  ('src-w','w-a','a',timestamptz '2026-11-02 09:00+00',"
    "   timestamptz '2026-11-02 10:00+00',20000000),\n"
    "  ('src-w','w-b','b','2026-11-03 10:00+00','2026-11-03 12:00+00',"
    "30000000),\n"
    "  ('src-w','w-c','c','2026-11-04 08:00+00','2026-11-04 09:00+00',"
    "10000000),\n"
    "  ('src-c','c-d','d','2026-11-05 09:00+00','2026-11-05 09:30+00',"
    "5000000),\n"
    "  ('src-c','c-e','e','2026-11-06 13:00+00','2026-11-06 14:00+00',"
    "15000000)) x(src, id, k, a, b, r) ON s.name = x.src;\n",
    "-- A: six metered cells with one screenshot, one off-shift cell.\n"
    "INSERT INTO dw.activity_segment (source_id, worker_key, started_at, "
    "duration_s,\n"
    "  screenshots, webcam_shots, keyboard_events, mouse_events)\n"
    " SELECT source_id, repeat('a',64),\n"
    "        timestamptz '2026-11-02 09:00+00' + i * interval '10 min',\n"
    "        600, 1, 0, 100, 50\n"
    " FROM dw.source, generate_series(0,5) i WHERE name='src-w'\n"
    " UNION ALL\n"
    " SELECT source_id, repeat('a',64), '2026-11-02 14:00+00', 600, 1, 0, "
    "NULL, NULL\n"
    " FROM dw.source WHERE name='src-w';\n",
    "-- B: twelve cells, two screenshots each, six metered, one webcam shot.\n"
    "INSERT INTO dw.activity_segment (source_id, worker_key, started_at, "
    "duration_s,\n"
    "  screenshots, webcam_shots, keyboard_events, mouse_events)\n"
    " SELECT source_id, repeat('b',64),\n"
    "        timestamptz '2026-11-03 10:00+00' + i * interval '10 min',\n"
    "        600, 2, CASE WHEN i = 0 THEN 1 ELSE 0 END,\n"
    "        CASE WHEN i < 6 THEN 80 END, CASE WHEN i < 6 THEN 40 END\n"
    " FROM dw.source, generate_series(0,11) i WHERE name='src-w';\n",
    "-- D: three cells with mouse counts only; E: 19 screenshots in 1 h.\n"
    "INSERT INTO dw.activity_segment (source_id, worker_key, started_at, "
    "duration_s,\n"
    "  screenshots, webcam_shots, keyboard_events, mouse_events, manual)\n"
    " SELECT source_id, repeat('d',64),\n"
    "        timestamptz '2026-11-05 09:00+00' + i * interval '10 min',\n"
    "        600, 0, 0, NULL::integer, 30, false\n"
    " FROM dw.source, generate_series(0,2) i WHERE name='src-c'\n"
    " UNION ALL\n"
    " SELECT source_id, repeat('e',64),\n"
    "        timestamptz '2026-11-06 13:00+00' + i * interval '10 min',\n"
    "        600, CASE WHEN i = 0 THEN 4 ELSE 3 END, 0, NULL::integer,\n"
    "        NULL::integer, false\n"
    " FROM dw.source, generate_series(0,5) i WHERE name='src-c';\n",
    "INSERT INTO dw.monitoring_practice (source_id, practice, in_use, "
    "evidence)\n"
    " SELECT source_id, x.p, x.u, x.e FROM dw.source, (VALUES\n"
    "  ('emotion_inference', true, 'vendor FAQ: \"we read the team''s "
    "mood\"'),\n"
    "  ('screenshots', true, NULL),\n"
    "  ('private_messages', false, 'denied in the DPA')) x(p, u, e)\n"
    " WHERE name='src-w';\n",
    NULL};

static int group_setup(void **state)
{
    (void)state;
    return h_analyzer_db("monitoring", NULL, fixture, NULL, db_url,
                         sizeof db_url);
}

#define NEWEST_DONE_ALL_VENDORS                                                \
    "(SELECT max(analysis_run_id) FROM dw.analysis_run"                        \
    " WHERE status = 'done' AND vendor_id IS NULL)"

/* The rules this step raises. */
#define MONITORING_RULES                                                       \
    "(f.rule IN ('offshift_collection_detected', 'monitoring_high',"           \
    " 'monitoring_very_high') OR f.rule LIKE 'practice\\_%')"

static const char weeks_sql[] =
    "SELECT string_agg(concat_ws(' ', v.name, left(m.worker_key, 4),"
    " m.week_start, m.tz_basis, m.segments, m.tracked_s, m.metered_s,"
    " coalesce(m.paid_s::text, '-'), m.screenshots, m.webcam_shots,"
    " coalesce(m.sph::text, '-'), coalesce(m.wcph::text, '-'),"
    " coalesce(m.atc::text, '-'), m.band,"
    " coalesce(m.offshift_segments::text, '-'), m.critical), E'\\n'"
    " ORDER BY v.name, m.worker_key)"
    " FROM dw.worker_week_monitoring m JOIN dw.vendor v USING (vendor_id)"
    " WHERE m.analysis_run_id = " NEWEST_DONE_ALL_VENDORS;

static const char expected_weeks[] =
    "calm dddd 2026-11-02 utc 3 1800 1800 1800 0 0 0 0 1 1 0 f\n"
    "calm eeee 2026-11-02 utc 6 3600 0 3600 19 0 19 0 0 4 0 f\n"
    "watchful aaaa 2026-11-02 utc 7 4200 3600 3600 7 0 6 0 1 2 1 t\n"
    "watchful bbbb 2026-11-02 utc 12 7200 3600 7200 24 1 12 0.5 0.5 4 0 f\n"
    "watchful cccc 2026-11-02 utc 0 0 0 3600 0 0 - - 0 0 0 f";

static const char vendors_sql[] =
    "SELECT string_agg(concat_ws(' ', v.name, m.period_from, m.period_to,"
    " m.workers, m.worker_weeks, m.monitored_weeks, m.workers_band_0,"
    " m.workers_band_1, m.workers_band_2, m.workers_band_3,"
    " m.workers_band_4, m.band, m.tracked_s, m.metered_s, m.paid_s,"
    " m.screenshots, m.webcam_shots, m.sph, m.wcph, m.atc,"
    " m.offshift_segments, m.weeks_offshift, m.practices_critical,"
    " m.critical), E'\\n' ORDER BY v.name)"
    " FROM dw.vendor_monitoring m JOIN dw.vendor v USING (vendor_id)"
    " WHERE m.analysis_run_id = " NEWEST_DONE_ALL_VENDORS;

static const char expected_vendors[] =
    "calm 2026-11-02 2026-11-08 2 2 2 0 1 0 0 1 4 5400 1800 5400 19 0 "
    "12.666667 0 0.333333 0 0 0 f\n"
    "watchful 2026-11-02 2026-11-08 3 3 2 1 0 1 0 1 4 11400 7200 14400 31 1 "
    "9.789474 0.315789 0.5 1 1 1 t";

static const char flags_sql[] =
    "SELECT string_agg(concat_ws(' ', v.name, f.rule, f.severity, f.subject,"
    " coalesce(left(f.worker_key, 4), '-'), f.period_start, f.period_end,"
    " f.value, f.threshold, f.unit), E'\\n'"
    " ORDER BY v.name, f.rule, f.worker_key)"
    " FROM dw.flag f JOIN dw.vendor v USING (vendor_id)"
    " WHERE " MONITORING_RULES
    " AND f.analysis_run_id = " NEWEST_DONE_ALL_VENDORS;

static const char expected_flags[] =
    "calm monitoring_very_high red worker_week eeee 2026-11-02 2026-11-08 "
    "19 18 screenshots/h\n"
    "watchful monitoring_very_high red worker_week bbbb 2026-11-02 "
    "2026-11-08 0.5 0 webcam shots/h\n"
    "watchful offshift_collection_detected critical worker_week aaaa "
    "2026-11-02 2026-11-08 1 0 segments\n"
    "watchful practice_emotion_inference critical vendor - 2026-11-02 "
    "2026-11-08 1 0 practice in use";

static const char *const run_args[] = {"run",  "--from",     "2026-11-02",
                                       "--to", "2026-11-08", NULL};

static void run_computes_monitoring_rows_and_flags(void **state)
{
    char *out = NULL;
    PGconn *c;

    (void)state;
    assert_int_equal(h_analyze(db_url, run_args, &out), 0);
    free(out);
    c = h_connect(db_url);
    h_assert_query(c, weeks_sql, expected_weeks);
    h_assert_query(c, vendors_sql, expected_vendors);
    h_assert_query(c, flags_sql, expected_flags);
    PQfinish(c);
}

static void flags_carry_evidence_to_check_by_hand(void **state)
{
    PGconn *c = h_connect(db_url);

    (void)state;
    h_assert_query(c,
                   "SELECT concat_ws(' | ', evidence->>'offshift_segments',"
                   " evidence->>'segments', evidence->>'first_offshift_at',"
                   " evidence->>'basis') FROM dw.flag"
                   " WHERE rule = 'offshift_collection_detected'",
                   "1 | 7 | 2026-11-02T14:00:00Z | Directive (EU) 2024/2831 "
                   "Art. 7(1)(c)");
    /* The declared evidence keeps its quotes (JSON-escaped, not cut). */
    h_assert_query(c,
                   "SELECT concat_ws(' | ', evidence->>'source',"
                   " evidence->>'practice', evidence->>'declared_evidence')"
                   " FROM dw.flag WHERE rule = 'practice_emotion_inference'",
                   "src-w | emotion_inference | vendor FAQ: \"we read the "
                   "team's mood\"");
    h_assert_query(c,
                   "SELECT concat_ws(' ', evidence->>'band',"
                   " evidence->>'screenshots', evidence->>'webcam_shots',"
                   " evidence->>'tracked_s', evidence->>'metered_s')"
                   " FROM dw.flag WHERE rule = 'monitoring_very_high'"
                   " AND worker_key = repeat('b', 64)",
                   "4 24 1 7200 3600");
    PQfinish(c);
}

static void running_the_window_again_replaces_its_monitoring_rows(void **state)
{
    char *out = NULL;
    PGconn *c;

    (void)state;
    assert_int_equal(h_analyze(db_url, run_args, &out), 0);
    h_assert_contains(out, "superseded=1");
    free(out);
    c = h_connect(db_url);
    h_assert_query(c, weeks_sql, expected_weeks);
    h_assert_query(c, vendors_sql, expected_vendors);
    h_assert_query(c, flags_sql, expected_flags);
    /* Only the new run keeps result rows: no duplicates. */
    assert_int_equal(
        h_query_long(c, "SELECT count(*) FROM dw.worker_week_monitoring"), 5);
    assert_int_equal(
        h_query_long(c, "SELECT count(*) FROM dw.vendor_monitoring"), 2);
    assert_int_equal(
        h_query_long(c,
                     "SELECT count(*) FROM dw.flag f WHERE " MONITORING_RULES),
        4);
    PQfinish(c);
}

static void
the_report_view_hides_vendors_with_fewer_than_k_workers(void **state)
{
    static const char view_sql[] =
        "SELECT coalesce(string_agg(concat_ws(' ', vendor, workers, band,"
        " band_label, critical, workers_band_0, workers_band_1,"
        " workers_band_2, workers_band_3, workers_band_4, tracked_hours,"
        " sph, wcph, atc, offshift_segments, practices_critical), E'\\n'"
        " ORDER BY vendor), '(none)') FROM report.vendor_monitoring";
    PGconn *c = h_connect(db_url);

    (void)state;
    /* k = 5 by default: 3 and 2 workers are both too few. */
    h_assert_query(c, view_sql, "(none)");
    h_exec(c, "UPDATE dw.setting SET value = '3'"
              " WHERE name = 'report.min_group'");
    /* 11400 s = 3.1666.. h -> 3.17. */
    h_assert_query(c, view_sql,
                   "watchful 3 4 very high t 1 0 1 0 1 3.17 9.789474 0.315789 "
                   "0.5 1 1");
    h_exec(c, "UPDATE dw.setting SET value = '2'"
              " WHERE name = 'report.min_group'");
    h_assert_query(c, view_sql,
                   "calm 2 4 very high f 0 1 0 0 1 1.50 12.666667 0 0.333333 "
                   "0 0\n"
                   "watchful 3 4 very high t 1 0 1 0 1 3.17 9.789474 0.315789 "
                   "0.5 1 1");
    h_exec(c, "UPDATE dw.setting SET value = '5'"
              " WHERE name = 'report.min_group'");
    PQfinish(c);
}

static void a_vendor_run_writes_only_that_vendor(void **state)
{
    const char *args[] = {"run",        "--from",   "2026-11-02", "--to",
                          "2026-11-08", "--vendor", "calm",       NULL};
    char *out = NULL;
    PGconn *c;

    (void)state;
    assert_int_equal(h_analyze(db_url, args, &out), 0);
    free(out);
    c = h_connect(db_url);
    /* The all-vendor run keeps its 5 + 2 rows; the calm run adds 2 + 1. */
    assert_int_equal(
        h_query_long(c, "SELECT count(*) FROM dw.worker_week_monitoring"), 7);
    assert_int_equal(
        h_query_long(c, "SELECT count(*) FROM dw.vendor_monitoring"), 3);
    h_assert_query(c,
                   "SELECT concat_ws(' ', m.workers, m.band, m.sph, m.critical)"
                   " FROM dw.vendor_monitoring m JOIN dw.analysis_run r"
                   " USING (analysis_run_id) WHERE r.vendor_id IS NOT NULL",
                   "2 4 12.666667 f");
    PQfinish(c);
}

static void a_missing_monitoring_threshold_fails_the_run_by_name(void **state)
{
    char *out = NULL;
    PGconn *c = h_connect(db_url);

    (void)state;
    h_exec(c, "UPDATE dw.threshold SET threshold_set = 'parked'"
              " WHERE name = 'sph_band_2_max'");
    assert_int_equal(h_analyze(db_url, run_args, &out), 1);
    h_assert_contains(out, "threshold 'sph_band_2_max' is missing");
    free(out);
    /* The failed run kept nothing: the done run's rows are all there. */
    assert_int_equal(
        h_query_long(c, "SELECT count(*) FROM dw.worker_week_monitoring"), 7);
    h_assert_query(c, weeks_sql, expected_weeks);
    h_exec(c, "UPDATE dw.threshold SET threshold_set = 'default'"
              " WHERE name = 'sph_band_2_max'");
    PQfinish(c);
}

static void disordered_band_limits_fail_the_run_clearly(void **state)
{
    char *out = NULL;
    PGconn *c = h_connect(db_url);

    (void)state;
    /* A later row makes band 3's limit (1) lower than band 2's (6). */
    h_exec(c, "INSERT INTO dw.threshold (threshold_set, name, value, unit,"
              " valid_from, source) VALUES ('default', 'sph_band_3_max', 1,"
              " '/h', '2026-01-01', 'test')");
    assert_int_equal(h_analyze(db_url, run_args, &out), 1);
    h_assert_contains(out, "threshold sph_band_3_max must be >= 0 and >= the "
                           "band below it");
    free(out);
    h_exec(c, "DELETE FROM dw.threshold WHERE name = 'sph_band_3_max'"
              " AND valid_from = '2026-01-01'");
    PQfinish(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(run_computes_monitoring_rows_and_flags),
        cmocka_unit_test(flags_carry_evidence_to_check_by_hand),
        cmocka_unit_test(running_the_window_again_replaces_its_monitoring_rows),
        cmocka_unit_test(
            the_report_view_hides_vendors_with_fewer_than_k_workers),
        cmocka_unit_test(a_vendor_run_writes_only_that_vendor),
        cmocka_unit_test(a_missing_monitoring_threshold_fails_the_run_by_name),
        cmocka_unit_test(disordered_band_limits_fail_the_run_clearly),
    };

    if (!h_require_db()) {
        printf("integration_test_monitoring: skipped (DW_TEST_DB_URL "
               "unset)\n");
        return 0;
    }
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
