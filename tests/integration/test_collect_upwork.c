/* tests/integration/test_collect_upwork.c — dw-collect (Upwork) vs dw-sim. */
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

#define TOKEN "it-upwork-1"

static long truth_count(json_t *truth, const char *key)
{
    json_t *v = json_object_get(json_object_get(truth, "counts"), key);
    assert_true(json_is_integer(v));
    return (long)json_integer_value(v);
}

/* A collector config for sim; heap path, unlink and free it. */
static char *write_config(const struct h_sim *sim, int max_retries)
{
    char text[1024];
    snprintf(text, sizeof(text),
             "[source sim-upwork]\n"
             "platform = upwork\n"
             "vendor = Sim Agency\n"
             "endpoint = %s\n"
             "token_env = DW_IT_TOKEN\n"
             "timeout_s = 5\n"
             "max_retries = %d\n",
             sim->base_url, max_retries);
    return h_write_temp(text);
}

/* Runs dw-collect with token; returns its exit code (output in *out). */
static int collect(const char *db_url, const char *config, const char *token,
                   char **out)
{
    char tokenv[128];
    snprintf(tokenv, sizeof(tokenv), "DW_IT_TOKEN=%s", token);
    const char *const env[] = {tokenv, H_FAST_RETRY, NULL};
    return h_collect(db_url, config, "warn", env, out);
}

static json_t *truth(const struct h_sim *sim)
{
    return h_sim_call(sim, "GET", "/__sim/truth?platform=upwork&token=" TOKEN,
                      NULL);
}

static void assert_matches_truth(PGconn *conn, json_t *t)
{
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.task"),
                     truth_count(t, "contracts"));
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.worker"),
                     truth_count(t, "contracts"));
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.work_unit"),
                     truth_count(t, "time_reports"));
    assert_int_equal(
        h_query_long(conn, "SELECT count(*) FROM dw.activity_segment"),
        truth_count(t, "cells"));
    assert_int_equal(
        h_query_long(conn, "SELECT sum(screenshots) FROM dw.activity_segment"),
        truth_count(t, "screenshots"));
    assert_int_equal(
        h_query_long(conn, "SELECT sum(webcam_shots) FROM dw.activity_segment"),
        truth_count(t, "webcam_shots"));
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM"
                                        " dw.activity_segment WHERE manual"),
                     truth_count(t, "manual_cells"));
    /* Paid time is the billed cells: 600 s each. */
    assert_int_equal(h_query_long(conn,
                                  "SELECT sum(extract(epoch FROM"
                                  " submitted_at - accepted_at))::bigint / 600"
                                  " FROM dw.work_unit"),
                     truth_count(t, "billed_cells"));
    /* Charges: truth in cents, we in micro-units. */
    assert_int_equal(
        h_query_long(conn, "SELECT sum(reward_micros) / 10000"
                           " FROM dw.work_unit WHERE currency = 'USD'"),
        (long)json_integer_value(
            json_object_get(json_object_get(t, "charges_cents"), "USD")));
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.quarantine"),
                     0);
}

static void collects_contracts_time_and_diary_once(void **state)
{
    (void)state;
    struct h_sim sim;
    const char *const args[] = {"--seed", "5", "--scale", "7", "--quiet", NULL};
    const char *url = h_fresh_migrated_db("collect_upwork");
    h_sim_start(&sim, args);
    char *cfg = write_config(&sim, 5);
    PGconn *conn = h_connect(url);

    assert_int_equal(collect(url, cfg, TOKEN, NULL), 0);
    json_t *t = truth(&sim);
    assert_matches_truth(conn, t);
    /* The screenshot-heavy contract: 3-4 captures a cell, > 18 an hour. */
    assert_int_equal(
        h_query_long(conn, "SELECT count(*) FROM (SELECT worker_key"
                           " FROM dw.activity_segment GROUP BY worker_key"
                           " HAVING sum(screenshots) * 3600.0"
                           "  / sum(duration_s) > 18"
                           "  AND sum(webcam_shots) > 0) h"),
        1);
    /* Off-shift captures: a screenshot with no activity, not billed. */
    assert_int_equal(
        h_query_long(conn, "SELECT count(*) FROM dw.activity_segment"
                           " WHERE screenshots > 0 AND activity_level = 0"
                           " AND keyboard_events = 0 AND NOT manual"),
        truth_count(t, "offshift_cells"));
    assert_true(truth_count(t, "offshift_cells") > 0);
    json_decref(t);
    /* No link, window title, memo, name or raw freelancer id landed. */
    assert_int_equal(
        h_query_long(conn, "SELECT count(*) FROM dw.raw_page WHERE body ~"
                           " '(https?://|\"memo\"|activeWindowTitle|"
                           "\"name\"|~01[0-9a-f]{6})'"),
        0);
    assert_true(h_query_long(conn, "SELECT count(*) FROM dw.raw_page") > 0);
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.sync_state"),
                     0);

    /* Again: nothing new, nothing doubled, no history. */
    struct h_snapshot before;
    h_snapshot_take(conn, &before);
    assert_int_equal(collect(url, cfg, TOKEN, NULL), 0);
    h_assert_unchanged(conn, &before);
    PQfinish(conn);
    unlink(cfg);
    free(cfg);
    h_sim_stop(&sim);
}

static void faults_and_graphql_errors_end_in_the_same_state(void **state)
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
                              "upwork:429:0.1,upwork:429none:0.05,"
                              "upwork:500:0.1,upwork:truncate:0.05,"
                              "upwork:dup:0.05",
                              NULL};
    char url_a[1024];
    snprintf(url_a, sizeof(url_a), "%s", h_fresh_migrated_db("upwork_clean"));
    h_sim_start(&clean, a1);
    char *cfg = write_config(&clean, 5);
    assert_int_equal(collect(url_a, cfg, TOKEN, NULL), 0);
    unlink(cfg);
    free(cfg);
    char *want = h_dump_facts_at(url_a);
    h_sim_stop(&clean);

    /* "flaky-T" reads T's data; every third answer is 200 + errors[]. */
    const char *url_b = h_fresh_migrated_db("upwork_faults");
    h_sim_start(&faulty, a2);
    cfg = write_config(&faulty, 8);
    int code = 3, runs = 0;
    while (code == 3 && runs < 30) {
        code = collect(url_b, cfg, "flaky-" TOKEN, NULL);
        runs++;
    }
    assert_int_equal(code, 0);
    PGconn *cb = h_connect(url_b);
    char *got = h_dump_facts(cb);
    assert_string_equal(got, want);
    /* Every injected fault cost one retry; the errors[] answers more. */
    json_t *stats = h_sim_call(&faulty, "GET", "/__sim/stats", NULL);
    long injected =
        (long)json_integer_value(json_object_get(stats, "faults_injected"));
    json_decref(stats);
    assert_true(injected > 0);
    assert_true(h_query_long(cb, "SELECT sum(retries) FROM dw.sync_run") >
                injected);
    PQfinish(cb);
    free(got);
    free(want);
    unlink(cfg);
    free(cfg);
    h_sim_stop(&faulty);
}

static void a_token_without_the_scope_fails_with_upworks_message(void **state)
{
    (void)state;
    struct h_sim sim;
    const char *const args[] = {"--quiet", NULL};
    const char *url = h_fresh_migrated_db("upwork_noscope");
    h_sim_start(&sim, args);
    char *cfg = write_config(&sim, 5);
    PGconn *conn = h_connect(url);
    char *out = NULL;

    assert_int_equal(collect(url, cfg, "noscope-" TOKEN, &out), 1);
    assert_non_null(strstr(out, "doesn't have enough oauth2 "
                                "permissions/scopes to access"));
    free(out);
    /* Final at once: one request, no retries, nothing stored. */
    assert_int_equal(h_query_long(conn, "SELECT requests FROM dw.sync_run"
                                        " WHERE outcome = 'failed'"),
                     1);
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.task"), 0);

    /* An expired access token (HTTP 401) fails the source too. */
    out = NULL;
    assert_int_equal(collect(url, cfg, "expired", &out), 1);
    free(out);
    PQfinish(conn);
    unlink(cfg);
    free(cfg);
    h_sim_stop(&sim);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_token_without_the_scope_fails_with_upworks_message),
        cmocka_unit_test(collects_contracts_time_and_diary_once),
        cmocka_unit_test(faults_and_graphql_errors_end_in_the_same_state),
    };
    return H_RUN_CURL_TESTS(tests, NULL, NULL);
}
