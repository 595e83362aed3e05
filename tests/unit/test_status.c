/* tests/unit/test_status.c — exit codes every program shares. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "status.h"

/* DESIGN: 0 done; 1 failed; 2 usage or config; 3 partial, retry later. */
static void maps_each_status_to_the_documented_exit_code(void **state)
{
    (void)state;
    assert_int_equal(dw_exit_code(DW_OK), DW_EXIT_OK);
    assert_int_equal(dw_exit_code(DW_ERR_CONFIG), DW_EXIT_USAGE);
    assert_int_equal(dw_exit_code(DW_ERR_USAGE), DW_EXIT_USAGE);
    assert_int_equal(dw_exit_code(DW_ERR_THROTTLED), DW_EXIT_PARTIAL);
    assert_int_equal(dw_exit_code(DW_ERR_LOCKED), DW_EXIT_PARTIAL);
    assert_int_equal(dw_exit_code(DW_ERR_DB), DW_EXIT_FAILED);
    assert_int_equal(dw_exit_code(DW_ERR_HTTP), DW_EXIT_FAILED);
    assert_int_equal(dw_exit_code(DW_ERR_AUTH), DW_EXIT_FAILED);
    assert_int_equal(dw_exit_code(DW_ERR_PARSE), DW_EXIT_FAILED);
}

static void every_status_has_a_message_and_a_name(void **state)
{
    (void)state;
    for (int s = 0; s < DW_STATUS_COUNT; s++) {
        assert_non_null(dw_strerror((enum dw_status)s));
        assert_non_null(dw_status_name((enum dw_status)s));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(maps_each_status_to_the_documented_exit_code),
        cmocka_unit_test(every_status_has_a_message_and_a_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
