/* common/db.h — libpq helpers: connect, exec with parameters, COPY, locks. */
#ifndef DW_DB_H
#define DW_DB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"

/*
 * Connects and checks the server answers; sets application_name, UTC time
 * zone, and a statement timeout of none; server notices go to dw_log
 * (WARNING at warn, others at debug). The URL is never logged (it may
 * hold a password): messages name only host/port/dbname.
 */
enum dw_status dw_db_connect(const char *url, const char *app_name,
                             PGconn **out, struct dw_error *err);
void dw_db_close(PGconn *conn);

/*
 * Runs one statement with text parameters (values[i] NULL = SQL NULL).
 * When res is non-NULL the caller gets the result and must PQclear it;
 * otherwise it is cleared here. Fails with DW_ERR_DB unless the result is
 * COMMAND_OK or TUPLES_OK; the message carries the server's error.
 */
enum dw_status dw_db_exec(PGconn *conn, const char *sql, int nparams,
                          const char *const *values, PGresult **res,
                          struct dw_error *err);

/* Runs a multi-statement script with no parameters (migrations only). */
enum dw_status dw_db_exec_script(PGconn *conn, const char *sql,
                                 struct dw_error *err);

enum dw_status dw_db_begin(PGconn *conn, struct dw_error *err);
enum dw_status dw_db_commit(PGconn *conn, struct dw_error *err);
/* Rolls back if a transaction is open; never fails loudly. */
void dw_db_rollback(PGconn *conn);

/*
 * Session-level advisory lock on a text key (hashed by the server with
 * hashtextextended). *got is false when another session holds it.
 */
enum dw_status dw_db_try_lock(PGconn *conn, const char *key, bool *got,
                              struct dw_error *err);
enum dw_status dw_db_unlock(PGconn *conn, const char *key,
                            struct dw_error *err);

/*
 * COPY ... FROM STDIN writer (text format). Usage:
 *   struct dw_copy c;
 *   dw_copy_begin(&c, conn, "COPY t (a,b) FROM STDIN", err);
 *   dw_copy_str(&c, "x"); dw_copy_null(&c); dw_copy_end_row(&c);
 *   dw_copy_finish(&c, err);     (or dw_copy_abort(&c) on failure)
 * Field calls never fail themselves: errors are remembered and reported
 * by end_row/finish. Rows are buffered and sent in 64 KiB chunks.
 */
struct dw_copy {
    PGconn *conn;
    struct dw_buf row;
    size_t fields;
    enum dw_status st;
    bool active;
};

enum dw_status dw_copy_begin(struct dw_copy *c, PGconn *conn,
                             const char *copy_sql, struct dw_error *err);
void dw_copy_str(struct dw_copy *c, const char *s); /* NULL -> \N */
void dw_copy_null(struct dw_copy *c);
void dw_copy_i64(struct dw_copy *c, int64_t v);
void dw_copy_bool(struct dw_copy *c, bool v);
/* A timestamp in µs as an ISO string; DW_TIME_NONE -> \N. */
void dw_copy_time(struct dw_copy *c, int64_t usec);
enum dw_status dw_copy_end_row(struct dw_copy *c, struct dw_error *err);
enum dw_status dw_copy_finish(struct dw_copy *c, struct dw_error *err);
void dw_copy_abort(struct dw_copy *c);

/*
 * Appends s to out escaped for COPY text format: backslash, tab, newline,
 * carriage return and other control bytes become \\, \t, \n, \r, \ooo;
 * every other byte (UTF-8 included) is copied as is.
 */
enum dw_status dw_copy_escape(struct dw_buf *out, const char *s);

/*
 * COPY ... TO STDOUT reader: calls row_cb once per line (without the
 * newline; text format, fields tab-separated and still escaped). Stops
 * early when row_cb returns non-OK. Use dw_copy_split to get fields.
 */
typedef enum dw_status (*dw_copy_row_fn)(void *ctx, char *line, size_t len);
enum dw_status dw_copy_out(PGconn *conn, const char *copy_sql,
                           dw_copy_row_fn row_cb, void *ctx,
                           struct dw_error *err);

/*
 * Splits a COPY text line in place into at most max fields, unescaping
 * each; \N becomes a NULL pointer. Returns the field count in *n.
 * DW_ERR_PARSE when the line has more than max fields.
 */
enum dw_status dw_copy_split(char *line, char **fields, size_t max, size_t *n);

/*
 * A field from dw_copy_split as a whole decimal int64: NULL gives none.
 * Returns 0, or -1 when the text is not a whole int64 in range.
 */
int dw_copy_field_i64(const char *f, int64_t none, int64_t *out);

#endif
