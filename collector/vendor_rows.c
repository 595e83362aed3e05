/* collector/vendor_rows.c — vendor records: validation, pseudonyms, rows. */
#include "vendor_rows.h"

#include <ctype.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dwtime.h"
#include "money.h"
#include "pseudonym.h"

#define FUTURE_SLACK (86400LL * DW_USEC) /* clocks and zones disagree */
#define MAX_MINUTES 1440                 /* one activity segment */

/* Open-addressing set of ids with the line each was first read on. */
struct dw_vendor_seen {
    char **ids;
    long *lines;
    size_t n, cap;
};

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static bool seen_grow(struct dw_vendor_seen *t)
{
    size_t ncap = t->cap ? t->cap * 2 : 256;
    char **ids = calloc(ncap, sizeof(*ids));
    long *lines = calloc(ncap, sizeof(*lines));
    if (!ids || !lines) {
        free(ids);
        free(lines);
        return false;
    }
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->ids[i])
            continue;
        size_t j = hash(t->ids[i]) & (ncap - 1);
        while (ids[j])
            j = (j + 1) & (ncap - 1);
        ids[j] = t->ids[i];
        lines[j] = t->lines[i];
    }
    free(t->ids);
    free(t->lines);
    t->ids = ids;
    t->lines = lines;
    t->cap = ncap;
    return true;
}

/*
 * Records id as read on line; returns the earlier line when it was seen
 * before, 0 when new, -1 on OOM.
 */
static long seen_add(struct dw_vendor_seen *t, const char *id, long line)
{
    if ((t->n + 1) * 2 > t->cap && !seen_grow(t))
        return -1;
    size_t j = hash(id) & (t->cap - 1);
    for (; t->ids[j]; j = (j + 1) & (t->cap - 1))
        if (strcmp(t->ids[j], id) == 0)
            return t->lines[j];
    t->ids[j] = strdup(id);
    if (!t->ids[j])
        return -1;
    t->lines[j] = line;
    t->n++;
    return 0;
}

void dw_vendor_rows_init(struct dw_vendor_rows *v, enum dw_vendor_file kind,
                         const char *file, const char *pseudonym_key,
                         const char *worker_ns, int64_t now,
                         struct dw_page_rows *rows, struct dw_buf *landed)
{
    memset(v, 0, sizeof(*v));
    v->kind = kind;
    v->file = file;
    v->pseudonym_key = pseudonym_key;
    v->worker_ns = worker_ns;
    v->now = now;
    v->rows = rows;
    v->landed = landed;
}

void dw_vendor_rows_release(struct dw_vendor_rows *v)
{
    if (v->seen) {
        for (size_t i = 0; i < v->seen->cap; i++)
            free(v->seen->ids[i]);
        free(v->seen->ids);
        free(v->seen->lines);
        free(v->seen);
    }
    v->seen = NULL;
}

/* One record under validation: its fields and, once bad, the reason. */
struct check {
    const struct dw_vendor_rows *v;
    const struct dw_vendor_record *rec;
    char why[256];
};

static const char *text(const struct check *c, int id)
{
    const char *s = c->rec->v[id];
    return s ? s : "";
}

static const char *name(const struct check *c, int id)
{
    return dw_vendor_field_name(c->v->kind, (size_t)id);
}

static bool bad(struct check *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool bad(struct check *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->why, sizeof(c->why), fmt, ap);
    va_end(ap);
    return false;
}

/* An optional timestamp: ISO 8601 with an offset, not in the future. */
static bool opt_time(struct check *c, int id, int64_t *out)
{
    const char *s = text(c, id);
    *out = DW_TIME_NONE;
    if (!*s)
        return true;
    if (dw_time_parse_iso(s, false, out, NULL) != DW_OK)
        return bad(c, "%s '%.40s' is not ISO 8601 with an offset", name(c, id),
                   s);
    if (*out > c->v->now + FUTURE_SLACK)
        return bad(c, "%s is more than a day in the future", name(c, id));
    return true;
}

/* An optional non-negative amount; *has false when empty. */
static bool opt_money(struct check *c, int id, bool *has, int64_t *micros)
{
    const char *s = text(c, id);
    *has = false;
    *micros = 0;
    if (!*s)
        return true;
    if (dw_money_parse(s, micros, NULL) != DW_OK)
        return bad(c,
                   "%s '%.24s' is not a decimal number (a point, no thousands "
                   "separators, at most 6 decimals)",
                   name(c, id), s);
    if (*micros < 0)
        return bad(c, "%s is negative", name(c, id));
    *has = true;
    return true;
}

/* An optional count 0..max; *out = dflt when empty. */
static bool opt_count(struct check *c, int id, int64_t max, int64_t dflt,
                      int64_t *out)
{
    const char *s = text(c, id);
    int64_t v = 0;
    *out = dflt;
    if (!*s)
        return true;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9' || v > max)
            return bad(c, "%s '%.24s' is not a whole number from 0 to %lld",
                       name(c, id), s, (long long)max);
        v = v * 10 + (*p - '0');
    }
    if (v > max)
        return bad(c, "%s '%.24s' is not a whole number from 0 to %lld",
                   name(c, id), s, (long long)max);
    *out = v;
    return true;
}

/* true/false, 1/0, yes/no (any case); *out = dflt when empty. */
static bool opt_bool(struct check *c, int id, bool required, bool dflt,
                     bool *out)
{
    static const char *const yes[] = {"true", "1", "yes"};
    static const char *const no[] = {"false", "0", "no"};
    const char *s = text(c, id);
    *out = dflt;
    if (!*s)
        return required ? bad(c, "missing %s (true or false)", name(c, id))
                        : true;
    for (size_t i = 0; i < 3; i++) {
        if (strcasecmp(s, yes[i]) == 0 || strcasecmp(s, no[i]) == 0) {
            *out = strcasecmp(s, yes[i]) == 0;
            return true;
        }
    }
    return bad(c, "%s '%.24s' is not true or false", name(c, id), s);
}

/* An IANA zone name by shape ("Europe/Berlin", "UTC", "Etc/GMT+3"). */
static bool tz_shape_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64 || !isalpha((unsigned char)s[0]) || s[n - 1] == '/' ||
        strstr(s, "//") || strstr(s, ".."))
        return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p))
            return false;
    return true;
}

static const struct {
    const char *word;
    enum dw_unit_status st;
} statuses[] = {
    {"in_progress", DW_UNIT_IN_PROGRESS},   {"submitted", DW_UNIT_SUBMITTED},
    {"approved", DW_UNIT_APPROVED},         {"rejected", DW_UNIT_REJECTED},
    {"returned", DW_UNIT_RETURNED},         {"expired", DW_UNIT_EXPIRED},
    {"screened_out", DW_UNIT_SCREENED_OUT},
};

static const char *const practices[] = {
    "screenshots",          "webcam",
    "activity_tracking",    "keystroke_content",
    "emotion_inference",    "private_messages",
    "offshift_collection",  "biometric_id",
    "sensitive_inference",  "union_prediction",
    "automated_discipline",
};

/* Validated work_units record, ready to become rows. */
struct unit {
    enum dw_unit_status status;
    char country[DW_COUNTRY_LEN];
    char currency[DW_CURRENCY_LEN];
    int64_t accepted, submitted, decided, paid;
    bool has_reward, has_bonus, has_fee, has_estimate;
    int64_t reward, bonus, fee, estimate_s;
};

static bool check_unit(struct check *c, struct unit *u)
{
    const char *s;
    memset(u, 0, sizeof(*u));
    if (!*text(c, DW_VU_UNIT_ID))
        return bad(c, "missing unit_id");
    if (!*text(c, DW_VU_WORKER_ID))
        return bad(c, "missing worker_id");
    s = text(c, DW_VU_WORKER_COUNTRY);
    if (*s) {
        if (strlen(s) != 2 || !isalpha((unsigned char)s[0]) ||
            !isalpha((unsigned char)s[1]))
            return bad(c,
                       "worker_country '%.8s' is not an ISO 3166-1 "
                       "alpha-2 code",
                       s);
        u->country[0] = (char)toupper((unsigned char)s[0]);
        u->country[1] = (char)toupper((unsigned char)s[1]);
    }
    s = text(c, DW_VU_WORKER_TZ);
    if (*s && !tz_shape_ok(s))
        return bad(c, "worker_tz '%.40s' is not an IANA zone name", s);
    s = text(c, DW_VU_STATUS);
    u->status = DW_UNIT_UNKNOWN;
    if (*s) {
        size_t i = 0;
        while (i < sizeof(statuses) / sizeof(statuses[0]) &&
               strcasecmp(statuses[i].word, s) != 0)
            i++;
        if (i == sizeof(statuses) / sizeof(statuses[0]))
            return bad(c, "unknown status '%.24s'", s);
        u->status = statuses[i].st;
    }
    if (!opt_time(c, DW_VU_ACCEPTED_AT, &u->accepted) ||
        !opt_time(c, DW_VU_SUBMITTED_AT, &u->submitted) ||
        !opt_time(c, DW_VU_DECIDED_AT, &u->decided) ||
        !opt_time(c, DW_VU_PAID_AT, &u->paid))
        return false;
    if (u->accepted != DW_TIME_NONE && u->submitted != DW_TIME_NONE &&
        u->submitted < u->accepted)
        return bad(c, "submitted_at before accepted_at");
    if (u->submitted != DW_TIME_NONE && u->decided != DW_TIME_NONE &&
        u->decided < u->submitted)
        return bad(c, "decided_at before submitted_at");
    if (!opt_money(c, DW_VU_REWARD, &u->has_reward, &u->reward) ||
        !opt_money(c, DW_VU_BONUS, &u->has_bonus, &u->bonus) ||
        !opt_money(c, DW_VU_WORKER_FEE, &u->has_fee, &u->fee))
        return false;
    s = text(c, DW_VU_CURRENCY);
    if (*s) {
        if (strlen(s) != 3 || !dw_currency_known(s))
            return bad(c, "unknown currency '%.8s'", s);
        memcpy(u->currency, s, 4);
    } else if (u->has_reward || u->has_bonus || u->has_fee) {
        return bad(c, "an amount without a currency");
    }
    s = text(c, DW_VU_TASK_ESTIMATE_MINUTES);
    if (*s) {
        int64_t milli;
        if (dw_decimal_parse(s, 3, DW_ROUND_HALF_AWAY, false, &milli) !=
                DW_OK ||
            milli < 0 || milli > 100000000)
            return bad(c,
                       "task_estimate_minutes '%.24s' is not a number of "
                       "minutes",
                       s);
        u->has_estimate = true;
        u->estimate_s = (milli * 60 + 500) / 1000;
    }
    return true;
}

static char *dup_or_null(const char *s)
{
    return s && *s ? strdup(s) : NULL;
}

static enum dw_status nomem(struct dw_error *err)
{
    return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
}

static enum dw_status emit_unit(struct check *c, const struct unit *u,
                                const char *wk, struct dw_error *err)
{
    struct dw_page_rows *rows = c->v->rows;
    const char *id = text(c, DW_VU_UNIT_ID);
    const char *task = text(c, DW_VU_TASK_ID);
    struct dw_unit_row *r = dw_page_rows_add_unit(rows);
    if (!r)
        return nomem(err);
    r->external_id = strdup(id);
    r->task_external_id = dup_or_null(task);
    r->status_raw = strdup(text(c, DW_VU_STATUS));
    r->worker_tz = dup_or_null(text(c, DW_VU_WORKER_TZ));
    if (!r->external_id || !r->status_raw || (*task && !r->task_external_id) ||
        (*text(c, DW_VU_WORKER_TZ) && !r->worker_tz))
        return nomem(err);
    memcpy(r->worker_key, wk, DW_PSEUDONYM_HEX);
    r->status = u->status;
    r->accepted_at = u->accepted;
    r->submitted_at = u->submitted;
    r->decided_at = u->decided;
    r->paid_at = u->paid;
    r->has_reward = u->has_reward;
    r->reward_micros = u->reward;
    memcpy(r->currency, u->currency, DW_CURRENCY_LEN);
    r->worker_fee_micros = u->fee;
    memcpy(r->worker_country, u->country, DW_COUNTRY_LEN);

    if (*task) {
        struct dw_task_row *t = dw_page_rows_add_task(rows);
        if (!t || !(t->external_id = strdup(task)))
            return nomem(err);
        if (u->has_estimate)
            t->estimate_s = u->estimate_s;
    }
    if (u->has_bonus && u->bonus > 0) {
        struct dw_payment_row *p = dw_page_rows_add_payment(rows);
        struct dw_buf k;
        dw_buf_init(&k, 0);
        if (!p || dw_buf_printf(&k, "%s:bonus", id) != DW_OK) {
            dw_buf_release(&k);
            return nomem(err);
        }
        p->dedupe_key = dw_buf_take(&k);
        p->unit_external_id = strdup(id);
        if (!p->dedupe_key || !p->unit_external_id)
            return nomem(err);
        memcpy(p->worker_key, wk, DW_PSEUDONYM_HEX);
        p->kind = "bonus";
        p->amount_micros = u->bonus;
        memcpy(p->currency, u->currency, DW_CURRENCY_LEN);
        p->effective_at = u->paid != DW_TIME_NONE ? u->paid : u->decided;
    }
    return DW_OK;
}

static bool check_segment(struct check *c, struct dw_segment_row *g)
{
    int64_t milli;
    const char *s = text(c, DW_VA_MINUTES);
    if (!*text(c, DW_VA_WORKER_ID))
        return bad(c, "missing worker_id");
    if (!*text(c, DW_VA_STARTED_AT))
        return bad(c, "missing started_at");
    if (!opt_time(c, DW_VA_STARTED_AT, &g->started_at))
        return false;
    if (!*s)
        return bad(c, "missing minutes");
    if (dw_decimal_parse(s, 3, DW_ROUND_HALF_AWAY, false, &milli) != DW_OK ||
        milli <= 0 || milli > MAX_MINUTES * 1000LL)
        return bad(c, "minutes '%.24s' is not a number above 0 and at most %d",
                   s, MAX_MINUTES);
    g->duration_s = (milli * 60 + 500) / 1000;
    if (g->duration_s <= 0)
        return bad(c, "minutes '%.24s' is under one second", s);
    return opt_count(c, DW_VA_SCREENSHOTS, INT32_MAX, 0, &g->screenshots) &&
           opt_count(c, DW_VA_WEBCAM_SHOTS, INT32_MAX, 0, &g->webcam_shots) &&
           opt_count(c, DW_VA_KEYBOARD_EVENTS, INT32_MAX, DW_NONE,
                     &g->keyboard_events) &&
           opt_count(c, DW_VA_MOUSE_EVENTS, INT32_MAX, DW_NONE,
                     &g->mouse_events) &&
           opt_count(c, DW_VA_ACTIVITY_LEVEL, 100, DW_NONE,
                     &g->activity_level) &&
           opt_bool(c, DW_VA_MANUAL, false, false, &g->manual);
}

static bool check_practice(struct check *c, const char **canon, bool *in_use)
{
    const char *s = text(c, DW_VP_PRACTICE);
    if (!*s)
        return bad(c, "missing practice");
    *canon = NULL;
    for (size_t i = 0; i < sizeof(practices) / sizeof(practices[0]); i++)
        if (strcasecmp(practices[i], s) == 0)
            *canon = practices[i];
    if (!*canon)
        return bad(c, "unknown practice '%.32s'", s);
    return opt_bool(c, DW_VP_IN_USE, true, false, in_use);
}

/* The record as pseudonymized JSON, worker_id replaced by wk (or dropped). */
static char *record_json(const struct dw_vendor_rows *v,
                         const struct dw_vendor_record *rec, const char *wk)
{
    json_t *o = json_object();
    char *out = NULL;
    bool ok = o && json_object_set_new(o, "line", json_integer(rec->line)) == 0;
    size_t n = dw_vendor_field_count(v->kind);
    for (size_t i = 0; ok && i < n; i++) {
        const char *val = rec->v[i];
        if (!val)
            continue;
        bool is_worker =
            (v->kind == DW_VENDOR_UNITS && i == DW_VU_WORKER_ID) ||
            (v->kind == DW_VENDOR_ACTIVITY && i == DW_VA_WORKER_ID);
        if (is_worker)
            val = *val ? wk : "";
        ok = json_object_set_new(o, dw_vendor_field_name(v->kind, i),
                                 json_string(val)) == 0;
    }
    if (ok)
        out = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    return out;
}

/* The worker key of the record's worker_id, "" when it has none. */
static enum dw_status worker_key(const struct dw_vendor_rows *v,
                                 const struct dw_vendor_record *rec, char *wk,
                                 struct dw_error *err)
{
    int id = v->kind == DW_VENDOR_UNITS      ? DW_VU_WORKER_ID
             : v->kind == DW_VENDOR_ACTIVITY ? DW_VA_WORKER_ID
                                             : -1;
    wk[0] = '\0';
    if (id < 0 || !rec->v[id] || !*rec->v[id])
        return DW_OK;
    return dw_pseudonym(v->pseudonym_key, v->worker_ns, rec->v[id], wk, err);
}

/* Unit ids and practices must be unique in a file: the first wins. */
static enum dw_status first_line(struct dw_vendor_rows *v,
                                 const struct dw_vendor_record *rec,
                                 long *dup_line, struct dw_error *err)
{
    int id = v->kind == DW_VENDOR_UNITS       ? DW_VU_UNIT_ID
             : v->kind == DW_VENDOR_PRACTICES ? DW_VP_PRACTICE
                                              : -1;
    *dup_line = 0;
    if (id < 0 || !rec->v[id] || !*rec->v[id])
        return DW_OK;
    if (!v->seen && !(v->seen = calloc(1, sizeof(*v->seen))))
        return nomem(err);
    char lower[64];
    const char *key = rec->v[id];
    if (v->kind == DW_VENDOR_PRACTICES) { /* matched case-insensitively */
        size_t i = 0;
        for (; key[i] && i + 1 < sizeof(lower); i++)
            lower[i] = (char)tolower((unsigned char)key[i]);
        lower[i] = '\0';
        key = lower;
    }
    *dup_line = seen_add(v->seen, key, rec->line);
    return *dup_line < 0 ? nomem(err) : DW_OK;
}

static enum dw_status validate(struct dw_vendor_rows *v, struct check *c,
                               const char *wk, bool *ok, struct dw_error *err)
{
    long dup = 0;
    enum dw_status st;
    *ok = false;
    if (c->rec->malformed) {
        snprintf(c->why, sizeof(c->why), "%s", c->rec->malformed);
        return DW_OK;
    }
    switch (v->kind) {
    case DW_VENDOR_UNITS: {
        struct unit u;
        /* Only a good record claims its unit_id. */
        if (!check_unit(c, &u))
            return DW_OK;
        if ((st = first_line(v, c->rec, &dup, err)) != DW_OK)
            return st;
        if (dup > 0) {
            bad(c, "duplicate unit_id (first on line %ld)", dup);
            return DW_OK;
        }
        *ok = true;
        return emit_unit(c, &u, wk, err);
    }
    case DW_VENDOR_ACTIVITY: {
        struct dw_segment_row g;
        memset(&g, 0, sizeof(g));
        if (!check_segment(c, &g))
            return DW_OK;
        struct dw_segment_row *r = dw_page_rows_add_segment(v->rows);
        if (!r)
            return nomem(err);
        memcpy(g.worker_key, wk, DW_PSEUDONYM_HEX);
        *r = g;
        *ok = true;
        return DW_OK;
    }
    case DW_VENDOR_PRACTICES: {
        const char *canon = NULL;
        bool in_use = false;
        if (!check_practice(c, &canon, &in_use))
            return DW_OK;
        if ((st = first_line(v, c->rec, &dup, err)) != DW_OK)
            return st;
        if (dup > 0) {
            bad(c, "duplicate practice (first on line %ld)", dup);
            return DW_OK;
        }
        struct dw_practice_row *p = dw_page_rows_add_practice(v->rows);
        if (!p || !(p->practice = strdup(canon)))
            return nomem(err);
        p->in_use = in_use;
        p->evidence = dup_or_null(text(c, DW_VP_EVIDENCE));
        if (*text(c, DW_VP_EVIDENCE) && !p->evidence)
            return nomem(err);
        *ok = true;
        return DW_OK;
    }
    }
    return dw_error_set(err, DW_ERR_INTERNAL, "unknown vendor file kind");
}

enum dw_status dw_vendor_rows_add(void *ctx, const struct dw_vendor_record *rec,
                                  struct dw_error *err)
{
    struct dw_vendor_rows *v = ctx;
    struct check c = {.v = v, .rec = rec, .why = ""};
    char wk[DW_PSEUDONYM_HEX];
    bool ok;
    enum dw_status st = worker_key(v, rec, wk, err);
    if (st == DW_OK)
        st = validate(v, &c, wk, &ok, err);
    if (st != DW_OK)
        return st;
    char *json = record_json(v, rec, wk);
    if (!json)
        return nomem(err);
    st = dw_buf_puts(v->landed, json);
    if (st == DW_OK)
        st = dw_buf_putc(v->landed, '\n');
    if (st == DW_OK && !ok)
        st = dw_page_rows_quarantine(v->rows, v->file, (int)rec->line, c.why,
                                     json);
    free(json);
    if (st != DW_OK)
        return dw_error_set(err, st, "%s", dw_strerror(st));
    return DW_OK;
}
