/* tests/unit/test_http_req.c — request bodies, SigV4 settings, verdict retries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "http.h"
#include "platform.h"
#include "retry.h"

static void set_body_makes_a_post_with_its_content_type(void **state)
{
    (void)state;
    struct dw_http_req r;
    dw_http_req_init(&r);
    assert_null(r.method); /* GET until a body is set */
    assert_int_equal(dw_http_req_set_body(&r, "POST", "application/json",
                                          "{\"query\":\"{a}\"}", 15),
                     DW_OK);
    assert_string_equal(r.method, "POST");
    assert_string_equal(r.body, "{\"query\":\"{a}\"}");
    assert_int_equal(r.body_len, 15);
    assert_int_equal(r.n_headers, 1);
    assert_string_equal(r.headers[0], "Content-Type: application/json");
    /* Embedded NULs are kept: body_len, not strlen, counts. */
    assert_int_equal(dw_http_req_set_body(&r, "PUT", NULL, "a\0b", 3), DW_OK);
    assert_string_equal(r.method, "PUT");
    assert_int_equal(r.body_len, 3);
    assert_memory_equal(r.body, "a\0b", 3);
    assert_int_equal(r.n_headers, 1); /* no second Content-Type */
    dw_http_req_release(&r);
}

static void sigv4_names_region_and_service_explicitly(void **state)
{
    (void)state;
    struct dw_http_req r;
    dw_http_req_init(&r);
    assert_int_equal(dw_http_req_set_aws_sigv4(&r, "us-east-1",
                                               "mturk-requester",
                                               "AKID:se/cr+et=", NULL),
                     DW_OK);
    assert_string_equal(r.aws_sigv4, "aws:amz:us-east-1:mturk-requester");
    assert_string_equal(r.userpwd, "AKID:se/cr+et=");
    dw_http_req_release(&r);
    assert_null(r.userpwd);
}

static void sigv4_rejects_empty_or_odd_parts_without_echoing_them(void **state)
{
    (void)state;
    static const struct {
        const char *region, *service, *cred;
    } bad[] = {
        {"", "s", "A:B"},    {"us:east", "s", "A:B"},
        {"r", "", "A:B"},    {"r", "s", "AB"},
        {"r", "s", ":B"},    {"r", "s", "A:"},
        {"r", "s", "A:B C"}, {"r", "s", "A:B\nX-Evil: 1"},
        {NULL, "s", "A:B"},  {"r", "s", NULL},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct dw_http_req r;
        struct dw_error err = {0};
        dw_http_req_init(&r);
        assert_int_equal(dw_http_req_set_aws_sigv4(&r, bad[i].region,
                                                   bad[i].service, bad[i].cred,
                                                   &err),
                         DW_ERR_CONFIG);
        assert_null(r.aws_sigv4);
        assert_null(strstr(err.msg, "B C"));
        dw_http_req_release(&r);
    }
}

static void credential_split_finds_the_first_colon(void **state)
{
    (void)state;
    size_t n = 0;
    const char *second = NULL;
    assert_int_equal(
        dw_credential_split("AKID:se:cret", "x", &n, &second, NULL), DW_OK);
    assert_int_equal(n, 4); /* "AKID" */
    assert_string_equal(second, "se:cret");
    struct dw_error err = {0};
    assert_int_equal(
        dw_credential_split("nocolon", "the credential", &n, &second, &err),
        DW_ERR_CONFIG);
    assert_non_null(strstr(err.msg, "the credential"));
    assert_null(strstr(err.msg, "nocolon"));
    assert_int_equal(dw_credential_split(NULL, "x", &n, &second, NULL),
                     DW_ERR_CONFIG);
}

static void
a_classified_retry_uses_the_policy_and_its_final_status(void **state)
{
    (void)state;
    struct dw_retry_policy p;
    dw_retry_policy_default(&p); /* 5 attempts, base 500, cap 30000 */
    /* Attempt 1 of 5, no delay given: backoff ceiling 500, rnd 1000 mod
     * 501 = 499. */
    struct dw_retry_decision d =
        dw_retry_decide_as(&p, 1, true, DW_ERR_THROTTLED, -1, 1000);
    assert_true(d.retry);
    assert_int_equal(d.delay_ms, 499);
    /* A given delay replaces the backoff, capped at 120000. */
    d = dw_retry_decide_as(&p, 2, true, DW_ERR_THROTTLED, 60000, 7);
    assert_int_equal(d.delay_ms, 60000);
    d = dw_retry_decide_as(&p, 2, true, DW_ERR_THROTTLED, 3600000, 7);
    assert_int_equal(d.delay_ms, 120000);
    /* The last attempt ends with the verdict's status. */
    d = dw_retry_decide_as(&p, 5, true, DW_ERR_THROTTLED, -1, 7);
    assert_false(d.retry);
    assert_int_equal(d.final, DW_ERR_THROTTLED);
    /* Not retryable: stop at once. */
    d = dw_retry_decide_as(&p, 1, false, DW_ERR_AUTH, -1, 7);
    assert_false(d.retry);
    assert_int_equal(d.final, DW_ERR_AUTH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_body_makes_a_post_with_its_content_type),
        cmocka_unit_test(sigv4_names_region_and_service_explicitly),
        cmocka_unit_test(sigv4_rejects_empty_or_odd_parts_without_echoing_them),
        cmocka_unit_test(credential_split_finds_the_first_colon),
        cmocka_unit_test(
            a_classified_retry_uses_the_policy_and_its_final_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
