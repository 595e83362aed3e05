/* analyzer/pay.c — earnings, FX, wage floors, hourly rates (exact integers). */
#include "pay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "worktime.h"

__extension__ typedef __int128 i128;

enum dw_status dw_fx_parse_rate(const char *s, int64_t *scaled,
                                struct dw_error *err)
{
    int64_t v;
    if (s == NULL ||
        dw_decimal_parse(s, DW_FX_DIGITS, DW_ROUND_EXACT, false, &v) != DW_OK)
        return dw_error_set(err, DW_ERR_PARSE,
                            "FX rate '%s' is not a decimal with at most %d "
                            "fraction digits",
                            s ? s : "", DW_FX_DIGITS);
    if (v <= 0)
        return dw_error_set(err, DW_ERR_INVALID, "FX rate '%s' is not positive",
                            s);
    *scaled = v;
    return DW_OK;
}

void dw_fx_init(struct dw_fx_table *t)
{
    t->v = NULL;
    t->n = 0;
    t->cap = 0;
    t->sorted = true;
}

void dw_fx_release(struct dw_fx_table *t)
{
    free(t->v);
    dw_fx_init(t);
}

static bool code_ok(const char *c)
{
    return c != NULL && strlen(c) == 3;
}

enum dw_status dw_fx_add(struct dw_fx_table *t, const char *base,
                         const char *quote, int64_t day, int64_t rate,
                         struct dw_error *err)
{
    struct dw_fx_rate *r;

    if (!code_ok(base) || !code_ok(quote) || rate <= 0)
        return dw_error_set(err, DW_ERR_INVALID, "bad FX rate %s/%s",
                            base ? base : "?", quote ? quote : "?");
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        struct dw_fx_rate *v = realloc(t->v, cap * sizeof *v);
        if (v == NULL)
            return dw_error_set(err, DW_ERR_NOMEM, "FX table: out of memory");
        t->v = v;
        t->cap = cap;
    }
    r = &t->v[t->n++];
    memcpy(r->base, base, 4);
    memcpy(r->quote, quote, 4);
    r->day = day;
    r->rate = rate;
    t->sorted = false;
    return DW_OK;
}

static int cmp_rate(const void *a, const void *b)
{
    const struct dw_fx_rate *x = a, *y = b;
    int c = strcmp(x->base, y->base);
    if (c == 0)
        c = strcmp(x->quote, y->quote);
    if (c == 0 && x->day != y->day)
        c = x->day < y->day ? -1 : 1;
    return c;
}

/* The rate base->quote with the latest day <= day, or 0. */
static int64_t rate_on(const struct dw_fx_table *t, const char *base,
                       const char *quote, int64_t day)
{
    size_t lo = 0, hi = t->n;
    struct dw_fx_rate key;

    memcpy(key.base, base, 4);
    memcpy(key.quote, quote, 4);
    key.day = day;
    /* First element greater than key. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_rate(&t->v[mid], &key) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return 0;
    if (strcmp(t->v[lo - 1].base, base) != 0 ||
        strcmp(t->v[lo - 1].quote, quote) != 0)
        return 0;
    return t->v[lo - 1].rate;
}

enum dw_status dw_fx_convert(struct dw_fx_table *t, int64_t amount,
                             const char *from, const char *to, int64_t day,
                             int64_t *out, struct dw_error *err)
{
    int64_t num, den;
    char date[DW_DATE_MAX];

    if (!code_ok(from) || !code_ok(to))
        return dw_error_set(err, DW_ERR_INVALID, "bad currency code");
    if (strcmp(from, to) == 0) {
        *out = amount;
        return DW_OK;
    }
    if (!t->sorted) {
        qsort(t->v, t->n, sizeof *t->v, cmp_rate);
        t->sorted = true;
    }
    if ((num = rate_on(t, from, to, day)) != 0) {
        den = DW_FX_SCALE;
    } else if ((den = rate_on(t, to, from, day)) != 0) {
        num = DW_FX_SCALE;
    } else {
        num = strcmp(to, "EUR") == 0 ? DW_FX_SCALE : rate_on(t, "EUR", to, day);
        den = strcmp(from, "EUR") == 0 ? DW_FX_SCALE
                                       : rate_on(t, "EUR", from, day);
        if (num == 0 || den == 0)
            return dw_error_set(err, DW_ERR_NOT_FOUND,
                                "no FX rate %s->%s on or before %s (direct, "
                                "inverse or through EUR)",
                                from, to, dw_date_format(day, date));
    }
    if (dw_money_muldiv(amount, num, den, out) != DW_OK)
        return dw_error_set(err, DW_ERR_RANGE, "FX conversion %s->%s overflows",
                            from, to);
    return DW_OK;
}

enum dw_status dw_money_add(int64_t *sum, int64_t v)
{
    int64_t r;
    if (__builtin_add_overflow(*sum, v, &r))
        return DW_ERR_RANGE;
    *sum = r;
    return DW_OK;
}

enum dw_status dw_unit_earnings(bool approved, int64_t reward_micros,
                                int64_t fee_micros, int64_t *out)
{
    int64_t r;
    if (!approved) {
        *out = 0;
        return DW_OK;
    }
    if (__builtin_sub_overflow(reward_micros, fee_micros, &r))
        return DW_ERR_RANGE;
    *out = r;
    return DW_OK;
}

enum dw_status dw_ehr_micros(int64_t earnings_micros, int64_t paid_us,
                             int64_t *ehr)
{
    if (paid_us <= 0)
        return DW_ERR_INVALID;
    return dw_money_muldiv(earnings_micros, DW_HOUR_US, paid_us, ehr);
}

bool dw_ehr_at_or_above(int64_t earnings_micros, int64_t paid_us,
                        int64_t floor_hourly_micros)
{
    i128 lhs = (i128)earnings_micros * DW_HOUR_US;
    i128 rhs = (i128)floor_hourly_micros * paid_us;
    return lhs >= rhs;
}

bool dw_ehr_at_or_above_ratio(int64_t earnings_micros, int64_t time_us,
                              int64_t floor_hourly_micros, int64_t ratio_micros)
{
    i128 lhs, rhs;

    if (time_us <= 0)
        return false;
    lhs = (i128)earnings_micros * DW_HOUR_US * DW_MICROS;
    rhs = (i128)ratio_micros * floor_hourly_micros * time_us;
    return lhs >= rhs;
}

enum dw_status dw_wage_ratio(int64_t rate_micros, int64_t floor_micros,
                             int64_t *ratio)
{
    if (floor_micros <= 0)
        return DW_ERR_INVALID;
    return dw_money_muldiv(rate_micros, DW_MICROS, floor_micros, ratio);
}

enum dw_status dw_back_pay(int64_t earnings_micros, int64_t time_us,
                           int64_t floor_hourly_micros, int64_t *out)
{
    int64_t due;

    if (time_us <= 0 || floor_hourly_micros <= 0) {
        *out = 0;
        return DW_OK;
    }
    if (dw_money_muldiv(floor_hourly_micros, time_us, DW_HOUR_US, &due) !=
        DW_OK)
        return DW_ERR_RANGE;
    if (due <= earnings_micros) {
        *out = 0;
        return DW_OK;
    }
    if (__builtin_sub_overflow(due, earnings_micros, out))
        return DW_ERR_RANGE;
    return DW_OK;
}

enum dw_status dw_wage_per_parse(const char *s, enum dw_wage_per *per)
{
    static const char *const names[] = {"hour", "day", "week", "month"};
    for (int i = 0; i < 4; i++) {
        if (s != NULL && strcmp(s, names[i]) == 0) {
            *per = (enum dw_wage_per)i;
            return DW_OK;
        }
    }
    return DW_ERR_PARSE;
}

enum dw_status dw_wage_hourly(int64_t amount_micros, enum dw_wage_per per,
                              int64_t hours_basis_micros, int64_t *hourly)
{
    if (per == DW_PER_HOUR) {
        *hourly = amount_micros;
        return DW_OK;
    }
    if (hours_basis_micros <= 0)
        return DW_ERR_INVALID;
    /* amount / (basis / 1e6) = amount * 1e6 / basis */
    return dw_money_muldiv(amount_micros, DW_MICROS, hours_basis_micros,
                           hourly);
}

void dw_wage_init(struct dw_wage_table *t)
{
    t->v = NULL;
    t->n = 0;
    t->cap = 0;
}

void dw_wage_release(struct dw_wage_table *t)
{
    free(t->v);
    dw_wage_init(t);
}

enum dw_status dw_wage_add(struct dw_wage_table *t, const char *country,
                           const char *currency, int64_t valid_from,
                           int64_t hourly_micros, struct dw_error *err)
{
    struct dw_wage_floor *f;

    if (country == NULL || strlen(country) != 2 || !code_ok(currency) ||
        hourly_micros <= 0)
        return dw_error_set(err, DW_ERR_INVALID, "bad wage floor for %s",
                            country ? country : "?");
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        struct dw_wage_floor *v = realloc(t->v, cap * sizeof *v);
        if (v == NULL)
            return dw_error_set(err, DW_ERR_NOMEM,
                                "wage floors: out of memory");
        t->v = v;
        t->cap = cap;
    }
    f = &t->v[t->n++];
    memcpy(f->country, country, 3);
    memcpy(f->currency, currency, 4);
    f->valid_from = valid_from;
    f->hourly_micros = hourly_micros;
    return DW_OK;
}

const struct dw_wage_floor *dw_wage_lookup(const struct dw_wage_table *t,
                                           const char *country, int64_t day)
{
    const struct dw_wage_floor *best = NULL;

    if (country == NULL || country[0] == '\0')
        return NULL;
    /* A few hundred rows: a scan is simpler than an index and fast enough
     * for once per worker-week. */
    for (size_t i = 0; i < t->n; i++) {
        const struct dw_wage_floor *f = &t->v[i];
        if (strcmp(f->country, country) == 0 && f->valid_from <= day &&
            (best == NULL || f->valid_from > best->valid_from))
            best = f;
    }
    return best;
}

const char *dw_floor_basis_name(enum dw_floor_basis b)
{
    switch (b) {
    case DW_FLOOR_WORKER:
        return "worker";
    case DW_FLOOR_SOURCE_DEFAULT:
        return "source_default";
    case DW_FLOOR_FALLBACK:
        break;
    }
    return "fallback";
}

void dw_floor_resolve(const struct dw_wage_table *t, const char *worker_country,
                      const char *source_country, int64_t day,
                      int64_t fallback_hourly, const char *fallback_currency,
                      struct dw_floor *out)
{
    const char *country = NULL;
    const struct dw_wage_floor *f;

    memset(out, 0, sizeof *out);
    if (worker_country != NULL && worker_country[0] != '\0') {
        country = worker_country;
        out->basis = DW_FLOOR_WORKER;
    } else if (source_country != NULL && source_country[0] != '\0') {
        country = source_country;
        out->basis = DW_FLOOR_SOURCE_DEFAULT;
    }
    if (country != NULL) {
        snprintf(out->country, sizeof out->country, "%s", country);
        f = dw_wage_lookup(t, country, day);
        if (f != NULL) {
            memcpy(out->currency, f->currency, 4);
            out->hourly_micros = f->hourly_micros;
            return;
        }
    }
    out->basis = DW_FLOOR_FALLBACK;
    snprintf(out->currency, sizeof out->currency, "%s", fallback_currency);
    out->hourly_micros = fallback_hourly;
}
