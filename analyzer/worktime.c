/* analyzer/worktime.c — working time: intervals, blocks, local days, rest,
 * night. */
#include "worktime.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwtime.h"

static int cmp_interval(const void *a, const void *b)
{
    const struct dw_interval *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return 0;
}

size_t dw_intervals_merge(struct dw_interval *iv, size_t n,
                          int64_t merge_gap_us)
{
    size_t out = 0;

    if (n == 0)
        return 0;
    qsort(iv, n, sizeof *iv, cmp_interval);
    for (size_t i = 1; i < n; i++) {
        struct dw_interval *c = &iv[out];
        /* Subtract rather than add: no overflow near INT64_MAX. */
        if (iv[i].start - c->end <= merge_gap_us) {
            if (iv[i].end > c->end)
                c->end = iv[i].end;
        } else {
            iv[++out] = iv[i];
        }
    }
    return out + 1;
}

int64_t dw_intervals_total(const struct dw_interval *iv, size_t n)
{
    int64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += iv[i].end - iv[i].start;
    return total;
}

static int64_t tz_offset_us(const struct dw_tz *tz, int64_t utc_us)
{
    if (tz == NULL || tz->offset == NULL)
        return 0;
    return tz->offset(tz->ctx, utc_us) * 1000000LL;
}

int64_t dw_tz_local(const struct dw_tz *tz, int64_t utc_us)
{
    return utc_us + tz_offset_us(tz, utc_us);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

int64_t dw_tz_utc(const struct dw_tz *tz, int64_t local_us)
{
    /* Offsets change at most once within a day around the instant: try
     * the offsets of a day before and a day after; the earlier candidate
     * that maps back wins; in a gap the old offset holds. */
    int64_t a = local_us - tz_offset_us(tz, local_us - DW_DAY_US);
    int64_t b = local_us - tz_offset_us(tz, local_us + DW_DAY_US);
    bool a_ok = dw_tz_local(tz, a) == local_us;
    bool b_ok = dw_tz_local(tz, b) == local_us;

    if (a_ok && b_ok)
        return a < b ? a : b;
    if (b_ok)
        return b;
    return a;
}

int64_t dw_local_day(const struct dw_tz *tz, int64_t utc_us)
{
    return floor_div(dw_tz_local(tz, utc_us), DW_DAY_US);
}

int64_t dw_week_monday(const struct dw_tz *tz, int64_t utc_us)
{
    int year, week;
    int64_t monday;
    dw_iso_week(floor_div(dw_tz_local(tz, utc_us), DW_DAY_US), &year, &week,
                &monday);
    return monday;
}

void dw_weeks_init(struct dw_weeks *w)
{
    w->v = NULL;
    w->n = 0;
    w->cap = 0;
}

void dw_weeks_release(struct dw_weeks *w)
{
    free(w->v);
    dw_weeks_init(w);
}

void dw_weeks_reset(struct dw_weeks *w)
{
    w->n = 0;
}

/* Finds or inserts the week (kept sorted; intervals come mostly in order,
 * so the search runs from the end). */
static struct dw_week_time *week_slot(struct dw_weeks *w, int64_t monday)
{
    size_t i = w->n;

    while (i > 0 && w->v[i - 1].monday > monday)
        i--;
    if (i > 0 && w->v[i - 1].monday == monday)
        return &w->v[i - 1];
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 8;
        struct dw_week_time *v = realloc(w->v, cap * sizeof *v);
        if (v == NULL)
            return NULL;
        w->v = v;
        w->cap = cap;
    }
    memmove(&w->v[i + 1], &w->v[i], (w->n - i) * sizeof *w->v);
    w->v[i].monday = monday;
    w->v[i].us = 0;
    w->n++;
    return &w->v[i];
}

enum dw_status dw_weeks_add_interval(struct dw_weeks *w,
                                     const struct dw_interval *iv,
                                     const struct dw_tz *tz)
{
    int64_t s = iv->start;

    while (s < iv->end) {
        int64_t monday = dw_week_monday(tz, s);
        /* The next local Monday 00:00, as a UTC instant. */
        int64_t cut = dw_tz_utc(tz, (monday + 7) * DW_DAY_US);
        int64_t e = cut < iv->end ? cut : iv->end;
        struct dw_week_time *slot;

        if (e <= s)
            e = iv->end; /* a pathological offset: never loop forever */
        slot = week_slot(w, monday);
        if (slot == NULL)
            return DW_ERR_NOMEM;
        slot->us += e - s;
        s = e;
    }
    return DW_OK;
}

const struct dw_week_time *dw_weeks_find(const struct dw_weeks *w,
                                         int64_t monday)
{
    for (size_t i = 0; i < w->n; i++)
        if (w->v[i].monday == monday)
            return &w->v[i];
    return NULL;
}

int64_t dw_hours_micros(int64_t us)
{
    return (us + 1800) / 3600;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

enum dw_status dw_date_parse(const char *s, int64_t *days, struct dw_error *err)
{
    int y, m, d;
    int64_t ry;
    unsigned rm, rd;

    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
        digits(s, 4, &y) || digits(s + 5, 2, &m) || digits(s + 8, 2, &d) ||
        m < 1 || m > 12 || d < 1 || d > 31)
        return dw_error_set(err, DW_ERR_PARSE,
                            "'%s' is not a date (YYYY-MM-DD)", s ? s : "");
    *days = dw_days_from_civil(y, (unsigned)m, (unsigned)d);
    dw_civil_from_days(*days, &ry, &rm, &rd);
    if (ry != y || (int)rm != m || (int)rd != d)
        return dw_error_set(err, DW_ERR_PARSE, "'%s' is not a real date", s);
    return DW_OK;
}

const char *dw_date_format(int64_t days, char *out)
{
    int64_t y;
    unsigned m, d;
    dw_civil_from_days(days, &y, &m, &d);
    snprintf(out, DW_DATE_MAX, "%04lld-%02u-%02u", (long long)y, m, d);
    return out;
}

/* --- Local days ---------------------------------------------------------- */

void dw_days_init(struct dw_days *d)
{
    d->v = NULL;
    d->n = 0;
    d->cap = 0;
}

void dw_days_release(struct dw_days *d)
{
    free(d->v);
    dw_days_init(d);
}

void dw_days_reset(struct dw_days *d)
{
    d->n = 0;
}

static struct dw_day_time *day_slot(struct dw_days *d, int64_t day)
{
    size_t i = d->n;

    while (i > 0 && d->v[i - 1].day > day)
        i--;
    if (i > 0 && d->v[i - 1].day == day)
        return &d->v[i - 1];
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 32;
        struct dw_day_time *v = realloc(d->v, cap * sizeof *v);
        if (v == NULL)
            return NULL;
        d->v = v;
        d->cap = cap;
    }
    memmove(&d->v[i + 1], &d->v[i], (d->n - i) * sizeof *d->v);
    memset(&d->v[i], 0, sizeof d->v[i]);
    d->v[i].day = day;
    d->n++;
    return &d->v[i];
}

enum dw_status dw_days_add_interval(struct dw_days *d,
                                    const struct dw_interval *iv,
                                    const struct dw_tz *tz,
                                    enum dw_day_field field)
{
    int64_t s = iv->start;

    while (s < iv->end) {
        int64_t day = dw_local_day(tz, s);
        int64_t cut = dw_tz_utc(tz, (day + 1) * DW_DAY_US);
        int64_t e = cut < iv->end ? cut : iv->end;
        struct dw_day_time *slot;

        if (e <= s)
            e = iv->end; /* a pathological offset: never loop forever */
        slot = day_slot(d, day);
        if (slot == NULL)
            return DW_ERR_NOMEM;
        if (field == DW_DAY_WORK)
            slot->work_us += e - s;
        else
            slot->paid_us += e - s;
        s = e;
    }
    return DW_OK;
}

enum dw_status dw_days_add_night(struct dw_days *d,
                                 const struct dw_interval *iv,
                                 const struct dw_tz *tz, int night_start_h,
                                 int night_end_h)
{
    int64_t first, last;
    int64_t len_us;

    if (iv->end <= iv->start)
        return DW_OK;
    len_us = (int64_t)(night_end_h - night_start_h) * DW_HOUR_US;
    if (len_us <= 0)
        len_us += DW_DAY_US; /* the night ends the next morning */
    /* A night that began the day before can reach into the first day. */
    first = dw_local_day(tz, iv->start) - 1;
    last = dw_local_day(tz, iv->end - 1);
    for (int64_t day = first; day <= last; day++) {
        int64_t ls = day * DW_DAY_US + night_start_h * DW_HOUR_US;
        int64_t ns = dw_tz_utc(tz, ls);
        int64_t ne = dw_tz_utc(tz, ls + len_us);
        int64_t s = ns > iv->start ? ns : iv->start;
        int64_t e = ne < iv->end ? ne : iv->end;
        struct dw_day_time *slot;

        if (e <= s)
            continue;
        slot = day_slot(d, day);
        if (slot == NULL)
            return DW_ERR_NOMEM;
        slot->night_us += e - s;
    }
    return DW_OK;
}

const struct dw_day_time *dw_days_find(const struct dw_days *d, int64_t day)
{
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->v[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->n && d->v[lo].day == day ? &d->v[lo] : NULL;
}

int64_t dw_days_streak(const struct dw_days *d, size_t i)
{
    int64_t n = 0;
    int64_t want = d->v[i].day;

    /* Days are sorted; a missing day or a day without work ends it. */
    for (size_t k = i + 1; k-- > 0;) {
        if (d->v[k].day != want || d->v[k].work_us <= 0)
            break;
        n++;
        want--;
    }
    return n;
}

/* --- Blocks, rest, breaks ----------------------------------------------- */

size_t dw_blocks_join(struct dw_interval *iv, size_t n, int64_t gap_us)
{
    size_t out = 0;

    if (n == 0)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if (iv[i].start - iv[out].end <= gap_us) {
            if (iv[i].end > iv[out].end)
                iv[out].end = iv[i].end;
        } else {
            iv[++out] = iv[i];
        }
    }
    return out + 1;
}

/* The longest rest inside [from, to): gaps after block k, the last one
 * open-ended. */
static int64_t longest_rest(const struct dw_interval *b, size_t n, size_t k,
                            int64_t to)
{
    int64_t best = 0;
    for (size_t j = k; j < n && b[j].end < to; j++) {
        int64_t gap_end =
            j + 1 < n && b[j + 1].start < to ? b[j + 1].start : to;
        if (gap_end - b[j].end > best)
            best = gap_end - b[j].end;
    }
    return best;
}

size_t dw_rest_check(const struct dw_interval *blocks, size_t n,
                     int64_t window_us, int64_t min_rest_us,
                     void (*fn)(void *ctx, int64_t window_start,
                                int64_t longest_rest_us),
                     void *ctx)
{
    size_t fails = 0;
    size_t big = n; /* the first gap >= min_rest at or after k */

    /* Walk backwards so the next big gap is known in O(1). The gap after
     * the last block never ends: it is always big. */
    for (size_t k = n; k-- > 0;) {
        int64_t w_end = blocks[k].start + window_us;
        bool ok;

        if (k == n - 1 || blocks[k + 1].start - blocks[k].end >= min_rest_us)
            big = k;
        if (big == n - 1)
            ok = blocks[n - 1].end < w_end; /* the data's edge is rest */
        else
            ok = blocks[big].end + min_rest_us <= w_end;
        if (!ok) {
            fails++;
            if (fn != NULL)
                fn(ctx, blocks[k].start, longest_rest(blocks, n, k, w_end));
        }
    }
    return fails;
}

size_t dw_no_break_check(const struct dw_interval *blocks, size_t n,
                         int64_t break_us, int64_t max_us,
                         void (*fn)(void *ctx, int64_t start, int64_t end),
                         void *ctx)
{
    size_t found = 0;
    int64_t s, e;

    if (n == 0)
        return 0;
    s = blocks[0].start;
    e = blocks[0].end;
    for (size_t i = 1; i <= n; i++) {
        if (i < n && blocks[i].start - e < break_us) {
            if (blocks[i].end > e)
                e = blocks[i].end;
            continue;
        }
        if (e - s > max_us) {
            found++;
            if (fn != NULL)
                fn(ctx, s, e);
        }
        if (i < n) {
            s = blocks[i].start;
            e = blocks[i].end;
        }
    }
    return found;
}

int64_t dw_weeks_rolling_mean(const struct dw_weeks *w, int64_t week_monday,
                              int64_t weeks)
{
    int64_t sum = 0;
    int64_t first = week_monday - 7 * (weeks - 1);

    if (weeks <= 0)
        return 0;
    for (size_t i = 0; i < w->n; i++)
        if (w->v[i].monday >= first && w->v[i].monday <= week_monday)
            sum += w->v[i].us;
    return (sum + weeks / 2) / weeks;
}
