/* collector/platform_prolific.c — Prolific studies, submissions, bonuses. */
#include <jansson.h>
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
    PK_STUDIES = 1,     /* GET /api/v1/studies/ */
    PK_SUBMISSIONS = 2, /* GET /api/v1/studies/{id}/submissions/ */
    PK_DETAIL = 3,      /* GET /api/v1/submissions/{id}/ */
};

#define PLATFORM "prolific"
#define DEFAULT_PAGE 200
#define DEFAULT_CURRENCY "GBP" /* the official CLI's fallback */
#define FUTURE_SLACK (86400LL * DW_USEC)

/* The study context a submissions or detail request carries. */
struct scope {
    const char *study;
    const char *currency;
    json_int_t reward; /* study reward, minor units; -1 unknown */
};

static enum dw_status parse_scope(const struct dw_request *req, json_t **holder,
                                  struct scope *s, struct dw_error *err)
{
    json_error_t jerr;
    s->study = NULL;
    s->currency = "";
    s->reward = -1;
    *holder = req->scope ? json_loads(req->scope, 0, &jerr) : NULL;
    if (!*holder ||
        json_unpack(*holder, "{s:s,s:s,s?I}", "study", &s->study, "currency",
                    &s->currency, "reward", &s->reward) != 0)
        return dw_error_set(err, DW_ERR_INTERNAL,
                            "prolific: request has no study scope");
    return DW_OK;
}

static char *make_scope(const char *study, const char *currency,
                        json_int_t reward)
{
    json_t *o = json_pack("{s:s,s:s}", "study", study, "currency", currency);
    char *s = NULL;
    if (o && reward >= 0)
        json_object_set_new(o, "reward", json_integer(reward));
    if (o)
        s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    return s;
}

/* Ids go into URL paths: accept only what Prolific ids look like. */
static bool id_ok(const char *id)
{
    if (!id || !*id || strlen(id) > 128)
        return false;
    for (const char *p = id; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    }
    return true;
}

static long page_size(const struct dw_platform_ctx *ctx)
{
    return ctx->source && ctx->source->page_size > 0 ? ctx->source->page_size
                                                     : DEFAULT_PAGE;
}

static enum dw_status push_fmt(struct dw_request_list *l, int kind, bool root,
                               const char *scope, struct dw_error *err,
                               const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static enum dw_status push_fmt(struct dw_request_list *l, int kind, bool root,
                               const char *scope, struct dw_error *err,
                               const char *fmt, ...)
{
    struct dw_buf b;
    va_list ap;
    dw_buf_init(&b, 8192);
    va_start(ap, fmt);
    enum dw_status st = dw_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (st == DW_OK)
        st = dw_request_list_push(l, kind, root, b.data, scope);
    dw_buf_release(&b);
    if (st != DW_OK)
        dw_error_set(err, st, "prolific: cannot build a request");
    return st;
}

static enum dw_status prolific_start(const struct dw_platform_ctx *ctx,
                                     struct dw_request_list *out,
                                     struct dw_error *err)
{
    return push_fmt(out, PK_STUDIES, true, NULL, err,
                    "%s/api/v1/studies/?limit=%ld&offset=0", ctx->endpoint,
                    page_size(ctx));
}

static enum dw_status prolific_prepare(const struct dw_platform_ctx *ctx,
                                       const struct dw_request *req,
                                       struct dw_http_req *hreq,
                                       struct dw_error *err)
{
    (void)req;
    if (!ctx->credential || !*ctx->credential)
        return dw_error_set(err, DW_ERR_CONFIG, "prolific: no API token");
    if (dw_http_req_add_header(hreq, "Authorization: Token %s",
                               ctx->credential) != DW_OK ||
        dw_http_req_add_header(hreq, "Accept: application/json") != DW_OK)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    return DW_OK;
}

/* The value of a non-negative integer query parameter, or -1. */
static long query_long(const char *url, const char *name)
{
    const char *q = strchr(url, '?');
    size_t n = strlen(name);
    while (q) {
        q++;
        if (strncmp(q, name, n) == 0 && q[n] == '=') {
            long v = 0;
            const char *p = q + n + 1;
            if (*p < '0' || *p > '9')
                return -1;
            for (; *p >= '0' && *p <= '9' && v < 1000000000L; p++)
                v = v * 10 + (*p - '0');
            return v;
        }
        q = strchr(q, '&');
    }
    return -1;
}

/*
 * The next page from _links.next.href: absent or null ends the list. It
 * must stay on the endpoint's origin (the token goes with it) and must
 * not point at the page just read.
 */
static enum dw_status take_next(const struct dw_platform_ctx *ctx,
                                const struct dw_request *req, json_t *root,
                                struct dw_parse_out *out, struct dw_error *err)
{
    json_t *href = json_object_get(
        json_object_get(json_object_get(root, "_links"), "next"), "href");
    if (!href || json_is_null(href))
        return DW_OK;
    if (!json_is_string(href))
        return dw_error_set(err, DW_ERR_PARSE,
                            "_links.next.href is not a string");
    const char *h = json_string_value(href);
    const char *ep = ctx->endpoint;
    const char *hostp = strstr(ep, "://");
    const char *path = hostp ? strchr(hostp + 3, '/') : NULL;
    size_t origin = path ? (size_t)(path - ep) : strlen(ep);
    struct dw_buf url;
    enum dw_status st;

    dw_buf_init(&url, 8192);
    if (h[0] == '/')
        st = dw_buf_printf(&url, "%.*s%s", (int)origin, ep, h);
    else if (strncmp(h, ep, origin) == 0 && h[origin] == '/')
        st = dw_buf_puts(&url, h);
    else {
        dw_buf_release(&url);
        return dw_error_set(err, DW_ERR_PARSE,
                            "_links.next leaves the API origin");
    }
    long cur_off = query_long(req->url, "offset");
    long next_off = st == DW_OK ? query_long(url.data, "offset") : -1;
    if (st == DW_OK &&
        (strcmp(url.data, req->url) == 0 ||
         (cur_off >= 0 && next_off >= 0 && next_off <= cur_off))) {
        /* A stale or looping page (a cache served an older one). */
        dw_buf_release(&url);
        return dw_error_set(err, DW_ERR_PARSE,
                            "_links.next does not move forward");
    }
    if (st == DW_OK) {
        out->next.url = dw_buf_take(&url);
        out->next.scope = req->scope ? strdup(req->scope) : NULL;
        out->next.kind = req->kind;
        out->next.root = false;
        if (!out->next.url || (req->scope && !out->next.scope))
            st = DW_ERR_NOMEM;
        else
            out->has_next = true;
    }
    dw_buf_release(&url);
    if (st != DW_OK)
        dw_error_set(err, st, "out of memory");
    return st;
}

/* Minor units (integer or JSON real) of currency -> micro-units. */
static bool minor_to_micros(json_t *v, const char *currency, int64_t *micros)
{
    if (json_is_integer(v))
        return dw_money_from_minor((int64_t)json_integer_value(v), currency,
                                   micros, NULL) == DW_OK;
    if (json_is_real(v))
        return dw_money_from_json_real(json_real_value(v), true, currency,
                                       micros, NULL) == DW_OK;
    return false;
}

/*
 * Replaces the raw participant id under key with the worker key and drops
 * fields that identify or profile a person (IP address, demographics).
 * Returns false when the id is missing or not a string.
 */
static bool pseudonymize(const struct dw_platform_ctx *ctx, json_t *rec,
                         const char *key, char *wk, struct dw_error *err,
                         enum dw_status *st)
{
    json_t *pid = json_object_get(rec, key);
    *st = DW_OK;
    json_object_del(rec, "ip");
    json_object_del(rec, "strata");
    /* Lists say participant_id, details participant; a record may carry
     * both. Whichever is not the key read here is replaced too. */
    const char *other =
        strcmp(key, "participant") == 0 ? "participant_id" : "participant";
    json_t *oid = json_object_get(rec, other);
    if (oid) {
        char owk[DW_PSEUDONYM_HEX];
        json_t *repl = NULL;
        if (json_is_string(oid) && *json_string_value(oid) &&
            dw_pseudonym(ctx->pseudonym_key, PLATFORM, json_string_value(oid),
                         owk, NULL) == DW_OK)
            repl = json_string(owk);
        else
            repl = json_string("(invalid)");
        if (!repl || json_object_set_new(rec, other, repl) != 0) {
            *st = dw_error_set(err, DW_ERR_NOMEM, "out of memory");
            return false;
        }
    }
    if (!json_is_string(pid) || !*json_string_value(pid)) {
        /* Whatever is there is not a usable id; never keep it. */
        if (pid && !json_is_null(pid))
            json_object_set_new(rec, key, json_string("(invalid)"));
        return false;
    }
    *st = dw_pseudonym(ctx->pseudonym_key, PLATFORM, json_string_value(pid), wk,
                       err);
    if (*st != DW_OK)
        return false;
    if (json_object_set_new(rec, key, json_string(wk)) != 0)
        *st = dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    return *st == DW_OK;
}

static enum dw_unit_status map_status(const char *raw)
{
    static const struct {
        const char *raw;
        enum dw_unit_status st;
    } map[] = {
        {"APPROVED", DW_UNIT_APPROVED},
        {"PARTIALLY APPROVED", DW_UNIT_APPROVED},
        {"AWAITING REVIEW", DW_UNIT_SUBMITTED},
        {"REJECTED", DW_UNIT_REJECTED},
        {"RETURNED", DW_UNIT_RETURNED},
        {"TIMED-OUT", DW_UNIT_EXPIRED},
        {"SCREENED OUT", DW_UNIT_SCREENED_OUT},
        {"ACTIVE", DW_UNIT_IN_PROGRESS},
        {"RESERVED", DW_UNIT_IN_PROGRESS},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i].raw, raw) == 0)
            return map[i].st;
    return DW_UNIT_UNKNOWN;
}

/* Study minutes as seconds; DW_NONE when absent, negative or over a year. */
static int64_t minutes_to_s(const json_t *v)
{
    if (!json_is_number(v))
        return DW_NONE;
    double m = json_number_value(v);
    if (!(m >= 0 && m <= 366.0 * 24 * 60))
        return DW_NONE;
    return (int64_t)(m * 60.0 + 0.5);
}

static enum dw_status parse_study(const struct dw_platform_ctx *ctx,
                                  const struct dw_request *req, int index,
                                  json_t *s, struct dw_parse_out *out,
                                  struct dw_error *err)
{
    json_t *jid = json_object_get(s, "id");
    const char *id = json_string_value(jid);
    json_t *jcur = json_object_get(s, "currency_code");
    const char *cur =
        json_is_string(jcur) ? json_string_value(jcur) : DEFAULT_CURRENCY;
    json_t *jrew = json_object_get(s, "reward");
    enum dw_status st;

    if (!id || !*id)
        return dw_json_quarantine(req, out, index, "missing id", s, err);
    if (!id_ok(id))
        return dw_json_quarantine(req, out, index, "malformed id", s, err);
    bool cur_ok = dw_currency_known(cur);
    if (!cur_ok) {
        st = dw_json_quarantine(req, out, index, "unknown currency", s, err);
        if (st != DW_OK)
            return st;
        cur = ""; /* its submissions are quarantined one by one */
    }

    struct dw_task_row *t = dw_page_rows_add_task(&out->rows);
    if (!t)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    t->external_id = strdup(id);
    json_t *name = json_object_get(s, "name");
    if (json_is_string(name))
        t->title = strdup(json_string_value(name));
    if (!t->external_id || (json_is_string(name) && !t->title))
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    if (cur_ok && jrew && minor_to_micros(jrew, cur, &t->reward_micros)) {
        t->has_reward = true;
        memcpy(t->currency, cur, strlen(cur) + 1);
    }
    t->estimate_s =
        minutes_to_s(json_object_get(s, "estimated_completion_time"));
    t->max_time_s = minutes_to_s(json_object_get(s, "maximum_allowed_time"));
    if (!dw_json_get_time(s, "date_created", &t->created_at))
        t->created_at = DW_TIME_NONE;

    json_int_t reward = json_is_integer(jrew) ? json_integer_value(jrew) : -1;
    char *scope = make_scope(id, cur, reward);
    if (!scope)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    st = push_fmt(&out->follow, PK_SUBMISSIONS, false, scope, err,
                  "%s/api/v1/studies/%s/submissions/?limit=%ld&offset=0",
                  ctx->endpoint, id, page_size(ctx));
    free(scope);
    return st;
}

static enum dw_status parse_submission(const struct dw_platform_ctx *ctx,
                                       const struct dw_request *req,
                                       const struct scope *sc, int index,
                                       json_t *s, struct dw_parse_out *out,
                                       struct dw_error *err)
{
    char wk[DW_PSEUDONYM_HEX];
    enum dw_status st;
    const char *id = json_string_value(json_object_get(s, "id"));
    bool have_worker = pseudonymize(ctx, s, "participant_id", wk, err, &st);
    int64_t started, completed, micros = 0;
    bool has_reward = false;

    if (st != DW_OK)
        return st;
    if (!id || !*id)
        return dw_json_quarantine(req, out, index, "missing id", s, err);
    if (!have_worker)
        return dw_json_quarantine(req, out, index, "missing participant_id", s,
                                  err);
    const char *raw = json_string_value(json_object_get(s, "status"));
    if (!raw)
        return dw_json_quarantine(req, out, index, "missing status", s, err);
    if (!dw_json_get_time(s, "started_at", &started))
        return dw_json_quarantine(req, out, index, "started_at unparseable", s,
                                  err);
    if (!dw_json_get_time(s, "completed_at", &completed))
        return dw_json_quarantine(req, out, index, "completed_at unparseable",
                                  s, err);
    if (started != DW_TIME_NONE && completed != DW_TIME_NONE &&
        completed < started)
        return dw_json_quarantine(req, out, index,
                                  "completed_at before started_at", s, err);
    if ((started != DW_TIME_NONE && started > ctx->now + FUTURE_SLACK) ||
        (completed != DW_TIME_NONE && completed > ctx->now + FUTURE_SLACK))
        return dw_json_quarantine(req, out, index, "timestamp in the future", s,
                                  err);
    if (!dw_currency_known(sc->currency))
        return dw_json_quarantine(req, out, index, "unknown currency", s, err);
    json_t *rew = json_object_get(s, "reward");
    if (rew && !json_is_null(rew)) {
        if (!json_is_number(rew))
            return dw_json_quarantine(req, out, index, "reward not a number", s,
                                      err);
        if (!minor_to_micros(rew, sc->currency, &micros) || micros < 0)
            return dw_json_quarantine(req, out, index, "reward out of range", s,
                                      err);
        has_reward = true;
    } else if (sc->reward >= 0 &&
               dw_money_from_minor((int64_t)sc->reward, sc->currency, &micros,
                                   NULL) == DW_OK) {
        has_reward = true; /* the list item lacks it: the study's */
    }
    /* Outside the look-back window: settled, already collected. */
    if (ctx->since != DW_TIME_NONE && started != DW_TIME_NONE &&
        started < ctx->since) {
        out->skipped++;
        return DW_OK;
    }

    struct dw_unit_row *u = dw_page_rows_add_unit(&out->rows);
    if (!u)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    u->external_id = strdup(id);
    u->task_external_id = strdup(sc->study);
    u->status_raw = strdup(raw);
    if (!u->external_id || !u->task_external_id || !u->status_raw)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    memcpy(u->worker_key, wk, sizeof(wk));
    u->status = map_status(raw);
    u->accepted_at = started;
    u->submitted_at = completed;
    json_t *tt = json_object_get(s, "time_taken");
    /* A duration beyond a year is not a study's; ignore it. */
    if (json_is_integer(tt) && json_integer_value(tt) >= 0 &&
        json_integer_value(tt) <= 366LL * 86400) {
        u->duration_s = (int64_t)json_integer_value(tt);
        /* No completion stamp but a reported duration: derive it. */
        if (completed == DW_TIME_NONE && started != DW_TIME_NONE &&
            (u->status == DW_UNIT_SUBMITTED || u->status == DW_UNIT_APPROVED ||
             u->status == DW_UNIT_REJECTED))
            u->submitted_at = started + u->duration_s * DW_USEC;
    }
    u->has_reward = has_reward;
    u->reward_micros = micros;
    memcpy(u->currency, sc->currency, strlen(sc->currency) + 1);

    /* Bonuses are only on the detail record: read it for approved work. */
    if (u->status == DW_UNIT_APPROVED && id_ok(id)) {
        char *scope = make_scope(sc->study, sc->currency, -1);
        if (!scope)
            return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
        st = push_fmt(&out->follow, PK_DETAIL, false, scope, err,
                      "%s/api/v1/submissions/%s/", ctx->endpoint, id);
        free(scope);
        return st;
    }
    return DW_OK;
}

static enum dw_status parse_detail(const struct dw_platform_ctx *ctx,
                                   const struct dw_request *req,
                                   const struct scope *sc, json_t *d,
                                   struct dw_parse_out *out,
                                   struct dw_error *err)
{
    char wk[DW_PSEUDONYM_HEX];
    enum dw_status st;
    /* The detail names the worker "participant"; accept the list name. */
    const char *key =
        json_object_get(d, "participant") ? "participant" : "participant_id";
    bool have_worker = pseudonymize(ctx, d, key, wk, err, &st);
    const char *id = json_string_value(json_object_get(d, "id"));

    if (st != DW_OK)
        return st;
    if (!id || !*id)
        return dw_json_quarantine(req, out, 0, "missing id", d, err);
    if (!have_worker)
        return dw_json_quarantine(req, out, 0, "missing participant", d, err);
    json_t *bonuses = json_object_get(d, "bonus_payments");
    if (!bonuses || json_is_null(bonuses))
        return DW_OK;
    if (!json_is_array(bonuses))
        return dw_json_quarantine(req, out, 0, "bonus_payments not a list", d,
                                  err);
    if (!dw_currency_known(sc->currency))
        return json_array_size(bonuses) == 0
                   ? DW_OK
                   : dw_json_quarantine(req, out, 0, "unknown currency", d,
                                        err);
    size_t i;
    json_t *b;
    json_array_foreach(bonuses, i, b)
    {
        int64_t micros;
        if (!json_is_number(b))
            return dw_json_quarantine(req, out, (int)i, "bonus not a number", d,
                                      err);
        if (!minor_to_micros(b, sc->currency, &micros))
            return dw_json_quarantine(req, out, (int)i, "bonus out of range", d,
                                      err);
        struct dw_payment_row *p = dw_page_rows_add_payment(&out->rows);
        struct dw_buf k;
        dw_buf_init(&k, 512);
        if (!p || dw_buf_printf(&k, "%s:bonus:%zu", id, i) != DW_OK) {
            dw_buf_release(&k);
            return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
        }
        p->dedupe_key = dw_buf_take(&k);
        p->unit_external_id = strdup(id);
        if (!p->dedupe_key || !p->unit_external_id)
            return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
        memcpy(p->worker_key, wk, sizeof(wk));
        p->kind = "bonus";
        p->amount_micros = micros;
        memcpy(p->currency, sc->currency, strlen(sc->currency) + 1);
    }
    return DW_OK;
}

static enum dw_status prolific_parse(const struct dw_platform_ctx *ctx,
                                     const struct dw_request *req,
                                     const char *body, size_t len,
                                     struct dw_parse_out *out,
                                     struct dw_error *err)
{
    json_t *scope_json = NULL;
    struct scope sc;
    enum dw_status st = DW_OK;
    json_t *root;

    st = dw_json_load(body, len, &root, err);
    if (st != DW_OK)
        return st;
    if (!json_is_object(root)) {
        st = dw_error_set(err, DW_ERR_PARSE, "not a JSON object");
        goto done;
    }
    if (req->kind != PK_STUDIES) {
        st = parse_scope(req, &scope_json, &sc, err);
        if (st != DW_OK)
            goto done;
    }
    if (req->kind == PK_DETAIL) {
        st = parse_detail(ctx, req, &sc, root, out, err);
    } else if (req->kind == PK_STUDIES || req->kind == PK_SUBMISSIONS) {
        json_t *results = json_object_get(root, "results");
        size_t i;
        json_t *item;
        if (!json_is_array(results)) {
            st = dw_error_set(err, DW_ERR_PARSE, "no results list");
            goto done;
        }
        json_array_foreach(results, i, item)
        {
            if (!json_is_object(item)) {
                st = dw_json_quarantine(req, out, (int)i, "not an object", item,
                                        err);
            } else if (req->kind == PK_STUDIES) {
                st = parse_study(ctx, req, (int)i, item, out, err);
            } else {
                st = parse_submission(ctx, req, &sc, (int)i, item, out, err);
            }
            if (st != DW_OK)
                goto done;
        }
        st = take_next(ctx, req, root, out, err);
    } else {
        st = dw_error_set(err, DW_ERR_INTERNAL,
                          "prolific: unknown request kind %d", req->kind);
    }
    if (st == DW_OK)
        st = dw_json_land(root, out, err);
done:
    json_decref(scope_json);
    json_decref(root);
    return st;
}

const struct dw_platform dw_platform_prolific = {
    .name = PLATFORM,
    .default_endpoint = "https://api.prolific.com",
    .start = prolific_start,
    .prepare = prolific_prepare,
    .parse = prolific_parse,
};
