/* tests/sim/sim_toloka.c — Toloka API v1: pools, assignments, user bonuses. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim_rng.h"
#include "sim_server.h"

#define DEFAULT_LIMIT 50
#define MAX_LIMIT 100000
#define POOL_BASE 1000001 /* pool ids: 7 digits, so text order = number */
#define PROJECT_ID "50001"
#define ID_LEN 40

/* SCREENED OUT has no Toloka word: served as a value clients never saw. */
static const char *const status_names[SIM_ST_COUNT] = {
    "ACTIVE",  "SUBMITTED", "ACCEPTED", "REJECTED",
    "SKIPPED", "EXPIRED",   "DECLINED",
};

static const char *const norm_names[SIM_ST_COUNT] = {
    "in_progress", "submitted", "approved", "rejected",
    "returned",    "expired",   "unknown",
};

/* ---- ids and times ---- */

static long pool_number(uint32_t task)
{
    return POOL_BASE + (long)task;
}

/* "00000f4241--<24 hex>": the pool in 10 hex digits, then the unit. */
static void unit_id(const struct sim_unit *u, char *out, size_t n)
{
    char hex[25];
    sim_id_hex(u->id, hex);
    snprintf(out, n, "%010lx--%s", (unsigned long)pool_number(u->task), hex);
}

static uint64_t id_hash(const unsigned char *id, uint64_t salt)
{
    uint64_t h = salt;
    for (int i = 0; i < SIM_ID_BYTES; i++)
        h = sim_mix64(h ^ id[i]);
    return h;
}

/* Bonus ids hash (unit, index): a new bonus sorts anywhere in the list,
 * usually below a client's id_gt cursor. */
static void bonus_id(const struct sim_unit *u, int b, char *out, size_t n)
{
    uint64_t h1 = id_hash(u->id, 0xb0 + (uint64_t)b);
    uint64_t h2 = sim_mix64(h1 ^ 0x70106a);
    snprintf(out, n, "%010llx--%016llx%08llx", (unsigned long long)(h1 >> 24),
             (unsigned long long)h2, (unsigned long long)(h1 & 0xffffffffULL));
}

/* Toloka user ids are 32 hex digits. */
static void worker_id(const struct sim_worker *k, char *out, size_t n)
{
    char hex[25];
    sim_id_hex(k->id, hex);
    snprintf(out, n, "%s%02x%02x%02x%02x", hex, k->id[11], k->id[10], k->id[9],
             k->id[8]);
}

/* 1-6 fraction digits (5 too, as the real server sends), per unit. */
static int digits_of(const unsigned char *id)
{
    return 1 + (int)(id_hash(id, 0xd1) % 6);
}

/* Naive ISO (UTC, no zone), as Toloka writes it; null for none. */
static json_t *ts(int64_t us, int digits)
{
    char buf[40];
    if (us == SIM_TIME_NONE)
        return json_null();
    sim_time_iso(us, digits, buf, sizeof buf);
    size_t n = strlen(buf);
    if (n > 0 && buf[n - 1] == 'Z')
        buf[n - 1] = '\0';
    return json_string(buf);
}

/* When the requester decided: 1-72 h after submission. */
static int64_t decided_at(const struct sim_unit *u)
{
    return u->end_us +
           (int64_t)(1 + id_hash(u->id, 0xdec) % 72) * 3600 * SIM_USEC;
}

static int64_t bonus_created(const struct sim_unit *u, int b)
{
    int64_t base = u->end_us != SIM_TIME_NONE ? u->end_us : u->start_us;
    return base + (int64_t)(b + 1) * (int64_t)(1 + id_hash(u->id, 0xb7) % 12) *
                      3600 * SIM_USEC;
}

/* Dollars from cents, as the JSON number Toloka sends (e.g. 0.15). */
static json_t *usd(int64_t cents)
{
    return json_real((double)cents / 100.0);
}

/* ---- errors and auth ---- */

static const char *error_code(int status)
{
    switch (status) {
    case 400:
        return "VALIDATION_ERROR";
    case 401:
        return "AUTHENTICATION_ERROR";
    case 403:
        return "ACCESS_DENIED";
    case 404:
        return "DOES_NOT_EXIST";
    case 405:
        return "METHOD_NOT_ALLOWED";
    case 409:
        return "CONFLICT_STATE";
    case 429:
        return "TOO_MANY_REQUESTS";
    case 500:
        return "INTERNAL_ERROR";
    default:
        return "REMOTE_SERVICE_UNAVAILABLE";
    }
}

static json_t *envelope(int status, const char *message, json_t *payload)
{
    char rid[33];
    uint64_t h = sim_mix64((uint64_t)status * 0x9e37 ^ strlen(message));
    for (const char *p = message; *p; p++)
        h = sim_mix64(h ^ (unsigned char)*p);
    snprintf(rid, sizeof rid, "%016llx%016llx", (unsigned long long)h,
             (unsigned long long)sim_mix64(h));
    return json_pack("{s:s,s:s,s:s,s:o}", "request_id", rid, "code",
                     error_code(status), "message", message, "payload",
                     payload ? payload : json_null());
}

/* A 429 is the per-minute quota; the `throttle` fault is the hourly one. */
static char *toloka_error_body(int status, const char *title,
                               const char *detail)
{
    (void)title;
    json_t *payload = NULL;
    if (status == 429)
        payload = json_pack("{s:s}", "interval", "MIN");
    else if (status == 500)
        payload = json_pack("{s:s}", "additional_message", detail);
    json_t *o =
        envelope(status, status == 500 ? "Internal Error" : detail, payload);
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return s;
}

static void throttle_hour(const struct sim_request *req,
                          struct sim_response *resp)
{
    (void)req;
    json_t *o = envelope(429, "Too many requests in the last hour",
                         json_pack("{s:s}", "interval", "HOUR"));
    sim_respond_json(resp, 429, o ? json_dumps(o, JSON_COMPACT) : NULL);
    json_decref(o);
}

/* 400 VALIDATION_ERROR naming the field, as Toloka does. */
static void invalid(struct sim_response *resp, const char *field,
                    const char *code, const char *message)
{
    json_t *o = envelope(
        400, "Validation failed",
        json_pack("{s:{s:s,s:s}}", field, "code", code, "message", message));
    sim_respond_json(resp, 400, o ? json_dumps(o, JSON_COMPACT) : NULL);
    json_decref(o);
}

static const char *credential(const struct sim_request *req)
{
    const char *h = sim_request_header(req, "Authorization");
    if (h && strncasecmp(h, "OAuth ", 6) == 0)
        return h + 6;
    if (h && strncasecmp(h, "ApiKey ", 7) == 0)
        return h + 7;
    return NULL;
}

static bool toloka_match(const struct sim_request *req)
{
    return credential(req) != NULL;
}

/* The workspace of the request's token, or NULL after answering 401. */
static struct sim_world *auth(const struct sim_request *req,
                              struct sim_response *resp)
{
    const char *token = credential(req);
    if (!token) {
        sim_respond_error(req, resp, 401, "Unauthorized",
                          "Use 'Authorization: OAuth <token>' or "
                          "'ApiKey <key>'");
        return NULL;
    }
    while (*token == ' ')
        token++;
    if (!sim_token_valid(token)) {
        sim_respond_error(req, resp, 401, "Unauthorized", "Invalid token");
        return NULL;
    }
    struct sim_world *w = sim_workspaces_get(req->worlds, token);
    if (!w)
        sim_respond_error(req, resp, 503, "Service Unavailable",
                          "Too many workspaces in this simulator");
    return w;
}

/* ---- search parameters ---- */

static bool parse_count(const char *s, long *out)
{
    long v = 0;
    if (!s || !*s || strlen(s) > 9)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (*s - '0');
    }
    *out = v;
    return true;
}

/* "YYYY-MM-DDThh:mm:ss[.f]" naive UTC (a trailing Z is tolerated). */
static bool parse_naive(const char *s, int64_t *us)
{
    int64_t day;
    char date[11];
    if (strlen(s) < 19 || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        return false;
    memcpy(date, s, 10);
    date[10] = '\0';
    if (!sim_date_parse(date, &day))
        return false;
    int f[3];
    for (int i = 0; i < 3; i++) {
        const char *p = s + 11 + 3 * i;
        if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
            return false;
        f[i] = (p[0] - '0') * 10 + (p[1] - '0');
    }
    if (f[0] > 23 || f[1] > 59 || f[2] > 59)
        return false;
    int64_t frac = 0, scale = 100000;
    const char *p = s + 19;
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++) {
            frac += (*p - '0') * scale;
            scale /= 10;
        }
    }
    if (*p == 'Z')
        p++;
    if (*p)
        return false;
    *us = day * SIM_DAY_USEC +
          ((int64_t)f[0] * 3600 + f[1] * 60 + f[2]) * SIM_USEC + frac;
    return true;
}

/* A range filter on one time field: NAME_gt, _gte, _lt, _lte. */
struct range {
    bool set[4];
    int64_t v[4];
};

static bool parse_range(const struct sim_request *req,
                        struct sim_response *resp, const char *field,
                        struct range *r)
{
    static const char *const ops[] = {"gt", "gte", "lt", "lte"};
    for (int i = 0; i < 4; i++) {
        char name[48];
        snprintf(name, sizeof name, "%s_%s", field, ops[i]);
        const char *s = sim_request_query(req, name);
        r->set[i] = s != NULL;
        if (s && !parse_naive(s, &r->v[i])) {
            invalid(resp, name, "INVALID_DATE", "Expected a date-time");
            return false;
        }
    }
    return true;
}

static bool in_range(const struct range *r, int64_t t)
{
    if (t == SIM_TIME_NONE)
        return !(r->set[0] || r->set[1] || r->set[2] || r->set[3]);
    return (!r->set[0] || t > r->v[0]) && (!r->set[1] || t >= r->v[1]) &&
           (!r->set[2] || t < r->v[2]) && (!r->set[3] || t <= r->v[3]);
}

/* limit (default 50, 1..100000); false after answering 400. */
static bool parse_limit(const struct sim_request *req,
                        struct sim_response *resp, long *limit)
{
    const char *s = sim_request_query(req, "limit");
    *limit = DEFAULT_LIMIT;
    if (s && (!parse_count(s, limit) || *limit < 1 || *limit > MAX_LIMIT)) {
        invalid(resp, "limit", "VALUE_OUT_OF_RANGE",
                "limit must be between 1 and 100000");
        return false;
    }
    return true;
}

static void reply(struct sim_response *resp, json_t *o)
{
    sim_respond_json(resp, 200, o ? json_dumps(o, JSON_COMPACT) : NULL);
    json_decref(o);
}

/* id_gt of a keyset list. Fault dup: a page after the first is answered
 * with the first page again (a stale cache), whose last id does not sort
 * after the cursor. */
static const char *keyset_cursor(const struct sim_request *req,
                                 struct sim_response *resp)
{
    const char *gt = sim_request_query(req, "id_gt");
    if (gt && req->dup) {
        resp->dup_applied = true;
        return NULL;
    }
    return gt;
}

/* ---- pools and projects ---- */

static json_t *pool_json(const struct sim_world *w, uint32_t i)
{
    const struct sim_task *t = &w->tasks[i];
    bool open = false;
    for (uint32_t k = 0; k < t->n_units; k++)
        open |= w->units[t->first_unit + k].status == SIM_ST_ACTIVE;
    char id[16];
    snprintf(id, sizeof id, "%ld", pool_number(i));
    return json_pack(
        "{s:s,s:s,s:s,s:s,s:o,s:I,s:b,s:i,s:o,s:o,s:o,s:s}", "id", id,
        "project_id", PROJECT_ID, "private_name", t->internal_name,
        "public_description", t->name, "reward_per_assignment",
        usd(t->reward_minor), "assignment_max_duration_seconds",
        (json_int_t)t->max_min * 60, "auto_accept_solutions", 0,
        "auto_accept_period_day", 3, "created", ts(t->created_us, 6),
        "last_started", ts(t->published_us, 6), "will_expire",
        ts(w->anchor_day * SIM_DAY_USEC + (SIM_WINDOW_DAYS + 30) * SIM_DAY_USEC,
           0),
        "status", open ? "OPEN" : "CLOSED");
}

static void projects_list(const struct sim_request *req,
                          struct sim_response *resp)
{
    struct sim_world *w = auth(req, resp);
    if (!w)
        return;
    reply(resp,
          json_pack("{s:[{s:s,s:s,s:s,s:o}],s:b}", "items", "id", PROJECT_ID,
                    "public_name", "Simulated labelling", "status", "ACTIVE",
                    "created", ts((w->anchor_day - 30) * SIM_DAY_USEC, 3),
                    "has_more", 0));
}

static void pools_list(const struct sim_request *req, struct sim_response *resp)
{
    struct sim_world *w = auth(req, resp);
    long limit;
    if (!w || !parse_limit(req, resp, &limit))
        return;
    const char *gt = keyset_cursor(req, resp);
    json_t *items = json_array();
    bool more = false;
    for (uint32_t i = 0; i < w->n_tasks; i++) {
        char id[16];
        snprintf(id, sizeof id, "%ld", pool_number(i));
        if (gt && strcmp(id, gt) <= 0)
            continue;
        if ((long)json_array_size(items) == limit) {
            more = true;
            break;
        }
        json_array_append_new(items, pool_json(w, i));
    }
    reply(resp, json_pack("{s:o,s:b}", "items", items, "has_more", more));
}

/* The pool named by s, or -1. */
static long pool_index(const struct sim_world *w, const char *s)
{
    long v;
    if (!s || !parse_count(s, &v) || v < POOL_BASE ||
        v - POOL_BASE >= (long)w->n_tasks)
        return -1;
    return v - POOL_BASE;
}

static void pool_detail(const struct sim_request *req,
                        struct sim_response *resp)
{
    struct sim_world *w = auth(req, resp);
    if (!w)
        return;
    long i = pool_index(w, req->params[0]);
    if (i < 0) {
        sim_respond_error(req, resp, 404, "Not found", "Pool does not exist");
        return;
    }
    reply(resp, pool_json(w, (uint32_t)i));
}

/* ---- assignments ---- */

static json_t *assignment_json(const struct sim_world *w,
                               const struct sim_unit *u)
{
    char id[ID_LEN], user[40], pool[16], owner[40], hex[25];
    int d = digits_of(u->id);
    const struct sim_task *t = &w->tasks[u->task];
    unit_id(u, id, sizeof id);
    worker_id(&w->workers[u->worker], user, sizeof user);
    snprintf(pool, sizeof pool, "%ld", pool_number(u->task));
    sim_id_hex(w->researcher_id, hex);
    snprintf(owner, sizeof owner, "%s00000000", hex);
    bool done = u->status == SIM_ST_AWAITING || u->status == SIM_ST_APPROVED ||
                u->status == SIM_ST_REJECTED;
    json_t *bonus_ids = json_array();
    for (int b = 0; b < u->n_bonus; b++) {
        char bid[ID_LEN];
        bonus_id(u, b, bid, sizeof bid);
        json_array_append_new(bonus_ids, json_string(bid));
    }
    json_t *o = json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:b,s:b,s:o,s:[{s:s,s:{s:s}}],"
        "s:{s:s,s:b,s:s}}",
        "id", id, "task_suite_id", id + 12, "pool_id", pool, "user_id", user,
        "status", status_names[u->status], "reward", usd(t->reward_minor),
        "bonus_ids", bonus_ids, "mixed", 0, "automerged", 0, "created",
        ts(u->start_us, d), "tasks", "pool_id", pool, "input_values", "image",
        "https://example.org/images/sample.png", "owner", "id", owner, "myself",
        1, "company_id", "sim-company");
    if (!o)
        return NULL;
    if (done) {
        json_object_set_new(o, "submitted", ts(u->end_us, d));
        json_object_set_new(
            o, "solutions",
            json_pack("[{s:{s:s}}]", "output_values", "label", "cat"));
    }
    if (u->status == SIM_ST_APPROVED)
        json_object_set_new(o, "accepted", ts(decided_at(u), d));
    if (u->status == SIM_ST_REJECTED) {
        json_object_set_new(o, "rejected", ts(decided_at(u), d));
        json_object_set_new(o, "public_comment",
                            json_string("The answer does not match"));
    }
    if (u->status == SIM_ST_RETURNED)
        json_object_set_new(o, "skipped", ts(u->end_us, d));
    if (u->status == SIM_ST_TIMED_OUT)
        json_object_set_new(
            o, "expired",
            ts(u->start_us + (int64_t)t->max_min * 60 * SIM_USEC, d));
    if (u->status == SIM_ST_SCREENED_OUT)
        json_object_set_new(o, "declined", ts(u->end_us, d));
    return o;
}

/* Sorting a pool's units by id, under the server mutex. */
static const struct sim_unit *order_base;

static int cmp_unit_id(const void *a, const void *b)
{
    return memcmp(order_base[*(const uint32_t *)a].id,
                  order_base[*(const uint32_t *)b].id, SIM_ID_BYTES);
}

static bool status_wanted(const char *list, uint8_t st)
{
    if (!list)
        return true;
    const char *name = status_names[st];
    size_t n = strlen(name);
    for (const char *p = list; p && *p;
         p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
            return true;
    return false;
}

static void assignments_list(const struct sim_request *req,
                             struct sim_response *resp)
{
    struct sim_world *w = auth(req, resp);
    long limit;
    struct range created, submitted;
    if (!w || !parse_limit(req, resp, &limit) ||
        !parse_range(req, resp, "created", &created) ||
        !parse_range(req, resp, "submitted", &submitted))
        return;
    const char *pool = sim_request_query(req, "pool_id");
    if (!pool) {
        invalid(resp, "pool_id", "VALUE_REQUIRED",
                "One of task_id, task_suite_id or pool_id is required");
        return;
    }
    long p = pool_index(w, pool);
    json_t *items = json_array();
    bool more = false;
    if (p >= 0) {
        const struct sim_task *t = &w->tasks[p];
        uint32_t *idx = malloc((t->n_units ? t->n_units : 1) * sizeof *idx);
        if (!idx) {
            json_decref(items);
            sim_respond_json(resp, 500, NULL);
            return;
        }
        for (uint32_t k = 0; k < t->n_units; k++)
            idx[k] = t->first_unit + k;
        order_base = w->units;
        qsort(idx, t->n_units, sizeof *idx, cmp_unit_id);
        const char *gt = keyset_cursor(req, resp);
        const char *status = sim_request_query(req, "status");
        for (uint32_t k = 0; k < t->n_units; k++) {
            const struct sim_unit *u = &w->units[idx[k]];
            char id[ID_LEN];
            unit_id(u, id, sizeof id);
            bool has_sub = u->status == SIM_ST_AWAITING ||
                           u->status == SIM_ST_APPROVED ||
                           u->status == SIM_ST_REJECTED;
            if ((gt && strcmp(id, gt) <= 0) ||
                !in_range(&created, u->start_us) ||
                !in_range(&submitted, has_sub ? u->end_us : SIM_TIME_NONE) ||
                !status_wanted(status, u->status))
                continue;
            if ((long)json_array_size(items) == limit) {
                more = true;
                break;
            }
            json_array_append_new(items, assignment_json(w, u));
        }
        free(idx);
    }
    reply(resp, json_pack("{s:o,s:b}", "items", items, "has_more", more));
}

/* ---- user bonuses ---- */

struct bonus_ref {
    char id[ID_LEN];
    uint32_t unit;
    int b;
};

static int cmp_bonus(const void *a, const void *b)
{
    return strcmp(((const struct bonus_ref *)a)->id,
                  ((const struct bonus_ref *)b)->id);
}

static json_t *bonus_json(const struct sim_world *w, const struct bonus_ref *r)
{
    const struct sim_unit *u = &w->units[r->unit];
    char user[40], aid[ID_LEN];
    worker_id(&w->workers[u->worker], user, sizeof user);
    unit_id(u, aid, sizeof aid);
    return json_pack(
        "{s:s,s:s,s:o,s:s,s:s,s:{s:s},s:{s:s},s:b,s:o}", "id", r->id, "user_id",
        user, "amount", usd((int64_t)u->bonus[r->b]), "assignment_id", aid,
        "private_comment", "Thanks for careful work", "public_title", "EN",
        "Bonus", "public_message", "EN", "Thank you!", "without_message", 0,
        "created", ts(bonus_created(u, r->b), digits_of(u->id)));
}

static void bonuses_list(const struct sim_request *req,
                         struct sim_response *resp)
{
    struct sim_world *w = auth(req, resp);
    long limit;
    struct range created;
    if (!w || !parse_limit(req, resp, &limit) ||
        !parse_range(req, resp, "created", &created))
        return;
    size_t n = sim_world_count_bonuses(w), k = 0;
    struct bonus_ref *refs = malloc((n ? n : 1) * sizeof *refs);
    if (!refs) {
        sim_respond_json(resp, 500, NULL);
        return;
    }
    for (size_t i = 0; i < w->n_units; i++)
        for (int b = 0; b < w->units[i].n_bonus && k < n; b++) {
            bonus_id(&w->units[i], b, refs[k].id, sizeof refs[k].id);
            refs[k].unit = (uint32_t)i;
            refs[k].b = b;
            k++;
        }
    qsort(refs, k, sizeof *refs, cmp_bonus);
    const char *gt = keyset_cursor(req, resp);
    const char *aid = sim_request_query(req, "assignment_id");
    json_t *items = json_array();
    bool more = false;
    for (size_t i = 0; i < k; i++) {
        const struct sim_unit *u = &w->units[refs[i].unit];
        char uid[ID_LEN];
        unit_id(u, uid, sizeof uid);
        if ((gt && strcmp(refs[i].id, gt) <= 0) ||
            !in_range(&created, bonus_created(u, refs[i].b)) ||
            (aid && strcmp(aid, uid) != 0))
            continue;
        if ((long)json_array_size(items) == limit) {
            more = true;
            break;
        }
        json_array_append_new(items, bonus_json(w, &refs[i]));
    }
    free(refs);
    reply(resp, json_pack("{s:o,s:b}", "items", items, "has_more", more));
}

/* ---- truth ---- */

static json_t *toloka_truth(const struct sim_world *w)
{
    json_t *workers = json_array();
    for (size_t i = 0; i < w->n_workers; i++) {
        char id[40];
        worker_id(&w->workers[i], id, sizeof id);
        json_array_append_new(workers,
                              json_pack("{s:s,s:s,s:I}", "user_id", id, "story",
                                        sim_story_name(w->workers[i].story),
                                        "assignments",
                                        (json_int_t)w->workers[i].n_units));
    }
    size_t st[SIM_ST_COUNT];
    sim_world_count_status(w, st);
    json_t *by_status = json_object();
    for (int k = 0; k < SIM_ST_COUNT; k++)
        json_object_set_new(by_status, norm_names[k],
                            json_integer((json_int_t)st[k]));
    json_int_t approved = 0, bonus = 0;
    for (size_t i = 0; i < w->n_units; i++) {
        const struct sim_unit *u = &w->units[i];
        if (u->status == SIM_ST_APPROVED)
            approved += w->tasks[u->task].reward_minor;
        for (int b = 0; b < u->n_bonus; b++)
            bonus += u->bonus[b];
    }
    char from[16], to[16];
    sim_date_format(w->anchor_day, from, sizeof from);
    sim_date_format(w->anchor_day + SIM_WINDOW_DAYS, to, sizeof to);
    return json_pack(
        "{s:s,s:i,s:s,s:s,s:o,s:{s:I,s:I,s:I,s:I,s:o},s:I,s:I}", "platform",
        "toloka", "step", w->step, "window_start", from, "window_end", to,
        "workers", workers, "counts", "workers", (json_int_t)w->n_workers,
        "pools", (json_int_t)w->n_tasks, "assignments", (json_int_t)w->n_units,
        "bonuses", (json_int_t)sim_world_count_bonuses(w), "by_status",
        by_status, "approved_reward_usd_cents", approved, "bonus_usd_cents",
        bonus);
}

/* More specific patterns first: the first match wins. */
static const struct sim_route routes[] = {
    {"GET", "/api/v1/projects", projects_list},
    {"GET", "/api/v1/pools/{}", pool_detail},
    {"GET", "/api/v1/pools", pools_list},
    {"GET", "/api/v1/assignments", assignments_list},
    {"GET", "/api/v1/user-bonuses", bonuses_list},
};

const struct sim_platform sim_toloka = {
    .name = "toloka",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .error_body = toloka_error_body,
    .worker_id = worker_id,
    .match = toloka_match,
    .throttle = throttle_hour,
    .truth = toloka_truth,
    .unit_id = unit_id,
};
