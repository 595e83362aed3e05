/* collector/platform_mturk.c — MTurk HITs, assignments and bonuses (JSON 1.1).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "adapter_json.h"
#include "buf.h"
#include "dwtime.h"
#include "money.h"
#include "platform.h"
#include "platform_mturk.h"
#include "pseudonym.h"

/* Request kinds; stored in frontiers, so never renumber. */
enum {
    MK_HITS = 1,        /* ListHITs */
    MK_ASSIGNMENTS = 2, /* ListAssignmentsForHIT, scope {"hit","reward"} */
    MK_BONUSES = 3,     /* ListBonusPayments by HITId, scope {"hit"} */
};

#define PLATFORM "mturk"
#define TARGET_PREFIX "MTurkRequesterServiceV20170117."
#define SERVICE "mturk-requester"
#define DEFAULT_REGION "us-east-1"
#define MAX_RESULTS 100 /* the API's ceiling for MaxResults */
#define CURRENCY "USD"  /* MTurk pays in US dollars only */
#define FUTURE_SLACK (86400LL * DW_USEC)
#define TOKEN_MAX 4096

static const char *operation(int kind)
{
    switch (kind) {
    case MK_HITS:
        return "ListHITs";
    case MK_ASSIGNMENTS:
        return "ListAssignmentsForHIT";
    case MK_BONUSES:
        return "ListBonusPayments";
    default:
        return NULL;
    }
}

/* HIT and assignment ids: ^[A-Z0-9]+$, at most 64 characters. */
static bool id_ok(const char *id)
{
    if (!id || !*id || strlen(id) > 64)
        return false;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
            return false;
    return true;
}

static json_int_t max_results(const struct dw_platform_ctx *ctx)
{
    long n = ctx->source ? ctx->source->page_size : 0;
    return n > 0 && n < MAX_RESULTS ? (json_int_t)n : MAX_RESULTS;
}

/*
 * The JSON input of a list call: MaxResults, the HIT for child lists, all
 * three statuses for assignments, and the NextToken when not NULL.
 */
static char *make_input(const struct dw_platform_ctx *ctx, int kind,
                        const char *hit, const char *next_token)
{
    json_t *o = json_pack("{s:I}", "MaxResults", max_results(ctx));
    char *s = NULL;
    if (!o)
        return NULL;
    if (hit && json_object_set_new(o, "HITId", json_string(hit)) != 0)
        goto done;
    if (kind == MK_ASSIGNMENTS &&
        json_object_set_new(
            o, "AssignmentStatuses",
            json_pack("[sss]", "Submitted", "Approved", "Rejected")) != 0)
        goto done;
    if (next_token &&
        json_object_set_new(o, "NextToken", json_string(next_token)) != 0)
        goto done;
    s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
done:
    json_decref(o);
    return s;
}

static enum dw_status push_list(const struct dw_platform_ctx *ctx,
                                struct dw_request_list *l, int kind, bool root,
                                const char *hit, const char *scope,
                                struct dw_error *err)
{
    struct dw_buf url;
    dw_buf_init(&url, 8192);
    char *input = make_input(ctx, kind, hit, NULL);
    enum dw_status st =
        input ? dw_buf_printf(&url, "%s/", ctx->endpoint) : DW_ERR_NOMEM;
    if (st == DW_OK)
        st = dw_request_list_push_body(l, kind, root, url.data, scope, input);
    dw_buf_release(&url);
    free(input);
    if (st != DW_OK)
        dw_error_set(err, st, "mturk: cannot build a request");
    return st;
}

static enum dw_status mturk_start(const struct dw_platform_ctx *ctx,
                                  struct dw_request_list *out,
                                  struct dw_error *err)
{
    return push_list(ctx, out, MK_HITS, true, NULL, NULL, err);
}

static enum dw_status mturk_prepare(const struct dw_platform_ctx *ctx,
                                    const struct dw_request *req,
                                    struct dw_http_req *hreq,
                                    struct dw_error *err)
{
    const char *op = operation(req->kind);
    const char *region = ctx->source && ctx->source->region
                             ? ctx->source->region
                             : DEFAULT_REGION;
    size_t akid_len;
    const char *secret;

    if (!op || !req->body)
        return dw_error_set(err, DW_ERR_INTERNAL,
                            "mturk: request kind %d has no input", req->kind);
    if (!ctx->credential || !*ctx->credential)
        return dw_error_set(err, DW_ERR_CONFIG,
                            "mturk: no credential (ACCESS_KEY_ID:SECRET)");
    if (dw_credential_split(ctx->credential,
                            "mturk: the credential (ACCESS_KEY_ID:SECRET)",
                            &akid_len, &secret, err) != DW_OK)
        return DW_ERR_CONFIG;
    enum dw_status st =
        dw_http_req_set_aws_sigv4(hreq, region, SERVICE, ctx->credential, err);
    if (st != DW_OK)
        return dw_error_prefix(err, "mturk: ");
    if (dw_http_req_set_body(hreq, "POST", "application/x-amz-json-1.1",
                             req->body, strlen(req->body)) != DW_OK ||
        dw_http_req_add_header(hreq, "X-Amz-Target: %s%s", TARGET_PREFIX, op) !=
            DW_OK ||
        dw_http_req_add_header(hreq, "Accept: application/json") != DW_OK)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    return DW_OK;
}

/* ---- responses ---- */

/*
 * An AWS JSON error code as botocore reads it: "__type" without any
 * "namespace#" prefix and anything after ':'. Copied into out.
 */
static void error_code(json_t *root, char *out, size_t n)
{
    const char *t = json_string_value(json_object_get(root, "__type"));
    out[0] = '\0';
    if (!t)
        return;
    const char *hash = strrchr(t, '#');
    if (hash)
        t = hash + 1;
    size_t len = strcspn(t, ":");
    if (len >= n)
        len = n - 1;
    memcpy(out, t, len);
    out[len] = '\0';
}

static const char *error_message(json_t *root)
{
    const char *m = json_string_value(json_object_get(root, "message"));
    if (!m)
        m = json_string_value(json_object_get(root, "Message"));
    return m ? m : "";
}

static bool is_one_of(const char *code, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(code, list[i]) == 0)
            return true;
    return false;
}

/* True when a RequestError is about the page token (stale or invalid). */
static bool about_next_token(const char *msg)
{
    return strstr(msg, "NextToken") || strstr(msg, "next token") ||
           strstr(msg, "pagination token");
}

static void mturk_classify(const struct dw_platform_ctx *ctx,
                           const struct dw_request *req, long status,
                           const char *body, size_t len,
                           struct dw_http_verdict *v)
{
    static const char *const throttling[] = {
        "ThrottlingException", "Throttling", "RequestLimitExceeded",
        "TooManyRequestsException"};
    static const char *const auth[] = {
        "IncompleteSignature",         "IncompleteSignatureException",
        "InvalidSignatureException",   "SignatureDoesNotMatch",
        "UnrecognizedClientException", "InvalidClientTokenId",
        "MissingAuthenticationToken",  "MissingAuthenticationTokenException",
        "AccessDeniedException",       "ExpiredTokenException"};
    char code[96];
    (void)ctx;

    if (status >= 200 && status <= 299)
        return;
    json_t *root = json_loadb(body, len, 0, NULL);
    error_code(root, code, sizeof(code));
    if (!code[0]) {
        json_decref(root);
        return; /* no AWS error body (a proxy's page): the status decides */
    }
    const char *msg = error_message(root);
    /* Long AWS messages are cut to fit: the code comes first. */
    if (snprintf(v->msg, sizeof(v->msg), "%s: %.200s", code, msg) < 0)
        v->msg[0] = '\0';
    if (is_one_of(code, throttling, sizeof(throttling) / sizeof(*throttling))) {
        v->kind = DW_HTTP_RETRY;
        v->final = DW_ERR_THROTTLED;
    } else if (strcmp(code, "ServiceFault") == 0 ||
               strcmp(code, "ServiceUnavailable") == 0 ||
               strcmp(code, "InternalFailure") == 0) {
        v->kind = DW_HTTP_RETRY;
        v->final = DW_ERR_HTTP;
    } else if (is_one_of(code, auth, sizeof(auth) / sizeof(*auth))) {
        v->kind = DW_HTTP_FINAL;
        v->final = DW_ERR_AUTH;
        if (snprintf(v->msg, sizeof(v->msg),
                     "AWS rejected the request signature or credentials "
                     "(check ACCESS_KEY_ID:SECRET and the region): %s: %.180s",
                     code, msg) < 0)
            v->msg[0] = '\0';
    } else if (strcmp(code, "RequestError") == 0 && about_next_token(msg)) {
        v->kind = DW_HTTP_FINAL;
        v->final = DW_ERR_HTTP;
        v->restart_crawl = true;
    } else if (strcmp(code, "RequestError") == 0 && !req->root &&
               strstr(msg, "does not exist")) {
        /* The HIT was disposed between ListHITs and this call. */
        v->kind = DW_HTTP_FINAL;
        v->final = DW_ERR_NOT_FOUND;
    } else if (status >= 500) {
        v->kind = DW_HTTP_RETRY;
        v->final = DW_ERR_HTTP;
    } else {
        v->kind = DW_HTTP_FINAL;
        v->final = DW_ERR_HTTP;
    }
    json_decref(root);
}

/* ---- parsing ---- */

/* Path of a URL for quarantine rows plus the operation: never a host. */
static char *page_name(const struct dw_request *req)
{
    struct dw_buf b;
    dw_buf_init(&b, 512);
    if (dw_buf_printf(&b, "%s %s", dw_url_path(req->url),
                      operation(req->kind)) != DW_OK) {
        dw_buf_release(&b);
        return NULL;
    }
    return dw_buf_take(&b);
}

static enum dw_status quarantine(const struct dw_request *req,
                                 struct dw_parse_out *out, int index,
                                 const char *reason, json_t *rec,
                                 struct dw_error *err)
{
    char *page = page_name(req);
    enum dw_status st =
        page ? dw_json_quarantine_at(out, page, index, reason, rec, err)
             : dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    free(page);
    return st;
}

/*
 * A JSON-protocol timestamp: epoch seconds as a JSON number (integer,
 * decimal or exponent form; Jansson hands over a double, exact to the
 * millisecond MTurk uses). Absent or null -> DW_TIME_NONE.
 */
static bool get_time(json_t *o, const char *key, int64_t *out)
{
    json_t *v = json_object_get(o, key);
    *out = DW_TIME_NONE;
    if (!v || json_is_null(v))
        return true;
    if (json_is_integer(v)) {
        json_int_t s = json_integer_value(v);
        if (s < 0 || s > INT64_MAX / DW_USEC)
            return false;
        *out = (int64_t)s * DW_USEC;
        return true;
    }
    if (json_is_real(v))
        return dw_time_from_epoch_real(json_real_value(v), out, NULL) ==
                   DW_OK &&
               *out >= 0;
    return false;
}

enum dw_status dw_mturk_money(const char *s, int64_t *micros)
{
    size_t i = 0, frac = 0;
    if (!s || s[0] < '0' || s[0] > '9')
        return DW_ERR_PARSE;
    while (s[i] >= '0' && s[i] <= '9')
        i++;
    if (s[i] == '.') {
        i++;
        while (s[i] >= '0' && s[i] <= '9') {
            i++;
            frac++;
        }
    }
    if (s[i] != '\0' || frac > 2)
        return DW_ERR_PARSE;
    return dw_money_parse(s, micros, NULL);
}

static bool get_money(json_t *o, const char *key, int64_t *out)
{
    return dw_mturk_money(json_string_value(json_object_get(o, key)), out) ==
           DW_OK;
}

/*
 * Replaces the raw WorkerId with its worker key in rec. False when it is
 * missing or not a string (what was there is replaced, never kept).
 */
static bool pseudonymize(const struct dw_platform_ctx *ctx, json_t *rec,
                         char *wk, struct dw_error *err, enum dw_status *st)
{
    json_t *w = json_object_get(rec, "WorkerId");
    *st = DW_OK;
    if (!json_is_string(w) || !*json_string_value(w)) {
        if (w && !json_is_null(w))
            json_object_set_new(rec, "WorkerId", json_string("(invalid)"));
        return false;
    }
    *st = dw_pseudonym(ctx->pseudonym_key, PLATFORM, json_string_value(w), wk,
                       err);
    if (*st != DW_OK)
        return false;
    if (json_object_set_new(rec, "WorkerId", json_string(wk)) != 0)
        *st = dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    return *st == DW_OK;
}

enum dw_unit_status dw_mturk_status(const char *raw)
{
    if (!raw)
        return DW_UNIT_UNKNOWN;
    if (strcmp(raw, "Submitted") == 0)
        return DW_UNIT_SUBMITTED;
    if (strcmp(raw, "Approved") == 0)
        return DW_UNIT_APPROVED;
    if (strcmp(raw, "Rejected") == 0)
        return DW_UNIT_REJECTED;
    return DW_UNIT_UNKNOWN;
}

/* The scope of a child list: {"hit":ID[,"reward":MICROS]}. */
static char *make_scope(const char *hit, bool has_reward, int64_t reward)
{
    json_t *o = json_pack("{s:s}", "hit", hit);
    char *s = NULL;
    if (o && has_reward)
        json_object_set_new(o, "reward", json_integer((json_int_t)reward));
    if (o)
        s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    return s;
}

static enum dw_status parse_hit(const struct dw_platform_ctx *ctx,
                                const struct dw_request *req, int index,
                                json_t *h, struct dw_parse_out *out,
                                struct dw_error *err)
{
    const char *id = json_string_value(json_object_get(h, "HITId"));
    int64_t created, expires, reward = 0;
    json_t *jrew = json_object_get(h, "Reward");

    if (!id || !*id)
        return quarantine(req, out, index, "missing HITId", h, err);
    if (!id_ok(id))
        return quarantine(req, out, index, "malformed HITId", h, err);
    if (!get_time(h, "CreationTime", &created))
        return quarantine(req, out, index, "CreationTime unparseable", h, err);
    if (!get_time(h, "Expiration", &expires))
        return quarantine(req, out, index, "Expiration unparseable", h, err);
    bool has_reward = jrew && !json_is_null(jrew);
    if (has_reward && !get_money(h, "Reward", &reward))
        return quarantine(req, out, index, "Reward is not a USD amount", h,
                          err);

    struct dw_task_row *t = dw_page_rows_add_task(&out->rows);
    if (!t)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    t->external_id = strdup(id);
    json_t *title = json_object_get(h, "Title");
    if (json_is_string(title))
        t->title = strdup(json_string_value(title));
    if (!t->external_id || (json_is_string(title) && !t->title))
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    if (has_reward) {
        t->has_reward = true;
        t->reward_micros = reward;
        memcpy(t->currency, CURRENCY, sizeof(CURRENCY));
    }
    json_t *dur = json_object_get(h, "AssignmentDurationInSeconds");
    if (json_is_integer(dur) && json_integer_value(dur) >= 0)
        t->max_time_s = (int64_t)json_integer_value(dur);
    t->created_at = created;

    /*
     * A HIT whose last possible submission (Expiration + assignment
     * duration) lies before the look-back window is settled: its
     * assignments were collected by earlier runs.
     */
    if (ctx->since != DW_TIME_NONE && expires != DW_TIME_NONE &&
        expires + (t->max_time_s > 0 ? t->max_time_s : 0) * DW_USEC <
            ctx->since) {
        out->skipped++;
        return DW_OK;
    }
    char *scope = make_scope(id, has_reward, reward);
    char *bscope = make_scope(id, false, 0);
    enum dw_status st = scope && bscope ? DW_OK : DW_ERR_NOMEM;
    if (st == DW_OK)
        st =
            push_list(ctx, &out->follow, MK_ASSIGNMENTS, false, id, scope, err);
    if (st == DW_OK)
        st = push_list(ctx, &out->follow, MK_BONUSES, false, id, bscope, err);
    free(scope);
    free(bscope);
    if (st != DW_OK)
        dw_error_set(err, st, "out of memory");
    return st;
}

struct scope {
    const char *hit;
    bool has_reward;
    int64_t reward;
};

static enum dw_status parse_scope(const struct dw_request *req, json_t **holder,
                                  struct scope *s, struct dw_error *err)
{
    json_int_t reward = -1;
    *holder = req->scope ? json_loads(req->scope, 0, NULL) : NULL;
    s->hit = NULL;
    if (!*holder || json_unpack(*holder, "{s:s,s?I}", "hit", &s->hit, "reward",
                                &reward) != 0)
        return dw_error_set(err, DW_ERR_INTERNAL,
                            "mturk: request has no HIT scope");
    s->has_reward = reward >= 0;
    s->reward = reward >= 0 ? (int64_t)reward : 0;
    return DW_OK;
}

/* Timestamps outside [0, now + a day] are not believable. */
static bool in_future(const struct dw_platform_ctx *ctx, int64_t t)
{
    return t != DW_TIME_NONE && t > ctx->now + FUTURE_SLACK;
}

static enum dw_status parse_assignment(const struct dw_platform_ctx *ctx,
                                       const struct dw_request *req,
                                       const struct scope *sc, int index,
                                       json_t *a, struct dw_parse_out *out,
                                       struct dw_error *err)
{
    char wk[DW_PSEUDONYM_HEX];
    enum dw_status st;
    int64_t accepted, submitted, approved, rejected;
    /* Answers and feedback are free text about a person: never landed. */
    json_object_del(a, "Answer");
    json_object_del(a, "RequesterFeedback");
    bool have_worker = pseudonymize(ctx, a, wk, err, &st);
    const char *id = json_string_value(json_object_get(a, "AssignmentId"));
    const char *raw = json_string_value(json_object_get(a, "AssignmentStatus"));

    if (st != DW_OK)
        return st;
    if (!id || !*id)
        return quarantine(req, out, index, "missing AssignmentId", a, err);
    if (!id_ok(id))
        return quarantine(req, out, index, "malformed AssignmentId", a, err);
    if (!have_worker)
        return quarantine(req, out, index, "missing WorkerId", a, err);
    if (!raw)
        return quarantine(req, out, index, "missing AssignmentStatus", a, err);
    if (!get_time(a, "AcceptTime", &accepted) || accepted == DW_TIME_NONE)
        return quarantine(req, out, index, "AcceptTime missing or unparseable",
                          a, err);
    if (!get_time(a, "SubmitTime", &submitted))
        return quarantine(req, out, index, "SubmitTime unparseable", a, err);
    if (!get_time(a, "ApprovalTime", &approved) ||
        !get_time(a, "RejectionTime", &rejected))
        return quarantine(req, out, index, "decision time unparseable", a, err);
    if (submitted != DW_TIME_NONE && submitted < accepted)
        return quarantine(req, out, index, "SubmitTime before AcceptTime", a,
                          err);
    if (in_future(ctx, accepted) || in_future(ctx, submitted) ||
        in_future(ctx, approved) || in_future(ctx, rejected))
        return quarantine(req, out, index, "timestamp in the future", a, err);
    enum dw_unit_status status = dw_mturk_status(raw);
    if (status != DW_UNIT_UNKNOWN && status != DW_UNIT_IN_PROGRESS &&
        submitted == DW_TIME_NONE)
        return quarantine(req, out, index, "SubmitTime missing", a, err);
    if (ctx->since != DW_TIME_NONE && accepted < ctx->since) {
        out->skipped++;
        return DW_OK;
    }

    struct dw_unit_row *u = dw_page_rows_add_unit(&out->rows);
    if (!u)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    u->external_id = strdup(id);
    u->task_external_id = strdup(sc->hit);
    u->status_raw = strdup(raw);
    if (!u->external_id || !u->task_external_id || !u->status_raw)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    memcpy(u->worker_key, wk, sizeof(wk));
    u->status = status;
    u->accepted_at = accepted;
    u->submitted_at = submitted;
    if (status == DW_UNIT_APPROVED) {
        u->decided_at = approved;
        u->paid_at = approved; /* MTurk pays the reward on approval */
    } else if (status == DW_UNIT_REJECTED) {
        u->decided_at = rejected;
    }
    u->has_reward = sc->has_reward;
    u->reward_micros = sc->reward;
    memcpy(u->currency, CURRENCY, sizeof(CURRENCY));
    return DW_OK;
}

enum dw_status dw_mturk_bonus_key(const char *assignment, const char *wk,
                                  int64_t grant, int64_t micros,
                                  const char *reason, char *out)
{
    struct dw_buf b;
    dw_buf_init(&b, 0);
    enum dw_status st = dw_buf_printf(
        &b, "%s|%s|%lld|%lld|%s", assignment ? assignment : "", wk,
        (long long)grant, (long long)micros, reason ? reason : "");
    if (st == DW_OK)
        dw_sha256_hex(b.data, b.len, out);
    dw_buf_release(&b);
    return st;
}

static enum dw_status parse_bonus(const struct dw_platform_ctx *ctx,
                                  const struct dw_request *req, int index,
                                  json_t *p, struct dw_parse_out *out,
                                  struct dw_error *err)
{
    char wk[DW_PSEUDONYM_HEX], key[DW_PSEUDONYM_HEX];
    enum dw_status st;
    int64_t grant, micros;
    bool have_worker = pseudonymize(ctx, p, wk, err, &st);
    json_t *ja = json_object_get(p, "AssignmentId");
    const char *aid = json_string_value(ja);
    json_t *jr = json_object_get(p, "Reason");

    if (st != DW_OK)
        return st;
    if (!have_worker)
        return quarantine(req, out, index, "missing WorkerId", p, err);
    if (ja && !json_is_null(ja) && !id_ok(aid))
        return quarantine(req, out, index, "malformed AssignmentId", p, err);
    if (!get_money(p, "BonusAmount", &micros))
        return quarantine(req, out, index,
                          "BonusAmount missing or not a USD amount", p, err);
    if (!get_time(p, "GrantTime", &grant) || grant == DW_TIME_NONE)
        return quarantine(req, out, index, "GrantTime missing or unparseable",
                          p, err);
    if (in_future(ctx, grant))
        return quarantine(req, out, index, "timestamp in the future", p, err);
    if (jr && !json_is_null(jr) && !json_is_string(jr))
        return quarantine(req, out, index, "Reason not a string", p, err);
    st = dw_mturk_bonus_key(aid, wk, grant, micros, json_string_value(jr), key);
    if (st != DW_OK)
        return dw_error_set(err, st, "out of memory");

    struct dw_payment_row *row = dw_page_rows_add_payment(&out->rows);
    if (!row)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    row->dedupe_key = strdup(key);
    row->unit_external_id = aid ? strdup(aid) : NULL;
    if (!row->dedupe_key || (aid && !row->unit_external_id))
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    memcpy(row->worker_key, wk, sizeof(wk));
    row->kind = "bonus";
    row->amount_micros = micros;
    memcpy(row->currency, CURRENCY, sizeof(CURRENCY));
    row->effective_at = grant;
    return DW_OK;
}

/* The next page: the same call with the response's NextToken. */
static enum dw_status take_next(const struct dw_platform_ctx *ctx,
                                const struct dw_request *req, json_t *root,
                                struct dw_parse_out *out, struct dw_error *err)
{
    json_t *tok = json_object_get(root, "NextToken");
    if (!tok || json_is_null(tok))
        return DW_OK;
    const char *t = json_string_value(tok);
    if (!t || !*t || strlen(t) > TOKEN_MAX)
        return dw_error_set(err, DW_ERR_PARSE,
                            "NextToken is not a non-empty string");
    json_t *input = json_loads(req->body, 0, NULL);
    const char *cur = json_string_value(json_object_get(input, "NextToken"));
    if (!input || (cur && strcmp(cur, t) == 0)) {
        json_decref(input);
        return dw_error_set(err, DW_ERR_PARSE,
                            "NextToken does not move forward");
    }
    json_decref(input);
    const char *hit = NULL;
    json_t *scope = NULL;
    if (req->kind != MK_HITS) {
        struct scope sc;
        enum dw_status st = parse_scope(req, &scope, &sc, err);
        if (st != DW_OK)
            return st;
        hit = sc.hit;
    }
    char *body = make_input(ctx, req->kind, hit, t);
    enum dw_status st = body ? dw_request_set(&out->next, req->kind, false,
                                              req->url, req->scope, body)
                             : DW_ERR_NOMEM;
    free(body);
    json_decref(scope);
    if (st != DW_OK)
        return dw_error_set(err, st, "out of memory");
    out->has_next = true;
    return DW_OK;
}

static enum dw_status mturk_parse(const struct dw_platform_ctx *ctx,
                                  const struct dw_request *req,
                                  const char *body, size_t len,
                                  struct dw_parse_out *out,
                                  struct dw_error *err)
{
    static const char *const lists[] = {NULL, "HITs", "Assignments",
                                        "BonusPayments"};
    json_t *scope_json = NULL;
    struct scope sc = {0};
    enum dw_status st = DW_OK;
    json_t *root;

    st = dw_json_load(body, len, &root, err);
    if (st != DW_OK)
        return st;
    if (!operation(req->kind)) {
        st = dw_error_set(err, DW_ERR_INTERNAL,
                          "mturk: unknown request kind %d", req->kind);
        goto done;
    }
    if (!json_is_object(root)) {
        st = dw_error_set(err, DW_ERR_PARSE, "not a JSON object");
        goto done;
    }
    if (req->kind != MK_HITS) {
        st = parse_scope(req, &scope_json, &sc, err);
        if (st != DW_OK)
            goto done;
    }
    json_t *items = json_object_get(root, lists[req->kind]);
    if (!json_is_array(items)) {
        st = dw_error_set(err, DW_ERR_PARSE, "%s: no %s list",
                          operation(req->kind), lists[req->kind]);
        goto done;
    }
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        if (!json_is_object(item))
            st = quarantine(req, out, (int)i, "not an object", item, err);
        else if (req->kind == MK_HITS)
            st = parse_hit(ctx, req, (int)i, item, out, err);
        else if (req->kind == MK_ASSIGNMENTS)
            st = parse_assignment(ctx, req, &sc, (int)i, item, out, err);
        else
            st = parse_bonus(ctx, req, (int)i, item, out, err);
        if (st != DW_OK)
            goto done;
    }
    st = take_next(ctx, req, root, out, err);
    if (st == DW_OK)
        st = dw_json_land(root, out, err);
done:
    json_decref(scope_json);
    json_decref(root);
    return st;
}

const struct dw_platform dw_platform_mturk = {
    .name = PLATFORM,
    .default_endpoint = "https://mturk-requester.us-east-1.amazonaws.com",
    .start = mturk_start,
    .prepare = mturk_prepare,
    .parse = mturk_parse,
    .classify = mturk_classify,
};
