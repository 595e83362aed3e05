/* tests/unit/test_shard.c — `--shard K/N` parsing, the shard of a worker
 * key, and the finished-shard set of a sharded run. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "shard.h"

/* A 64-digit key that starts with the 8 digits given. */
static const char *key(const char *first8, char *buf)
{
    snprintf(buf, 65, "%s%s", first8,
             "00000000000000000000000000000000000000000000000000000000");
    return buf;
}

static void parses_k_of_n(void **state)
{
    struct dw_shard s = {0, 0};
    (void)state;
    assert_int_equal(dw_shard_parse("1/2", &s, NULL), DW_OK);
    assert_int_equal(s.k, 1);
    assert_int_equal(s.n, 2);
    assert_int_equal(dw_shard_parse("1024/1024", &s, NULL), DW_OK);
    assert_int_equal(s.k, 1024);
    assert_int_equal(s.n, 1024);
    assert_int_equal(dw_shard_parse("1/1", &s, NULL), DW_OK);
    assert_int_equal(s.k, 1);
    assert_int_equal(s.n, 1);
}

static void rejects_every_malformed_or_out_of_range_shard(void **state)
{
    static const char *const bad[] = {
        "",     "2",    "0/2",  "3/2",   "1/0",  "1/1025", "1025/1025",
        "a/2",  "1/2x", "-1/2", "1//2",  "1/",   "/2",     "12345/2",
        " 1/2", "1/ 2", "+1/2", "1/2/3", "1.0/2"};
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct dw_shard s = {7, 7};
        struct dw_error err = {DW_OK, ""};
        char quoted[32];
        assert_int_equal(dw_shard_parse(bad[i], &s, &err), DW_ERR_USAGE);
        snprintf(quoted, sizeof quoted, "'%s'", bad[i]);
        if (strstr(err.msg, quoted) == NULL ||
            strstr(err.msg, "1 <= K <= N <= 1024") == NULL)
            fail_msg("message for %s: %s", bad[i], err.msg);
        /* untouched on error */
        assert_int_equal(s.k, 7);
        assert_int_equal(s.n, 7);
    }
}

static void formats_a_shard_as_k_slash_n(void **state)
{
    struct dw_shard s = {3, 16};
    char buf[12];
    (void)state;
    assert_string_equal(dw_shard_format(&s, buf, sizeof buf), "3/16");
}

static void puts_a_worker_in_its_key_prefix_modulo_n_plus_one(void **state)
{
    char buf[65];
    (void)state;
    /* 0x00000000 = 0: 0 mod 2 = 0 -> shard 1 */
    assert_int_equal(dw_shard_of(key("00000000", buf), 2), 1);
    /* 0x00000001 = 1: 1 mod 2 = 1 -> shard 2 */
    assert_int_equal(dw_shard_of(key("00000001", buf), 2), 2);
    /* 0x0000000a = 10: 10 mod 7 = 3 -> shard 4 */
    assert_int_equal(dw_shard_of(key("0000000a", buf), 7), 4);
    /* 0xffffffff = 4294967295 = 3 x 1431655765: mod 3 = 0 -> shard 1 */
    assert_int_equal(dw_shard_of(key("ffffffff", buf), 3), 1);
    /* 4294967295 = 1024 x 4194303 + 1023: mod 1024 = 1023 -> shard 1024 */
    assert_int_equal(dw_shard_of(key("ffffffff", buf), 1024), 1024);
    /* 0x80000000 = 2147483648 (unsigned, no sign bit): = 5 x 429496729
     * + 3, so mod 5 = 3 -> shard 4 */
    assert_int_equal(dw_shard_of(key("80000000", buf), 5), 4);
    /* upper case digits read the same: 0xABCDEF01 = 2882400001, which is
     * 2 x 1441200000 + 1: mod 2 = 1 -> shard 2 */
    assert_int_equal(dw_shard_of(key("ABCDEF01", buf), 2), 2);
    assert_int_equal(dw_shard_of(key("abcdef01", buf), 2), 2);
    /* only the first 8 digits count */
    assert_int_equal(dw_shard_of("00000001ffffffff", 2), 2);
    /* n = 1: everyone in shard 1 */
    assert_int_equal(dw_shard_of(key("12345678", buf), 1), 1);
}

static void refuses_a_key_without_eight_hex_digits_or_a_bad_n(void **state)
{
    char buf[65];
    (void)state;
    assert_int_equal(dw_shard_of("1234", 2), -1);
    assert_int_equal(dw_shard_of(key("1234567g", buf), 2), -1);
    assert_int_equal(dw_shard_of(NULL, 2), -1);
    assert_int_equal(dw_shard_of(key("00000000", buf), 0), -1);
    assert_int_equal(dw_shard_of(key("00000000", buf), 1025), -1);
}

static void writes_finished_shards_as_ranges(void **state)
{
    struct dw_shard_set set;
    char buf[DW_SHARD_TEXT_MAX];
    (void)state;
    dw_shard_set_init(&set, 3);
    assert_string_equal(dw_shard_set_format(&set, buf, sizeof buf), "/3");
    dw_shard_set_add(&set, 3);
    dw_shard_set_add(&set, 1);
    assert_string_equal(dw_shard_set_format(&set, buf, sizeof buf), "1,3/3");
    assert_int_equal(dw_shard_set_count(&set), 2);
    assert_false(dw_shard_set_full(&set));
    dw_shard_set_add(&set, 2);
    dw_shard_set_add(&set, 2); /* twice is once */
    assert_string_equal(dw_shard_set_format(&set, buf, sizeof buf), "1-3/3");
    assert_true(dw_shard_set_full(&set));

    dw_shard_set_init(&set, 10);
    for (int k = 1; k <= 10; k++)
        if (k != 3 && k != 7 && k != 8 && k != 10)
            dw_shard_set_add(&set, k);
    dw_shard_set_add(&set, 0);  /* out of range: ignored */
    dw_shard_set_add(&set, 11); /* out of range: ignored */
    assert_string_equal(dw_shard_set_format(&set, buf, sizeof buf),
                        "1-2,4-6,9/10");
    assert_int_equal(dw_shard_set_count(&set), 6);
}

static void fits_the_longest_set_text(void **state)
{
    /* Every odd shard of 1024: 512 numbers (5 of 1 digit, 45 of 2, 450
     * of 3, 12 of 4 digits = 5 + 90 + 1350 + 48 = 1493 characters), 511
     * commas and "/1024": 2009 characters. */
    struct dw_shard_set set, back;
    char buf[DW_SHARD_TEXT_MAX];
    (void)state;
    dw_shard_set_init(&set, 1024);
    for (int k = 1; k <= 1024; k += 2)
        dw_shard_set_add(&set, k);
    assert_int_equal(strlen(dw_shard_set_format(&set, buf, sizeof buf)), 2009);
    assert_int_equal(dw_shard_set_parse(buf, &back, NULL), DW_OK);
    assert_int_equal(dw_shard_set_count(&back), 512);
    assert_true(dw_shard_set_has(&back, 1023));
    assert_false(dw_shard_set_has(&back, 1024));

    dw_shard_set_add(&set, 2);
    for (int k = 4; k <= 1024; k += 2)
        dw_shard_set_add(&set, k);
    assert_string_equal(dw_shard_set_format(&set, buf, sizeof buf),
                        "1-1024/1024");
}

static void reads_the_set_text_back(void **state)
{
    struct dw_shard_set set;
    (void)state;
    assert_int_equal(dw_shard_set_parse("/4", &set, NULL), DW_OK);
    assert_int_equal(set.n, 4);
    assert_int_equal(dw_shard_set_count(&set), 0);
    assert_int_equal(dw_shard_set_parse("1-2,4/4", &set, NULL), DW_OK);
    assert_true(dw_shard_set_has(&set, 1));
    assert_true(dw_shard_set_has(&set, 2));
    assert_false(dw_shard_set_has(&set, 3));
    assert_true(dw_shard_set_has(&set, 4));
    assert_int_equal(dw_shard_set_count(&set), 3);
}

static void rejects_a_malformed_set_text(void **state)
{
    static const char *const bad[] = {
        "1,3",   "4/3",   "3,1/3",   "1-/3", "1,/3", "x/3", "/0",
        "/1025", "2-1/3", "1-2,2/3", ",1/3", "1/3x", "",    "1--2/3"};
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct dw_shard_set set;
        struct dw_error err = {DW_OK, ""};
        if (dw_shard_set_parse(bad[i], &set, &err) != DW_ERR_PARSE)
            fail_msg("'%s' parsed", bad[i]);
        assert_non_null(strstr(err.msg, "shard set"));
    }
    assert_int_equal(dw_shard_set_parse(NULL, NULL, NULL), DW_ERR_PARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_k_of_n),
        cmocka_unit_test(rejects_every_malformed_or_out_of_range_shard),
        cmocka_unit_test(formats_a_shard_as_k_slash_n),
        cmocka_unit_test(puts_a_worker_in_its_key_prefix_modulo_n_plus_one),
        cmocka_unit_test(refuses_a_key_without_eight_hex_digits_or_a_bad_n),
        cmocka_unit_test(writes_finished_shards_as_ranges),
        cmocka_unit_test(fits_the_longest_set_text),
        cmocka_unit_test(reads_the_set_text_back),
        cmocka_unit_test(rejects_a_malformed_set_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
