/* tests/integration/harness.h — fresh databases, dw-sim, and the programs. */
#ifndef DW_HARNESS_H
#define DW_HARNESS_H

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

#endif
