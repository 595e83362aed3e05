/* tests/unit/test_prolific.c — the Prolific adapter on recorded-style pages. */
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
#define EP "https://api.prolific.com"
#define STUDY_A "64a1b2c3d4e5f60718293a4b"
#define SCOPE_GBP                                                              \
    "{\"currency\":\"GBP\",\"reward\":150,\"study\":\"" STUDY_A "\"}"

static char *slurp(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/fixtures/prolific/%s", DW_SOURCE_DIR,
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
    src.name = "prolific-main";
    src.platform = "prolific";
    c.source = &src;
    c.endpoint = EP;
    c.credential = "secret-token";
    c.pseudonym_key = KEY;
    /* 2026-11-24T00:00:00Z = days_from_civil(2026,11,24) * 86400 s. */
    c.now = dw_days_from_civil(2026, 11, 24) * 86400 * DW_USEC;
    c.since = DW_TIME_NONE;
    return c;
}

static enum dw_status parse_fixture(const struct dw_platform_ctx *ctx,
                                    const char *file, int kind, const char *url,
                                    const char *scope, struct dw_parse_out *out,
                                    struct dw_error *err)
{
    size_t len;
    char *body = slurp(file, &len);
    struct dw_request req = {kind, false, (char *)url, (char *)scope, NULL};
    dw_parse_out_init(out);
    enum dw_status st =
        dw_platform_prolific.parse(ctx, &req, body, len, out, err);
    free(body);
    return st;
}

static void key_of(const char *raw, char *out)
{
    assert_int_equal(dw_pseudonym(KEY, "prolific", raw, out, NULL), DW_OK);
}

static void registry_finds_prolific_by_name(void **state)
{
    (void)state;
    assert_ptr_equal(dw_platform_find("prolific"), &dw_platform_prolific);
    assert_null(dw_platform_find("nope"));
    assert_null(dw_platform_find(NULL));
}

static void builds_first_request_from_config(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_request_list l;
    dw_request_list_init(&l);
    assert_int_equal(dw_platform_prolific.start(&ctx, &l, NULL), DW_OK);
    assert_int_equal(l.n, 1);
    assert_true(l.items[0].root);
    assert_string_equal(l.items[0].url,
                        EP "/api/v1/studies/?limit=200&offset=0");
    dw_request_list_release(&l);

    src.page_size = 50;
    assert_int_equal(dw_platform_prolific.start(&ctx, &l, NULL), DW_OK);
    assert_string_equal(l.items[0].url,
                        EP "/api/v1/studies/?limit=50&offset=0");
    dw_request_list_release(&l);
}

static void prepare_sends_the_token_header(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_http_req h;
    struct dw_request req = {1, true, EP "/api/v1/studies/", NULL, NULL};
    dw_http_req_init(&h);
    assert_int_equal(dw_platform_prolific.prepare(&ctx, &req, &h, NULL), DW_OK);
    assert_int_equal(h.n_headers, 2);
    assert_string_equal(h.headers[0], "Authorization: Token secret-token");
    dw_http_req_release(&h);

    ctx.credential = NULL;
    dw_http_req_init(&h);
    assert_int_equal(dw_platform_prolific.prepare(&ctx, &req, &h, NULL),
                     DW_ERR_CONFIG);
    dw_http_req_release(&h);
}

static void studies_page_gives_tasks_submission_lists_and_next(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out o;
    assert_int_equal(parse_fixture(&ctx, "studies_page1.json", 1,
                                   EP "/api/v1/studies/?limit=2&offset=0", NULL,
                                   &o, NULL),
                     DW_OK);
    assert_int_equal(o.rows.n_tasks, 2);
    struct dw_task_row *t = &o.rows.tasks[0];
    assert_string_equal(t->external_id, STUDY_A);
    assert_string_equal(t->title, "Image labelling batch 1");
    assert_true(t->has_reward);
    /* 150 pence = 1.50 GBP = 1,500,000 micro-units. */
    assert_int_equal(t->reward_micros, 1500000);
    assert_string_equal(t->currency, "GBP");
    assert_int_equal(t->estimate_s, 600);  /* 10 min */
    assert_int_equal(t->max_time_s, 2400); /* 40 min */
    /* 7.5 min = 450 s; 125 cents = 1,250,000 micro-USD. */
    assert_int_equal(o.rows.tasks[1].estimate_s, 450);
    assert_int_equal(o.rows.tasks[1].reward_micros, 1250000);
    assert_string_equal(o.rows.tasks[1].currency, "USD");

    assert_int_equal(o.follow.n, 2);
    assert_int_equal(o.follow.items[0].kind, 2);
    assert_string_equal(o.follow.items[0].url,
                        EP "/api/v1/studies/" STUDY_A
                           "/submissions/?limit=200&offset=0");
    assert_string_equal(o.follow.items[0].scope, SCOPE_GBP);
    assert_true(o.has_next);
    assert_string_equal(o.next.url, EP "/api/v1/studies/?limit=2&offset=2");
    assert_int_equal(o.next.kind, 1);
    assert_non_null(o.landed);
    assert_int_equal(o.rows.n_quarantine, 0);
    dw_parse_out_release(&o);
}

static void last_studies_page_quarantines_unknown_currency(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out o;
    assert_int_equal(parse_fixture(&ctx, "studies_page2.json", 1,
                                   EP "/api/v1/studies/?limit=2&offset=2", NULL,
                                   &o, NULL),
                     DW_OK);
    assert_false(o.has_next);
    assert_int_equal(o.rows.n_quarantine, 1);
    assert_string_equal(o.rows.quarantine[0].reason, "unknown currency");
    assert_string_equal(o.rows.quarantine[0].page,
                        "/api/v1/studies/?limit=2&offset=2");
    /* The task is kept without a reward; its submissions still listed. */
    assert_int_equal(o.rows.n_tasks, 1);
    assert_false(o.rows.tasks[0].has_reward);
    assert_int_equal(o.follow.n, 1);
    dw_parse_out_release(&o);
}

static void maps_every_status_including_spaces_and_unknown(void **state)
{
    (void)state;
    static const struct {
        const char *raw, *norm;
    } want[] = {
        {"APPROVED", "approved"},           {"AWAITING REVIEW", "submitted"},
        {"REJECTED", "rejected"},           {"RETURNED", "returned"},
        {"TIMED-OUT", "expired"},           {"SCREENED OUT", "screened_out"},
        {"ACTIVE", "in_progress"},          {"RESERVED", "in_progress"},
        {"PARTIALLY APPROVED", "approved"}, {"ON HOLD", "unknown"},
    };
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out o;
    assert_int_equal(parse_fixture(&ctx, "submissions_statuses.json", 2,
                                   EP "/api/v1/studies/" STUDY_A
                                      "/submissions/?limit=200&offset=0",
                                   SCOPE_GBP, &o, NULL),
                     DW_OK);
    assert_int_equal(o.rows.n_units, 10);
    assert_int_equal(o.rows.n_quarantine, 0);
    for (size_t i = 0; i < 10; i++) {
        assert_string_equal(o.rows.units[i].status_raw, want[i].raw);
        assert_string_equal(dw_unit_status_name(o.rows.units[i].status),
                            want[i].norm);
        assert_string_equal(o.rows.units[i].task_external_id, STUDY_A);
    }
    struct dw_unit_row *u = &o.rows.units[0];
    char wk[DW_PSEUDONYM_HEX];
    key_of("60bf9310e8dec401be6e9601", wk);
    assert_string_equal(u->worker_key, wk);
    assert_string_equal(u->external_id, "6650c1f0a2b3c4d5e6f70801");
    /* 150 pence -> 1,500,000; 10:30 -> 10:45 is 900 s. */
    assert_true(u->has_reward);
    assert_int_equal(u->reward_micros, 1500000);
    assert_string_equal(u->currency, "GBP");
    assert_int_equal(u->submitted_at - u->accepted_at, 900 * DW_USEC);
    assert_int_equal(u->duration_s, 900);
    assert_int_equal(u->decided_at, DW_TIME_NONE);
    /* Returned: no completion time. */
    assert_int_equal(o.rows.units[3].submitted_at, DW_TIME_NONE);
    /* 75 pence on the partially approved one. */
    assert_int_equal(o.rows.units[8].reward_micros, 750000);
    /* Microsecond stamps survive: .123456. */
    assert_int_equal(o.rows.units[9].accepted_at % DW_USEC, 123456);

    /* Detail (bonuses) for APPROVED and PARTIALLY APPROVED only. */
    assert_int_equal(o.follow.n, 2);
    assert_int_equal(o.follow.items[0].kind, 3);
    assert_string_equal(o.follow.items[0].url,
                        EP "/api/v1/submissions/6650c1f0a2b3c4d5e6f70801/");
    assert_string_equal(o.follow.items[1].url,
                        EP "/api/v1/submissions/6650c1f0a2b3c4d5e6f70809/");
    assert_false(o.has_next);

    /* The landed body: worker keys, no raw ids, no IP, no demographics. */
    assert_null(strstr(o.landed, "60bf9310e8dec401be6e96"));
    assert_null(strstr(o.landed, "203.0.113"));
    assert_null(strstr(o.landed, "date of birth"));
    assert_non_null(strstr(o.landed, wk));
    assert_non_null(strstr(o.landed, "AWAITING REVIEW"));
    dw_parse_out_release(&o);
}

static void detail_gives_bonuses_in_exact_micro_units(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out o;
    char wk[DW_PSEUDONYM_HEX];
    assert_int_equal(
        parse_fixture(&ctx, "submission_detail.json", 3,
                      EP "/api/v1/submissions/6650c1f0a2b3c4d5e6f70801/",
                      SCOPE_GBP, &o, NULL),
        DW_OK);
    key_of("60bf9310e8dec401be6e9601", wk);
    assert_int_equal(o.rows.n_payments, 2);
    assert_int_equal(o.rows.n_units, 0);
    /* 25 pence = 0.25 GBP = 250,000; 50.5 pence = 0.505 GBP = 505,000. */
    assert_int_equal(o.rows.payments[0].amount_micros, 250000);
    assert_int_equal(o.rows.payments[1].amount_micros, 505000);
    assert_string_equal(o.rows.payments[0].dedupe_key,
                        "6650c1f0a2b3c4d5e6f70801:bonus:0");
    assert_string_equal(o.rows.payments[1].dedupe_key,
                        "6650c1f0a2b3c4d5e6f70801:bonus:1");
    assert_string_equal(o.rows.payments[0].kind, "bonus");
    assert_string_equal(o.rows.payments[0].currency, "GBP");
    assert_string_equal(o.rows.payments[0].worker_key, wk);
    assert_string_equal(o.rows.payments[0].unit_external_id,
                        "6650c1f0a2b3c4d5e6f70801");
    assert_int_equal(o.rows.payments[0].effective_at, DW_TIME_NONE);
    assert_null(strstr(o.landed, "60bf9310e8dec401be6e9601"));
    assert_non_null(strstr(o.landed, wk));
    dw_parse_out_release(&o);
}

static void bad_records_go_to_quarantine_pseudonymized(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out o;
    assert_int_equal(parse_fixture(&ctx, "submissions_invalid.json", 2,
                                   EP "/api/v1/studies/" STUDY_A
                                      "/submissions/?limit=200&offset=0",
                                   SCOPE_GBP, &o, NULL),
                     DW_OK);
    assert_int_equal(o.rows.n_units, 1);
    assert_int_equal(o.rows.n_quarantine, 2);
    assert_string_equal(o.rows.quarantine[0].reason, "missing participant_id");
    assert_int_equal(o.rows.quarantine[0].index, 1);
    assert_string_equal(o.rows.quarantine[1].reason,
                        "completed_at before started_at");
    assert_int_equal(o.rows.quarantine[1].index, 2);
    assert_null(
        strstr(o.rows.quarantine[1].record, "60bf9310e8dec401be6e9622"));
    assert_null(strstr(o.rows.quarantine[1].record, "203.0.113"));
    assert_non_null(
        strstr(o.rows.quarantine[1].record, "6650c1f0a2b3c4d5e6f70822"));
    dw_parse_out_release(&o);
}

/* Parses an inline body as a submissions page of study A. */
static enum dw_status parse_inline(const struct dw_platform_ctx *ctx,
                                   const char *body, const char *scope,
                                   struct dw_parse_out *o)
{
    struct dw_request req = {2, false,
                             EP "/api/v1/studies/" STUDY_A
                                "/submissions/?limit=2&offset=2",
                             (char *)scope, NULL};
    dw_parse_out_init(o);
    return dw_platform_prolific.parse(ctx, &req, body, strlen(body), o, NULL);
}

#define ITEM(extra)                                                            \
    "{\"results\":[{\"id\":\"s1\",\"participant_id\":\"p1\","                  \
    "\"status\":\"APPROVED\"," extra "}]}"

static void validation_rules_each_give_their_reason(void **state)
{
    (void)state;
    static const struct {
        const char *body, *reason;
    } cases[] = {
        {ITEM("\"started_at\":\"yesterday\""), "started_at unparseable"},
        {ITEM("\"started_at\":\"2026-11-26T00:00:01Z\""),
         "timestamp in the future"},
        {ITEM("\"started_at\":\"2026-11-20T00:00:00Z\",\"reward\":\"150\""),
         "reward not a number"},
        {"{\"results\":[{\"participant_id\":\"p1\",\"status\":\"ACTIVE\"}]}",
         "missing id"},
    };
    struct dw_platform_ctx ctx = make_ctx();
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct dw_parse_out o;
        assert_int_equal(parse_inline(&ctx, cases[i].body, SCOPE_GBP, &o),
                         DW_OK);
        assert_int_equal(o.rows.n_units, 0);
        assert_int_equal(o.rows.n_quarantine, 1);
        assert_string_equal(o.rows.quarantine[0].reason, cases[i].reason);
        dw_parse_out_release(&o);
    }
    /* Less than a day ahead is clock skew, not an error. */
    struct dw_parse_out o;
    assert_int_equal(
        parse_inline(&ctx, ITEM("\"started_at\":\"2026-11-24T23:00:00Z\""),
                     SCOPE_GBP, &o),
        DW_OK);
    assert_int_equal(o.rows.n_units, 1);
    dw_parse_out_release(&o);
    /* A study with an unknown currency: every submission quarantined. */
    assert_int_equal(
        parse_inline(&ctx, ITEM("\"started_at\":\"2026-11-20T00:00:00Z\""),
                     "{\"currency\":\"\",\"study\":\"x\"}", &o),
        DW_OK);
    assert_string_equal(o.rows.quarantine[0].reason, "unknown currency");
    dw_parse_out_release(&o);
}

static void records_before_the_window_are_skipped_not_quarantined(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out o;
    ctx.since = dw_days_from_civil(2026, 11, 21) * 86400 * DW_USEC;
    assert_int_equal(
        parse_inline(&ctx, ITEM("\"started_at\":\"2026-11-20T00:00:00Z\""),
                     SCOPE_GBP, &o),
        DW_OK);
    assert_int_equal(o.rows.n_units, 0);
    assert_int_equal(o.rows.n_quarantine, 0);
    assert_int_equal(o.follow.n, 0);
    assert_int_equal(o.skipped, 1);
    dw_parse_out_release(&o);
}

static void malformed_pages_are_parse_errors(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        "[]",
        "{\"results\":5}",
        "{}",
        "",
        "{\"results\":[],\"_links\":{\"next\":{\"href\":5}}}",
        /* off the API origin: the token must not follow it */
        "{\"results\":[],\"_links\":{\"next\":{\"href\":"
        "\"https://evil.example/api/v1/studies/?offset=4\"}}}",
        /* pointing back: a stale page */
        "{\"results\":[],\"_links\":{\"next\":{\"href\":"
        "\"https://api.prolific.com/api/v1/studies/" STUDY_A
        "/submissions/?limit=2&offset=2\"}}}",
    };
    struct dw_platform_ctx ctx = make_ctx();
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        struct dw_parse_out o;
        struct dw_error err = {0};
        struct dw_request req = {2, false,
                                 EP "/api/v1/studies/" STUDY_A
                                    "/submissions/?limit=2&offset=2",
                                 SCOPE_GBP, NULL};
        dw_parse_out_init(&o);
        assert_int_equal(dw_platform_prolific.parse(&ctx, &req, bodies[i],
                                                    strlen(bodies[i]), &o,
                                                    &err),
                         DW_ERR_PARSE);
        dw_parse_out_release(&o);
    }
    struct dw_parse_out o;
    assert_int_equal(parse_fixture(&ctx, "submissions_truncated.json", 2,
                                   EP "/api/v1/studies/" STUDY_A
                                      "/submissions/?limit=200&offset=0",
                                   SCOPE_GBP, &o, NULL),
                     DW_ERR_PARSE);
    dw_parse_out_release(&o);
}

static void frontier_round_trips_through_json(void **state)
{
    (void)state;
    struct dw_request_list l, back;
    char *json = NULL;
    int64_t since = dw_days_from_civil(2026, 10, 20) * 86400 * DW_USEC;
    int64_t since_back;
    dw_request_list_init(&l);
    dw_request_list_init(&back);
    assert_int_equal(dw_request_list_push(&l, 1, true, EP "/a", NULL), DW_OK);
    assert_int_equal(dw_request_list_push(&l, 2, false, EP "/b", "{\"x\":1}"),
                     DW_OK);
    assert_int_equal(dw_frontier_to_json(&l, since, &json, NULL), DW_OK);
    assert_int_equal(dw_frontier_from_json(json, &back, &since_back, NULL),
                     DW_OK);
    assert_int_equal(since_back, since);
    assert_int_equal(back.n, 2);
    assert_true(back.items[0].root);
    assert_null(back.items[0].scope);
    assert_string_equal(back.items[1].url, EP "/b");
    assert_string_equal(back.items[1].scope, "{\"x\":1}");
    struct dw_request r;
    assert_true(dw_request_list_pop(&back, &r));
    assert_string_equal(r.url, EP "/b");
    dw_request_release(&r);
    free(json);
    dw_request_list_release(&l);
    dw_request_list_release(&back);
    assert_int_equal(
        dw_frontier_from_json("{\"v\":2}", &back, &since_back, NULL),
        DW_ERR_PARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(registry_finds_prolific_by_name),
        cmocka_unit_test(builds_first_request_from_config),
        cmocka_unit_test(prepare_sends_the_token_header),
        cmocka_unit_test(studies_page_gives_tasks_submission_lists_and_next),
        cmocka_unit_test(last_studies_page_quarantines_unknown_currency),
        cmocka_unit_test(maps_every_status_including_spaces_and_unknown),
        cmocka_unit_test(detail_gives_bonuses_in_exact_micro_units),
        cmocka_unit_test(bad_records_go_to_quarantine_pseudonymized),
        cmocka_unit_test(validation_rules_each_give_their_reason),
        cmocka_unit_test(records_before_the_window_are_skipped_not_quarantined),
        cmocka_unit_test(malformed_pages_are_parse_errors),
        cmocka_unit_test(frontier_round_trips_through_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
