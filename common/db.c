/* common/db.c — libpq helpers: connect, exec, transactions, locks, COPY. */
#include "db.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwtime.h"
#include "log.h"
#include "pseudonym.h"

#define COPY_CHUNK (64 * 1024)

/* Copies a libpq message into dst on one line, trimmed. */
static const char *one_line(const char *msg, char *dst, size_t n)
{
    size_t o = 0;
    bool space = false;

    if (msg == NULL)
        msg = "";
    for (; *msg != '\0' && o + 1 < n; msg++) {
        if (*msg == '\n' || *msg == '\r' || *msg == '\t' || *msg == ' ') {
            space = o > 0;
            continue;
        }
        if (space && o + 2 < n)
            dst[o++] = ' ';
        space = false;
        dst[o++] = *msg;
    }
    dst[o] = '\0';
    return dst;
}

static enum dw_status conn_error(struct dw_error *err, PGconn *conn,
                                 const char *what)
{
    char m[DW_ERROR_MSG_MAX];

    return dw_error_set(err, DW_ERR_DB, "%s: %s", what,
                        one_line(PQerrorMessage(conn), m, sizeof(m)));
}

static enum dw_status result_error(struct dw_error *err, PGconn *conn,
                                   const PGresult *res, const char *what)
{
    char m[DW_ERROR_MSG_MAX];
    const char *text = res != NULL ? PQresultErrorMessage(res) : "";
    const char *state =
        res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

    if (text == NULL || text[0] == '\0')
        text = PQerrorMessage(conn);
    one_line(text, m, sizeof(m));
    if (state != NULL)
        return dw_error_set(err, DW_ERR_DB, "%s: %s (SQLSTATE %s)", what, m,
                            state);
    return dw_error_set(err, DW_ERR_DB, "%s: %s", what, m);
}

/* Server notices go to the log as one line, not raw onto stderr. */
static void notice_to_log(void *arg, const char *message)
{
    char m[DW_ERROR_MSG_MAX], q[2 * DW_ERROR_MSG_MAX + 8];
    enum dw_log_level level =
        strncmp(message, "WARNING", 7) == 0 ? DW_LOG_WARN : DW_LOG_DEBUG;

    (void)arg;
    dw_log(level, "db", "notice=%s",
           dw_log_quote(one_line(message, m, sizeof(m)), q, sizeof(q)));
}

enum dw_status dw_db_connect(const char *url, const char *app_name,
                             PGconn **out, struct dw_error *err)
{
    const char *keys[] = {"dbname", "application_name", NULL};
    const char *vals[] = {url, app_name, NULL};
    char m[DW_ERROR_MSG_MAX];
    PGconn *conn;
    PGresult *res;

    *out = NULL;
    if (url == NULL || url[0] == '\0')
        return dw_error_set(err, DW_ERR_CONFIG,
                            "no database URL: set DW_DATABASE_URL or "
                            "[database] url");
    if (app_name == NULL)
        keys[1] = NULL;
    /* expand_dbname: the URL is parsed, later keys override it. */
    conn = PQconnectdbParams(keys, vals, 1);
    if (conn == NULL)
        return dw_error_set(err, DW_ERR_NOMEM, "cannot allocate a connection");
    if (PQstatus(conn) != CONNECTION_OK) {
        /* Name the target without the URL: it may hold a password. */
        const char *host = PQhost(conn), *port = PQport(conn);
        const char *db = PQdb(conn);

        one_line(PQerrorMessage(conn), m, sizeof(m));
        dw_error_set(err, DW_ERR_DB,
                     "cannot connect to database (host=%s port=%s "
                     "dbname=%s): %s",
                     host && *host ? host : "default",
                     port && *port ? port : "default",
                     db && *db ? db : "default", m);
        PQfinish(conn);
        return DW_ERR_DB;
    }
    PQsetNoticeProcessor(conn, notice_to_log, NULL);
    res = PQexec(conn, "SET TIME ZONE 'UTC'; SET statement_timeout = 0");
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        result_error(err, conn, res, "cannot set up the session");
        PQclear(res);
        PQfinish(conn);
        return DW_ERR_DB;
    }
    PQclear(res);
    *out = conn;
    return DW_OK;
}

void dw_db_close(PGconn *conn)
{
    if (conn != NULL)
        PQfinish(conn);
}

static bool result_ok(const PGresult *res)
{
    ExecStatusType s = PQresultStatus(res);

    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

enum dw_status dw_db_exec(PGconn *conn, const char *sql, int nparams,
                          const char *const *values, PGresult **res,
                          struct dw_error *err)
{
    PGresult *r;

    if (res != NULL)
        *res = NULL;
    r = PQexecParams(conn, sql, nparams, NULL, values, NULL, NULL, 0);
    if (r == NULL)
        return conn_error(err, conn, "query failed");
    if (!result_ok(r)) {
        result_error(err, conn, r, "query failed");
        PQclear(r);
        return DW_ERR_DB;
    }
    if (res != NULL)
        *res = r;
    else
        PQclear(r);
    return DW_OK;
}

enum dw_status dw_db_exec_script(PGconn *conn, const char *sql,
                                 struct dw_error *err)
{
    enum dw_status st = DW_OK;
    PGresult *r;

    /* Simple protocol: several statements in one round trip. */
    if (!PQsendQuery(conn, sql))
        return conn_error(err, conn, "script failed");
    while ((r = PQgetResult(conn)) != NULL) {
        if (st == DW_OK && !result_ok(r))
            st = result_error(err, conn, r, "script failed");
        PQclear(r);
    }
    return st;
}

enum dw_status dw_db_begin(PGconn *conn, struct dw_error *err)
{
    return dw_db_exec(conn, "BEGIN", 0, NULL, NULL, err);
}

enum dw_status dw_db_commit(PGconn *conn, struct dw_error *err)
{
    PGresult *res;
    enum dw_status st = dw_db_exec(conn, "COMMIT", 0, NULL, &res, err);

    if (st != DW_OK)
        return st;
    /* COMMIT of a failed transaction "succeeds" as ROLLBACK. */
    if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
        st = dw_error_set(err, DW_ERR_DB,
                          "commit failed: the transaction was rolled back");
    PQclear(res);
    return st;
}

void dw_db_rollback(PGconn *conn)
{
    PGTransactionStatusType ts;

    if (conn == NULL)
        return;
    ts = PQtransactionStatus(conn);
    if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
        PQclear(PQexec(conn, "ROLLBACK"));
}

static enum dw_status bool_query(PGconn *conn, const char *sql, const char *key,
                                 bool *val, struct dw_error *err)
{
    PGresult *res;
    const char *params[1] = {key};
    enum dw_status st = dw_db_exec(conn, sql, 1, params, &res, err);

    if (st != DW_OK)
        return st;
    if (PQntuples(res) != 1 || PQnfields(res) != 1 || PQgetisnull(res, 0, 0)) {
        PQclear(res);
        return dw_error_set(err, DW_ERR_DB, "unexpected lock query result");
    }
    *val = PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);
    return DW_OK;
}

enum dw_status dw_db_try_lock(PGconn *conn, const char *key, bool *got,
                              struct dw_error *err)
{
    return bool_query(conn,
                      "SELECT pg_try_advisory_lock(hashtextextended($1, 0))",
                      key, got, err);
}

enum dw_status dw_db_unlock(PGconn *conn, const char *key, struct dw_error *err)
{
    bool held = false;
    enum dw_status st =
        bool_query(conn, "SELECT pg_advisory_unlock(hashtextextended($1, 0))",
                   key, &held, err);

    if (st == DW_OK && !held)
        return dw_error_set(err, DW_ERR_INTERNAL,
                            "advisory lock '%.100s' was not held", key);
    return st;
}

/* ---- COPY FROM STDIN writer ---- */

enum dw_status dw_copy_begin(struct dw_copy *c, PGconn *conn,
                             const char *copy_sql, struct dw_error *err)
{
    PGresult *res;

    c->conn = conn;
    dw_buf_init(&c->row, 0);
    c->fields = 0;
    c->st = DW_OK;
    c->active = false;
    res = PQexec(conn, copy_sql);
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        enum dw_status st = result_error(err, conn, res, "COPY failed");

        PQclear(res);
        /* A COPY TO or another command would leave results pending. */
        while ((res = PQgetResult(conn)) != NULL)
            PQclear(res);
        return st;
    }
    PQclear(res);
    c->active = true;
    return DW_OK;
}

static void field_sep(struct dw_copy *c)
{
    if (c->st == DW_OK && c->fields++ > 0)
        c->st = dw_buf_putc(&c->row, '\t');
}

void dw_copy_str(struct dw_copy *c, const char *s)
{
    if (s == NULL) {
        dw_copy_null(c);
        return;
    }
    field_sep(c);
    if (c->st == DW_OK)
        c->st = dw_copy_escape(&c->row, s);
}

void dw_copy_null(struct dw_copy *c)
{
    field_sep(c);
    if (c->st == DW_OK)
        c->st = dw_buf_append(&c->row, "\\N", 2);
}

void dw_copy_i64(struct dw_copy *c, int64_t v)
{
    field_sep(c);
    if (c->st == DW_OK)
        c->st = dw_buf_printf(&c->row, "%" PRId64, v);
}

void dw_copy_bool(struct dw_copy *c, bool v)
{
    field_sep(c);
    if (c->st == DW_OK)
        c->st = dw_buf_putc(&c->row, v ? 't' : 'f');
}

void dw_copy_time(struct dw_copy *c, int64_t usec)
{
    char iso[DW_TIME_ISO_MAX];

    if (usec == DW_TIME_NONE) {
        dw_copy_null(c);
        return;
    }
    field_sep(c);
    if (c->st == DW_OK)
        c->st = dw_buf_puts(&c->row, dw_time_format_iso(usec, iso));
}

static enum dw_status copy_flush(struct dw_copy *c, struct dw_error *err)
{
    if (c->row.len == 0)
        return DW_OK;
    if (c->row.len > INT32_MAX)
        return dw_error_set(err, DW_ERR_TOO_LARGE, "COPY row too large");
    if (PQputCopyData(c->conn, c->row.data, (int)c->row.len) != 1)
        return conn_error(err, c->conn, "COPY failed");
    dw_buf_reset(&c->row);
    return DW_OK;
}

enum dw_status dw_copy_end_row(struct dw_copy *c, struct dw_error *err)
{
    if (!c->active)
        return dw_error_set(err, DW_ERR_INTERNAL, "COPY is not active");
    if (c->st == DW_OK)
        c->st = dw_buf_putc(&c->row, '\n');
    if (c->st != DW_OK)
        return dw_error_set(err, c->st, "COPY row: %s", dw_strerror(c->st));
    c->fields = 0;
    if (c->row.len >= COPY_CHUNK) {
        c->st = copy_flush(c, err);
        return c->st;
    }
    return DW_OK;
}

/* Ends the COPY (with errmsg: aborts it) and collects every result. */
static enum dw_status copy_end(struct dw_copy *c, const char *errmsg,
                               struct dw_error *err)
{
    enum dw_status st = DW_OK;
    PGresult *res;

    if (PQputCopyEnd(c->conn, errmsg) != 1)
        st = conn_error(err, c->conn, "COPY failed");
    while ((res = PQgetResult(c->conn)) != NULL) {
        if (st == DW_OK && errmsg == NULL &&
            PQresultStatus(res) != PGRES_COMMAND_OK)
            st = result_error(err, c->conn, res, "COPY failed");
        PQclear(res);
    }
    c->active = false;
    dw_buf_release(&c->row);
    return st;
}

enum dw_status dw_copy_finish(struct dw_copy *c, struct dw_error *err)
{
    enum dw_status st = c->st;

    if (!c->active) {
        dw_buf_release(&c->row);
        return dw_error_set(err, DW_ERR_INTERNAL, "COPY is not active");
    }
    if (st == DW_OK && c->fields != 0)
        st = dw_error_set(err, DW_ERR_INTERNAL,
                          "COPY finished inside a row (missing end_row)");
    else if (st != DW_OK)
        dw_error_set(err, st, "COPY row: %s", dw_strerror(st));
    if (st == DW_OK)
        st = copy_flush(c, err);
    if (st != DW_OK) {
        copy_end(c, "aborted by the client", NULL);
        return st;
    }
    return copy_end(c, NULL, err);
}

void dw_copy_abort(struct dw_copy *c)
{
    if (c->active)
        copy_end(c, "aborted by the client", NULL);
    dw_buf_release(&c->row);
}

enum dw_status dw_copy_escape(struct dw_buf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *run = p;
    enum dw_status st = DW_OK;

    /* Copy runs of plain bytes at once; escape the rest. */
    for (; *p != '\0' && st == DW_OK; p++) {
        char esc[5];
        int n;

        if (*p >= 0x20 && *p != '\\' && *p != 0x7f)
            continue;
        st = dw_buf_append(out, run, (size_t)(p - run));
        if (st != DW_OK)
            break;
        switch (*p) {
        case '\\':
            n = snprintf(esc, sizeof(esc), "\\\\");
            break;
        case '\t':
            n = snprintf(esc, sizeof(esc), "\\t");
            break;
        case '\n':
            n = snprintf(esc, sizeof(esc), "\\n");
            break;
        case '\r':
            n = snprintf(esc, sizeof(esc), "\\r");
            break;
        default:
            n = snprintf(esc, sizeof(esc), "\\%03o", *p);
            break;
        }
        st = dw_buf_append(out, esc, (size_t)n);
        run = p + 1;
    }
    if (st == DW_OK)
        st = dw_buf_append(out, run, (size_t)(p - run));
    return st;
}

/* ---- COPY TO STDOUT reader ---- */

enum dw_status dw_copy_out(PGconn *conn, const char *copy_sql,
                           dw_copy_row_fn row_cb, void *ctx,
                           struct dw_error *err)
{
    enum dw_status st = DW_OK;
    PGresult *res;
    char *line;
    int n;

    res = PQexec(conn, copy_sql);
    if (PQresultStatus(res) != PGRES_COPY_OUT) {
        st = result_error(err, conn, res, "COPY failed");
        PQclear(res);
        while ((res = PQgetResult(conn)) != NULL)
            PQclear(res);
        return st;
    }
    PQclear(res);
    while ((n = PQgetCopyData(conn, &line, 0)) > 0) {
        size_t len = (size_t)n;

        if (st == DW_OK) {
            if (len > 0 && line[len - 1] == '\n')
                line[--len] = '\0';
            st = row_cb(ctx, line, len);
            if (st != DW_OK) {
                /* Stop the server rather than read the rest for nothing. */
                PGcancel *cancel = PQgetCancel(conn);
                char buf[256];

                if (cancel != NULL) {
                    PQcancel(cancel, buf, (int)sizeof(buf));
                    PQfreeCancel(cancel);
                }
                if (err != NULL && err->code != st)
                    dw_error_set(err, st, "COPY stopped: %s", dw_strerror(st));
            }
        }
        PQfreemem(line);
    }
    if (n == -2 && st == DW_OK)
        st = conn_error(err, conn, "COPY failed");
    while ((res = PQgetResult(conn)) != NULL) {
        if (st == DW_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
            st = result_error(err, conn, res, "COPY failed");
        PQclear(res);
    }
    return st;
}

static int octal(char c)
{
    return c >= '0' && c <= '7' ? c - '0' : -1;
}

/*
 * Unescapes one field in place, up to '\t' or NUL; returns where it ended
 * and the byte found there (before the field's own NUL may cover it).
 */
static char *unescape_field(char *p, char **field, char *term)
{
    char *w = p;

    *field = p;
    if (p[0] == '\\' && p[1] == 'N' && (p[2] == '\t' || p[2] == '\0')) {
        *field = NULL;
        *term = p[2];
        return p + 2;
    }
    while (*p != '\0' && *p != '\t') {
        if (*p != '\\' || p[1] == '\0') {
            *w++ = *p++;
            continue;
        }
        p++;
        switch (*p) {
        case 'b':
            *w++ = '\b';
            p++;
            break;
        case 'f':
            *w++ = '\f';
            p++;
            break;
        case 'n':
            *w++ = '\n';
            p++;
            break;
        case 'r':
            *w++ = '\r';
            p++;
            break;
        case 't':
            *w++ = '\t';
            p++;
            break;
        case 'v':
            *w++ = '\v';
            p++;
            break;
        case 'x':
            if (dw_hex_digit(p[1]) >= 0) {
                int v = dw_hex_digit(p[1]);

                p += 2;
                if (dw_hex_digit(*p) >= 0)
                    v = v * 16 + dw_hex_digit(*p++);
                *w++ = (char)v;
            } else {
                *w++ = *p++;
            }
            break;
        default:
            if (octal(*p) >= 0) {
                int v = 0;

                for (int i = 0; i < 3 && octal(*p) >= 0; i++)
                    v = v * 8 + octal(*p++);
                *w++ = (char)(v & 0xff);
            } else {
                *w++ = *p++;
            }
            break;
        }
    }
    *term = *p;
    *w = '\0';
    return p;
}

enum dw_status dw_copy_split(char *line, char **fields, size_t max, size_t *n)
{
    char *p = line;
    size_t count = 0;

    *n = 0;
    for (;;) {
        char *field, *end;
        char term;

        if (count == max)
            return DW_ERR_PARSE;
        end = unescape_field(p, &field, &term);
        fields[count++] = field;
        if (term == '\0')
            break;
        p = end + 1;
    }
    *n = count;
    return DW_OK;
}

int dw_copy_field_i64(const char *f, int64_t none, int64_t *out)
{
    char *end;
    long long v;

    if (f == NULL) {
        *out = none;
        return 0;
    }
    errno = 0;
    v = strtoll(f, &end, 10);
    if (errno != 0 || end == f || *end != '\0')
        return -1;
    *out = v;
    return 0;
}
