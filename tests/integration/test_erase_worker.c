/* tests/integration/test_erase_worker.c — dw-admin erase-worker (GDPR). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pseudonym.h"

#define CLEAN_ENV "DW_DATABASE_URL", "DW_PSEUDONYM_KEY", "DW_LOG_FORMAT"
/* A test secret (not the demo key): the erasure must use the same one. */
#define SECRET "erase-test-secret-0123456789"

static char db_url[1024];
static char gone[DW_PSEUDONYM_HEX]; /* the worker who asks for erasure */
static char kept[DW_PSEUDONYM_HEX]; /* another worker of the same source */

static int admin(const char *const args[], char **out)
{
    const char *const env[] = {CLEAN_ENV, "DW_PSEUDONYM_KEY=" SECRET, NULL};
    return h_admin(db_url, args, env, out);
}

static void assert_contains(const char *out, const char *part)
{
    if (strstr(out, part) == NULL)
        fail_msg("output lacks '%s':\n%s", part, out);
}

/* Runs sql with $1 = the erased worker's key, $2 = the kept one's;
   nparams 0 for none. */
static void exec_keys(PGconn *c, int nparams, const char *sql)
{
    const char *p[] = {gone, kept};
    PGresult *r = PQexecParams(c, sql, nparams, NULL, p, NULL, NULL, 0);

    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
}

/* Rows per table that hold `key` (the order of the erasure). */
static char *held(PGconn *c, const char *key)
{
    const char *p[] = {key};
    return h_query_params(
        c,
        "SELECT concat_ws(' ',"
        " (SELECT count(*) FROM dw.work_unit_history h JOIN dw.work_unit u"
        "  USING (source_id, external_id) WHERE u.worker_key = $1),"
        " (SELECT count(*) FROM dw.work_unit WHERE worker_key = $1),"
        " (SELECT count(*) FROM dw.payment WHERE worker_key = $1),"
        " (SELECT count(*) FROM dw.activity_segment WHERE worker_key = $1),"
        " (SELECT count(*) FROM dw.worker_week WHERE worker_key = $1),"
        " (SELECT count(*) FROM dw.worker_day WHERE worker_key = $1),"
        " (SELECT count(*) FROM dw.worker_week_monitoring"
        "  WHERE worker_key = $1),"
        " (SELECT count(*) FROM dw.flag WHERE worker_key = $1),"
        " (SELECT count(*) FROM dw.raw_page WHERE strpos(body, $1) > 0),"
        " (SELECT count(*) FROM dw.quarantine WHERE strpos(record, $1) > 0),"
        " (SELECT count(*) FROM dw.worker WHERE worker_key = $1))",
        1, p);
}

static void assert_held(PGconn *c, const char *key, const char *want)
{
    char *got = held(c, key);

    if (strcmp(got, want) != 0) {
        fail_msg("rows held: got '%s', want '%s'", got, want);
    }
    free(got);
}

/*
 * Two workers of one Prolific source, each with: 2 work units (3 history
 * rows), 1 payment, 2 activity segments, 1 worker week, 1 worker day, 1
 * monitoring week, 1 flag; a landed
 * page each holding one key, and one holding both; a quarantined record
 * each. Plus a vendor-level flag with no worker.
 */
static int group_setup(void **state)
{
    const char *args[] = {"migrate", NULL};
    char *out = NULL;
    PGconn *c;

    (void)state;
    snprintf(db_url, sizeof(db_url), "%s", h_fresh_db("erase_worker"));
    if (admin(args, &out) != 0) {
        fprintf(stderr, "migrate failed:\n%s\n", out ? out : "");
        free(out);
        return -1;
    }
    free(out);
    if (dw_pseudonym(SECRET, "prolific", "5f1a2b3c4d", gone, NULL) != DW_OK ||
        dw_pseudonym(SECRET, "prolific", "60aa00bb11", kept, NULL) != DW_OK)
        return -1;

    c = h_connect(db_url);
    exec_keys(c, 0,
              "WITH v AS (INSERT INTO dw.vendor (name) VALUES ('V') "
              "RETURNING vendor_id) INSERT INTO dw.source (name, platform, "
              "vendor_id) SELECT 'prolific-main', 'prolific', vendor_id "
              "FROM v");
    exec_keys(c, 2,
              "INSERT INTO dw.worker (worker_key, platform) VALUES "
              "($1, 'prolific'), ($2, 'prolific')");
    exec_keys(c, 2,
              "INSERT INTO dw.work_unit (source_id, external_id, "
              "worker_key, status, status_raw) SELECT 1, w.tag || u, "
              "w.key, 'approved', 'APPROVED' FROM (VALUES ($1, 'g'), "
              "($2, 'k')) w(key, tag), generate_series(1, 2) u");
    exec_keys(c, 0,
              "INSERT INTO dw.work_unit_history (source_id, external_id, "
              "old_status, new_status) VALUES (1, 'g1', NULL, 'submitted'),"
              " (1, 'g1', 'submitted', 'approved'), (1, 'g2', NULL, "
              "'approved'), (1, 'k1', NULL, 'submitted'), (1, 'k1', "
              "'submitted', 'approved'), (1, 'k2', NULL, 'approved')");
    exec_keys(c, 2,
              "INSERT INTO dw.payment (source_id, dedupe_key, worker_key, "
              "kind, amount_micros, currency) VALUES "
              "(1, 'b-g', $1, 'bonus', 500000, 'GBP'), "
              "(1, 'b-k', $2, 'bonus', 500000, 'GBP')");
    exec_keys(c, 2,
              "INSERT INTO dw.activity_segment (source_id, worker_key, "
              "started_at, duration_s) SELECT 1, w, '2026-11-02 09:00Z'::"
              "timestamptz + s * interval '10 min', 600 FROM (VALUES ($1),"
              " ($2)) k(w), generate_series(0, 1) s");
    exec_keys(c, 0,
              "INSERT INTO dw.analysis_run (method_version, threshold_set,"
              " window_from, window_to, report_currency, status) VALUES "
              "('test-1', 'default', '2026-11-02', '2026-11-08', 'USD', "
              "'done')");
    exec_keys(c, 2,
              "INSERT INTO dw.worker_week (analysis_run_id, vendor_id, "
              "worker_key, week_start, tz_basis, units, paid_s, work_s, "
              "earnings_micros, currency) SELECT 1, 1, w, '2026-11-02', "
              "'utc', 2, 1200, 1200, 1000000, 'USD' FROM (VALUES ($1), "
              "($2)) k(w)");
    exec_keys(c, 2,
              "INSERT INTO dw.worker_day (analysis_run_id, vendor_id, "
              "worker_key, day, tz_basis, work_s, paid_s) SELECT 1, 1, w, "
              "'2026-11-02', 'utc', 1200, 1200 FROM (VALUES ($1), ($2)) k(w)");
    exec_keys(c, 2,
              "INSERT INTO dw.worker_week_monitoring (analysis_run_id, "
              "vendor_id, worker_key, week_start, tz_basis, segments, "
              "tracked_s, metered_s, screenshots, webcam_shots, band, "
              "critical) SELECT 1, 1, w, '2026-11-02', 'utc', 2, 1200, 1200, "
              "2, 0, 2, false FROM (VALUES ($1), ($2)) k(w)");
    exec_keys(
        c, 2,
        "INSERT INTO dw.flag (analysis_run_id, vendor_id, rule, "
        "severity, subject, worker_key, period_start, period_end) "
        "SELECT 1, 1, 'below_minimum_wage', 'red', 'worker_week', w,"
        " '2026-11-02'::date, '2026-11-08'::date FROM (VALUES ($1), ($2)) k(w) "
        "UNION ALL SELECT 1, 1, 'share_below_minimum', 'red', "
        "'vendor', NULL, '2026-11-02', '2026-11-08'");
    exec_keys(c, 2,
              "INSERT INTO dw.raw_page (source_id, sha256, request, "
              "http_status, body) VALUES "
              "(1, repeat('a', 64), '/api/v1/submissions?page=1', 200, "
              "'{\"participant_id\":\"' || $1::text || '\"}'), "
              "(1, repeat('b', 64), '/api/v1/submissions?page=2', 200, "
              "'{\"participant_id\":\"' || $2::text || '\"}'), "
              "(1, repeat('c', 64), '/api/v1/submissions?page=3', 200, "
              "'[\"' || $1::text || '\",\"' || $2::text || '\"]'), "
              "(1, repeat('d', 64), '/api/v1/studies', 200, '[]')");
    exec_keys(c, 2,
              "INSERT INTO dw.quarantine (source_id, record_sha256, page, "
              "record_index, reason, record) VALUES "
              "(1, repeat('e', 64), '/api/v1/submissions', 0, "
              "'timestamp in the future', '{\"participant_id\":\"' || $1::text "
              "|| '\"}'), (1, repeat('f', 64), '/api/v1/submissions', 1, "
              "'timestamp in the future', '{\"participant_id\":\"' || $2::text "
              "|| '\"}')");
    PQfinish(c);
    return 0;
}

static void dry_run_counts_every_row_and_deletes_nothing(void **state)
{
    const char *args[] = {"erase-worker", "--dry-run", "prolific", "5f1a2b3c4d",
                          NULL};
    PGconn *c = h_connect(db_url);
    char *out = NULL;

    (void)state;
    assert_held(c, gone, "3 2 1 2 1 1 1 1 2 1 1");
    assert_int_equal(admin(args, &out), 0);
    assert_contains(out, "dry run, nothing deleted");
    assert_contains(out, "dw.work_unit_history       3");
    assert_contains(out, "dw.raw_page                2");
    assert_contains(out, "total                      16");
    free(out);
    assert_held(c, gone, "3 2 1 2 1 1 1 1 2 1 1");
    PQfinish(c);
}

static void erasure_deletes_the_worker_everywhere_and_no_one_else(void **state)
{
    const char *args[] = {"erase-worker", "prolific", "5f1a2b3c4d", NULL};
    PGconn *c = h_connect(db_url);
    char *out = NULL;

    (void)state;
    assert_int_equal(admin(args, &out), 0);
    assert_contains(out, "deleted in one transaction");
    /* 3 + 2 + 1 + 2 + 1 + 1 + 1 + 1 + 2 + 1 + 1 = 16 rows. */
    assert_contains(out, "dw.work_unit               2");
    assert_contains(out, "dw.quarantine              1");
    assert_contains(out, "dw.worker                  1");
    assert_contains(out, "total                      16");
    free(out);
    assert_held(c, gone, "0 0 0 0 0 0 0 0 0 0 0");
    /* The other worker lost only the page shared with the erased one. */
    assert_held(c, kept, "3 2 1 2 1 1 1 1 1 1 1");
    assert_int_equal(h_query_long(c, "SELECT count(*) FROM dw.raw_page"), 2);
    assert_int_equal(h_query_long(c, "SELECT count(*) FROM dw.flag WHERE "
                                     "subject = 'vendor'"),
                     1);
    assert_int_equal(h_query_long(c, "SELECT count(*) FROM dw.source"), 1);
    PQfinish(c);
}

static void erasing_an_unknown_worker_says_no_data_is_held(void **state)
{
    const char *again[] = {"erase-worker", "prolific", "5f1a2b3c4d", NULL};
    const char *never[] = {"erase-worker", "--dry-run", "toloka", "42", NULL};
    char *out = NULL;

    (void)state;
    assert_int_equal(admin(again, &out), 0);
    assert_contains(out, "no data held for this worker");
    free(out);
    assert_int_equal(admin(never, &out), 0);
    assert_contains(out, "no data held for this worker");
    free(out);
}

static void erasure_without_a_key_or_platform_is_a_usage_error(void **state)
{
    const char *args[] = {"erase-worker", "prolific", "60aa00bb11", NULL};
    const char *bad[] = {"erase-worker", "--demo", "nosuch", "x", NULL};
    const char *const no_key[] = {CLEAN_ENV, NULL};
    PGconn *c = h_connect(db_url);
    char *out = NULL;

    (void)state;
    assert_int_equal(h_admin(db_url, args, no_key, &out), 2);
    assert_contains(out, "DW_PSEUDONYM_KEY");
    free(out);
    assert_int_equal(admin(bad, &out), 2);
    assert_contains(out, "unknown platform");
    free(out);
    assert_held(c, kept, "3 2 1 2 1 1 1 1 1 1 1");
    PQfinish(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dry_run_counts_every_row_and_deletes_nothing),
        cmocka_unit_test(erasure_deletes_the_worker_everywhere_and_no_one_else),
        cmocka_unit_test(erasing_an_unknown_worker_says_no_data_is_held),
        cmocka_unit_test(erasure_without_a_key_or_platform_is_a_usage_error),
    };

    if (!h_require_db())
        return 0;
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
