/* tests/integration/test_shard.c — `dw-analyze run --shard K/N` gives the
 * results of an unsharded run, in any order, in parallel, and re-run. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "shard.h"

#define FROM "2026-10-05"
#define TO "2026-11-01"

struct fx {
    struct h_sim sim;
    const char *db_url;
    char *config;
    char dbenv[1100];
    char *baseline; /* result tables after one unsharded run */
    PGconn *conn;
};

/* The result tables, every row of every run (or of done runs only),
 * without run and flag ids, as sorted JSON lines: two runs that computed
 * the same figures dump the same text. */
static char *dump_results(PGconn *conn, bool done_only)
{
    static const char *const tables[] = {"worker_week",
                                         "worker_day",
                                         "flag",
                                         "vendor_period",
                                         "worker_week_monitoring",
                                         "vendor_monitoring"};
    size_t cap = 1 << 20, len = 0;
    char *out = malloc(cap);

    assert_non_null(out);
    out[0] = '\0';
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        char sql[600];
        const char *params[1] = {done_only ? "t" : "f"};
        PGresult *r;
        size_t n;

        snprintf(sql, sizeof sql,
                 "SELECT count(*), COALESCE(string_agg(j, E'\\n' ORDER BY j),"
                 " '') FROM (SELECT (to_jsonb(x) - 'analysis_run_id'"
                 " - 'flag_id')::text AS j FROM dw.%s x"
                 " JOIN dw.analysis_run a"
                 "  ON a.analysis_run_id = x.analysis_run_id"
                 " WHERE NOT $1::bool OR a.status = 'done') s",
                 tables[i]);
        r = PQexecParams(conn, sql, 1, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_TUPLES_OK)
            fail_msg("dump %s: %s", tables[i], PQerrorMessage(conn));
        n = strlen(tables[i]) + strlen(PQgetvalue(r, 0, 0)) +
            strlen(PQgetvalue(r, 0, 1)) + 8;
        while (len + n + 1 > cap) {
            cap *= 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
        len +=
            (size_t)snprintf(out + len, cap - len, "# %s %s\n%s\n", tables[i],
                             PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1));
        PQclear(r);
    }
    return out;
}

/* Fails with the first differing line when the dumps differ. */
static void assert_same_results(const char *want, const char *got,
                                const char *what)
{
    const char *a = want, *b = got;

    if (strcmp(want, got) == 0)
        return;
    while (*a && *a == *b)
        a++, b++;
    while (a > want && a[-1] != '\n')
        a--, b--;
    fail_msg("%s differs from the unsharded run at:\n  want %.300s\n  got  "
             "%.300s",
             what, a, b);
}

static int analyze(struct fx *f, const char *shard, char **out)
{
    const char *const argv[] = {
        DW_ANALYZE_BIN, "--config", f->config,
        "run",          "--from",   FROM,
        "--to",         TO,         shard ? "--shard" : NULL,
        shard,          NULL};
    const char *const env[] = {f->dbenv, NULL};
    return h_run(argv, env, out);
}

static void analyze_ok(struct fx *f, const char *shard)
{
    char *out = NULL;
    int rc = analyze(f, shard, &out);
    if (rc != 0)
        fail_msg("dw-analyze run --shard %s exited %d:\n%s",
                 shard ? shard : "(none)", rc, out);
    free(out);
}

static char *query_text(PGconn *conn, const char *sql)
{
    char *v = h_query_value(conn, sql);
    assert_non_null(v);
    return v;
}

/* The runs of the window: one done run, none pending, the rest
 * superseded. */
static void assert_one_done_run(PGconn *conn, const char *shard_text)
{
    char *s;

    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.analysis_run"
                                        " WHERE status = 'done'"),
                     1);
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.analysis_run"
                                        " WHERE status = 'running'"),
                     0);
    s = h_query_value(conn, "SELECT shard FROM dw.analysis_run"
                            " WHERE status = 'done'");
    if (shard_text == NULL)
        assert_null(s);
    else
        assert_string_equal(s, shard_text);
    free(s);
}

static int setup(void **state)
{
    static struct fx f;
    const char *const sim_args[] = {"--seed",   "11",         "--scale", "12",
                                    "--anchor", "2026-10-05", NULL};
    const char *const migrate[] = {DW_ADMIN_BIN, "migrate", NULL};
    char text[2048], *out = NULL;
    int rc;

    memset(&f, 0, sizeof f);
    f.db_url = h_fresh_db("shard");
    snprintf(f.dbenv, sizeof f.dbenv, "DW_DATABASE_URL=%s", f.db_url);
    h_sim_start(&f.sim, sim_args);
    /* Two Prolific workspaces (one with a zone, one without), Toloka for
     * approval and payment delays, Upwork for tracked-time cells. */
    snprintf(text, sizeof text,
             "[source alpha]\n"
             "platform = prolific\n"
             "vendor = Alpha Panels\n"
             "endpoint = %s\n"
             "token_env = DW_SHARD_ALPHA\n"
             "default_country = GB\n"
             "default_tz = Europe/London\n"
             "\n"
             "[source beta]\n"
             "platform = prolific\n"
             "vendor = Beta Surveys\n"
             "endpoint = %s\n"
             "token_env = DW_SHARD_BETA\n"
             "default_country = US\n"
             "\n"
             "[source gamma]\n"
             "platform = toloka\n"
             "vendor = Gamma Labelling\n"
             "endpoint = %s\n"
             "token_env = DW_SHARD_GAMMA\n"
             "default_country = KE\n"
             "\n"
             "[source delta]\n"
             "platform = upwork\n"
             "vendor = Delta Agency\n"
             "endpoint = %s\n"
             "token_env = DW_SHARD_DELTA\n",
             f.sim.base_url, f.sim.base_url, f.sim.base_url, f.sim.base_url);
    f.config = h_write_temp(text);
    {
        const char *const env[] = {f.dbenv, NULL};
        assert_int_equal(h_run(migrate, env, NULL), 0);
    }
    {
        const char *const argv[] = {
            DW_COLLECT_BIN, "--config", f.config, "--demo",
            "--log-level",  "warn",     NULL};
        const char *const env[] = {f.dbenv,
                                   "DW_PSEUDONYM_KEY",
                                   "DW_SHARD_ALPHA=alpha-token",
                                   "DW_SHARD_BETA=beta-token",
                                   "DW_SHARD_GAMMA=gamma-token",
                                   "DW_SHARD_DELTA=delta-token",
                                   NULL};
        rc = h_run(argv, env, &out);
        if (rc != 0)
            fail_msg("dw-collect exited %d:\n%s", rc, out);
        free(out);
    }
    f.conn = h_connect(f.db_url);
    analyze_ok(&f, NULL);
    f.baseline = dump_results(f.conn, false);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    h_sim_stop(&f->sim);
    unlink(f->config);
    free(f->config);
    free(f->baseline);
    PQfinish(f->conn);
    return 0;
}

static void the_unsharded_run_has_results_to_compare(void **state)
{
    struct fx *f = *state;
    /* Four vendors with worker-weeks, flags, delays and tracked time: a
     * comparison of empty tables would prove nothing. */
    assert_int_equal(
        h_query_long(f->conn, "SELECT count(*) FROM dw.vendor_period"), 4);
    assert_true(h_query_long(f->conn, "SELECT count(*) FROM dw.worker_week") >
                40);
    assert_true(h_query_long(f->conn, "SELECT count(*) FROM dw.worker_day") >
                100);
    assert_true(h_query_long(f->conn, "SELECT count(*) FROM dw.flag"
                                      " WHERE worker_key IS NOT NULL") > 10);
    assert_true(h_query_long(f->conn, "SELECT count(*) FROM"
                                      " dw.worker_week_monitoring") > 40);
    assert_int_equal(
        h_query_long(f->conn, "SELECT count(*) FROM dw.vendor_monitoring"), 4);
    assert_int_equal(h_query_long(f->conn,
                                  "SELECT count(*) FROM dw.vendor_period"
                                  " WHERE median_ehr_total_micros IS NOT NULL"),
                     4);
    assert_true(h_query_long(f->conn,
                             "SELECT count(*) FROM dw.vendor_period"
                             " WHERE payment_delay_p90_s IS NOT NULL"
                             " OR approval_delay_p90_s IS NOT NULL") >= 1);
    assert_true(h_query_long(f->conn, "SELECT count(*) FROM"
                                      " dw.worker_week_monitoring"
                                      " WHERE segments > 0") > 0);
    assert_one_done_run(f->conn, NULL);
}

static void sql_and_c_put_every_worker_in_the_same_shard(void **state)
{
    struct fx *f = *state;
    static const int ns[] = {1, 2, 3, 7, 1024};
    /* clang-format off */
    PGresult *r = PQexec(f->conn,
        "SELECT worker_key,"
        " " DW_SHARD_OF_SQL("worker_key", "2") ","
        " " DW_SHARD_OF_SQL("worker_key", "3") ","
        " " DW_SHARD_OF_SQL("worker_key", "7") ","
        " " DW_SHARD_OF_SQL("worker_key", "1024") ","
        " " DW_SHARD_OF_SQL("worker_key", "1") " FROM dw.worker");
    /* clang-format on */
    int per_shard[3] = {0, 0, 0};

    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    assert_true(PQntuples(r) >= 48); /* 12 workers in each workspace */
    for (int i = 0; i < PQntuples(r); i++) {
        const char *key = PQgetvalue(r, i, 0);
        assert_int_equal(strtol(PQgetvalue(r, i, 5), NULL, 10),
                         dw_shard_of(key, ns[0]));
        for (int c = 1; c <= 4; c++)
            assert_int_equal(strtol(PQgetvalue(r, i, c), NULL, 10),
                             dw_shard_of(key, ns[c]));
        per_shard[dw_shard_of(key, 3) - 1]++;
    }
    PQclear(r);
    /* Every shard of three has workers, so each shard run has work. */
    assert_true(per_shard[0] > 0 && per_shard[1] > 0 && per_shard[2] > 0);
}

static void two_shards_in_order_give_the_unsharded_results(void **state)
{
    struct fx *f = *state;
    char *done, *all, *s;

    analyze_ok(f, "1/2");
    /* Half done: the earlier run is still the one readers see, whole. */
    done = dump_results(f->conn, true);
    assert_same_results(f->baseline, done, "after shard 1/2, the done run");
    free(done);
    s = query_text(f->conn, "SELECT shard FROM dw.analysis_run"
                            " WHERE status = 'running'");
    assert_string_equal(s, "1/2");
    free(s);

    analyze_ok(f, "2/2");
    all = dump_results(f->conn, false);
    assert_same_results(f->baseline, all, "shards 1/2 then 2/2");
    free(all);
    assert_one_done_run(f->conn, "1-2/2");
}

static void two_shards_in_reverse_order_give_the_same_results(void **state)
{
    struct fx *f = *state;
    char *all;

    analyze_ok(f, "2/2");
    analyze_ok(f, "1/2");
    all = dump_results(f->conn, false);
    assert_same_results(f->baseline, all, "shards 2/2 then 1/2");
    free(all);
    assert_one_done_run(f->conn, "1-2/2");
}

static void three_shards_with_one_run_twice_give_the_same_results(void **state)
{
    struct fx *f = *state;
    char *all, *s;

    analyze_ok(f, "3/3");
    analyze_ok(f, "1/3");
    /* Running shard 1 again replaces its rows in the pending run. */
    analyze_ok(f, "1/3");
    s = query_text(f->conn, "SELECT shard FROM dw.analysis_run"
                            " WHERE status = 'running'");
    assert_string_equal(s, "1,3/3");
    free(s);
    analyze_ok(f, "2/3");
    all = dump_results(f->conn, false);
    assert_same_results(f->baseline, all, "shards 3/3, 1/3, 1/3, 2/3");
    free(all);
    assert_one_done_run(f->conn, "1-3/3");
}

static void four_shards_in_parallel_give_the_same_results(void **state)
{
    struct fx *f = *state;
    static const char *const shards[] = {"1/4", "2/4", "3/4", "4/4"};
    pid_t pids[4];
    char *all;

    for (int i = 0; i < 4; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            char *out = NULL;
            int rc = analyze(f, shards[i], &out);
            if (rc != 0)
                fprintf(stderr, "shard %s exited %d:\n%s", shards[i], rc, out);
            free(out);
            _exit(rc);
        }
    }
    for (int i = 0; i < 4; i++) {
        int status = 0;
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    all = dump_results(f->conn, false);
    assert_same_results(f->baseline, all, "four shards in parallel");
    free(all);
    assert_one_done_run(f->conn, "1-4/4");
}

static void an_unsharded_run_replaces_a_sharded_one(void **state)
{
    struct fx *f = *state;
    char *all;

    analyze_ok(f, NULL);
    all = dump_results(f->conn, false);
    assert_same_results(f->baseline, all, "the unsharded re-run");
    free(all);
    assert_one_done_run(f->conn, NULL);
}

static void a_bad_shard_is_a_usage_error(void **state)
{
    struct fx *f = *state;
    static const char *const bad[] = {"0/2", "3/2", "1/1025", "1-2", "x/2", ""};

    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *out = NULL;
        int rc = analyze(f, bad[i], &out);
        if (rc != 2 || strstr(out, "expected K/N") == NULL)
            fail_msg("--shard '%s': exit %d:\n%s", bad[i], rc, out);
        free(out);
    }
    {
        const char *const argv[] = {DW_ANALYZE_BIN, "report", "--shard", "1/2",
                                    NULL};
        const char *const env[] = {f->dbenv, NULL};
        char *out = NULL;
        assert_int_equal(h_run(argv, env, &out), 2);
        assert_non_null(strstr(out, "--shard belongs to run"));
        free(out);
    }
    /* Nothing was started. */
    assert_int_equal(h_query_long(f->conn, "SELECT count(*) FROM"
                                           " dw.analysis_run"
                                           " WHERE status = 'running'"),
                     0);
}

int main(void)
{
    if (!h_require_db())
        return 0;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_unsharded_run_has_results_to_compare),
        cmocka_unit_test(sql_and_c_put_every_worker_in_the_same_shard),
        cmocka_unit_test(two_shards_in_order_give_the_unsharded_results),
        cmocka_unit_test(two_shards_in_reverse_order_give_the_same_results),
        cmocka_unit_test(three_shards_with_one_run_twice_give_the_same_results),
        cmocka_unit_test(four_shards_in_parallel_give_the_same_results),
        cmocka_unit_test(an_unsharded_run_replaces_a_sharded_one),
        cmocka_unit_test(a_bad_shard_is_a_usage_error),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return rc;
}
