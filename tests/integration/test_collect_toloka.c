/* tests/integration/test_collect_toloka.c — dw-collect (Toloka) against dw-sim.
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

#define TOKEN "it-toloka-1"
#define TRUTH "/__sim/truth?platform=toloka&token=" TOKEN

/* A collector config for sim; heap path, unlink and free it. Page size 40
 * makes most pools take several keyset pages. */
static char *write_config(const struct h_sim *sim, int max_retries)
{
    char text[1024];
    snprintf(text, sizeof(text),
             "[source sim-toloka]\n"
             "platform = toloka\n"
             "vendor = Sim Toloka Vendor\n"
             "endpoint = %s\n"
             "token_env = DW_IT_TOKEN\n"
             "lookback_days = 60\n"
             "page_size = 40\n"
             "timeout_s = 5\n"
             "max_retries = %d\n",
             sim->base_url, max_retries);
    return h_write_temp(text);
}

/* Runs dw-collect; returns its exit code. */
static int collect(const char *db_url, const char *config)
{
    const char *const env[] = {"DW_IT_TOKEN=" TOKEN, H_FAST_RETRY, NULL};
    return h_collect(db_url, config, "error", env, NULL);
}

static void assert_matches_truth(PGconn *conn, json_t *truth)
{
    static const char *const st[] = {"in_progress", "submitted", "approved",
                                     "rejected",    "returned",  "expired",
                                     "unknown"};
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.work_unit"),
                     h_truth_count(truth, "assignments"));
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.task"),
                     h_truth_count(truth, "pools"));
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
    /* Money: truth in cents, we in micro-dollars (1 cent = 10,000). */
    assert_int_equal(h_query_long(conn,
                                  "SELECT sum(reward_micros) / 10000 FROM"
                                  " dw.work_unit WHERE status = 'approved'"),
                     (long)json_integer_value(
                         json_object_get(truth, "approved_reward_usd_cents")));
    assert_int_equal(
        h_query_long(conn, "SELECT sum(amount_micros) / 10000 FROM dw.payment"),
        (long)json_integer_value(json_object_get(truth, "bonus_usd_cents")));
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.payment"
                                        " WHERE currency <> 'USD'"),
                     0);
}

/* No raw user id is stored anywhere; nor the work or free text. */
static void assert_nothing_raw_landed(PGconn *conn, json_t *truth)
{
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(truth, "workers"), i, w)
    {
        char sql[512];
        const char *id = json_string_value(json_object_get(w, "user_id"));
        assert_non_null(id);
        snprintf(sql, sizeof(sql),
                 "SELECT (SELECT count(*) FROM dw.raw_page"
                 " WHERE position('%s' in body) > 0) + (SELECT count(*)"
                 " FROM dw.quarantine WHERE position('%s' in record) > 0)",
                 id, id);
        assert_int_equal(h_query_long(conn, sql), 0);
    }
    assert_int_equal(
        h_query_long(conn, "SELECT count(*) FROM dw.raw_page WHERE body ~"
                           " '\"(input_values|solutions|owner|private_comment"
                           "|public_message)\"'"),
        0);
}

static void collects_everything_once_and_records_late_changes(void **state)
{
    (void)state;
    struct h_sim sim;
    const char *const args[] = {"--seed", "5", "--scale", "7", "--quiet", NULL};
    const char *url = h_fresh_migrated_db("collect_toloka");
    h_sim_start(&sim, args);
    char *cfg = write_config(&sim, 5);
    PGconn *conn = h_connect(url);

    assert_int_equal(collect(url, cfg), 0);
    json_t *truth = h_sim_call(&sim, "GET", TRUTH, NULL);
    assert_matches_truth(conn, truth);
    assert_nothing_raw_landed(conn, truth);
    json_decref(truth);
    /* The unseen status is kept as Toloka wrote it. */
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.work_unit"
                                        " WHERE status = 'unknown'"
                                        " AND status_raw <> 'DECLINED'"),
                     0);
    /* Keyset paging really paged: more pages than pools + 2 lists. */
    assert_true(h_query_long(conn, "SELECT pages FROM dw.sync_run") >
                h_query_long(conn, "SELECT count(*) FROM dw.task") + 2);
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.sync_state"),
                     0);

    /* Again: nothing new, nothing doubled, no history. */
    struct h_snapshot before;
    h_snapshot_take(conn, &before);
    assert_int_equal(collect(url, cfg), 0);
    h_assert_unchanged(conn, &before);

    /* A week later: a rejection reversed, approvals, and a new bonus whose
     * id sorts below the end of the bonus list (inserted below a cursor). */
    json_t *adv = h_sim_call(
        &sim, "POST", "/__sim/advance?platform=toloka&token=" TOKEN, NULL);
    json_t *one = json_array_get(json_object_get(adv, "advanced"), 0);
    const char *reversed = json_string_value(json_object_get(one, "reversed"));
    assert_non_null(reversed);
    assert_non_null(strstr(reversed, "--"));
    assert_int_equal(collect(url, cfg), 0);
    truth = h_sim_call(&sim, "GET", TRUTH, NULL);
    assert_matches_truth(conn, truth);
    json_decref(truth);
    char sql[256];
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

/* Collects into a fresh database until done; returns its facts (heap). */
static char *collect_until_done(const char *db, const struct h_sim *sim,
                                int *runs)
{
    char *cfg = write_config(sim, 10);
    int code = 3;
    *runs = 0;
    while (code == 3 && *runs < 30) {
        code = collect(db, cfg);
        (*runs)++;
    }
    assert_int_equal(code, 0);
    unlink(cfg);
    free(cfg);
    return h_dump_facts_at(db);
}

static void every_fault_ends_in_the_state_of_a_clean_run(void **state)
{
    (void)state;
    /* 429 with Retry-After (seconds and date), without it, the Toloka
     * INTERNAL_ERROR 500 (JSON, HTML and empty bodies in turn), a 503,
     * truncated bodies and connection resets. */
    static const char *const faults[] = {
        "toloka:429:0.15,toloka:429date:0.05,toloka:429none:0.05",
        "toloka:500:0.2,toloka:503:0.05",
        "toloka:truncate:0.1,toloka:reset:0.1",
    };
    struct h_sim sim;
    const char *const a1[] = {"--seed", "9", "--scale", "7", "--quiet", NULL};
    char url_a[1024];
    int runs;
    snprintf(url_a, sizeof(url_a), "%s",
             h_fresh_migrated_db("collect_toloka_clean"));
    h_sim_start(&sim, a1);
    char *want = collect_until_done(url_a, &sim, &runs);
    assert_int_equal(runs, 1);
    h_sim_stop(&sim);

    for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
        const char *const a2[] = {"--seed",  "9",       "--scale", "7",
                                  "--quiet", "--fault", faults[i], NULL};
        const char *url_b = h_fresh_migrated_db("collect_toloka_faults");
        h_sim_start(&sim, a2);
        char *got = collect_until_done(url_b, &sim, &runs);
        assert_string_equal(got, want);
        PGconn *cb = h_connect(url_b);
        /* The faults were real: retries were counted. */
        assert_true(h_query_long(cb, "SELECT sum(retries) FROM dw.sync_run") >
                    0);
        PQfinish(cb);
        free(got);
        json_t *stats = h_sim_call(&sim, "GET", "/__sim/stats", NULL);
        assert_true(
            json_integer_value(json_object_get(stats, "faults_injected")) > 0);
        json_decref(stats);
        h_sim_stop(&sim);
    }
    free(want);
}

static void an_hourly_quota_exits_3_and_the_next_run_completes(void **state)
{
    (void)state;
    struct h_sim sim;
    /* The 6th Toloka request answers 429 TOO_MANY_REQUESTS, interval HOUR. */
    const char *const args[] = {
        "--seed",  "13",      "--scale",           "7",
        "--quiet", "--fault", "toloka:throttle@6", NULL};
    const char *url = h_fresh_migrated_db("collect_toloka_hour");
    h_sim_start(&sim, args);
    char *cfg = write_config(&sim, 5);
    PGconn *conn = h_connect(url);

    assert_int_equal(collect(url, cfg), 3);
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.sync_run"
                                        " WHERE outcome = 'partial'"),
                     1);
    /* Stopped at once, not retried: five pages were committed. */
    assert_int_equal(h_query_long(conn, "SELECT pages FROM dw.sync_run"), 5);
    assert_int_equal(h_query_long(conn, "SELECT retries FROM dw.sync_run"), 0);
    char *err = h_query_value(conn, "SELECT error FROM dw.sync_run");
    assert_non_null(err);
    assert_non_null(strstr(err, "hourly"));
    free(err);
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.sync_state"
                                        " WHERE stream = 'frontier'"),
                     1);

    assert_int_equal(collect(url, cfg), 0);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(collects_everything_once_and_records_late_changes),
        cmocka_unit_test(an_hourly_quota_exits_3_and_the_next_run_completes),
        cmocka_unit_test(every_fault_ends_in_the_state_of_a_clean_run),
    };
    return H_RUN_CURL_TESTS(tests, NULL, NULL);
}
