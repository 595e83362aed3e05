/* tests/unit/test_import_parse.c — CSV parsing and checks of import-wages
 * and import-fx (pure: buffers in, rows and errors out, no database). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvdoc.h"
#include "import_fx.h"
#include "import_wages.h"

#define HEADER DW_WAGES_HEADER "\n"

static void wages(const char *text, struct dw_wage_set *set)
{
    struct dw_error err = {0};

    assert_int_equal(dw_wages_parse(text, strlen(text), set, &err), DW_OK);
}

static void fx(const char *text, struct dw_fx_set *set)
{
    struct dw_error err = {0};

    assert_int_equal(dw_fx_parse(text, strlen(text), set, &err), DW_OK);
}

/* Asserts error i is on line `line` and its message contains `part`. */
static void assert_error(const struct dw_import_errors *e, size_t i,
                         size_t line, const char *part)
{
    assert_true(i < e->n);
    if (e->v[i].line != line || strstr(e->v[i].msg, part) == NULL)
        fail_msg("error %zu is '%zu: %s', wanted line %zu with '%s'", i,
                 e->v[i].line, e->v[i].msg, line, part);
}

static void date_check_knows_leap_years_and_month_lengths(void **state)
{
    char out[11];

    (void)state;
    assert_true(dw_iso_date_valid("2024-02-29", out));
    assert_string_equal(out, "2024-02-29");
    assert_false(dw_iso_date_valid("2026-02-29", out));
    assert_false(dw_iso_date_valid("2026-02-30", out));
    assert_false(dw_iso_date_valid("2026-04-31", out));
    assert_false(dw_iso_date_valid("2026-13-01", out));
    assert_false(dw_iso_date_valid("2026-1-01", out));
    assert_false(dw_iso_date_valid("2026-01-01T00:00:00Z", out));
    assert_true(dw_iso_date_valid("2000-02-29", out)); /* 400-year rule */
    assert_false(dw_iso_date_valid("1900-02-29", out));
}

static void csv_records_carry_the_line_they_start_on(void **state)
{
    /* Line 2's quoted field runs over lines 2-3; a blank line 4 is
       skipped; CRLF ends lines 5-6. */
    const char text[] = "a,b\n"
                        "\"x\ny\",2\n"
                        "\n"
                        "c,\"d,\"\"e\"\"\"\r\n"
                        "  f , g \r\n";
    struct dw_csvdoc doc;
    struct dw_error err = {0};

    (void)state;
    assert_int_equal(dw_csvdoc_parse(text, strlen(text), &doc, &err), DW_OK);
    assert_int_equal(doc.n, 4);
    assert_int_equal(doc.records[1].line, 2);
    assert_string_equal(doc.records[1].fields[0], "x\ny");
    assert_int_equal(doc.records[2].line, 5);
    assert_string_equal(doc.records[2].fields[1], "d,\"e\"");
    assert_int_equal(doc.records[3].line, 6);
    assert_string_equal(doc.records[3].fields[0], "f"); /* trimmed */
    assert_string_equal(doc.records[3].fields[1], "g");
    dw_csvdoc_release(&doc);
}

static void csv_with_an_unclosed_quote_fails_with_its_line(void **state)
{
    const char text[] = "a,b\n1,2\n3,\"open\n4,5\n";
    struct dw_csvdoc doc;
    struct dw_error err = {0};

    (void)state;
    assert_int_equal(dw_csvdoc_parse(text, strlen(text), &doc, &err),
                     DW_ERR_PARSE);
    assert_non_null(strstr(err.msg, "3:"));
    assert_int_equal(doc.n, 0);
}

static void wages_clean_file_gives_every_row(void **state)
{
    const char text[] =
        HEADER "DE,,minimum,13.90,EUR,hour,1,2031-01-01,\"Law, 2030\",\n"
               "FR,,minimum,1850.25,EUR,month,151.67,2031-01-01,Decree,"
               "\"monthly, gross\"\n"
               "GB,London,living,14.80,GBP,hour,1,2031-10-20,LWF,"
               "\"with \"\"quotes\"\"\"\n";
    struct dw_wage_set s;

    (void)state;
    wages(text, &s);
    assert_int_equal(dw_import_errors_count(&s.errors), 0);
    assert_int_equal(s.read, 3);
    assert_int_equal(s.n, 3);
    /* 13.90 EUR = 13,900,000 micro-units; 1850.25 = 1,850,250,000. */
    assert_int_equal(s.rows[0].amount_micros, 13900000);
    assert_int_equal(s.rows[1].amount_micros, 1850250000);
    assert_string_equal(s.rows[0].source, "Law, 2030");
    assert_string_equal(s.rows[0].region, "");
    assert_null(s.rows[0].note);
    assert_string_equal(s.rows[1].hours_basis, "151.67");
    assert_string_equal(s.rows[1].per, "month");
    assert_string_equal(s.rows[1].note, "monthly, gross");
    assert_string_equal(s.rows[2].region, "London");
    assert_string_equal(s.rows[2].note, "with \"quotes\"");
    assert_string_equal(s.rows[2].valid_from, "2031-10-20");
    assert_int_equal(s.rows[2].line, 4);
    dw_wage_set_release(&s);
}

static void wages_columns_may_come_in_any_order(void **state)
{
    const char text[] =
        "note,source,valid_from,hours_basis,per,currency,amount,kind,region,"
        "country\n"
        ",ILO,2031-01-01,8,day,INR,178,minimum,,IN\n";
    struct dw_wage_set s;

    (void)state;
    wages(text, &s);
    assert_int_equal(dw_import_errors_count(&s.errors), 0);
    assert_string_equal(s.rows[0].country, "IN");
    assert_int_equal(s.rows[0].amount_micros, 178000000);
    assert_string_equal(s.rows[0].hours_basis, "8");
    dw_wage_set_release(&s);
}

static void wages_bad_rows_are_all_reported_with_their_lines(void **state)
{
    const char text[] =
        HEADER "de,,minimum,13.90,EUR,hour,1,2031-01-01,src,\n"    /* 2 */
               "DE,,minimum,13.90,EUX,hour,1,2031-01-01,src,\n"    /* 3 */
               "DE,,minimum,-3.25,EUR,hour,1,2031-01-01,src,\n"    /* 4 */
               "DE,,minimum,\"12,5\",EUR,hour,1,2031-01-01,src,\n" /* 5 */
               "DE,,minimum,12,5,EUR,hour,1,2031-01-01,src,\n"     /* 6 */
               "DE,,minimum,13.90,EUR,hour,1,2026-02-30,src,\n"    /* 7 */
               "DE,,minimum,13.90,EUR,hour,1,2031-01-01,src\n"     /* 8 */
               "DE,,legal,0,EUR,year,0,2031-01-01,,\n"             /* 9 */
               "DE,,minimum,1,EUR,hour,1,2030-01-01,src,\n";       /* 10 */
    struct dw_wage_set s;
    const struct dw_import_errors *e = &s.errors;

    (void)state;
    wages(text, &s);
    assert_int_equal(s.read, 9);
    assert_int_equal(s.n, 1); /* only line 10 is good */
    assert_error(e, 0, 2, "country 'de'");
    assert_error(e, 1, 3, "unknown currency 'EUX'");
    assert_error(e, 2, 4, "amount '-3.25' must be above 0");
    assert_error(e, 3, 5, "amount '12,5' is not a plain decimal");
    assert_error(e, 4, 6, "11 fields, the header has 10");
    assert_error(e, 5, 7, "valid_from '2026-02-30' is not a real date");
    assert_error(e, 6, 8, "9 fields, the header has 10");
    /* Line 9: kind, amount, per, hours_basis and source, in that order. */
    assert_error(e, 7, 9, "kind 'legal'");
    assert_error(e, 8, 9, "amount '0' must be above 0");
    assert_error(e, 9, 9, "per 'year'");
    assert_error(e, 10, 9, "hours_basis '0'");
    assert_error(e, 11, 9, "source is empty");
    assert_int_equal(dw_import_errors_count(e), 12);
    dw_wage_set_release(&s);
}

static void wages_missing_or_unknown_column_is_a_header_error(void **state)
{
    const char missing[] =
        "country,region,kind,amount,currency,per,hours_basis,valid_from,"
        "source\nDE,,minimum,13.90,EUR,hour,1,2031-01-01,src\n";
    const char unknown[] = HEADER "\n"; /* header only: fine */
    const char typo[] =
        "country,region,kind,amount,currency,per,hours,valid_from,source,"
        "note\n";
    struct dw_wage_set s;

    (void)state;
    wages(missing, &s);
    assert_int_equal(dw_import_errors_count(&s.errors), 1);
    assert_error(&s.errors, 0, 1, "missing column 'note'");
    dw_wage_set_release(&s);

    wages(unknown, &s);
    assert_int_equal(dw_import_errors_count(&s.errors), 0);
    assert_int_equal(s.read, 0);
    dw_wage_set_release(&s);

    wages(typo, &s);
    assert_int_equal(dw_import_errors_count(&s.errors), 2);
    assert_error(&s.errors, 0, 1, "unknown column 'hours'");
    assert_error(&s.errors, 1, 1, "missing column 'hours_basis'");
    dw_wage_set_release(&s);

    wages("", &s);
    assert_error(&s.errors, 0, 0, "empty file");
    dw_wage_set_release(&s);
}

static void wages_key_given_twice_is_an_error_at_the_later_line(void **state)
{
    const char text[] = HEADER "DE,,minimum,13.90,EUR,hour,1,2031-01-01,a,\n"
                               "DE,,living,15.00,EUR,hour,1,2031-01-01,a,\n"
                               "DE,,minimum,13.95,EUR,hour,1,2031-01-01,b,\n";
    struct dw_wage_set s;

    (void)state;
    wages(text, &s);
    assert_int_equal(dw_import_errors_count(&s.errors), 1);
    assert_error(&s.errors, 0, 4, "already given on line 2");
    dw_wage_set_release(&s);
}

static void fx_layout_is_detected_from_the_header(void **state)
{
    char *h1[] = {"Date", "USD", "JPY", ""};
    char *h2[] = {"KEY",         "FREQ",     "CURRENCY", "CURRENCY_DENOM",
                  "TIME_PERIOD", "OBS_VALUE"};
    char *h3[] = {"day", "rate"};
    struct dw_csv_record r1 = {1, 4, h1}, r2 = {1, 6, h2}, r3 = {1, 2, h3};

    (void)state;
    assert_int_equal(dw_fx_detect(&r1), DW_FX_EUROFXREF);
    assert_int_equal(dw_fx_detect(&r2), DW_FX_SDMX);
    assert_int_equal(dw_fx_detect(&r3), DW_FX_UNKNOWN);
    assert_string_equal(dw_fx_layout_name(DW_FX_SDMX), "sdmx");
}

static void fx_history_skips_na_cells_and_the_trailing_comma(void **state)
{
    const char text[] = "Date,USD,JPY,CYP,GBP,\n"
                        "2026-11-20,1.0552,162.01,N/A,0.83405,\n"
                        "2026-11-19,1.0596,N/A,N/A,0.8363,\n"
                        "2007-12-31,1.4721,164.93,0.585274,0.73335,\n";
    struct dw_fx_set s;

    (void)state;
    fx(text, &s);
    assert_int_equal(dw_import_errors_count(&s.errors), 0);
    assert_int_equal(s.layout, DW_FX_EUROFXREF);
    /* 3 + 2 + 3 known rates; N/A: JPY and CYP twice = 3; CYP 2007 is a
       withdrawn currency: 1. */
    assert_int_equal(s.n, 8);
    assert_int_equal(s.missing, 3);
    assert_int_equal(s.withdrawn, 1);
    assert_string_equal(s.rows[0].quote, "USD");
    assert_string_equal(s.rows[0].date, "2026-11-20");
    assert_string_equal(s.rows[0].rate, "1.0552");
    /* 1.0552 * 10^10 = 10,552,000,000: exact, no double. */
    assert_int_equal(s.rows[0].rate_e10, 10552000000LL);
    assert_string_equal(s.rows[2].quote, "GBP");
    assert_int_equal(s.rows[2].line, 2);
    assert_string_equal(s.rows[4].rate, "0.8363");
    assert_string_equal(s.first, "2007-12-31");
    assert_string_equal(s.last, "2026-11-20");
    dw_fx_set_release(&s);
}

static void fx_daily_file_with_spaces_and_a_spelled_date(void **state)
{
    const char text[] = "Date, USD, JPY, BGN, \r\n"
                        "20 November 2026, 1.0552, 162.01, 1.9558, \r\n";
    struct dw_fx_set s;

    (void)state;
    fx(text, &s);
    assert_int_equal(dw_import_errors_count(&s.errors), 0);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.rows[1].quote, "JPY");
    assert_string_equal(s.rows[1].date, "2026-11-20");
    assert_string_equal(s.rows[1].rate, "162.01");
    dw_fx_set_release(&s);
}

static void fx_bad_values_are_all_reported(void **state)
{
    const char text[] = "Date,USD,XXY,GBP,JPY\n"                 /* 1: XXY */
                        "2026-11-20,\"1,05\",1,0.8,160\n"        /* 2 */
                        "2026-02-30,1.05,1,0.8,160\n"            /* 3 */
                        "2026-11-18,-1.05,1,0.8,0.12345678901\n" /* 4 */
                        "2026-11-17,1.05,1,0.8\n"                /* 5 */
                        "2026-11-16,1.05,1,0,99999999999\n";     /* 6 */
    struct dw_fx_set s;
    const struct dw_import_errors *e = &s.errors;

    (void)state;
    fx(text, &s);
    assert_error(e, 0, 1, "unknown currency 'XXY'");
    assert_error(e, 1, 2, "USD: rate '1,05' is not a plain decimal");
    assert_error(e, 2, 3, "date '2026-02-30' is not a real date");
    assert_error(e, 3, 4, "USD: rate '-1.05' must be above 0");
    assert_error(e, 4, 4, "JPY: rate '0.12345678901' is not a plain");
    assert_error(e, 5, 5, "4 fields, the header has 4 currencies");
    assert_error(e, 6, 6, "GBP: rate '0' must be above 0");
    assert_error(e, 7, 6, "JPY: rate '99999999999' is too large");
    assert_int_equal(dw_import_errors_count(e), 8);
    dw_fx_set_release(&s);
}

static void fx_repeated_date_is_reported_once_per_line(void **state)
{
    const char text[] = "Date,USD,GBP\n"
                        "2026-11-20,1.0552,0.83405\n"
                        "2026-11-19,1.0596,0.8363\n"
                        "2026-11-20,1.0552,0.83405\n";
    struct dw_fx_set s;

    (void)state;
    fx(text, &s);
    assert_int_equal(dw_import_errors_count(&s.errors), 1);
    assert_error(&s.errors, 0, 4,
                 "rates for USD (and 1 more) on 2026-11-20 are already given "
                 "on line 2");
    dw_fx_set_release(&s);
}

static void fx_sdmx_rows_need_eur_daily_spot(void **state)
{
    const char good[] =
        "KEY,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,TIME_PERIOD,"
        "OBS_VALUE,TITLE\n"
        "EXR.D.INR.EUR.SP00.A,D,INR,EUR,SP00,A,2026-11-20,89.0561,\"a, b\"\n"
        "EXR.D.INR.EUR.SP00.A,D,INR,EUR,SP00,A,2026-11-21,,\"a, b\"\n";
    const char bad[] =
        "FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,TIME_PERIOD,OBS_VALUE\n"
        "D,INR,USD,SP00,2026-11-20,89.0561\n" /* 2: denominator */
        "M,INR,EUR,SP00,2026-11,89.0561\n"    /* 3: monthly */
        "D,INR,EUR,EN00,2026-11-20,89.0561\n" /* 4: end of period */
        "D,QQQ,EUR,SP00,2026-11-20,1\n";      /* 5: currency */
    struct dw_fx_set s;
    const struct dw_import_errors *e = &s.errors;

    (void)state;
    fx(good, &s);
    assert_int_equal(dw_import_errors_count(e), 0);
    assert_int_equal(s.layout, DW_FX_SDMX);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.missing, 1);
    assert_string_equal(s.rows[0].quote, "INR");
    assert_string_equal(s.rows[0].rate, "89.0561");
    dw_fx_set_release(&s);

    fx(bad, &s);
    assert_error(e, 0, 2, "CURRENCY_DENOM 'USD' is not EUR");
    assert_error(e, 1, 3, "FREQ 'M' is not D");
    assert_error(e, 2, 3, "TIME_PERIOD '2026-11' is not a real date");
    assert_error(e, 3, 4, "EXR_TYPE 'EN00' is not SP00");
    assert_error(e, 4, 5, "unknown currency 'QQQ'");
    assert_int_equal(s.n, 0);
    dw_fx_set_release(&s);
}

static void fx_unknown_layout_is_one_error_on_line_1(void **state)
{
    struct dw_fx_set s;

    (void)state;
    fx("day,rate\n2026-11-20,1.05\n", &s);
    assert_int_equal(dw_import_errors_count(&s.errors), 1);
    assert_error(&s.errors, 0, 1, "unknown layout");
    dw_fx_set_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(date_check_knows_leap_years_and_month_lengths),
        cmocka_unit_test(csv_records_carry_the_line_they_start_on),
        cmocka_unit_test(csv_with_an_unclosed_quote_fails_with_its_line),
        cmocka_unit_test(wages_clean_file_gives_every_row),
        cmocka_unit_test(wages_columns_may_come_in_any_order),
        cmocka_unit_test(wages_bad_rows_are_all_reported_with_their_lines),
        cmocka_unit_test(wages_missing_or_unknown_column_is_a_header_error),
        cmocka_unit_test(wages_key_given_twice_is_an_error_at_the_later_line),
        cmocka_unit_test(fx_layout_is_detected_from_the_header),
        cmocka_unit_test(fx_history_skips_na_cells_and_the_trailing_comma),
        cmocka_unit_test(fx_daily_file_with_spaces_and_a_spelled_date),
        cmocka_unit_test(fx_bad_values_are_all_reported),
        cmocka_unit_test(fx_repeated_date_is_reported_once_per_line),
        cmocka_unit_test(fx_sdmx_rows_need_eur_daily_spot),
        cmocka_unit_test(fx_unknown_layout_is_one_error_on_line_1),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
