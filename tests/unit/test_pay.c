/* tests/unit/test_pay.c — earnings, FX, wage floors, exact hourly rates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "dwtime.h"
#include "pay.h"
#include "worktime.h"

#define HOUR DW_HOUR_US

static int64_t day(int y, unsigned m, unsigned d)
{
    return dw_days_from_civil(y, m, d);
}

static void sums_rewards_and_bonuses_less_the_worker_fee(void **state)
{
    int64_t unit, sum = 0;
    (void)state;
    /* Approved reward 2.00 USD less a 0.20 USD worker fee = 1.80; plus a
     * 0.50 bonus = 2.30 USD = 2,300,000 micro-USD. */
    assert_int_equal(dw_unit_earnings(true, 2000000, 200000, &unit), DW_OK);
    assert_int_equal(unit, 1800000);
    assert_int_equal(dw_money_add(&sum, unit), DW_OK);
    assert_int_equal(dw_money_add(&sum, 500000), DW_OK);
    assert_int_equal(sum, 2300000);
    /* Submitted-but-not-approved work earns nothing yet. */
    assert_int_equal(dw_unit_earnings(false, 2000000, 200000, &unit), DW_OK);
    assert_int_equal(unit, 0);
    sum = INT64_MAX;
    assert_int_equal(dw_money_add(&sum, 1), DW_ERR_RANGE);
}

static void parses_fx_rates_as_exact_scaled_integers(void **state)
{
    int64_t r;
    (void)state;
    /* numeric(24,10) text -> rate * 10^10. */
    assert_int_equal(dw_fx_parse_rate("1.0823000000", &r, NULL), DW_OK);
    assert_int_equal(r, 10823000000LL);
    assert_int_equal(dw_fx_parse_rate("58.5", &r, NULL), DW_OK);
    assert_int_equal(r, 585000000000LL);
    assert_int_equal(dw_fx_parse_rate("1.08230000001", &r, NULL), DW_ERR_PARSE);
    assert_int_equal(dw_fx_parse_rate("0", &r, NULL), DW_ERR_INVALID);
    assert_int_equal(dw_fx_parse_rate("1e3", &r, NULL), DW_ERR_PARSE);
}

static void table(struct dw_fx_table *t)
{
    dw_fx_init(t);
    /* ECB-style: units of quote per 1 EUR. */
    assert_int_equal(
        dw_fx_add(t, "EUR", "USD", day(2026, 11, 2), 10800000000LL, NULL),
        DW_OK); /* 1.08 */
    assert_int_equal(
        dw_fx_add(t, "EUR", "USD", day(2026, 11, 3), 11000000000LL, NULL),
        DW_OK); /* 1.10 */
    assert_int_equal(
        dw_fx_add(t, "EUR", "GBP", day(2026, 11, 3), 8800000000LL, NULL),
        DW_OK); /* 0.88 */
    assert_int_equal(
        dw_fx_add(t, "USD", "PHP", day(2026, 11, 3), 580000000000LL, NULL),
        DW_OK); /* 58 */
}

static void converts_eur_at_the_rate_of_its_payment_date(void **state)
{
    struct dw_fx_table t;
    int64_t out;
    (void)state;
    table(&t);
    /* 10 EUR paid on 2026-11-03 at 1.10 USD/EUR = 11.00 USD. */
    assert_int_equal(
        dw_fx_convert(&t, 10000000, "EUR", "USD", day(2026, 11, 3), &out, NULL),
        DW_OK);
    assert_int_equal(out, 11000000);
    /* Paid on 2026-11-02 at 1.08: 10.80 USD. */
    assert_int_equal(
        dw_fx_convert(&t, 10000000, "EUR", "USD", day(2026, 11, 2), &out, NULL),
        DW_OK);
    assert_int_equal(out, 10800000);
    /* 2026-11-05 has no rate: the latest before it (11-03, 1.10). */
    assert_int_equal(
        dw_fx_convert(&t, 10000000, "EUR", "USD", day(2026, 11, 5), &out, NULL),
        DW_OK);
    assert_int_equal(out, 11000000);
    /* Before the first rate there is none. */
    assert_int_equal(
        dw_fx_convert(&t, 10000000, "EUR", "USD", day(2026, 11, 1), &out, NULL),
        DW_ERR_NOT_FOUND);
    dw_fx_release(&t);
}

static void converts_through_eur_and_inverse_pairs(void **state)
{
    struct dw_fx_table t;
    struct dw_error err;
    int64_t out;
    (void)state;
    table(&t);
    /* 8.80 GBP -> USD on 11-03 through EUR: 8.80 * 1.10 / 0.88 = 11.00. */
    assert_int_equal(
        dw_fx_convert(&t, 8800000, "GBP", "USD", day(2026, 11, 3), &out, NULL),
        DW_OK);
    assert_int_equal(out, 11000000);
    /* 1 GBP -> USD: 1.10 / 0.88 = 1.25 exactly. */
    assert_int_equal(
        dw_fx_convert(&t, 1000000, "GBP", "USD", day(2026, 11, 3), &out, NULL),
        DW_OK);
    assert_int_equal(out, 1250000);
    /* 580 PHP -> USD by the inverse of USD/PHP 58: 10.00 USD. */
    assert_int_equal(dw_fx_convert(&t, 580000000, "PHP", "USD",
                                   day(2026, 11, 3), &out, NULL),
                     DW_OK);
    assert_int_equal(out, 10000000);
    /* 1 EUR -> GBP is direct: 0.88. Same currency is the identity. */
    assert_int_equal(
        dw_fx_convert(&t, 1000000, "EUR", "GBP", day(2026, 11, 3), &out, NULL),
        DW_OK);
    assert_int_equal(out, 880000);
    assert_int_equal(dw_fx_convert(&t, 123, "KES", "KES", 0, &out, NULL),
                     DW_OK);
    assert_int_equal(out, 123);
    memset(&err, 0, sizeof err);
    assert_int_equal(
        dw_fx_convert(&t, 1, "KES", "USD", day(2026, 11, 3), &out, &err),
        DW_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "KES->USD"));
    dw_fx_release(&t);
}

static void makes_daily_and_monthly_floors_hourly(void **state)
{
    int64_t h;
    (void)state;
    /* PH NCR 695 PHP/day with an 8 h day: 695 / 8 = 86.875 PHP/h. */
    assert_int_equal(dw_wage_hourly(695000000, DW_PER_DAY, 8000000, &h), DW_OK);
    assert_int_equal(h, 86875000);
    /* KE 16,113.75 KES/month with 195 h a month: 82.6346153846... ->
     * 82.634615 KES/h (the 7th digit, 3, rounds down). */
    assert_int_equal(dw_wage_hourly(16113750000LL, DW_PER_MONTH, 195000000, &h),
                     DW_OK);
    assert_int_equal(h, 82634615);
    /* 400 per 40 h week = 10/h; an hourly floor is taken as is. */
    assert_int_equal(dw_wage_hourly(400000000, DW_PER_WEEK, 40000000, &h),
                     DW_OK);
    assert_int_equal(h, 10000000);
    assert_int_equal(dw_wage_hourly(7250000, DW_PER_HOUR, 0, &h), DW_OK);
    assert_int_equal(h, 7250000);
    assert_int_equal(dw_wage_hourly(1, DW_PER_DAY, 0, &h), DW_ERR_INVALID);
}

static void computes_ehr_in_exact_integers(void **state)
{
    int64_t ehr;
    (void)state;
    /* 2.30 USD over 20 min: 2.30 * 60 / 20 = 6.90 USD/h. */
    assert_int_equal(dw_ehr_micros(2300000, 20 * 60 * DW_USEC, &ehr), DW_OK);
    assert_int_equal(ehr, 6900000);
    /* 1.00 over 7 min: 60 / 7 = 8.5714285... -> 8.571429 (half away). */
    assert_int_equal(dw_ehr_micros(1000000, 7 * 60 * DW_USEC, &ehr), DW_OK);
    assert_int_equal(ehr, 8571429);
    assert_int_equal(dw_ehr_micros(1000000, 0, &ehr), DW_ERR_INVALID);
}

static void compares_with_the_floor_without_rounding(void **state)
{
    int64_t ehr;
    (void)state;
    /* 7.25 USD for exactly 1 h is at the 7.25 floor. */
    assert_true(dw_ehr_at_or_above(7250000, HOUR, 7250000));
    /* 7.249999 for 1 h is below. */
    assert_false(dw_ehr_at_or_above(7249999, HOUR, 7250000));
    /* 72.499996 USD for 10 h = 7.2499996 USD/h: rounds to 7.250000 but is
     * below the floor; the exact test says so. */
    assert_int_equal(dw_ehr_micros(72499996, 10 * HOUR, &ehr), DW_OK);
    assert_int_equal(ehr, 7250000);
    assert_false(dw_ehr_at_or_above(72499996, 10 * HOUR, 7250000));
}

static void picks_the_floor_by_country_and_date(void **state)
{
    struct dw_wage_table t;
    struct dw_floor f;
    (void)state;
    dw_wage_init(&t);
    assert_int_equal(
        dw_wage_add(&t, "GB", "GBP", day(2025, 4, 1), 12210000, NULL), DW_OK);
    assert_int_equal(
        dw_wage_add(&t, "GB", "GBP", day(2026, 4, 6), 12710000, NULL), DW_OK);
    assert_int_equal(
        dw_wage_add(&t, "PH", "PHP", day(2025, 7, 18), 86875000, NULL), DW_OK);
    /* A GB worker in the week of Monday 2026-03-30: 12.21 GBP/h. */
    dw_floor_resolve(&t, "GB", "PH", day(2026, 3, 30), 7250000, "USD", &f);
    assert_int_equal(f.basis, DW_FLOOR_WORKER);
    assert_string_equal(f.currency, "GBP");
    assert_int_equal(f.hourly_micros, 12210000);
    /* From Monday 2026-04-06: 12.71. */
    dw_floor_resolve(&t, "GB", NULL, day(2026, 4, 6), 7250000, "USD", &f);
    assert_int_equal(f.hourly_micros, 12710000);
    /* Country unknown: the source's default (PH). */
    dw_floor_resolve(&t, "", "PH", day(2026, 4, 6), 7250000, "USD", &f);
    assert_int_equal(f.basis, DW_FLOOR_SOURCE_DEFAULT);
    assert_string_equal(f.country, "PH");
    assert_int_equal(f.hourly_micros, 86875000);
    /* A country with no floor, and no country at all: 7.25 USD/h. */
    dw_floor_resolve(&t, "IT", "PH", day(2026, 4, 6), 7250000, "USD", &f);
    assert_int_equal(f.basis, DW_FLOOR_FALLBACK);
    assert_string_equal(f.country, "IT");
    assert_string_equal(f.currency, "USD");
    assert_int_equal(f.hourly_micros, 7250000);
    dw_floor_resolve(&t, NULL, NULL, day(2026, 4, 6), 7250000, "USD", &f);
    assert_int_equal(f.basis, DW_FLOOR_FALLBACK);
    assert_string_equal(f.country, "");
    /* Before the first GB row: none, so the fallback. */
    dw_floor_resolve(&t, "GB", NULL, day(2025, 3, 31), 7250000, "USD", &f);
    assert_int_equal(f.basis, DW_FLOOR_FALLBACK);
    dw_wage_release(&t);
}

static void back_pay_lifts_a_week_to_the_floor(void **state)
{
    /* 7.25/h over 10 h = 72.50; 50.00 earned: back pay 22.50. At or
     * above the floor: 0. EHR_total 5.00 / 7.25 = 0.689655 of the floor
     * (0.6896551.. rounded). */
    int64_t bp, ratio;
    (void)state;
    assert_int_equal(dw_back_pay(50000000, 10 * DW_HOUR_US, 7250000, &bp),
                     DW_OK);
    assert_int_equal(bp, 22500000);
    assert_int_equal(dw_back_pay(80000000, 10 * DW_HOUR_US, 7250000, &bp),
                     DW_OK);
    assert_int_equal(bp, 0);
    assert_int_equal(dw_wage_ratio(5000000, 7250000, &ratio), DW_OK);
    assert_int_equal(ratio, 689655);
    assert_int_equal(dw_wage_ratio(5000000, 0, &ratio), DW_ERR_INVALID);
    /* 72.50 over 10 h is exactly 1.00 x the floor; 72.499999 is not. */
    assert_true(
        dw_ehr_at_or_above_ratio(72500000, 10 * DW_HOUR_US, 7250000, 1000000));
    assert_false(
        dw_ehr_at_or_above_ratio(72499999, 10 * DW_HOUR_US, 7250000, 1000000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(back_pay_lifts_a_week_to_the_floor),
        cmocka_unit_test(sums_rewards_and_bonuses_less_the_worker_fee),
        cmocka_unit_test(parses_fx_rates_as_exact_scaled_integers),
        cmocka_unit_test(converts_eur_at_the_rate_of_its_payment_date),
        cmocka_unit_test(converts_through_eur_and_inverse_pairs),
        cmocka_unit_test(makes_daily_and_monthly_floors_hourly),
        cmocka_unit_test(computes_ehr_in_exact_integers),
        cmocka_unit_test(compares_with_the_floor_without_rounding),
        cmocka_unit_test(picks_the_floor_by_country_and_date),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
