/* tests/unit/test_buf.c — the capped growable buffer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"

static void starts_empty_without_storage(void **state)
{
    struct dw_buf b;

    (void)state;
    dw_buf_init(&b, 0);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    dw_buf_release(&b);
}

static void appends_and_stays_nul_terminated(void **state)
{
    struct dw_buf b;

    (void)state;
    dw_buf_init(&b, 0);
    assert_int_equal(dw_buf_puts(&b, "abc"), DW_OK);
    assert_int_equal(dw_buf_putc(&b, '-'), DW_OK);
    assert_int_equal(dw_buf_append(&b, "xyz", 2), DW_OK);
    assert_int_equal(dw_buf_printf(&b, "%d/%s", 42, "ok"), DW_OK);
    assert_string_equal(b.data, "abc-xy42/ok");
    assert_int_equal(b.len, 11); /* 3 + 1 + 2 + 5 */
    dw_buf_release(&b);
}

static void enforces_the_cap_and_leaves_the_buffer_unchanged(void **state)
{
    struct dw_buf b;

    (void)state;
    dw_buf_init(&b, 10);
    assert_int_equal(dw_buf_puts(&b, "0123456789"), DW_OK); /* exactly 10 */
    assert_int_equal(dw_buf_putc(&b, 'x'), DW_ERR_TOO_LARGE);
    assert_int_equal(dw_buf_append(&b, "yz", 2), DW_ERR_TOO_LARGE);
    assert_int_equal(dw_buf_printf(&b, "%d", 1), DW_ERR_TOO_LARGE);
    assert_int_equal(b.len, 10);
    assert_string_equal(b.data, "0123456789");
    assert_true(b.cap <= 11); /* never more than max + NUL */
    dw_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    /* 7 + 4 = 11 > 10: the printf fails whole, not half written */
    assert_int_equal(dw_buf_puts(&b, "1234567"), DW_OK);
    assert_int_equal(dw_buf_printf(&b, "%s", "abcd"), DW_ERR_TOO_LARGE);
    assert_string_equal(b.data, "1234567");
    dw_buf_release(&b);
}

static void grows_without_a_cap(void **state)
{
    struct dw_buf b;

    (void)state;
    dw_buf_init(&b, 0);
    for (int i = 0; i < 100000; i++)
        assert_int_equal(dw_buf_putc(&b, (char)('a' + i % 26)), DW_OK);
    assert_int_equal(b.len, 100000);
    assert_int_equal(b.data[99999], 'a' + 99999 % 26);
    assert_int_equal(b.data[100000], '\0');
    dw_buf_release(&b);
    assert_null(b.data);
}

static void hands_over_its_storage(void **state)
{
    struct dw_buf b;
    char *s;

    (void)state;
    dw_buf_init(&b, 0);
    s = dw_buf_take(&b); /* nothing appended: an empty heap string */
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
    dw_buf_puts(&b, "kept");
    s = dw_buf_take(&b);
    assert_string_equal(s, "kept");
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    free(s);
    dw_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(starts_empty_without_storage),
        cmocka_unit_test(appends_and_stays_nul_terminated),
        cmocka_unit_test(enforces_the_cap_and_leaves_the_buffer_unchanged),
        cmocka_unit_test(grows_without_a_cap),
        cmocka_unit_test(hands_over_its_storage),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
