/* tests/integration/test_collect_mturk.c — dw-collect (MTurk) against dw-sim.
 */
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

#define AKID "it-mturk-key"
/* dw-sim accepts any access key id K with the secret "sim-secret-" K. */
#define CREDENTIAL AKID ":sim-secret-" AKID
#define TRUTH "/__sim/truth?platform=mturk&token=" AKID

/* A collector config for sim; heap path, unlink and free it. */
static char *write_config(const struct h_sim *sim, int max_retries,
                          int page_size)
{
    char text[1024];
    snprintf(text, sizeof(text),
             "[source sim-mturk]\n"
             "platform = mturk\n"
             "vendor = Sim Vendor\n"
             "endpoint = %s\n"
             "token_env = DW_IT_MTURK\n"
             "region = us-east-1\n"
             "lookback_days = 60\n"
             "timeout_s = 5\n"
             "max_retries = %d\n"
             "page_size = %d\n",
             sim->base_url, max_retries, page_size);
    return h_write_temp(text);
}

/* Runs dw-collect with credential; returns its exit code, output in out. */
static int collect_as(const char *db_url, const char *config,
                      const char *credential, char **out)
{
    char cred[256];
    snprintf(cred, sizeof(cred), "DW_IT_MTURK=%s", credential);
    const char *const env[] = {cred, H_FAST_RETRY, NULL};
    return h_collect(db_url, config, "warn", env, out);
}

static int collect(const char *db_url, const char *config)
{
    return collect_as(db_url, config, CREDENTIAL, NULL);
}

static void assert_matches_truth(PGconn *conn, json_t *truth)
{
    static const char *const st[] = {"submitted", "approved", "rejected"};
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.work_unit"),
                     h_truth_count(truth, "assignments"));
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.task"),
                     h_truth_count(truth, "hits"));
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
    /* Workers with at least one assignment, each once. */
    long workers = 0;
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(truth, "workers"), i, w)
    {
        workers += json_integer_value(json_object_get(w, "assignments")) > 0;
    }
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.worker"),
                     workers);
    /* Money: truth in cents, we in micro-USD (1 cent = 10,000). */
    assert_int_equal(h_query_long(conn,
                                  "SELECT sum(reward_micros) / 10000"
                                  " FROM dw.work_unit WHERE status = 'approved'"
                                  " AND currency = 'USD'"),
                     (long)json_integer_value(
                         json_object_get(truth, "approved_reward_cents")));
    assert_int_equal(
        h_query_long(conn, "SELECT sum(amount_micros) / 10000 FROM dw.payment"
                           " WHERE currency = 'USD'"),
        (long)json_integer_value(json_object_get(truth, "bonus_cents")));
}

static void collects_everything_once_and_records_reversals(void **state)
{
    (void)state;
    struct h_sim sim;
    const char *const args[] = {"--seed", "5", "--scale", "7", "--quiet", NULL};
    const char *url = h_fresh_migrated_db("collect_mturk");
    h_sim_start(&sim, args);
    char *cfg = write_config(&sim, 5, 100);
    PGconn *conn = h_connect(url);

    assert_int_equal(collect(url, cfg), 0);
    json_t *truth = h_sim_call(&sim, "GET", TRUTH, NULL);
    assert_true(h_truth_count(truth, "assignments") > 500);
    assert_true(h_truth_count(truth, "bonuses") > 0);
    assert_matches_truth(conn, truth);
    /* No raw WorkerId, answer or feedback was landed. */
    const char *raw = json_string_value(json_object_get(
        json_array_get(json_object_get(truth, "workers"), 0), "worker_id"));
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM dw.raw_page WHERE strpos(body, '%s') > 0",
             raw);
    assert_int_equal(h_query_long(conn, sql), 0);
    assert_int_equal(
        h_query_long(conn, "SELECT count(*) FROM dw.raw_page"
                           " WHERE body ~ '\"(Answer|RequesterFeedback)\"'"),
        0);
    assert_true(h_query_long(conn, "SELECT count(*) FROM dw.raw_page") > 0);
    json_decref(truth);
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.sync_state"),
                     0);

    /* Again: nothing new, nothing doubled, no history. */
    struct h_snapshot before;
    h_snapshot_take(conn, &before);
    assert_int_equal(collect(url, cfg), 0);
    h_assert_unchanged(conn, &before);

    /* Late changes: a rejection overridden, a new bonus granted. */
    json_t *adv = h_sim_call(&sim, "POST",
                             "/__sim/advance?platform=mturk&token=" AKID, NULL);
    json_t *one = json_array_get(json_object_get(adv, "advanced"), 0);
    const char *reversed = json_string_value(json_object_get(one, "reversed"));
    assert_non_null(reversed);
    assert_int_equal(reversed[0], '3'); /* an MTurk AssignmentId */
    assert_int_equal(collect(url, cfg), 0);
    truth = h_sim_call(&sim, "GET", TRUTH, NULL);
    assert_matches_truth(conn, truth);
    json_decref(truth);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM dw.work_unit_history"
             " WHERE external_id = '%s' AND old_status = 'rejected'"
             " AND new_status = 'approved'",
             reversed);
    assert_int_equal(h_query_long(conn, sql), 1);
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
    /* Only MTurk is faulted; Prolific-style items would not apply. */
    const char *const a2[] = {"--seed",
                              "9",
                              "--scale",
                              "7",
                              "--quiet",
                              "--fault",
                              "mturk:429:0.1,mturk:throttle:0.15,mturk:500:0.1,"
                              "mturk:truncate:0.05,mturk:reset:0.05",
                              NULL};
    char url_a[1024];
    snprintf(url_a, sizeof(url_a), "%s", h_fresh_migrated_db("mturk_clean"));
    h_sim_start(&clean, a1);
    char *cfg = write_config(&clean, 5, 50);
    assert_int_equal(collect(url_a, cfg), 0);
    unlink(cfg);
    free(cfg);
    char *want = h_dump_facts_at(url_a);
    h_sim_stop(&clean);

    const char *url_b = h_fresh_migrated_db("mturk_faults");
    h_sim_start(&faulty, a2);
    cfg = write_config(&faulty, 8, 50);
    int code = 3, runs = 0;
    while (code == 3 && runs < 30) {
        code = collect(url_b, cfg);
        runs++;
    }
    assert_int_equal(code, 0);
    PGconn *cb = h_connect(url_b);
    char *got = h_dump_facts(cb);
    assert_string_equal(got, want);
    /* The faults were real: every kind was applied and retried. */
    json_t *stats = h_sim_call(&faulty, "GET", "/__sim/stats", NULL);
    json_t *f = json_object_get(stats, "faults");
    static const char *const kinds[] = {"429", "throttle", "500", "truncate",
                                        "reset"};
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        assert_true(json_integer_value(json_object_get(f, kinds[i])) > 0);
    json_decref(stats);
    assert_true(h_query_long(cb, "SELECT sum(retries) FROM dw.sync_run") > 0);
    PQfinish(cb);
    free(got);
    free(want);
    unlink(cfg);
    free(cfg);
    h_sim_stop(&faulty);
}

static void a_stale_next_token_restarts_the_crawl(void **state)
{
    (void)state;
    struct h_sim sim;
    /* MTurk requests 4-6 are throttled: with 3 attempts, request 4 gives
     * up, leaving page tokens in the saved frontier. */
    const char *const args[] = {
        "--seed",
        "13",
        "--scale",
        "7",
        "--quiet",
        "--fault",
        "mturk:throttle@4,mturk:throttle@5,mturk:throttle@6",
        NULL};
    const char *url = h_fresh_migrated_db("mturk_stale");
    h_sim_start(&sim, args);
    char *cfg = write_config(&sim, 3, 5);
    PGconn *conn = h_connect(url);

    assert_int_equal(collect(url, cfg), 3);
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.sync_run"
                                        " WHERE outcome = 'partial'"),
                     1);
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.sync_state"
                                        " WHERE cursor ~ 'NextToken'"),
                     1);
    /* A step forward makes every token the simulator gave out stale. */
    json_decref(h_sim_call(&sim, "POST",
                           "/__sim/advance?platform=mturk&token=" AKID, NULL));
    char *out = NULL;
    assert_int_equal(collect_as(url, cfg, CREDENTIAL, &out), 0);
    assert_non_null(strstr(out, "cursor=expired action=restart"));
    free(out);
    json_t *truth = h_sim_call(&sim, "GET", TRUTH, NULL);
    assert_matches_truth(conn, truth);
    json_decref(truth);
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.sync_state"),
                     0);

    PQfinish(conn);
    unlink(cfg);
    free(cfg);
    h_sim_stop(&sim);
}

static void a_wrong_secret_fails_with_a_signature_message(void **state)
{
    (void)state;
    struct h_sim sim;
    const char *const args[] = {"--seed", "3", "--scale", "7", "--quiet", NULL};
    const char *url = h_fresh_migrated_db("mturk_badsig");
    h_sim_start(&sim, args);
    char *cfg = write_config(&sim, 5, 100);
    PGconn *conn = h_connect(url);
    char *out = NULL;

    assert_int_equal(collect_as(url, cfg, AKID ":not-the-secret", &out), 1);
    assert_non_null(strstr(out, "signature"));
    assert_null(strstr(out, "not-the-secret")); /* never logged */
    free(out);
    /* Authentication failures are not retried. */
    json_t *stats = h_sim_call(&sim, "GET", "/__sim/stats", NULL);
    assert_int_equal(json_integer_value(json_object_get(stats, "requests")), 1);
    json_decref(stats);
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.work_unit"),
                     0);
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.sync_run"
                                        " WHERE outcome = 'failed'"
                                        " AND error ~ 'signature'"),
                     1);

    /* A credential without ':SECRET' is a configuration error. */
    assert_int_equal(collect_as(url, cfg, AKID, &out), 2);
    assert_non_null(strstr(out, "ACCESS_KEY_ID:SECRET"));
    free(out);

    PQfinish(conn);
    unlink(cfg);
    free(cfg);
    h_sim_stop(&sim);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_wrong_secret_fails_with_a_signature_message),
        cmocka_unit_test(collects_everything_once_and_records_reversals),
        cmocka_unit_test(a_stale_next_token_restarts_the_crawl),
        cmocka_unit_test(faults_end_in_the_same_state_as_a_clean_run),
    };
    return H_RUN_CURL_TESTS(tests, NULL, NULL);
}
