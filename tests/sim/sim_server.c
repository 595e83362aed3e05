/* tests/sim/sim_server.c — HTTP: routing, /__sim/ control, log, faults. */
#include "sim_server.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BODY_MAX 8192 /* request bodies: fault specs are short */
#define LOG_RING 512  /* requests kept for GET /__sim/requests */
#define TARGET_MAX 320

struct log_entry {
    uint64_t n; /* 1-based, all requests */
    char method[8];
    char target[TARGET_MAX]; /* path and query */
    int status;
    enum sim_fault_kind fault;
};

struct sim_server {
    struct MHD_Daemon *daemon;
    pthread_mutex_t mu; /* guards everything below and the worlds */
    struct sim_server_config cfg;
    uint16_t port;
    atomic_int stopping;
    struct sim_faults faults;
    uint64_t api_requests, sim_requests, all_requests;
    uint64_t by_status[6]; /* 1xx..5xx, index status / 100 */
    struct log_entry ring[LOG_RING];
};

/* Per connection-request state, kept in MHD's con_cls. */
struct conn_ctx {
    char *body;
    size_t len, cap;
    bool too_large;
};

/* ---- request helpers ---- */

const char *sim_request_query(const struct sim_request *req, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)req->conn,
                                       MHD_GET_ARGUMENT_KIND, name);
}

const char *sim_request_header(const struct sim_request *req, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)req->conn,
                                       MHD_HEADER_KIND, name);
}

void sim_respond_json(struct sim_response *resp, int status, char *body)
{
    free(resp->body);
    resp->status = body ? status : 500;
    resp->body = body;
    resp->content_type = "application/json";
}

void sim_respond_error(const struct sim_request *req, struct sim_response *resp,
                       int status, const char *title, const char *detail)
{
    sim_respond_json(resp, status,
                     req->platform->error_body(status, title, detail));
}

/* {"error": msg} for the simulator's own routes. */
static void sim_error(struct sim_response *resp, int status, const char *msg)
{
    json_t *o = json_pack("{s:s}", "error", msg);
    sim_respond_json(resp, status, o ? json_dumps(o, JSON_COMPACT) : NULL);
    json_decref(o);
}

static void respond_json_take(struct sim_response *resp, int status, json_t *o)
{
    sim_respond_json(resp, status, o ? json_dumps(o, JSON_COMPACT) : NULL);
    json_decref(o);
}

/* ---- routing ---- */

/* Length of path without one trailing slash (but "/" stays "/"). */
static size_t trimmed_len(const char *s)
{
    size_t n = strlen(s);
    return n > 1 && s[n - 1] == '/' ? n - 1 : n;
}

/*
 * Matches path against pattern; captured segments are copied into
 * scratch (NUL-separated) and pointed to by params.
 */
static bool route_match(const char *pattern, const char *path,
                        const char **params, size_t *n_params, char *scratch,
                        size_t scratch_len)
{
    size_t pl = trimmed_len(pattern), ul = trimmed_len(path);
    size_t pi = 0, ui = 0, used = 0;
    *n_params = 0;
    while (pi < pl && ui < ul) {
        if (pattern[pi] == '{' && pi + 1 < pl && pattern[pi + 1] == '}') {
            size_t start = ui;
            while (ui < ul && path[ui] != '/')
                ui++;
            size_t seg = ui - start;
            if (seg == 0 || *n_params == SIM_MAX_PARAMS ||
                used + seg + 1 > scratch_len)
                return false;
            memcpy(scratch + used, path + start, seg);
            scratch[used + seg] = '\0';
            params[(*n_params)++] = scratch + used;
            used += seg + 1;
            pi += 2;
            continue;
        }
        if (pattern[pi] != path[ui])
            return false;
        pi++;
        ui++;
    }
    return pi == pl && ui == ul;
}

/* ---- the /__sim/ control routes ---- */

static const char *const norm_status[SIM_ST_COUNT] = {
    "in_progress", "submitted", "approved",     "rejected",
    "returned",    "expired",   "screened_out",
};

static json_t *money_by_currency(const struct sim_world *w, bool bonuses)
{
    long long gbp = 0, usd = 0;
    for (size_t i = 0; i < w->n_units; i++) {
        const struct sim_unit *u = &w->units[i];
        const struct sim_task *t = &w->tasks[u->task];
        long long v = 0;
        if (bonuses) {
            for (int b = 0; b < u->n_bonus; b++)
                v += u->bonus[b];
        } else if (u->status == SIM_ST_APPROVED) {
            v = t->reward_minor;
        }
        if (strcmp(t->currency, "USD") == 0)
            usd += v;
        else
            gbp += v;
    }
    return json_pack("{s:I,s:I}", "GBP", (json_int_t)gbp, "USD",
                     (json_int_t)usd);
}

/*
 * The served platform named by ?platform= (default: prolific when served,
 * else the first); NULL after answering 400.
 */
static const struct sim_platform *query_platform(struct sim_server *s,
                                                 const struct sim_request *req,
                                                 struct sim_response *resp)
{
    const char *name = sim_request_query(req, "platform");
    for (size_t i = 0; i < s->cfg.n_platforms; i++)
        if (strcmp(s->cfg.platforms[i]->name, name ? name : "prolific") == 0)
            return s->cfg.platforms[i];
    if (!name)
        return s->cfg.platforms[0];
    sim_error(resp, 400, "platform=NAME names no platform this dw-sim serves");
    return NULL;
}

static json_t *generic_truth(const struct sim_platform *pf,
                             const struct sim_world *w)
{
    json_t *workers = json_array();
    for (size_t i = 0; i < w->n_workers; i++) {
        char id[64];
        pf->worker_id(&w->workers[i], id, sizeof id);
        json_array_append_new(
            workers,
            json_pack("{s:s,s:s,s:I}", "participant_id", id, "story",
                      sim_story_name(w->workers[i].story), "submissions",
                      (json_int_t)w->workers[i].n_units));
    }
    size_t st[SIM_ST_COUNT];
    sim_world_count_status(w, st);
    json_t *by_status = json_object();
    for (int k = 0; k < SIM_ST_COUNT; k++)
        json_object_set_new(by_status, norm_status[k],
                            json_integer((json_int_t)st[k]));
    char from[16], to[16];
    sim_date_format(w->anchor_day, from, sizeof from);
    sim_date_format(w->anchor_day + SIM_WINDOW_DAYS, to, sizeof to);
    return json_pack(
        "{s:s,s:i,s:s,s:s,s:o,s:{s:I,s:I,s:I,s:I,s:o},s:o,s:o}", "platform",
        pf->name, "step", w->step, "window_start", from, "window_end", to,
        "workers", workers, "counts", "workers", (json_int_t)w->n_workers,
        "studies", (json_int_t)w->n_tasks, "submissions",
        (json_int_t)w->n_units, "bonuses",
        (json_int_t)sim_world_count_bonuses(w), "by_status", by_status,
        "approved_reward_minor", money_by_currency(w, false), "bonus_minor",
        money_by_currency(w, true));
}

static void sim_truth(struct sim_server *s, const struct sim_request *req,
                      struct sim_response *resp)
{
    const struct sim_platform *pf = query_platform(s, req, resp);
    if (!pf)
        return;
    const char *token = sim_request_query(req, "token");
    if (!token || !sim_token_valid(token)) {
        sim_error(resp, 400, "token=T is required and must be a valid token");
        return;
    }
    struct sim_world *w = sim_workspaces_get(s->cfg.worlds, token);
    if (!w) {
        sim_error(resp, 503, "cannot create the workspace");
        return;
    }
    respond_json_take(resp, 200,
                      pf->truth ? pf->truth(w) : generic_truth(pf, w));
}

static void unit_id(const struct sim_platform *pf, const struct sim_unit *u,
                    char *out, size_t n)
{
    char hex[25];
    if (pf->unit_id) {
        pf->unit_id(u, out, n);
        return;
    }
    sim_id_hex(u->id, hex);
    snprintf(out, n, "%s", hex);
}

static json_t *advance_one(const struct sim_platform *pf, struct sim_world *w,
                           const char *token)
{
    struct sim_advance_result r;
    char id[64];
    sim_world_advance(w, &r);
    json_t *o = json_pack("{s:s,s:i,s:I}", "token", token, "step", r.step,
                          "approved", (json_int_t)r.approved);
    if (r.reversed >= 0) {
        unit_id(pf, &w->units[r.reversed], id, sizeof id);
        json_object_set_new(o, "reversed", json_string(id));
    } else {
        json_object_set_new(o, "reversed", json_null());
    }
    if (r.bonused >= 0) {
        unit_id(pf, &w->units[r.bonused], id, sizeof id);
        json_object_set_new(o, "bonus",
                            json_pack("{s:s,s:i}", "submission", id, "amount",
                                      (int)r.bonus_minor));
    } else {
        json_object_set_new(o, "bonus", json_null());
    }
    return o;
}

static void sim_advance(struct sim_server *s, const struct sim_request *req,
                        struct sim_response *resp)
{
    const struct sim_platform *pf = query_platform(s, req, resp);
    if (!pf)
        return;
    const char *token = sim_request_query(req, "token");
    json_t *list = json_array();
    if (token) {
        struct sim_world *w = sim_token_valid(token)
                                  ? sim_workspaces_get(s->cfg.worlds, token)
                                  : NULL;
        if (!w) {
            json_decref(list);
            sim_error(resp, 400, "invalid token");
            return;
        }
        json_array_append_new(list, advance_one(pf, w, token));
    } else {
        const char *t;
        for (size_t i = 0; i < sim_workspaces_count(s->cfg.worlds); i++) {
            struct sim_world *w = sim_workspaces_at(s->cfg.worlds, i, &t);
            json_array_append_new(list, advance_one(pf, w, t));
        }
    }
    respond_json_take(resp, 200, json_pack("{s:o}", "advanced", list));
}

static void sim_faults_route(struct sim_server *s,
                             const struct sim_request *req,
                             struct sim_response *resp)
{
    if (strcmp(req->method, "POST") == 0) {
        char spec[SIM_FAULT_SPEC_MAX], err[256];
        if (req->body_len >= sizeof spec) {
            sim_error(resp, 400, "fault spec too long");
            return;
        }
        memcpy(spec, req->body ? req->body : "", req->body_len);
        spec[req->body_len] = '\0';
        if (!sim_faults_set(&s->faults, spec, err, sizeof err)) {
            sim_error(resp, 400, err);
            return;
        }
    }
    respond_json_take(resp, 200, json_pack("{s:s}", "faults", s->faults.spec));
}

static void sim_stats(struct sim_server *s, struct sim_response *resp)
{
    json_t *faults = json_object();
    json_int_t total = 0;
    for (int k = 1; k < SIM_FAULT_COUNT; k++) {
        json_object_set_new(faults, sim_fault_name((enum sim_fault_kind)k),
                            json_integer((json_int_t)s->faults.injected[k]));
        total += (json_int_t)s->faults.injected[k];
    }
    json_t *status = json_object();
    for (int k = 1; k < 6; k++) {
        char key[4] = {(char)('0' + k), 'x', 'x', '\0'};
        json_object_set_new(status, key,
                            json_integer((json_int_t)s->by_status[k]));
    }
    respond_json_take(resp, 200,
                      json_pack("{s:I,s:I,s:I,s:o,s:o,s:s,s:I,s:i}", "requests",
                                (json_int_t)s->api_requests, "sim_requests",
                                (json_int_t)s->sim_requests, "faults_injected",
                                total, "faults", faults, "responses", status,
                                "fault_spec", s->faults.spec, "fault_seq",
                                (json_int_t)s->faults.seq, "workspaces",
                                (int)sim_workspaces_count(s->cfg.worlds)));
}

static void sim_requests(struct sim_server *s, struct sim_response *resp)
{
    json_t *list = json_array();
    uint64_t first =
        s->all_requests > LOG_RING ? s->all_requests - LOG_RING : 0;
    for (uint64_t n = first + 1; n <= s->all_requests; n++) {
        const struct log_entry *e = &s->ring[(n - 1) % LOG_RING];
        json_array_append_new(
            list, json_pack("{s:I,s:s,s:s,s:i,s:s}", "n", (json_int_t)e->n,
                            "method", e->method, "target", e->target, "status",
                            e->status, "fault", sim_fault_name(e->fault)));
    }
    respond_json_take(resp, 200, json_pack("{s:o}", "requests", list));
}

/* Handles /__sim/ routes; caller holds the mutex. */
static void sim_control(struct sim_server *s, const struct sim_request *req,
                        struct sim_response *resp)
{
    const char *p[SIM_MAX_PARAMS];
    size_t np;
    char scratch[8];
    bool get = strcmp(req->method, "GET") == 0;
    bool post = strcmp(req->method, "POST") == 0;
#define IS(pat) route_match(pat, req->path, p, &np, scratch, sizeof scratch)
    if (IS("/__sim/truth") && get)
        sim_truth(s, req, resp);
    else if (IS("/__sim/advance") && post)
        sim_advance(s, req, resp);
    else if (IS("/__sim/faults") && (get || post))
        sim_faults_route(s, req, resp);
    else if (IS("/__sim/stats") && get)
        sim_stats(s, resp);
    else if (IS("/__sim/requests") && get)
        sim_requests(s, resp);
    else if (IS("/__sim/health") && get) {
        json_t *names = json_array();
        for (size_t i = 0; i < s->cfg.n_platforms; i++)
            json_array_append_new(names,
                                  json_string(s->cfg.platforms[i]->name));
        respond_json_take(resp, 200,
                          json_pack("{s:b,s:s,s:o}", "ok", 1, "platform",
                                    s->cfg.platforms[0]->name, "platforms",
                                    names));
    } else
        sim_error(resp, 404, "no such simulator route");
#undef IS
}

/* ---- platform routes ---- */

/* The platform a request is for (see struct sim_platform). */
static const struct sim_platform *pick_platform(struct sim_server *s,
                                                const struct sim_request *req)
{
    const char *p[SIM_MAX_PARAMS];
    size_t np;
    char scratch[512];
    for (size_t i = 0; i < s->cfg.n_platforms; i++)
        if (s->cfg.platforms[i]->match && s->cfg.platforms[i]->match(req))
            return s->cfg.platforms[i];
    for (size_t i = 0; i < s->cfg.n_platforms; i++) {
        const struct sim_platform *pf = s->cfg.platforms[i];
        for (size_t r = 0; r < pf->n_routes; r++)
            if (route_match(pf->routes[r].pattern, req->path, p, &np, scratch,
                            sizeof scratch))
                return pf;
    }
    return s->cfg.platforms[0];
}

static void dispatch(struct sim_request *req, struct sim_response *resp,
                     char *scratch, size_t scratch_len)
{
    const struct sim_platform *pf = req->platform;
    bool path_known = false;
    for (size_t i = 0; i < pf->n_routes; i++) {
        const struct sim_route *r = &pf->routes[i];
        if (!route_match(r->pattern, req->path, req->params, &req->n_params,
                         scratch, scratch_len))
            continue;
        path_known = true;
        if (strcmp(r->method, req->method) == 0) {
            r->fn(req, resp);
            return;
        }
    }
    if (path_known)
        sim_respond_error(req, resp, 405, "Method not allowed",
                          "Method not allowed.");
    else
        sim_respond_error(req, resp, 404, "Not found", "Not found.");
}

/* ---- faults that replace the answer ---- */

static const char *reason(int status)
{
    switch (status) {
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Error";
    }
}

static void fault_response(struct sim_server *s, const struct sim_request *req,
                           const struct sim_fault_decision *d,
                           struct sim_response *resp)
{
    int status = 429;
    if (d->kind == SIM_FAULT_THROTTLE) {
        if (req->platform->throttle)
            req->platform->throttle(req, resp);
        else
            sim_respond_error(req, resp, 429, "Too Many Requests",
                              "Request was throttled.");
        return;
    }
    switch (d->kind) {
    case SIM_FAULT_500:
        status = 500;
        break;
    case SIM_FAULT_502:
        status = 502;
        break;
    case SIM_FAULT_503:
        status = 503;
        break;
    case SIM_FAULT_504:
        status = 504;
        break;
    default:
        break;
    }
    if (status == 429) {
        sim_respond_error(req, resp, 429, "Too Many Requests",
                          "Request was throttled.");
        if (d->kind == SIM_FAULT_429) {
            snprintf(resp->retry_after, sizeof resp->retry_after, "1");
        } else if (d->kind == SIM_FAULT_429_DATE) {
            /* Whole seconds: now+2 is 1-2 s ahead of the precise now. */
            time_t t = time(NULL) + 2;
            struct tm tm;
            gmtime_r(&t, &tm);
            strftime(resp->retry_after, sizeof resp->retry_after,
                     "%a, %d %b %Y %H:%M:%S GMT", &tm);
        }
        return;
    }
    (void)s;
    switch (d->rotation) {
    case 0:
        sim_respond_error(req, resp, status, reason(status),
                          "The service is temporarily unavailable.");
        break;
    case 1: {
        char html[512];
        int n = snprintf(html, sizeof html,
                         "<html>\r\n<head><title>%d %s</title></head>\r\n"
                         "<body>\r\n<center><h1>%d %s</h1></center>\r\n"
                         "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
                         status, reason(status), status, reason(status));
        resp->status = status;
        resp->body = malloc((size_t)n + 1);
        if (resp->body)
            memcpy(resp->body, html, (size_t)n + 1);
        resp->content_type = "text/html";
        break;
    }
    default:
        resp->status = status;
        resp->body = NULL;
        resp->content_type = "text/plain";
        break;
    }
}

/* Sleeps secs, waking early when the server stops. */
static void stall(struct sim_server *s, int secs)
{
    struct timespec step = {0, 50 * 1000 * 1000};
    for (long i = 0; i < (long)secs * 20 && !atomic_load(&s->stopping); i++)
        nanosleep(&step, NULL);
}

/* ---- MHD plumbing ---- */

struct reset_body {
    char *data;
    size_t cut;
};

static ssize_t reset_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct reset_body *rb = cls;
    if (pos >= rb->cut)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = rb->cut - (size_t)pos;
    if (n > max)
        n = max;
    memcpy(buf, rb->data + pos, n);
    return (ssize_t)n;
}

static void reset_free(void *cls)
{
    struct reset_body *rb = cls;
    free(rb->data);
    free(rb);
}

struct query_acc {
    char *buf;
    size_t len, cap;
};

static enum MHD_Result add_query(void *cls, enum MHD_ValueKind kind,
                                 const char *key, const char *value)
{
    struct query_acc *q = cls;
    (void)kind;
    int n = snprintf(q->buf + q->len, q->cap - q->len, "%c%s%s%s",
                     q->len == 0 ? '?' : '&', key, value ? "=" : "",
                     value ? value : "");
    if (n < 0 || (size_t)n >= q->cap - q->len)
        return MHD_NO;
    q->len += (size_t)n;
    return MHD_YES;
}

static void log_request(struct sim_server *s, struct MHD_Connection *conn,
                        const char *method, const char *path, int status,
                        enum sim_fault_kind fault)
{
    char query[TARGET_MAX] = "";
    struct query_acc q = {query, 0, sizeof query};
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_query, &q);

    pthread_mutex_lock(&s->mu);
    uint64_t n = ++s->all_requests;
    struct log_entry *e = &s->ring[(n - 1) % LOG_RING];
    e->n = n;
    snprintf(e->method, sizeof e->method, "%s", method);
    snprintf(e->target, sizeof e->target, "%s%s", path, query);
    e->status = status;
    e->fault = fault;
    if (status >= 100 && status < 600)
        s->by_status[status / 100]++;
    pthread_mutex_unlock(&s->mu);

    if (!s->cfg.quiet)
        fprintf(stderr, "dw-sim: %llu %s %s%s -> %d%s%s\n",
                (unsigned long long)n, method, path, query, status,
                fault != SIM_FAULT_NONE ? " fault=" : "",
                fault != SIM_FAULT_NONE ? sim_fault_name(fault) : "");
}

/* Builds the absolute base URL from Host, falling back to 127.0.0.1. */
static void base_url(struct sim_server *s, struct MHD_Connection *conn,
                     char *out, size_t n)
{
    const char *host =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
    bool ok = host && *host && strlen(host) < 200;
    for (const char *p = host; ok && *p; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
             (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == ':' ||
             *p == '[' || *p == ']';
    if (ok)
        snprintf(out, n, "http://%s", host);
    else
        snprintf(out, n, "http://127.0.0.1:%u", (unsigned)s->port);
}

static enum MHD_Result send_response(struct MHD_Connection *conn,
                                     struct sim_response *resp, bool reset)
{
    struct MHD_Response *r;
    size_t len = resp->body ? strlen(resp->body) : 0;
    if (reset) {
        struct reset_body *rb = malloc(sizeof *rb);
        if (!rb)
            return MHD_NO;
        rb->data = resp->body;
        rb->cut = len / 2;
        resp->body = NULL;
        r = MHD_create_response_from_callback(len, 1024, reset_reader, rb,
                                              reset_free);
        if (!r) {
            reset_free(rb);
            return MHD_NO;
        }
    } else {
        r = MHD_create_response_from_buffer(
            len, resp->body ? resp->body : "",
            resp->body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
        if (!r)
            return MHD_NO;
        resp->body = NULL; /* MHD owns it now */
    }
    if (resp->content_type)
        MHD_add_response_header(r, "Content-Type", resp->content_type);
    if (resp->retry_after[0])
        MHD_add_response_header(r, "Retry-After", resp->retry_after);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct sim_server *s = cls;
    (void)version;
    struct conn_ctx *ctx = *con_cls;
    if (!ctx) {
        ctx = calloc(1, sizeof *ctx);
        if (!ctx)
            return MHD_NO;
        *con_cls = ctx;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        if (ctx->len + n > BODY_MAX) {
            ctx->too_large = true;
        } else {
            if (ctx->len + n + 1 > ctx->cap) {
                char *b = realloc(ctx->body, ctx->len + n + 1);
                if (!b)
                    return MHD_NO;
                ctx->body = b;
                ctx->cap = ctx->len + n + 1;
            }
            memcpy(ctx->body + ctx->len, upload_data, n);
            ctx->len += n;
            ctx->body[ctx->len] = '\0';
        }
        *upload_data_size = 0;
        return MHD_YES;
    }

    char base[256], scratch[512];
    base_url(s, conn, base, sizeof base);
    struct sim_request req = {
        .method = method,
        .path = url,
        .body = ctx->body,
        .body_len = ctx->len,
        .base_url = base,
        .page_size = s->cfg.page_size,
        .worlds = s->cfg.worlds,
        .platform = s->cfg.platforms[0],
        .conn = conn,
    };
    struct sim_response resp = {.status = 500};
    struct sim_fault_decision d = {.kind = SIM_FAULT_NONE};
    enum sim_fault_kind applied = SIM_FAULT_NONE;

    if (ctx->too_large) {
        sim_error(&resp, 413, "request body too large");
    } else if (strncmp(url, "/__sim/", 7) == 0 || strcmp(url, "/__sim") == 0) {
        pthread_mutex_lock(&s->mu);
        s->sim_requests++;
        sim_control(s, &req, &resp);
        pthread_mutex_unlock(&s->mu);
    } else {
        req.platform = pick_platform(s, &req);
        pthread_mutex_lock(&s->mu);
        s->api_requests++;
        d = sim_faults_next(&s->faults, req.platform->name);
        pthread_mutex_unlock(&s->mu);

        switch (d.kind) {
        case SIM_FAULT_429:
        case SIM_FAULT_429_DATE:
        case SIM_FAULT_429_NONE:
        case SIM_FAULT_500:
        case SIM_FAULT_502:
        case SIM_FAULT_503:
        case SIM_FAULT_504:
        case SIM_FAULT_THROTTLE:
            fault_response(s, &req, &d, &resp);
            applied = d.kind;
            break;
        default:
            if (d.kind == SIM_FAULT_STALL) {
                stall(s, d.stall_secs);
                applied = d.kind;
            }
            req.dup = d.kind == SIM_FAULT_DUP;
            pthread_mutex_lock(&s->mu);
            dispatch(&req, &resp, scratch, sizeof scratch);
            pthread_mutex_unlock(&s->mu);
            if (d.kind == SIM_FAULT_DUP && resp.dup_applied)
                applied = d.kind;
            /* Cutting a body only means something for a good answer. */
            if ((d.kind == SIM_FAULT_TRUNCATE || d.kind == SIM_FAULT_RESET) &&
                resp.status == 200 && resp.body)
                applied = d.kind;
            if (applied == SIM_FAULT_TRUNCATE)
                resp.body[strlen(resp.body) / 2] = '\0';
            break;
        }
        if (applied != SIM_FAULT_NONE) {
            pthread_mutex_lock(&s->mu);
            sim_faults_count(&s->faults, applied);
            pthread_mutex_unlock(&s->mu);
        }
    }
    log_request(s, conn, method, url, resp.status, applied);
    enum MHD_Result ret =
        send_response(conn, &resp, applied == SIM_FAULT_RESET);
    free(resp.body);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    struct conn_ctx *ctx = *con_cls;
    if (ctx) {
        free(ctx->body);
        free(ctx);
        *con_cls = NULL;
    }
}

struct sim_server *sim_server_start(const struct sim_server_config *cfg,
                                    char *err, size_t errlen)
{
    struct sim_server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->cfg = *cfg;
    s->cfg.faults = NULL;
    pthread_mutex_init(&s->mu, NULL);
    sim_faults_init(&s->faults, cfg->seed);
    bool ok = cfg->n_platforms > 0;
    for (size_t i = 0; ok && i < cfg->n_platforms; i++)
        ok = sim_faults_add_platform(&s->faults, cfg->platforms[i]->name);
    if (!ok) {
        snprintf(err, errlen, "bad platform table");
        pthread_mutex_destroy(&s->mu);
        free(s);
        return NULL;
    }
    if (cfg->faults && !sim_faults_set(&s->faults, cfg->faults, err, errlen)) {
        pthread_mutex_destroy(&s->mu);
        free(s);
        return NULL;
    }

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(cfg->port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_THREAD_PER_CONNECTION;
    if (!cfg->quiet)
        flags |= MHD_USE_ERROR_LOG;
    s->daemon = MHD_start_daemon(
        flags, cfg->port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_END);
    if (!s->daemon) {
        snprintf(err, errlen, "cannot listen on 127.0.0.1:%u",
                 (unsigned)cfg->port);
        pthread_mutex_destroy(&s->mu);
        free(s);
        return NULL;
    }
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : cfg->port;
    return s;
}

uint16_t sim_server_port(const struct sim_server *s)
{
    return s->port;
}

void sim_server_stop(struct sim_server *s)
{
    if (!s)
        return;
    atomic_store(&s->stopping, 1);
    MHD_stop_daemon(s->daemon);
    pthread_mutex_destroy(&s->mu);
    free(s);
}
