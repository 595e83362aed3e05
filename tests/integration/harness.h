/* tests/integration/harness.h — fresh databases, dw-sim, and the programs.
 * Includes cmocka, which the helpers use to fail the calling test. */
#ifndef DW_HARNESS_H
#define DW_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Integration tests need PostgreSQL. DW_TEST_DB_URL names a database on a
 * server where we may CREATE DATABASE (scripts/test exports it). When it
 * is unset: with CI set the test fails loudly; otherwise it is skipped.
 * Call it first in main(); returns false when the caller should skip
 * (print a line and return 0).
 */
bool h_require_db(void);

/*
 * Creates a new empty database named "dwit_<name>" (dropping an old one)
 * and returns its URL (static storage, valid until the next call).
 */
const char *h_fresh_db(const char *name);

/* Connects to url; aborts the test on failure. Close with PQfinish. */
PGconn *h_connect(const char *url);

/* Runs one SQL statement returning one value, as a heap string or NULL
 * for SQL NULL; aborts the test on error. free() the result. */
char *h_query_value(PGconn *conn, const char *sql);
/* Convenience: the value as a long (SQL NULL -> -1). */
long h_query_long(PGconn *conn, const char *sql);

/*
 * Runs a program (argv[0] is a path) with extra environment entries
 * ("NAME=value" sets, a bare "NAME" unsets; NULL-terminated, may be NULL)
 * and returns its exit code
 * (or 128+signal). stdout and stderr are captured into *out (heap, caller
 * frees) when out is non-NULL, else inherited.
 */
int h_run(const char *const argv[], const char *const env[], char **out);

/* A running dw-sim. */
struct h_sim {
    int pid;
    int port;
    char base_url[64]; /* http://127.0.0.1:PORT */
};

/*
 * Starts dw-sim with the extra arguments (NULL-terminated; e.g. "--seed",
 * "7") on a free port, waits until it answers, and fills sim. Aborts the
 * test when it does not come up within 10 s.
 */
void h_sim_start(struct h_sim *sim, const char *const args[]);
void h_sim_stop(struct h_sim *sim);

/*
 * Calls a dw-sim route (usually a /__sim/ control route) with method
 * "GET" or "POST" and an optional body, and returns the parsed JSON
 * (new reference: json_decref it). Aborts the test when the call fails
 * or the answer is not JSON.
 */
json_t *h_sim_call(const struct h_sim *sim, const char *method,
                   const char *path, const char *body);

/*
 * Writes a collector config for the sim into a temp file and returns its
 * path (heap; unlink and free it). text is the INI body; the harness does
 * not rewrite it.
 */
char *h_write_temp(const char *text);

/*
 * A canonical, sorted text dump of the fact tables (vendor, source,
 * worker, task, work_unit, payment, activity_segment, monitoring_practice)
 * without bookkeeping columns (first_seen, last_seen, updated_at), for
 * comparing the end state of two runs. Heap; free it.
 */
char *h_dump_facts(PGconn *conn);

/*
 * The body of main() for a test that needs PostgreSQL and curl: returns 0
 * when h_require_db() says to skip; otherwise runs the n tests (borrowed)
 * as one cmocka group with setup and teardown (either may be NULL) between
 * curl_global_init and curl_global_cleanup, and returns cmocka's result.
 * H_RUN_CURL_TESTS counts the array for you.
 */
int h_run_curl_tests(const struct CMUnitTest tests[], size_t n,
                     CMFixtureFunction setup, CMFixtureFunction teardown);
#define H_RUN_CURL_TESTS(tests, setup, teardown)                               \
    h_run_curl_tests(tests, sizeof(tests) / sizeof((tests)[0]), setup, teardown)

/*
 * Runs "dw-admin [--database-url url] args..." (url may be NULL; args
 * NULL-terminated, at most 12) with env (as h_run's; may be NULL). Returns
 * the exit code; output into *out as h_run does.
 */
int h_admin(const char *url, const char *const args[], const char *const env[],
            char **out);

/*
 * Runs sql with the n text parameters (borrowed) and returns its first
 * value as a heap string (free it); fails the test unless the query
 * returns rows and the value can be copied.
 */
char *h_query_params(PGconn *conn, const char *sql, int n,
                     const char *const params[]);

/* The facts and history of a database before a repeated collection. */
struct h_snapshot {
    char *facts;  /* h_dump_facts, heap */
    long history; /* rows in dw.work_unit_history */
};

/* Fills s from conn (borrowed); h_assert_unchanged releases it. */
void h_snapshot_take(PGconn *conn, struct h_snapshot *s);

/*
 * Fails the test unless the facts and the history count equal s's and
 * the newest sync run changed no unit; then frees s's memory.
 */
void h_assert_unchanged(PGconn *conn, struct h_snapshot *s);

/* h_dump_facts of the database at url, on a connection of its own. */
char *h_dump_facts_at(const char *url);

/* The pseudonym key every collecting test gives dw-collect. */
#define H_KEY "integration-test-pseudonym-key"

/* Fast HTTP retries for dw-collect against dw-sim (entries for h_collect's
 * env_extra). */
#define H_FAST_RETRY                                                           \
    "DW_HTTP_BACKOFF_MS=1", "DW_HTTP_BACKOFF_CAP_MS=5",                        \
        "DW_HTTP_RETRY_AFTER_CAP_MS=5"

/*
 * Runs "dw-admin --database-url url migrate" with env (as h_run's; may be
 * NULL) and returns its exit code; output into *out as h_run does.
 */
int h_migrate(const char *url, const char *const env[], char **out);

/*
 * h_fresh_db(name), migrated (the test fails unless migrate exits 0).
 * Returns the URL in static storage, valid until the next call.
 */
const char *h_fresh_migrated_db(const char *name);

/*
 * Runs "dw-collect --config config --log-level log_level" with
 * DW_DATABASE_URL=url and DW_PSEUDONYM_KEY=H_KEY, then the env_extra
 * entries (as h_run's env, later ones win; may be NULL). Returns the exit
 * code; output into *out as h_run does. Everything is borrowed.
 */
int h_collect(const char *url, const char *config, const char *log_level,
              const char *const env_extra[], char **out);

/* truth["counts"][key] of a dw-sim truth document, as a long (0 when
 * absent). truth is borrowed. */
long h_truth_count(json_t *truth, const char *key);

/*
 * Runs dw-analyze with args (NULL-terminated, at most 14) against url,
 * with DW_DATABASE_URL, DW_LOG_FORMAT and DW_LOG_LEVEL of the caller's
 * shell removed. Returns the exit code; output into *out as h_run does.
 */
int h_analyze(const char *url, const char *const args[], char **out);

/* Runs one SQL text (one or more statements); fails the test with the
 * server's message when it does not succeed. */
void h_exec(PGconn *conn, const char *sql);

/* Fails the test unless the one value sql returns equals want. */
void h_assert_query(PGconn *conn, const char *sql, const char *want);

/* Fails the test unless hay (may be NULL) contains needle. */
void h_assert_contains(const char *hay, const char *needle);

/* The analyzer tests' own default thresholds, for h_analyzer_db. */
#define H_THRESHOLDS_SQL DW_SOURCE_DIR "/tests/fixtures/analyzer/thresholds.sql"

/*
 * An analyzer test's database: h_fresh_db(name) into url (n bytes),
 * migrated without the caller's DW_DATABASE_URL, DW_LOG_FORMAT and
 * DW_LOG_LEVEL; then, on one connection, the SQL file sql_file (a path,
 * or NULL) and each statement of sql (NULL-terminated, may be NULL); then,
 * when run is non-NULL, dw-analyze with the arguments run. Returns 0, or
 * -1 after printing the failing program's output (for a group setup).
 */
int h_analyzer_db(const char *name, const char *sql_file,
                  const char *const sql[], const char *const run[], char *url,
                  size_t n);

#endif
