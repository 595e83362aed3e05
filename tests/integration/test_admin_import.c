/* tests/integration/test_admin_import.c — dw-admin import-wages, import-fx. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Variables the tests must not inherit from the caller's shell. */
#define CLEAN_ENV "DW_DATABASE_URL", "DW_PSEUDONYM_KEY", "DW_LOG_FORMAT"
#define FIXTURES DW_SOURCE_DIR "/tests/fixtures/admin/"

static char db_url[1024];

/* dw-admin --database-url db_url [args...]; exit code, output in *out. */
static int admin(const char *const args[], char **out)
{
    const char *const env[] = {CLEAN_ENV, NULL};
    return h_admin(db_url, args, env, out);
}

static int import(const char *command, const char *fixture, char **out)
{
    const char *args[] = {command, fixture, NULL};
    return admin(args, out);
}

static void assert_contains(const char *out, const char *part)
{
    if (strstr(out, part) == NULL)
        fail_msg("output lacks '%s':\n%s", part, out);
}

static void assert_value(PGconn *c, const char *sql, const char *want)
{
    char *v = h_query_value(c, sql);

    if (v == NULL || strcmp(v, want) != 0) {
        fail_msg("%s: got '%s', want '%s'", sql, v ? v : "NULL", want);
    }
    free(v);
}

static int group_setup(void **state)
{
    const char *args[] = {"migrate", NULL};
    char *out = NULL;

    (void)state;
    snprintf(db_url, sizeof(db_url), "%s", h_fresh_db("admin_import"));
    if (admin(args, &out) != 0) {
        fprintf(stderr, "migrate failed:\n%s\n", out ? out : "");
        free(out);
        return -1;
    }
    free(out);
    return 0;
}

static void wages_import_once_then_find_them_all_present(void **state)
{
    PGconn *c = h_connect(db_url);
    long before = h_query_long(c, "SELECT count(*) FROM dw.wage_floor");
    char *out = NULL;

    (void)state;
    assert_int_equal(import("import-wages", FIXTURES "wages_ok.csv", &out), 0);
    assert_contains(out, "import-wages: 3 rows read, 3 new, 0 already present");
    free(out);
    assert_int_equal(import("import-wages", FIXTURES "wages_ok.csv", &out), 0);
    assert_contains(out, "import-wages: 3 rows read, 0 new, 3 already present");
    free(out);
    assert_int_equal(h_query_long(c, "SELECT count(*) FROM dw.wage_floor"),
                     before + 3);
    /* 13.90 EUR/h = 13,900,000 micro-units; quoted commas and quotes kept;
       empty note is NULL, empty region ''. */
    assert_value(c,
                 "SELECT concat_ws('|', amount_micros, currency, per, "
                 "hours_basis, source, note IS NULL) FROM dw.wage_floor "
                 "WHERE country = 'DE' AND region = '' AND kind = 'minimum' "
                 "AND valid_from = '2031-01-01'",
                 "13900000|EUR|hour|1|Mindestlohnanpassungsverordnung "
                 "(fixture, not a real figure)|t");
    assert_value(c,
                 "SELECT concat_ws('|', amount_micros, hours_basis, note) "
                 "FROM dw.wage_floor WHERE country = 'FR' AND valid_from = "
                 "'2031-01-01'",
                 "1850250000|151.67|monthly gross, 35 h/week");
    assert_value(c,
                 "SELECT note FROM dw.wage_floor WHERE country = 'GB' AND "
                 "region = 'London' AND valid_from = '2031-10-20'",
                 "a note with \"quotes\"");
    PQfinish(c);
}

static void wages_changing_a_stored_amount_imports_nothing(void **state)
{
    PGconn *c = h_connect(db_url);
    long before = h_query_long(c, "SELECT count(*) FROM dw.wage_floor");
    char *out = NULL;

    (void)state;
    /* Line 2 (PL) is new, line 3 changes DE 2031-01-01 from 13.90. */
    assert_int_equal(
        import("import-wages", FIXTURES "wages_conflict.csv", &out), 2);
    assert_contains(out, "wages_conflict.csv:3: DE minimum from 2031-01-01 "
                         "is already stored as 13.90 EUR per hour");
    assert_contains(out, "a new valid_from row never rewrites history");
    assert_contains(out, "nothing imported");
    free(out);
    assert_int_equal(h_query_long(c, "SELECT count(*) FROM dw.wage_floor"),
                     before);
    assert_int_equal(h_query_long(c, "SELECT count(*) FROM dw.wage_floor "
                                     "WHERE country = 'PL' AND valid_from = "
                                     "'2031-01-01'"),
                     0);
    assert_int_equal(h_query_long(c, "SELECT amount_micros FROM "
                                     "dw.wage_floor WHERE country = 'DE' AND "
                                     "kind = 'minimum' AND valid_from = "
                                     "'2031-01-01'"),
                     13900000);
    PQfinish(c);
}

static void wages_bad_file_lists_every_error_and_imports_nothing(void **state)
{
    PGconn *c = h_connect(db_url);
    long before = h_query_long(c, "SELECT count(*) FROM dw.wage_floor");
    char *out = NULL;

    (void)state;
    assert_int_equal(import("import-wages", FIXTURES "wages_bad.csv", &out), 2);
    assert_contains(out, "wages_bad.csv:2: country 'de'");
    assert_contains(out, "wages_bad.csv:3: 11 fields");
    assert_contains(out, "wages_bad.csv:4: valid_from '2026-02-30'");
    assert_contains(out, "3 errors in");
    free(out);
    assert_int_equal(h_query_long(c, "SELECT count(*) FROM dw.wage_floor"),
                     before);
    assert_int_equal(import("import-wages", FIXTURES "no_such.csv", &out), 2);
    assert_contains(out, "no_such.csv");
    free(out);
    PQfinish(c);
}

static void fx_history_imports_exact_rates_once(void **state)
{
    PGconn *c = h_connect(db_url);
    char *out = NULL;

    (void)state;
    /* 3 dates x 5 known currencies = 15 cells; CYP always N/A (3) and JPY
       on 2026-11-18 N/A: 14 rates. */
    assert_int_equal(import("import-fx", FIXTURES "fx_hist.csv", &out), 0);
    assert_contains(out, "import-fx: 14 rates read, 14 new, 0 already present");
    assert_contains(out, "eurofxref layout, 2026-11-18 to 2026-11-20");
    assert_contains(out, "4 missing values skipped");
    free(out);
    assert_int_equal(import("import-fx", FIXTURES "fx_hist.csv", &out), 0);
    assert_contains(out, "14 rates read, 0 new, 14 already present");
    free(out);
    assert_value(c,
                 "SELECT concat_ws('|', rate, source) FROM dw.fx_rate WHERE "
                 "base = 'EUR' AND quote = 'GBP' AND rate_date = "
                 "'2026-11-20'",
                 "0.8340500000|ECB euro foreign exchange reference rates");
    assert_int_equal(h_query_long(c, "SELECT count(*) FROM dw.fx_rate WHERE "
                                     "rate_date BETWEEN '2026-11-18' AND "
                                     "'2026-11-20'"),
                     14);
    assert_int_equal(h_query_long(c, "SELECT count(*) FROM dw.fx_rate WHERE "
                                     "quote = 'CYP'"),
                     0);
    PQfinish(c);
}

static void fx_daily_and_data_portal_files_import(void **state)
{
    const char *args[] = {"import-fx", "--source", "ECB Data Portal (test)",
                          FIXTURES "fx_sdmx.csv", NULL};
    PGconn *c = h_connect(db_url);
    char *out = NULL;

    (void)state;
    assert_int_equal(import("import-fx", FIXTURES "fx_daily.csv", &out), 0);
    assert_contains(out, "5 rates read, 5 new");
    free(out);
    assert_value(c,
                 "SELECT rate FROM dw.fx_rate WHERE quote = 'JPY' AND "
                 "rate_date = '2026-11-23'",
                 "162.4400000000");
    assert_int_equal(admin(args, &out), 0);
    assert_contains(out, "3 rates read, 3 new, 0 already present (sdmx");
    free(out);
    assert_value(c,
                 "SELECT concat_ws('|', rate, source) FROM dw.fx_rate WHERE "
                 "quote = 'INR' AND rate_date = '2026-11-20'",
                 "89.0561000000|ECB Data Portal (test)");
    PQfinish(c);
}

static void fx_changing_a_stored_rate_imports_nothing(void **state)
{
    PGconn *c = h_connect(db_url);
    long before = h_query_long(c, "SELECT count(*) FROM dw.fx_rate");
    char *out = NULL;

    (void)state;
    /* Line 2 (2026-11-21) is new; line 3 says USD 1.0560 where 1.0552 is
       stored for 2026-11-20 (GBP there is the same: not a conflict). */
    assert_int_equal(import("import-fx", FIXTURES "fx_conflict.csv", &out), 2);
    assert_contains(out, "fx_conflict.csv:3: USD on 2026-11-20 is already "
                         "stored as 1.0552");
    assert_contains(out, "1 rate differs from stored rates: nothing imported");
    free(out);
    assert_int_equal(h_query_long(c, "SELECT count(*) FROM dw.fx_rate"),
                     before);
    assert_int_equal(h_query_long(c, "SELECT count(*) FROM dw.fx_rate WHERE "
                                     "rate_date = '2026-11-21'"),
                     0);
    PQfinish(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wages_import_once_then_find_them_all_present),
        cmocka_unit_test(wages_changing_a_stored_amount_imports_nothing),
        cmocka_unit_test(wages_bad_file_lists_every_error_and_imports_nothing),
        cmocka_unit_test(fx_history_imports_exact_rates_once),
        cmocka_unit_test(fx_daily_and_data_portal_files_import),
        cmocka_unit_test(fx_changing_a_stored_rate_imports_nothing),
    };

    if (!h_require_db())
        return 0;
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
