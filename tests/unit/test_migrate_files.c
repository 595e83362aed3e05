/* tests/unit/test_migrate_files.c — the embedded migrations and seeds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "migrate.h"
#include "sql_embedded.h"

static void migrations_are_embedded_sorted_and_well_named(void **state)
{
    struct dw_error err = {0};
    char v[DW_MIGRATE_VERSION_MAX], n[DW_MIGRATE_NAME_MAX];

    (void)state;
    assert_true(dw_sql_migrations_count >= 2);
    assert_int_equal(
        dw_migrate_check_list(dw_sql_migrations, dw_sql_migrations_count, &err),
        DW_OK);
    for (size_t i = 0; i < dw_sql_migrations_count; i++) {
        assert_true(dw_migrate_parse_name(dw_sql_migrations[i].name, v, n));
        assert_true(strlen(dw_sql_migrations[i].text) > 0);
        if (i > 0)
            assert_true(strcmp(dw_sql_migrations[i - 1].name,
                               dw_sql_migrations[i].name) < 0);
    }
    /* The list is terminated by a {0, 0} entry. */
    assert_null(dw_sql_migrations[dw_sql_migrations_count].name);
    assert_string_equal(dw_sql_migrations[0].name, "0001_core.sql");
    assert_string_equal(dw_sql_migrations[1].name, "0002_report.sql");
}

/* migrate wraps each file in its own transaction: a file must not. */
static void migrations_do_not_manage_their_own_transactions(void **state)
{
    (void)state;
    for (size_t i = 0; i < dw_sql_migrations_count; i++) {
        const char *t = dw_sql_migrations[i].text;
        assert_null(strstr(t, "\nBEGIN;"));
        assert_null(strstr(t, "\nCOMMIT;"));
        assert_null(strstr(t, "\nROLLBACK;"));
    }
}

static void seeds_for_thresholds_wage_floors_and_fx_are_embedded(void **state)
{
    const char *want[] = {"fx.sql", "thresholds.sql", "wage_floors.sql"};

    (void)state;
    for (size_t w = 0; w < 3; w++) {
        bool found = false;
        for (size_t i = 0; i < dw_sql_seeds_count; i++)
            if (strcmp(dw_sql_seeds[i].name, want[w]) == 0)
                found = strlen(dw_sql_seeds[i].text) > 0;
        assert_true(found);
    }
}

/* Seeds run on every migrate, so every INSERT must tolerate re-runs. */
static void every_seed_insert_is_idempotent(void **state)
{
    (void)state;
    for (size_t i = 0; i < dw_sql_seeds_count; i++) {
        const char *t = dw_sql_seeds[i].text;
        size_t inserts = 0, conflicts = 0;

        for (const char *p = t; (p = strstr(p, "INSERT INTO")) != NULL; p++)
            inserts++;
        for (const char *p = t; (p = strstr(p, "ON CONFLICT")) != NULL; p++)
            conflicts++;
        assert_true(inserts > 0);
        assert_int_equal(inserts, conflicts);
    }
}

static void parses_version_and_name_from_a_file_name(void **state)
{
    char v[DW_MIGRATE_VERSION_MAX], n[DW_MIGRATE_NAME_MAX];

    (void)state;
    assert_true(dw_migrate_parse_name("0002_report.sql", v, n));
    assert_string_equal(v, "0002");
    assert_string_equal(n, "report");
    assert_true(dw_migrate_parse_name("0100_add_index_2.sql", v, n));
    assert_string_equal(v, "0100");
    assert_string_equal(n, "add_index_2");
}

static void rejects_file_names_that_are_not_NNNN_name_sql(void **state)
{
    const char *bad[] = {"001_core.sql",  "0001-core.sql",  "0001_.sql",
                         "0001_Core.sql", "0001_core.SQL",  "0001_core",
                         "abcd_core.sql", "0001_co re.sql", "",
                         "0001_core.sql~"};
    char v[DW_MIGRATE_VERSION_MAX], n[DW_MIGRATE_NAME_MAX];

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(dw_migrate_parse_name(bad[i], v, n));
        assert_string_equal(v, "");
        assert_string_equal(n, "");
    }
    assert_false(dw_migrate_parse_name(NULL, v, n));
}

static void refuses_a_list_out_of_order_or_with_a_repeated_version(void **state)
{
    const struct dw_sql_file unsorted[] = {{"0002_b.sql", "SELECT 1;"},
                                           {"0001_a.sql", "SELECT 1;"}};
    const struct dw_sql_file twice[] = {{"0001_a.sql", "SELECT 1;"},
                                        {"0001_b.sql", "SELECT 1;"}};
    const struct dw_sql_file badname[] = {{"1_a.sql", "SELECT 1;"}};
    struct dw_error err = {0};

    (void)state;
    assert_int_equal(dw_migrate_check_list(unsorted, 2, &err), DW_ERR_INTERNAL);
    assert_non_null(strstr(err.msg, "0001_a.sql"));
    assert_int_equal(dw_migrate_check_list(twice, 2, &err), DW_ERR_INTERNAL);
    assert_int_equal(dw_migrate_check_list(badname, 1, &err), DW_ERR_INTERNAL);
    assert_non_null(strstr(err.msg, "1_a.sql"));
}

/* FIPS 180-2 test vectors. */
static void checksum_is_sha256_matching_the_published_test_vectors(void **state)
{
    char out[65];

    (void)state;
    assert_int_equal(dw_migrate_checksum("abc", out, NULL), DW_OK);
    assert_string_equal(
        out,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(dw_migrate_checksum("", out, NULL), DW_OK);
    assert_string_equal(
        out,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(migrations_are_embedded_sorted_and_well_named),
        cmocka_unit_test(migrations_do_not_manage_their_own_transactions),
        cmocka_unit_test(seeds_for_thresholds_wage_floors_and_fx_are_embedded),
        cmocka_unit_test(every_seed_insert_is_idempotent),
        cmocka_unit_test(parses_version_and_name_from_a_file_name),
        cmocka_unit_test(rejects_file_names_that_are_not_NNNN_name_sql),
        cmocka_unit_test(
            refuses_a_list_out_of_order_or_with_a_repeated_version),
        cmocka_unit_test(
            checksum_is_sha256_matching_the_published_test_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
