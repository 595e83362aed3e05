/* tests/unit/test_tz.c — TZif zones: offsets, DST, footer rules, bad files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "dwtime.h"
#include "tz.h"

/* Seconds of y-m-d hh:mm:ss UTC. */
static int64_t at(int y, unsigned m, unsigned d, int hh, int mm, int ss)
{
    return dw_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
}

static struct dw_zone *zone(struct dw_tzdb *db, const char *name)
{
    struct dw_zone *z = NULL;
    struct dw_error err = {0};
    assert_int_equal(dw_tzdb_get(db, name, &z, &err), DW_OK);
    assert_non_null(z);
    return z;
}

static void berlin_switches_to_summer_time_at_one_utc_on_march_29(void **state)
{
    /* EU rule: DST starts on the last Sunday of March at 01:00 UTC; in
     * 2026 that is Sunday 29 March. 02:00 CET (+1) jumps to 03:00 CEST
     * (+2): 00:59:59Z is +3600, 01:00:00Z is +7200. */
    struct dw_tzdb *db = dw_tzdb_new(NULL);
    struct dw_zone *z = zone(db, "Europe/Berlin");
    (void)state;
    assert_int_equal(dw_zone_offset(z, at(2026, 3, 29, 0, 59, 59)), 3600);
    assert_int_equal(dw_zone_offset(z, at(2026, 3, 29, 1, 0, 0)), 7200);
    /* Back on the last Sunday of October, 25 Oct 2026, 01:00 UTC. */
    assert_int_equal(dw_zone_offset(z, at(2026, 10, 25, 0, 59, 59)), 7200);
    assert_int_equal(dw_zone_offset(z, at(2026, 10, 25, 1, 0, 0)), 3600);
    dw_tzdb_free(db);
}

static void berlin_far_future_follows_the_footer_rule(void **state)
{
    /* 2100 lies past any stored transition: the footer
     * CET-1CEST,M3.5.0,M10.5.0/3 decides. The last Sunday of March 2100
     * is the 28th (1 March 2100 is a Monday; 28 = 1 + 27, a Sunday), so
     * 28 March 2100 00:59:59Z is +1 h and 01:00Z is +2 h. */
    struct dw_tzdb *db = dw_tzdb_new(NULL);
    struct dw_zone *z = zone(db, "Europe/Berlin");
    (void)state;
    assert_int_equal(dw_zone_offset(z, at(2100, 3, 28, 0, 59, 59)), 3600);
    assert_int_equal(dw_zone_offset(z, at(2100, 3, 28, 1, 0, 0)), 7200);
    assert_int_equal(dw_zone_offset(z, at(2100, 12, 24, 12, 0, 0)), 3600);
    dw_tzdb_free(db);
}

static void manila_is_eight_hours_ahead_all_year(void **state)
{
    /* PHT = UTC+8, no DST: 2026-11-23 20:00Z is 24 Nov 04:00 local, a
     * different day from the UTC one. */
    struct dw_tzdb *db = dw_tzdb_new(NULL);
    struct dw_zone *z = zone(db, "Asia/Manila");
    (void)state;
    assert_int_equal(dw_zone_offset(z, at(2026, 11, 23, 20, 0, 0)), 28800);
    assert_int_equal(dw_zone_offset(z, at(2026, 6, 1, 0, 0, 0)), 28800);
    assert_int_equal(dw_zone_offset(z, at(2090, 6, 1, 0, 0, 0)), 28800);
    dw_tzdb_free(db);
}

static void sydney_has_summer_time_over_the_new_year(void **state)
{
    /* AEST-10AEDT,M10.1.0,M4.1.0/3: +11 h in January, +10 h in July,
     * also far past the stored transitions (2100). */
    struct dw_tzdb *db = dw_tzdb_new(NULL);
    struct dw_zone *z = zone(db, "Australia/Sydney");
    (void)state;
    assert_int_equal(dw_zone_offset(z, at(2026, 1, 15, 0, 0, 0)), 39600);
    assert_int_equal(dw_zone_offset(z, at(2026, 7, 15, 0, 0, 0)), 36000);
    assert_int_equal(dw_zone_offset(z, at(2100, 1, 15, 0, 0, 0)), 39600);
    assert_int_equal(dw_zone_offset(z, at(2100, 7, 15, 0, 0, 0)), 36000);
    dw_tzdb_free(db);
}

static void a_zone_is_loaded_once_and_returned_from_the_cache(void **state)
{
    struct dw_tzdb *db = dw_tzdb_new(NULL);
    struct dw_zone *a = zone(db, "Asia/Manila");
    struct dw_zone *b = zone(db, "Europe/Berlin");
    (void)state;
    assert_ptr_equal(zone(db, "Asia/Manila"), a);
    assert_ptr_equal(zone(db, "Europe/Berlin"), b);
    assert_string_equal(dw_zone_name(a), "Asia/Manila");
    dw_tzdb_free(db);
}

static void names_that_are_not_zone_names_are_refused(void **state)
{
    static const char *const bad[] = {"",
                                      "/etc/passwd",
                                      "../../etc/passwd",
                                      "Europe/../../x",
                                      "Europe Berlin",
                                      ".hidden"};
    struct dw_tzdb *db = dw_tzdb_new(NULL);
    struct dw_zone *z;
    struct dw_error err = {0};
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(dw_tzdb_get(db, bad[i], &z, &err), DW_ERR_INVALID);
        assert_null(z);
    }
    assert_non_null(strstr(err.msg, "not a time zone name"));
    dw_tzdb_free(db);
}

static void an_unknown_zone_is_not_found_twice(void **state)
{
    struct dw_tzdb *db = dw_tzdb_new(NULL);
    struct dw_zone *z;
    struct dw_error err = {0};
    (void)state;
    assert_int_equal(dw_tzdb_get(db, "Mars/Olympus_Mons", &z, &err),
                     DW_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "Mars/Olympus_Mons"));
    memset(&err, 0, sizeof err);
    assert_int_equal(dw_tzdb_get(db, "Mars/Olympus_Mons", &z, &err),
                     DW_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "Mars/Olympus_Mons"));
    dw_tzdb_free(db);
}

/* A TZif v2 image with no transitions, one type of offset off and the
 * footer text: 44-byte header + 6-byte type + 4 chars, twice, then
 * "\n" footer "\n". Returns its length. */
static size_t tzif(unsigned char *out, int32_t off, const char *footer)
{
    size_t n = 0;
    for (int part = 0; part < 2; part++) {
        memset(out + n, 0, 44);
        memcpy(out + n, "TZif2", 5);
        out[n + 39] = 1; /* typecnt */
        out[n + 43] = 4; /* charcnt */
        n += 44;
        out[n++] = (unsigned char)((uint32_t)off >> 24);
        out[n++] = (unsigned char)((uint32_t)off >> 16);
        out[n++] = (unsigned char)((uint32_t)off >> 8);
        out[n++] = (unsigned char)off;
        out[n++] = 0; /* isdst */
        out[n++] = 0; /* abbreviation index */
        memcpy(out + n, "XYZ", 4);
        n += 4;
    }
    out[n++] = '\n';
    memcpy(out + n, footer, strlen(footer));
    n += strlen(footer);
    out[n++] = '\n';
    return n;
}

static void a_footer_with_minutes_and_angle_brackets_parses(void **state)
{
    /* "<+0330>-3:30": POSIX offsets count west, so 3 h 30 min east =
     * 3 * 3600 + 30 * 60 = 12600 s. */
    unsigned char buf[256];
    size_t n = tzif(buf, 12600, "<+0330>-3:30");
    struct dw_zone *z = NULL;
    struct dw_error err = {0};
    (void)state;
    assert_int_equal(dw_zone_parse(buf, n, "Test/Tehran", &z, &err), DW_OK);
    assert_int_equal(dw_zone_offset(z, at(2026, 1, 1, 0, 0, 0)), 12600);
    dw_zone_free(z);
}

static void bad_tzif_images_are_parse_errors_with_a_reason(void **state)
{
    unsigned char buf[256];
    size_t n;
    struct dw_zone *z = NULL;
    struct dw_error err = {0};
    (void)state;

    /* A footer with a DST name but only one rule. */
    n = tzif(buf, 3600, "CET-1CEST,M3.5.0");
    assert_int_equal(dw_zone_parse(buf, n, "Bad/Footer", &z, &err),
                     DW_ERR_PARSE);
    assert_non_null(strstr(err.msg, "footer"));
    assert_null(z);

    /* Cut inside the 64-bit block. */
    n = tzif(buf, 3600, "CET-1");
    assert_int_equal(dw_zone_parse(buf, 60, "Bad/Short", &z, &err),
                     DW_ERR_PARSE);
    assert_non_null(strstr(err.msg, "truncated"));

    /* Version 1 only. */
    buf[4] = '\0';
    assert_int_equal(dw_zone_parse(buf, n, "Bad/V1", &z, &err), DW_ERR_PARSE);
    assert_non_null(strstr(err.msg, "version 1"));

    /* Not TZif at all. */
    assert_int_equal(
        dw_zone_parse((const unsigned char *)"hello", 5, "Bad/X", &z, &err),
        DW_ERR_PARSE);
    assert_non_null(strstr(err.msg, "not a TZif file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(berlin_switches_to_summer_time_at_one_utc_on_march_29),
        cmocka_unit_test(berlin_far_future_follows_the_footer_rule),
        cmocka_unit_test(manila_is_eight_hours_ahead_all_year),
        cmocka_unit_test(sydney_has_summer_time_over_the_new_year),
        cmocka_unit_test(a_zone_is_loaded_once_and_returned_from_the_cache),
        cmocka_unit_test(names_that_are_not_zone_names_are_refused),
        cmocka_unit_test(an_unknown_zone_is_not_found_twice),
        cmocka_unit_test(a_footer_with_minutes_and_angle_brackets_parses),
        cmocka_unit_test(bad_tzif_images_are_parse_errors_with_a_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
