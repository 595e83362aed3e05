/* collector/sync.c — one source's crawl, committed page by page. */
#include "sync.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "dwtime.h"
#include "file_fetch.h"
#include "log.h"
#include "platform.h"
#include "store.h"

const char *dw_sync_outcome_name(enum dw_sync_outcome o)
{
    switch (o) {
    case DW_SYNC_OK:
        return "ok";
    case DW_SYNC_PARTIAL:
        return "partial";
    case DW_SYNC_SKIPPED:
        return "skipped";
    case DW_SYNC_FAILED:
        break;
    }
    return "failed";
}

/* Everything one source's run holds. */
struct run {
    const struct dw_source_config *src;
    const struct dw_sync_opts *opts;
    const struct dw_platform *platform;
    struct dw_platform_ctx ctx;
    char *endpoint;
    PGconn *conn;
    int64_t source_id;
    int64_t run_id;
    char sid[24], rid[24];
    struct dw_http *http;
    struct dw_request_list frontier;
    struct dw_sync_result *res;
    bool locked;
    bool restarted; /* a stale cursor already restarted the crawl once */
};

/* Passed to the HTTP check callback: parse inside the retry loop. */
struct check_ctx {
    struct run *run;
    const struct dw_request *req;
    struct dw_parse_out *out;
    bool restart_crawl; /* the platform said the request's cursor expired */
};

static void classify_response(void *p, long status, const char *body,
                              size_t len, struct dw_http_verdict *v)
{
    struct check_ctx *c = p;
    c->run->platform->classify(&c->run->ctx, c->req, status, body, len, v);
    c->restart_crawl = v->kind == DW_HTTP_FINAL && v->restart_crawl;
}

static enum dw_status check_body(void *p, long status, const char *body,
                                 size_t len, struct dw_error *err)
{
    struct check_ctx *c = p;
    (void)status;
    dw_parse_out_release(c->out);
    dw_parse_out_init(c->out);
    return c->run->platform->parse(&c->run->ctx, c->req, body, len, c->out,
                                   err);
}

static enum dw_status query_id(PGconn *conn, const char *sql, int n,
                               const char *const *params, int64_t *id,
                               struct dw_error *err)
{
    PGresult *res = NULL;
    enum dw_status st = dw_db_exec(conn, sql, n, params, &res, err);
    if (st == DW_OK) {
        if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0))
            st = dw_error_set(err, DW_ERR_DB, "expected one id row");
        else
            *id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    }
    PQclear(res);
    return st;
}

/* Upserts dw.vendor and dw.source from the config; sets source_id. */
static enum dw_status upsert_source(struct run *r, struct dw_error *err)
{
    const struct dw_source_config *s = r->src;
    int64_t vendor_id;
    char vid[24];
    PGresult *res = NULL;
    const char *vp[] = {s->vendor, s->vendor_country};
    enum dw_status st =
        query_id(r->conn,
                 "INSERT INTO dw.vendor AS v (name, country) VALUES ($1, $2)"
                 " ON CONFLICT (name) DO UPDATE SET"
                 "  country = COALESCE(EXCLUDED.country, v.country)"
                 " RETURNING vendor_id",
                 2, vp, &vendor_id, err);
    if (st != DW_OK)
        return st;

    /* One name, one platform: never mix two APIs' ids in one source. */
    const char *np[] = {s->name};
    st = dw_db_exec(r->conn, "SELECT platform FROM dw.source WHERE name = $1",
                    1, np, &res, err);
    if (st != DW_OK)
        return st;
    if (PQntuples(res) == 1 &&
        strcmp(PQgetvalue(res, 0, 0), s->platform) != 0) {
        st = dw_error_set(err, DW_ERR_CONFIG,
                          "source %s already holds %s data; cannot switch "
                          "it to %s",
                          s->name, PQgetvalue(res, 0, 0), s->platform);
        PQclear(res);
        return st;
    }
    PQclear(res);

    snprintf(vid, sizeof(vid), "%" PRId64, vendor_id);
    const char *sp[] = {s->name, s->platform, vid, s->default_country,
                        s->default_tz};
    st = query_id(
        r->conn,
        "INSERT INTO dw.source AS s (name, platform, vendor_id,"
        " default_country, default_tz) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (name) DO UPDATE SET vendor_id = EXCLUDED.vendor_id,"
        "  default_country = EXCLUDED.default_country,"
        "  default_tz = EXCLUDED.default_tz,"
        "  updated_at = CASE WHEN (s.vendor_id, s.default_country,"
        "   s.default_tz) IS DISTINCT FROM (EXCLUDED.vendor_id,"
        "   EXCLUDED.default_country, EXCLUDED.default_tz)"
        "   THEN now() ELSE s.updated_at END"
        " RETURNING source_id",
        5, sp, &r->source_id, err);
    snprintf(r->sid, sizeof(r->sid), "%" PRId64, r->source_id);
    return st;
}

static enum dw_status insert_run(struct run *r, const char *outcome,
                                 struct dw_error *err)
{
    const char *p[] = {r->sid, outcome};
    enum dw_status st = query_id(
        r->conn,
        "INSERT INTO dw.sync_run (source_id, outcome, finished_at)"
        " VALUES ($1, $2, CASE WHEN $2 = 'running' THEN NULL ELSE now() END)"
        " RETURNING sync_run_id",
        2, p, &r->run_id, err);
    snprintf(r->rid, sizeof(r->rid), "%" PRId64, r->run_id);
    return st;
}

/* Writes the counters (and, when final, outcome and error) of the run. */
static enum dw_status update_run(struct run *r, const char *outcome,
                                 const char *error, struct dw_error *err)
{
    const struct dw_sync_result *s = r->res;
    char v[8][24];
    long vals[8] = {
        s->pages,         s->requests,      s->retries,     s->units_seen,
        s->units_changed, s->payments_seen, s->quarantined, 0};
    for (int i = 0; i < 7; i++)
        snprintf(v[i], sizeof(v[i]), "%ld", vals[i]);
    const char *p[] = {r->rid, v[0], v[1], v[2],    v[3],
                       v[4],   v[5], v[6], outcome, error};
    return dw_db_exec(
        r->conn,
        "UPDATE dw.sync_run SET pages = $2, requests = $3, retries = $4,"
        " units_seen = $5, units_changed = $6, payments_seen = $7,"
        " quarantined = $8, outcome = COALESCE($9, outcome),"
        " error = COALESCE($10, error),"
        " finished_at = CASE WHEN $9 IS NULL THEN finished_at ELSE now() END"
        " WHERE sync_run_id = $1",
        10, p, NULL, err);
}

/* True when an earlier run of this source completed its crawl. */
static enum dw_status crawled_before(struct run *r, bool *yes,
                                     struct dw_error *err)
{
    const char *p[] = {r->sid};
    PGresult *res = NULL;
    enum dw_status st = dw_db_exec(r->conn,
                                   "SELECT EXISTS (SELECT 1 FROM dw.sync_run"
                                   " WHERE source_id = $1 AND outcome = 'ok')",
                                   1, p, &res, err);
    if (st == DW_OK)
        *yes = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);
    return st;
}

static enum dw_status save_frontier(struct run *r, struct dw_error *err)
{
    if (r->frontier.n == 0) {
        const char *p[] = {r->sid, DW_FRONTIER_STREAM};
        return dw_db_exec(r->conn,
                          "DELETE FROM dw.sync_state"
                          " WHERE source_id = $1 AND stream = $2",
                          2, p, NULL, err);
    }
    char *json = NULL;
    enum dw_status st =
        dw_frontier_to_json(&r->frontier, r->ctx.since, &json, err);
    if (st != DW_OK)
        return st;
    const char *p[] = {r->sid, DW_FRONTIER_STREAM, json};
    st = dw_db_exec(r->conn,
                    "INSERT INTO dw.sync_state (source_id, stream, cursor)"
                    " VALUES ($1, $2, $3) ON CONFLICT (source_id, stream)"
                    " DO UPDATE SET cursor = EXCLUDED.cursor,"
                    "  updated_at = now()",
                    3, p, NULL, err);
    free(json);
    return st;
}

/* Resumes the saved crawl, or starts a new one over the window. */
static enum dw_status load_frontier(struct run *r, int64_t window_since,
                                    struct dw_error *err)
{
    r->ctx.since = window_since;
    if (r->conn && !r->opts->full_refresh) {
        const char *p[] = {r->sid, DW_FRONTIER_STREAM};
        PGresult *res = NULL;
        enum dw_status st = dw_db_exec(r->conn,
                                       "SELECT cursor FROM dw.sync_state"
                                       " WHERE source_id = $1 AND stream = $2",
                                       2, p, &res, err);
        if (st != DW_OK)
            return st;
        if (PQntuples(res) == 1) {
            struct dw_error ferr = {0};
            int64_t since;
            st = dw_frontier_from_json(PQgetvalue(res, 0, 0), &r->frontier,
                                       &since, &ferr);
            if (st == DW_OK && r->frontier.n > 0) {
                PQclear(res);
                r->ctx.since = since; /* the crawl keeps its window */
                dw_log(DW_LOG_INFO, "collect", "source=%s resume=%zu",
                       r->src->name, r->frontier.n);
                return DW_OK;
            }
            dw_log(DW_LOG_WARN, "collect",
                   "source=%s frontier=unreadable action=restart",
                   r->src->name);
        }
        PQclear(res);
    }
    return r->platform->start(&r->ctx, &r->frontier, err);
}

/* Adds parse results to the frontier: follow-ups are popped first. */
static enum dw_status extend_frontier(struct run *r, struct dw_parse_out *o,
                                      struct dw_error *err)
{
    enum dw_status st = DW_OK;
    if (o->has_next)
        st =
            dw_request_list_push_body(&r->frontier, o->next.kind, o->next.root,
                                      o->next.url, o->next.scope, o->next.body);
    for (size_t i = o->follow.n; st == DW_OK && i > 0; i--) {
        const struct dw_request *q = &o->follow.items[i - 1];
        st = dw_request_list_push_body(&r->frontier, q->kind, q->root, q->url,
                                       q->scope, q->body);
    }
    if (st != DW_OK)
        dw_error_set(err, st, "out of memory");
    return st;
}

/* Commits one page: raw body, rows, counters and frontier together. */
static enum dw_status commit_page(struct run *r, const struct dw_http_req *h,
                                  long status, struct dw_parse_out *o,
                                  struct dw_error *err)
{
    struct dw_store_counts c;
    struct dw_sync_result before = *r->res;
    enum dw_status st = dw_db_begin(r->conn, err);
    if (st == DW_OK && o->landed)
        st = dw_store_raw_page(r->conn, r->source_id, r->run_id, h->log_name,
                               status, o->landed, err);
    if (st == DW_OK)
        st = dw_store_page(r->conn, r->source_id, r->run_id, r->platform->name,
                           &o->rows, &c, err);
    if (st == DW_OK) {
        r->res->units_seen += c.units_seen;
        r->res->units_changed += c.units_changed;
        r->res->payments_seen += c.payments_seen;
        r->res->segments_seen += c.segments_seen;
        r->res->quarantined += c.quarantined;
        r->res->pages++;
        st = save_frontier(r, err);
    }
    if (st == DW_OK)
        st = update_run(r, NULL, NULL, err);
    if (st == DW_OK)
        st = dw_db_commit(r->conn, err);
    if (st != DW_OK) {
        dw_db_rollback(r->conn);
        *r->res = before; /* the counters described a rolled-back page */
    }
    return st;
}

/* Drops a vanished follow-up (404) from the saved frontier. */
static enum dw_status commit_skip(struct run *r, struct dw_error *err)
{
    if (!r->conn)
        return DW_OK;
    enum dw_status st = dw_db_begin(r->conn, err);
    if (st == DW_OK)
        st = save_frontier(r, err);
    if (st == DW_OK)
        st = dw_db_commit(r->conn, err);
    if (st != DW_OK)
        dw_db_rollback(r->conn);
    return st;
}

static enum dw_status crawl(struct run *r, struct dw_error *err)
{
    struct dw_request req = {0};
    struct dw_parse_out out;
    struct dw_buf body;
    enum dw_status st = DW_OK;

    dw_parse_out_init(&out);
    dw_buf_init(&body, 0);
    while (dw_request_list_pop(&r->frontier, &req)) {
        struct dw_http_req h;
        struct check_ctx cc = {r, &req, &out, false};
        struct dw_http_hooks hooks = {
            check_body, r->platform->classify ? classify_response : NULL, &cc};
        long status = 0;

        dw_http_req_init(&h);
        st = dw_http_req_set_url(&h, req.url);
        if (st == DW_OK)
            st = r->platform->prepare(&r->ctx, &req, &h, err);
        if (st == DW_OK && dw_file_url(req.url)) /* the file source */
            st = dw_file_get(req.url, DW_HTTP_DEFAULT_MAX_BODY, check_body, &cc,
                             &status, &body, err);
        else if (st == DW_OK)
            st = dw_http_send(r->http, &h, &hooks, &status, &body, err);
        if (st != DW_OK && cc.restart_crawl && !r->restarted) {
            /* A stale page token: everything is upserted, so a fresh
             * crawl over the same window loses and doubles nothing. */
            char q[DW_ERROR_MSG_MAX + 64];
            dw_log(DW_LOG_WARN, "collect",
                   "source=%s cursor=expired action=restart reason=%s",
                   r->src->name,
                   dw_log_quote(err ? err->msg : "", q, sizeof(q)));
            r->restarted = true;
            dw_request_list_release(&r->frontier);
            dw_request_list_init(&r->frontier);
            if (err)
                memset(err, 0, sizeof(*err));
            st = r->platform->start(&r->ctx, &r->frontier, err);
            if (st == DW_OK)
                st = commit_skip(r, err);
        } else if (st == DW_ERR_NOT_FOUND && !req.root) {
            char q[256];
            dw_log(DW_LOG_WARN, "collect", "source=%s gone=%s action=skip",
                   r->src->name, dw_log_quote(h.log_name, q, sizeof(q)));
            st = commit_skip(r, err);
        } else if (st == DW_OK) {
            st = extend_frontier(r, &out, err);
            if (st == DW_OK && r->conn) {
                st = commit_page(r, &h, status, &out, err);
            } else if (st == DW_OK) {
                r->res->pages++;
                r->res->units_seen += (long)out.rows.n_units;
                r->res->payments_seen += (long)out.rows.n_payments;
                r->res->segments_seen += (long)out.rows.n_segments;
                r->res->quarantined += (long)out.rows.n_quarantine;
            }
            r->res->skipped += out.skipped;
            dw_log(DW_LOG_DEBUG, "page", "source=%s units=%zu pending=%zu",
                   r->src->name, out.rows.n_units, r->frontier.n);
        }
        if (st != DW_OK && err && err->msg[0] == '\0')
            dw_error_set(err, st, "%s", dw_strerror(st));
        dw_http_req_release(&h);
        dw_request_release(&req);
        dw_parse_out_release(&out);
        dw_parse_out_init(&out);
        if (st != DW_OK)
            break;
    }
    if (st == DW_OK)
        r->res->crawl_complete = true;
    dw_parse_out_release(&out);
    dw_buf_release(&body);
    return st;
}

static void log_summary(const struct run *r, const struct dw_error *err)
{
    const struct dw_sync_result *s = r->res;
    char q[DW_ERROR_MSG_MAX + 64];
    bool bad = s->outcome == DW_SYNC_FAILED || s->outcome == DW_SYNC_PARTIAL;
    dw_log(bad ? DW_LOG_WARN : DW_LOG_INFO, "collect",
           "source=%s outcome=%s pages=%ld units=%ld changed=%ld "
           "payments=%ld segments=%ld quarantined=%ld retries=%ld "
           "requests=%ld%s%s%s",
           r->src->name, dw_sync_outcome_name(s->outcome), s->pages,
           s->units_seen, s->units_changed, s->payments_seen, s->segments_seen,
           s->quarantined, s->retries, s->requests,
           r->opts->dry_run ? " dry_run=true" : "", bad && err ? " error=" : "",
           bad && err ? dw_log_quote(err->msg, q, sizeof(q)) : "");
}

static char *trimmed_endpoint(const char *e)
{
    size_t n = strlen(e);
    while (n > 0 && e[n - 1] == '/')
        n--;
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, e, n);
        s[n] = '\0';
    }
    return s;
}

enum dw_status dw_sync_source(const struct dw_source_config *src,
                              const struct dw_sync_opts *opts,
                              struct dw_sync_result *res, struct dw_error *err)
{
    struct run r;
    struct dw_http_opts hopts;
    enum dw_status st = DW_OK;
    char lock_key[256];

    memset(&r, 0, sizeof(r));
    memset(res, 0, sizeof(*res));
    r.src = src;
    r.opts = opts;
    r.res = res;
    res->outcome = DW_SYNC_FAILED;
    dw_request_list_init(&r.frontier);

    r.platform = dw_platform_find(src->platform);
    if (!r.platform) {
        st = dw_error_set(err, DW_ERR_CONFIG,
                          "source %s: platform %s is not supported by this "
                          "build",
                          src->name, src->platform ? src->platform : "(none)");
        goto out;
    }
    r.endpoint = trimmed_endpoint(src->endpoint ? src->endpoint
                                                : r.platform->default_endpoint);
    if (!r.endpoint) {
        st = dw_error_set(err, DW_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* "" = the platform has no API endpoint (the file source's path). */
    if (*r.endpoint && !dw_http_url_allowed(r.endpoint)) {
        st = dw_error_set(err, DW_ERR_CONFIG,
                          "source %s: endpoint must be https (plain http "
                          "only to loopback)",
                          src->name);
        goto out;
    }
    r.ctx.source = src;
    r.ctx.endpoint = r.endpoint;
    r.ctx.credential = opts->credential;
    r.ctx.pseudonym_key = opts->pseudonym_key;
    r.ctx.now = dw_time_now();
    int64_t since = opts->since;
    if (since == DW_TIME_NONE && !opts->full_refresh) {
        long days = src->lookback_days > 0 ? src->lookback_days
                                           : DW_DEFAULT_LOOKBACK_DAYS;
        since = r.ctx.now - (int64_t)days * 86400 * DW_USEC;
    }

    if (opts->http)
        hopts = *opts->http;
    else
        dw_http_opts_default(&hopts);
    if (src->timeout_s > 0)
        hopts.timeout_s = src->timeout_s;
    if (hopts.low_speed_time_s > hopts.timeout_s)
        hopts.low_speed_time_s = hopts.timeout_s;
    if (src->max_retries > 0)
        hopts.retry.max_attempts = (int)src->max_retries;
    r.http = dw_http_new(&hopts, err);
    if (!r.http) {
        st = DW_ERR_NOMEM;
        goto out;
    }

    if (!opts->dry_run) {
        if (!opts->database_url) {
            st = dw_error_set(err, DW_ERR_CONFIG, "no database URL");
            goto out;
        }
        st = dw_db_connect(opts->database_url, "dw-collect", &r.conn, err);
        if (st == DW_OK)
            st = dw_store_prepare(r.conn, err);
        if (st == DW_OK)
            st = upsert_source(&r, err);
        if (st != DW_OK)
            goto out;
        snprintf(lock_key, sizeof(lock_key), "dw-collect:%s", src->name);
        st = dw_db_try_lock(r.conn, lock_key, &r.locked, err);
        if (st != DW_OK)
            goto out;
        if (!r.locked) {
            res->outcome = DW_SYNC_SKIPPED;
            st = insert_run(&r, "skipped", err);
            if (st == DW_OK)
                dw_log(DW_LOG_INFO, "collect",
                       "source=%s outcome=skipped reason=locked", src->name);
            goto out;
        }
        st = insert_run(&r, "running", err);
        if (st != DW_OK)
            goto out;
        /* Until one crawl has completed, back-fill the whole history. */
        if (opts->since == DW_TIME_NONE && !opts->full_refresh) {
            bool done_before = false;
            st = crawled_before(&r, &done_before, err);
            if (st != DW_OK)
                goto out;
            if (!done_before)
                since = DW_TIME_NONE;
        }
        if (opts->full_refresh) {
            const char *p[] = {r.sid, DW_FRONTIER_STREAM};
            st = dw_db_exec(r.conn,
                            "DELETE FROM dw.sync_state"
                            " WHERE source_id = $1 AND stream = $2",
                            2, p, NULL, err);
            if (st != DW_OK)
                goto out;
        }
    }
    st = load_frontier(&r, since, err);
    if (st == DW_OK)
        st = crawl(&r, err);

    res->outcome = st == DW_OK              ? DW_SYNC_OK
                   : st == DW_ERR_THROTTLED ? DW_SYNC_PARTIAL
                                            : DW_SYNC_FAILED;
    res->requests = dw_http_stats(r.http)->requests;
    res->retries = dw_http_stats(r.http)->retries;
    if (r.conn && r.run_id) {
        struct dw_error uerr = {0};
        dw_db_rollback(r.conn);
        if (update_run(&r, dw_sync_outcome_name(res->outcome),
                       st == DW_OK ? NULL : (err ? err->msg : dw_strerror(st)),
                       &uerr) != DW_OK)
            dw_log_error("collect", &uerr);
    }
out:
    if (res->outcome != DW_SYNC_SKIPPED)
        log_summary(&r, err);
    if (st != DW_OK && err)
        dw_error_prefix(err, "source %s: ", src->name);
    if (r.conn && r.locked) {
        struct dw_error uerr = {0};
        dw_db_unlock(r.conn, lock_key, &uerr);
    }
    if (r.conn)
        dw_db_close(r.conn);
    dw_http_free(r.http);
    dw_request_list_release(&r.frontier);
    free(r.endpoint);
    return st;
}
