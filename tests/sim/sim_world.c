/* tests/sim/sim_world.c — builds and advances the deterministic population. */
#include "sim_world.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim_rng.h"

#define HOUR_USEC (3600LL * SIM_USEC)
#define MIN_USEC (60LL * SIM_USEC)
#define RECENT_DAYS 4 /* units this close to the window's end await review */
#define MAX_WORKSPACES 256

/* ---- dates ---- */

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void sim_time_iso(int64_t us, int frac_digits, char *out, size_t n)
{
    int64_t day = floor_div(us, SIM_DAY_USEC);
    int64_t rem = us - day * SIM_DAY_USEC;
    int64_t secs = rem / SIM_USEC;
    long micros = (long)(rem % SIM_USEC);
    int64_t y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    int len =
        snprintf(out, n, "%04lld-%02u-%02uT%02d:%02d:%02d", (long long)y, m, d,
                 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    if (len < 0 || (size_t)len >= n)
        return;
    if (frac_digits > 0) {
        char frac[8];
        snprintf(frac, sizeof frac, "%06ld", micros);
        if (frac_digits > 6)
            frac_digits = 6;
        len += snprintf(out + len, n - (size_t)len, ".%.*s", frac_digits, frac);
    }
    if ((size_t)len < n)
        snprintf(out + len, n - (size_t)len, "Z");
}

bool sim_date_parse(const char *s, int64_t *day)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
            (s[3] - '0');
    unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    static const unsigned mdays[] = {31, 29, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap)
        return false;
    *day = days_from_civil(y, m, d);
    return true;
}

void sim_date_format(int64_t day, char *out, size_t n)
{
    int64_t y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    snprintf(out, n, "%04lld-%02u-%02u", (long long)y, m, d);
}

int64_t sim_default_anchor(void)
{
    int64_t today = floor_div((int64_t)time(NULL), 86400);
    int64_t monday = today - (today + 3) % 7; /* 1970-01-01 was a Thursday */
    return monday - 35;
}

/* ---- ids ---- */

void sim_id_hex(const unsigned char id[SIM_ID_BYTES], char out[25])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < SIM_ID_BYTES; i++) {
        out[2 * i] = hex[id[i] >> 4];
        out[2 * i + 1] = hex[id[i] & 15];
    }
    out[24] = '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool sim_id_parse(const char *s, unsigned char id[SIM_ID_BYTES])
{
    if (strlen(s) != 2 * SIM_ID_BYTES)
        return false;
    for (int i = 0; i < SIM_ID_BYTES; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        id[i] = (unsigned char)(hi << 4 | lo);
    }
    return true;
}

/* Like a MongoDB ObjectId: 4 bytes of creation time, 8 random bytes. */
static void make_id(uint64_t *rng, int64_t created_us,
                    unsigned char id[SIM_ID_BYTES])
{
    uint32_t t = (uint32_t)(created_us / SIM_USEC);
    uint64_t r = sim_rng_next(rng);
    for (int i = 0; i < 4; i++)
        id[i] = (unsigned char)(t >> (24 - 8 * i));
    for (int i = 0; i < 8; i++)
        id[4 + i] = (unsigned char)(r >> (56 - 8 * i));
}

const char *sim_story_name(enum sim_story s)
{
    static const char *const names[SIM_STORY_COUNT] = {
        "ordinary", "overworked", "underpaid", "parallel",
        "night",    "returner",   "rejected",
    };
    return (unsigned)s < SIM_STORY_COUNT ? names[s] : "unknown";
}

/* ---- generation ---- */

struct gen {
    struct sim_world *w;
    uint64_t rng;
    size_t cap;
    uint32_t *fair, *under;
    size_t n_fair, n_under;
    int64_t win_start, win_end; /* µs */
    bool oom;
};

static const char *const topics[] = {
    "climate policy",    "online shopping", "news trust",
    "moral judgements",  "memory",          "sleep habits",
    "commuting",         "food choices",    "social media use",
    "risk taking",       "music taste",     "remote work",
    "voting intentions", "face perception", "language learning",
    "financial advice",  "health apps",     "fairness",
};
static const char *const formats[] = {
    "Attitudes towards %s",          "A short survey on %s",
    "%s: a decision task",           "Image labelling: %s",
    "Reaction-time experiment (%s)", "Interview study on %s",
};

static void make_tasks(struct gen *g)
{
    struct sim_world *w = g->w;
    size_t n = (size_t)w->scale / 2;
    if (n < 8)
        n = 8;
    size_t n_under = n / 5 < 3 ? 3 : n / 5;
    w->tasks = calloc(n, sizeof *w->tasks);
    g->fair = calloc(n, sizeof *g->fair);
    g->under = calloc(n, sizeof *g->under);
    if (!w->tasks || !g->fair || !g->under) {
        g->oom = true;
        return;
    }
    w->n_tasks = n;
    /* Which tasks underpay: n_under distinct random positions. */
    for (size_t k = 0; k < n_under;) {
        size_t i = (size_t)sim_rng_below(&g->rng, n);
        if (!w->tasks[i].underpays) {
            w->tasks[i].underpays = true;
            k++;
        }
    }
    static const int fair_est[] = {2, 5, 8, 10, 12, 15, 20, 25, 30, 45};
    static const int under_est[] = {15, 20, 25, 30};
    for (size_t i = 0; i < n; i++) {
        struct sim_task *t = &w->tasks[i];
        bool usd = sim_rng_chance(&g->rng, 350);
        memcpy(t->currency, usd ? "USD" : "GBP", 4);
        int64_t rate; /* minor units per hour at the advertised time */
        if (t->underpays) {
            t->estimate_min = under_est[sim_rng_below(&g->rng, 4)];
            rate = sim_rng_range(&g->rng, 100, 400);
        } else {
            t->estimate_min = fair_est[sim_rng_below(&g->rng, 10)];
            /* USD pays more so that every fair task is >= GBP 9/h too. */
            rate = usd ? sim_rng_range(&g->rng, 1350, 2000)
                       : sim_rng_range(&g->rng, 1050, 1600);
        }
        int64_t reward = (rate * t->estimate_min + 59) / 60;
        reward = (reward + 4) / 5 * 5; /* round up to 5 */
        if (reward < 10)
            reward = 10;
        t->reward_minor = reward;
        /* Roughly Prolific's rule: twice the estimate and a little more. */
        t->max_min = t->estimate_min * 2 + 5;
        t->created_us = g->win_start -
                        sim_rng_range(&g->rng, 2, 6) * SIM_DAY_USEC +
                        sim_rng_range(&g->rng, 0, 86399) * SIM_USEC +
                        sim_rng_range(&g->rng, 0, 999999);
        t->published_us = t->created_us +
                          sim_rng_range(&g->rng, 600, 6 * 3600) * SIM_USEC +
                          sim_rng_range(&g->rng, 0, 999999);
        make_id(&g->rng, t->created_us, t->id);
        const char *topic =
            topics[sim_rng_below(&g->rng, sizeof topics / sizeof topics[0])];
        const char *fmt =
            formats[sim_rng_below(&g->rng, sizeof formats / sizeof formats[0])];
        /* fmt comes from the constant table above. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        snprintf(t->name, sizeof t->name, fmt, topic);
#pragma GCC diagnostic pop
        if (t->name[0] >= 'a' && t->name[0] <= 'z')
            t->name[0] = (char)(t->name[0] - 'a' + 'A');
        snprintf(t->internal_name, sizeof t->internal_name, "proj-%02zu-%.20s",
                 i + 1, topic);
        for (char *p = t->internal_name; *p; p++)
            if (*p == ' ')
                *p = '-';
        static const char alnum[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        for (int k = 0; k < 8; k++)
            t->code[k] = alnum[sim_rng_below(&g->rng, 32)];
        t->code[8] = '\0';
        if (t->underpays)
            g->under[g->n_under++] = (uint32_t)i;
        else
            g->fair[g->n_fair++] = (uint32_t)i;
    }
}

static void make_workers(struct gen *g)
{
    struct sim_world *w = g->w;
    size_t n = (size_t)w->scale;
    w->workers = calloc(n, sizeof *w->workers);
    if (!w->workers) {
        g->oom = true;
        return;
    }
    w->n_workers = n;
    /* Story workers sit at random positions among ordinary ones. */
    for (int s = 1; s < SIM_STORY_COUNT;) {
        size_t i = (size_t)sim_rng_below(&g->rng, n);
        if (w->workers[i].story == SIM_STORY_ORDINARY) {
            w->workers[i].story = (enum sim_story)s;
            s++;
        }
    }
    for (size_t i = 0; i < n; i++) {
        struct sim_worker *k = &w->workers[i];
        int64_t joined = g->win_start -
                         sim_rng_range(&g->rng, 60, 6 * 365) * SIM_DAY_USEC -
                         sim_rng_range(&g->rng, 0, 86399) * SIM_USEC;
        make_id(&g->rng, joined, k->id);
        k->birth_year = (int)sim_rng_range(&g->rng, 1958, 2006);
        k->ethnicity = (uint8_t)sim_rng_below(&g->rng, 5);
        k->sex = (uint8_t)sim_rng_below(&g->rng, 2);
        static const uint32_t nets[] = {0xC0000200u, 0xC6336400u,
                                        0xCB007100u}; /* TEST-NET-1..3 */
        k->ip = nets[sim_rng_below(&g->rng, 3)] |
                (uint32_t)sim_rng_range(&g->rng, 1, 254);
    }
}

static struct sim_unit *push_unit(struct gen *g)
{
    struct sim_world *w = g->w;
    if (w->n_units == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 4096;
        struct sim_unit *u = realloc(w->units, cap * sizeof *u);
        if (!u) {
            g->oom = true;
            return NULL;
        }
        w->units = u;
        g->cap = cap;
    }
    struct sim_unit *u = &w->units[w->n_units++];
    memset(u, 0, sizeof *u);
    return u;
}

/* Per-story odds, per mille, of each unhappy ending. */
struct odds {
    unsigned rejected, returned, timed_out, screened;
};

static struct odds story_odds(enum sim_story s)
{
    switch (s) {
    case SIM_STORY_RETURNER:
        return (struct odds){10, 300, 150, 30};
    case SIM_STORY_REJECTED:
        return (struct odds){120, 20, 10, 20};
    default:
        return (struct odds){20, 30, 15, 25};
    }
}

static uint8_t pick_frac_digits(uint64_t *rng)
{
    unsigned r = (unsigned)sim_rng_below(rng, 100);
    if (r < 85)
        return 3;
    if (r < 92)
        return 6;
    if (r < 97)
        return 0;
    return 2;
}

/*
 * Adds one unit that the worker starts at `start` (µs); returns how long
 * the worker was busy with it (µs), which moves their timeline on.
 */
static int64_t add_unit(struct gen *g, uint32_t worker, uint32_t task,
                        int64_t start, bool make_active)
{
    struct sim_world *w = g->w;
    const struct sim_task *t = &w->tasks[task];
    enum sim_story story = w->workers[worker].story;
    int64_t est = (int64_t)t->estimate_min * MIN_USEC;
    int64_t dur;
    if (story == SIM_STORY_UNDERPAID)
        dur = est * sim_rng_range(&g->rng, 900, 1600) / 1000;
    else
        dur = est * sim_rng_range(&g->rng, 500, 1050) / 1000;
    dur += sim_rng_range(&g->rng, 0, 999) * 1000;
    start += sim_rng_range(&g->rng, 0, 999) * 1000;

    struct sim_unit *u = push_unit(g);
    if (!u)
        return dur;
    u->task = task;
    u->worker = worker;
    u->start_us = start;
    u->frac_digits = pick_frac_digits(&g->rng);
    make_id(&g->rng, start, u->id);

    struct odds o = story_odds(story);
    unsigned r = (unsigned)sim_rng_below(&g->rng, 1000);
    int64_t busy = dur;
    if (make_active) {
        u->status = SIM_ST_ACTIVE;
        u->end_us = SIM_TIME_NONE;
    } else if (r < o.rejected) {
        u->status = SIM_ST_REJECTED;
        u->end_us = start + dur;
    } else if ((r -= o.rejected) < o.returned) {
        u->status = SIM_ST_RETURNED;
        busy = dur * sim_rng_range(&g->rng, 100, 800) / 1000;
        u->end_us = sim_rng_chance(&g->rng, 500) ? start + busy : SIM_TIME_NONE;
        u->return_requested = sim_rng_chance(&g->rng, 100);
    } else if ((r -= o.returned) < o.timed_out) {
        u->status = SIM_ST_TIMED_OUT;
        busy = dur * sim_rng_range(&g->rng, 200, 600) / 1000;
        u->end_us = sim_rng_chance(&g->rng, 400)
                        ? start + (int64_t)t->max_min * MIN_USEC
                        : SIM_TIME_NONE;
    } else if ((r -= o.timed_out) < o.screened) {
        u->status = SIM_ST_SCREENED_OUT;
        busy = sim_rng_range(&g->rng, 30, 180) * SIM_USEC;
        u->end_us = start + busy;
    } else {
        bool recent = start >= g->win_end - RECENT_DAYS * SIM_DAY_USEC;
        u->status = recent && sim_rng_chance(&g->rng, 750) ? SIM_ST_AWAITING
                                                           : SIM_ST_APPROVED;
        u->end_us = start + dur;
        if (u->status == SIM_ST_APPROVED && !t->underpays &&
            sim_rng_chance(&g->rng, 50)) {
            u->n_bonus = sim_rng_chance(&g->rng, 850) ? 1 : 2;
            for (int b = 0; b < u->n_bonus; b++)
                u->bonus[b] = (uint16_t)(sim_rng_range(&g->rng, 4, 60) * 5);
        }
        if (u->status == SIM_ST_APPROVED)
            u->star = sim_rng_chance(&g->rng, 30);
    }
    return busy;
}

static uint32_t pick_task(struct gen *g, enum sim_story story)
{
    if (story == SIM_STORY_UNDERPAID)
        return g->under[sim_rng_below(&g->rng, g->n_under)];
    return g->fair[sim_rng_below(&g->rng, g->n_fair)];
}

static int64_t search_gap(struct gen *g)
{
    return sim_rng_range(&g->rng, 20, 180) * SIM_USEC;
}

/*
 * Fills [from, until) with back-to-back units; the last one may run past
 * `until`. When last_day is set, the very last unit may still be ACTIVE.
 */
static void fill_session(struct gen *g, uint32_t worker, int64_t from,
                         int64_t until, bool last_day)
{
    enum sim_story story = g->w->workers[worker].story;
    int64_t t = from;
    while (t < until && t < g->win_end && !g->oom) {
        uint32_t task = pick_task(g, story);
        int64_t est = (int64_t)g->w->tasks[task].estimate_min * MIN_USEC;
        bool final = t + est >= until;
        bool active = last_day && final && sim_rng_chance(&g->rng, 500);
        if (story == SIM_STORY_PARALLEL && !active) {
            /* Two or three units opened within seconds of each other. */
            int n = (int)sim_rng_range(&g->rng, 2, 3);
            int64_t longest = 0, at = t;
            for (int k = 0; k < n; k++) {
                int64_t busy = add_unit(g, worker, task, at, false);
                if (busy > longest)
                    longest = busy;
                at += sim_rng_range(&g->rng, 2, 20) * SIM_USEC;
                task = pick_task(g, story);
            }
            t += longest + search_gap(g);
            continue;
        }
        t += add_unit(g, worker, task, t, active) + search_gap(g);
    }
}

static int64_t at_time(struct gen *g, int day, int minute_of_day)
{
    return g->win_start + day * SIM_DAY_USEC + minute_of_day * MIN_USEC;
}

static void schedule_overworked(struct gen *g, uint32_t worker)
{
    /* Every day: two blocks of 4.2-4.7 h around a 30-45 min break, so a
       week holds 60-70 h of work, 10-11 h a day from first to last task. */
    for (int day = 0; day < SIM_WINDOW_DAYS; day++) {
        int64_t s = at_time(g, day, (int)sim_rng_range(&g->rng, 390, 450));
        int64_t e = s + sim_rng_range(&g->rng, 252, 282) * MIN_USEC;
        fill_session(g, worker, s, e, false);
        s = e + sim_rng_range(&g->rng, 30, 45) * MIN_USEC;
        e = s + sim_rng_range(&g->rng, 252, 282) * MIN_USEC;
        fill_session(g, worker, s, e, day == SIM_WINDOW_DAYS - 1);
    }
}

static void schedule_night(struct gen *g, uint32_t worker)
{
    /* Five nights a week, 23:00-04:00 UTC. */
    for (int week = 0; week < SIM_WINDOW_DAYS / 7; week++) {
        int off = (int)sim_rng_range(&g->rng, 0, 1);
        for (int d = 0; d < 5; d++) {
            int day = week * 7 + off + d;
            int64_t s =
                at_time(g, day, 23 * 60 + (int)sim_rng_range(&g->rng, 0, 15));
            int64_t e = at_time(g, day + 1,
                                3 * 60 + (int)sim_rng_range(&g->rng, 25, 45));
            fill_session(g, worker, s, e, false);
        }
    }
}

/*
 * Daytime work, 08:00-20:30 UTC, on 3-5 consecutive days a week (so two
 * days off in a row), at most 6.5 h a day in sessions of at most 3.5 h.
 */
static void schedule_daytime(struct gen *g, uint32_t worker, int lo_h, int hi_h)
{
    int64_t weekly_min = sim_rng_range(&g->rng, lo_h * 60, hi_h * 60);
    int days = (int)sim_rng_range(&g->rng, 3, 5);
    while (weekly_min / days > 390)
        days++;
    int first = (int)sim_rng_range(&g->rng, 0, 6);
    for (int week = 0; week < SIM_WINDOW_DAYS / 7; week++) {
        int64_t week_min = weekly_min * sim_rng_range(&g->rng, 80, 120) / 100;
        if (week_min < lo_h * 60)
            week_min = lo_h * 60;
        if (week_min > hi_h * 60)
            week_min = hi_h * 60;
        int64_t day_min = week_min / days;
        if (day_min > 390)
            day_min = 390;
        for (int d = 0; d < days; d++) {
            int day = week * 7 + first + d;
            if (day >= SIM_WINDOW_DAYS)
                day -= SIM_WINDOW_DAYS; /* wrap into the first week */
            bool last = day == SIM_WINDOW_DAYS - 1;
            int sessions = day_min > 210 ? 2 : 1;
            int64_t len = day_min / sessions;
            int start = (int)sim_rng_range(&g->rng, 8 * 60, 11 * 60);
            for (int k = 0; k < sessions; k++) {
                int64_t s = at_time(g, day, start);
                int64_t e = s + len * MIN_USEC;
                fill_session(g, worker, s, e, last && k == sessions - 1);
                start += (int)len + (int)sim_rng_range(&g->rng, 60, 120);
                if (start + len > 20 * 60 + 30 - 15)
                    start = (int)(20 * 60 + 15 - len);
            }
        }
    }
}

/* Makes sure a story shows: at least `min` of the worker's units end so. */
static void ensure_status(struct gen *g, uint32_t worker, uint8_t status,
                          size_t min)
{
    struct sim_world *w = g->w;
    size_t have = 0;
    for (size_t i = 0; i < w->n_units; i++)
        if (w->units[i].worker == worker && w->units[i].status == status)
            have++;
    for (size_t i = 0; i < w->n_units && have < min; i++) {
        struct sim_unit *u = &w->units[i];
        if (u->worker != worker || u->status != SIM_ST_APPROVED)
            continue;
        u->status = status;
        u->n_bonus = 0;
        u->star = false;
        if (status == SIM_ST_RETURNED)
            u->end_us = SIM_TIME_NONE;
        have++;
    }
}

static int cmp_unit_order(const void *a, const void *b)
{
    const struct sim_unit *x = a, *y = b;
    if (x->task != y->task)
        return x->task < y->task ? -1 : 1;
    if (x->start_us != y->start_us)
        return x->start_us < y->start_us ? -1 : 1;
    return memcmp(x->id, y->id, SIM_ID_BYTES);
}

static const struct sim_unit *sort_base;

static int cmp_by_id(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    return memcmp(sort_base[*x].id, sort_base[*y].id, SIM_ID_BYTES);
}

/* Groups units by task and builds the id index (ids made unique). */
static void index_units(struct gen *g)
{
    struct sim_world *w = g->w;
    qsort(w->units, w->n_units, sizeof *w->units, cmp_unit_order);
    for (size_t i = 0; i < w->n_units; i++) {
        struct sim_task *t = &w->tasks[w->units[i].task];
        if (t->n_units == 0)
            t->first_unit = (uint32_t)i;
        t->n_units++;
        w->workers[w->units[i].worker].n_units++;
    }
    w->by_id = malloc((w->n_units ? w->n_units : 1) * sizeof *w->by_id);
    if (!w->by_id) {
        g->oom = true;
        return;
    }
    for (size_t i = 0; i < w->n_units; i++)
        w->by_id[i] = (uint32_t)i;
    /* sort_base is only used under the server mutex, by one thread. */
    sort_base = w->units;
    for (bool dup = true; dup;) {
        qsort(w->by_id, w->n_units, sizeof *w->by_id, cmp_by_id);
        dup = false;
        for (size_t i = 1; i < w->n_units; i++) {
            struct sim_unit *u = &w->units[w->by_id[i]];
            if (memcmp(w->units[w->by_id[i - 1]].id, u->id, SIM_ID_BYTES) ==
                0) {
                u->id[SIM_ID_BYTES - 1]++;
                dup = true;
            }
        }
    }
}

struct sim_world *sim_world_new(uint64_t seed, int scale, int64_t anchor_day)
{
    if (scale < SIM_MIN_SCALE)
        return NULL;
    struct sim_world *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->seed = seed;
    w->scale = scale;
    w->anchor_day = anchor_day;
    struct gen g = {.w = w, .rng = seed};
    g.win_start = anchor_day * SIM_DAY_USEC;
    g.win_end = g.win_start + SIM_WINDOW_DAYS * SIM_DAY_USEC;
    make_id(&g.rng, g.win_start - 400 * SIM_DAY_USEC, w->researcher_id);
    make_tasks(&g);
    if (!g.oom)
        make_workers(&g);
    for (uint32_t i = 0; i < w->n_workers && !g.oom; i++) {
        switch (w->workers[i].story) {
        case SIM_STORY_OVERWORKED:
            schedule_overworked(&g, i);
            break;
        case SIM_STORY_NIGHT:
            schedule_night(&g, i);
            break;
        case SIM_STORY_ORDINARY:
            schedule_daytime(&g, i, 5, 25);
            break;
        default:
            schedule_daytime(&g, i, 14, 22);
            break;
        }
    }
    /* Drop units that would start after the window (night shifts). */
    size_t keep = 0;
    for (size_t i = 0; i < w->n_units; i++)
        if (w->units[i].start_us < g.win_end)
            w->units[keep++] = w->units[i];
    w->n_units = keep;
    for (uint32_t i = 0; i < w->n_workers && !g.oom; i++) {
        if (w->workers[i].story == SIM_STORY_REJECTED)
            ensure_status(&g, i, SIM_ST_REJECTED, 6);
        if (w->workers[i].story == SIM_STORY_RETURNER)
            ensure_status(&g, i, SIM_ST_RETURNED, 10);
    }
    if (!g.oom)
        index_units(&g);
    free(g.fair);
    free(g.under);
    if (g.oom) {
        sim_world_free(w);
        return NULL;
    }
    return w;
}

void sim_world_free(struct sim_world *w)
{
    if (!w)
        return;
    free(w->workers);
    free(w->tasks);
    free(w->units);
    free(w->by_id);
    free(w);
}

const struct sim_task *sim_world_find_task(const struct sim_world *w,
                                           const unsigned char *id)
{
    for (size_t i = 0; i < w->n_tasks; i++)
        if (memcmp(w->tasks[i].id, id, SIM_ID_BYTES) == 0)
            return &w->tasks[i];
    return NULL;
}

const struct sim_unit *sim_world_find_unit(const struct sim_world *w,
                                           const unsigned char *id)
{
    size_t lo = 0, hi = w->n_units;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = memcmp(w->units[w->by_id[mid]].id, id, SIM_ID_BYTES);
        if (c == 0)
            return &w->units[w->by_id[mid]];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

size_t sim_world_count_bonuses(const struct sim_world *w)
{
    size_t n = 0;
    for (size_t i = 0; i < w->n_units; i++)
        n += w->units[i].n_bonus;
    return n;
}

void sim_world_count_status(const struct sim_world *w,
                            size_t counts[SIM_ST_COUNT])
{
    memset(counts, 0, SIM_ST_COUNT * sizeof counts[0]);
    for (size_t i = 0; i < w->n_units; i++)
        counts[w->units[i].status]++;
}

/* Like sort_base: only used under the server mutex. */
static const struct sim_world *end_base;

static int cmp_end(const void *a, const void *b)
{
    const struct sim_unit *x = &end_base->units[*(const uint32_t *)a];
    const struct sim_unit *y = &end_base->units[*(const uint32_t *)b];
    if (x->end_us != y->end_us)
        return x->end_us < y->end_us ? -1 : 1;
    return memcmp(x->id, y->id, SIM_ID_BYTES);
}

void sim_world_advance(struct sim_world *w, struct sim_advance_result *res)
{
    w->step++;
    uint64_t rng = sim_mix64(w->seed ^ (0xadu << 24) ^ (uint64_t)w->step);
    memset(res, 0, sizeof *res);
    res->step = w->step;
    res->reversed = -1;
    res->bonused = -1;

    /* The older half (rounded up) of the units awaiting review. */
    size_t n_wait = 0, n_rej = 0, n_ok = 0;
    for (size_t i = 0; i < w->n_units; i++) {
        uint8_t s = w->units[i].status;
        n_wait += s == SIM_ST_AWAITING;
        n_rej += s == SIM_ST_REJECTED;
        n_ok += s == SIM_ST_APPROVED && w->units[i].n_bonus < SIM_MAX_BONUSES &&
                !w->tasks[w->units[i].task].underpays;
    }
    if (n_wait > 0) {
        uint32_t *idx = malloc(n_wait * sizeof *idx);
        if (idx) {
            size_t k = 0;
            for (size_t i = 0; i < w->n_units; i++)
                if (w->units[i].status == SIM_ST_AWAITING)
                    idx[k++] = (uint32_t)i;
            end_base = w;
            qsort(idx, n_wait, sizeof *idx, cmp_end);
            res->approved = (n_wait + 1) / 2;
            for (size_t i = 0; i < res->approved; i++)
                w->units[idx[i]].status = SIM_ST_APPROVED;
            free(idx);
        }
    }
    if (n_rej > 0) {
        uint64_t pick = sim_rng_below(&rng, n_rej);
        for (size_t i = 0; i < w->n_units; i++) {
            if (w->units[i].status == SIM_ST_REJECTED && pick-- == 0) {
                w->units[i].status = SIM_ST_APPROVED;
                res->reversed = (long)i;
                break;
            }
        }
    }
    if (n_ok > 0) {
        uint64_t pick = sim_rng_below(&rng, n_ok);
        for (size_t i = 0; i < w->n_units; i++) {
            struct sim_unit *u = &w->units[i];
            /* A reversal made this step does not count: it was still
               REJECTED when n_ok was taken. */
            if ((long)i != res->reversed && u->status == SIM_ST_APPROVED &&
                u->n_bonus < SIM_MAX_BONUSES && !w->tasks[u->task].underpays &&
                pick-- == 0) {
                res->bonus_minor = (unsigned)sim_rng_range(&rng, 10, 40) * 5;
                u->bonus[u->n_bonus++] = (uint16_t)res->bonus_minor;
                res->bonused = (long)i;
                break;
            }
        }
    }
}

/* ---- workspaces ---- */

struct workspace {
    char *token;
    struct sim_world *world;
};

struct sim_workspaces {
    uint64_t seed;
    int scale;
    int64_t anchor_day;
    struct workspace items[MAX_WORKSPACES];
    size_t n;
};

bool sim_token_valid(const char *token)
{
    size_t n = strlen(token);
    if (n < 4 || n > 64 || strcmp(token, "revoked") == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = token[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* The workspace's seed: first 8 bytes of SHA-256("dw-sim/1" seed token). */
static uint64_t workspace_seed(uint64_t seed, const char *token)
{
    unsigned char in[8 + 8 + 64], md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    size_t n = strlen(token);
    memcpy(in, "dw-sim/1", 8);
    for (int i = 0; i < 8; i++)
        in[8 + i] = (unsigned char)(seed >> (56 - 8 * i));
    memcpy(in + 16, token, n);
    if (EVP_Digest(in, 16 + n, md, &md_len, EVP_sha256(), NULL) != 1)
        return sim_mix64(seed ^ n); /* never happens with OpenSSL's SHA-256 */
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | md[i];
    return v;
}

struct sim_workspaces *sim_workspaces_new(uint64_t seed, int scale,
                                          int64_t anchor_day)
{
    struct sim_workspaces *ws = calloc(1, sizeof *ws);
    if (!ws)
        return NULL;
    ws->seed = seed;
    ws->scale = scale;
    ws->anchor_day = anchor_day;
    return ws;
}

void sim_workspaces_free(struct sim_workspaces *ws)
{
    if (!ws)
        return;
    for (size_t i = 0; i < ws->n; i++) {
        free(ws->items[i].token);
        sim_world_free(ws->items[i].world);
    }
    free(ws);
}

struct sim_world *sim_workspaces_get(struct sim_workspaces *ws,
                                     const char *token)
{
    if (!sim_token_valid(token))
        return NULL;
    for (size_t i = 0; i < ws->n; i++)
        if (strcmp(ws->items[i].token, token) == 0)
            return ws->items[i].world;
    if (ws->n == MAX_WORKSPACES)
        return NULL;
    struct workspace *it = &ws->items[ws->n];
    size_t len = strlen(token);
    it->token = malloc(len + 1);
    if (!it->token)
        return NULL;
    memcpy(it->token, token, len + 1);
    it->world = sim_world_new(workspace_seed(ws->seed, token), ws->scale,
                              ws->anchor_day);
    if (!it->world) {
        free(it->token);
        return NULL;
    }
    ws->n++;
    return it->world;
}

size_t sim_workspaces_count(const struct sim_workspaces *ws)
{
    return ws->n;
}

struct sim_world *sim_workspaces_at(struct sim_workspaces *ws, size_t i,
                                    const char **token)
{
    if (i >= ws->n)
        return NULL;
    if (token)
        *token = ws->items[i].token;
    return ws->items[i].world;
}
