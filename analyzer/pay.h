/* analyzer/pay.h — earnings, FX, wage floors, hourly rates (exact integers). */
#ifndef DW_PAY_H
#define DW_PAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* FX rates are integers scaled by 10^10 (dw.fx_rate.rate is numeric(24,10)). */
#define DW_FX_DIGITS 10
#define DW_FX_SCALE 10000000000LL

/* Parses a rate as numeric text ("1.0823000000") into rate * 10^10,
 * exactly (more than 10 fraction digits, zero or negative fail). */
enum dw_status dw_fx_parse_rate(const char *s, int64_t *scaled,
                                struct dw_error *err);

/* One dated rate: `rate` units of quote per 1 base, scaled by 10^10. */
struct dw_fx_rate {
    char base[4];
    char quote[4];
    int64_t day; /* rate_date, days since the epoch */
    int64_t rate;
};

/* The FX table, in memory. Owns v. Add rates, then look up (the first
 * lookup after an add sorts the table). */
struct dw_fx_table {
    struct dw_fx_rate *v;
    size_t n;
    size_t cap;
    bool sorted;
};

void dw_fx_init(struct dw_fx_table *t);
void dw_fx_release(struct dw_fx_table *t);
enum dw_status dw_fx_add(struct dw_fx_table *t, const char *base,
                         const char *quote, int64_t day, int64_t rate,
                         struct dw_error *err);

/*
 * Converts amount (micro-units of `from`) into micro-units of `to` with the
 * rates valid on `day`: the latest rate_date <= day. Order of preference:
 * same currency; a direct pair from->to; the inverse pair to->from; the
 * cross rate through EUR (ECB rates have base EUR): amount * EUR/to ÷
 * EUR/from. Rounded half away from zero once, at the end.
 * DW_ERR_NOT_FOUND, naming the pair and date, when no rate applies;
 * DW_ERR_RANGE on overflow. The table is sorted on demand (not const).
 */
enum dw_status dw_fx_convert(struct dw_fx_table *t, int64_t amount,
                             const char *from, const char *to, int64_t day,
                             int64_t *out, struct dw_error *err);

/*
 * Earnings of one work unit before conversion: the reward minus the
 * worker-side fee when the unit is approved, else 0 (submitted work is
 * not yet paid; rejected work is unpaid). DW_ERR_RANGE on overflow.
 */
enum dw_status dw_unit_earnings(bool approved, int64_t reward_micros,
                                int64_t fee_micros, int64_t *out);

/* *sum += v, DW_ERR_RANGE on overflow (sum unchanged). */
enum dw_status dw_money_add(int64_t *sum, int64_t v);

/*
 * EHR_paid in micro-units per hour: earnings * 3600 s / paid time,
 * rounded half away from zero. DW_ERR_INVALID when paid_us <= 0.
 */
enum dw_status dw_ehr_micros(int64_t earnings_micros, int64_t paid_us,
                             int64_t *ehr);

/*
 * Exactly whether earnings / paid time >= floor_hourly (all in one
 * currency): earnings * 3600e6 >= floor_hourly * paid_us in 128 bits, so
 * no rounding of the rate can move a worker across the line.
 */
bool dw_ehr_at_or_above(int64_t earnings_micros, int64_t paid_us,
                        int64_t floor_hourly_micros);

/*
 * Exactly whether earnings / time >= ratio x floor_hourly, ratio in
 * micro-units (1.00 = 1000000): earnings * 3600e6 * 1e6 >= ratio *
 * floor * time_us in 128 bits. false when time_us <= 0.
 */
bool dw_ehr_at_or_above_ratio(int64_t earnings_micros, int64_t time_us,
                              int64_t floor_hourly_micros,
                              int64_t ratio_micros);

/* rate / floor in micro-units (EHR 3.625 over floor 7.25 -> 500000),
 * rounded half away from zero. DW_ERR_INVALID when floor <= 0. */
enum dw_status dw_wage_ratio(int64_t rate_micros, int64_t floor_micros,
                             int64_t *ratio);

/*
 * Back pay for one worker-week: what lifts earnings to the floor over the
 * time worked, floor x time_us / 1 h - earnings, rounded half away from
 * zero; 0 when earnings already reach it. DW_ERR_RANGE on overflow.
 * 7.25/h over 10 h with 50.00 earned -> 72.50 - 50.00 = 22.50.
 */
enum dw_status dw_back_pay(int64_t earnings_micros, int64_t time_us,
                           int64_t floor_hourly_micros, int64_t *out);

enum dw_wage_per { DW_PER_HOUR, DW_PER_DAY, DW_PER_WEEK, DW_PER_MONTH };

/* "hour|day|week|month" -> enum; DW_ERR_PARSE otherwise. */
enum dw_status dw_wage_per_parse(const char *s, enum dw_wage_per *per);

/*
 * A floor made hourly: per hour as is; per day/week/month divided by
 * hours_basis (hours in one period, micro-units: 8 h = 8000000), rounded
 * half away from zero: 695 PHP/day at 8 h -> 86.875 PHP/h (86875000).
 */
enum dw_status dw_wage_hourly(int64_t amount_micros, enum dw_wage_per per,
                              int64_t hours_basis_micros, int64_t *hourly);

/* One national wage floor row (dw.wage_floor, region ''); minimum and
 * living wages are kept in two tables. */
struct dw_wage_floor {
    char country[3];
    char currency[4];
    int64_t valid_from;    /* days */
    int64_t hourly_micros; /* made hourly with dw_wage_hourly */
};

/* Wage floors in memory. Owns v. */
struct dw_wage_table {
    struct dw_wage_floor *v;
    size_t n;
    size_t cap;
};

void dw_wage_init(struct dw_wage_table *t);
void dw_wage_release(struct dw_wage_table *t);
enum dw_status dw_wage_add(struct dw_wage_table *t, const char *country,
                           const char *currency, int64_t valid_from,
                           int64_t hourly_micros, struct dw_error *err);

/* The row for country with the latest valid_from <= day, or NULL.
 * Borrowed from t. */
const struct dw_wage_floor *dw_wage_lookup(const struct dw_wage_table *t,
                                           const char *country, int64_t day);

/* Which rule chose the floor. */
enum dw_floor_basis {
    DW_FLOOR_WORKER,         /* the worker's own country */
    DW_FLOOR_SOURCE_DEFAULT, /* the source's default worker country */
    DW_FLOOR_FALLBACK,       /* no country, or no floor for it */
};

const char *dw_floor_basis_name(enum dw_floor_basis b);

struct dw_floor {
    enum dw_floor_basis basis;
    char country[3];  /* "" for the fallback */
    char currency[4]; /* of hourly_micros */
    int64_t hourly_micros;
};

/*
 * Chooses the minimum wage for a week starting on `day`. The country is
 * the worker's when known, else the source's default; its floor valid on
 * `day` applies. With no country, or no floor for it, the fallback
 * applies (fallback_hourly in fallback_currency: the threshold
 * mw_fallback_usd = 7.25 USD/h), with out->country still naming the
 * country that had no floor. Country arguments may be NULL or "".
 */
void dw_floor_resolve(const struct dw_wage_table *t, const char *worker_country,
                      const char *source_country, int64_t day,
                      int64_t fallback_hourly, const char *fallback_currency,
                      struct dw_floor *out);

#endif
