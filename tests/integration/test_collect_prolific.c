/* tests/integration/test_collect_prolific.c — dw-collect against dw-sim. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define TOKEN "it-prolific-1"

/* A collector config for sim; heap path, unlink and free it. */
static char *write_config(const struct h_sim *sim, int max_retries)
{
    char text[1024];
    snprintf(text, sizeof(text),
             "[source sim-prolific]\n"
             "platform = prolific\n"
             "vendor = Sim Vendor\n"
             "endpoint = %s\n"
             "token_env = DW_IT_TOKEN\n"
             "lookback_days = 60\n"
             "timeout_s = 5\n"
             "max_retries = %d\n",
             sim->base_url, max_retries);
    return h_write_temp(text);
}

/* Runs dw-collect; returns its exit code. */
static int collect(const char *db_url, const char *config)
{
    const char *const env[] = {"DW_IT_TOKEN=" TOKEN, H_FAST_RETRY, NULL};
    return h_collect(db_url, config, "warn", env, NULL);
}

static void assert_matches_truth(PGconn *conn, json_t *truth)
{
    static const char *const st[] = {"in_progress", "submitted", "approved",
                                     "rejected",    "returned",  "expired",
                                     "screened_out"};
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.work_unit"),
                     h_truth_count(truth, "submissions"));
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.task"),
                     h_truth_count(truth, "studies"));
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.worker"),
                     h_truth_count(truth, "workers"));
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.payment"),
                     h_truth_count(truth, "bonuses"));
    json_t *by = json_object_get(json_object_get(truth, "counts"), "by_status");
    for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
        char sql[128];
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM dw.work_unit WHERE status = '%s'",
                 st[i]);
        assert_int_equal(h_query_long(conn, sql),
                         (long)json_integer_value(json_object_get(by, st[i])));
    }
    /* Bonus money: truth in minor units (pence + cents), we in micros. */
    json_t *bm = json_object_get(truth, "bonus_minor");
    long minor = (long)(json_integer_value(json_object_get(bm, "GBP")) +
                        json_integer_value(json_object_get(bm, "USD")));
    assert_int_equal(
        h_query_long(conn, "SELECT sum(amount_micros) / 10000 FROM dw.payment"),
        minor);
}

static void collects_everything_once_and_records_reversals(void **state)
{
    (void)state;
    struct h_sim sim;
    const char *const args[] = {"--seed", "5", "--scale", "7", "--quiet", NULL};
    const char *url = h_fresh_migrated_db("collect_prolific");
    h_sim_start(&sim, args);
    char *cfg = write_config(&sim, 5);
    PGconn *conn = h_connect(url);

    assert_int_equal(collect(url, cfg), 0);
    json_t *truth = h_sim_call(&sim, "GET", "/__sim/truth?token=" TOKEN, NULL);
    assert_matches_truth(conn, truth);
    json_decref(truth);
    /* No raw participant id, IP or demographic field was landed. */
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.raw_page"
                                        " WHERE body ~ '\"(ip|strata)\"'"),
                     0);
    assert_int_equal(
        h_query_long(conn, "SELECT count(*) FROM dw.sync_run"
                           " WHERE outcome = 'ok' AND finished_at IS NOT NULL"),
        1);
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.sync_state"),
                     0);

    /* Again: nothing new, nothing doubled, no history. */
    struct h_snapshot before;
    h_snapshot_take(conn, &before);
    assert_int_equal(collect(url, cfg), 0);
    h_assert_unchanged(conn, &before);

    /* Late changes: a rejected unit is approved, a bonus is added. */
    json_t *adv = h_sim_call(&sim, "POST", "/__sim/advance?token=" TOKEN, NULL);
    json_t *one = json_array_get(json_object_get(adv, "advanced"), 0);
    const char *reversed = json_string_value(json_object_get(one, "reversed"));
    assert_int_equal(collect(url, cfg), 0);
    truth = h_sim_call(&sim, "GET", "/__sim/truth?token=" TOKEN, NULL);
    assert_matches_truth(conn, truth);
    json_decref(truth);
    if (reversed) {
        char sql[256];
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM dw.work_unit_history"
                 " WHERE external_id = '%s' AND old_status = 'rejected'"
                 " AND new_status = 'approved'",
                 reversed);
        assert_int_equal(h_query_long(conn, sql), 1);
    }
    json_decref(adv);

    PQfinish(conn);
    unlink(cfg);
    free(cfg);
    h_sim_stop(&sim);
}

static void faults_end_in_the_same_state_as_a_clean_run(void **state)
{
    (void)state;
    struct h_sim clean, faulty;
    const char *const a1[] = {"--seed", "9", "--scale", "7", "--quiet", NULL};
    const char *const a2[] = {"--seed",
                              "9",
                              "--scale",
                              "7",
                              "--quiet",
                              "--fault",
                              "429:0.2,500:0.1,truncate:0.05",
                              NULL};
    char url_a[1024];
    snprintf(url_a, sizeof(url_a), "%s", h_fresh_migrated_db("collect_clean"));
    h_sim_start(&clean, a1);
    char *cfg = write_config(&clean, 5);
    assert_int_equal(collect(url_a, cfg), 0);
    unlink(cfg);
    free(cfg);
    char *want = h_dump_facts_at(url_a);
    h_sim_stop(&clean);

    const char *url_b = h_fresh_migrated_db("collect_faults");
    h_sim_start(&faulty, a2);
    cfg = write_config(&faulty, 8);
    int code = 3, runs = 0;
    while (code == 3 && runs < 30) {
        code = collect(url_b, cfg);
        runs++;
    }
    assert_int_equal(code, 0);
    PGconn *cb = h_connect(url_b);
    char *got = h_dump_facts(cb);
    assert_string_equal(got, want);
    /* The faults were real: retries were counted. */
    assert_true(h_query_long(cb, "SELECT sum(retries) FROM dw.sync_run") > 0);
    PQfinish(cb);
    free(got);
    free(want);
    unlink(cfg);
    free(cfg);
    h_sim_stop(&faulty);
}

static void throttling_saves_progress_and_the_next_run_resumes(void **state)
{
    (void)state;
    struct h_sim sim;
    /* Requests 30-32 are throttled: with 3 attempts, request 30 gives up. */
    const char *const args[] = {"--seed",
                                "13",
                                "--scale",
                                "7",
                                "--quiet",
                                "--fault",
                                "429none@30,429none@31,429none@32",
                                NULL};
    const char *url = h_fresh_migrated_db("collect_throttled");
    h_sim_start(&sim, args);
    char *cfg = write_config(&sim, 3);
    PGconn *conn = h_connect(url);

    assert_int_equal(collect(url, cfg), 3);
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.sync_run"
                                        " WHERE outcome = 'partial'"),
                     1);
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.sync_state"
                                        " WHERE stream = 'frontier'"),
                     1);
    long pages = h_query_long(conn, "SELECT pages FROM dw.sync_run");
    assert_true(pages >= 20);

    /* Another run holding the lock makes this one skip, exit 0. */
    PGconn *other = h_connect(url);
    char *got =
        h_query_value(other, "SELECT pg_try_advisory_lock(hashtextextended("
                             "'dw-collect:sim-prolific', 0))::text");
    assert_string_equal(got, "true");
    free(got);
    assert_int_equal(collect(url, cfg), 0);
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.sync_run"
                                        " WHERE outcome = 'skipped'"),
                     1);
    PQfinish(other);

    assert_int_equal(collect(url, cfg), 0);
    json_t *truth = h_sim_call(&sim, "GET", "/__sim/truth?token=" TOKEN, NULL);
    assert_matches_truth(conn, truth);
    json_decref(truth);
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.sync_state"),
                     0);

    PQfinish(conn);
    unlink(cfg);
    free(cfg);
    h_sim_stop(&sim);
}

static void missing_token_is_a_config_error_naming_the_variable(void **state)
{
    (void)state;
    char *cfg = h_write_temp("[source p]\nplatform = prolific\n"
                             "vendor = V\ntoken_env = DW_IT_NO_SUCH_VAR\n");
    const char *const argv[] = {DW_COLLECT_BIN, "--config", cfg, "--dry-run",
                                NULL};
    const char *const env[] = {"DW_PSEUDONYM_KEY=" H_KEY, "DW_IT_NO_SUCH_VAR",
                               NULL};
    char *out = NULL;
    assert_int_equal(h_run(argv, env, &out), 2);
    assert_non_null(strstr(out, "DW_IT_NO_SUCH_VAR"));
    free(out);
    /* And without a pseudonym key it refuses to start. */
    const char *const env2[] = {"DW_PSEUDONYM_KEY", NULL};
    assert_int_equal(h_run(argv, env2, NULL), 2);
    unlink(cfg);
    free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(missing_token_is_a_config_error_naming_the_variable),
        cmocka_unit_test(collects_everything_once_and_records_reversals),
        cmocka_unit_test(throttling_saves_progress_and_the_next_run_resumes),
        cmocka_unit_test(faults_end_in_the_same_state_as_a_clean_run),
    };
    return H_RUN_CURL_TESTS(tests, NULL, NULL);
}
