/* tests/integration/test_collect_file.c — dw-collect on vendor exports. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "pseudonym.h"

#define VENDOR "Acme Labelling"
#define FIXTURES DW_SOURCE_DIR "/tests/fixtures/file"

/* A config with one file source reading path; heap path (unlink, free). */
static char *write_config(const char *source, const char *path)
{
    char text[2048];
    snprintf(text, sizeof(text),
             "[source %s]\n"
             "platform = file\n"
             "vendor = " VENDOR "\n"
             "vendor_country = PH\n"
             "path = %s\n",
             source, path);
    return h_write_temp(text);
}

/* Runs dw-collect; returns its exit code (output into *out when given). */
static int collect(const char *db_url, const char *config, char **out)
{
    /* No token: a local export needs none. */
    return h_collect(db_url, config, "warn", NULL, out);
}

static long count(PGconn *conn, const char *sql)
{
    return h_query_long(conn, sql);
}

static void loads_an_export_directory_once(void **state)
{
    (void)state;
    const char *url = h_fresh_migrated_db("collect_file");
    char *cfg = write_config("acme-export", FIXTURES "/good");
    PGconn *conn = h_connect(url);
    char ana[DW_PSEUDONYM_HEX], sql[512];

    assert_int_equal(collect(url, cfg, NULL), 0);
    /* good/: 5 units on 3 tasks, 2 bonuses, 3 activity cells, 4
     * practices, 3 workers, nothing quarantined. */
    assert_int_equal(count(conn, "SELECT count(*) FROM dw.work_unit"), 5);
    assert_int_equal(count(conn, "SELECT count(*) FROM dw.task"), 3);
    assert_int_equal(count(conn, "SELECT count(*) FROM dw.payment"), 2);
    assert_int_equal(count(conn, "SELECT count(*) FROM dw.activity_segment"),
                     3);
    assert_int_equal(count(conn, "SELECT count(*) FROM dw.monitoring_practice"),
                     4);
    assert_int_equal(count(conn, "SELECT count(*) FROM dw.worker"), 3);
    assert_int_equal(count(conn, "SELECT count(*) FROM dw.quarantine"), 0);
    /* 0.50 USD + 1.00 EUR of bonuses = 1,500,000 micro-units. */
    assert_int_equal(count(conn, "SELECT sum(amount_micros) FROM dw.payment"),
                     1500000);
    /* 6.00 + 6.00 USD + 4.25 + 4.25 EUR = 20,500,000 micro-units. */
    assert_int_equal(count(conn, "SELECT sum(reward_micros) FROM dw.work_unit"),
                     20500000);
    assert_int_equal(
        count(conn, "SELECT count(*) FROM dw.monitoring_practice"
                    " WHERE in_use AND practice IN ('screenshots','webcam')"),
        2);

    /* The worker key is HMAC(key, "file:<vendor>:<raw id>"), with the
     * declared country and zone. */
    assert_int_equal(dw_pseudonym(H_KEY, "file:" VENDOR, "w-ana", ana, NULL),
                     DW_OK);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM dw.worker WHERE worker_key = '%s'"
             " AND platform = 'file' AND country = 'PH'"
             " AND tz = 'Asia/Manila' AND tz_source = 'declared'",
             ana);
    assert_int_equal(count(conn, sql), 1);
    /* dw-admin finds the same key as documented: file "VENDOR:ID". */
    char *printed = NULL;
    const char *const argv[] = {DW_ADMIN_BIN, "pseudonym", "file",
                                VENDOR ":w-ana", NULL};
    const char *const env[] = {"DW_PSEUDONYM_KEY=" H_KEY, NULL};
    assert_int_equal(h_run(argv, env, &printed), 0);
    assert_non_null(strstr(printed, ana));
    free(printed);
    /* No raw worker id reached the landed pages. */
    assert_int_equal(count(conn, "SELECT count(*) FROM dw.raw_page"), 3);
    assert_int_equal(count(conn, "SELECT count(*) FROM dw.raw_page"
                                 " WHERE body ~ 'w-(ana|ben|cai)'"),
                     0);
    assert_int_equal(count(conn, "SELECT count(*) FROM dw.sync_run"
                                 " WHERE outcome = 'ok'"),
                     1);

    /* A second run over the same files adds and changes nothing. */
    char *before = h_dump_facts(conn);
    long history = count(conn, "SELECT count(*) FROM dw.work_unit_history");
    assert_int_equal(history, 5);
    assert_int_equal(collect(url, cfg, NULL), 0);
    char *after = h_dump_facts(conn);
    assert_string_equal(before, after);
    assert_int_equal(count(conn, "SELECT count(*) FROM dw.work_unit_history"),
                     history);
    assert_int_equal(count(conn, "SELECT count(*) FROM dw.raw_page"), 3);
    assert_int_equal(count(conn, "SELECT units_changed FROM dw.sync_run"
                                 " ORDER BY sync_run_id DESC LIMIT 1"),
                     0);
    free(before);
    free(after);
    PQfinish(conn);
    unlink(cfg);
    free(cfg);
}

static void quarantines_the_five_bad_rows_and_loads_the_rest(void **state)
{
    (void)state;
    const char *url = h_fresh_migrated_db("collect_file_bad");
    char *cfg = write_config("acme-bad", FIXTURES "/bad");
    PGconn *conn = h_connect(url);

    /* Bad rows are data problems, not failures: the run is ok. The
     * optional activity and practices files are absent. */
    assert_int_equal(collect(url, cfg, NULL), 0);
    assert_int_equal(count(conn, "SELECT count(*) FROM dw.work_unit"), 3);
    assert_int_equal(count(conn, "SELECT count(*) FROM dw.quarantine"), 5);
    char *lines = h_query_value(
        conn, "SELECT string_agg(record_index || ':' || reason, '|'"
              " ORDER BY record_index) FROM dw.quarantine"
              " WHERE page = 'work_units.csv'");
    assert_string_equal(
        lines, "3:missing unit_id"
               "|4:submitted_at before accepted_at"
               "|5:unknown currency 'XYZ'"
               "|6:reward '12,50' is not a decimal number (a point, no "
               "thousands separators, at most 6 decimals)"
               "|7:accepted_at is more than a day in the future");
    free(lines);
    assert_int_equal(count(conn, "SELECT quarantined FROM dw.sync_run"), 5);
    assert_int_equal(count(conn, "SELECT count(*) FROM dw.quarantine"
                                 " WHERE record ~ 'w-(dan|eve|fay)'"),
                     0);
    /* Run again: the same five, seen twice, not ten. */
    assert_int_equal(collect(url, cfg, NULL), 0);
    assert_int_equal(count(conn, "SELECT count(*) FROM dw.quarantine"), 5);
    assert_int_equal(count(conn, "SELECT count(*) FROM dw.quarantine"
                                 " WHERE first_run_id <> last_run_id"),
                     5);
    PQfinish(conn);
    unlink(cfg);
    free(cfg);
}

static void reads_an_ndjson_export_named_by_its_work_units_file(void **state)
{
    (void)state;
    const char *url = h_fresh_migrated_db("collect_file_ndjson");
    char *cfg =
        write_config("acme-ndjson", FIXTURES "/bad-ndjson/work_units.ndjson");
    PGconn *conn = h_connect(url);
    assert_int_equal(collect(url, cfg, NULL), 0);
    /* 3 good records; 5 bad ones and a cut-off line (8) quarantined. */
    assert_int_equal(count(conn, "SELECT count(*) FROM dw.work_unit"), 3);
    assert_int_equal(count(conn, "SELECT count(*) FROM dw.quarantine"), 6);
    assert_int_equal(count(conn, "SELECT count(*) FROM dw.quarantine"
                                 " WHERE record_index = 8"
                                 " AND reason LIKE 'not JSON%'"
                                 " AND page = 'work_units.ndjson'"),
                     1);
    PQfinish(conn);
    unlink(cfg);
    free(cfg);
}

static void a_missing_export_fails_the_source_clearly(void **state)
{
    (void)state;
    const char *url = h_fresh_migrated_db("collect_file_missing");
    char *cfg = write_config("acme-gone", FIXTURES "/no-such-export");
    PGconn *conn = h_connect(url);
    char *out = NULL;
    assert_int_equal(collect(url, cfg, &out), 1);
    assert_non_null(strstr(out, "cannot open work_units.csv"));
    assert_int_equal(count(conn, "SELECT count(*) FROM dw.sync_run"
                                 " WHERE outcome = 'failed'"),
                     1);
    free(out);
    PQfinish(conn);
    unlink(cfg);
    free(cfg);
}

int main(void)
{
    if (!h_require_db()) {
        printf("skipped: DW_TEST_DB_URL is not set\n");
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_an_export_directory_once),
        cmocka_unit_test(quarantines_the_five_bad_rows_and_loads_the_rest),
        cmocka_unit_test(reads_an_ndjson_export_named_by_its_work_units_file),
        cmocka_unit_test(a_missing_export_fails_the_source_clearly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
