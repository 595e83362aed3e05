/* tests/integration/test_e2e_demo.c — the demo's path: sim -> collect ->
 * analyze -> report. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "pseudonym.h"

/* Two researcher accounts, as scripts/demo configures them. */
static const char *const tokens[] = {"acme-token", "globex-token"};
static const char *const vendors[] = {"Acme Research Ltd", "Globex Panels Inc"};

struct e2e {
    struct h_sim sim;
    const char *db_url;
    char *config;
    char dbenv[1100];
};

static int setup(void **state)
{
    static struct e2e e;
    memset(&e, 0, sizeof e);
    e.db_url = h_fresh_db("e2e_demo");
    snprintf(e.dbenv, sizeof e.dbenv, "DW_DATABASE_URL=%s", e.db_url);
    const char *const sim_args[] = {"--seed",   "42",         "--scale", "20",
                                    "--anchor", "2026-10-05", NULL};
    h_sim_start(&e.sim, sim_args);
    char text[1024];
    snprintf(text, sizeof text,
             "[source acme-research]\n"
             "platform = prolific\n"
             "vendor = %s\n"
             "endpoint = %s\n"
             "token_env = DW_E2E_ACME\n"
             "default_country = GB\n"
             "\n"
             "[source globex-panels]\n"
             "platform = prolific\n"
             "vendor = %s\n"
             "endpoint = %s\n"
             "token_env = DW_E2E_GLOBEX\n"
             "default_country = US\n",
             vendors[0], e.sim.base_url, vendors[1], e.sim.base_url);
    e.config = h_write_temp(text);
    *state = &e;
    return 0;
}

static int teardown(void **state)
{
    struct e2e *e = *state;
    h_sim_stop(&e->sim);
    unlink(e->config);
    free(e->config);
    return 0;
}

static int run_tool(struct e2e *e, const char *bin, const char *a1,
                    const char *a2, const char *a3, const char *a4,
                    const char *a5, char **out)
{
    const char *const argv[] = {bin, "--config", e->config, a1,  a2,
                                a3,  a4,         a5,        NULL};
    const char *const env[] = {e->dbenv, "DW_PSEUDONYM_KEY",
                               "DW_E2E_ACME=acme-token",
                               "DW_E2E_GLOBEX=globex-token", NULL};
    return h_run(argv, env, out);
}

static void story_worker_is_flagged(struct e2e *e, PGconn *conn,
                                    const char *token, const char *story,
                                    const char *rule, long min_weeks)
{
    char path[128];
    snprintf(path, sizeof path, "/__sim/truth?token=%s", token);
    json_t *truth = h_sim_call(&e->sim, "GET", path, NULL);
    json_t *workers = json_object_get(truth, "workers");
    size_t i;
    json_t *w;
    int found = 0;
    json_array_foreach(workers, i, w)
    {
        if (strcmp(json_string_value(json_object_get(w, "story")), story))
            continue;
        char key[DW_PSEUDONYM_HEX];
        const char *pid =
            json_string_value(json_object_get(w, "participant_id"));
        assert_int_equal(
            dw_pseudonym(DW_PSEUDONYM_DEMO_KEY, "prolific", pid, key, NULL), 0);
        const char *params[2] = {rule, key};
        PGresult *r = PQexecParams(conn,
                                   "SELECT count(DISTINCT period_start) "
                                   "FROM dw.flag WHERE rule = $1 "
                                   "AND worker_key = $2",
                                   2, NULL, params, NULL, NULL, 0);
        assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
        long weeks = strtol(PQgetvalue(r, 0, 0), NULL, 10);
        PQclear(r);
        if (weeks < min_weeks)
            fail_msg("%s worker of %s: %ld weeks flagged %s, expected >= %ld",
                     story, token, weeks, rule, min_weeks);
        found++;
    }
    json_decref(truth);
    assert_true(found >= 1);
}

/* The story workers the simulator plants are the ones the analysis flags,
 * in both vendors, and both scorecards print. */
static void demo_path_flags_the_planted_workers(void **state)
{
    struct e2e *e = *state;
    const char *const migrate[] = {DW_ADMIN_BIN, "migrate", NULL};
    const char *const env[] = {e->dbenv, NULL};
    assert_int_equal(h_run(migrate, env, NULL), 0);

    char *out = NULL;
    int rc = run_tool(e, DW_COLLECT_BIN, "--demo", "--log-level", "warn", NULL,
                      NULL, &out);
    if (rc != 0)
        fail_msg("dw-collect exited %d:\n%s", rc, out);
    free(out);

    rc = run_tool(e, DW_ANALYZE_BIN, "run", "--from", "2026-10-05", "--to",
                  "2026-11-01", &out);
    if (rc != 0)
        fail_msg("dw-analyze run exited %d:\n%s", rc, out);
    free(out);

    PGconn *conn = h_connect(e->db_url);
    for (size_t t = 0; t < 2; t++) {
        /* Four simulated weeks: the overworked worker does 62-68 h of
         * tasks a week, so every week is over 48 h even counting paid
         * time only; the underpaid one earns about 2/h every week. */
        story_worker_is_flagged(e, conn, tokens[t], "overworked",
                                "hours_over_48", 4);
        story_worker_is_flagged(e, conn, tokens[t], "underpaid",
                                "below_minimum_wage", 4);
    }
    assert_int_equal(h_query_long(conn, "SELECT count(*) FROM dw.vendor_period "
                                        "JOIN dw.analysis_run USING "
                                        "(analysis_run_id) "
                                        "WHERE status = 'done'"),
                     2);
    PQfinish(conn);

    rc = run_tool(e, DW_ANALYZE_BIN, "report", NULL, NULL, NULL, NULL, &out);
    if (rc != 0)
        fail_msg("dw-analyze report exited %d:\n%s", rc, out);
    assert_non_null(strstr(out, vendors[0]));
    assert_non_null(strstr(out, vendors[1]));
    assert_non_null(strstr(out, "Method version"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(demo_path_flags_the_planted_workers),
    };
    return H_RUN_CURL_TESTS(tests, setup, teardown);
}
