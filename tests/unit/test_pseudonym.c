/* tests/unit/test_pseudonym.c — HMAC-SHA256 (RFC 4231) and key rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "pseudonym.h"

static void check_hmac(const void *key, size_t klen, const void *data,
                       size_t dlen, const char *want)
{
    char out[DW_PSEUDONYM_HEX];

    assert_int_equal(dw_hmac_sha256_hex(key, klen, data, dlen, out), DW_OK);
    assert_string_equal(out, want);
}

static void matches_rfc_4231_case_1(void **state)
{
    unsigned char key[20];

    (void)state;
    memset(key, 0x0b, sizeof(key));
    check_hmac(key, sizeof(key), "Hi There", 8,
               "b0344c61d8db38535ca8afceaf0bf12b"
               "881dc200c9833da726e9376c2e32cff7");
}

static void matches_rfc_4231_case_2(void **state)
{
    (void)state;
    check_hmac("Jefe", 4, "what do ya want for nothing?", 28,
               "5bdcc146bf60754e6a042426089575c7"
               "5a003f089d2739839dec58b964ec3843");
}

static void matches_rfc_4231_case_3(void **state)
{
    unsigned char key[20], data[50];

    (void)state;
    memset(key, 0xaa, sizeof(key));
    memset(data, 0xdd, sizeof(data));
    check_hmac(key, sizeof(key), data, sizeof(data),
               "773ea91e36800e46854db8ebd09181a7"
               "2959098b3ef8c122d9635514ced565fe");
}

static void matches_rfc_4231_case_4(void **state)
{
    unsigned char key[25], data[50];

    (void)state;
    for (size_t i = 0; i < sizeof(key); i++)
        key[i] = (unsigned char)(i + 1); /* 0x01 .. 0x19 */
    memset(data, 0xcd, sizeof(data));
    check_hmac(key, sizeof(key), data, sizeof(data),
               "82558a389a443c0ea4cc819899f2083a"
               "85f0faa3e578f8077a2e3ff46729665b");
}

static void matches_rfc_4231_cases_6_and_7_with_long_keys(void **state)
{
    static const char d6[] =
        "Test Using Larger Than Block-Size Key - Hash Key First";
    static const char d7[] =
        "This is a test using a larger than block-size key and a larger "
        "than block-size data. The key needs to be hashed before being "
        "used by the HMAC algorithm.";
    unsigned char key[131];

    (void)state;
    memset(key, 0xaa, sizeof(key));
    check_hmac(key, sizeof(key), d6, strlen(d6),
               "60e431591ee0b67f0d8a26aacbf5b77f"
               "8e0bc6213728c5140546040f0ee37f54");
    check_hmac(key, sizeof(key), d7, strlen(d7),
               "9b09ffa71b942fcb27635fbcd5b0e944"
               "bfdc63644f0713938a7f51535c3a35e2");
}

static void keys_a_worker_by_platform_and_raw_id(void **state)
{
    char a[DW_PSEUDONYM_HEX], b[DW_PSEUDONYM_HEX];
    struct dw_error err = {0};

    (void)state;
    /*
     * HMAC-SHA256("0123456789abcdef", "prolific:5f1a2b"), computed with
     * Python's hmac module; "toloka:5f1a2b" likewise.
     */
    assert_int_equal(
        dw_pseudonym("0123456789abcdef", "prolific", "5f1a2b", a, &err), DW_OK);
    assert_string_equal(a, "c4b4feb3f100d3ad7fbd13ab4cf49fa5"
                           "42b06fa5c11c45182d6e8ce377113ff5");
    assert_int_equal(
        dw_pseudonym("0123456789abcdef", "toloka", "5f1a2b", b, &err), DW_OK);
    assert_string_equal(b, "8c4819bd1b193e3b13166aea4fa44487"
                           "90a8382352c3234cb18bb5b4545ac172");
}

static void refuses_an_empty_worker_id(void **state)
{
    char out[DW_PSEUDONYM_HEX];
    struct dw_error err = {0};

    (void)state;
    assert_int_equal(
        dw_pseudonym("0123456789abcdef", "prolific", "", out, &err),
        DW_ERR_INVALID);
    assert_int_equal(
        dw_pseudonym("0123456789abcdef", "prolific", NULL, out, NULL),
        DW_ERR_INVALID);
    assert_int_equal(dw_pseudonym(NULL, "prolific", "x", out, NULL),
                     DW_ERR_CONFIG);
}

static void uses_the_demo_key_only_in_demo_mode_when_unset(void **state)
{
    struct dw_error err = {0};
    const char *key = NULL;

    (void)state;
    unsetenv(DW_PSEUDONYM_ENV);
    assert_int_equal(dw_pseudonym_key_from_env(true, &key, &err), DW_OK);
    assert_string_equal(key, DW_PSEUDONYM_DEMO_KEY);
    key = NULL;
    assert_int_equal(dw_pseudonym_key_from_env(false, &key, &err),
                     DW_ERR_CONFIG);
    assert_null(key);
    assert_non_null(strstr(err.msg, DW_PSEUDONYM_ENV));
    /* an empty variable counts as unset */
    setenv(DW_PSEUDONYM_ENV, "", 1);
    assert_int_equal(dw_pseudonym_key_from_env(false, &key, NULL),
                     DW_ERR_CONFIG);
    unsetenv(DW_PSEUDONYM_ENV);
}

static void requires_at_least_sixteen_bytes_of_key(void **state)
{
    struct dw_error err = {0};
    const char *key = NULL;

    (void)state;
    setenv(DW_PSEUDONYM_ENV, "0123456789abcde", 1); /* 15 bytes */
    assert_int_equal(dw_pseudonym_key_from_env(false, &key, &err),
                     DW_ERR_CONFIG);
    assert_non_null(strstr(err.msg, "16"));
    /* a short key is wrong in demo mode too: it was set on purpose */
    assert_int_equal(dw_pseudonym_key_from_env(true, &key, NULL),
                     DW_ERR_CONFIG);
    setenv(DW_PSEUDONYM_ENV, "0123456789abcdef", 1); /* 16 bytes */
    assert_int_equal(dw_pseudonym_key_from_env(false, &key, NULL), DW_OK);
    assert_string_equal(key, "0123456789abcdef");
    assert_int_equal(dw_pseudonym_key_from_env(true, &key, NULL), DW_OK);
    assert_string_equal(key, "0123456789abcdef");
    unsetenv(DW_PSEUDONYM_ENV);
}

/* '0'..'9' are 0..9, 'a'..'f' and 'A'..'F' are 10..15, the rest -1. */
static void reads_hex_digits_of_either_case(void **state)
{
    (void)state;
    assert_int_equal(dw_hex_digit('0'), 0);
    assert_int_equal(dw_hex_digit('9'), 9);
    assert_int_equal(dw_hex_digit('a'), 10);
    assert_int_equal(dw_hex_digit('F'), 15);
    assert_int_equal(dw_hex_digit('g'), -1);
    assert_int_equal(dw_hex_digit('/'), -1);
    assert_int_equal(dw_hex_digit('\0'), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_rfc_4231_case_1),
        cmocka_unit_test(matches_rfc_4231_case_2),
        cmocka_unit_test(matches_rfc_4231_case_3),
        cmocka_unit_test(matches_rfc_4231_case_4),
        cmocka_unit_test(matches_rfc_4231_cases_6_and_7_with_long_keys),
        cmocka_unit_test(keys_a_worker_by_platform_and_raw_id),
        cmocka_unit_test(refuses_an_empty_worker_id),
        cmocka_unit_test(uses_the_demo_key_only_in_demo_mode_when_unset),
        cmocka_unit_test(requires_at_least_sixteen_bytes_of_key),
        cmocka_unit_test(reads_hex_digits_of_either_case),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
