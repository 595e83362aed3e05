/* collector/platform_upwork.c — Upwork GraphQL: contracts, time, diary. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "adapter_json.h"
#include "buf.h"
#include "dwtime.h"
#include "money.h"
#include "platform.h"
#include "pseudonym.h"

/*
 * The crawl: contracts (tasks) -> per contract, its time report over the
 * window (one work unit per contract x freelancer x day) -> per day with
 * tracked time, the work diary (10-minute cells: activity segments, and
 * the unit's real start). Every request is a POST of a GraphQL document
 * to {endpoint}/graphql whose variables come from the request's scope.
 * Why these shapes and what they mean: docs/dw-collect.md, "Upwork".
 */

/* Request kinds; stored in frontiers, so never renumber. */
enum {
    UK_CONTRACTS = 1,   /* contractList, Relay pages */
    UK_TIME_REPORT = 2, /* contractTimeReport of one contract */
    UK_DIARY = 3,       /* workDiaryContract of one contract-day */
};

#define PLATFORM "upwork"
#define DEFAULT_PAGE 100
#define MAX_PAGE 500
#define CELL_S 600        /* a work diary cell is 10 minutes */
#define BACKFILL_DAYS 366 /* a contract with no start date */
#define DAY_S 86400LL
#define FUTURE_SLACK (DAY_S * DW_USEC)
#define REVIEW_DAYS 12 /* week Monday -> end of the Mon-Fri review */
#define PAID_DAYS 17   /* week Monday -> funds released (10 days later) */
#define REMOVED "(removed)"

static const char contracts_query[] =
    "query contracts($pagination: Pagination) {"
    " contractList(pagination: $pagination) { totalCount"
    " edges { cursor node { id title status startDate"
    " hourlyRate { rawValue currency } freelancer { id } } }"
    " pageInfo { endCursor hasNextPage } } }";

static const char time_report_query[] =
    "query timeReport($filter: TimeReportFilter!,"
    " $pagination: Pagination) {"
    " contractTimeReport(filter: $filter, pagination: $pagination) {"
    " totalCount edges { cursor node { dateWorkedOn freelancer { id }"
    " contract { id } totalHoursWorked totalCharges"
    " billRate { value code } } } pageInfo { endCursor hasNextPage } } }";

static const char diary_query[] =
    "query workDiary($input: WorkDiaryContractInput!) {"
    " workDiaryContract(workDiaryContractInput: $input) {"
    " workDiaryMetadata { timezoneOffset archivingDateTime }"
    " workDiaryTimeCells { cellDateTime { rawValue } activityLevel"
    " keyboardEventsCount mouseEventsCount hasScreenshot webcamEnabled"
    " manual overtime } } }";

/* The root field each kind's answer sits under. */
static const char *root_field(int kind)
{
    switch (kind) {
    case UK_CONTRACTS:
        return "contractList";
    case UK_TIME_REPORT:
        return "contractTimeReport";
    case UK_DIARY:
        return "workDiaryContract";
    default:
        return NULL;
    }
}

/* Ids go into request variables and unit ids: what Upwork ids look like. */
static bool id_ok(const char *id)
{
    if (!id || !*id || strlen(id) > 128)
        return false;
    for (const char *p = id; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '~'))
            return false;
    }
    return true;
}

static long page_size(const struct dw_platform_ctx *ctx)
{
    long n = ctx->source && ctx->source->page_size > 0 ? ctx->source->page_size
                                                       : DEFAULT_PAGE;
    return n > MAX_PAGE ? MAX_PAGE : n;
}

/* "YYYY-MM-DD" of a day number. out holds 11 bytes. */
static void day_text(int64_t day, char out[11])
{
    char iso[DW_TIME_ISO_MAX];
    dw_time_format_iso(day * DAY_S * DW_USEC, iso);
    memcpy(out, iso, 10);
    out[10] = '\0';
}

static int64_t floor_day(int64_t us)
{
    int64_t d = us / (DAY_S * DW_USEC);
    return (us % (DAY_S * DW_USEC) < 0) ? d - 1 : d;
}

/* "YYYY-MM-DD" (or "yyyymmdd") -> day number; false when malformed. */
static bool parse_day(const char *s, int64_t *day)
{
    char buf[11];
    int64_t us;
    if (!s)
        return false;
    size_t n = strlen(s);
    if (n == 8) {
        for (size_t i = 0; i < 8; i++)
            if (s[i] < '0' || s[i] > '9')
                return false;
        memcpy(buf, s, 4);
        buf[4] = '-';
        memcpy(buf + 5, s + 4, 2);
        buf[7] = '-';
        memcpy(buf + 8, s + 6, 2);
        buf[10] = '\0';
        s = buf;
    } else if (n != 10) {
        return false;
    }
    if (dw_time_parse_iso(s, true, &us, NULL) != DW_OK)
        return false;
    *day = floor_day(us);
    return true;
}

/* ---- requests: the scope is the crawl state, the body made from it ---- */

static json_t *pagination(const struct dw_platform_ctx *ctx, json_t *scope)
{
    json_t *p = json_pack("{s:i}", "first", (int)page_size(ctx));
    json_t *after = json_object_get(scope, "after");
    if (p && json_is_string(after))
        json_object_set(p, "after", after);
    return p;
}

/*
 * The GraphQL document and variables of a request of kind with scope (an
 * object, may be NULL for the first contracts page), as the JSON text to
 * POST (heap), or NULL when the scope lacks what the kind needs or on OOM.
 */
static char *make_body(const struct dw_platform_ctx *ctx, int kind,
                       json_t *scope)
{
    json_t *doc = NULL;
    const char *contract =
        json_string_value(json_object_get(scope, "contract"));
    char *out = NULL;

    if (kind == UK_CONTRACTS) {
        doc = json_pack("{s:s,s:{s:o}}", "query", contracts_query, "variables",
                        "pagination", pagination(ctx, scope));
    } else if (kind == UK_TIME_REPORT && contract) {
        const char *from = json_string_value(json_object_get(scope, "from"));
        const char *to = json_string_value(json_object_get(scope, "to"));
        if (from && to)
            doc = json_pack("{s:s,s:{s:{s:{s:s,s:s},s:[s]},s:o}}", "query",
                            time_report_query, "variables", "filter",
                            "timeReportDate_bt", "rangeStart", from, "rangeEnd",
                            to, "contractIds", contract, "pagination",
                            pagination(ctx, scope));
    } else if (kind == UK_DIARY && contract) {
        int64_t day;
        const char *date = json_string_value(json_object_get(scope, "date"));
        if (parse_day(date, &day) && strlen(date) == 10) {
            char ymd[9] = {date[0], date[1], date[2], date[3], date[5],
                           date[6], date[8], date[9], '\0'};
            doc = json_pack("{s:s,s:{s:{s:s,s:s}}}", "query", diary_query,
                            "variables", "input", "contractId", contract,
                            "date", ymd);
        }
    }
    if (doc)
        out = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(doc);
    return out;
}

/* Fills *out (overwritten) with a request of kind; scope may be NULL. */
static enum dw_status make_req(const struct dw_platform_ctx *ctx,
                               struct dw_request *out, int kind, bool root,
                               json_t *scope, struct dw_error *err)
{
    struct dw_buf url;
    char *s = scope ? json_dumps(scope, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char *body = make_body(ctx, kind, scope);
    enum dw_status st = DW_ERR_NOMEM;

    dw_buf_init(&url, 8192);
    if ((!scope || s) && body &&
        dw_buf_printf(&url, "%s/graphql", ctx->endpoint) == DW_OK)
        st = dw_request_set(out, kind, root, url.data, s, body);
    dw_buf_release(&url);
    free(s);
    free(body);
    if (st != DW_OK)
        dw_error_set(err, st, "upwork: cannot build a request");
    return st;
}

/* Appends a request of kind to l; scope may be NULL. */
static enum dw_status push_req(const struct dw_platform_ctx *ctx,
                               struct dw_request_list *l, int kind, bool root,
                               json_t *scope, struct dw_error *err)
{
    struct dw_request r;
    enum dw_status st = make_req(ctx, &r, kind, root, scope, err);
    if (st != DW_OK)
        return st;
    st = dw_request_list_push_body(l, r.kind, r.root, r.url, r.scope, r.body);
    dw_request_release(&r);
    if (st != DW_OK)
        dw_error_set(err, st, "out of memory");
    return st;
}

/* The request's scope as a JSON object (new reference) or NULL. */
static json_t *load_scope(const struct dw_request *req)
{
    json_error_t jerr;
    json_t *o = req->scope ? json_loads(req->scope, 0, &jerr) : json_object();
    if (o && !json_is_object(o)) {
        json_decref(o);
        o = NULL;
    }
    return o;
}

static enum dw_status upwork_start(const struct dw_platform_ctx *ctx,
                                   struct dw_request_list *out,
                                   struct dw_error *err)
{
    return push_req(ctx, out, UK_CONTRACTS, true, NULL, err);
}

static enum dw_status upwork_prepare(const struct dw_platform_ctx *ctx,
                                     const struct dw_request *req,
                                     struct dw_http_req *hreq,
                                     struct dw_error *err)
{
    if (!ctx->credential || !*ctx->credential)
        return dw_error_set(err, DW_ERR_CONFIG, "upwork: no access token");
    if (!req->body)
        return dw_error_set(err, DW_ERR_INTERNAL,
                            "upwork: request kind %d has no body", req->kind);
    if (dw_http_req_add_header(hreq, "Authorization: Bearer %s",
                               ctx->credential) != DW_OK ||
        dw_http_req_add_header(hreq, "Accept: application/json") != DW_OK ||
        dw_http_req_set_body(hreq, "POST", "application/json", req->body,
                             strlen(req->body)) != DW_OK)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    return DW_OK;
}

/* ---- privacy: what never reaches rows, the landed body or quarantine ---- */

/* Free text about the person or their screen: dropped wherever found. */
static bool denied_key(const char *k)
{
    static const char *const keys[] = {
        "memo",  "activeWindowTitle", "description", "taskDescription", "name",
        "email", "firstName",         "lastName",    "phone",
    };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strcmp(k, keys[i]) == 0)
            return true;
    return false;
}

/* Screenshot, webcam and portrait links: replaced, their presence kept. */
static bool url_like(const char *k, json_t *v)
{
    const char *s = json_string_value(v);
    if (!s || !*s)
        return false;
    return strstr(k, "Url") || strstr(k, "Thumbnail") ||
           strncasecmp(s, "http://", 7) == 0 ||
           strncasecmp(s, "https://", 8) == 0;
}

/* The worker key for a raw freelancer id, or "(invalid)" when unusable. */
static enum dw_status person_key(const struct dw_platform_ctx *ctx, json_t *id,
                                 json_t **out, struct dw_error *err)
{
    char wk[DW_PSEUDONYM_HEX];
    const char *raw = json_string_value(id);
    *out = NULL;
    if (raw && *raw) {
        enum dw_status st =
            dw_pseudonym(ctx->pseudonym_key, PLATFORM, raw, wk, err);
        if (st != DW_OK)
            return st;
    }
    *out = json_string(raw && *raw ? wk : "(invalid)");
    return *out ? DW_OK : dw_error_set(err, DW_ERR_NOMEM, "out of memory");
}

/*
 * Walks the answer: every freelancer id (freelancer.id, user.id, or a bare
 * string in place of the freelancer object) becomes its worker key, free
 * text is dropped, links become "(removed)". After this nothing in the
 * tree identifies a person or shows their screen.
 */
static enum dw_status scrub(const struct dw_platform_ctx *ctx, json_t *v,
                            bool person, struct dw_error *err)
{
    enum dw_status st = DW_OK;
    size_t i;
    const char *k;
    json_t *e, *tmp, *repl = NULL;

    if (json_is_array(v)) {
        json_array_foreach(v, i, e)
        {
            if (url_like("", e) &&
                json_array_set_new(v, i, json_string(REMOVED)))
                return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
            st = scrub(ctx, e, false, err);
            if (st != DW_OK)
                return st;
        }
        return DW_OK;
    }
    json_object_foreach_safe(v, tmp, k, e)
    {
        bool who = strcmp(k, "freelancer") == 0 || strcmp(k, "user") == 0;
        int rc = 0;
        if (denied_key(k)) {
            rc = json_object_del(v, k);
        } else if ((person && strcmp(k, "id") == 0) ||
                   (who && json_is_string(e))) {
            st = person_key(ctx, e, &repl, err);
            if (st == DW_OK && who)
                repl = json_pack("{s:o}", "id", repl);
            if (st == DW_OK)
                rc = json_object_set_new(v, k, repl);
        } else if (url_like(k, e)) {
            rc = json_object_set_new(v, k, json_string(REMOVED));
        } else {
            st = scrub(ctx, e, who, err);
        }
        if (st != DW_OK)
            return st;
        if (rc)
            return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    }
    return DW_OK;
}

/* The worker key a scrubbed node carries, or NULL. */
static const char *node_worker(json_t *node)
{
    const char *k = json_string_value(
        json_object_get(json_object_get(node, "freelancer"), "id"));
    return k && strlen(k) == DW_PSEUDONYM_HEX - 1 ? k : NULL;
}

/* ---- errors[] ---- */

static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; hay && *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

/*
 * A GraphQL errors[] array: a missing scope or permission is final
 * (DW_ERR_AUTH, with Upwork's message: the operator must fix the API
 * key); anything else may pass (DW_ERR_PARSE: retried).
 */
static enum dw_status classify_errors(json_t *errors, struct dw_error *err)
{
    size_t i;
    json_t *e;
    const char *first = NULL;
    json_array_foreach(errors, i, e)
    {
        const char *msg = json_string_value(json_object_get(e, "message"));
        const char *cls = json_string_value(json_object_get(
            json_object_get(e, "extensions"), "classification"));
        if (!first)
            first = msg;
        if (contains_ci(msg, "permission") || contains_ci(msg, "scopes") ||
            contains_ci(msg, "authorization failed") ||
            contains_ci(msg, "not authorized") ||
            contains_ci(cls, "permission") || contains_ci(cls, "unauthorized"))
            return dw_error_set(err, DW_ERR_AUTH, "upwork: %.400s",
                                msg ? msg : cls);
    }
    return dw_error_set(err, DW_ERR_PARSE, "upwork: GraphQL error: %.300s",
                        first ? first : "(no message)");
}

/* True when the text holds the key "errors" (a cheap test before parsing). */
static bool mentions_errors(const char *body, size_t len)
{
    static const char key[] = "\"errors\"";
    for (size_t i = 0; i + sizeof(key) - 1 <= len; i++)
        if (memcmp(body + i, key, sizeof(key) - 1) == 0)
            return true;
    return false;
}

/*
 * HTTP 200 with errors[], decided before parse: a missing scope stops at
 * once (DW_ERR_AUTH), any other error is retried. parse() applies the
 * same rule, so the outcome does not depend on this hook running.
 */
static void upwork_classify(const struct dw_platform_ctx *ctx,
                            const struct dw_request *req, long status,
                            const char *body, size_t len,
                            struct dw_http_verdict *v)
{
    (void)ctx;
    (void)req;
    if (status != 200 || !body || !mentions_errors(body, len))
        return;
    json_t *root = json_loadb(body, len, 0, NULL);
    json_t *errors = json_object_get(root, "errors");
    if (json_is_array(errors) && json_array_size(errors) > 0) {
        struct dw_error e = {0};
        enum dw_status st = classify_errors(errors, &e);
        v->kind = st == DW_ERR_AUTH ? DW_HTTP_FINAL : DW_HTTP_RETRY;
        v->final = st;
        snprintf(v->msg, sizeof(v->msg), "%.*s", (int)sizeof(v->msg) - 1,
                 e.msg);
    }
    json_decref(root);
}

/* data.<field> of an answer, or an error (errors[] classified). */
static enum dw_status answer_data(json_t *root, const char *field,
                                  json_t **data, struct dw_error *err)
{
    json_t *errors = json_object_get(root, "errors");
    json_t *d = json_object_get(root, "data");
    *data = NULL;
    /* Partial data with errors is not trusted: the page is retried. */
    if (json_is_array(errors) && json_array_size(errors) > 0)
        return classify_errors(errors, err);
    if (!json_is_object(d))
        return dw_error_set(err, DW_ERR_PARSE, "upwork: no data object");
    *data = json_object_get(d, field);
    if (!*data)
        return dw_error_set(err, DW_ERR_PARSE, "upwork: no data.%s", field);
    return DW_OK;
}

/* ---- values ---- */

/*
 * A non-negative amount in whole units of cur: a decimal string ("28.50"),
 * a JSON integer (28) or a JSON real (28.5, read through its decimal).
 */
static bool parse_amount(json_t *v, const char *cur, int64_t *micros)
{
    if (json_is_string(v))
        return dw_money_parse(json_string_value(v), micros, NULL) == DW_OK &&
               *micros >= 0;
    return dw_json_money(v, cur, micros) && *micros >= 0;
}

/* Money {rawValue, currency} with a known currency. */
static bool parse_money(json_t *m, int64_t *micros, char cur[DW_CURRENCY_LEN])
{
    const char *c = json_string_value(json_object_get(m, "currency"));
    if (!c || !dw_currency_known(c) ||
        !parse_amount(json_object_get(m, "rawValue"), c, micros))
        return false;
    memcpy(cur, c, strlen(c) + 1);
    return true;
}

/* Hours (number or decimal string) -> whole seconds, rounded. */
static bool parse_hours(json_t *v, int64_t *secs)
{
    int64_t micro_h;
    if (json_is_string(v)) {
        if (dw_decimal_parse(json_string_value(v), 6, DW_ROUND_HALF_AWAY, false,
                             &micro_h) != DW_OK)
            return false;
    } else if (json_is_number(v)) {
        double h = json_number_value(v);
        if (!(h >= 0 && h <= 24.0 * 366))
            return false;
        micro_h = (int64_t)(h * 1e6 + 0.5);
    } else {
        return false;
    }
    if (micro_h < 0 || micro_h > (int64_t)24 * 366 * 1000000)
        return false;
    /* 3600 s per hour: seconds = micro_h * 3600 / 1e6, rounded. */
    *secs = (micro_h * 36 + 5000) / 10000;
    return true;
}

/* cellDateTime: {rawValue: epoch seconds as text} (or the bare value). */
static bool parse_cell_time(json_t *v, int64_t *us)
{
    json_t *raw = json_is_object(v) ? json_object_get(v, "rawValue") : v;
    if (json_is_string(raw)) {
        const char *s = json_string_value(raw);
        if (strchr(s, '-') && strchr(s, 'T'))
            return dw_time_parse_iso(s, false, us, NULL) == DW_OK;
        return dw_time_parse_epoch(s, us, NULL) == DW_OK;
    }
    if (json_is_integer(raw)) {
        json_int_t s = json_integer_value(raw);
        if (s < 0 || s > (json_int_t)1 << 40)
            return false;
        *us = (int64_t)s * DW_USEC;
        return true;
    }
    if (json_is_real(raw))
        return dw_time_from_epoch_real(json_real_value(raw), us, NULL) == DW_OK;
    return false;
}

/* A count: absent or null -> DW_NONE; else a non-negative integer. */
static bool opt_count(json_t *o, const char *key, int64_t *out)
{
    json_t *v = json_object_get(o, key);
    *out = DW_NONE;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_integer(v) || json_integer_value(v) < 0 ||
        json_integer_value(v) > 100000000)
        return false;
    *out = (int64_t)json_integer_value(v);
    return true;
}

static bool present(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_true(v) || (json_is_string(v) && *json_string_value(v));
}

/* ---- rows ---- */

static enum dw_status quarantine(const struct dw_request *req,
                                 struct dw_parse_out *out, int index,
                                 const char *reason, json_t *rec,
                                 struct dw_error *err)
{
    /* The page names the query, not just "/graphql". */
    struct dw_buf page;
    enum dw_status st;
    dw_buf_init(&page, 4096);
    if (dw_buf_printf(&page, "%s#%s", dw_url_path(req->url),
                      root_field(req->kind)) == DW_OK)
        st = dw_json_quarantine_at(out, page.data, index, reason, rec, err);
    else
        st = dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    dw_buf_release(&page);
    return st;
}

/* What a time-report row says about one contract-day of one freelancer. */
struct day_work {
    const char *contract;
    const char *worker;
    int64_t day;
    int64_t seconds;
    int64_t reward_micros;
    const char *currency;
};

/*
 * The unit of a contract-day. accepted is the first tracked cell, or
 * DW_TIME_NONE for midnight UTC. Upwork bills hourly work by the week
 * (Monday 00:00 to Sunday 24:00 UTC); the client may dispute it Monday to
 * Friday of the next week, and the freelancer is paid ten days after the
 * week ends. Those dates are set once they have passed.
 */
static enum dw_status add_unit(const struct dw_platform_ctx *ctx,
                               const struct day_work *w, int64_t accepted,
                               struct dw_parse_out *out, struct dw_error *err)
{
    char date[11];
    struct dw_buf id;
    /* 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays. */
    int64_t monday = w->day - ((w->day + 3) % 7 + 7) % 7;
    int64_t decided = (monday + REVIEW_DAYS) * DAY_S * DW_USEC;
    int64_t paid = (monday + PAID_DAYS) * DAY_S * DW_USEC;
    struct dw_unit_row *u = dw_page_rows_add_unit(&out->rows);

    if (!u)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    day_text(w->day, date);
    dw_buf_init(&id, 512);
    if (dw_buf_printf(&id, "%s:%s:%s", w->contract, date, w->worker) != DW_OK) {
        dw_buf_release(&id);
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    }
    u->external_id = dw_buf_take(&id);
    u->task_external_id = strdup(w->contract);
    bool decided_yet = decided <= ctx->now;
    u->status = decided_yet ? DW_UNIT_APPROVED : DW_UNIT_SUBMITTED;
    u->status_raw = strdup(decided_yet ? "approved" : "in_review");
    if (!u->external_id || !u->task_external_id || !u->status_raw)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    memcpy(u->worker_key, w->worker, DW_PSEUDONYM_HEX);
    u->accepted_at =
        accepted != DW_TIME_NONE ? accepted : w->day * DAY_S * DW_USEC;
    u->submitted_at = u->accepted_at + w->seconds * DW_USEC;
    u->duration_s = w->seconds;
    u->decided_at = decided_yet ? decided : DW_TIME_NONE;
    u->paid_at = paid <= ctx->now ? paid : DW_TIME_NONE;
    u->has_reward = true;
    u->reward_micros = w->reward_micros;
    memcpy(u->currency, w->currency, strlen(w->currency) + 1);
    return DW_OK;
}

/* Appends the next page of req's list when pageInfo says there is one. */
static enum dw_status take_next(const struct dw_platform_ctx *ctx,
                                const struct dw_request *req, json_t *conn,
                                struct dw_parse_out *out, struct dw_error *err)
{
    json_t *info = json_object_get(conn, "pageInfo");
    json_t *more = json_object_get(info, "hasNextPage");
    if (!json_is_object(info) || !json_is_boolean(more))
        return dw_error_set(err, DW_ERR_PARSE, "upwork: no pageInfo");
    if (!json_is_true(more))
        return DW_OK;
    const char *cursor = json_string_value(json_object_get(info, "endCursor"));
    json_t *scope = load_scope(req);
    const char *cur_after = json_string_value(json_object_get(scope, "after"));
    enum dw_status st = DW_OK;
    if (!cursor || !*cursor || (cur_after && strcmp(cursor, cur_after) == 0)) {
        st = dw_error_set(err, DW_ERR_PARSE,
                          "upwork: endCursor does not move forward");
    } else if (!scope ||
               json_object_set_new(scope, "after", json_string(cursor))) {
        st = dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    } else {
        dw_request_release(&out->next);
        st = make_req(ctx, &out->next, req->kind, false, scope, err);
        out->has_next = st == DW_OK;
    }
    json_decref(scope);
    return st;
}

static enum dw_status parse_contract(const struct dw_platform_ctx *ctx,
                                     const struct dw_request *req, int index,
                                     json_t *node, struct dw_parse_out *out,
                                     struct dw_error *err)
{
    const char *id = json_string_value(json_object_get(node, "id"));
    json_t *rate = json_object_get(node, "hourlyRate");
    char cur[DW_CURRENCY_LEN] = "";
    int64_t micros = 0, start = DW_TIME_NONE;
    enum dw_status st;

    if (!id || !*id)
        return quarantine(req, out, index, "missing id", node, err);
    if (!id_ok(id))
        return quarantine(req, out, index, "malformed id", node, err);
    bool has_rate = rate && !json_is_null(rate);
    if (has_rate && !parse_money(rate, &micros, cur)) {
        /* Keep the contract (its time report has its own charges). */
        st = quarantine(req, out, index, "hourlyRate unparseable", node, err);
        if (st != DW_OK)
            return st;
        has_rate = false;
    }
    const char *sd = json_string_value(json_object_get(node, "startDate"));
    if (sd && dw_time_parse_iso(sd, true, &start, NULL) != DW_OK)
        start = DW_TIME_NONE;

    struct dw_task_row *t = dw_page_rows_add_task(&out->rows);
    if (!t)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    t->external_id = strdup(id);
    const char *title = json_string_value(json_object_get(node, "title"));
    if (title)
        t->title = strdup(title);
    if (!t->external_id || (title && !t->title))
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    if (has_rate) {
        /* The advertised reward of an hourly contract: its rate per hour. */
        t->has_reward = true;
        t->reward_micros = micros;
        memcpy(t->currency, cur, sizeof(cur));
        t->estimate_s = 3600;
    }
    t->created_at = start;

    /* Its time report, from the window (or its start) to today. */
    int64_t today = floor_day(ctx->now);
    int64_t from = ctx->since != DW_TIME_NONE ? floor_day(ctx->since)
                   : start != DW_TIME_NONE    ? floor_day(start)
                                              : today - BACKFILL_DAYS;
    if (start != DW_TIME_NONE && floor_day(start) > from)
        from = floor_day(start);
    if (from > today)
        return DW_OK;
    char f[11], to[11];
    day_text(from, f);
    day_text(today, to);
    json_t *scope = json_pack("{s:s,s:s,s:s,s:s}", "contract", id, "currency",
                              has_rate ? cur : "", "from", f, "to", to);
    if (!scope)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    st = push_req(ctx, &out->follow, UK_TIME_REPORT, false, scope, err);
    json_decref(scope);
    return st;
}

static enum dw_status parse_time_row(const struct dw_platform_ctx *ctx,
                                     const struct dw_request *req,
                                     json_t *scope, int index, json_t *node,
                                     struct dw_parse_out *out,
                                     struct dw_error *err)
{
    struct day_work w = {0};
    char money_cur[DW_CURRENCY_LEN];
    const char *date = json_string_value(json_object_get(node, "dateWorkedOn"));
    json_t *bill = json_object_get(node, "billRate");
    const char *code = json_string_value(json_object_get(bill, "code"));
    const char *scur = json_string_value(json_object_get(scope, "currency"));

    w.contract = json_string_value(
        json_object_get(json_object_get(node, "contract"), "id"));
    if (!w.contract)
        w.contract = json_string_value(json_object_get(scope, "contract"));
    w.worker = node_worker(node);
    /* Upwork bills in the bill rate's currency; else the contract's. */
    w.currency = code && *code ? code : scur && *scur ? scur : "USD";
    if (!id_ok(w.contract))
        return quarantine(req, out, index, "missing or malformed contract",
                          node, err);
    if (!w.worker)
        return quarantine(req, out, index, "missing freelancer", node, err);
    if (!parse_day(date, &w.day))
        return quarantine(req, out, index, "dateWorkedOn unparseable", node,
                          err);
    if (w.day * DAY_S * DW_USEC > ctx->now + FUTURE_SLACK)
        return quarantine(req, out, index, "dateWorkedOn in the future", node,
                          err);
    if (!parse_hours(json_object_get(node, "totalHoursWorked"), &w.seconds))
        return quarantine(req, out, index, "totalHoursWorked not valid", node,
                          err);
    if (w.seconds > DAY_S)
        return quarantine(req, out, index, "more than 24 hours in a day", node,
                          err);
    if (!dw_currency_known(w.currency))
        return quarantine(req, out, index, "unknown currency", node, err);
    json_t *charges = json_object_get(node, "totalCharges");
    if (json_is_object(charges)) {
        /* Money {rawValue, currency} names its own currency. */
        if (!parse_money(charges, &w.reward_micros, money_cur))
            return quarantine(req, out, index, "totalCharges not valid", node,
                              err);
        w.currency = money_cur;
    } else if (!parse_amount(charges, w.currency, &w.reward_micros)) {
        return quarantine(req, out, index, "totalCharges not valid", node, err);
    }
    if (ctx->since != DW_TIME_NONE && w.day < floor_day(ctx->since)) {
        out->skipped++;
        return DW_OK;
    }
    if (w.seconds == 0)
        return add_unit(ctx, &w, DW_TIME_NONE, out, err);

    /* Tracked time: the diary gives the cells and the real start. */
    char d[11];
    day_text(w.day, d);
    json_t *ds = json_pack("{s:s,s:s,s:s,s:I,s:I,s:s}", "contract", w.contract,
                           "date", d, "worker", w.worker, "seconds",
                           (json_int_t)w.seconds, "reward",
                           (json_int_t)w.reward_micros, "currency", w.currency);
    if (!ds)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    enum dw_status st = push_req(ctx, &out->follow, UK_DIARY, false, ds, err);
    json_decref(ds);
    return st;
}

/* One 10-minute cell -> a segment; *first tracks the day's first cell. */
static enum dw_status parse_cell(const struct dw_platform_ctx *ctx,
                                 const struct dw_request *req,
                                 const char *worker, int index, json_t *c,
                                 int64_t *first, struct dw_parse_out *out,
                                 struct dw_error *err)
{
    int64_t at, kb, mouse, level;
    json_t *shots = json_object_get(c, "screenshots");

    if (!json_is_object(c))
        return quarantine(req, out, index, "not an object", c, err);
    if (!parse_cell_time(json_object_get(c, "cellDateTime"), &at))
        return quarantine(req, out, index, "cellDateTime unparseable", c, err);
    if (at > ctx->now + FUTURE_SLACK)
        return quarantine(req, out, index, "cellDateTime in the future", c,
                          err);
    if (!opt_count(c, "keyboardEventsCount", &kb) ||
        !opt_count(c, "mouseEventsCount", &mouse))
        return quarantine(req, out, index, "event count not valid", c, err);
    if (!opt_count(c, "activityLevel", &level) || level > 32767)
        return quarantine(req, out, index, "activityLevel not valid", c, err);
    if (shots && !json_is_null(shots) && !json_is_array(shots))
        return quarantine(req, out, index, "screenshots not a list", c, err);

    struct dw_segment_row *s = dw_page_rows_add_segment(&out->rows);
    if (!s)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    memcpy(s->worker_key, worker, DW_PSEUDONYM_HEX);
    s->started_at = at;
    s->duration_s = CELL_S;
    s->keyboard_events = kb;
    s->mouse_events = mouse;
    s->activity_level = level;
    s->manual = json_is_true(json_object_get(c, "manual"));
    if (json_is_array(shots)) {
        /* Several captures in one cell (workDiaryCompany's shape). */
        size_t i;
        json_t *e;
        json_array_foreach(shots, i, e)
        {
            s->screenshots++;
            if (present(e, "hasWebcam") || present(e, "webcamUrl"))
                s->webcam_shots++;
        }
    } else {
        s->screenshots = json_is_true(json_object_get(c, "hasScreenshot"));
        s->webcam_shots = present(c, "webcamEnabled") ||
                          present(c, "webcamImageUrl") ||
                          present(c, "webcamImageThumbnail");
    }
    if (*first == DW_TIME_NONE || at < *first)
        *first = at;
    return DW_OK;
}

static enum dw_status parse_diary(const struct dw_platform_ctx *ctx,
                                  const struct dw_request *req, json_t *scope,
                                  json_t *diary, struct dw_parse_out *out,
                                  struct dw_error *err)
{
    struct day_work w = {0};
    json_int_t secs = -1, reward = -1;
    const char *date = NULL;
    int64_t first = DW_TIME_NONE;

    if (json_unpack(scope, "{s:s,s:s,s:s,s:I,s:I,s:s}", "contract", &w.contract,
                    "date", &date, "worker", &w.worker, "seconds", &secs,
                    "reward", &reward, "currency", &w.currency) != 0 ||
        !parse_day(date, &w.day) || secs < 0 || reward < 0 ||
        strlen(w.worker) != DW_PSEUDONYM_HEX - 1 ||
        !dw_currency_known(w.currency) || !id_ok(w.contract))
        return dw_error_set(err, DW_ERR_INTERNAL,
                            "upwork: diary request without its day");
    w.seconds = (int64_t)secs;
    w.reward_micros = (int64_t)reward;
    /* null: no diary (archived, or time added by hand): no cells. */
    if (!json_is_null(diary)) {
        json_t *cells = json_object_get(diary, "workDiaryTimeCells");
        if (!json_is_object(diary) ||
            (cells && !json_is_null(cells) && !json_is_array(cells)))
            return dw_error_set(err, DW_ERR_PARSE,
                                "upwork: workDiaryTimeCells is not a list");
        size_t i;
        json_t *c;
        json_array_foreach(cells, i, c)
        {
            enum dw_status st =
                parse_cell(ctx, req, w.worker, (int)i, c, &first, out, err);
            if (st != DW_OK)
                return st;
        }
    }
    return add_unit(ctx, &w, first, out, err);
}

/* edges[].node of a Relay connection: contracts or time-report rows. */
static enum dw_status parse_edges(const struct dw_platform_ctx *ctx,
                                  const struct dw_request *req, json_t *scope,
                                  json_t *conn, struct dw_parse_out *out,
                                  struct dw_error *err)
{
    json_t *edges = json_object_get(conn, "edges");
    size_t i;
    json_t *e;
    if (!json_is_object(conn) || !json_is_array(edges))
        return dw_error_set(err, DW_ERR_PARSE, "upwork: no edges list");
    json_array_foreach(edges, i, e)
    {
        json_t *node = json_object_get(e, "node");
        enum dw_status st;
        if (!json_is_object(node))
            st = quarantine(req, out, (int)i, "edge without a node", e, err);
        else if (req->kind == UK_CONTRACTS)
            st = parse_contract(ctx, req, (int)i, node, out, err);
        else
            st = parse_time_row(ctx, req, scope, (int)i, node, out, err);
        if (st != DW_OK)
            return st;
    }
    return take_next(ctx, req, conn, out, err);
}

static enum dw_status upwork_parse(const struct dw_platform_ctx *ctx,
                                   const struct dw_request *req,
                                   const char *body, size_t len,
                                   struct dw_parse_out *out,
                                   struct dw_error *err)
{
    json_error_t jerr = {0};
    json_t *root = body ? json_loadb(body, len, 0, &jerr) : NULL;
    json_t *scope = NULL, *data = NULL;
    const char *field = root_field(req->kind);
    enum dw_status st;

    if (!root)
        /* jerr.text may quote the body (ids, links): only the offset. */
        return dw_error_set(err, DW_ERR_PARSE,
                            "upwork: not JSON (at byte %d of %zu)",
                            jerr.position, len);
    if (!json_is_object(root)) {
        st = dw_error_set(err, DW_ERR_PARSE, "upwork: not a JSON object");
        goto done;
    }
    scope = load_scope(req);
    if (!field || !scope) {
        st = dw_error_set(err, DW_ERR_INTERNAL,
                          "upwork: unknown request kind %d", req->kind);
        goto done;
    }
    st = scrub(ctx, root, false, err);
    if (st == DW_OK)
        st = answer_data(root, field, &data, err);
    if (st != DW_OK)
        goto done;
    if (req->kind == UK_DIARY)
        st = parse_diary(ctx, req, scope, data, out, err);
    else
        st = parse_edges(ctx, req, scope, data, out, err);
    if (st == DW_OK)
        st = dw_json_land(root, out, err);
done:
    json_decref(scope);
    json_decref(root);
    return st;
}

const struct dw_platform dw_platform_upwork = {
    .name = PLATFORM,
    .default_endpoint = "https://api.upwork.com",
    .start = upwork_start,
    .prepare = upwork_prepare,
    .parse = upwork_parse,
    .classify = upwork_classify,
};
