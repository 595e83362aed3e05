/* tests/sim/sim_upwork.c — Upwork GraphQL: contracts, time, work diary. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim_rng.h"
#include "sim_server.h"

/*
 * The world rendered as an Upwork client account: one hourly contract per
 * worker; the worker's tracked time is the union of their units' [start,
 * end] cut into 10-minute cells; a day with cells is a time-report row.
 * Which GraphQL subset is understood: docs/simulator.md, "Upwork".
 */

#define CELL_S 600
#define CELLS_PER_HOUR 6
#define MAX_FIRST 500
#define DEFAULT_FIRST 50
#define OFFSHIFT_GAP_CELLS 18 /* 3 h after the day's last billed cell */
#define MAX_CACHED 256        /* one per workspace */

static const char scope_message[] =
    "The client or authentication token doesn't have enough oauth2 "
    "permissions/scopes to access: [Money.currency, Money.rawValue, "
    "PageInfo.endCursor, PageInfo.hasNextPage].";

/* ---- per-world index: each worker's units in start order ---- */

struct windex {
    const struct sim_world *w;
    uint32_t *order; /* unit indices, by worker then start */
    uint32_t *first; /* n_workers + 1 offsets into order */
};

static struct windex cache[MAX_CACHED];
static const struct sim_world *sort_world;

static int cmp_worker_start(const void *a, const void *b)
{
    const struct sim_unit *x = &sort_world->units[*(const uint32_t *)a];
    const struct sim_unit *y = &sort_world->units[*(const uint32_t *)b];
    if (x->worker != y->worker)
        return x->worker < y->worker ? -1 : 1;
    if (x->start_us != y->start_us)
        return x->start_us < y->start_us ? -1 : 1;
    return memcmp(x->id, y->id, SIM_ID_BYTES);
}

/* The index of w (built on first use; the server mutex serialises). */
static const struct windex *windex_of(const struct sim_world *w)
{
    size_t i;
    for (i = 0; i < MAX_CACHED && cache[i].w; i++)
        if (cache[i].w == w)
            return &cache[i];
    if (i == MAX_CACHED)
        return NULL;
    struct windex *x = &cache[i];
    x->order = malloc((w->n_units ? w->n_units : 1) * sizeof *x->order);
    x->first = calloc(w->n_workers + 1, sizeof *x->first);
    if (!x->order || !x->first) {
        free(x->order);
        free(x->first);
        x->order = NULL;
        x->first = NULL;
        return NULL;
    }
    for (size_t k = 0; k < w->n_units; k++)
        x->order[k] = (uint32_t)k;
    sort_world = w;
    qsort(x->order, w->n_units, sizeof *x->order, cmp_worker_start);
    for (size_t k = 0; k < w->n_units; k++)
        x->first[w->units[k].worker + 1]++;
    for (size_t k = 0; k < w->n_workers; k++)
        x->first[k + 1] += x->first[k];
    x->w = w;
    return x;
}

/* ---- a worker's tracked cells ---- */

/* What the diary shows for one 10-minute cell. */
struct cell {
    int64_t at; /* epoch seconds, a multiple of 600 */
    bool manual, offshift;
    int shots, webcam;
    int level, keyboard, mouse;
};

struct cells {
    struct cell *items;
    size_t n, cap;
};

static bool heavy(const struct sim_worker *k)
{
    return k->story == SIM_STORY_OVERWORKED;
}

static bool offshift_story(const struct sim_worker *k)
{
    return k->story == SIM_STORY_REJECTED;
}

static uint64_t worker_seed(const struct sim_worker *k)
{
    uint64_t v = 0;
    for (int i = 0; i < SIM_ID_BYTES; i++)
        v = v << 8 ^ k->id[i] ^ (v >> 56);
    return sim_mix64(v ^ 0x5570776f726bULL); /* "Upwork" */
}

static bool push_cell(struct cells *cs, int64_t at, bool offshift)
{
    if (cs->n == cs->cap) {
        size_t cap = cs->cap ? cs->cap * 2 : 256;
        struct cell *p = realloc(cs->items, cap * sizeof *p);
        if (!p)
            return false;
        cs->items = p;
        cs->cap = cap;
    }
    cs->items[cs->n++] = (struct cell){.at = at, .offshift = offshift};
    return true;
}

/* Fills in a cell's monitoring data, deterministic for (worker, time). */
static void describe(const struct sim_worker *k, size_t nth, struct cell *c)
{
    uint64_t r = sim_mix64(worker_seed(k) ^ (uint64_t)c->at);
    if (c->offshift) {
        /* A capture while the tracker should be idle: no input at all. */
        c->shots = 1;
        return;
    }
    c->manual = !heavy(k) && r % 25 == 0;
    if (c->manual)
        return; /* manual time has no activity data and no screenshot */
    c->level = 1 + (int)((r >> 8) % 10);
    c->keyboard = (int)((r >> 16) % 700);
    c->mouse = (int)((r >> 32) % 500);
    if (heavy(k)) {
        c->shots = 3 + (nth % 4 == 0); /* 19.5 an hour */
        c->webcam = nth % 2 == 0;
    } else {
        c->shots = 1; /* Upwork's default: about six an hour */
    }
}

/*
 * The worker's cells in time order: the union of their units' working
 * intervals in 10-minute cells, plus (for the off-shift story) one
 * capture three hours after each day's last billed cell.
 */
static bool worker_cells(const struct sim_world *w, const struct windex *x,
                         uint32_t worker, struct cells *cs)
{
    const struct sim_worker *k = &w->workers[worker];
    int64_t last = INT64_MIN;
    for (uint32_t i = x->first[worker]; i < x->first[worker + 1]; i++) {
        const struct sim_unit *u = &w->units[x->order[i]];
        if (u->end_us == SIM_TIME_NONE || u->status == SIM_ST_SCREENED_OUT)
            continue;
        int64_t s = u->start_us / SIM_USEC / CELL_S * CELL_S;
        for (int64_t c = s; c * SIM_USEC < u->end_us; c += CELL_S)
            if (c > last) {
                if (!push_cell(cs, c, false))
                    return false;
                last = c;
            }
    }
    size_t billed = cs->n;
    for (size_t i = 0; i < billed; i++)
        describe(k, i, &cs->items[i]);
    if (!offshift_story(k))
        return true;
    for (size_t i = 0; i < billed; i++) {
        int64_t at = cs->items[i].at;
        bool day_end =
            i + 1 == billed || cs->items[i + 1].at / 86400 != at / 86400;
        int64_t off = at + OFFSHIFT_GAP_CELLS * CELL_S;
        if (day_end && off / 86400 == at / 86400) {
            if (!push_cell(cs, off, true))
                return false;
            describe(k, 0, &cs->items[cs->n - 1]);
        }
    }
    return true;
}

/* ---- contracts ---- */

static void contract_id(const struct sim_world *w, uint32_t worker, char *out,
                        size_t n)
{
    snprintf(out, n, "%u",
             30000000u + worker * 1000u +
                 (unsigned)(worker_seed(&w->workers[worker]) % 1000));
}

static bool find_contract(const struct sim_world *w, const char *id,
                          uint32_t *worker)
{
    char buf[24];
    for (uint32_t i = 0; id && i < w->n_workers; i++) {
        contract_id(w, i, buf, sizeof buf);
        if (strcmp(buf, id) == 0) {
            *worker = i;
            return true;
        }
    }
    return false;
}

static void freelancer_id(const struct sim_worker *k, char *out, size_t n)
{
    char hex[25];
    sim_id_hex(k->id, hex);
    snprintf(out, n, "~01%s", hex);
}

/* Hourly rate in cents: the underpaid story far below any minimum wage. */
static long rate_cents(const struct sim_worker *k)
{
    uint64_t r = worker_seed(k) >> 20;
    if (k->story == SIM_STORY_UNDERPAID)
        return 200 + (long)(r % 21) * 10; /* 2.00-4.00 */
    return 1200 + (long)(r % 37) * 50;    /* 12.00-30.00 */
}

static int64_t contract_start_day(const struct sim_world *w)
{
    return w->anchor_day - 14;
}

static json_t *freelancer_json(const struct sim_world *w, uint32_t worker)
{
    char id[40], name[40], url[96];
    freelancer_id(&w->workers[worker], id, sizeof id);
    snprintf(name, sizeof name, "Sim Freelancer %u", worker + 1);
    snprintf(url, sizeof url, "https://sim-cdn.example/portrait/%s.jpg", id);
    return json_pack("{s:s,s:s,s:s}", "id", id, "name", name, "portraitUrl",
                     url);
}

static json_t *contract_json(const struct sim_world *w, uint32_t worker)
{
    const struct windex *x = windex_of(w);
    char id[24], day[16], rate[24], display[32], title[120];
    const struct sim_worker *k = &w->workers[worker];
    long cents = rate_cents(k);
    contract_id(w, worker, id, sizeof id);
    sim_date_format(contract_start_day(w), day, sizeof day);
    snprintf(rate, sizeof rate, "%ld.%02ld", cents / 100, cents % 100);
    snprintf(display, sizeof display, "$%s", rate);
    const char *topic = "data labelling";
    if (x && x->first[worker] < x->first[worker + 1])
        topic = w->tasks[w->units[x->order[x->first[worker]]].task].name;
    snprintf(title, sizeof title, "Hourly: %s", topic);
    return json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s},s:o,s:i}", "id", id,
                     "title", title, "status", "ACTIVE", "startDate", day,
                     "hourlyRate", "rawValue", rate, "currency", "USD",
                     "displayValue", display, "freelancer",
                     freelancer_json(w, worker), "weeklyLimit", 40);
}

/* ---- GraphQL request: root field, its arguments as variables ---- */

struct gql {
    char field[64];
    json_t *args; /* argument name -> value from variables (owned) */
};

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ',')
        p++;
    return p;
}

static const char *read_name(const char *p, char *out, size_t n)
{
    size_t i = 0;
    while (name_char(*p) && i + 1 < n)
        out[i++] = *p++;
    out[i] = '\0';
    return p;
}

/*
 * Finds the first root field of the operation (after the first '{'; an
 * alias "a: field" is followed) and binds its "name: $var" arguments to
 * the request's variables. Literal arguments are not supported.
 */
static bool parse_gql(const char *query, json_t *vars, struct gql *g, char *why,
                      size_t wn)
{
    const char *p = strchr(query, '{');
    char name[64];
    g->args = json_object();
    if (!p || !g->args) {
        snprintf(why, wn, "no selection set in the query");
        return false;
    }
    p = read_name(skip_ws(p + 1), g->field, sizeof g->field);
    p = skip_ws(p);
    if (*p == ':') {
        p = read_name(skip_ws(p + 1), g->field, sizeof g->field);
        p = skip_ws(p);
    }
    if (!g->field[0]) {
        snprintf(why, wn, "no root field in the query");
        return false;
    }
    if (*p != '(')
        return true;
    p = skip_ws(p + 1);
    while (*p && *p != ')') {
        char var[64];
        p = read_name(p, name, sizeof name);
        p = skip_ws(p);
        if (!name[0] || *p != ':') {
            snprintf(why, wn, "cannot read the arguments of %s", g->field);
            return false;
        }
        p = skip_ws(p + 1);
        if (*p != '$') {
            snprintf(why, wn,
                     "argument %s: the simulator needs arguments as "
                     "variables ($name)",
                     name);
            return false;
        }
        p = read_name(p + 1, var, sizeof var);
        json_t *v = json_object_get(vars, var);
        if (v)
            json_object_set(g->args, name, v);
        p = skip_ws(p);
    }
    return *p == ')';
}

/* ---- answers ---- */

static void reply(struct sim_response *resp, json_t *o)
{
    sim_respond_json(resp, 200, o ? json_dumps(o, JSON_COMPACT) : NULL);
    json_decref(o);
}

static void gql_error(struct sim_response *resp, const char *field,
                      const char *msg, const char *classification)
{
    json_t *data = field ? json_pack("{s:n}", field) : json_null();
    reply(resp, json_pack("{s:o,s:[{s:s,s:{s:s}}]}", "data", data, "errors",
                          "message", msg, "extensions", "classification",
                          classification));
}

/* Relay cursors: base64("arrayconnection:N") as graphql-relay writes. */
static void make_cursor(size_t n, char *out, size_t outn)
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char raw[48];
    int len = snprintf(raw, sizeof raw, "arrayconnection:%zu", n);
    size_t o = 0;
    for (int i = 0; i < len && o + 5 < outn; i += 3) {
        unsigned v = (unsigned char)raw[i] << 16;
        if (i + 1 < len)
            v |= (unsigned char)raw[i + 1] << 8;
        if (i + 2 < len)
            v |= (unsigned char)raw[i + 2];
        out[o++] = b64[v >> 18 & 63];
        out[o++] = b64[v >> 12 & 63];
        out[o++] = i + 1 < len ? b64[v >> 6 & 63] : '=';
        out[o++] = i + 2 < len ? b64[v & 63] : '=';
    }
    out[o] = '\0';
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* The item index after a cursor; false for a cursor we never wrote. */
static bool read_cursor(const char *s, size_t *n)
{
    char raw[48], again[64];
    size_t len = strlen(s), o = 0;
    if (len == 0 || len % 4 || len > 60)
        return false;
    for (size_t i = 0; i < len; i += 4) {
        unsigned v = 0;
        for (size_t j = 0; j < 4; j++) {
            int d = s[i + j] == '=' ? 0 : b64_value(s[i + j]);
            if (d < 0)
                return false;
            v = v << 6 | (unsigned)d;
        }
        raw[o++] = (char)(v >> 16);
        raw[o++] = (char)(v >> 8 & 255);
        raw[o++] = (char)(v & 255);
    }
    raw[o] = '\0';
    const char *prefix = "arrayconnection:";
    char *end;
    if (strncmp(raw, prefix, strlen(prefix)) != 0)
        return false;
    unsigned long long k = strtoull(raw + strlen(prefix), &end, 10);
    if (end == raw + strlen(prefix) || k > 100000000ULL)
        return false;
    /* Only the exact text we would write (no padding tricks). */
    make_cursor((size_t)k, again, sizeof again);
    if (strcmp(again, s) != 0)
        return false;
    *n = (size_t)k;
    return true;
}

/* pagination {first, after}: the slice [*off, *off + *first). */
static bool read_pagination(const struct sim_request *req,
                            struct sim_response *resp, const char *field,
                            json_t *p, size_t *off, size_t *first)
{
    json_t *f = json_object_get(p, "first");
    json_t *a = json_object_get(p, "after");
    *off = 0;
    *first = DEFAULT_FIRST;
    if (json_is_integer(f)) {
        if (json_integer_value(f) < 1) {
            gql_error(resp, field, "pagination.first must be positive",
                      "ValidationError");
            return false;
        }
        *first = json_integer_value(f) > MAX_FIRST
                     ? MAX_FIRST
                     : (size_t)json_integer_value(f);
    }
    if (json_is_string(a)) {
        size_t n;
        if (!read_cursor(json_string_value(a), &n)) {
            gql_error(resp, field, "Invalid cursor", "ValidationError");
            return false;
        }
        *off = n + 1;
    }
    if (req->dup && *off > 0) {
        /* Fault: a stale page, as a cache would serve it. */
        *off = *off >= *first ? *off - *first : 0;
        resp->dup_applied = true;
    }
    return true;
}

static json_t *connection(json_t *edges, size_t total, size_t off, size_t shown,
                          bool more)
{
    char end[64] = "";
    if (shown > 0)
        make_cursor(off + shown - 1, end, sizeof end);
    return json_pack("{s:I,s:o,s:{s:o,s:b}}", "totalCount", (json_int_t)total,
                     "edges", edges, "pageInfo", "endCursor",
                     shown ? json_string(end) : json_null(), "hasNextPage",
                     more);
}

static json_t *edge(size_t n, json_t *node)
{
    char c[64];
    make_cursor(n, c, sizeof c);
    return json_pack("{s:s,s:o}", "cursor", c, "node", node);
}

static void contract_list(const struct sim_request *req,
                          struct sim_response *resp, const struct sim_world *w,
                          json_t *args)
{
    size_t off, first;
    if (!read_pagination(req, resp, "contractList",
                         json_object_get(args, "pagination"), &off, &first))
        return;
    json_t *edges = json_array();
    size_t i;
    for (i = off; i < w->n_workers && i < off + first; i++)
        json_array_append_new(edges, edge(i, contract_json(w, (uint32_t)i)));
    size_t shown = i > off ? i - off : 0;
    reply(resp, json_pack("{s:{s:o}}", "data", "contractList",
                          connection(edges, w->n_workers, off, shown,
                                     i < w->n_workers)));
}

/* One contract-day's billed time. */
struct day_row {
    uint32_t worker;
    int64_t day;
    long cells, manual;
};

static bool add_row(struct day_row **rows, size_t *n, size_t *cap,
                    struct day_row r)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 128;
        struct day_row *p = realloc(*rows, c * sizeof *p);
        if (!p)
            return false;
        *rows = p;
        *cap = c;
    }
    (*rows)[(*n)++] = r;
    return true;
}

/* The time-report rows of one worker's contract over [from, to]. */
static bool worker_rows(const struct sim_world *w, uint32_t worker,
                        int64_t from, int64_t to, struct day_row **rows,
                        size_t *n, size_t *cap)
{
    const struct windex *x = windex_of(w);
    struct cells cs = {0};
    bool ok = x && worker_cells(w, x, worker, &cs);
    struct day_row cur = {.worker = worker, .day = INT64_MIN};
    for (size_t i = 0; ok && i < cs.n; i++) {
        const struct cell *c = &cs.items[i];
        int64_t day = c->at / 86400;
        if (c->offshift || day < from || day > to)
            continue;
        if (day != cur.day) {
            if (cur.cells && !add_row(rows, n, cap, cur))
                ok = false;
            cur = (struct day_row){.worker = worker, .day = day};
        }
        cur.cells++;
        cur.manual += c->manual;
    }
    if (ok && cur.cells && !add_row(rows, n, cap, cur))
        ok = false;
    free(cs.items);
    return ok;
}

/* Charges in cents: cells / 6 hours at the rate, rounded half up. */
static long charge_cents(long cells, long rate)
{
    return (cells * rate + CELLS_PER_HOUR / 2) / CELLS_PER_HOUR;
}

static json_t *time_row_json(const struct sim_world *w, const struct day_row *r)
{
    const struct sim_worker *k = &w->workers[r->worker];
    char id[24], date[16], week[16];
    long rate = rate_cents(k);
    long cents = charge_cents(r->cells, rate);
    long off_cents = charge_cents(r->manual, rate);
    contract_id(w, r->worker, id, sizeof id);
    sim_date_format(r->day, date, sizeof date);
    sim_date_format(r->day - (r->day + 3) % 7, week, sizeof week);
    return json_pack(
        "{s:s,s:s,s:o,s:{s:s},s:{s:s,s:s},s:s,s:s,s:f,s:f,s:f,s:f,s:f,s:f,"
        "s:{s:f,s:s}}",
        "dateWorkedOn", date, "weekWorkedOn", week, "freelancer",
        freelancer_json(w, r->worker), "contract", "id", id, "team", "id",
        "sim-team", "name", "Sim Team", "memo", "Labelling batch, see diary",
        "taskDescription", "Hourly work on the client's tasks",
        "totalHoursWorked", (double)r->cells / CELLS_PER_HOUR, "totalCharges",
        (double)cents / 100, "totalOnlineHoursWorked",
        (double)(r->cells - r->manual) / CELLS_PER_HOUR, "totalOnlineCharge",
        (double)(cents - off_cents) / 100, "totalOfflineHoursWorked",
        (double)r->manual / CELLS_PER_HOUR, "totalOfflineCharge",
        (double)off_cents / 100, "billRate", "value", (double)rate / 100,
        "code", "USD");
}

static bool read_day(json_t *v, int64_t *day)
{
    const char *s = json_string_value(v);
    char buf[11];
    if (!s || strlen(s) < 10)
        return false;
    memcpy(buf, s, 10); /* "YYYY-MM-DD" or the date of an ISO time */
    buf[10] = '\0';
    return sim_date_parse(buf, day);
}

static void time_report(const struct sim_request *req,
                        struct sim_response *resp, const struct sim_world *w,
                        json_t *args)
{
    const char *field = "contractTimeReport";
    json_t *filter = json_object_get(args, "filter");
    json_t *range = json_object_get(filter, "timeReportDate_bt");
    json_t *ids = json_object_get(filter, "contractIds");
    int64_t from, to;
    size_t off, first;
    if (!read_day(json_object_get(range, "rangeStart"), &from) ||
        !read_day(json_object_get(range, "rangeEnd"), &to)) {
        gql_error(resp, field,
                  "filter.timeReportDate_bt needs rangeStart and rangeEnd",
                  "ValidationError");
        return;
    }
    if (!read_pagination(req, resp, field, json_object_get(args, "pagination"),
                         &off, &first))
        return;
    struct day_row *rows = NULL;
    size_t n = 0, cap = 0;
    bool ok = true;
    for (uint32_t i = 0; ok && i < w->n_workers; i++) {
        bool wanted = !json_is_array(ids);
        size_t k;
        json_t *v;
        char id[24];
        contract_id(w, i, id, sizeof id);
        json_array_foreach(ids, k, v)
        {
            if (json_is_string(v) && strcmp(json_string_value(v), id) == 0)
                wanted = true;
        }
        if (wanted)
            ok = worker_rows(w, i, from, to, &rows, &n, &cap);
    }
    if (!ok) {
        free(rows);
        sim_respond_json(resp, 500, NULL);
        return;
    }
    json_t *edges = json_array();
    size_t i;
    for (i = off; i < n && i < off + first; i++)
        json_array_append_new(edges, edge(i, time_row_json(w, &rows[i])));
    free(rows);
    reply(resp,
          json_pack("{s:{s:o}}", "data", field,
                    connection(edges, n, off, i > off ? i - off : 0, i < n)));
}

static json_t *link(const char *kind, const struct sim_worker *k, int64_t at,
                    int n)
{
    char url[160], hex[25];
    sim_id_hex(k->id, hex);
    snprintf(url, sizeof url,
             "https://sim-cdn.example/%s/%s/%lld-%d.png?sig=%016llx", kind, hex,
             (long long)at, n,
             (unsigned long long)sim_mix64((uint64_t)at ^ (uint64_t)n));
    return json_string(url);
}

static json_t *cell_json(const struct sim_worker *k, const struct cell *c)
{
    char at[24], display[40];
    snprintf(at, sizeof at, "%lld", (long long)c->at);
    sim_time_iso(c->at * SIM_USEC, 0, display, sizeof display);
    bool shot = c->shots > 0;
    json_t *o = json_pack(
        "{s:{s:s,s:s},s:{s:s},s:b,s:b,s:s,s:{s:s,s:s},s:s,s:b,s:b,s:o,s:o,"
        "s:o,s:b,s:o,s:o,s:b}",
        "cellDateTime", "rawValue", at, "displayValue", display,
        "snapshotDateTime", "rawValue", at, "overtime", 0, "manual", c->manual,
        "memo", "Labelling batch", "task", "id", "sim-task", "description",
        "Label the images", "activeWindowTitle",
        "Inbox (3) - Mail - private conversation", "hideScreenshots", 0,
        "hasScreenshot", shot, "screenshotImageUrl",
        shot ? link("screenshot", k, c->at, 0) : json_null(),
        "screenshotImageUrlMedium",
        shot ? link("screenshot-m", k, c->at, 0) : json_null(),
        "screenshotImageThumbnail",
        shot ? link("screenshot-t", k, c->at, 0) : json_null(), "webcamEnabled",
        c->webcam > 0, "webcamImageUrl",
        c->webcam ? link("webcam", k, c->at, 0) : json_null(),
        "webcamImageThumbnail",
        c->webcam ? link("webcam-t", k, c->at, 0) : json_null(),
        "snapshotExpired", 0);
    if (!o)
        return NULL;
    if (c->manual) {
        json_object_set_new(o, "activityLevel", json_null());
        json_object_set_new(o, "keyboardEventsCount", json_null());
        json_object_set_new(o, "mouseEventsCount", json_null());
    } else {
        json_object_set_new(o, "activityLevel", json_integer(c->level));
        json_object_set_new(o, "keyboardEventsCount",
                            json_integer(c->keyboard));
        json_object_set_new(o, "mouseEventsCount", json_integer(c->mouse));
    }
    if (c->shots > 1) {
        /* Several captures per cell, in workDiaryCompany's shape. */
        json_t *list = json_array();
        for (int i = 0; i < c->shots; i++)
            json_array_append_new(
                list,
                json_pack("{s:i,s:o,s:b,s:o}", "activity", c->level,
                          "screenshotUrl", link("screenshot", k, c->at, i),
                          "hasWebcam", i == 0 && c->webcam, "webcamUrl",
                          i == 0 && c->webcam ? link("webcam", k, c->at, i)
                                              : json_null()));
        json_object_set_new(o, "screenshots", list);
    }
    return o;
}

static void work_diary(const struct sim_request *req, struct sim_response *resp,
                       const struct sim_world *w, json_t *args)
{
    const char *field = "workDiaryContract";
    json_t *in = json_object_get(args, "workDiaryContractInput");
    const char *cid = json_string_value(json_object_get(in, "contractId"));
    const char *date = json_string_value(json_object_get(in, "date"));
    uint32_t worker;
    int64_t day;
    char iso[11];
    (void)req;
    if (!date || strlen(date) != 8) {
        gql_error(resp, field, "workDiaryContractInput.date must be yyyymmdd",
                  "ValidationError");
        return;
    }
    snprintf(iso, sizeof iso, "%.4s-%.2s-%.2s", date, date + 4, date + 6);
    if (!sim_date_parse(iso, &day)) {
        gql_error(resp, field, "workDiaryContractInput.date must be yyyymmdd",
                  "ValidationError");
        return;
    }
    if (!find_contract(w, cid, &worker)) {
        gql_error(resp, field, "Contract not found", "DataFetchingException");
        return;
    }
    const struct windex *x = windex_of(w);
    struct cells cs = {0};
    if (!x || !worker_cells(w, x, worker, &cs)) {
        free(cs.items);
        sim_respond_json(resp, 500, NULL);
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < cs.n; i++)
        if (cs.items[i].at / 86400 == day)
            json_array_append_new(list,
                                  cell_json(&w->workers[worker], &cs.items[i]));
    free(cs.items);
    reply(resp, json_pack("{s:{s:{s:{s:i,s:n},s:o}}}", "data", field,
                          "workDiaryMetadata", "timezoneOffset", 0,
                          "archivingDateTime", "workDiaryTimeCells", list));
}

/* ---- the route ---- */

/* Counts requests of "flaky-" tokens: every third answers errors[]. */
static unsigned long flaky_seq;

static void graphql(const struct sim_request *req, struct sim_response *resp)
{
    const char *h = sim_request_header(req, "Authorization");
    const char *token = NULL;
    if (h && strncasecmp(h, "Bearer ", 7) == 0)
        for (token = h + 7; *token == ' ';)
            token++;
    if (!token || !*token || strcmp(token, "expired") == 0 ||
        !sim_token_valid(token)) {
        sim_respond_error(req, resp, 401, "Unauthorized",
                          token && strcmp(token, "expired") == 0
                              ? "The access token expired."
                              : "Invalid or missing Bearer token.");
        return;
    }
    json_error_t jerr;
    json_t *doc =
        req->body ? json_loadb(req->body, req->body_len, 0, &jerr) : NULL;
    const char *query = json_string_value(json_object_get(doc, "query"));
    json_t *vars = json_object_get(doc, "variables");
    struct gql g = {{0}, NULL};
    char why[160];
    if (!query) {
        sim_respond_error(req, resp, 400, "Bad request",
                          "The body must be JSON with a query string.");
    } else if (!parse_gql(query, vars, &g, why, sizeof why)) {
        gql_error(resp, NULL, why, "InvalidSyntax");
    } else if (strncmp(token, "noscope-", 8) == 0) {
        gql_error(resp, NULL, scope_message, "ExecutionAborted");
    } else {
        bool flaky = strncmp(token, "flaky-", 6) == 0;
        const char *ws_token = flaky ? token + 6 : token;
        struct sim_world *w = sim_token_valid(ws_token)
                                  ? sim_workspaces_get(req->worlds, ws_token)
                                  : NULL;
        if (!w) {
            sim_respond_error(req, resp, 503, "Service Unavailable",
                              "Too many workspaces in this simulator.");
        } else if (flaky && ++flaky_seq % 3 == 0) {
            if (flaky_seq % 2)
                gql_error(resp, NULL, "Internal server error", "InternalError");
            else
                gql_error(resp, g.field,
                          "Exception while fetching data: timeout",
                          "DataFetchingException");
        } else if (strcmp(g.field, "contractList") == 0) {
            contract_list(req, resp, w, g.args);
        } else if (strcmp(g.field, "contractTimeReport") == 0) {
            time_report(req, resp, w, g.args);
        } else if (strcmp(g.field, "workDiaryContract") == 0) {
            work_diary(req, resp, w, g.args);
        } else {
            snprintf(why, sizeof why,
                     "Validation error: field '%s' is not supported here",
                     g.field);
            gql_error(resp, NULL, why, "ValidationError");
        }
    }
    json_decref(g.args);
    json_decref(doc);
}

static char *upwork_error_body(int status, const char *title,
                               const char *detail)
{
    json_t *o = json_pack("{s:i,s:s,s:s}", "status", status, "error", title,
                          "message", detail);
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return s;
}

static void worker_id(const struct sim_worker *k, char *out, size_t n)
{
    freelancer_id(k, out, n);
}

/* ---- truth ---- */

/* What the Upwork rendering of w contains, for /__sim/truth. */
static json_t *upwork_truth(const struct sim_world *w)
{
    const struct windex *x = windex_of(w);
    long rows = 0, billed = 0, manual = 0, off = 0, shots = 0, webcam = 0;
    long long cents = 0;
    json_t *contracts = json_array();
    for (uint32_t i = 0; x && contracts && i < w->n_workers; i++) {
        const struct sim_worker *k = &w->workers[i];
        struct cells cs = {0};
        struct day_row *r = NULL;
        size_t n = 0, cap = 0;
        char id[24], fid[40];
        if (!worker_cells(w, x, i, &cs) ||
            !worker_rows(w, i, INT64_MIN / 2, INT64_MAX / 2, &r, &n, &cap)) {
            free(cs.items);
            free(r);
            json_decref(contracts);
            return NULL;
        }
        for (size_t c = 0; c < cs.n; c++) {
            billed += !cs.items[c].offshift;
            off += cs.items[c].offshift;
            manual += cs.items[c].manual;
            shots += cs.items[c].shots;
            webcam += cs.items[c].webcam;
        }
        for (size_t d = 0; d < n; d++)
            cents += charge_cents(r[d].cells, rate_cents(k));
        rows += (long)n;
        contract_id(w, i, id, sizeof id);
        freelancer_id(k, fid, sizeof fid);
        json_array_append_new(
            contracts,
            json_pack("{s:s,s:s,s:s,s:i,s:I,s:b,s:b}", "id", id, "freelancer",
                      fid, "story", sim_story_name(k->story), "rate_cents",
                      (int)rate_cents(k), "cells", (json_int_t)cs.n,
                      "screenshot_heavy", heavy(k), "offshift",
                      offshift_story(k)));
        free(cs.items);
        free(r);
    }
    return json_pack(
        "{s:s,s:o,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I},s:{s:I}}", "platform",
        "upwork", "contracts", contracts, "counts", "contracts",
        (json_int_t)w->n_workers, "time_reports", (json_int_t)rows, "cells",
        (json_int_t)(billed + off), "billed_cells", (json_int_t)billed,
        "manual_cells", (json_int_t)manual, "offshift_cells", (json_int_t)off,
        "screenshots", (json_int_t)shots, "webcam_shots", (json_int_t)webcam,
        "charges_cents", "USD", (json_int_t)cents);
}

/* Only Upwork's API is GraphQL at POST /graphql. */
static bool upwork_match(const struct sim_request *req)
{
    size_t n = strlen(req->path);
    while (n > 1 && req->path[n - 1] == '/')
        n--;
    return strcmp(req->method, "POST") == 0 && n == 8 &&
           strncmp(req->path, "/graphql", 8) == 0;
}

static const struct sim_route routes[] = {
    {"POST", "/graphql", graphql},
};

const struct sim_platform sim_upwork = {
    .name = "upwork",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .error_body = upwork_error_body,
    .worker_id = worker_id,
    .match = upwork_match,
    .truth = upwork_truth,
};
