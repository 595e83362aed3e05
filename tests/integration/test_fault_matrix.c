/* tests/integration/test_fault_matrix.c — every fault family on every
 * platform: a faulted crawl ends in the state of a clean one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dwtime.h"
#include "harness.h"

/* A fixed world: the same seed, scale and anchor give the same data. */
#define SEED "11"
#define SCALE "8"
#define ANCHOR_Y 2026
#define ANCHOR_M 9
#define ANCHOR_D 7
#define ANCHOR "2026-09-07"
#define MAX_RUNS 30
/* Requests the two expired-cursor cells throttle to end their first run:
 * as many as a request's attempts (max_retries = 8). */
#define ATTEMPTS 8

struct platform {
    const char *name;      /* config platform and dw-sim fault prefix */
    const char *token;     /* workspace of the fault cells (MTurk: key id) */
    const char *adv_token; /* workspace the advance cell moves */
    const char *exp_token; /* workspace of the expired-cursor cell */
    const char *page_size; /* NULL: the platform's default */
    double p;              /* fires several times in one crawl */
    double p_stall;        /* each stall costs timeout_s (1 s): fewer */
    double p_dup;          /* dup applies only to list pages after the
                              first: the share of such pages */
    long expire_at;        /* first throttled request of the expired cell;
                              0 = the platform's cursors do not expire */
    const char *no_expiry; /* why, when expire_at is 0 */
};

static const struct platform platforms[] = {
    /* About 3,400 requests a crawl: a detail per approved submission. */
    {"prolific", "fm-prolific", "fm-adv-prolific", "fm-prolific", NULL, 0.003,
     0.001, 0.3, 10, NULL},
    /* About 70 keyset pages of 50. */
    {"toloka", "fm-toloka", "fm-adv-toloka", NULL, "50", 0.08, 0.04, 0.08, 0,
     "keyset cursors (id_gt) never expire"},
    /* About 200 GraphQL requests; pages of 5 so that lists page. */
    {"upwork", "fm-upwork", "fm-adv-upwork", NULL, "5", 0.04, 0.02, 0.3, 0,
     "relay cursors are offsets that do not expire"},
    /* About 200 pages of 20. */
    {"mturk", "fm-mturk", "fm-adv-mturk", "fm-exp-mturk", "20", 0.03, 0.015,
     0.03, 4, NULL},
};
#define N_PLATFORMS (sizeof(platforms) / sizeof(platforms[0]))

enum family_kind { FK_FAULT, FK_EXPIRED, FK_ADVANCE, FK_GRAPHQL };

struct family {
    const char *name; /* table column; for FK_FAULT the /__sim/stats key */
    enum family_kind kind;
    const char *fault; /* FK_FAULT: the spec item without prefix and PROB */
    bool throttling;   /* may outlast the retries: exit 3 allowed */
};

static const struct family families[] = {
    {"429", FK_FAULT, "429", true},
    {"429date", FK_FAULT, "429date", true},
    {"429none", FK_FAULT, "429none", true},
    {"throttle", FK_FAULT, "throttle", true},
    {"500", FK_FAULT, "500", false},
    {"502", FK_FAULT, "502", false},
    {"503", FK_FAULT, "503", false},
    {"504", FK_FAULT, "504", false},
    {"stall", FK_FAULT, "stall:2", false},
    {"reset", FK_FAULT, "reset", false},
    {"truncate", FK_FAULT, "truncate", false},
    {"dup", FK_FAULT, "dup", false},
    {"expired", FK_EXPIRED, NULL, true},
    {"advance", FK_ADVANCE, NULL, false},
    {"graphql", FK_GRAPHQL, NULL, false},
};
#define N_FAMILIES (sizeof(families) / sizeof(families[0]))

struct cell {
    bool ran;
    bool failed;
    int runs;
    int threes;       /* runs that exited 3 */
    char codes[96];   /* exit codes in order, "3,0" */
    char fired[64];   /* what the simulator really did */
    char result[320]; /* "pass", "n/a: why" or "FAIL: what differed" */
};

static struct cell cells[N_PLATFORMS][N_FAMILIES];
static struct h_sim sim;

/* ---- helpers ---- */

static void cell_fail(struct cell *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Keeps the first failure of a cell: the later ones follow from it. */
static void cell_fail(struct cell *c, const char *fmt, ...)
{
    if (c->failed)
        return;
    c->failed = true;
    int n = snprintf(c->result, sizeof(c->result), "FAIL: ");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->result + n, sizeof(c->result) - (size_t)n, fmt, ap);
    va_end(ap);
}

/* Days from the anchor to today plus a week, so every re-read covers it. */
static long lookback_days(void)
{
    int64_t anchor = dw_days_from_civil(ANCHOR_Y, ANCHOR_M, ANCHOR_D);
    long days = (long)((int64_t)time(NULL) / 86400 - anchor) + 7;
    return days > 3650 ? 3650 : days;
}

/* A collector config for p against the simulator; unlink and free it. */
static char *write_config(const struct platform *p)
{
    char text[1024], ps[64] = "";
    if (p->page_size)
        snprintf(ps, sizeof(ps), "page_size = %s\n", p->page_size);
    snprintf(text, sizeof(text),
             "[source fm-%s]\n"
             "platform = %s\n"
             "vendor = Fault Matrix Vendor\n"
             "endpoint = %s\n"
             "token_env = DW_FM_TOKEN\n"
             "lookback_days = %ld\n"
             "timeout_s = 1\n"
             "max_retries = %d\n"
             "%s",
             p->name, p->name, sim.base_url, lookback_days(), ATTEMPTS, ps);
    return h_write_temp(text);
}

/* Copies the URL of a fresh, migrated database into url. */
static void fresh_db(const char *name, char *url, size_t n)
{
    snprintf(url, n, "%s", h_fresh_migrated_db(name));
}

/* One dw-collect run as token; returns its exit code, its log in *out. */
static int collect(const char *db, const char *cfg, const struct platform *p,
                   const char *token, char **out)
{
    char cred[256];
    if (strcmp(p->name, "mturk") == 0) /* dw-sim's secret for key K */
        snprintf(cred, sizeof(cred), "DW_FM_TOKEN=%s:sim-secret-%s", token,
                 token);
    else
        snprintf(cred, sizeof(cred), "DW_FM_TOKEN=%s", token);
    const char *const env[] = {cred, "DW_HTTP_BACKOFF_MS=1",
                               "DW_HTTP_BACKOFF_CAP_MS=5",
                               "DW_HTTP_RETRY_AFTER_CAP_MS=50", NULL};
    return h_collect(db, cfg, "info", env, out);
}

static long count_of(const char *hay, const char *needle)
{
    long n = 0;
    for (const char *s = strstr(hay, needle); s; s = strstr(s + 1, needle))
        n++;
    return n;
}

static void add_code(struct cell *c, int code)
{
    size_t len = strlen(c->codes);
    snprintf(c->codes + len, sizeof(c->codes) - len, "%s%d", len ? "," : "",
             code);
    c->runs++;
    c->threes += code == 3;
}

/*
 * Runs dw-collect while it exits 3 (partial), at most MAX_RUNS times;
 * returns the last exit code and how often `needle` (when non-NULL)
 * appeared in the logs.
 */
static int collect_until_done(struct cell *c, const char *db, const char *cfg,
                              const struct platform *p, const char *token,
                              const char *needle, long *seen)
{
    int code = 3;
    for (int i = 0; i < MAX_RUNS && code == 3; i++) {
        char *out = NULL;
        code = collect(db, cfg, p, token, &out);
        add_code(c, code);
        if (needle && seen)
            *seen += count_of(out, needle);
        free(out);
    }
    return code;
}

static long query_long(const char *db, const char *sql)
{
    PGconn *conn = h_connect(db);
    long v = h_query_long(conn, sql);
    PQfinish(conn);
    return v;
}

/* The dump without its history lines (heap). */
static char *without_history(const char *dump)
{
    size_t len = strlen(dump);
    char *out = malloc(len + 1);
    assert_non_null(out);
    size_t o = 0;
    for (const char *s = dump; *s;) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) + 1 : strlen(s);
        if (strncmp(s, "history ", 8) != 0) {
            memcpy(out + o, s, n);
            o += n;
        }
        s += n;
    }
    out[o] = '\0';
    return out;
}

static long line_count(const char *s)
{
    return count_of(s, "\n");
}

/* Describes the first line where got differs from want. */
static void describe_difference(const char *want, const char *got, char *msg,
                                size_t n)
{
    const char *w = want, *g = got;
    long line = 1;
    while (*w && *g) {
        const char *wn = strchr(w, '\n'), *gn = strchr(g, '\n');
        size_t wl = wn ? (size_t)(wn - w) : strlen(w);
        size_t gl = gn ? (size_t)(gn - g) : strlen(g);
        if (wl != gl || memcmp(w, g, wl) != 0) {
            snprintf(msg, n,
                     "%ld lines, clean %ld; line %ld is \"%.*s\", clean "
                     "\"%.*s\"",
                     line_count(got), line_count(want), line,
                     (int)(gl > 110 ? 110 : gl), g, (int)(wl > 110 ? 110 : wl),
                     w);
            return;
        }
        w += wl + (wn ? 1 : 0);
        g += gl + (gn ? 1 : 0);
        line++;
    }
    /* Long lines are cut to fit msg. */
    if (snprintf(msg, n,
                 "%ld lines, clean %ld; line %ld is \"%.110s\", clean "
                 "\"%.110s\"",
                 line_count(got), line_count(want), line, *g ? g : "(end)",
                 *w ? w : "(end)") < 0)
        msg[0] = '\0';
}

/* Compares an end state with the clean one; a failure names the line. */
static void expect_same_facts(struct cell *c, const char *want, const char *got)
{
    if (strcmp(want, got) == 0)
        return;
    char msg[300];
    describe_difference(want, got, msg, sizeof(msg));
    cell_fail(c, "dump differs: %s", msg);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Splits a dump into sorted lines (pointers into *copy). */
static char **sorted_lines(const char *dump, char **copy, size_t *n)
{
    *copy = strdup(dump);
    assert_non_null(*copy);
    size_t cap = (size_t)line_count(dump) + 1, k = 0;
    char **v = calloc(cap, sizeof(*v));
    assert_non_null(v);
    for (char *s = *copy; *s && k < cap;) {
        char *nl = strchr(s, '\n');
        if (nl)
            *nl = '\0';
        v[k++] = s;
        s = nl ? nl + 1 : s + strlen(s);
    }
    qsort(v, k, sizeof(*v), cmp_str);
    *n = k;
    return v;
}

/* NULL when every line of sub is in super, else the first one missing
 * (heap). */
static char *first_line_not_in(const char *sub, const char *super)
{
    char *c1, *c2, *missing = NULL;
    size_t n1, n2, j = 0;
    char **a = sorted_lines(sub, &c1, &n1);
    char **b = sorted_lines(super, &c2, &n2);
    for (size_t i = 0; i < n1 && !missing; i++) {
        while (j < n2 && strcmp(b[j], a[i]) < 0)
            j++;
        if (j == n2 || strcmp(b[j], a[i]) != 0)
            missing = strdup(a[i]);
        else
            j++;
    }
    free(a);
    free(b);
    free(c1);
    free(c2);
    return missing;
}

static void set_faults(const char *spec)
{
    json_t *r = h_sim_call(&sim, "POST", "/__sim/faults", spec);
    assert_string_equal(json_string_value(json_object_get(r, "faults")), spec);
    json_decref(r);
}

/* How often dw-sim has applied fault `kind` since it started. */
static long faults_applied(const char *kind)
{
    json_t *stats = h_sim_call(&sim, "GET", "/__sim/stats", NULL);
    json_t *v = json_object_get(json_object_get(stats, "faults"), kind);
    assert_true(json_is_integer(v));
    long n = (long)json_integer_value(v);
    json_decref(stats);
    return n;
}

/* Exit 3 only for families that throttle, and only before the final 0;
 * each 3 left a 'partial' run behind. */
static void check_codes(struct cell *c, const struct family *f, int last,
                        const char *db)
{
    long threes = c->threes;
    if (last != 0)
        cell_fail(c, "exit codes %s: never ended with 0", c->codes);
    else if (threes > 0 && !f->throttling)
        cell_fail(c, "exit codes %s: exit 3 without throttling", c->codes);
    else if (query_long(db, "SELECT count(*) FROM dw.sync_run"
                            " WHERE outcome = 'partial'") != threes)
        cell_fail(c, "exit codes %s but another count of partial runs",
                  c->codes);
}

/* History rows by kind: first sight (no old status), an approval of
 * submitted work, a reversal of a rejection, anything else. */
struct history {
    long created, approvals, reversals, other;
};

static struct history history_of(const char *dump)
{
    struct history h = {0, 0, 0, 0};
    for (const char *s = strstr(dump, "history "); s;
         s = strstr(s + 1, "\nhistory ")) {
        if (*s == '\n')
            s++;
        /* "history SOURCE EXTERNAL_ID OLD>NEW ..." */
        const char *f = s;
        for (int i = 0; i < 3 && f; i++) {
            f = strchr(f, ' ');
            f = f ? f + 1 : NULL;
        }
        if (!f)
            h.other++;
        else if (*f == '>')
            h.created++;
        else if (strncmp(f, "submitted>approved ", 19) == 0)
            h.approvals++;
        else if (strncmp(f, "rejected>approved ", 18) == 0)
            h.reversals++;
        else
            h.other++;
    }
    return h;
}

/* ---- the cells ---- */

/* One fault kind armed with a probability: end state == clean state. */
static void fault_cell(const struct platform *p, const struct family *f,
                       struct cell *c, const char *want)
{
    char db[1100], spec[128];
    fresh_db("fm_cell", db, sizeof(db));
    char *cfg = write_config(p);
    double prob = p->p;
    if (strcmp(f->name, "stall") == 0)
        prob = p->p_stall;
    else if (strcmp(f->name, "dup") == 0)
        prob = p->p_dup;
    snprintf(spec, sizeof(spec), "%s:%s:%g", p->name, f->fault, prob);
    long before = faults_applied(f->name);
    set_faults(spec);
    int last = collect_until_done(c, db, cfg, p, p->token, NULL, NULL);
    set_faults("");
    long fired = faults_applied(f->name) - before;
    snprintf(c->fired, sizeof(c->fired), "%ld %s", fired, f->name);

    if (fired == 0)
        cell_fail(c, "the fault never fired (%s)", spec);
    check_codes(c, f, last, db);
    char *got = h_dump_facts_at(db);
    expect_same_facts(c, want, got);
    free(got);
    /* Every fault cost a retry, or ended a run that was resumed. */
    long retries = query_long(db, "SELECT coalesce(sum(retries), 0)"
                                  " FROM dw.sync_run");
    long threes = c->threes;
    if (retries + threes < fired)
        cell_fail(c, "%ld faults but %ld retries and %ld partial runs", fired,
                  retries, threes);
    /* Toloka's hourly quota ends the run at once: one partial run each. */
    if (strcmp(p->name, "toloka") == 0 && strcmp(f->name, "throttle") == 0 &&
        threes != fired)
        cell_fail(c, "%ld hourly quotas but %ld partial runs", fired, threes);
    unlink(cfg);
    free(cfg);
}

/* Upwork's flaky token: every third answer is HTTP 200 with errors[]. */
static void graphql_cell(const struct platform *p, const struct family *f,
                         struct cell *c, const char *want)
{
    char db[1100], token[64];
    fresh_db("fm_cell", db, sizeof(db));
    char *cfg = write_config(p);
    snprintf(token, sizeof(token), "flaky-%s", p->token);
    long seen = 0;
    int last = collect_until_done(c, db, cfg, p, token, "GraphQL error", &seen);
    snprintf(c->fired, sizeof(c->fired), "%ld errors[]", seen);
    if (seen == 0)
        cell_fail(c, "no GraphQL error was answered");
    check_codes(c, f, last, db);
    char *got = h_dump_facts_at(db);
    expect_same_facts(c, want, got);
    free(got);
    unlink(cfg);
    free(cfg);
}

/* Throttles request `at` through all its attempts: the run exits 3 with
 * its frontier saved. */
static void throttle_one_request(struct cell *c, const struct platform *p,
                                 const char *db, const char *cfg,
                                 const char *token)
{
    char spec[512] = "";
    size_t len = 0;
    for (long i = 0; i < ATTEMPTS; i++)
        len += (size_t)snprintf(
            spec + len, sizeof(spec) - len, "%s%s:%s@%ld", i ? "," : "",
            p->name, strcmp(p->name, "mturk") == 0 ? "throttle" : "429none",
            p->expire_at + i);
    set_faults(spec);
    char *out = NULL;
    int code = collect(db, cfg, p, token, &out);
    free(out);
    add_code(c, code);
    set_faults("");
    if (code != 3)
        cell_fail(c, "the throttled first run exited %d, not 3", code);
}

/*
 * MTurk: a page token saved by a partial run goes stale when the data
 * moves on (/__sim/advance); the next run restarts the crawl once. Its
 * end state is a fresh crawl's, plus history for what changed.
 */
static void expired_mturk(const struct platform *p, const struct family *f,
                          struct cell *c)
{
    char db[1100], db2[1100], path[160];
    fresh_db("fm_cell", db, sizeof(db));
    char *cfg = write_config(p);
    throttle_one_request(c, p, db, cfg, p->exp_token);
    if (query_long(db, "SELECT count(*) FROM dw.sync_state"
                       " WHERE cursor ~ 'NextToken'") != 1)
        cell_fail(c, "the partial run saved no NextToken");
    snprintf(path, sizeof(path), "/__sim/advance?platform=%s&token=%s", p->name,
             p->exp_token);
    json_decref(h_sim_call(&sim, "POST", path, NULL));
    long seen = 0;
    int last = collect_until_done(c, db, cfg, p, p->exp_token,
                                  "cursor=expired action=restart", &seen);
    snprintf(c->fired, sizeof(c->fired), "%ld stale token", seen);
    if (seen != 1)
        cell_fail(c, "%ld crawl restarts logged, not 1", seen);
    check_codes(c, f, last, db);

    /* The reference: one clean crawl of the advanced data. */
    fresh_db("fm_cell2", db2, sizeof(db2));
    char *out = NULL;
    if (collect(db2, cfg, p, p->exp_token, &out) != 0)
        cell_fail(c, "the clean crawl after the advance failed");
    free(out);
    char *got = h_dump_facts_at(db), *want = h_dump_facts_at(db2);
    char *got_facts = without_history(got), *want_facts = without_history(want);
    expect_same_facts(c, want_facts, got_facts);
    /* An advance only approves work and reverses one rejection. */
    struct history h = history_of(got);
    if (h.other != 0 || h.reversals > 1)
        cell_fail(c, "history holds %ld changes that the advance did not make",
                  h.other + (h.reversals > 1 ? h.reversals - 1 : 0));
    free(got);
    free(want);
    free(got_facts);
    free(want_facts);
    unlink(cfg);
    free(cfg);
}

/*
 * Prolific: a saved next-page offset past the end of the list (a list
 * that shrank; dw-sim never shrinks one, so the test moves the saved
 * offset) is answered 404; the run skips it, stores nothing wrong, and
 * the next run's look-back re-read completes the data.
 */
static void expired_prolific(const struct platform *p, const struct family *f,
                             struct cell *c, const char *want)
{
    char db[1100];
    fresh_db("fm_cell", db, sizeof(db));
    char *cfg = write_config(p);
    throttle_one_request(c, p, db, cfg, p->exp_token);
    PGconn *conn = h_connect(db);
    PGresult *r = PQexec(conn, "UPDATE dw.sync_state SET cursor ="
                               " regexp_replace(cursor, 'offset=[1-9][0-9]*',"
                               " 'offset=1000000', 'g')"
                               " WHERE cursor ~ 'offset=[1-9]'");
    if (PQresultStatus(r) != PGRES_COMMAND_OK ||
        strcmp(PQcmdTuples(r), "1") != 0)
        cell_fail(c, "the partial run saved no next-page offset");
    PQclear(r);
    PQfinish(conn);
    long seen = 0;
    int last =
        collect_until_done(c, db, cfg, p, p->exp_token, "action=skip", &seen);
    snprintf(c->fired, sizeof(c->fired), "%ld page 404", seen);
    if (seen != 1)
        cell_fail(c, "%ld skipped pages logged, not 1", seen);
    check_codes(c, f, last, db);
    /* Less than the clean state, but nothing wrong or doubled. */
    char *mid = h_dump_facts_at(db);
    char *extra = first_line_not_in(mid, want);
    if (extra)
        cell_fail(c, "after the 404 the dump holds \"%.120s\"", extra);
    free(extra);
    free(mid);
    /* The next scheduled run re-reads the look-back window. */
    char *out = NULL;
    int code = collect(db, cfg, p, p->exp_token, &out);
    free(out);
    add_code(c, code);
    if (code != 0)
        cell_fail(c, "the look-back run exited %d", code);
    char *got = h_dump_facts_at(db);
    expect_same_facts(c, want, got);
    free(got);
    unlink(cfg);
    free(cfg);
}

/* How many lines of dump hold both a and b. */
static long lines_with(const char *dump, const char *a, const char *b)
{
    long n = 0;
    for (const char *s = dump; *s;) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        char line[1024];
        snprintf(line, sizeof(line), "%.*s", (int)len, s);
        if (strstr(line, a) && strstr(line, b))
            n++;
        s += len + (nl ? 1 : 0);
    }
    return n;
}

/*
 * Records that change between runs (/__sim/advance: approvals, a
 * reversal, a late bonus): the second run picks them up and records
 * history; its facts equal a fresh crawl of the advanced data. Upwork
 * shows none of it (its weeks are settled): nothing may change there.
 */
static void advance_cell(const struct platform *p, const struct family *f,
                         struct cell *c)
{
    char db[1100], db2[1100], path[160], idq[160];
    fresh_db("fm_cell", db, sizeof(db));
    char *cfg = write_config(p);
    char *out = NULL;
    int code = collect(db, cfg, p, p->adv_token, &out);
    free(out);
    add_code(c, code);
    char *before = h_dump_facts_at(db);
    snprintf(path, sizeof(path), "/__sim/advance?platform=%s&token=%s", p->name,
             p->adv_token);
    json_t *adv = h_sim_call(&sim, "POST", path, NULL);
    json_t *one = json_array_get(json_object_get(adv, "advanced"), 0);
    const char *reversed = json_string_value(json_object_get(one, "reversed"));
    json_t *bonus = json_object_get(one, "bonus");
    const char *bonus_unit =
        json_string_value(json_object_get(bonus, "submission"));
    long approved = (long)json_integer_value(json_object_get(one, "approved"));
    int last = collect_until_done(c, db, cfg, p, p->adv_token, NULL, NULL);
    if (code != 0)
        cell_fail(c, "the first run exited %d", code);
    check_codes(c, f, last, db);
    char *after = h_dump_facts_at(db);

    if (strcmp(p->name, "upwork") == 0) {
        snprintf(c->fired, sizeof(c->fired), "0 shown (by design)");
        expect_same_facts(c, before, after);
    } else {
        snprintf(c->fired, sizeof(c->fired), "%ld approved, %s%s", approved,
                 reversed ? "1 reversal" : "no reversal",
                 bonus_unit ? ", 1 bonus" : ", no bonus");
        if (!reversed || !bonus_unit || approved <= 0)
            cell_fail(c, "the advance changed too little: %s", c->fired);
        /* The facts are a fresh crawl's. */
        fresh_db("fm_cell2", db2, sizeof(db2));
        out = NULL;
        if (collect(db2, cfg, p, p->adv_token, &out) != 0)
            cell_fail(c, "the clean crawl after the advance failed");
        free(out);
        char *fresh = h_dump_facts_at(db2);
        char *want = without_history(fresh);
        char *facts = without_history(after);
        expect_same_facts(c, want, facts);
        free(facts);
        free(want);
        free(fresh);
        /* One history row per approval, one for the reversal. */
        struct history h = history_of(after);
        if (h.approvals != approved || h.reversals != 1 || h.other != 0)
            cell_fail(c,
                      "history: %ld approvals, %ld reversals, %ld other;"
                      " the advance made %ld approvals and 1 reversal",
                      h.approvals, h.reversals, h.other, approved);
        snprintf(idq, sizeof(idq), " %s ", reversed ? reversed : "-");
        if (reversed && lines_with(after, idq, "rejected>approved") != 1)
            cell_fail(c, "the reversal of %s is not rejected>approved",
                      reversed);
        snprintf(idq, sizeof(idq), " %s ", bonus_unit ? bonus_unit : "-");
        if (bonus_unit && lines_with(after, "payment ", idq) !=
                              lines_with(before, "payment ", idq) + 1)
            cell_fail(c, "the late bonus on %s was not stored", bonus_unit);
    }
    json_decref(adv);
    free(before);
    free(after);
    unlink(cfg);
    free(cfg);
}

/* ---- the matrix ---- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run_platform(size_t pi)
{
    const struct platform *p = &platforms[pi];
    char db[1100];
    fresh_db("fm_ref", db, sizeof(db));
    char *cfg = write_config(p);
    char *out = NULL;
    set_faults("");
    assert_int_equal(collect(db, cfg, p, p->token, &out), 0);
    free(out);
    unlink(cfg);
    free(cfg);
    char *want = h_dump_facts_at(db);
    assert_true(count_of(want, "\nunit ") > 100);

    int failed = 0;
    for (size_t fi = 0; fi < N_FAMILIES; fi++) {
        const struct family *f = &families[fi];
        struct cell *c = &cells[pi][fi];
        double t0 = now_s();
        memset(c, 0, sizeof(*c));
        c->ran = true;
        snprintf(c->result, sizeof(c->result), "pass");
        if (f->kind == FK_FAULT)
            fault_cell(p, f, c, want);
        else if (f->kind == FK_ADVANCE)
            advance_cell(p, f, c);
        else if (f->kind == FK_GRAPHQL && strcmp(p->name, "upwork") == 0)
            graphql_cell(p, f, c, want);
        else if (f->kind == FK_EXPIRED && strcmp(p->name, "mturk") == 0)
            expired_mturk(p, f, c);
        else if (f->kind == FK_EXPIRED && strcmp(p->name, "prolific") == 0)
            expired_prolific(p, f, c, want);
        else
            snprintf(c->result, sizeof(c->result), "n/a: %s",
                     f->kind == FK_EXPIRED ? p->no_expiry
                                           : "GraphQL errors[] are Upwork's");
        failed += c->failed;
        printf("cell %s %s: %s (exit codes %s, %.1f s)\n", p->name, f->name,
               c->result, c->runs ? c->codes : "-", now_s() - t0);
        fflush(stdout);
    }
    free(want);
    if (failed)
        fail_msg("%s: %d cells failed (see the matrix)", p->name, failed);
}

static void prolific_survives_every_fault_family(void **state)
{
    (void)state;
    run_platform(0);
}

static void toloka_survives_every_fault_family(void **state)
{
    (void)state;
    run_platform(1);
}

static void upwork_survives_every_fault_family(void **state)
{
    (void)state;
    run_platform(2);
}

static void mturk_survives_every_fault_family(void **state)
{
    (void)state;
    run_platform(3);
}

/* The table, as docs/fault-matrix.md shows it. */
static void prints_the_matrix(void **state)
{
    (void)state;
    int missing = 0;
    printf("\n| platform | family | runs | exit codes | fired | result |\n"
           "|---|---|---|---|---|---|\n");
    for (size_t pi = 0; pi < N_PLATFORMS; pi++)
        for (size_t fi = 0; fi < N_FAMILIES; fi++) {
            const struct cell *c = &cells[pi][fi];
            missing += !c->ran;
            printf("| %s | %s | %d | %s | %s | %s |\n", platforms[pi].name,
                   families[fi].name, c->runs, c->runs ? c->codes : "-",
                   c->fired[0] ? c->fired : "-",
                   c->ran ? c->result : "not run");
        }
    fflush(stdout);
    assert_int_equal(missing, 0);
}

static int start_sim(void **state)
{
    (void)state;
    const char *const args[] = {"--seed",   SEED,   "--scale", SCALE,
                                "--anchor", ANCHOR, "--quiet", NULL};
    h_sim_start(&sim, args);
    return 0;
}

static int stop_sim(void **state)
{
    (void)state;
    h_sim_stop(&sim);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prolific_survives_every_fault_family),
        cmocka_unit_test(toloka_survives_every_fault_family),
        cmocka_unit_test(upwork_survives_every_fault_family),
        cmocka_unit_test(mturk_survives_every_fault_family),
        cmocka_unit_test(prints_the_matrix),
    };
    return H_RUN_CURL_TESTS(tests, start_sim, stop_sim);
}
