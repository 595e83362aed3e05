/* tests/integration/test_migrate.c — dw-admin migrate, roles, report views. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db.h"
#include "harness.h"
#include "migrate.h"
#include "pseudonym.h"
#include "sql_embedded.h"

/* Variables the tests must not inherit from the caller's shell. */
#define CLEAN_ENV "DW_DATABASE_URL", "DW_PSEUDONYM_KEY", "DW_LOG_FORMAT"

static char db_url[1024];

/* dw-admin [args...] against db_url; returns the exit code, output in *out. */
static int admin(const char *const args[], char **out)
{
    const char *const env[] = {CLEAN_ENV, NULL};
    return h_admin(NULL, args, env, out);
}

static int migrate(const char *url, char **out)
{
    const char *args[] = {"--database-url", url, "migrate", NULL};
    return admin(args, out);
}

static PGresult *exec(PGconn *c, const char *sql)
{
    return PQexecParams(c, sql, 0, NULL, NULL, NULL, NULL, 0);
}

static void exec_ok(PGconn *c, const char *sql)
{
    PGresult *r = exec(c, sql);
    ExecStatusType s = PQresultStatus(r);

    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
}

static int group_setup(void **state)
{
    (void)state;
    snprintf(db_url, sizeof(db_url), "%s", h_fresh_db("migrate"));
    return 0;
}

static void fresh_database_migrates_and_creates_every_table(void **state)
{
    static const char *const tables[] = {"dw.vendor",
                                         "dw.source",
                                         "dw.worker",
                                         "dw.task",
                                         "dw.work_unit",
                                         "dw.work_unit_history",
                                         "dw.payment",
                                         "dw.activity_segment",
                                         "dw.monitoring_practice",
                                         "dw.sync_run",
                                         "dw.sync_state",
                                         "dw.raw_page",
                                         "dw.quarantine",
                                         "dw.threshold",
                                         "dw.wage_floor",
                                         "dw.fx_rate",
                                         "dw.analysis_run",
                                         "dw.worker_week",
                                         "dw.vendor_period",
                                         "dw.flag",
                                         "dw.setting",
                                         "dw.schema_migrations",
                                         "report.vendor_scorecard",
                                         "report.flags_by_vendor",
                                         "report.worker_week_distribution",
                                         "report.sync_health"};
    char want[64], *out = NULL;
    PGconn *c;

    (void)state;
    assert_int_equal(migrate(db_url, &out), 0);
    snprintf(want, sizeof(want), "%zu applied", dw_sql_migrations_count);
    assert_non_null(strstr(out, want));
    free(out);

    c = h_connect(db_url);
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        const char *p[] = {tables[i]};
        PGresult *r = PQexecParams(c, "SELECT to_regclass($1) IS NOT NULL", 1,
                                   NULL, p, NULL, NULL, 0);
        assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
        if (strcmp(PQgetvalue(r, 0, 0), "t") != 0)
            fail_msg("missing %s", tables[i]);
        PQclear(r);
    }
    assert_int_equal(
        h_query_long(c, "SELECT count(*) FROM dw.schema_migrations"),
        (long)dw_sql_migrations_count);
    assert_int_equal(h_query_long(c,
                                  "SELECT count(*) FROM dw.schema_migrations "
                                  "WHERE checksum !~ '^[0-9a-f]{64}$'"),
                     0);
    PQfinish(c);
}

static void second_run_is_a_no_op(void **state)
{
    char *out = NULL;
    PGconn *c = h_connect(db_url);
    long before = h_query_long(c, "SELECT count(*) FROM dw.schema_migrations");
    long thresholds = h_query_long(c, "SELECT count(*) FROM dw.threshold");

    (void)state;
    assert_int_equal(migrate(db_url, &out), 0);
    assert_non_null(strstr(out, "migrate: 0 applied"));
    free(out);
    assert_int_equal(
        h_query_long(c, "SELECT count(*) FROM dw.schema_migrations"), before);
    /* Seeds re-ran without doubling anything. */
    assert_int_equal(h_query_long(c, "SELECT count(*) FROM dw.threshold"),
                     thresholds);
    PQfinish(c);
}

static void seeds_load_thresholds_wage_floors_and_fx(void **state)
{
    PGconn *c = h_connect(db_url);

    (void)state;
    assert_true(h_query_long(c, "SELECT count(DISTINCT country) FROM "
                                "dw.wage_floor WHERE kind = 'minimum'") >= 25);
    assert_int_equal(h_query_long(c, "SELECT count(*) FROM dw.wage_floor "
                                     "WHERE country = 'IT'"),
                     0);
    /* US federal: 7.25 USD/h = 7,250,000 micro-units. */
    assert_int_equal(h_query_long(c, "SELECT amount_micros FROM dw.wage_floor "
                                     "WHERE country = 'US' AND kind = "
                                     "'minimum' AND valid_from = '2009-07-24'"),
                     7250000);
    /* UK Real Living Wage 2025/26: 13.45 GBP/h. */
    assert_int_equal(h_query_long(c, "SELECT amount_micros FROM dw.wage_floor "
                                     "WHERE country = 'GB' AND region = '' AND "
                                     "kind = 'living' AND valid_from = "
                                     "'2025-10-22'"),
                     13450000);
    assert_int_equal(
        h_query_long(c, "SELECT count(*) FROM dw.threshold WHERE "
                        "threshold_set = 'default' AND name IN ("
                        "'parallel_merge_gap','search_gap_max',"
                        "'unpaid_gross_up','daily_hours_normal',"
                        "'weekly_hours_normal','weekly_hours_hard_max',"
                        "'weekly_hours_avg_max','weekly_avg_reference_weeks',"
                        "'daily_rest_min','weekly_rest_min',"
                        "'max_consecutive_days','break_after_hours',"
                        "'break_min_minutes','night_start_local',"
                        "'night_end_local','vast_majority_share',"
                        "'ehr_min_ratio','payment_delay_warn',"
                        "'payment_delay_red','rejection_rate_warn',"
                        "'rejection_rate_red','mw_fallback_usd')"),
        22);
    assert_int_equal(h_query_long(c, "SELECT count(*) FROM dw.threshold "
                                     "WHERE source = '' OR source IS NULL"),
                     0);
    assert_true(h_query_long(c, "SELECT count(DISTINCT quote) FROM dw.fx_rate "
                                "WHERE base = 'EUR'") >= 20);
    PQfinish(c);
}

/*
 * Two vendors in one done analysis run: "small" with 3 workers, "big"
 * with 5. Big's workers g = 1..5 have ehr_total = 2g USD and work_s = 13g h.
 */
static void load_two_vendors(PGconn *c)
{
    exec_ok(c, "INSERT INTO dw.vendor (name) VALUES ('small'), ('big')");
    exec_ok(c, "INSERT INTO dw.analysis_run (method_version, threshold_set, "
               "window_from, window_to, report_currency, status, finished_at) "
               "VALUES ('test-1', 'default', '2026-01-05', '2026-01-11', "
               "'USD', 'done', now())");
    exec_ok(c, "INSERT INTO dw.vendor_period SELECT r.analysis_run_id, "
               "v.vendor_id, '2026-01-05', '2026-01-11', "
               "CASE v.name WHEN 'big' THEN 5 ELSE 3 END, "
               "CASE v.name WHEN 'big' THEN 5 ELSE 3 END, 4, 6000000, 'USD', "
               "1, 1, 100, 90 FROM dw.analysis_run r, dw.vendor v");
    exec_ok(c,
            "INSERT INTO dw.worker_week (analysis_run_id, vendor_id, "
            "worker_key, week_start, tz_basis, units, paid_s, unpaid_s, "
            "work_s, earnings_micros, currency, ehr_paid_micros, "
            "ehr_total_micros, at_or_above_min) "
            "SELECT r.analysis_run_id, v.vendor_id, "
            "lpad(to_hex(v.vendor_id * 100 + g), 64, '0'), '2026-01-05', "
            "'utc', 10, g * 13 * 3600, 0, g * 13 * 3600, 1000000, 'USD', "
            "g * 2000000, g * 2000000, g >= 4 "
            "FROM dw.analysis_run r, dw.vendor v, "
            "generate_series(1, CASE v.name WHEN 'big' THEN 5 ELSE 3 END) g");
    exec_ok(c, "INSERT INTO dw.flag (analysis_run_id, vendor_id, rule, "
               "severity, subject, worker_key, period_start, period_end) "
               "SELECT r.analysis_run_id, v.vendor_id, 'weekly_hours_over_60', "
               "'red', 'worker_week', lpad(to_hex(v.vendor_id * 100 + 1), 64, "
               "'0'), '2026-01-05', '2026-01-11' "
               "FROM dw.analysis_run r, dw.vendor v");
}

/* "D S F": a vendor's rows in worker_week_distribution, vendor_scorecard
   and flags_by_vendor. Heap; free it. */
static char *vendor_rows(PGconn *c, const char *vendor)
{
    const char *p[] = {vendor};
    return h_query_params(
        c,
        "SELECT concat_ws(' ', "
        "(SELECT count(*) FROM report.worker_week_distribution "
        "WHERE vendor = $1), "
        "(SELECT count(*) FROM report.vendor_scorecard WHERE vendor = $1), "
        "(SELECT count(*) FROM report.flags_by_vendor WHERE vendor = $1))",
        1, p);
}

static void assert_vendor_rows(PGconn *c, const char *vendor, const char *want)
{
    char *got = vendor_rows(c, vendor);

    if (strcmp(got, want) != 0) {
        free(got);
        fail_msg("vendor %s: rows differ from '%s'", vendor, want);
    }
    free(got);
}

static void report_views_omit_groups_smaller_than_k(void **state)
{
    PGconn *c = h_connect(db_url);
    char *v;

    (void)state;
    load_two_vendors(c);
    /* 3 workers < k = 5: nothing; 5 workers: one row in each view. */
    assert_vendor_rows(c, "small", "0 0 0");
    assert_vendor_rows(c, "big", "1 1 1");

    /* Median of 2,4,6,8,10 is 6; p10 at position 0.1 * 4 = 0.4 between
       2 and 4: 2 + 0.4 * 2 = 2.8. */
    v = h_query_value(c, "SELECT ehr_median || ' ' || ehr_p10 || ' ' || "
                         "worker_weeks || ' ' || share_at_or_above_min "
                         "FROM report.worker_week_distribution "
                         "WHERE vendor = 'big'");
    assert_string_equal(v, "6.000000 2.800000 5 0.4000");
    free(v);
    /* work 13, 26, 39, 52, 65 h: <=20: 1; 20-40: 2; 40-48: 0; 48-60: 1;
       >60: 1. */
    v = h_query_value(c, "SELECT concat_ws(' ', weeks_upto_20h, weeks_20_40h, "
                         "weeks_40_48h, weeks_48_60h, weeks_over_60h) "
                         "FROM report.worker_week_distribution "
                         "WHERE vendor = 'big'");
    assert_string_equal(v, "1 2 0 1 1");
    free(v);
    /* Scorecard: 4 of 5 weeks at/above minimum = 0.8 < 0.90 target;
       median 6,000,000 micros = 6 units; coverage 90 / 100. */
    v = h_query_value(c, "SELECT concat_ws(' ', share_at_or_above_min, "
                         "share_target, below_share_target, median_ehr, "
                         "coverage, flags_red) FROM report.vendor_scorecard "
                         "WHERE vendor = 'big'");
    assert_string_equal(v, "0.8000 0.90 t 6.000000 0.9000 1");
    free(v);

    /* k comes from dw.setting: with k = 3 the small vendor shows. */
    exec_ok(c, "UPDATE dw.setting SET value = '3' "
               "WHERE name = 'report.min_group'");
    assert_vendor_rows(c, "small", "1 1 1");
    exec_ok(c, "UPDATE dw.setting SET value = '5' "
               "WHERE name = 'report.min_group'");
    assert_vendor_rows(c, "small", "0 0 0");
    PQfinish(c);
}

static void report_views_never_expose_worker_keys(void **state)
{
    PGconn *c = h_connect(db_url);

    (void)state;
    assert_int_equal(h_query_long(c, "SELECT count(*) FROM "
                                     "information_schema.columns WHERE "
                                     "table_schema = 'report' AND "
                                     "column_name LIKE '%worker_key%'"),
                     0);
    assert_int_equal(h_query_long(c, "SELECT count(*) FROM pg_views WHERE "
                                     "schemaname = 'report' AND "
                                     "obj_description(format('%I.%I', "
                                     "schemaname, viewname)::regclass) "
                                     "IS NULL"),
                     0);
    PQfinish(c);
}

static void reader_role_reads_report_views_but_not_dw_tables(void **state)
{
    static const char *const views[] = {
        "SELECT * FROM report.vendor_scorecard",
        "SELECT * FROM report.flags_by_vendor",
        "SELECT * FROM report.worker_week_distribution",
        "SELECT * FROM report.sync_health"};
    static const char *const denied[] = {"SELECT * FROM dw.vendor",
                                         "SELECT * FROM dw.worker_week",
                                         "SELECT * FROM dw.setting"};
    PGconn *c = h_connect(db_url);
    PGresult *r;

    (void)state;
    exec_ok(c, "BEGIN");
    exec_ok(c, "SET LOCAL ROLE dw_reader");
    for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++)
        exec_ok(c, views[i]);
    exec_ok(c, "ROLLBACK");
    for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
        exec_ok(c, "BEGIN");
        exec_ok(c, "SET LOCAL ROLE dw_reader");
        r = exec(c, denied[i]);
        assert_int_equal(PQresultStatus(r), PGRES_FATAL_ERROR);
        assert_string_equal(PQresultErrorField(r, PG_DIAG_SQLSTATE), "42501");
        assert_non_null(strstr(PQerrorMessage(c), "permission denied"));
        PQclear(r);
        exec_ok(c, "ROLLBACK");
    }
    /* The collector may write facts but not results; analyzer the reverse. */
    assert_int_equal(
        h_query_long(c, "SELECT has_table_privilege('dw_collector', "
                        "'dw.work_unit', 'INSERT')::int + "
                        "has_table_privilege('dw_analyzer', 'dw.flag', "
                        "'INSERT')::int + has_table_privilege('dw_analyzer', "
                        "'dw.work_unit', 'SELECT')::int"),
        3);
    assert_int_equal(
        h_query_long(c, "SELECT has_table_privilege('dw_collector', "
                        "'dw.flag', 'INSERT')::int + "
                        "has_table_privilege('dw_analyzer', 'dw.work_unit', "
                        "'INSERT')::int"),
        0);
    PQfinish(c);
}

static void a_changed_applied_migration_is_refused(void **state)
{
    PGconn *c = h_connect(db_url);
    char *sum = h_query_value(c, "SELECT checksum FROM dw.schema_migrations "
                                 "WHERE version = '0001'");
    const char *p[] = {sum};
    char *out = NULL;
    PGresult *r;

    (void)state;
    exec_ok(c, "UPDATE dw.schema_migrations SET checksum = repeat('0', 64) "
               "WHERE version = '0001'");
    assert_int_equal(migrate(db_url, &out), 2);
    assert_non_null(strstr(out, "0001_core.sql was changed"));
    free(out);
    r = PQexecParams(c,
                     "UPDATE dw.schema_migrations SET checksum = $1 "
                     "WHERE version = '0001'",
                     1, NULL, p, NULL, NULL, 0);
    assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);
    free(sum);
    PQfinish(c);
}

static void two_migrators_at_once_do_not_race(void **state)
{
    char url[1024];
    int status = -1, rc;
    pid_t pid;
    PGconn *c;

    (void)state;
    snprintf(url, sizeof(url), "%s", h_fresh_db("migrate_race"));
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(migrate(url, NULL));
    rc = migrate(url, NULL);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(rc, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    c = h_connect(url);
    assert_int_equal(
        h_query_long(c, "SELECT count(*) FROM dw.schema_migrations"),
        (long)dw_sql_migrations_count);
    PQfinish(c);
}

/*
 * A failing migration rolls back alone: the ones before it stay applied,
 * the error names the file; a failing seed rolls back every seed.
 */
static void
a_failing_migration_or_seed_rolls_back_and_names_the_file(void **state)
{
    const struct dw_sql_file broken[] = {
        {"0001_a.sql", "CREATE TABLE dw.a (x int PRIMARY KEY);"},
        {"0002_b.sql", "CREATE TABLE dw.b (x int); SELECT no_such_column;"}};
    const struct dw_sql_file fixed[] = {
        {"0001_a.sql", "CREATE TABLE dw.a (x int PRIMARY KEY);"},
        {"0002_b.sql", "CREATE TABLE dw.b (x int);"}};
    const struct dw_sql_file seeds[] = {
        {"s1.sql", "INSERT INTO dw.a VALUES (1) ON CONFLICT DO NOTHING;"},
        {"s2.sql", "INSERT INTO dw.b VALUES ('x');"}};
    struct dw_migrate_result res;
    struct dw_error err = {0};
    char url[1024];
    PGconn *conn = NULL;

    (void)state;
    snprintf(url, sizeof(url), "%s", h_fresh_db("migrate_fail"));
    assert_int_equal(dw_db_connect(url, "test", &conn, &err), DW_OK);

    assert_int_equal(dw_migrate_files(conn, broken, 2, NULL, 0, &res, &err),
                     DW_ERR_DB);
    assert_int_equal(res.applied, 1);
    assert_non_null(strstr(err.msg, "0002_b.sql"));
    assert_string_equal(res.current, "0001_a");
    assert_int_equal(h_query_long(conn, "SELECT (to_regclass('dw.a') IS NOT "
                                        "NULL)::int + (to_regclass('dw.b') "
                                        "IS NOT NULL)::int * 10"),
                     1);

    assert_int_equal(dw_migrate_files(conn, fixed, 2, seeds, 2, &res, &err),
                     DW_ERR_DB);
    assert_int_equal(res.applied, 1);
    assert_int_equal(res.already, 1);
    assert_int_equal(res.seeds, 0);
    assert_non_null(strstr(err.msg, "seed s2.sql"));
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.a"), 0);

    assert_int_equal(dw_migrate_files(conn, fixed, 2, seeds, 1, &res, &err),
                     DW_OK);
    assert_int_equal(res.applied, 0);
    assert_int_equal(res.seeds, 1);
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.a"), 1);
    /* The lock was released: another session can take it at once. */
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM pg_locks "
                                        "WHERE locktype = 'advisory'"),
                     0);
    dw_db_close(conn);
}

static void migrate_without_a_database_url_exits_2(void **state)
{
    const char *args[] = {"migrate", NULL};
    char *out = NULL;

    (void)state;
    assert_int_equal(admin(args, &out), 2);
    assert_non_null(strstr(out, "no database URL"));
    free(out);
}

/* A port on 127.0.0.1 that nothing listens on (bound, then closed). */
static int free_port(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;

    assert_true(fd >= 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    port = ntohs(a.sin_port);
    close(fd);
    return port;
}

static void migrate_with_an_unreachable_server_exits_1(void **state)
{
    char url[128];
    char *out = NULL;

    (void)state;
    snprintf(url, sizeof(url),
             "postgresql://127.0.0.1:%d/decentwork?connect_timeout=5",
             free_port());
    assert_int_equal(migrate(url, &out), 1);
    assert_non_null(strstr(out, "cannot connect"));
    free(out);
}

static void check_config_reports_ok_or_the_failing_line(void **state)
{
    char *good = h_write_temp("[database]\nurl = postgresql:///x\n");
    char *bad = h_write_temp("[database]\nurl = postgresql:///x\n"
                             "[source s1]\nplatform = nosuch\nvendor = V\n");
    const char *ok_args[] = {"--config", good, "check-config", NULL};
    const char *bad_args[] = {"--config", bad, "check-config", NULL};
    char want[600], *out = NULL;

    (void)state;
    assert_int_equal(admin(ok_args, &out), 0);
    snprintf(want, sizeof(want), "%s: ok, 0 sources", good);
    assert_non_null(strstr(out, want));
    free(out);
    assert_int_equal(admin(bad_args, &out), 2);
    snprintf(want, sizeof(want), "%s:", bad);
    assert_non_null(strstr(out, want));
    free(out);
    unlink(good);
    unlink(bad);
    free(good);
    free(bad);
}

static void pseudonym_prints_the_collectors_worker_key(void **state)
{
    const char *demo[] = {"pseudonym", "--demo", "prolific", "abc123", NULL};
    const char *nokey[] = {"pseudonym", "prolific", "abc123", NULL};
    const char *badplat[] = {"pseudonym", "--demo", "nosuch", "abc123", NULL};
    char want[DW_PSEUDONYM_HEX + 1], *out = NULL;

    (void)state;
    assert_int_equal(
        dw_pseudonym(DW_PSEUDONYM_DEMO_KEY, "prolific", "abc123", want, NULL),
        DW_OK);
    assert_int_equal(admin(demo, &out), 0);
    assert_non_null(strstr(out, want));
    free(out);
    assert_int_equal(admin(nokey, &out), 2);
    assert_non_null(strstr(out, "DW_PSEUDONYM_KEY"));
    free(out);
    assert_int_equal(admin(badplat, &out), 2);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fresh_database_migrates_and_creates_every_table),
        cmocka_unit_test(second_run_is_a_no_op),
        cmocka_unit_test(seeds_load_thresholds_wage_floors_and_fx),
        cmocka_unit_test(report_views_omit_groups_smaller_than_k),
        cmocka_unit_test(report_views_never_expose_worker_keys),
        cmocka_unit_test(reader_role_reads_report_views_but_not_dw_tables),
        cmocka_unit_test(a_changed_applied_migration_is_refused),
        cmocka_unit_test(two_migrators_at_once_do_not_race),
        cmocka_unit_test(
            a_failing_migration_or_seed_rolls_back_and_names_the_file),
        cmocka_unit_test(migrate_without_a_database_url_exits_2),
        cmocka_unit_test(migrate_with_an_unreachable_server_exits_1),
        cmocka_unit_test(check_config_reports_ok_or_the_failing_line),
        cmocka_unit_test(pseudonym_prints_the_collectors_worker_key),
    };

    if (!h_require_db())
        return 0;
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
