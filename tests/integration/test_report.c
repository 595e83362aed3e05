/* tests/integration/test_report.c — facts -> run -> report in each format. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static char db_url[1024];

/*
 * The facts (seeded catalogues: US minimum wage 7.25 USD/h). Vendor
 * acme-data (US), six US workers 'aaaa..' .. 'ffff..', each with one
 * approved 1-hour task on Monday 2026-11-02 10:00-11:00 UTC paying
 * 3, 6, 9, 12, 15 and 18 USD: EHR 3 .. 18 USD/h. At or above 7.25:
 * 9, 12, 15, 18 = 4 of 6 worker-weeks (66.7% < 90%: fails). Median
 * (9 + 12) / 2 = 10.50 USD/h. All in the [0, 6] h bucket. Vendor
 * 'tiny & co' has two such workers (3 and 18 USD): below k = 5.
 */
static const char *const fixture[] = {
    "INSERT INTO dw.vendor (name, country) VALUES ('acme-data','US'),"
    " ('tiny & co','US'), ('no-run-yet', NULL);\n",
    "INSERT INTO dw.source (name, platform, vendor_id, default_country)"
    " SELECT 'src-' || name, 'prolific', vendor_id, 'US' FROM dw.vendor;\n",
    "INSERT INTO dw.worker (worker_key, platform, country)"
    " SELECT repeat(c, 64), 'prolific', 'US'"
    " FROM unnest(ARRAY['a','b','c','d','e','f','1','2']) c;\n",
    "INSERT INTO dw.work_unit (source_id, external_id, worker_key, status,"
    " status_raw, accepted_at, submitted_at, paid_at, reward_micros, currency)"
    " SELECT s.source_id, 'u-' || x.c, repeat(x.c, 64), 'approved',"
    " 'APPROVED', '2026-11-02 10:00:00+00', '2026-11-02 11:00:00+00',"
    " '2026-11-03 10:00:00+00', x.usd * 1000000, 'USD'"
    " FROM dw.source s, (VALUES ('a',3),('b',6),('c',9),('d',12),('e',15),"
    " ('f',18)) x(c, usd) WHERE s.name = 'src-acme-data';\n",
    "INSERT INTO dw.work_unit (source_id, external_id, worker_key, status,"
    " status_raw, accepted_at, submitted_at, paid_at, reward_micros, currency)"
    " SELECT s.source_id, 'u-' || x.c, repeat(x.c, 64), 'approved',"
    " 'APPROVED', '2026-11-02 10:00:00+00', '2026-11-02 11:00:00+00',"
    " '2026-11-03 10:00:00+00', x.usd * 1000000, 'USD'"
    " FROM dw.source s, (VALUES ('1',3),('2',18)) x(c, usd)"
    " WHERE s.name = 'src-tiny & co';\n",
    NULL};

static int group_setup(void **state)
{
    const char *run[] = {"run",  "--from",     "2026-11-02",
                         "--to", "2026-11-08", NULL};

    (void)state;
    return h_analyzer_db("report", NULL, fixture, run, db_url, sizeof db_url);
}

static const char *jstr(json_t *o, const char *path0, const char *path1)
{
    json_t *x = json_object_get(o, path0);
    if (path1 != NULL)
        x = json_object_get(x, path1);
    if (!json_is_string(x))
        fail_msg("%s.%s is not a string", path0, path1 ? path1 : "");
    return json_string_value(x);
}

static void json_report_parses_and_matches_the_database(void **state)
{
    const char *args[] = {"report",   "--vendor", "acme-data",
                          "--format", "json",     NULL};
    char *out = NULL, *s;
    json_error_t jerr;
    json_t *root, *v, *mw;
    PGconn *c;

    (void)state;
    assert_int_equal(h_analyze(db_url, args, &out), 0);
    root = json_loads(out, 0, &jerr);
    if (root == NULL)
        fail_msg("not JSON (%s):\n%s", jerr.text, out);
    v = json_array_get(json_object_get(root, "vendors"), 0);
    c = h_connect(db_url);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(v, "run"), "id")),
        h_query_long(c, "SELECT max(analysis_run_id) FROM "
                        "dw.analysis_run WHERE status='done'"));
    s = h_query_value(c, "SELECT method_version FROM dw.analysis_run "
                         "WHERE status = 'done'");
    assert_string_equal(jstr(v, "run", "method_version"), s);
    free(s);
    assert_int_equal(json_integer_value(json_object_get(v, "workers")),
                     h_query_long(c, "SELECT workers FROM dw.vendor_period "
                                     "JOIN dw.vendor USING (vendor_id) "
                                     "WHERE name = 'acme-data'"));
    /* by hand: 6 workers, 6 worker-weeks, 4 at or above 7.25 USD/h */
    assert_int_equal(json_integer_value(json_object_get(v, "workers")), 6);
    mw = json_object_get(v, "minimum_wage");
    assert_int_equal(
        json_integer_value(json_object_get(mw, "weeks_at_or_above")), 4);
    assert_int_equal(json_integer_value(json_object_get(mw, "worker_weeks")),
                     6);
    /* 4 / 6 = 0.666666.. -> 0.666667; fails 0.90 */
    assert_string_equal(jstr(mw, "share", NULL), "0.666667");
    assert_true(json_is_false(json_object_get(mw, "passes")));
    assert_string_equal(jstr(mw, "hourly_floor_min", "amount"), "7.250000");
    /* median (9 + 12) / 2 = 10.50 */
    assert_string_equal(jstr(v, "median_ehr_paid", "amount"), "10.500000");
    assert_string_equal(jstr(json_object_get(v, "run"), "window", "from"),
                        "2026-11-02");
    /* 6 units, all usable */
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(v, "coverage"), "units_usable")),
                     6);
    assert_true(json_is_false(
        json_object_get(json_object_get(v, "distributions"), "suppressed")));
    PQfinish(c);
    json_decref(root);
    free(out);
}

static void csv_report_has_the_hand_computed_rows(void **state)
{
    const char *args[] = {"report",   "--vendor", "acme-data",
                          "--format", "csv",      NULL};
    char *out = NULL;

    (void)state;
    assert_int_equal(h_analyze(db_url, args, &out), 0);
    h_assert_contains(out, "vendor,metric,value,unit,threshold,status\r\n");
    h_assert_contains(out, "acme-data,share_at_or_above_min,0.666667,share,"
                           "0.900000,fail\r\n");
    h_assert_contains(out, "acme-data,workers,6,workers,,\r\n");
    /* all six worker-weeks have 1 h: the first hours bucket */
    h_assert_contains(out, "acme-data,weeks_hours_0_to_6,6,worker-weeks,");
    free(out);
}

static void html_report_is_self_contained_with_charts(void **state)
{
    const char *args[] = {"report",   "--vendor", "acme-data",
                          "--format", "html",     NULL};
    char *out = NULL;

    (void)state;
    assert_int_equal(h_analyze(db_url, args, &out), 0);
    h_assert_contains(out, "<!DOCTYPE html>");
    h_assert_contains(out, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
    h_assert_contains(out, "minimum wage 7.25 USD/h");
    h_assert_contains(out, "inspired by Fairwork, not a Fairwork rating");
    assert_null(strstr(out, "src=\""));
    free(out);
}

static void small_vendors_have_their_distributions_suppressed(void **state)
{
    const char *args[] = {"report",   "--vendor", "tiny & co",
                          "--format", "html",     NULL};
    char *out = NULL;

    (void)state;
    assert_int_equal(h_analyze(db_url, args, &out), 0);
    /* 2 workers < k = 5; the name is escaped */
    h_assert_contains(out, "suppressed: fewer than 5 workers");
    h_assert_contains(out, "<h1>tiny &amp; co");
    assert_null(strstr(out, "minimum wage 7.25 USD/h"));
    free(out);
}

static void all_vendors_go_into_one_document(void **state)
{
    const char *args[] = {"report", "--format", "json", NULL};
    char *out = NULL;
    json_error_t jerr;
    json_t *root, *list;

    PGconn *c = h_connect(db_url);
    int ok;

    (void)state;
    /* a vendor added after the run: no run covers it */
    h_exec(c, "INSERT INTO dw.vendor (name) VALUES ('zz-later')");
    PQfinish(c);
    assert_int_equal(h_analyze(db_url, args, &out), 0);
    root = json_loads(out, 0, &jerr);
    assert_non_null(root);
    list = json_object_get(root, "vendors");
    /* by name: acme-data, no-run-yet (covered, no work), tiny & co,
     * zz-later (not covered) */
    ok =
        json_array_size(list) == 4 &&
        json_is_true(json_object_get(json_array_get(list, 1), "covered")) &&
        json_integer_value(
            json_object_get(json_array_get(list, 1), "worker_weeks")) == 0 &&
        json_is_false(json_object_get(json_array_get(list, 3), "covered")) &&
        strcmp(json_string_value(json_object_get(
                   json_object_get(json_array_get(list, 2), "vendor"), "name")),
               "tiny & co") == 0;
    json_decref(root);
    if (!ok)
        fail_msg("unexpected vendor list:\n%s", out);
    free(out);
}

static void output_writes_the_file_whole(void **state)
{
    char path[] = "/tmp/dw-report-XXXXXX";
    const char *args[] = {"report", "--vendor", "acme-data", "--format",
                          "csv",    "--output", path,        NULL};
    char *out = NULL, buf[64];
    FILE *f;
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(h_analyze(db_url, args, &out), 0);
    assert_string_equal(out, "");
    f = fopen(path, "rb");
    assert_non_null(f);
    assert_non_null(fgets(buf, sizeof buf, f));
    assert_string_equal(buf, "vendor,metric,value,unit,threshold,status\r\n");
    fclose(f);
    unlink(path);
    free(out);
}

static void a_bad_format_is_a_usage_error(void **state)
{
    const char *args[] = {"report", "--format", "pdf", NULL};
    const char *run[] = {"run",        "--from",   "2026-11-02", "--to",
                         "2026-11-08", "--format", "json",       NULL};
    char *out = NULL;

    (void)state;
    assert_int_equal(h_analyze(db_url, args, &out), 2);
    h_assert_contains(out, "unknown report format 'pdf'");
    free(out);
    out = NULL;
    assert_int_equal(h_analyze(db_url, run, &out), 2);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_report_parses_and_matches_the_database),
        cmocka_unit_test(csv_report_has_the_hand_computed_rows),
        cmocka_unit_test(html_report_is_self_contained_with_charts),
        cmocka_unit_test(small_vendors_have_their_distributions_suppressed),
        cmocka_unit_test(all_vendors_go_into_one_document),
        cmocka_unit_test(output_writes_the_file_whole),
        cmocka_unit_test(a_bad_format_is_a_usage_error),
    };

    if (!h_require_db()) {
        printf("skipped: DW_TEST_DB_URL is not set\n");
        return 0;
    }
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
