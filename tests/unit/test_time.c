/* tests/unit/test_time.c — ISO 8601 and epoch parsing, civil dates, weeks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "dwtime.h"

/*
 * Reference instant used below: 1735442939 s = 20086 days * 86400
 * (= 1735430400) + 12539 s (= 3 h 28 min 59 s); day 20086 is 2024-12-29
 * because 2025-01-01 is day 20089 (1735689600 / 86400).
 */
#define REF_US 1735442939457000LL

static int64_t iso_ok(const char *s, bool naive)
{
    struct dw_error err = {0};
    int64_t v = 0;

    if (dw_time_parse_iso(s, naive, &v, &err) != DW_OK)
        fail_msg("'%s' should parse: %s", s, err.msg);
    return v;
}

static void iso_fails(const char *s, bool naive)
{
    struct dw_error err = {0};
    int64_t v = 99;

    if (dw_time_parse_iso(s, naive, &v, &err) != DW_ERR_PARSE)
        fail_msg("'%s' should not parse", s);
    assert_int_equal(v, 99);
    assert_int_equal(err.code, DW_ERR_PARSE);
    assert_true(err.msg[0] != '\0');
}

static void parses_utc_and_offsets_to_the_same_instant(void **state)
{
    (void)state;
    assert_int_equal(iso_ok("2024-12-29T03:28:59.457Z", false), REF_US);
    assert_int_equal(iso_ok("2024-12-29t03:28:59.457z", false), REF_US);
    /* 05:28:59 at +02:00 is 03:28:59 UTC */
    assert_int_equal(iso_ok("2024-12-29T05:28:59.457+02:00", false), REF_US);
    /* 22:58:59 at -04:30 is 22:58:59 + 4:30 = 27:28:59, i.e. next day */
    assert_int_equal(iso_ok("2024-12-28T22:58:59.457-0430", false), REF_US);
    /* a space may stand for T */
    assert_int_equal(iso_ok("2024-12-29 03:28:59.457+00:00", false), REF_US);
}

static void treats_a_date_alone_as_midnight_utc(void **state)
{
    (void)state;
    /* 2025-01-01 = day 20089 = 1735689600 s */
    assert_int_equal(iso_ok("2025-01-01", false), 1735689600LL * DW_USEC);
    assert_int_equal(iso_ok("1970-01-01", false), 0);
}

static void accepts_naive_times_only_when_told_they_are_utc(void **state)
{
    struct dw_error err = {0};
    int64_t v;

    (void)state;
    assert_int_equal(iso_ok("2024-12-29T03:28:59.457", true), REF_US);
    assert_int_equal(dw_time_parse_iso("2024-12-29T03:28:59", false, &v, &err),
                     DW_ERR_PARSE);
    assert_non_null(strstr(err.msg, "time zone"));
}

static void parses_fractions_of_one_to_nine_digits(void **state)
{
    (void)state;
    assert_int_equal(iso_ok("1970-01-01T00:00:00.1Z", false), 100000);
    assert_int_equal(iso_ok("1970-01-01T00:00:00.12Z", false), 120000);
    assert_int_equal(iso_ok("1970-01-01T00:00:00.123Z", false), 123000);
    assert_int_equal(iso_ok("1970-01-01T00:00:00.1234Z", false), 123400);
    assert_int_equal(iso_ok("1970-01-01T00:00:00.12345Z", false), 123450);
    assert_int_equal(iso_ok("1970-01-01T00:00:00.123456Z", false), 123456);
    /* beyond microseconds the digits are truncated */
    assert_int_equal(iso_ok("1970-01-01T00:00:00.1234567Z", false), 123456);
    assert_int_equal(iso_ok("1970-01-01T00:00:00.12345678Z", false), 123456);
    assert_int_equal(iso_ok("1970-01-01T00:00:00.123456789Z", false), 123456);
    assert_int_equal(iso_ok("1970-01-01T00:00:00,5Z", false), 500000);
    iso_fails("1970-01-01T00:00:00.1234567890Z", false); /* 10 digits */
    iso_fails("1970-01-01T00:00:00.Z", false);           /* no digit */
}

static void validates_calendar_dates_and_leap_years(void **state)
{
    (void)state;
    iso_fails("2025-02-30T00:00:00Z", false);
    iso_fails("2025-02-29T00:00:00Z", false); /* 2025 is not a leap year */
    iso_fails("1900-02-29T00:00:00Z", false); /* divisible by 100 */
    iso_fails("2024-04-31T00:00:00Z", false);
    iso_fails("2024-13-01T00:00:00Z", false);
    iso_fails("2024-00-10T00:00:00Z", false);
    iso_fails("2024-01-00T00:00:00Z", false);
    iso_fails("0000-01-01T00:00:00Z", false);
    /* 2024-01-01 = day 19723; + 31 (Jan) + 28 = day 19782 = 1709164800 s */
    assert_int_equal(iso_ok("2024-02-29T00:00:00Z", false),
                     1709164800LL * DW_USEC);
    /* 2000 is a leap year (divisible by 400): 2000-03-01 (951868800) - 1 d */
    assert_int_equal(iso_ok("2000-02-29T00:00:00Z", false),
                     951782400LL * DW_USEC);
}

static void validates_clock_ranges(void **state)
{
    (void)state;
    /* 24:00:00 ends the day: 2024-12-31T24:00 = 2025-01-01T00:00 */
    assert_int_equal(iso_ok("2024-12-31T24:00:00Z", false),
                     1735689600LL * DW_USEC);
    iso_fails("2024-12-31T24:00:01Z", false);
    iso_fails("2024-12-31T24:00:00.5Z", false);
    iso_fails("2024-12-31T25:00:00Z", false);
    iso_fails("2024-12-31T10:60:00Z", false);
    iso_fails("2024-12-31T10:00:61Z", false);
    /* a leap second rolls into the next second, as in PostgreSQL */
    assert_int_equal(iso_ok("2016-12-31T23:59:60Z", false),
                     iso_ok("2017-01-01T00:00:00Z", false));
}

static void rejects_impossible_zone_offsets(void **state)
{
    (void)state;
    iso_fails("2024-12-29T03:28:59+25:00", false);
    iso_fails("2024-12-29T03:28:59+24:00", false);
    iso_fails("2024-12-29T03:28:59+05:60", false);
    iso_fails("2024-12-29T03:28:59+05", false);
    iso_fails("2024-12-29T03:28:59+5:00", false);
}

static void rejects_malformed_timestamps(void **state)
{
    static const char *const bad[] = {
        "",
        "2024",
        "2024-1-01",
        "24-01-01",
        "2024/01/01",
        "2024-01-01T",
        "2024-01-01T10:00Z",
        "2024-01-01T10:00:00Zjunk",
        "2024-01-01T10:00:00 Z",
        "2024-01-01X10:00:00Z",
        " 2024-01-01T10:00:00Z",
        "2024-01-01T1:00:00Z",
        "1735442939",
        "2024-01-01T10:00:00+01:00:00",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        iso_fails(bad[i], false);
        iso_fails(bad[i], true);
    }
    assert_int_equal(dw_time_parse_iso(NULL, true, &(int64_t){0}, NULL),
                     DW_ERR_PARSE);
}

static int64_t epoch_ok(const char *s)
{
    struct dw_error err = {0};
    int64_t v = 0;

    if (dw_time_parse_epoch(s, &v, &err) != DW_OK)
        fail_msg("'%s' should parse: %s", s, err.msg);
    return v;
}

static void parses_epoch_seconds_exactly(void **state)
{
    (void)state;
    assert_int_equal(epoch_ok("1700000000"), 1700000000000000LL);
    assert_int_equal(epoch_ok("1700000745.5"), 1700000745500000LL);
    /* 1.735442939457 * 10^9 s = 1735442939.457 s, exactly, no double */
    assert_int_equal(epoch_ok("1.735442939457E9"), REF_US);
    assert_int_equal(epoch_ok("1.735442939457e+9"), REF_US);
    /* negative exponent: 1735442939457 ms * 10^-3 */
    assert_int_equal(epoch_ok("1735442939457e-3"), REF_US);
    assert_int_equal(epoch_ok("-1.5"), -1500000);
    assert_int_equal(epoch_ok("0"), 0);
    /* below a microsecond: truncated toward zero */
    assert_int_equal(epoch_ok("1e-7"), 0);
    assert_int_equal(epoch_ok("0.0000019"), 1);
}

static void rejects_bad_epoch_text(void **state)
{
    static const char *const bad[] = {"",   "abc", "1e",   "1.2.3", " 1",
                                      "1 ", "1,5", "e5",   "0x10",  "-",
                                      ".",  "1e+", "1e5x", "inf",   "NaN"};
    struct dw_error err = {0};
    int64_t v;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (dw_time_parse_epoch(bad[i], &v, NULL) != DW_ERR_PARSE)
            fail_msg("'%s' should not parse", bad[i]);
    /* 10^400 s is far beyond int64 microseconds */
    assert_int_equal(dw_time_parse_epoch("1e400", &v, &err), DW_ERR_RANGE);
    assert_non_null(strstr(err.msg, "1e400"));
    assert_int_equal(dw_time_parse_epoch("-1e400", &v, NULL), DW_ERR_RANGE);
    /* 1e-400 is just zero */
    assert_int_equal(dw_time_parse_epoch("1e-400", &v, NULL), DW_OK);
    assert_int_equal(v, 0);
}

static void rounds_json_epoch_reals_to_the_microsecond(void **state)
{
    int64_t v;

    (void)state;
    /* the double nearest 1735442939.457 is ...456999897...: rounds to .457 */
    assert_int_equal(dw_time_from_epoch_real(1735442939.457, &v, NULL), DW_OK);
    assert_int_equal(v, REF_US);
    assert_int_equal(dw_time_from_epoch_real(1700000745.5, &v, NULL), DW_OK);
    assert_int_equal(v, 1700000745500000LL);
    assert_int_equal(dw_time_from_epoch_real(-0.25, &v, NULL), DW_OK);
    assert_int_equal(v, -250000);
    assert_int_equal(dw_time_from_epoch_real(NAN, &v, NULL), DW_ERR_RANGE);
    assert_int_equal(dw_time_from_epoch_real(1e300, &v, NULL), DW_ERR_RANGE);
}

static void formats_iso_with_fraction_only_when_needed(void **state)
{
    char out[DW_TIME_ISO_MAX];

    (void)state;
    assert_string_equal(dw_time_format_iso(REF_US, out),
                        "2024-12-29T03:28:59.457000Z");
    assert_string_equal(dw_time_format_iso(0, out), "1970-01-01T00:00:00Z");
    /* one microsecond before the epoch */
    assert_string_equal(dw_time_format_iso(-1, out),
                        "1969-12-31T23:59:59.999999Z");
    assert_string_equal(dw_time_format_iso(1735689600LL * DW_USEC, out),
                        "2025-01-01T00:00:00Z");
    /* and back */
    assert_int_equal(iso_ok(dw_time_format_iso(REF_US + 1, out), false),
                     REF_US + 1);
}

static void converts_civil_dates_both_ways(void **state)
{
    int64_t y;
    unsigned m, d;

    (void)state;
    assert_int_equal(dw_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(dw_days_from_civil(1969, 12, 31), -1);
    /* 951868800 s / 86400 = 11017 */
    assert_int_equal(dw_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(dw_days_from_civil(2025, 1, 1), 20089);
    dw_civil_from_days(-1, &y, &m, &d);
    assert_true(y == 1969 && m == 12 && d == 31);
    dw_civil_from_days(20086, &y, &m, &d);
    assert_true(y == 2024 && m == 12 && d == 29);
    /* every day from 1600 to 2400 survives the round trip */
    for (int64_t day = dw_days_from_civil(1600, 1, 1);
         day < dw_days_from_civil(2400, 1, 1); day++) {
        dw_civil_from_days(day, &y, &m, &d);
        if (dw_days_from_civil(y, m, d) != day)
            fail_msg("day %lld does not round-trip", (long long)day);
    }
}

static void check_week(int64_t y, unsigned m, unsigned d, int wy, int ww,
                       int64_t my, unsigned mm, unsigned md)
{
    int iso_year, iso_week;
    int64_t monday;

    dw_iso_week(dw_days_from_civil(y, m, d), &iso_year, &iso_week, &monday);
    assert_int_equal(iso_year, wy);
    assert_int_equal(iso_week, ww);
    assert_int_equal(monday, dw_days_from_civil(my, mm, md));
}

static void numbers_iso_weeks_across_year_ends(void **state)
{
    (void)state;
    /* Monday 2024-12-30 opens 2025-W01 (its Thursday is 2025-01-02) */
    check_week(2024, 12, 30, 2025, 1, 2024, 12, 30);
    /* Sunday 2024-12-29 closes 2024-W52 */
    check_week(2024, 12, 29, 2024, 52, 2024, 12, 23);
    /* 2020 began on a Wednesday in a leap year: 53 weeks; Sun 2021-01-03 */
    check_week(2021, 1, 3, 2020, 53, 2020, 12, 28);
    /* 2026 begins on a Thursday: W01 starts Monday 2025-12-29 */
    check_week(2026, 1, 1, 2026, 1, 2025, 12, 29);
    /* and has 53 weeks: Friday 2027-01-01 is 2026-W53 */
    check_week(2027, 1, 1, 2026, 53, 2026, 12, 28);
    /* Thursday 1970-01-01 is 1970-W01 */
    check_week(1970, 1, 1, 1970, 1, 1969, 12, 29);
}

static void tells_the_current_time(void **state)
{
    (void)state;
    /* after 2024-01-01 and before 2100-01-01 */
    assert_true(dw_time_now() > 1704067200LL * DW_USEC);
    assert_true(dw_time_now() < 4102444800LL * DW_USEC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_utc_and_offsets_to_the_same_instant),
        cmocka_unit_test(treats_a_date_alone_as_midnight_utc),
        cmocka_unit_test(accepts_naive_times_only_when_told_they_are_utc),
        cmocka_unit_test(parses_fractions_of_one_to_nine_digits),
        cmocka_unit_test(validates_calendar_dates_and_leap_years),
        cmocka_unit_test(validates_clock_ranges),
        cmocka_unit_test(rejects_impossible_zone_offsets),
        cmocka_unit_test(rejects_malformed_timestamps),
        cmocka_unit_test(parses_epoch_seconds_exactly),
        cmocka_unit_test(rejects_bad_epoch_text),
        cmocka_unit_test(rounds_json_epoch_reals_to_the_microsecond),
        cmocka_unit_test(formats_iso_with_fraction_only_when_needed),
        cmocka_unit_test(converts_civil_dates_both_ways),
        cmocka_unit_test(numbers_iso_weeks_across_year_ends),
        cmocka_unit_test(tells_the_current_time),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
