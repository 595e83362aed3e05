/* tests/unit/test_copy.c — COPY text escaping, row building and splitting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "dwtime.h"

static char *escaped(const char *s)
{
    struct dw_buf b;

    dw_buf_init(&b, 0);
    assert_int_equal(dw_copy_escape(&b, s), DW_OK);
    return dw_buf_take(&b);
}

static void check_escape(const char *in, const char *want)
{
    char *got = escaped(in);

    assert_string_equal(got, want);
    free(got);
}

static void escapes_tab_newline_carriage_return_and_backslash(void **state)
{
    (void)state;
    check_escape("a\tb", "a\\tb");
    check_escape("line1\nline2", "line1\\nline2");
    check_escape("crlf\r\n", "crlf\\r\\n");
    check_escape("C:\\dir", "C:\\\\dir");
    check_escape("\\N", "\\\\N"); /* the text \N is not a NULL */
    check_escape("", "");
}

static void escapes_other_control_bytes_as_octal(void **state)
{
    (void)state;
    /* 0x01 = octal 001, 0x1b = 033, 0x7f = 177 */
    check_escape("a\x01z", "a\\001z");
    check_escape("\x1b[0m", "\\033[0m");
    check_escape("del\x7f", "del\\177");
}

static void leaves_quotes_and_utf8_alone(void **state)
{
    (void)state;
    check_escape("say \"hi\" it's", "say \"hi\" it's");
    check_escape("Zoë — 東京 ✓", "Zoë — 東京 ✓");
    check_escape("a,b;c|d", "a,b;c|d");
}

/* A writer with no connection: enough to build rows in memory. */
static void offline_copy(struct dw_copy *c)
{
    memset(c, 0, sizeof(*c));
    dw_buf_init(&c->row, 0);
    c->active = true;
}

static void builds_rows_with_nulls_numbers_booleans_and_times(void **state)
{
    struct dw_copy c;
    struct dw_error err = {0};

    (void)state;
    offline_copy(&c);
    dw_copy_str(&c, "x\ty");
    dw_copy_str(&c, NULL);
    dw_copy_null(&c);
    dw_copy_i64(&c, -5);
    dw_copy_i64(&c, INT64_MAX);
    dw_copy_bool(&c, true);
    dw_copy_bool(&c, false);
    dw_copy_time(&c, DW_USEC); /* 1 s after the epoch */
    dw_copy_time(&c, DW_TIME_NONE);
    assert_int_equal(dw_copy_end_row(&c, &err), DW_OK);
    dw_copy_str(&c, "second");
    assert_int_equal(dw_copy_end_row(&c, &err), DW_OK);
    assert_string_equal(c.row.data,
                        "x\\ty\t\\N\t\\N\t-5\t9223372036854775807\tt\tf\t"
                        "1970-01-01T00:00:01Z\t\\N\n"
                        "second\n");
    dw_buf_release(&c.row);
}

static void splits_fields_and_restores_nulls(void **state)
{
    char line[] = "a\t\\N\t\tb\\tc\t\\\\N";
    char *f[8];
    size_t n = 0;

    (void)state;
    assert_int_equal(dw_copy_split(line, f, 8, &n), DW_OK);
    assert_int_equal(n, 5);
    assert_string_equal(f[0], "a");
    assert_null(f[1]);
    assert_string_equal(f[2], "");
    assert_string_equal(f[3], "b\tc");
    assert_string_equal(f[4], "\\N");
}

static void splits_an_empty_line_into_one_empty_field(void **state)
{
    char line[] = "";
    char *f[2];
    size_t n = 0;

    (void)state;
    assert_int_equal(dw_copy_split(line, f, 2, &n), DW_OK);
    assert_int_equal(n, 1);
    assert_string_equal(f[0], "");
}

static void decodes_octal_hex_and_named_escapes(void **state)
{
    char line[] = "\\101\\x42\\b\\f\\v\\q";
    char *f[1];
    size_t n;

    (void)state;
    /* \101 = 'A', \x42 = 'B', \q is just q */
    assert_int_equal(dw_copy_split(line, f, 1, &n), DW_OK);
    assert_int_equal(n, 1);
    assert_string_equal(f[0], "AB\b\f\vq");
}

static void refuses_more_fields_than_asked_for(void **state)
{
    char line[] = "1\t2\t3";
    char *f[2];
    size_t n = 7;

    (void)state;
    assert_int_equal(dw_copy_split(line, f, 2, &n), DW_ERR_PARSE);
    assert_int_equal(n, 0);
}

static void round_trips_awkward_values_through_escape_and_split(void **state)
{
    static const char *const values[] = {"plain",
                                         "tab\there",
                                         "new\nline",
                                         "cr\rhere",
                                         "back\\slash",
                                         "\\N",
                                         NULL,
                                         "",
                                         "\"quoted\" 'single'",
                                         "Zoë 東京 \xf0\x9f\x98\x80",
                                         "\x01\x02\x1f\x7f",
                                         "end\\"};
    const size_t nv = sizeof(values) / sizeof(values[0]);
    struct dw_copy c;
    struct dw_error err = {0};
    char *f[16];
    size_t n = 0;

    (void)state;
    offline_copy(&c);
    for (size_t i = 0; i < nv; i++)
        dw_copy_str(&c, values[i]);
    assert_int_equal(dw_copy_end_row(&c, &err), DW_OK);
    /* split works on a line without its newline, as dw_copy_out gives it */
    c.row.data[--c.row.len] = '\0';
    assert_null(memchr(c.row.data, '\n', c.row.len));
    assert_int_equal(dw_copy_split(c.row.data, f, 16, &n), DW_OK);
    assert_int_equal(n, nv);
    for (size_t i = 0; i < nv; i++) {
        if (values[i] == NULL)
            assert_null(f[i]);
        else
            assert_string_equal(f[i], values[i]);
    }
    dw_buf_release(&c.row);
}

static void reports_a_row_built_on_an_inactive_writer(void **state)
{
    struct dw_copy c;
    struct dw_error err = {0};

    (void)state;
    offline_copy(&c);
    c.active = false;
    dw_copy_str(&c, "x");
    assert_int_equal(dw_copy_end_row(&c, &err), DW_ERR_INTERNAL);
    dw_copy_abort(&c); /* inactive: only frees */
    assert_null(c.row.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_tab_newline_carriage_return_and_backslash),
        cmocka_unit_test(escapes_other_control_bytes_as_octal),
        cmocka_unit_test(leaves_quotes_and_utf8_alone),
        cmocka_unit_test(builds_rows_with_nulls_numbers_booleans_and_times),
        cmocka_unit_test(splits_fields_and_restores_nulls),
        cmocka_unit_test(splits_an_empty_line_into_one_empty_field),
        cmocka_unit_test(decodes_octal_hex_and_named_escapes),
        cmocka_unit_test(refuses_more_fields_than_asked_for),
        cmocka_unit_test(round_trips_awkward_values_through_escape_and_split),
        cmocka_unit_test(reports_a_row_built_on_an_inactive_writer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
