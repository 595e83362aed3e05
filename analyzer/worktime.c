/* analyzer/worktime.c — merge work intervals, split them into ISO weeks. */
#include "worktime.h"

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
    w->v[i].paid_us = 0;
    w->n++;
    return &w->v[i];
}

enum dw_status dw_weeks_add_interval(struct dw_weeks *w,
                                     const struct dw_interval *iv,
                                     const struct dw_tz *tz)
{
    int64_t s = iv->start;

    while (s < iv->end) {
        int64_t off = tz_offset_us(tz, s);
        int64_t monday = dw_week_monday(tz, s);
        /* The next local Monday 00:00 in UTC, with the offset at s (an
         * offset change inside the week moves the cut by that change). */
        int64_t cut = (monday + 7) * DW_DAY_US - off;
        int64_t e = cut < iv->end ? cut : iv->end;
        struct dw_week_time *slot;

        if (e <= s)
            e = iv->end; /* a pathological offset: never loop forever */
        slot = week_slot(w, monday);
        if (slot == NULL)
            return DW_ERR_NOMEM;
        slot->paid_us += e - s;
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
