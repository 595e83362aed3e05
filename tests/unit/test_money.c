/* tests/unit/test_money.c — exact decimal money, currencies, muldiv. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "money.h"

static int64_t parse_ok(const char *s)
{
    struct dw_error err = {0};
    int64_t v = -42;

    assert_int_equal(dw_money_parse(s, &v, &err), DW_OK);
    return v;
}

static void parses_plain_decimals_into_micro_units(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("5"), 5000000);         /* 5 * 10^6 */
    assert_int_equal(parse_ok("5."), 5000000);        /* same, bare point */
    assert_int_equal(parse_ok("0.5"), 500000);        /* 5 * 10^5 */
    assert_int_equal(parse_ok(".5"), 500000);         /* no integer digit */
    assert_int_equal(parse_ok("101.42"), 101420000);  /* 101 420000 */
    assert_int_equal(parse_ok("-3.25"), -3250000);    /* -(3 250000) */
    assert_int_equal(parse_ok("+1.000001"), 1000001); /* 1 000001 */
    assert_int_equal(parse_ok("0"), 0);
    assert_int_equal(parse_ok("-0"), 0);
    assert_int_equal(parse_ok("007.10"), 7100000); /* leading zeros */
}

static void accepts_extra_fraction_digits_when_all_zero(void **state)
{
    (void)state;
    /* 1.5 followed by seven zeros is still exactly 1.5 = 1500000 */
    assert_int_equal(parse_ok("1.5000000000"), 1500000);
}

static void rejects_seven_fraction_digits(void **state)
{
    struct dw_error err = {0};
    int64_t v;

    (void)state;
    /* the 7th digit (10^-7) is below a micro-unit: not exact */
    assert_int_equal(dw_money_parse("1.0000001", &v, &err), DW_ERR_PARSE);
    assert_int_equal(err.code, DW_ERR_PARSE);
    assert_non_null(strstr(err.msg, "1.0000001"));
    assert_int_equal(dw_money_parse("0.1234567", &v, NULL), DW_ERR_PARSE);
}

static void rejects_garbage(void **state)
{
    static const char *const bad[] = {
        "",     "-",    "+",     ".",     "-.",    "1.2.3", "1e5", "1E5",
        " 1",   "1 ",   "1,000", "1,5",   "abc",   "1-",    "--1", "+-1",
        "0x10", "1.-5", "1.5a",  "$1.00", "1_000", "\t1",   "∞",   "NaN"};

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct dw_error err = {0};
        int64_t v = 77;

        assert_int_equal(dw_money_parse(bad[i], &v, &err), DW_ERR_PARSE);
        assert_int_equal(v, 77); /* untouched on failure */
        assert_true(err.msg[0] != '\0');
    }
    assert_int_equal(dw_money_parse(NULL, &(int64_t){0}, NULL), DW_ERR_PARSE);
}

static void rejects_amounts_beyond_int64_micro_units(void **state)
{
    int64_t v;

    (void)state;
    /* 9999999999999999 * 10^6 ≈ 1e22 > INT64_MAX ≈ 9.22e18 */
    assert_int_equal(dw_money_parse("9999999999999999", &v, NULL),
                     DW_ERR_RANGE);
    assert_int_equal(dw_money_parse("-9999999999999999", &v, NULL),
                     DW_ERR_RANGE);
    /* INT64_MAX = 9223372036854775807 micro-units is the largest amount */
    assert_int_equal(parse_ok("9223372036854.775807"), INT64_MAX);
    assert_int_equal(parse_ok("-9223372036854.775807"), -INT64_MAX);
    assert_int_equal(dw_money_parse("9223372036854.775808", &v, NULL),
                     DW_ERR_RANGE);
}

static void converts_minor_units_by_currency_digits(void **state)
{
    int64_t v;

    (void)state;
    /* GBP has 2 digits: 150 pence = 1.50 = 1500000 */
    assert_int_equal(dw_money_from_minor(150, "GBP", &v, NULL), DW_OK);
    assert_int_equal(v, 1500000);
    /* JPY has 0 digits: 150 yen = 150 * 10^6 */
    assert_int_equal(dw_money_from_minor(150, "JPY", &v, NULL), DW_OK);
    assert_int_equal(v, 150000000);
    /* BHD has 3 digits: 1234 fils = 1.234 = 1234000 */
    assert_int_equal(dw_money_from_minor(1234, "BHD", &v, NULL), DW_OK);
    assert_int_equal(v, 1234000);
    /* CLF has 4 digits: 12345 = 1.2345 = 1234500 */
    assert_int_equal(dw_money_from_minor(12345, "CLF", &v, NULL), DW_OK);
    assert_int_equal(v, 1234500);
    /* -99 cents = -990000 */
    assert_int_equal(dw_money_from_minor(-99, "USD", &v, NULL), DW_OK);
    assert_int_equal(v, -990000);
}

static void refuses_unknown_currency_and_overflow_for_minor_units(void **state)
{
    struct dw_error err = {0};
    int64_t v;

    (void)state;
    assert_int_equal(dw_money_from_minor(1, "XYZ", &v, &err), DW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "XYZ"));
    assert_int_equal(dw_money_from_minor(1, "usd", &v, NULL), DW_ERR_INVALID);
    assert_int_equal(dw_money_from_minor(1, NULL, &v, NULL), DW_ERR_INVALID);
    /* INT64_MAX cents * 10^4 overflows */
    assert_int_equal(dw_money_from_minor(INT64_MAX, "USD", &v, NULL),
                     DW_ERR_RANGE);
    assert_int_equal(dw_money_from_minor(INT64_MIN, "USD", &v, NULL),
                     DW_ERR_RANGE);
}

static void recovers_the_decimal_behind_a_json_real(void **state)
{
    int64_t v;

    (void)state;
    /* 0.1 + 0.2 = 0.30000000000000004 in binary; %.15g gives "0.3" */
    assert_int_equal(dw_money_from_json_real(0.1 + 0.2, false, NULL, &v, NULL),
                     DW_OK);
    assert_int_equal(v, 300000);
    assert_int_equal(dw_money_from_json_real(101.42, false, NULL, &v, NULL),
                     DW_OK);
    assert_int_equal(v, 101420000);
    /* 150 pence as a real: 150 * 10^4 = 1500000 */
    assert_int_equal(dw_money_from_json_real(150.0, true, "GBP", &v, NULL),
                     DW_OK);
    assert_int_equal(v, 1500000);
    /* 0.5 pence = 0.005 GBP = 5000 */
    assert_int_equal(dw_money_from_json_real(0.5, true, "GBP", &v, NULL),
                     DW_OK);
    assert_int_equal(v, 5000);
    /* 1e-7 is below a micro-unit and rounds to 0 */
    assert_int_equal(dw_money_from_json_real(1e-7, false, NULL, &v, NULL),
                     DW_OK);
    assert_int_equal(v, 0);
}

static void rounds_json_reals_half_away_from_zero(void **state)
{
    int64_t v;

    (void)state;
    /* 5e-07 = half a micro-unit: away from zero -> 1 and -1 */
    assert_int_equal(dw_money_from_json_real(5e-7, false, NULL, &v, NULL),
                     DW_OK);
    assert_int_equal(v, 1);
    assert_int_equal(dw_money_from_json_real(-5e-7, false, NULL, &v, NULL),
                     DW_OK);
    assert_int_equal(v, -1);
    /* 2.0000004 -> 2000000 (4 < 5), 2.0000015 -> 2000002 */
    assert_int_equal(dw_money_from_json_real(2.0000004, false, NULL, &v, NULL),
                     DW_OK);
    assert_int_equal(v, 2000000);
    assert_int_equal(dw_money_from_json_real(2.0000015, false, NULL, &v, NULL),
                     DW_OK);
    assert_int_equal(v, 2000002);
}

static void refuses_non_finite_and_huge_json_reals(void **state)
{
    int64_t v;

    (void)state;
    assert_int_equal(dw_money_from_json_real(NAN, false, NULL, &v, NULL),
                     DW_ERR_RANGE);
    assert_int_equal(dw_money_from_json_real(INFINITY, false, NULL, &v, NULL),
                     DW_ERR_RANGE);
    assert_int_equal(dw_money_from_json_real(-INFINITY, false, NULL, &v, NULL),
                     DW_ERR_RANGE);
    /* 1e20 units = 1e26 micro-units */
    assert_int_equal(dw_money_from_json_real(1e20, false, NULL, &v, NULL),
                     DW_ERR_RANGE);
    assert_int_equal(dw_money_from_json_real(1.0, true, "XYZ", &v, NULL),
                     DW_ERR_INVALID);
}

static void formats_with_half_away_rounding(void **state)
{
    char out[32];

    (void)state;
    assert_string_equal(dw_money_format(1234567, 2, out), "1.23");
    /* 1.235 -> 1.24 and -1.235 -> -1.24 (half away from zero) */
    assert_string_equal(dw_money_format(1235000, 2, out), "1.24");
    assert_string_equal(dw_money_format(-1235000, 2, out), "-1.24");
    /* -0.004 rounds to zero: no negative zero */
    assert_string_equal(dw_money_format(-4000, 2, out), "0.00");
    assert_string_equal(dw_money_format(5000, 2, out), "0.01");
    assert_string_equal(dw_money_format(1, 6, out), "0.000001");
    assert_string_equal(dw_money_format(2500000, 0, out), "3");
    assert_string_equal(dw_money_format(-2500000, 0, out), "-3");
    assert_string_equal(dw_money_format(0, 3, out), "0.000");
    assert_string_equal(dw_money_format(INT64_MIN, 6, out),
                        "-9223372036854.775808");
    /* 9223372036854.775807 rounded to units: .775807 >= .5 -> up */
    assert_string_equal(dw_money_format(INT64_MAX, 0, out), "9223372036855");
}

static void knows_iso_4217_codes_and_their_digits(void **state)
{
    static const char *const codes[] = {
        "USD", "EUR", "GBP", "JPY", "INR", "PKR", "BDT", "PHP", "IDR", "VND",
        "KES", "NGN", "EGP", "ZAR", "BRL", "MXN", "COP", "ARS", "VES", "PLN",
        "RON", "UAH", "CHF", "CAD", "AUD", "NZD", "CNY", "HKD", "SGD", "SEK",
        "NOK", "DKK", "CZK", "HUF", "TRY", "RUB", "KRW", "THB", "MYR", "LKR",
        "NPR", "GHS", "UGX", "TZS", "ETB", "MAD", "TND", "BHD", "KWD", "OMR",
        "JOD", "CLP", "PEN", "UYU", "BOB", "PYG", "ILS", "SAR", "AED", "QAR",
        "AFN", "ZMW", "XOF", "XAF", "TWD", "ZWG", "AAA"};

    (void)state;
    /* every code above but the last, which is no currency */
    for (size_t i = 0; i + 1 < sizeof(codes) / sizeof(codes[0]); i++) {
        if (!dw_currency_known(codes[i]))
            fail_msg("%s should be known", codes[i]);
    }
    assert_false(dw_currency_known("AAA"));
    assert_false(dw_currency_known("XXX")); /* "no currency" code */
    assert_false(dw_currency_known("usd"));
    assert_false(dw_currency_known("US"));
    assert_false(dw_currency_known("USDX"));
    assert_false(dw_currency_known(""));
    assert_false(dw_currency_known(NULL));

    assert_int_equal(dw_currency_digits("USD"), 2);
    assert_int_equal(dw_currency_digits("JPY"), 0);
    assert_int_equal(dw_currency_digits("KRW"), 0);
    assert_int_equal(dw_currency_digits("VND"), 0);
    assert_int_equal(dw_currency_digits("UGX"), 0);
    assert_int_equal(dw_currency_digits("CLP"), 0);
    assert_int_equal(dw_currency_digits("PYG"), 0);
    assert_int_equal(dw_currency_digits("BHD"), 3);
    assert_int_equal(dw_currency_digits("KWD"), 3);
    assert_int_equal(dw_currency_digits("OMR"), 3);
    assert_int_equal(dw_currency_digits("JOD"), 3);
    assert_int_equal(dw_currency_digits("TND"), 3);
    assert_int_equal(dw_currency_digits("IDR"), 2);
    assert_int_equal(dw_currency_digits("CLF"), 4);
    assert_int_equal(dw_currency_digits("XYZ"), -1);
}

static void multiplies_and_divides_with_rounding(void **state)
{
    int64_t v;

    (void)state;
    /* 10/3 = 3.33 -> 3; 20/3 = 6.67 -> 7; -20/3 -> -7 */
    assert_int_equal(dw_money_muldiv(10, 1, 3, &v), DW_OK);
    assert_int_equal(v, 3);
    assert_int_equal(dw_money_muldiv(20, 1, 3, &v), DW_OK);
    assert_int_equal(v, 7);
    assert_int_equal(dw_money_muldiv(-20, 1, 3, &v), DW_OK);
    assert_int_equal(v, -7);
    /* 5/2 = 2.5 -> 3; -5/2 -> -3; 5/-2 -> -3; -5/-2 -> 3 */
    assert_int_equal(dw_money_muldiv(5, 1, 2, &v), DW_OK);
    assert_int_equal(v, 3);
    assert_int_equal(dw_money_muldiv(-5, 1, 2, &v), DW_OK);
    assert_int_equal(v, -3);
    assert_int_equal(dw_money_muldiv(5, 1, -2, &v), DW_OK);
    assert_int_equal(v, -3);
    assert_int_equal(dw_money_muldiv(-5, 1, -2, &v), DW_OK);
    assert_int_equal(v, 3);
    /* FX: 1.50 GBP at 1.27 USD/GBP = 1.905 USD = 1905000 */
    assert_int_equal(dw_money_muldiv(1500000, 1270000, 1000000, &v), DW_OK);
    assert_int_equal(v, 1905000);
    /* INT64_MAX * 10^6 needs 128 bits before dividing back */
    assert_int_equal(dw_money_muldiv(INT64_MAX, 1000000, 1000000, &v), DW_OK);
    assert_int_equal(v, INT64_MAX);
}

static void refuses_zero_divisor_and_overflow(void **state)
{
    int64_t v;

    (void)state;
    assert_int_equal(dw_money_muldiv(1, 1, 0, &v), DW_ERR_RANGE);
    assert_int_equal(dw_money_muldiv(INT64_MAX, 2, 1, &v), DW_ERR_RANGE);
    assert_int_equal(dw_money_muldiv(INT64_MIN, 1, 1, &v), DW_ERR_RANGE);
}

static void parses_generic_decimals_with_exponents(void **state)
{
    int64_t v;

    (void)state;
    /* 1.5e3 at shift 0 = 1500; 15e-1 at shift 2 = 150 */
    assert_int_equal(dw_decimal_parse("1.5e3", 0, DW_ROUND_EXACT, true, &v),
                     DW_OK);
    assert_int_equal(v, 1500);
    assert_int_equal(dw_decimal_parse("15e-1", 2, DW_ROUND_EXACT, true, &v),
                     DW_OK);
    assert_int_equal(v, 150);
    /* 1.25 at shift 1: 12.5 -> truncated 12, half away 13, exact fails */
    assert_int_equal(dw_decimal_parse("1.25", 1, DW_ROUND_TRUNC, false, &v),
                     DW_OK);
    assert_int_equal(v, 12);
    assert_int_equal(
        dw_decimal_parse("-1.25", 1, DW_ROUND_HALF_AWAY, false, &v), DW_OK);
    assert_int_equal(v, -13);
    assert_int_equal(dw_decimal_parse("1.25", 1, DW_ROUND_EXACT, false, &v),
                     DW_ERR_PARSE);
    /* 0e99999 is zero however large the exponent */
    assert_int_equal(dw_decimal_parse("0e99999", 6, DW_ROUND_EXACT, true, &v),
                     DW_OK);
    assert_int_equal(v, 0);
    assert_int_equal(dw_decimal_parse("1e", 6, DW_ROUND_EXACT, true, &v),
                     DW_ERR_PARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_plain_decimals_into_micro_units),
        cmocka_unit_test(accepts_extra_fraction_digits_when_all_zero),
        cmocka_unit_test(rejects_seven_fraction_digits),
        cmocka_unit_test(rejects_garbage),
        cmocka_unit_test(rejects_amounts_beyond_int64_micro_units),
        cmocka_unit_test(converts_minor_units_by_currency_digits),
        cmocka_unit_test(refuses_unknown_currency_and_overflow_for_minor_units),
        cmocka_unit_test(recovers_the_decimal_behind_a_json_real),
        cmocka_unit_test(rounds_json_reals_half_away_from_zero),
        cmocka_unit_test(refuses_non_finite_and_huge_json_reals),
        cmocka_unit_test(formats_with_half_away_rounding),
        cmocka_unit_test(knows_iso_4217_codes_and_their_digits),
        cmocka_unit_test(multiplies_and_divides_with_rounding),
        cmocka_unit_test(refuses_zero_divisor_and_overflow),
        cmocka_unit_test(parses_generic_decimals_with_exponents),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
