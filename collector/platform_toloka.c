/* collector/platform_toloka.c — Toloka assignments and bonuses (keyset paging
 * by id). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapter_json.h"
#include "buf.h"
#include "dwtime.h"
#include "money.h"
#include "platform.h"
#include "pseudonym.h"

/* Request kinds; stored in frontiers, so never renumber. */
enum {
    TK_POOLS = 1,       /* GET /api/v1/pools */
    TK_ASSIGNMENTS = 2, /* GET /api/v1/assignments?pool_id= (scope: pool) */
    TK_BONUSES = 3,     /* GET /api/v1/user-bonuses */
};

#define PLATFORM "toloka"
#define CURRENCY "USD" /* Toloka pays in US dollars only */
#define DEFAULT_PAGE 500
#define MAX_PAGE 100000 /* the API's documented limit */
#define FUTURE_SLACK (86400LL * DW_USEC)
#define ID_MAX 256

static long page_size(const struct dw_platform_ctx *ctx)
{
    long n = ctx->source && ctx->source->page_size > 0 ? ctx->source->page_size
                                                       : DEFAULT_PAGE;
    return n > MAX_PAGE ? MAX_PAGE : n;
}

/* Appends s to b percent-encoded (RFC 3986 unreserved kept). */
static enum dw_status put_escaped(struct dw_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    enum dw_status st = DW_OK;
    for (const unsigned char *p = (const unsigned char *)s; *p && !st; p++) {
        unsigned char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
            c == '~')
            st = dw_buf_printf(b, "%c", c);
        else
            st = dw_buf_printf(b, "%%%c%c", hex[c >> 4], hex[c & 15]);
    }
    return st;
}

/* Toloka's naive UTC form of t: "2026-10-19T08:00:00.5", no zone. */
static enum dw_status put_naive(struct dw_buf *b, int64_t t)
{
    char iso[DW_TIME_ISO_MAX];
    dw_time_format_iso(t, iso);
    size_t n = strlen(iso);
    if (n > 0 && iso[n - 1] == 'Z')
        iso[n - 1] = '\0';
    return dw_buf_puts(b, iso);
}

/*
 * The first page of a list: path?[pool_id=P&]sort=id&limit=N
 * [&created_gt=since]. The next page appends &id_gt=LAST (always last, so
 * next_url can cut it off).
 */
static enum dw_status list_url(const struct dw_platform_ctx *ctx,
                               const char *path, const char *pool,
                               bool windowed, struct dw_buf *b)
{
    enum dw_status st = dw_buf_printf(b, "%s%s?", ctx->endpoint, path);
    if (st == DW_OK && pool) {
        st = dw_buf_puts(b, "pool_id=");
        if (st == DW_OK)
            st = put_escaped(b, pool);
        if (st == DW_OK)
            st = dw_buf_puts(b, "&");
    }
    if (st == DW_OK)
        st = dw_buf_printf(b, "sort=id&limit=%ld", page_size(ctx));
    if (st == DW_OK && windowed && ctx->since != DW_TIME_NONE) {
        st = dw_buf_puts(b, "&created_gt=");
        if (st == DW_OK)
            st = put_naive(b, ctx->since);
    }
    return st;
}

static enum dw_status push_list(const struct dw_platform_ctx *ctx,
                                struct dw_request_list *l, int kind, bool root,
                                const char *path, const char *pool,
                                struct dw_error *err)
{
    struct dw_buf b;
    dw_buf_init(&b, 8192);
    enum dw_status st = list_url(ctx, path, pool, kind != TK_POOLS, &b);
    if (st == DW_OK)
        st = dw_request_list_push(l, kind, root, b.data, pool);
    dw_buf_release(&b);
    if (st != DW_OK)
        dw_error_set(err, st, "toloka: cannot build a request");
    return st;
}

static enum dw_status toloka_start(const struct dw_platform_ctx *ctx,
                                   struct dw_request_list *out,
                                   struct dw_error *err)
{
    /* sync pops from the end: pools (and their assignments) first. */
    enum dw_status st = push_list(ctx, out, TK_BONUSES, true,
                                  "/api/v1/user-bonuses", NULL, err);
    if (st == DW_OK)
        st = push_list(ctx, out, TK_POOLS, true, "/api/v1/pools", NULL, err);
    return st;
}

/* The SDK's rule: an API key has exactly two dots, the first at 22-24. */
static bool looks_like_api_key(const char *token)
{
    const char *dot = strchr(token, '.');
    size_t dots = 0;
    for (const char *p = token; *p; p++)
        dots += *p == '.';
    return dots == 2 && dot - token >= 22 && dot - token <= 24;
}

static enum dw_status toloka_prepare(const struct dw_platform_ctx *ctx,
                                     const struct dw_request *req,
                                     struct dw_http_req *hreq,
                                     struct dw_error *err)
{
    (void)req;
    if (!ctx->credential || !*ctx->credential)
        return dw_error_set(err, DW_ERR_CONFIG, "toloka: no API token");
    if (dw_http_req_add_header(hreq, "Authorization: %s %s",
                               looks_like_api_key(ctx->credential) ? "ApiKey"
                                                                   : "OAuth",
                               ctx->credential) != DW_OK ||
        dw_http_req_add_header(hreq, "Accept: application/json") != DW_OK)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    return DW_OK;
}

/* The id_gt the request carries (decoded into out), or "" on page one. */
static void current_cursor(const char *url, char *out, size_t n)
{
    const char *p = strstr(url, "&id_gt=");
    size_t k = 0;
    out[0] = '\0';
    if (!p)
        return;
    for (p += 7; *p && *p != '&' && k + 1 < n; p++) {
        int hi = *p == '%' ? dw_hex_digit(p[1]) : -1;
        int lo = hi >= 0 ? dw_hex_digit(p[2]) : -1;
        if (lo >= 0) {
            out[k++] = (char)(hi << 4 | lo);
            p += 2;
        } else {
            out[k++] = *p;
        }
    }
    out[k] = '\0';
}

/* An item's id as a string: Toloka ids are strings; accept integers. */
static bool item_id(json_t *o, char *out, size_t n)
{
    json_t *v = json_object_get(o, "id");
    if (json_is_string(v) && *json_string_value(v) &&
        strlen(json_string_value(v)) < n) {
        memcpy(out, json_string_value(v), strlen(json_string_value(v)) + 1);
        return true;
    }
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        int k = snprintf(out, n, "%lld", (long long)json_integer_value(v));
        return k > 0 && (size_t)k < n;
    }
    return false;
}

/*
 * The next page: the same URL with id_gt = the last item's id. Keyset
 * paging must move forward: the last id sorts after the cursor (ids are
 * compared as strings, as Toloka does).
 */
static enum dw_status take_next(const struct dw_request *req, json_t *items,
                                struct dw_parse_out *out, struct dw_error *err)
{
    char last[ID_MAX], cur[ID_MAX];
    size_t n = json_array_size(items);
    if (n == 0)
        return dw_error_set(err, DW_ERR_PARSE,
                            "has_more is true but the page is empty");
    if (!item_id(json_array_get(items, n - 1), last, sizeof(last)))
        return dw_error_set(err, DW_ERR_PARSE,
                            "the last item has no id to page on from");
    current_cursor(req->url, cur, sizeof(cur));
    if (cur[0] && strcmp(last, cur) <= 0)
        return dw_error_set(err, DW_ERR_PARSE,
                            "keyset paging does not move forward");
    const char *cut = strstr(req->url, "&id_gt=");
    size_t keep = cut ? (size_t)(cut - req->url) : strlen(req->url);
    struct dw_buf b;
    dw_buf_init(&b, 8192);
    enum dw_status st = dw_buf_printf(&b, "%.*s&id_gt=", (int)keep, req->url);
    if (st == DW_OK)
        st = put_escaped(&b, last);
    if (st == DW_OK)
        st = dw_request_set(&out->next, req->kind, false, b.data, req->scope,
                            NULL);
    if (st == DW_OK)
        out->has_next = true;
    dw_buf_release(&b);
    if (st != DW_OK)
        dw_error_set(err, st, "out of memory");
    return st;
}

/*
 * Replaces the raw user_id with the worker key and drops what a landed
 * body must not keep: the requester account (owner), the work itself
 * (solutions, task input values) and free text to or about the worker.
 * Returns false when the id is missing or not a string.
 */
static bool pseudonymize(const struct dw_platform_ctx *ctx, json_t *rec,
                         char *wk, struct dw_error *err, enum dw_status *st)
{
    static const char *const drop[] = {
        "owner",           "solutions",      "first_declined_solution_attempt",
        "private_comment", "public_message", "public_title",
    };
    json_t *tasks = json_object_get(rec, "tasks");
    json_t *uid = json_object_get(rec, "user_id");
    size_t i;
    json_t *t;

    *st = DW_OK;
    for (i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
        json_object_del(rec, drop[i]);
    json_array_foreach(tasks, i, t)
    {
        json_object_del(t, "input_values");
        json_object_del(t, "known_solutions");
        json_object_del(t, "message_on_unknown_solution");
    }
    if (!json_is_string(uid) || !*json_string_value(uid)) {
        /* Whatever is there is not a usable id; never keep it. */
        if (uid && !json_is_null(uid))
            json_object_set_new(rec, "user_id", json_string("(invalid)"));
        return false;
    }
    *st = dw_pseudonym(ctx->pseudonym_key, PLATFORM, json_string_value(uid), wk,
                       err);
    if (*st != DW_OK)
        return false;
    if (json_object_set_new(rec, "user_id", json_string(wk)) != 0)
        *st = dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    return *st == DW_OK;
}

static enum dw_unit_status map_status(const char *raw)
{
    static const struct {
        const char *raw;
        enum dw_unit_status st;
    } map[] = {
        {"ACTIVE", DW_UNIT_IN_PROGRESS}, {"SUBMITTED", DW_UNIT_SUBMITTED},
        {"ACCEPTED", DW_UNIT_APPROVED},  {"REJECTED", DW_UNIT_REJECTED},
        {"SKIPPED", DW_UNIT_RETURNED},   {"EXPIRED", DW_UNIT_EXPIRED},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i].raw, raw) == 0)
            return map[i].st;
    return DW_UNIT_UNKNOWN;
}

static bool future(const struct dw_platform_ctx *ctx, int64_t t)
{
    return t != DW_TIME_NONE && t > ctx->now + FUTURE_SLACK;
}

static enum dw_status parse_pool(const struct dw_platform_ctx *ctx,
                                 const struct dw_request *req, int index,
                                 json_t *p, struct dw_parse_out *out,
                                 struct dw_error *err)
{
    char id[ID_MAX];
    int64_t micros = 0;
    json_t *rew = json_object_get(p, "reward_per_assignment");

    if (!item_id(p, id, sizeof(id)))
        return dw_json_quarantine(req, out, index, "missing id", p, err);
    bool has_reward = rew && !json_is_null(rew);
    if (has_reward && (!dw_json_money(rew, CURRENCY, &micros) || micros < 0))
        return dw_json_quarantine(req, out, index,
                                  "reward_per_assignment unusable", p, err);

    struct dw_task_row *t = dw_page_rows_add_task(&out->rows);
    if (!t)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    t->external_id = strdup(id);
    json_t *name = json_object_get(p, "private_name");
    if (!json_is_string(name))
        name = json_object_get(p, "public_description");
    if (json_is_string(name))
        t->title = strdup(json_string_value(name));
    if (!t->external_id || (json_is_string(name) && !t->title))
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    if (has_reward) {
        t->has_reward = true;
        t->reward_micros = micros;
        memcpy(t->currency, CURRENCY, sizeof(CURRENCY));
    }
    json_t *mx = json_object_get(p, "assignment_max_duration_seconds");
    if (json_is_integer(mx) && json_integer_value(mx) >= 0)
        t->max_time_s = (int64_t)json_integer_value(mx);
    if (!dw_json_get_time(p, "created", &t->created_at))
        t->created_at = DW_TIME_NONE;
    return push_list(ctx, &out->follow, TK_ASSIGNMENTS, false,
                     "/api/v1/assignments", id, err);
}

/* The end of the worker's time on a unit that was not submitted. */
static int64_t ended_at(enum dw_unit_status st, int64_t skipped,
                        int64_t expired)
{
    if (st == DW_UNIT_RETURNED)
        return skipped;
    if (st == DW_UNIT_EXPIRED)
        return expired;
    return DW_TIME_NONE;
}

static enum dw_status parse_assignment(const struct dw_platform_ctx *ctx,
                                       const struct dw_request *req, int index,
                                       json_t *a, struct dw_parse_out *out,
                                       struct dw_error *err)
{
    char wk[DW_PSEUDONYM_HEX], id[ID_MAX];
    enum dw_status st;
    int64_t created, submitted, accepted, rejected, skipped, expired;
    int64_t micros = 0;
    bool have_worker = pseudonymize(ctx, a, wk, err, &st);

    if (st != DW_OK)
        return st;
    if (!item_id(a, id, sizeof(id)))
        return dw_json_quarantine(req, out, index, "missing id", a, err);
    if (!have_worker)
        return dw_json_quarantine(req, out, index, "missing user_id", a, err);
    const char *raw = json_string_value(json_object_get(a, "status"));
    if (!raw || !*raw)
        return dw_json_quarantine(req, out, index, "missing status", a, err);
    static const char *const fields[] = {"created",  "submitted", "accepted",
                                         "rejected", "skipped",   "expired"};
    int64_t *slots[] = {&created,  &submitted, &accepted,
                        &rejected, &skipped,   &expired};
    for (size_t i = 0; i < 6; i++) {
        if (!dw_json_get_time(a, fields[i], slots[i])) {
            char why[64];
            snprintf(why, sizeof(why), "%s unparseable", fields[i]);
            return dw_json_quarantine(req, out, index, why, a, err);
        }
        if (future(ctx, *slots[i]))
            return dw_json_quarantine(req, out, index,
                                      "timestamp in the future", a, err);
    }
    if (created == DW_TIME_NONE)
        return dw_json_quarantine(req, out, index, "missing created", a, err);
    enum dw_unit_status norm = map_status(raw);
    int64_t end = submitted != DW_TIME_NONE ? submitted
                                            : ended_at(norm, skipped, expired);
    int64_t decided = accepted != DW_TIME_NONE ? accepted : rejected;
    if (end != DW_TIME_NONE && end < created)
        return dw_json_quarantine(req, out, index, "ended before created", a,
                                  err);
    if (decided != DW_TIME_NONE && decided < created)
        return dw_json_quarantine(req, out, index, "decided before created", a,
                                  err);
    json_t *rew = json_object_get(a, "reward");
    bool has_reward = rew && !json_is_null(rew);
    if (has_reward && !json_is_number(rew))
        return dw_json_quarantine(req, out, index, "reward not a number", a,
                                  err);
    if (has_reward && (!dw_json_money(rew, CURRENCY, &micros) || micros < 0))
        return dw_json_quarantine(req, out, index, "reward out of range", a,
                                  err);
    /* Outside the look-back window: settled, already collected. */
    if (ctx->since != DW_TIME_NONE && created < ctx->since) {
        out->skipped++;
        return DW_OK;
    }

    struct dw_unit_row *u = dw_page_rows_add_unit(&out->rows);
    if (!u)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    const char *pool = json_string_value(json_object_get(a, "pool_id"));
    if (!pool || !*pool)
        pool = req->scope;
    u->external_id = strdup(id);
    u->task_external_id = pool ? strdup(pool) : NULL;
    u->status_raw = strdup(raw);
    if (!u->external_id || (pool && !u->task_external_id) || !u->status_raw)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    memcpy(u->worker_key, wk, sizeof(wk));
    u->status = norm;
    u->accepted_at = created;
    u->submitted_at = end;
    u->decided_at = decided;
    u->has_reward = has_reward;
    u->reward_micros = micros;
    memcpy(u->currency, CURRENCY, sizeof(CURRENCY));
    return DW_OK;
}

static enum dw_status parse_bonus(const struct dw_platform_ctx *ctx,
                                  const struct dw_request *req, int index,
                                  json_t *b, struct dw_parse_out *out,
                                  struct dw_error *err)
{
    char wk[DW_PSEUDONYM_HEX], id[ID_MAX];
    enum dw_status st;
    int64_t created, micros;
    bool have_worker = pseudonymize(ctx, b, wk, err, &st);

    if (st != DW_OK)
        return st;
    if (!item_id(b, id, sizeof(id)))
        return dw_json_quarantine(req, out, index, "missing id", b, err);
    if (!have_worker)
        return dw_json_quarantine(req, out, index, "missing user_id", b, err);
    json_t *amount = json_object_get(b, "amount");
    if (!json_is_number(amount))
        return dw_json_quarantine(req, out, index, "amount not a number", b,
                                  err);
    if (!dw_json_money(amount, CURRENCY, &micros) || micros < 0)
        return dw_json_quarantine(req, out, index, "amount out of range", b,
                                  err);
    if (!dw_json_get_time(b, "created", &created))
        return dw_json_quarantine(req, out, index, "created unparseable", b,
                                  err);
    if (future(ctx, created))
        return dw_json_quarantine(req, out, index, "timestamp in the future", b,
                                  err);
    if (ctx->since != DW_TIME_NONE && created != DW_TIME_NONE &&
        created < ctx->since) {
        out->skipped++;
        return DW_OK;
    }

    struct dw_payment_row *p = dw_page_rows_add_payment(&out->rows);
    if (!p)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    const char *unit = json_string_value(json_object_get(b, "assignment_id"));
    p->dedupe_key = strdup(id);
    p->unit_external_id = unit && *unit ? strdup(unit) : NULL;
    if (!p->dedupe_key || (unit && *unit && !p->unit_external_id))
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    memcpy(p->worker_key, wk, sizeof(wk));
    p->kind = "bonus";
    p->amount_micros = micros;
    memcpy(p->currency, CURRENCY, sizeof(CURRENCY));
    p->effective_at = created;
    return DW_OK;
}

static enum dw_status toloka_parse(const struct dw_platform_ctx *ctx,
                                   const struct dw_request *req,
                                   const char *body, size_t len,
                                   struct dw_parse_out *out,
                                   struct dw_error *err)
{
    enum dw_status st = DW_OK;
    json_t *root;

    st = dw_json_load(body, len, &root, err);
    if (st != DW_OK)
        return st;
    json_t *items = json_object_get(root, "items");
    json_t *more = json_object_get(root, "has_more");
    if (!json_is_object(root) || !json_is_array(items)) {
        st = dw_error_set(err, DW_ERR_PARSE, "no items list");
        goto done;
    }
    if (!json_is_boolean(more)) {
        st = dw_error_set(err, DW_ERR_PARSE, "has_more is not a boolean");
        goto done;
    }
    if (req->kind != TK_POOLS && req->kind != TK_ASSIGNMENTS &&
        req->kind != TK_BONUSES) {
        st = dw_error_set(err, DW_ERR_INTERNAL,
                          "toloka: unknown request kind %d", req->kind);
        goto done;
    }
    /* Page on from the raw last id, before any record is rewritten. */
    if (json_is_true(more)) {
        st = take_next(req, items, out, err);
        if (st != DW_OK)
            goto done;
    }
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        if (!json_is_object(item))
            st = dw_json_quarantine(req, out, (int)i, "not an object", item,
                                    err);
        else if (req->kind == TK_POOLS)
            st = parse_pool(ctx, req, (int)i, item, out, err);
        else if (req->kind == TK_ASSIGNMENTS)
            st = parse_assignment(ctx, req, (int)i, item, out, err);
        else
            st = parse_bonus(ctx, req, (int)i, item, out, err);
        if (st != DW_OK)
            goto done;
    }
    st = dw_json_land(root, out, err);
done:
    json_decref(root);
    return st;
}

/*
 * Toloka's error body {"request_id","code","message","payload"}: a 429
 * TOO_MANY_REQUESTS names its quota in payload.interval. A per-minute
 * quota (or none named) is retried after Retry-After when sent, else the
 * policy's capped backoff; an hourly or daily one ends the run as partial
 * at once (exit 3: progress saved, the next run resumes). Auth and
 * validation errors stop at once with Toloka's code and message.
 */
static void toloka_classify(const struct dw_platform_ctx *ctx,
                            const struct dw_request *req, long status,
                            const char *body, size_t len,
                            struct dw_http_verdict *v)
{
    (void)ctx;
    (void)req;
    if (status < 400)
        return;
    json_t *root = body && len ? json_loadb(body, len, 0, NULL) : NULL;
    const char *code = json_string_value(json_object_get(root, "code"));
    const char *message = json_string_value(json_object_get(root, "message"));
    const char *interval = json_string_value(
        json_object_get(json_object_get(root, "payload"), "interval"));
    if (code)
        snprintf(v->msg, sizeof(v->msg), "%.64s: %.160s", code,
                 message ? message : "");
    if (status == 429 && interval &&
        (strcmp(interval, "HOUR") == 0 || strcmp(interval, "DAY") == 0)) {
        v->kind = DW_HTTP_FINAL;
        v->final = DW_ERR_THROTTLED;
        snprintf(v->msg, sizeof(v->msg),
                 "TOO_MANY_REQUESTS: the %s quota is used up",
                 strcmp(interval, "HOUR") == 0 ? "hourly" : "daily");
    } else if (status == 429) {
        v->kind = DW_HTTP_RETRY;
        v->final = DW_ERR_THROTTLED;
        /* -1: the server's Retry-After when sent, else the backoff. */
        v->delay_ms = -1;
    } else if (code && (status == 401 || status == 403)) {
        v->kind = DW_HTTP_FINAL;
        v->final = DW_ERR_AUTH;
    } else if (code && status == 400) {
        v->kind = DW_HTTP_FINAL;
        v->final = DW_ERR_HTTP;
    }
    json_decref(root);
}

const struct dw_platform dw_platform_toloka = {
    .name = PLATFORM,
    .default_endpoint = "https://toloka.dev",
    .start = toloka_start,
    .prepare = toloka_prepare,
    .parse = toloka_parse,
    .classify = toloka_classify,
};
