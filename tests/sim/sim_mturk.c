/* tests/sim/sim_mturk.c — the world as the MTurk Requester API (JSON 1.1). */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "sim_server.h"
#include "sim_sigv4.h"
#include "sim_world.h"

#define TARGET_PREFIX "MTurkRequesterServiceV20170117."
#define REGION "us-east-1"
#define SERVICE "mturk-requester"
#define CONTENT_TYPE "application/x-amz-json-1.1"
#define MAX_RESULTS 100
#define AUTO_APPROVAL_SECS (3 * 86400)
#define TOKEN_TEXT_MAX 160

/* ---- errors ---- */

/* {"__type":type,"Message":msg[,"TurkErrorCode":code]}; heap or NULL. */
static char *aws_error(const char *type, const char *msg, const char *code,
                       bool lower_message)
{
    json_t *o = json_pack("{s:s,s:s}", "__type", type,
                          lower_message ? "message" : "Message", msg);
    if (o && code)
        json_object_set_new(o, "TurkErrorCode", json_string(code));
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return s;
}

static char *mturk_error_body(int status, const char *title, const char *detail)
{
    (void)title;
    if (status == 429)
        return aws_error("ThrottlingException", "Rate exceeded", NULL, true);
    if (status >= 500)
        return aws_error("ServiceFault",
                         "We are temporarily unable to process your request. "
                         "Please try again.",
                         "AWS.MechanicalTurk.ServiceFault", false);
    if (status == 404 || status == 405)
        return aws_error("UnknownOperationException", detail, NULL, false);
    return aws_error("RequestError", detail, "AWS.MechanicalTurk.RequestError",
                     false);
}

static void respond(struct sim_response *resp, int status, char *body)
{
    sim_respond_json(resp, status, body);
    resp->content_type = CONTENT_TYPE;
}

/* RequestError with MTurk's epoch-millisecond suffix on the message. */
static void request_error(struct sim_response *resp, const char *code,
                          const char *msg)
{
    char full[320];
    snprintf(full, sizeof full, "%s (%lld)", msg, (long long)time(NULL) * 1000);
    respond(resp, 400, aws_error("RequestError", full, code, false));
}

static void mturk_throttle(const struct sim_request *req,
                           struct sim_response *resp)
{
    (void)req;
    respond(resp, 400,
            aws_error("ThrottlingException", "Rate exceeded", NULL, true));
}

/* ---- ids and values as MTurk writes them ---- */

/* prefix + 24 upper-case hex digits: "3" for HITs and assignments, "A"
 * for workers (^A[A-Z0-9]+$). */
static void upper_id(char prefix, const unsigned char *id, char *out, size_t n)
{
    char hex[25];
    sim_id_hex(id, hex);
    for (char *p = hex; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    snprintf(out, n, "%c%s", prefix, hex);
}

/* The inverse: false unless s is prefix + 24 upper-case hex digits. */
static bool parse_upper_id(char prefix, const char *s, unsigned char *id)
{
    char hex[25];
    if (!s || s[0] != prefix || strlen(s) != 25)
        return false;
    for (int i = 0; i < 24; i++) {
        char c = s[i + 1];
        if (c >= 'A' && c <= 'F')
            c = (char)(c - 'A' + 'a');
        else if (!(c >= '0' && c <= '9'))
            return false;
        hex[i] = c;
    }
    hex[24] = '\0';
    return sim_id_parse(hex, id);
}

static void worker_id(const struct sim_worker *w, char *out, size_t n)
{
    upper_id('A', w->id, out, n);
}

static void unit_id(const struct sim_unit *u, char *out, size_t n)
{
    upper_id('3', u->id, out, n);
}

/*
 * Cents as a CurrencyAmount in the forms the pattern allows: whole
 * dollars alternate "5" and "5.", tens of cents are "0.5", else "1.23".
 */
static void put_money(struct dw_buf *b, int64_t cents, unsigned variant)
{
    long long d = (long long)(cents / 100), c = (long long)(cents % 100);
    if (c == 0)
        dw_buf_printf(b, "\"%lld%s\"", d, variant % 2 ? "." : "");
    else if (c % 10 == 0)
        dw_buf_printf(b, "\"%lld.%lld\"", d, c / 10);
    else
        dw_buf_printf(b, "\"%lld.%02lld\"", d, c);
}

/*
 * Epoch seconds as a JSON number at millisecond precision, in one of the
 * forms AWS back ends write: 0 decimal "1700000745.123", 1 exponent
 * "1.700000745123E9", 2 integer when the milliseconds are zero, else
 * decimal. Trailing fraction zeros are dropped.
 */
static void put_time(struct dw_buf *b, int64_t us, unsigned form)
{
    long long ms = (long long)(us / 1000), s = ms / 1000, f = ms % 1000;
    char digits[40];
    int nd = snprintf(digits, sizeof digits, "%lld%03lld", s, f);
    while (nd > 1 && digits[nd - 1] == '0')
        digits[--nd] = '\0';
    int int_digits = snprintf(NULL, 0, "%lld", s);
    if (form % 3 == 1) {
        dw_buf_printf(b, "%c%s%sE%d", digits[0], nd > 1 ? "." : "", digits + 1,
                      int_digits - 1);
    } else if (f == 0) {
        dw_buf_printf(b, "%lld", s);
    } else {
        dw_buf_printf(b, "%lld.%.*s", s, nd - int_digits, digits + int_digits);
    }
}

/* A JSON string (escaped by Jansson). */
static void put_str(struct dw_buf *b, const char *s)
{
    json_t *j = json_string(s);
    char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    dw_buf_puts(b, t ? t : "\"\"");
    free(t);
    json_decref(j);
}

/* ---- what the MTurk view shows of the world ---- */

/* ListAssignmentsForHIT returns only Submitted, Approved and Rejected. */
static const char *assignment_status(const struct sim_unit *u)
{
    switch (u->status) {
    case SIM_ST_AWAITING:
        return "Submitted";
    case SIM_ST_APPROVED:
        return "Approved";
    case SIM_ST_REJECTED:
        return "Rejected";
    default:
        return NULL;
    }
}

static int64_t approval_time(const struct sim_unit *u)
{
    /* Reviewed 1-8 hours after submission, varied by the id. */
    return u->end_us + (3600 + (int64_t)(u->id[11] % 8) * 3600) * SIM_USEC;
}

static int64_t grant_time(const struct sim_unit *u, int b)
{
    return u->end_us + (int64_t)(b + 1) * 6 * 3600 * SIM_USEC;
}

static const char *const reasons[] = {
    "Thank you for the careful work",
    "Bonus for accuracy",
    "Extra pay for a long task",
};

static int64_t expiration(const struct sim_world *w)
{
    return (w->anchor_day + SIM_WINDOW_DAYS + 7) * SIM_DAY_USEC;
}

/* ---- responses ---- */

static void put_hit(struct dw_buf *b, const struct sim_world *w,
                    const struct sim_task *t, size_t index)
{
    char id[32];
    size_t pending = 0, active = 0, done = 0;
    for (uint32_t i = 0; i < t->n_units; i++) {
        uint8_t st = w->units[t->first_unit + i].status;
        pending += st == SIM_ST_AWAITING;
        active += st == SIM_ST_ACTIVE;
        done += st == SIM_ST_APPROVED || st == SIM_ST_REJECTED;
    }
    upper_id('3', t->id, id, sizeof id);
    dw_buf_puts(b, "{\"HITId\":");
    put_str(b, id);
    id[0] = '3';
    id[1] = 'T';
    dw_buf_puts(b, ",\"HITTypeId\":");
    put_str(b, id);
    dw_buf_puts(b, ",\"CreationTime\":");
    put_time(b, t->created_us, (unsigned)index);
    dw_buf_puts(b, ",\"Title\":");
    put_str(b, t->name);
    dw_buf_puts(b, ",\"Description\":");
    put_str(b, t->internal_name);
    dw_buf_puts(b, ",\"Question\":\"<HTMLQuestion><HTMLContent>"
                   "&lt;p&gt;task&lt;/p&gt;</HTMLContent></HTMLQuestion>\"");
    dw_buf_printf(b, ",\"HITStatus\":\"%s\",\"MaxAssignments\":%u",
                  active ? "Assignable" : "Reviewable", t->n_units);
    dw_buf_puts(b, ",\"Reward\":");
    put_money(b, t->reward_minor, (unsigned)index);
    dw_buf_printf(b, ",\"AutoApprovalDelayInSeconds\":%d,\"Expiration\":",
                  AUTO_APPROVAL_SECS);
    put_time(b, expiration(w), (unsigned)index + 1);
    dw_buf_printf(b,
                  ",\"AssignmentDurationInSeconds\":%d,"
                  "\"QualificationRequirements\":[],"
                  "\"HITReviewStatus\":\"NotReviewed\","
                  "\"NumberOfAssignmentsPending\":%zu,"
                  "\"NumberOfAssignmentsAvailable\":0,"
                  "\"NumberOfAssignmentsCompleted\":%zu}",
                  t->max_min * 60, pending, done);
}

static void put_assignment(struct dw_buf *b, const struct sim_world *w,
                           const struct sim_task *t, const struct sim_unit *u,
                           size_t index)
{
    char id[32], hit[32], wid[32];
    const char *status = assignment_status(u);
    unsigned f = (unsigned)index;
    unit_id(u, id, sizeof id);
    upper_id('3', t->id, hit, sizeof hit);
    worker_id(&w->workers[u->worker], wid, sizeof wid);
    dw_buf_puts(b, "{\"AssignmentId\":");
    put_str(b, id);
    dw_buf_puts(b, ",\"WorkerId\":");
    put_str(b, wid);
    dw_buf_puts(b, ",\"HITId\":");
    put_str(b, hit);
    dw_buf_printf(b, ",\"AssignmentStatus\":\"%s\",\"AcceptTime\":", status);
    put_time(b, u->start_us, f);
    dw_buf_puts(b, ",\"SubmitTime\":");
    put_time(b, u->end_us, f + 1);
    dw_buf_puts(b, ",\"AutoApprovalTime\":");
    put_time(b, u->end_us + AUTO_APPROVAL_SECS * SIM_USEC, f + 2);
    if (u->status == SIM_ST_APPROVED) {
        dw_buf_puts(b, ",\"ApprovalTime\":");
        put_time(b, approval_time(u), f);
    } else if (u->status == SIM_ST_REJECTED) {
        dw_buf_puts(b, ",\"RejectionTime\":");
        put_time(b, approval_time(u), f + 1);
        dw_buf_puts(b, ",\"RequesterFeedback\":\"Failed the attention check "
                       "(worker ");
        dw_buf_puts(b, wid);
        dw_buf_puts(b, ")\"");
    }
    dw_buf_puts(b, ",\"Deadline\":");
    put_time(b, u->start_us + (int64_t)t->max_min * 60 * SIM_USEC, f + 2);
    /* The answer XML names the worker, as real answers often do. */
    dw_buf_printf(b,
                  ",\"Answer\":\"<?xml version=\\\"1.0\\\" "
                  "encoding=\\\"UTF-8\\\"?><QuestionFormAnswers><Answer>"
                  "<QuestionIdentifier>code</QuestionIdentifier><FreeText>%s "
                  "%s</FreeText></Answer></QuestionFormAnswers>\"}",
                  t->code, wid);
}

static void put_bonus(struct dw_buf *b, const struct sim_world *w,
                      const struct sim_unit *u, int k, size_t index)
{
    char id[32], wid[32];
    unit_id(u, id, sizeof id);
    worker_id(&w->workers[u->worker], wid, sizeof wid);
    dw_buf_puts(b, "{\"WorkerId\":");
    put_str(b, wid);
    dw_buf_puts(b, ",\"BonusAmount\":");
    put_money(b, u->bonus[k], (unsigned)index);
    dw_buf_puts(b, ",\"AssignmentId\":");
    put_str(b, id);
    dw_buf_puts(b, ",\"Reason\":");
    put_str(b, reasons[(u->id[10] + (unsigned)k) % 3]);
    dw_buf_puts(b, ",\"GrantTime\":");
    put_time(b, grant_time(u, k), (unsigned)index);
    dw_buf_puts(b, "}");
}

/* ---- NextToken: base64 of "v1|step|operation|HITId|offset" ---- */

static bool token_make(const struct sim_world *w, const char *op,
                       const char *hit, size_t offset, char *out, size_t n)
{
    char text[TOKEN_TEXT_MAX];
    int len = snprintf(text, sizeof text, "v1|%d|%s|%s|%zu", w->step, op,
                       hit ? hit : "", offset);
    if (len < 0 || (size_t)len >= sizeof text ||
        n < 4 * ((size_t)len + 2) / 3 + 1)
        return false;
    EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)text, len);
    return true;
}

/* False when the token is not one this world made for (op, hit) now. */
static bool token_read(const struct sim_world *w, const char *op,
                       const char *hit, const char *token, size_t *offset)
{
    unsigned char text[TOKEN_TEXT_MAX + 4];
    size_t n = strlen(token);
    if (n == 0 || n % 4 != 0 || n > 4 * (TOKEN_TEXT_MAX / 3))
        return false;
    int len = EVP_DecodeBlock(text, (const unsigned char *)token, (int)n);
    if (len < 0)
        return false;
    text[len] = '\0';
    char expect[TOKEN_TEXT_MAX];
    snprintf(expect, sizeof expect, "v1|%d|%s|%s|", w->step, op,
             hit ? hit : "");
    size_t el = strlen(expect);
    const char *p = (const char *)text;
    if (strncmp(p, expect, el) != 0)
        return false;
    char *end;
    unsigned long long off = strtoull(p + el, &end, 10);
    if (end == p + el || *end != '\0')
        return false;
    *offset = (size_t)off;
    return true;
}

/* ---- the operations ---- */

struct call {
    const struct sim_request *req;
    struct sim_response *resp;
    struct sim_world *w;
    json_t *in;
    const char *op;
    size_t offset;
    size_t max;
};

/* Reads NextToken and MaxResults; false after answering 400. */
static bool paging(struct call *c, const char *hit)
{
    json_t *mr = json_object_get(c->in, "MaxResults");
    json_t *tok = json_object_get(c->in, "NextToken");
    c->max = (size_t)(c->req->page_size < MAX_RESULTS ? c->req->page_size
                                                      : MAX_RESULTS);
    if (mr) {
        if (!json_is_integer(mr) || json_integer_value(mr) < 1 ||
            json_integer_value(mr) > MAX_RESULTS) {
            request_error(c->resp, "AWS.MechanicalTurk.RequestError",
                          "MaxResults must be between 1 and 100.");
            return false;
        }
        c->max = (size_t)json_integer_value(mr);
    }
    c->offset = 0;
    if (tok && !json_is_null(tok) &&
        (!json_is_string(tok) ||
         !token_read(c->w, c->op, hit, json_string_value(tok), &c->offset))) {
        request_error(c->resp, "AWS.MechanicalTurk.RequestError",
                      "The NextToken is invalid or has expired.");
        return false;
    }
    /* Fault dup: answer with the page before this one. */
    if (c->req->dup && c->offset > 0) {
        c->offset = c->offset > c->max ? c->offset - c->max : 0;
        c->resp->dup_applied = true;
    }
    return true;
}

/* Ends a list: NextToken when more remain, NumResults, and the answer. */
static void finish(struct call *c, struct dw_buf *b, const char *hit,
                   size_t shown, size_t total)
{
    char tok[TOKEN_TEXT_MAX * 2];
    dw_buf_printf(b, "],\"NumResults\":%zu", shown);
    if (c->offset + shown < total &&
        token_make(c->w, c->op, hit, c->offset + shown, tok, sizeof tok)) {
        dw_buf_puts(b, ",\"NextToken\":");
        put_str(b, tok);
    }
    dw_buf_puts(b, "}");
    if (b->data)
        respond(c->resp, 200, dw_buf_take(b));
    else
        respond(c->resp, 500, NULL);
}

static void list_hits(struct call *c)
{
    struct dw_buf b;
    size_t shown = 0;
    if (!paging(c, NULL))
        return;
    dw_buf_init(&b, 0);
    dw_buf_puts(&b, "{\"HITs\":[");
    for (size_t i = c->offset; i < c->w->n_tasks && shown < c->max; i++) {
        if (shown++)
            dw_buf_putc(&b, ',');
        put_hit(&b, c->w, &c->w->tasks[i], i);
    }
    finish(c, &b, NULL, shown, c->w->n_tasks);
}

/* The HIT named by HITId; NULL after answering 400. */
static const struct sim_task *find_hit(struct call *c, const char **hit)
{
    unsigned char id[SIM_ID_BYTES];
    *hit = json_string_value(json_object_get(c->in, "HITId"));
    const struct sim_task *t = *hit && parse_upper_id('3', *hit, id)
                                   ? sim_world_find_task(c->w, id)
                                   : NULL;
    char msg[128];
    if (!*hit) {
        request_error(c->resp, "AWS.MechanicalTurk.RequestError",
                      "HITId is required.");
    } else if (!t) {
        snprintf(msg, sizeof msg, "Hit %.64s does not exist.", *hit);
        request_error(c->resp, "AWS.MechanicalTurk.HITDoesNotExist", msg);
    }
    return t;
}

static void list_assignments(struct call *c)
{
    const char *hit;
    const struct sim_task *t = find_hit(c, &hit);
    if (!t || !paging(c, hit))
        return;
    struct dw_buf b;
    size_t visible = 0, shown = 0;
    dw_buf_init(&b, 0);
    dw_buf_puts(&b, "{\"Assignments\":[");
    for (uint32_t i = 0; i < t->n_units; i++) {
        const struct sim_unit *u = &c->w->units[t->first_unit + i];
        if (!assignment_status(u))
            continue;
        if (visible++ < c->offset || shown >= c->max)
            continue;
        if (shown++)
            dw_buf_putc(&b, ',');
        put_assignment(&b, c->w, t, u, t->first_unit + i);
    }
    finish(c, &b, hit, shown, visible);
}

static void list_bonuses(struct call *c)
{
    const char *hit;
    const struct sim_task *t = find_hit(c, &hit);
    if (!t || !paging(c, hit))
        return;
    struct dw_buf b;
    size_t n = 0, shown = 0;
    dw_buf_init(&b, 0);
    dw_buf_puts(&b, "{\"BonusPayments\":[");
    for (uint32_t i = 0; i < t->n_units; i++) {
        const struct sim_unit *u = &c->w->units[t->first_unit + i];
        for (int k = 0; assignment_status(u) && k < u->n_bonus; k++) {
            if (n++ < c->offset || shown >= c->max)
                continue;
            if (shown++)
                dw_buf_putc(&b, ',');
            put_bonus(&b, c->w, u, k, t->first_unit + i);
        }
    }
    finish(c, &b, hit, shown, n);
}

/* Every call: POST / with X-Amz-Target, a JSON 1.1 body, SigV4. */
static void mturk_call(const struct sim_request *req, struct sim_response *resp)
{
    char akid[80], msg[320];
    enum sim_sigv4_result v =
        sim_sigv4_verify(req, REGION, SERVICE, (int64_t)time(NULL), akid,
                         sizeof akid, msg, sizeof msg);
    switch (v) {
    case SIM_SIGV4_OK:
        break;
    case SIM_SIGV4_MISSING:
        respond(
            resp, 400,
            aws_error("MissingAuthenticationTokenException", msg, NULL, true));
        return;
    case SIM_SIGV4_MALFORMED:
        respond(resp, 400,
                aws_error("IncompleteSignatureException", msg, NULL, true));
        return;
    case SIM_SIGV4_UNKNOWN_KEY:
        respond(resp, 403,
                aws_error("UnrecognizedClientException", msg, NULL, true));
        return;
    default:
        respond(resp, 403,
                aws_error("InvalidSignatureException", msg, NULL, true));
        return;
    }
    const char *target = sim_request_header(req, "X-Amz-Target");
    const char *ctype = sim_request_header(req, "Content-Type");
    size_t pl = strlen(TARGET_PREFIX);
    if (!target || strncmp(target, TARGET_PREFIX, pl) != 0) {
        respond(resp, 400,
                aws_error("UnknownOperationException", "Unknown operation",
                          NULL, false));
        return;
    }
    json_t *in =
        req->body ? json_loadb(req->body, req->body_len, 0, NULL) : NULL;
    if (!ctype || strncmp(ctype, "application/x-amz-json-1.", 25) != 0 ||
        !json_is_object(in)) {
        json_decref(in);
        respond(resp, 400,
                aws_error("SerializationException",
                          "The request body is not a JSON 1.1 object", NULL,
                          false));
        return;
    }
    struct sim_world *w = sim_workspaces_get(req->worlds, akid);
    struct call c = {req, resp, w, in, target + pl, 0, 0};
    if (!w)
        respond(resp, 503,
                mturk_error_body(503, "Service Unavailable", "no workspace"));
    else if (strcmp(c.op, "ListHITs") == 0)
        list_hits(&c);
    else if (strcmp(c.op, "ListAssignmentsForHIT") == 0)
        list_assignments(&c);
    else if (strcmp(c.op, "ListBonusPayments") == 0)
        list_bonuses(&c);
    else
        respond(resp, 400,
                aws_error("UnknownOperationException", "Unknown operation",
                          NULL, false));
    json_decref(in);
}

/* ---- truth ---- */

static json_t *mturk_truth(const struct sim_world *w)
{
    json_t *workers = json_array();
    size_t *per = calloc(w->n_workers ? w->n_workers : 1, sizeof *per);
    size_t by[3] = {0, 0, 0}, bonuses = 0;
    long long reward = 0, bonus = 0;
    if (!workers || !per) {
        json_decref(workers);
        free(per);
        return NULL;
    }
    for (size_t i = 0; i < w->n_units; i++) {
        const struct sim_unit *u = &w->units[i];
        if (!assignment_status(u))
            continue;
        per[u->worker]++;
        by[u->status == SIM_ST_AWAITING   ? 0
           : u->status == SIM_ST_APPROVED ? 1
                                          : 2]++;
        if (u->status == SIM_ST_APPROVED)
            reward += w->tasks[u->task].reward_minor;
        for (int k = 0; k < u->n_bonus; k++)
            bonus += u->bonus[k];
        bonuses += u->n_bonus;
    }
    for (size_t i = 0; i < w->n_workers; i++) {
        char id[32];
        worker_id(&w->workers[i], id, sizeof id);
        json_array_append_new(
            workers, json_pack("{s:s,s:s,s:I}", "worker_id", id, "story",
                               sim_story_name(w->workers[i].story),
                               "assignments", (json_int_t)per[i]));
    }
    free(per);
    char from[16], to[16];
    sim_date_format(w->anchor_day, from, sizeof from);
    sim_date_format(w->anchor_day + SIM_WINDOW_DAYS, to, sizeof to);
    return json_pack(
        "{s:s,s:i,s:s,s:s,s:o,s:{s:I,s:I,s:I,s:I,s:{s:I,s:I,s:I}},s:I,s:I}",
        "platform", "mturk", "step", w->step, "window_start", from,
        "window_end", to, "workers", workers, "counts", "workers",
        (json_int_t)w->n_workers, "hits", (json_int_t)w->n_tasks, "assignments",
        (json_int_t)(by[0] + by[1] + by[2]), "bonuses", (json_int_t)bonuses,
        "by_status", "submitted", (json_int_t)by[0], "approved",
        (json_int_t)by[1], "rejected", (json_int_t)by[2],
        "approved_reward_cents", (json_int_t)reward, "bonus_cents",
        (json_int_t)bonus);
}

/* MTurk calls are POST / with an X-Amz-Target header. */
static bool mturk_match(const struct sim_request *req)
{
    return strcmp(req->method, "POST") == 0 && strcmp(req->path, "/") == 0 &&
           sim_request_header(req, "X-Amz-Target") != NULL;
}

static const struct sim_route routes[] = {
    {"POST", "/", mturk_call},
};

const struct sim_platform sim_mturk = {
    .name = "mturk",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .error_body = mturk_error_body,
    .worker_id = worker_id,
    .match = mturk_match,
    .throttle = mturk_throttle,
    .truth = mturk_truth,
    .unit_id = unit_id,
};
