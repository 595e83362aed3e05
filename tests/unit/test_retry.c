/* tests/unit/test_retry.c — backoff, Retry-After and retry decisions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "dwtime.h"
#include "http.h"
#include "retry.h"

static struct dw_retry_policy policy(void)
{
    struct dw_retry_policy p;
    dw_retry_policy_default(&p);
    return p;
}

static void defaults_are_five_attempts_500ms_base_30s_cap(void **state)
{
    (void)state;
    struct dw_retry_policy p = policy();
    assert_int_equal(p.max_attempts, 5);
    assert_int_equal(p.base_ms, 500);
    assert_int_equal(p.cap_ms, 30000);
    assert_int_equal(p.retry_after_cap_ms, 120000);
}

static void backoff_ceiling_doubles_then_stops_at_the_cap(void **state)
{
    (void)state;
    struct dw_retry_policy p = policy();
    /* 500 * 2^(n-1): 500, 1000, 2000, 4000, 8000, 16000, then 32000 > cap. */
    assert_int_equal(dw_retry_backoff_ceiling(&p, 1), 500);
    assert_int_equal(dw_retry_backoff_ceiling(&p, 2), 1000);
    assert_int_equal(dw_retry_backoff_ceiling(&p, 3), 2000);
    assert_int_equal(dw_retry_backoff_ceiling(&p, 6), 16000);
    assert_int_equal(dw_retry_backoff_ceiling(&p, 7), 30000);
    assert_int_equal(dw_retry_backoff_ceiling(&p, 200), 30000);
    p.base_ms = 1;
    p.cap_ms = 5;
    /* 1, 2, 4, then 8 capped to 5. */
    assert_int_equal(dw_retry_backoff_ceiling(&p, 3), 4);
    assert_int_equal(dw_retry_backoff_ceiling(&p, 4), 5);
}

static void full_jitter_is_random_mod_ceiling_plus_one(void **state)
{
    (void)state;
    struct dw_retry_policy p = policy();
    /* 1234567 mod 501 = 1234567 - 501*2464 (1234464) = 103. */
    assert_int_equal(dw_retry_backoff(&p, 1, 1234567), 103);
    /* 1234567 mod 2001 = 1234567 - 2001*616 (1232616) = 1951. */
    assert_int_equal(dw_retry_backoff(&p, 3, 1234567), 1951);
    assert_int_equal(dw_retry_backoff(&p, 1, 500), 500); /* inclusive */
    assert_int_equal(dw_retry_backoff(&p, 1, 501), 0);
}

static void retries_only_transient_statuses(void **state)
{
    (void)state;
    static const long yes[] = {408, 429, 500, 502, 503, 504};
    static const long no[] = {200, 301, 400, 401, 403, 404, 409, 422, 501, 505};
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        assert_true(dw_retry_status_retryable(yes[i]));
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        assert_false(dw_retry_status_retryable(no[i]));
}

static void auth_failures_are_never_retried(void **state)
{
    (void)state;
    struct dw_retry_policy p = policy();
    struct dw_retry_decision d =
        dw_retry_decide(&p, 1, DW_ATTEMPT_STATUS, 401, -1, 0);
    assert_false(d.retry);
    assert_int_equal(d.final, DW_ERR_AUTH);
    d = dw_retry_decide(&p, 1, DW_ATTEMPT_STATUS, 403, 5000, 0);
    assert_false(d.retry);
    assert_int_equal(d.final, DW_ERR_AUTH);
    d = dw_retry_decide(&p, 1, DW_ATTEMPT_STATUS, 404, -1, 0);
    assert_int_equal(d.final, DW_ERR_NOT_FOUND);
    d = dw_retry_decide(&p, 1, DW_ATTEMPT_STATUS, 400, -1, 0);
    assert_false(d.retry);
    assert_int_equal(d.final, DW_ERR_HTTP);
    d = dw_retry_decide(&p, 1, DW_ATTEMPT_TOO_LARGE, 200, -1, 0);
    assert_false(d.retry);
    assert_int_equal(d.final, DW_ERR_TOO_LARGE);
    d = dw_retry_decide(&p, 1, DW_ATTEMPT_OK, 200, -1, 0);
    assert_false(d.retry);
    assert_int_equal(d.final, DW_OK);
}

static void retry_after_replaces_backoff_and_is_capped(void **state)
{
    (void)state;
    struct dw_retry_policy p = policy();
    struct dw_retry_decision d =
        dw_retry_decide(&p, 1, DW_ATTEMPT_STATUS, 429, 7000, 99);
    assert_true(d.retry);
    assert_int_equal(d.delay_ms, 7000);
    d = dw_retry_decide(&p, 2, DW_ATTEMPT_STATUS, 503, 600000, 99);
    assert_int_equal(d.delay_ms, 120000);
    /* Without Retry-After: jitter, 99 mod (1000 + 1) = 99 on attempt 2. */
    d = dw_retry_decide(&p, 2, DW_ATTEMPT_STATUS, 429, -1, 99);
    assert_int_equal(d.delay_ms, 99);
}

static void exhausted_retries_say_why(void **state)
{
    (void)state;
    struct dw_retry_policy p = policy();
    struct dw_retry_decision d =
        dw_retry_decide(&p, 5, DW_ATTEMPT_STATUS, 429, 1000, 0);
    assert_false(d.retry);
    assert_int_equal(d.final, DW_ERR_THROTTLED);
    d = dw_retry_decide(&p, 5, DW_ATTEMPT_STATUS, 502, -1, 0);
    assert_int_equal(d.final, DW_ERR_HTTP);
    d = dw_retry_decide(&p, 5, DW_ATTEMPT_TRANSPORT, 0, -1, 0);
    assert_int_equal(d.final, DW_ERR_HTTP);
    d = dw_retry_decide(&p, 5, DW_ATTEMPT_BAD_BODY, 200, -1, 0);
    assert_int_equal(d.final, DW_ERR_PARSE);
    /* Before the last attempt, transport and bad bodies are retried. */
    d = dw_retry_decide(&p, 4, DW_ATTEMPT_TRANSPORT, 0, -1, 0);
    assert_true(d.retry);
    d = dw_retry_decide(&p, 4, DW_ATTEMPT_BAD_BODY, 200, -1, 0);
    assert_true(d.retry);
}

static void parses_imf_fixdate(void **state)
{
    (void)state;
    int64_t t;
    /* RFC 7231's example: 1994-11-06T08:49:37Z = 784111777 s. */
    assert_int_equal(dw_http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT", &t),
                     DW_OK);
    assert_int_equal(t, 784111777LL * DW_USEC);
    /* 2024-02-29 was a Thursday. */
    assert_int_equal(dw_http_date_parse("Thu, 29 Feb 2024 00:00:00 GMT", &t),
                     DW_OK);
    assert_int_equal(t, dw_days_from_civil(2024, 2, 29) * 86400 * DW_USEC);
    static const char *const bad[] = {
        "Wed, 29 Feb 2023 00:00:00 GMT", /* no such day */
        "Mon, 06 Nov 1994 08:49:37 GMT", /* wrong weekday */
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 06 Nov 1994 24:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(dw_http_date_parse(bad[i], &t), DW_ERR_PARSE);
}

static void parses_retry_after_seconds_and_dates(void **state)
{
    (void)state;
    int64_t ms;
    int64_t now = 784111777LL * DW_USEC - 30 * DW_USEC;
    assert_int_equal(dw_retry_after_parse("120", now, &ms), DW_OK);
    assert_int_equal(ms, 120000);
    assert_int_equal(dw_retry_after_parse(" 7 ", now, &ms), DW_OK);
    assert_int_equal(ms, 7000);
    assert_int_equal(dw_retry_after_parse("0", now, &ms), DW_OK);
    assert_int_equal(ms, 0);
    /* The date is 30 s after now. */
    assert_int_equal(
        dw_retry_after_parse("Sun, 06 Nov 1994 08:49:37 GMT", now, &ms), DW_OK);
    assert_int_equal(ms, 30000);
    /* A date in the past means: now. */
    assert_int_equal(dw_retry_after_parse("Sun, 06 Nov 1994 08:49:37 GMT",
                                          now + 3600 * DW_USEC, &ms),
                     DW_OK);
    assert_int_equal(ms, 0);
    assert_int_equal(dw_retry_after_parse("-5", now, &ms), DW_ERR_PARSE);
    assert_int_equal(dw_retry_after_parse("1.5", now, &ms), DW_ERR_PARSE);
    assert_int_equal(dw_retry_after_parse("", now, &ms), DW_ERR_PARSE);
    assert_int_equal(dw_retry_after_parse(NULL, now, &ms), DW_ERR_PARSE);
}

static void credentials_only_travel_over_https_or_to_loopback(void **state)
{
    (void)state;
    assert_true(dw_http_url_allowed("https://api.prolific.com"));
    assert_true(dw_http_url_allowed("http://127.0.0.1:8080/api"));
    assert_true(dw_http_url_allowed("http://localhost"));
    assert_false(dw_http_url_allowed("http://api.prolific.com"));
    assert_false(dw_http_url_allowed("http://127.0.0.1.evil.example/"));
    assert_false(dw_http_url_allowed("ftp://127.0.0.1/"));
    assert_false(dw_http_url_allowed(NULL));
}

static void logged_request_names_hide_the_host(void **state)
{
    (void)state;
    struct dw_http_req r;
    dw_http_req_init(&r);
    assert_int_equal(
        dw_http_req_set_url(&r, "https://api.prolific.com/api/v1/x/?a=1#f"),
        DW_OK);
    assert_string_equal(r.log_name, "/api/v1/x/?a=1");
    assert_int_equal(dw_http_req_add_header(&r, "X-N: %d", 5), DW_OK);
    assert_string_equal(r.headers[0], "X-N: 5");
    dw_http_req_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_are_five_attempts_500ms_base_30s_cap),
        cmocka_unit_test(backoff_ceiling_doubles_then_stops_at_the_cap),
        cmocka_unit_test(full_jitter_is_random_mod_ceiling_plus_one),
        cmocka_unit_test(retries_only_transient_statuses),
        cmocka_unit_test(auth_failures_are_never_retried),
        cmocka_unit_test(retry_after_replaces_backoff_and_is_capped),
        cmocka_unit_test(exhausted_retries_say_why),
        cmocka_unit_test(parses_imf_fixdate),
        cmocka_unit_test(parses_retry_after_seconds_and_dates),
        cmocka_unit_test(credentials_only_travel_over_https_or_to_loopback),
        cmocka_unit_test(logged_request_names_hide_the_host),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
