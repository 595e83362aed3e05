/* tests/unit/test_toloka.c — the Toloka adapter on recorded-style pages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwtime.h"
#include "platform.h"
#include "pseudonym.h"

#define KEY "unit-test-pseudonym-key-0123456789"
#define EP "https://toloka.dev"
#define POOL21 EP "/api/v1/assignments?pool_id=21&sort=id&limit=500"
#define LAST_D7 "00001092da--61ef030400c684132d0da0d7"

enum { K_POOLS = 1, K_ASSIGNMENTS = 2, K_BONUSES = 3 };

static char *slurp(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/fixtures/toloka/%s", DW_SOURCE_DIR,
             name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return s;
}

static struct dw_source_config src;

static struct dw_platform_ctx make_ctx(void)
{
    struct dw_platform_ctx c = {0};
    memset(&src, 0, sizeof(src));
    src.name = "toloka-main";
    src.platform = "toloka";
    c.source = &src;
    c.endpoint = EP;
    c.credential = "secret-oauth-token";
    c.pseudonym_key = KEY;
    /* 2026-11-24T00:00:00Z */
    c.now = dw_days_from_civil(2026, 11, 24) * 86400 * DW_USEC;
    c.since = DW_TIME_NONE;
    return c;
}

/* µs of a UTC civil time plus a fraction in µs, computed by hand below. */
static int64_t at(unsigned m, unsigned d, int h, int mi, int s, int64_t us)
{
    return dw_days_from_civil(2026, m, d) * 86400 * DW_USEC +
           ((int64_t)h * 3600 + mi * 60 + s) * DW_USEC + us;
}

static enum dw_status parse_text(const struct dw_platform_ctx *ctx,
                                 const char *body, size_t len, int kind,
                                 const char *url, const char *scope,
                                 struct dw_parse_out *out, struct dw_error *err)
{
    struct dw_request req = {0};
    req.kind = kind;
    req.url = (char *)url;
    req.scope = (char *)scope;
    dw_parse_out_init(out);
    return dw_platform_toloka.parse(ctx, &req, body, len, out, err);
}

static enum dw_status parse_fixture(const struct dw_platform_ctx *ctx,
                                    const char *file, int kind, const char *url,
                                    const char *scope, struct dw_parse_out *out,
                                    struct dw_error *err)
{
    size_t len;
    char *body = slurp(file, &len);
    enum dw_status st = parse_text(ctx, body, len, kind, url, scope, out, err);
    free(body);
    return st;
}

static void key_of(const char *raw, char *out)
{
    assert_int_equal(dw_pseudonym(KEY, "toloka", raw, out, NULL), DW_OK);
}

static void registry_finds_toloka_by_name(void **state)
{
    (void)state;
    assert_ptr_equal(dw_platform_find("toloka"), &dw_platform_toloka);
    assert_non_null(dw_platform_toloka.classify);
}

static void start_lists_pools_then_bonuses_over_the_window(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_request_list l;
    dw_request_list_init(&l);
    /* since = 2026-11-02T12:00:00.5Z -> naive, six fraction digits. */
    ctx.since = at(11, 2, 12, 0, 0, 500000);
    assert_int_equal(dw_platform_toloka.start(&ctx, &l, NULL), DW_OK);
    assert_int_equal(l.n, 2);
    /* sync pops from the end: pools come first. */
    assert_int_equal(l.items[1].kind, K_POOLS);
    assert_string_equal(l.items[1].url, EP "/api/v1/pools?sort=id&limit=500");
    assert_int_equal(l.items[0].kind, K_BONUSES);
    assert_string_equal(l.items[0].url,
                        EP "/api/v1/user-bonuses?sort=id&limit=500"
                           "&created_gt=2026-11-02T12:00:00.500000");
    dw_request_list_release(&l);
}

static void prepare_sends_oauth_or_apikey_by_the_sdk_rule(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_request req = {0};
    struct dw_http_req h;

    dw_http_req_init(&h);
    assert_int_equal(dw_platform_toloka.prepare(&ctx, &req, &h, NULL), DW_OK);
    assert_string_equal(h.headers[0],
                        "Authorization: OAuth secret-oauth-token");
    dw_http_req_release(&h);

    /* Two dots, the first at index 23 (22..24): an API key. */
    ctx.credential = "abcdefghijklmnopqrstuvw.payload.sig";
    dw_http_req_init(&h);
    assert_int_equal(dw_platform_toloka.prepare(&ctx, &req, &h, NULL), DW_OK);
    assert_string_equal(h.headers[0],
                        "Authorization: ApiKey abcdefghijklmnopqrstuvw."
                        "payload.sig");
    dw_http_req_release(&h);

    /* Two dots but the first at index 3: still an OAuth token. */
    ctx.credential = "abc.def.ghi";
    dw_http_req_init(&h);
    assert_int_equal(dw_platform_toloka.prepare(&ctx, &req, &h, NULL), DW_OK);
    assert_string_equal(h.headers[0], "Authorization: OAuth abc.def.ghi");
    dw_http_req_release(&h);

    ctx.credential = "";
    dw_http_req_init(&h);
    assert_int_equal(dw_platform_toloka.prepare(&ctx, &req, &h, NULL),
                     DW_ERR_CONFIG);
    dw_http_req_release(&h);
}

static void pools_become_tasks_in_usd_with_assignment_follow_ups(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    assert_int_equal(parse_fixture(&ctx, "pools.json", K_POOLS,
                                   EP "/api/v1/pools?sort=id&limit=500", NULL,
                                   &out, NULL),
                     DW_OK);
    assert_int_equal(out.rows.n_tasks, 2);
    const struct dw_task_row *a = &out.rows.tasks[0];
    assert_string_equal(a->external_id, "21");
    assert_string_equal(a->title, "Cats or dogs");
    /* 0.05 USD = 0.05 * 1,000,000 = 50,000 micro-dollars. */
    assert_int_equal(a->reward_micros, 50000);
    assert_string_equal(a->currency, "USD");
    assert_int_equal(a->max_time_s, 600);
    assert_int_equal(a->estimate_s, DW_NONE);
    /* Five fraction digits: .12345 s = 123,450 µs. */
    assert_int_equal(a->created_at, at(10, 1, 9, 0, 0, 123450));
    const struct dw_task_row *b = &out.rows.tasks[1];
    assert_string_equal(b->external_id, "1022"); /* an integer id */
    assert_string_equal(b->title, "Transcribe receipts");
    assert_int_equal(b->reward_micros, 1300000); /* 1.3 USD */
    assert_int_equal(out.rows.n_quarantine, 1);
    assert_string_equal(out.rows.quarantine[0].reason, "missing id");
    assert_int_equal(out.rows.quarantine[0].index, 2);
    assert_int_equal(out.follow.n, 2);
    assert_int_equal(out.follow.items[0].kind, K_ASSIGNMENTS);
    assert_string_equal(out.follow.items[0].url, POOL21);
    assert_string_equal(out.follow.items[0].scope, "21");
    assert_string_equal(out.follow.items[1].url, EP
                        "/api/v1/assignments?pool_id=1022&sort=id&limit=500");
    assert_false(out.has_next); /* has_more false */
    dw_parse_out_release(&out);
}

static void every_status_maps_and_unseen_ones_are_unknown(void **state)
{
    (void)state;
    static const char *const want[] = {"in_progress", "submitted", "approved",
                                       "rejected",    "returned",  "expired",
                                       "unknown"};
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    assert_int_equal(parse_fixture(&ctx, "assignments_statuses.json",
                                   K_ASSIGNMENTS, POOL21, "21", &out, NULL),
                     DW_OK);
    assert_int_equal(out.rows.n_units, 7);
    assert_int_equal(out.rows.n_quarantine, 0);
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(dw_unit_status_name(out.rows.units[i].status),
                            want[i]);
    assert_string_equal(out.rows.units[6].status_raw, "FROZEN");
    for (size_t i = 0; i < 7; i++) {
        assert_string_equal(out.rows.units[i].task_external_id, "21");
        /* 0.05 USD each. */
        assert_int_equal(out.rows.units[i].reward_micros, 50000);
        assert_string_equal(out.rows.units[i].currency, "USD");
    }
    dw_parse_out_release(&out);
}

static void naive_times_with_any_fraction_become_unit_times(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    assert_int_equal(parse_fixture(&ctx, "assignments_statuses.json",
                                   K_ASSIGNMENTS, POOL21, "21", &out, NULL),
                     DW_OK);
    const struct dw_unit_row *u = out.rows.units;
    /* ACTIVE: created 10:00:00.12345 -> 123,450 µs; no end, no decision. */
    assert_int_equal(u[0].accepted_at, at(11, 2, 10, 0, 0, 123450));
    assert_int_equal(u[0].submitted_at, DW_TIME_NONE);
    assert_int_equal(u[0].decided_at, DW_TIME_NONE);
    /* SUBMITTED at 10:05:30.5 -> 500,000 µs. */
    assert_int_equal(u[1].submitted_at, at(11, 2, 10, 5, 30, 500000));
    /* ACCEPTED: decided when accepted, 09:00:00.123456 the next day. */
    assert_int_equal(u[2].accepted_at, at(11, 2, 11, 0, 0, 1));
    assert_int_equal(u[2].submitted_at, at(11, 2, 11, 10, 0, 250000));
    assert_int_equal(u[2].decided_at, at(11, 3, 9, 0, 0, 123456));
    /* REJECTED: decided when rejected, 18:00:00.12345. */
    assert_int_equal(u[3].decided_at, at(11, 2, 18, 0, 0, 123450));
    /* SKIPPED ends when skipped (13:02:00.1234), EXPIRED when expired. */
    assert_int_equal(u[4].submitted_at, at(11, 2, 13, 2, 0, 123400));
    assert_int_equal(u[5].submitted_at, at(11, 2, 14, 10, 0, 0));
    dw_parse_out_release(&out);
}

static void worker_ids_become_keys_and_work_is_not_landed(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    char ka[DW_PSEUDONYM_HEX];
    key_of("user-a", ka);
    assert_int_equal(parse_fixture(&ctx, "assignments_statuses.json",
                                   K_ASSIGNMENTS, POOL21, "21", &out, NULL),
                     DW_OK);
    assert_string_equal(out.rows.units[1].worker_key, ka);
    assert_non_null(out.landed);
    assert_non_null(strstr(out.landed, ka));
    assert_null(strstr(out.landed, "user-a"));
    assert_null(strstr(out.landed, "input_values"));
    assert_null(strstr(out.landed, "solutions"));
    assert_null(strstr(out.landed, "owner"));
    assert_null(strstr(out.landed, "ac1e4701364b4ccef8a4fe10a8980cff"));
    /* The task reference itself stays. */
    assert_non_null(strstr(out.landed, "origin_task_id"));
    dw_parse_out_release(&out);
}

static void has_more_pages_on_from_the_last_id(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    assert_int_equal(parse_fixture(&ctx, "assignments_statuses.json",
                                   K_ASSIGNMENTS, POOL21, "21", &out, NULL),
                     DW_OK);
    assert_true(out.has_next);
    assert_int_equal(out.next.kind, K_ASSIGNMENTS);
    assert_false(out.next.root);
    assert_string_equal(out.next.url, POOL21 "&id_gt=" LAST_D7);
    assert_string_equal(out.next.scope, "21");
    dw_parse_out_release(&out);

    /* From page two the cursor is replaced, not appended to. */
    assert_int_equal(
        parse_fixture(&ctx, "assignments_statuses.json", K_ASSIGNMENTS,
                      POOL21 "&id_gt=00001092da--61ef030400c684132d0da0c0",
                      "21", &out, NULL),
        DW_OK);
    assert_string_equal(out.next.url, POOL21 "&id_gt=" LAST_D7);
    dw_parse_out_release(&out);
}

static void has_more_false_ends_the_list(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    assert_int_equal(parse_fixture(&ctx, "assignments_last.json", K_ASSIGNMENTS,
                                   POOL21 "&id_gt=" LAST_D7, "21", &out, NULL),
                     DW_OK);
    assert_false(out.has_next);
    assert_null(out.next.url);
    assert_int_equal(out.rows.n_units, 1);
    assert_int_equal(out.rows.units[0].reward_micros, 100000); /* 0.1 USD */
    dw_parse_out_release(&out);
}

static void a_cursor_that_does_not_move_forward_is_a_parse_error(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    struct dw_error err = {0};
    /* The page ends at d7 although the request asked for ids after d7. */
    assert_int_equal(parse_fixture(&ctx, "assignments_statuses.json",
                                   K_ASSIGNMENTS, POOL21 "&id_gt=" LAST_D7,
                                   "21", &out, &err),
                     DW_ERR_PARSE);
    assert_non_null(strstr(err.msg, "forward"));
    dw_parse_out_release(&out);
    /* An empty page that claims more would loop forever. */
    assert_int_equal(parse_fixture(&ctx, "empty_has_more.json", K_ASSIGNMENTS,
                                   POOL21, "21", &out, &err),
                     DW_ERR_PARSE);
    assert_non_null(strstr(err.msg, "empty"));
    dw_parse_out_release(&out);
}

static void look_back_window_skips_older_assignments(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    /* Window from 12:00: d1, d2 (10:00) and d3 (11:00) are older. */
    ctx.since = at(11, 2, 12, 0, 0, 0);
    assert_int_equal(parse_fixture(&ctx, "assignments_statuses.json",
                                   K_ASSIGNMENTS, POOL21, "21", &out, NULL),
                     DW_OK);
    assert_int_equal(out.skipped, 3);
    assert_int_equal(out.rows.n_units, 4);
    assert_string_equal(out.rows.units[0].external_id,
                        "00001092da--61ef030400c684132d0da0d4");
    dw_parse_out_release(&out);
}

static void bad_assignments_are_quarantined_with_reasons(void **state)
{
    (void)state;
    static const char *const reasons[] = {
        "missing user_id",      "created unparseable",
        "reward not a number",  "reward out of range",
        "ended before created", "timestamp in the future",
        "missing status",       "missing created",
    };
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    char ka[DW_PSEUDONYM_HEX];
    key_of("user-a", ka);
    assert_int_equal(parse_fixture(&ctx, "assignments_invalid.json",
                                   K_ASSIGNMENTS, POOL21, "21", &out, NULL),
                     DW_OK);
    assert_int_equal(out.rows.n_quarantine, 8);
    for (size_t i = 0; i < 8; i++) {
        const struct dw_quarantine_row *q = &out.rows.quarantine[i];
        assert_string_equal(q->reason, reasons[i]);
        assert_int_equal(q->index, (int)i);
        assert_string_equal(q->page,
                            "/api/v1/assignments?pool_id=21&sort=id&limit=500");
        /* Quarantined records carry the key, never the raw id. */
        assert_null(strstr(q->record, "user-a"));
    }
    assert_non_null(strstr(out.rows.quarantine[1].record, ka));
    /* The good record after them is kept: 0.3 USD. */
    assert_int_equal(out.rows.n_units, 1);
    assert_string_equal(out.rows.units[0].external_id, "good-9");
    assert_int_equal(out.rows.units[0].reward_micros, 300000);
    dw_parse_out_release(&out);
}

static void bonuses_become_payments_deduplicated_by_id(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    char ka[DW_PSEUDONYM_HEX], kb[DW_PSEUDONYM_HEX];
    key_of("user-a", ka);
    key_of("user-b", kb);
    assert_int_equal(parse_fixture(&ctx, "bonuses.json", K_BONUSES,
                                   EP "/api/v1/user-bonuses?sort=id&limit=500",
                                   NULL, &out, NULL),
                     DW_OK);
    assert_int_equal(out.rows.n_payments, 2);
    const struct dw_payment_row *p = &out.rows.payments[0];
    assert_string_equal(p->dedupe_key, "0000bb0001--aa");
    assert_string_equal(p->unit_external_id,
                        "00001092da--61ef030400c684132d0da0d3");
    assert_string_equal(p->worker_key, ka);
    assert_string_equal(p->kind, "bonus");
    /* 0.30000000000000004 is the float of 0.1 + 0.2: 0.3 USD exactly. */
    assert_int_equal(p->amount_micros, 300000);
    assert_string_equal(p->currency, "USD");
    assert_int_equal(p->effective_at, at(11, 4, 8, 0, 0, 123450));
    p = &out.rows.payments[1];
    assert_string_equal(p->worker_key, kb);
    assert_null(p->unit_external_id);
    assert_int_equal(p->amount_micros, 2000000); /* integer 2 USD */
    assert_int_equal(out.rows.n_quarantine, 1);
    assert_string_equal(out.rows.quarantine[0].reason, "amount not a number");
    /* Free text to or about the worker is not landed. */
    assert_null(strstr(out.landed, "user-a"));
    assert_null(strstr(out.landed, "private_comment"));
    assert_null(strstr(out.landed, "public_message"));
    dw_parse_out_release(&out);
}

static void malformed_pages_are_parse_errors(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        "{\"items\":{},\"has_more\":false}",
        "{\"items\":[]}",
        "{\"items\":[],\"has_more\":\"no\"}",
        "[]",
        "",
    };
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    struct dw_error err = {0};
    assert_int_equal(parse_fixture(&ctx, "assignments_truncated.json",
                                   K_ASSIGNMENTS, POOL21, "21", &out, &err),
                     DW_ERR_PARSE);
    /* The message gives an offset, never the body's worker ids. */
    assert_null(strstr(err.msg, "user-a"));
    dw_parse_out_release(&out);
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        assert_int_equal(parse_text(&ctx, bodies[i], strlen(bodies[i]),
                                    K_ASSIGNMENTS, POOL21, "21", &out, NULL),
                         DW_ERR_PARSE);
        dw_parse_out_release(&out);
    }
}

static struct dw_http_verdict classify(long status, const char *body)
{
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_request req = {0};
    struct dw_http_verdict v;
    memset(&v, 0, sizeof(v));
    v.delay_ms = -1;
    dw_platform_toloka.classify(&ctx, &req, status, body,
                                body ? strlen(body) : 0, &v);
    return v;
}

static void hourly_and_daily_quotas_stop_the_run_as_partial(void **state)
{
    (void)state;
    struct dw_http_verdict v = classify(
        429, "{\"request_id\":\"a1\",\"code\":\"TOO_MANY_REQUESTS\","
             "\"message\":\"Too many\",\"payload\":{\"interval\":\"HOUR\"}}");
    assert_int_equal(v.kind, DW_HTTP_FINAL);
    assert_int_equal(v.final, DW_ERR_THROTTLED);
    assert_non_null(strstr(v.msg, "hourly"));
    v = classify(429, "{\"code\":\"TOO_MANY_REQUESTS\","
                      "\"payload\":{\"interval\":\"DAY\"}}");
    assert_int_equal(v.kind, DW_HTTP_FINAL);
    assert_int_equal(v.final, DW_ERR_THROTTLED);
    assert_non_null(strstr(v.msg, "daily"));
}

static void minute_quota_is_retried_after_retry_after_or_backoff(void **state)
{
    (void)state;
    struct dw_http_verdict v = classify(
        429, "{\"code\":\"TOO_MANY_REQUESTS\",\"message\":\"slow down\","
             "\"payload\":{\"interval\":\"MIN\"}}");
    assert_int_equal(v.kind, DW_HTTP_RETRY);
    assert_int_equal(v.final, DW_ERR_THROTTLED);
    assert_int_equal(v.delay_ms, -1);
    assert_string_equal(v.msg, "TOO_MANY_REQUESTS: slow down");
    /* A bare 429 (a proxy's) is retried the same way. */
    v = classify(429, "");
    assert_int_equal(v.kind, DW_HTTP_RETRY);
    assert_int_equal(v.final, DW_ERR_THROTTLED);
}

static void other_errors_carry_tolokas_code(void **state)
{
    (void)state;
    struct dw_http_verdict v =
        classify(500, "{\"code\":\"INTERNAL_ERROR\",\"request_id\":\"abc\","
                      "\"message\":\"Internal Error\",\"payload\":null}");
    assert_int_equal(v.kind, DW_HTTP_DEFAULT); /* 5xx: retried */
    assert_string_equal(v.msg, "INTERNAL_ERROR: Internal Error");
    v = classify(401, "{\"code\":\"AUTHENTICATION_ERROR\",\"message\":\"no\"}");
    assert_int_equal(v.kind, DW_HTTP_FINAL);
    assert_int_equal(v.final, DW_ERR_AUTH);
    v = classify(400, "{\"code\":\"VALIDATION_ERROR\",\"message\":\"bad\"}");
    assert_int_equal(v.kind, DW_HTTP_FINAL);
    assert_int_equal(v.final, DW_ERR_HTTP);
    v = classify(200, "{\"items\":[],\"has_more\":false}");
    assert_int_equal(v.kind, DW_HTTP_DEFAULT);
    v = classify(503, "<html>nginx</html>");
    assert_int_equal(v.kind, DW_HTTP_DEFAULT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(registry_finds_toloka_by_name),
        cmocka_unit_test(start_lists_pools_then_bonuses_over_the_window),
        cmocka_unit_test(prepare_sends_oauth_or_apikey_by_the_sdk_rule),
        cmocka_unit_test(pools_become_tasks_in_usd_with_assignment_follow_ups),
        cmocka_unit_test(every_status_maps_and_unseen_ones_are_unknown),
        cmocka_unit_test(naive_times_with_any_fraction_become_unit_times),
        cmocka_unit_test(worker_ids_become_keys_and_work_is_not_landed),
        cmocka_unit_test(has_more_pages_on_from_the_last_id),
        cmocka_unit_test(has_more_false_ends_the_list),
        cmocka_unit_test(a_cursor_that_does_not_move_forward_is_a_parse_error),
        cmocka_unit_test(look_back_window_skips_older_assignments),
        cmocka_unit_test(bad_assignments_are_quarantined_with_reasons),
        cmocka_unit_test(bonuses_become_payments_deduplicated_by_id),
        cmocka_unit_test(malformed_pages_are_parse_errors),
        cmocka_unit_test(hourly_and_daily_quotas_stop_the_run_as_partial),
        cmocka_unit_test(minute_quota_is_retried_after_retry_after_or_backoff),
        cmocka_unit_test(other_errors_carry_tolokas_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
