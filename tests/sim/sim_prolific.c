/* tests/sim/sim_prolific.c — Prolific API v1: studies and submissions. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim_server.h"

#define MAX_LIMIT 500 /* larger limits are clamped; links show the real one */

static const char *const status_names[SIM_ST_COUNT] = {
    "ACTIVE",   "AWAITING REVIEW", "APPROVED",     "REJECTED",
    "RETURNED", "TIMED-OUT",       "SCREENED OUT",
};

/* ---- errors and auth ---- */

static int error_code(int status)
{
    /* Prolific's codes are integers; these follow the status. */
    return 140000 + status;
}

static char *prolific_error_body(int status, const char *title,
                                 const char *detail)
{
    json_t *o =
        json_pack("{s:{s:i,s:i,s:s,s:s,s:s,s:b}}", "error", "status", status,
                  "error_code", error_code(status), "title", title, "detail",
                  detail, "additional_information", "", "interactive", 0);
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return s;
}

/* The workspace of the request's token, or NULL after answering 401. */
static struct sim_world *auth(const struct sim_request *req,
                              struct sim_response *resp)
{
    const char *h = sim_request_header(req, "Authorization");
    if (!h || !*h) {
        sim_respond_error(req, resp, 401, "Unauthorized",
                          "Authentication credentials were not provided.");
        return NULL;
    }
    if (strncasecmp(h, "Token ", 6) != 0) {
        sim_respond_error(req, resp, 401, "Unauthorized",
                          "Invalid token header. Use 'Token <token>'.");
        return NULL;
    }
    const char *token = h + 6;
    while (*token == ' ')
        token++;
    if (!sim_token_valid(token)) {
        sim_respond_error(req, resp, 401, "Unauthorized", "Invalid token.");
        return NULL;
    }
    struct sim_world *w = sim_workspaces_get(req->worlds, token);
    if (!w)
        sim_respond_error(req, resp, 503, "Service Unavailable",
                          "Too many workspaces in this simulator.");
    return w;
}

/* ---- rendering helpers ---- */

static json_t *ts(int64_t us, int digits)
{
    char buf[40];
    if (us == SIM_TIME_NONE)
        return json_null();
    sim_time_iso(us, digits, buf, sizeof buf);
    return json_string(buf);
}

static json_t *hexid(const unsigned char *id)
{
    char buf[25];
    sim_id_hex(id, buf);
    return json_string(buf);
}

static bool is_complete(const struct sim_unit *u)
{
    return u->status == SIM_ST_AWAITING || u->status == SIM_ST_APPROVED ||
           u->status == SIM_ST_REJECTED;
}

static json_t *time_taken(const struct sim_unit *u)
{
    if (u->end_us == SIM_TIME_NONE)
        return json_null();
    return json_integer(
        (json_int_t)((u->end_us - u->start_us + SIM_USEC / 2) / SIM_USEC));
}

static json_t *return_requested(const struct sim_unit *u)
{
    if (!u->return_requested)
        return json_null();
    return ts(u->start_us + 300 * SIM_USEC, 3);
}

static json_t *study_json(const struct sim_world *w, const struct sim_task *t,
                          bool detail)
{
    bool active = false, waiting = false;
    json_int_t taken = 0;
    for (uint32_t i = 0; i < t->n_units; i++) {
        const struct sim_unit *u = &w->units[t->first_unit + i];
        active |= u->status == SIM_ST_ACTIVE;
        waiting |= u->status == SIM_ST_AWAITING;
        taken += u->status != SIM_ST_RETURNED &&
                 u->status != SIM_ST_TIMED_OUT &&
                 u->status != SIM_ST_SCREENED_OUT;
    }
    const char *status = active    ? "ACTIVE"
                         : waiting ? "AWAITING REVIEW"
                                   : "COMPLETED";
    json_int_t places = (taken + 49) / 50 * 50;
    if (places < 50)
        places = 50;
    json_t *o = json_pack(
        "{s:o,s:s,s:s,s:s,s:i,s:i,s:I,s:s,s:s,s:o,s:o,s:I,s:I,s:I}", "id",
        hexid(t->id), "name", t->name, "internal_name", t->internal_name,
        "status", status, "estimated_completion_time", t->estimate_min,
        "maximum_allowed_time", t->max_min, "reward",
        (json_int_t)t->reward_minor, "currency_code", t->currency,
        "presentment_currency_code", t->currency, "published_at",
        ts(t->published_us, 6), "date_created", ts(t->created_us, 6),
        "total_available_places", places, "places_taken", taken,
        "number_of_submissions", (json_int_t)t->n_units);
    if (o && detail) {
        json_object_set_new(o, "description",
                            json_string("A study run in the simulator."));
        json_object_set_new(
            o, "estimated_reward_per_hour",
            json_integer((json_int_t)(t->reward_minor * 60 / t->estimate_min)));
        json_object_set_new(
            o, "total_cost",
            json_integer((json_int_t)(t->reward_minor * taken * 4 / 3)));
    }
    return o;
}

static json_t *strata(const struct sim_worker *k)
{
    static const char *const eth[] = {"White", "Black", "Asian", "Mixed",
                                      "Other"};
    char year[8];
    snprintf(year, sizeof year, "%d", k->birth_year);
    return json_pack("{s:s,s:s,s:s}", "date of birth", year,
                     "ethnicity (simplified)", eth[k->ethnicity % 5], "sex",
                     k->sex ? "Male" : "Female");
}

static json_t *submission_short(const struct sim_world *w,
                                const struct sim_unit *u)
{
    const struct sim_task *t = &w->tasks[u->task];
    const struct sim_worker *k = &w->workers[u->worker];
    char ip[16];
    snprintf(ip, sizeof ip, "%u.%u.%u.%u", k->ip >> 24, (k->ip >> 16) & 255,
             (k->ip >> 8) & 255, k->ip & 255);
    bool done = is_complete(u);
    return json_pack(
        "{s:o,s:o,s:s,s:o,s:o,s:b,s:o,s:I,s:o,s:b,s:o,s:b,s:[],s:s,s:o}", "id",
        hexid(u->id), "participant_id", hexid(k->id), "status",
        status_names[u->status], "started_at", ts(u->start_us, u->frac_digits),
        "completed_at", ts(u->end_us, u->frac_digits), "is_complete", done,
        "time_taken", time_taken(u), "reward", (json_int_t)t->reward_minor,
        "study_code", done ? json_string(t->code) : json_null(), "has_siblings",
        0, "return_requested", return_requested(u), "star_awarded", u->star,
        "bonus_payments", "ip", ip, "strata", strata(k));
}

static json_t *submission_detail(const struct sim_world *w,
                                 const struct sim_unit *u)
{
    const struct sim_task *t = &w->tasks[u->task];
    json_t *bonuses = json_array();
    for (int b = 0; b < u->n_bonus; b++)
        /* Prolific sends numbers; some come as floats ("125.0"). */
        json_array_append_new(bonuses, b % 2 ? json_real((double)u->bonus[b])
                                             : json_integer(u->bonus[b]));
    bool done = is_complete(u);
    return json_pack(
        "{s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:n,s:o,s:o,s:o,s:I,s:b,s:b,s:o}", "id",
        hexid(u->id), "study_id", hexid(t->id), "participant",
        hexid(w->workers[u->worker].id), "started_at",
        ts(u->start_us, u->frac_digits), "completed_at",
        ts(u->end_us, u->frac_digits), "entered_code",
        done ? json_string(t->code) : json_null(), "status",
        status_names[u->status], "parent_study_id", "bonus_payments", bonuses,
        "return_requested", return_requested(u), "time_taken", time_taken(u),
        "reward", (json_int_t)t->reward_minor, "is_complete", done,
        "star_awarded", u->star, "study_code",
        done ? json_string(t->code) : json_null());
}

/* ---- pagination ---- */

struct page {
    size_t offset, limit;
    bool page_style; /* ?page=&page_size= rather than ?limit=&offset= */
};

static bool parse_size(const char *s, size_t *out)
{
    if (!s || *s < '0' || *s > '9' || strlen(s) > 9)
        return false;
    size_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (size_t)(*s - '0');
    }
    *out = v;
    return true;
}

/* Reads the page parameters; false after answering 400/404. */
static bool parse_page(const struct sim_request *req, struct sim_response *resp,
                       size_t count, struct page *pg)
{
    const char *page = sim_request_query(req, "page");
    const char *psize = sim_request_query(req, "page_size");
    const char *limit = sim_request_query(req, "limit");
    const char *offset = sim_request_query(req, "offset");
    size_t n = 0;
    pg->limit = (size_t)req->page_size;
    pg->offset = 0;
    pg->page_style = page || psize;
    const char *size_arg = pg->page_style ? psize : limit;
    if (size_arg) {
        if (!parse_size(size_arg, &n) || n == 0) {
            sim_respond_error(req, resp, 400, "Bad request",
                              "Invalid page size.");
            return false;
        }
        pg->limit = n > MAX_LIMIT ? MAX_LIMIT : n;
    }
    if (pg->page_style && page) {
        if (!parse_size(page, &n) || n == 0) {
            sim_respond_error(req, resp, 404, "Not found", "Invalid page.");
            return false;
        }
        pg->offset = (n - 1) * pg->limit;
    } else if (!pg->page_style && offset) {
        if (!parse_size(offset, &n)) {
            sim_respond_error(req, resp, 404, "Not found", "Invalid page.");
            return false;
        }
        pg->offset = n;
    }
    if (pg->offset > 0 && pg->offset >= count) {
        sim_respond_error(req, resp, 404, "Not found", "Invalid page.");
        return false;
    }
    if (req->dup && pg->offset > 0) {
        /* Fault: a stale page, as a cache or a shifted offset serves it. */
        pg->offset = pg->offset >= pg->limit ? pg->offset - pg->limit : 0;
        resp->dup_applied = true;
    }
    return true;
}

static json_t *link(const struct sim_request *req, const struct page *pg,
                    size_t offset, const char *title, bool present)
{
    if (!present)
        return json_pack("{s:n,s:s}", "href", "title", title);
    char href[512];
    size_t plen = strlen(req->path);
    const char *slash = plen > 0 && req->path[plen - 1] == '/' ? "" : "/";
    if (pg->page_style)
        snprintf(href, sizeof href, "%s%s%s?page=%zu&page_size=%zu",
                 req->base_url, req->path, slash, offset / pg->limit + 1,
                 pg->limit);
    else
        snprintf(href, sizeof href, "%s%s%s?limit=%zu&offset=%zu",
                 req->base_url, req->path, slash, pg->limit, offset);
    return json_pack("{s:s,s:s}", "href", href, "title", title);
}

static json_t *list_body(const struct sim_request *req, const struct page *pg,
                         size_t count, json_t *results)
{
    size_t last = count == 0 ? 0 : (count - 1) / pg->limit * pg->limit;
    size_t prev = pg->offset >= pg->limit ? pg->offset - pg->limit : 0;
    return json_pack(
        "{s:o,s:{s:o,s:o,s:o,s:o},s:{s:I}}", "results", results, "_links",
        "self", link(req, pg, pg->offset, "Current", true), "next",
        link(req, pg, pg->offset + pg->limit, "Next",
             pg->offset + pg->limit < count),
        "previous", link(req, pg, prev, "Previous", pg->offset > 0), "last",
        link(req, pg, last, "Last", true), "meta", "count", (json_int_t)count);
}

static void reply(struct sim_response *resp, json_t *o)
{
    sim_respond_json(resp, 200, o ? json_dumps(o, JSON_COMPACT) : NULL);
    json_decref(o);
}

/* ---- routes ---- */

static void users_me(const struct sim_request *req, struct sim_response *resp)
{
    struct sim_world *w = auth(req, resp);
    if (!w)
        return;
    char id[25], email[64];
    sim_id_hex(w->researcher_id, id);
    snprintf(email, sizeof email, "researcher-%.8s@example.org", id);
    reply(resp,
          json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:o}", "id", id,
                    "first_name", "Sim", "last_name", "Researcher", "email",
                    email, "user_type", "researcher", "currency_code", "GBP",
                    "country", "GB", "balance", (json_int_t)250000,
                    "available_balance", (json_int_t)250000, "date_joined",
                    ts((w->anchor_day - 400) * SIM_DAY_USEC, 6)));
}

static void studies_list(const struct sim_request *req,
                         struct sim_response *resp)
{
    struct sim_world *w = auth(req, resp);
    struct page pg;
    if (!w || !parse_page(req, resp, w->n_tasks, &pg))
        return;
    json_t *results = json_array();
    for (size_t i = pg.offset; i < w->n_tasks && i < pg.offset + pg.limit; i++)
        json_array_append_new(results, study_json(w, &w->tasks[i], false));
    reply(resp, list_body(req, &pg, w->n_tasks, results));
}

static const struct sim_task *task_param(const struct sim_request *req,
                                         struct sim_response *resp,
                                         const struct sim_world *w,
                                         const char *arg)
{
    unsigned char id[SIM_ID_BYTES];
    const struct sim_task *t =
        arg && sim_id_parse(arg, id) ? sim_world_find_task(w, id) : NULL;
    if (!t)
        sim_respond_error(req, resp, 404, "Not found", "Study not found.");
    return t;
}

static void study_detail(const struct sim_request *req,
                         struct sim_response *resp)
{
    struct sim_world *w = auth(req, resp);
    const struct sim_task *t =
        w ? task_param(req, resp, w, req->params[0]) : NULL;
    if (t)
        reply(resp, study_json(w, t, true));
}

static void submissions_page(const struct sim_request *req,
                             struct sim_response *resp,
                             const struct sim_world *w,
                             const struct sim_task *t)
{
    struct page pg;
    if (!parse_page(req, resp, t->n_units, &pg))
        return;
    json_t *results = json_array();
    for (size_t i = pg.offset; i < t->n_units && i < pg.offset + pg.limit; i++)
        json_array_append_new(
            results, submission_short(w, &w->units[t->first_unit + i]));
    reply(resp, list_body(req, &pg, t->n_units, results));
}

static void study_submissions(const struct sim_request *req,
                              struct sim_response *resp)
{
    struct sim_world *w = auth(req, resp);
    const struct sim_task *t =
        w ? task_param(req, resp, w, req->params[0]) : NULL;
    if (t)
        submissions_page(req, resp, w, t);
}

/* GET /api/v1/submissions/?study=ID — the same items, filtered by study. */
static void submissions_list(const struct sim_request *req,
                             struct sim_response *resp)
{
    struct sim_world *w = auth(req, resp);
    if (!w)
        return;
    const char *study = sim_request_query(req, "study");
    if (!study) {
        sim_respond_error(req, resp, 400, "Bad request",
                          "The study parameter is required.");
        return;
    }
    const struct sim_task *t = task_param(req, resp, w, study);
    if (t)
        submissions_page(req, resp, w, t);
}

static void submission_counts(const struct sim_request *req,
                              struct sim_response *resp)
{
    struct sim_world *w = auth(req, resp);
    const struct sim_task *t =
        w ? task_param(req, resp, w, req->params[0]) : NULL;
    if (!t)
        return;
    json_int_t n[SIM_ST_COUNT] = {0};
    for (uint32_t i = 0; i < t->n_units; i++)
        n[w->units[t->first_unit + i].status]++;
    json_t *o = json_object();
    for (int k = 0; k < SIM_ST_COUNT; k++)
        json_object_set_new(o, status_names[k], json_integer(n[k]));
    reply(resp, o);
}

static void submission_detail_route(const struct sim_request *req,
                                    struct sim_response *resp)
{
    struct sim_world *w = auth(req, resp);
    if (!w)
        return;
    unsigned char id[SIM_ID_BYTES];
    const struct sim_unit *u =
        sim_id_parse(req->params[0], id) ? sim_world_find_unit(w, id) : NULL;
    if (!u) {
        sim_respond_error(req, resp, 404, "Not found", "Submission not found.");
        return;
    }
    reply(resp, submission_detail(w, u));
}

static void worker_id(const struct sim_worker *k, char *out, size_t n)
{
    char id[25];
    sim_id_hex(k->id, id);
    snprintf(out, n, "%s", id);
}

/* More specific patterns first: the first match wins. */
static const struct sim_route routes[] = {
    {"GET", "/api/v1/users/me/", users_me},
    {"GET", "/api/v1/studies/", studies_list},
    {"GET", "/api/v1/studies/{}/submissions/counts/", submission_counts},
    {"GET", "/api/v1/studies/{}/submissions/", study_submissions},
    {"GET", "/api/v1/studies/{}/", study_detail},
    {"GET", "/api/v1/submissions/", submissions_list},
    {"GET", "/api/v1/submissions/{}/", submission_detail_route},
};

/* Prolific's requests carry "Authorization: Token ...". */
static bool prolific_match(const struct sim_request *req)
{
    const char *h = sim_request_header(req, "Authorization");
    return h && strncmp(h, "Token ", 6) == 0;
}

const struct sim_platform sim_prolific = {
    .name = "prolific",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .error_body = prolific_error_body,
    .worker_id = worker_id,
    .match = prolific_match,
};
