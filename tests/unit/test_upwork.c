/* tests/unit/test_upwork.c — the Upwork adapter on recorded-style answers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwtime.h"
#include "platform.h"
#include "pseudonym.h"

#define KEY "unit-test-pseudonym-key-0123456789"
#define EP "https://api.upwork.com"
#define GQL EP "/graphql"
#define ADA "~01aaaa1111"
#define TR_SCOPE                                                               \
    "{\"contract\":\"30000175\",\"currency\":\"USD\",\"from\":"                \
    "\"2026-10-05\",\"to\":\"2026-11-24\"}"

enum { K_CONTRACTS = 1, K_TIME = 2, K_DIARY = 3 }; /* the adapter's kinds */

static char *slurp(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/fixtures/upwork/%s", DW_SOURCE_DIR,
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

static int64_t day_us(int y, unsigned m, unsigned d)
{
    return dw_days_from_civil(y, m, d) * 86400 * DW_USEC;
}

static struct dw_platform_ctx make_ctx(void)
{
    struct dw_platform_ctx c = {0};
    memset(&src, 0, sizeof(src));
    src.name = "upwork-agency";
    src.platform = "upwork";
    c.source = &src;
    c.endpoint = EP;
    c.credential = "secret-token";
    c.pseudonym_key = KEY;
    c.now = day_us(2026, 11, 24); /* a Tuesday */
    c.since = DW_TIME_NONE;
    return c;
}

static enum dw_status parse_fixture(const struct dw_platform_ctx *ctx,
                                    const char *file, int kind,
                                    const char *scope, struct dw_parse_out *out,
                                    struct dw_error *err)
{
    size_t len;
    char *body = slurp(file, &len);
    struct dw_request req = {.kind = kind, .url = GQL, .scope = (char *)scope};
    dw_parse_out_init(out);
    enum dw_status st =
        dw_platform_upwork.parse(ctx, &req, body, len, out, err);
    free(body);
    return st;
}

static void key_of(const char *raw, char *out)
{
    assert_int_equal(dw_pseudonym(KEY, "upwork", raw, out, NULL), DW_OK);
}

/* The scope of a diary request for Ada's 2026-10-21. */
static char *diary_scope(void)
{
    char wk[DW_PSEUDONYM_HEX];
    key_of(ADA, wk);
    json_t *o = json_pack("{s:s,s:s,s:s,s:i,s:I,s:s}", "contract", "30000175",
                          "date", "2026-10-21", "worker", wk, "seconds", 17400,
                          "reward", (json_int_t)137750000, "currency", "USD");
    char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    return s;
}

/* The body prepare() would POST for req (heap), with its headers checked. */
static char *body_of(const struct dw_platform_ctx *ctx,
                     const struct dw_request *req)
{
    struct dw_http_req h;
    struct dw_error err = {0};
    dw_http_req_init(&h);
    assert_int_equal(dw_http_req_set_url(&h, req->url), DW_OK);
    assert_int_equal(dw_platform_upwork.prepare(ctx, req, &h, &err), DW_OK);
    bool bearer = false;
    for (size_t i = 0; i < h.n_headers; i++)
        bearer |=
            strcmp(h.headers[i], "Authorization: Bearer secret-token") == 0;
    assert_true(bearer);
    /* The body the request carries (saved in the frontier) is POSTed. */
    assert_string_equal(h.method, "POST");
    assert_non_null(req->body);
    assert_string_equal(h.body, req->body);
    char *b = strdup(h.body);
    dw_http_req_release(&h);
    return b;
}

static void registry_finds_upwork_by_name(void **state)
{
    (void)state;
    assert_ptr_equal(dw_platform_find("upwork"), &dw_platform_upwork);
    assert_string_equal(dw_platform_upwork.default_endpoint,
                        "https://api.upwork.com");
}

static void a_crawl_starts_with_the_first_page_of_contracts(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_request_list l;
    dw_request_list_init(&l);
    assert_int_equal(dw_platform_upwork.start(&ctx, &l, NULL), DW_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.items[0].kind, K_CONTRACTS);
    assert_true(l.items[0].root);
    assert_string_equal(l.items[0].url, GQL);
    char *b = body_of(&ctx, &l.items[0]);
    /* Default page size 100, no cursor on the first page. */
    assert_non_null(strstr(b, "contractList(pagination: $pagination)"));
    assert_non_null(
        strstr(b, "\"variables\":{\"pagination\":{\"first\":100}}"));
    free(b);
    dw_request_list_release(&l);
}

static void prepare_refuses_to_send_without_a_token(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_request req = {.kind = K_CONTRACTS, .url = GQL, .body = "{}"};
    struct dw_http_req h;
    struct dw_error err = {0};
    ctx.credential = "";
    dw_http_req_init(&h);
    assert_int_equal(dw_platform_upwork.prepare(&ctx, &req, &h, &err),
                     DW_ERR_CONFIG);
    assert_int_equal(h.n_headers, 0);
    dw_http_req_release(&h);
}

static void contracts_become_tasks_priced_by_their_hourly_rate(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    struct dw_error err = {0};
    assert_int_equal(parse_fixture(&ctx, "contracts_page1.json", K_CONTRACTS,
                                   NULL, &out, &err),
                     DW_OK);
    assert_int_equal(out.rows.n_tasks, 3);
    const struct dw_task_row *t = &out.rows.tasks[0];
    assert_string_equal(t->external_id, "30000175");
    assert_string_equal(t->title, "Hourly: image labelling");
    /* "28.50" USD an hour = 28,500,000 micro-units per 3,600 s. */
    assert_true(t->has_reward);
    assert_int_equal(t->reward_micros, 28500000);
    assert_string_equal(t->currency, "USD");
    assert_int_equal(t->estimate_s, 3600);
    assert_int_equal(t->created_at, day_us(2026, 10, 5));
    /* "twelve" is no amount: the contract stays, without a rate. */
    assert_string_equal(out.rows.tasks[1].external_id, "30001141");
    assert_false(out.rows.tasks[1].has_reward);
    /* A JSON real 15.3 EUR is exactly 15,300,000 micro-units. */
    assert_int_equal(out.rows.tasks[2].reward_micros, 15300000);
    assert_string_equal(out.rows.tasks[2].currency, "EUR");
    dw_parse_out_release(&out);
}

static void bad_contracts_go_to_quarantine_with_their_reason(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    assert_int_equal(parse_fixture(&ctx, "contracts_page1.json", K_CONTRACTS,
                                   NULL, &out, NULL),
                     DW_OK);
    assert_int_equal(out.rows.n_quarantine, 3);
    assert_string_equal(out.rows.quarantine[0].reason,
                        "hourlyRate unparseable");
    assert_int_equal(out.rows.quarantine[0].index, 1);
    assert_string_equal(out.rows.quarantine[1].reason, "missing id");
    assert_string_equal(out.rows.quarantine[2].reason, "malformed id");
    assert_string_equal(out.rows.quarantine[2].page, "/graphql#contractList");
    /* Quarantined records are scrubbed too: no name, no raw id. */
    assert_null(strstr(out.rows.quarantine[0].record, "Bo Example"));
    assert_null(strstr(out.rows.quarantine[0].record, "~01bbbb2222"));
    dw_parse_out_release(&out);
}

static void
each_contract_asks_for_its_time_report_since_it_started(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    assert_int_equal(parse_fixture(&ctx, "contracts_page1.json", K_CONTRACTS,
                                   NULL, &out, NULL),
                     DW_OK);
    /* 30002002 starts 2026-11-30, after today: nothing to ask yet. */
    assert_int_equal(out.follow.n, 2);
    assert_int_equal(out.follow.items[0].kind, K_TIME);
    assert_false(out.follow.items[0].root);
    char *b = body_of(&ctx, &out.follow.items[0]);
    assert_non_null(strstr(b, "\"rangeStart\":\"2026-10-05\""));
    assert_non_null(strstr(b, "\"rangeEnd\":\"2026-11-24\""));
    assert_non_null(strstr(b, "\"contractIds\":[\"30000175\"]"));
    free(b);
    /* No start date and no window: 366 days back, 2025-11-23. */
    b = body_of(&ctx, &out.follow.items[1]);
    assert_non_null(strstr(b, "\"rangeStart\":\"2025-11-23\""));
    free(b);
    dw_parse_out_release(&out);
}

static void
a_lookback_window_later_than_the_start_narrows_the_report(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    ctx.since = day_us(2026, 11, 1) + 3600 * DW_USEC;
    assert_int_equal(parse_fixture(&ctx, "contracts_page1.json", K_CONTRACTS,
                                   NULL, &out, NULL),
                     DW_OK);
    char *b = body_of(&ctx, &out.follow.items[0]);
    assert_non_null(strstr(b, "\"rangeStart\":\"2026-11-01\""));
    free(b);
    dw_parse_out_release(&out);
    /* Rows before the window are skipped, not stored: 10-21 and 10-22. */
    assert_int_equal(
        parse_fixture(&ctx, "time_report.json", K_TIME, TR_SCOPE, &out, NULL),
        DW_OK);
    assert_int_equal(out.skipped, 2);
    assert_int_equal(out.rows.n_units, 0);
    dw_parse_out_release(&out);
}

static void the_end_cursor_goes_into_the_next_request_body(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    src.page_size = 5;
    assert_int_equal(parse_fixture(&ctx, "contracts_page1.json", K_CONTRACTS,
                                   NULL, &out, NULL),
                     DW_OK);
    assert_true(out.has_next);
    assert_int_equal(out.next.kind, K_CONTRACTS);
    assert_string_equal(out.next.url, GQL);
    assert_non_null(strstr(out.next.scope, "YXJyYXljb25uZWN0aW9uOjQ="));
    char *b = body_of(&ctx, &out.next);
    assert_non_null(
        strstr(b, "\"pagination\":{\"after\":\"YXJyYXljb25uZWN0aW9uOjQ=\","
                  "\"first\":5}"));
    free(b);
    dw_parse_out_release(&out);
}

static void a_cursor_that_does_not_move_is_a_parse_error(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    struct dw_error err = {0};
    assert_int_equal(parse_fixture(&ctx, "cursor_loop.json", K_CONTRACTS,
                                   "{\"after\":\"YXJyYXljb25uZWN0aW9uOjQ=\"}",
                                   &out, &err),
                     DW_ERR_PARSE);
    assert_non_null(strstr(err.msg, "endCursor does not move forward"));
    dw_parse_out_release(&out);
}

static void time_report_days_with_hours_ask_for_their_diary(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    char wk[DW_PSEUDONYM_HEX];
    key_of(ADA, wk);
    assert_int_equal(
        parse_fixture(&ctx, "time_report.json", K_TIME, TR_SCOPE, &out, NULL),
        DW_OK);
    assert_false(out.has_next);
    /* 2026-10-21 and 2026-11-20 have hours: one diary request each. */
    assert_int_equal(out.follow.n, 2);
    assert_int_equal(out.follow.items[0].kind, K_DIARY);
    json_t *s = json_loads(out.follow.items[0].scope, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(s, "worker")), wk);
    /* 4.833333333333333 h = 4 h 50 min = 17,400 s; $137.75. */
    assert_int_equal(json_integer_value(json_object_get(s, "seconds")), 17400);
    assert_int_equal(json_integer_value(json_object_get(s, "reward")),
                     137750000);
    json_decref(s);
    char *b = body_of(&ctx, &out.follow.items[0]);
    assert_non_null(strstr(b, "\"input\":{\"contractId\":\"30000175\","
                              "\"date\":\"20261021\"}"));
    free(b);
    s = json_loads(out.follow.items[1].scope, 0, NULL);
    /* "1.5" h as a string = 5,400 s; the integer 43 is 43 whole USD. */
    assert_int_equal(json_integer_value(json_object_get(s, "seconds")), 5400);
    assert_int_equal(json_integer_value(json_object_get(s, "reward")),
                     43000000);
    json_decref(s);
    dw_parse_out_release(&out);
}

static void
a_day_without_hours_is_a_unit_at_midnight_billed_weekly(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    char wk[DW_PSEUDONYM_HEX], id[128];
    key_of(ADA, wk);
    assert_int_equal(
        parse_fixture(&ctx, "time_report.json", K_TIME, TR_SCOPE, &out, NULL),
        DW_OK);
    assert_int_equal(out.rows.n_units, 1);
    const struct dw_unit_row *u = &out.rows.units[0];
    snprintf(id, sizeof(id), "30000175:2026-10-22:%s", wk);
    assert_string_equal(u->external_id, id);
    assert_string_equal(u->task_external_id, "30000175");
    assert_string_equal(u->worker_key, wk);
    assert_int_equal(u->accepted_at, day_us(2026, 10, 22));
    assert_int_equal(u->submitted_at, day_us(2026, 10, 22));
    assert_int_equal(u->duration_s, 0);
    /* "5.00" USD. */
    assert_int_equal(u->reward_micros, 5000000);
    assert_string_equal(u->currency, "USD");
    /* Week of Monday 2026-10-19: review ends with Friday 10-30, so
       decided 10-19 + 12 days = 10-31; paid 10 days after the week,
       10-19 + 17 = 11-05. Both before 11-24: approved. */
    assert_int_equal(u->status, DW_UNIT_APPROVED);
    assert_string_equal(u->status_raw, "approved");
    assert_int_equal(u->decided_at, day_us(2026, 10, 31));
    assert_int_equal(u->paid_at, day_us(2026, 11, 5));
    dw_parse_out_release(&out);
}

static void bad_time_report_rows_go_to_quarantine(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    assert_int_equal(
        parse_fixture(&ctx, "time_report.json", K_TIME, TR_SCOPE, &out, NULL),
        DW_OK);
    static const char *const reasons[] = {
        "dateWorkedOn unparseable", "missing freelancer",
        "unknown currency",         "dateWorkedOn in the future",
        "totalCharges not valid",
    };
    assert_int_equal(out.rows.n_quarantine, 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(out.rows.quarantine[i].reason, reasons[i]);
    dw_parse_out_release(&out);
}

static void diary_cells_become_segments_with_counts_only(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    char *scope = diary_scope();
    assert_int_equal(
        parse_fixture(&ctx, "diary.json", K_DIARY, scope, &out, NULL), DW_OK);
    assert_int_equal(out.rows.n_segments, 4);
    const struct dw_segment_row *a = &out.rows.segments[0];
    /* 1792569600 = 2026-10-21T08:00:00Z. */
    assert_int_equal(a->started_at, 1792569600LL * DW_USEC);
    assert_int_equal(a->duration_s, 600);
    assert_int_equal(a->screenshots, 1);
    assert_int_equal(a->webcam_shots, 0);
    assert_int_equal(a->keyboard_events, 120);
    assert_int_equal(a->mouse_events, 80);
    assert_int_equal(a->activity_level, 7);
    assert_false(a->manual);
    /* Manual time: no activity data, no screenshot. */
    const struct dw_segment_row *b = &out.rows.segments[1];
    assert_true(b->manual);
    assert_int_equal(b->screenshots, 0);
    assert_int_equal(b->keyboard_events, DW_NONE);
    assert_int_equal(b->activity_level, DW_NONE);
    /* Three captures listed in one cell, the first with a webcam shot. */
    assert_int_equal(out.rows.segments[2].screenshots, 3);
    assert_int_equal(out.rows.segments[2].webcam_shots, 1);
    /* rawValue as a number; webcam image present. */
    assert_int_equal(out.rows.segments[3].started_at, 1792569000LL * DW_USEC);
    assert_int_equal(out.rows.segments[3].webcam_shots, 1);
    /* 1 + 0 + 3 + 1 = 5 screenshots, 0 + 0 + 1 + 1 = 2 webcam shots. */
    long shots = 0, cams = 0;
    for (size_t i = 0; i < out.rows.n_segments; i++) {
        shots += out.rows.segments[i].screenshots;
        cams += out.rows.segments[i].webcam_shots;
    }
    assert_int_equal(shots, 5);
    assert_int_equal(cams, 2);
    assert_int_equal(out.rows.n_quarantine, 2);
    assert_string_equal(out.rows.quarantine[0].reason,
                        "cellDateTime unparseable");
    assert_string_equal(out.rows.quarantine[1].reason, "event count not valid");
    assert_null(strstr(out.rows.quarantine[0].record, "Bank account"));
    assert_null(strstr(out.rows.quarantine[0].record, "https://"));
    free(scope);
    dw_parse_out_release(&out);
}

static void the_diary_day_is_a_unit_from_its_first_cell(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    char *scope = diary_scope();
    assert_int_equal(
        parse_fixture(&ctx, "diary.json", K_DIARY, scope, &out, NULL), DW_OK);
    assert_int_equal(out.rows.n_units, 1);
    const struct dw_unit_row *u = &out.rows.units[0];
    /* First cell 07:50 (1792569000); + 17,400 s = 12:40 (1792586400). */
    assert_int_equal(u->accepted_at, 1792569000LL * DW_USEC);
    assert_int_equal(u->submitted_at, 1792586400LL * DW_USEC);
    assert_int_equal(u->duration_s, 17400);
    assert_int_equal(u->reward_micros, 137750000);
    assert_int_equal(u->status, DW_UNIT_APPROVED);
    free(scope);
    dw_parse_out_release(&out);
}

static void this_weeks_time_is_still_in_review(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    char wk[DW_PSEUDONYM_HEX];
    key_of(ADA, wk);
    json_t *o = json_pack("{s:s,s:s,s:s,s:i,s:i,s:s}", "contract", "30000175",
                          "date", "2026-11-20", "worker", wk, "seconds", 5400,
                          "reward", 42750000, "currency", "USD");
    char *scope = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    /* {"data":{"workDiaryContract":null}}: no diary (archived). */
    size_t len = strlen("{\"data\":{\"workDiaryContract\":null}}");
    struct dw_request req = {.kind = K_DIARY, .url = GQL, .scope = scope};
    dw_parse_out_init(&out);
    assert_int_equal(dw_platform_upwork.parse(
                         &ctx, &req, "{\"data\":{\"workDiaryContract\":null}}",
                         len, &out, NULL),
                     DW_OK);
    assert_int_equal(out.rows.n_units, 1);
    const struct dw_unit_row *u = &out.rows.units[0];
    /* Week of Monday 11-16: review until 11-28, paid 12-03; now 11-24. */
    assert_int_equal(u->status, DW_UNIT_SUBMITTED);
    assert_string_equal(u->status_raw, "in_review");
    assert_int_equal(u->decided_at, DW_TIME_NONE);
    assert_int_equal(u->paid_at, DW_TIME_NONE);
    /* No cells: midnight UTC, + 5,400 s. */
    assert_int_equal(u->accepted_at, day_us(2026, 11, 20));
    assert_int_equal(u->submitted_at, day_us(2026, 11, 20) + 5400 * DW_USEC);
    free(scope);
    dw_parse_out_release(&out);
}

static void
links_titles_memos_and_raw_ids_never_reach_the_landed_body(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    char *scope = diary_scope();
    char wk[DW_PSEUDONYM_HEX];
    key_of(ADA, wk);
    static const char *const banned[] = {
        "https://",    "cdn.example", "private",      "union rep", "call with",
        "Ada Example", "~01",         "Label images", "sig=abc",
    };
    struct {
        const char *file;
        int kind;
        const char *scope;
    } pages[] = {
        {"contracts_page1.json", K_CONTRACTS, NULL},
        {"time_report.json", K_TIME, TR_SCOPE},
        {"diary.json", K_DIARY, scope},
    };
    for (size_t p = 0; p < 3; p++) {
        assert_int_equal(parse_fixture(&ctx, pages[p].file, pages[p].kind,
                                       pages[p].scope, &out, NULL),
                         DW_OK);
        assert_non_null(out.landed);
        for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
            if (strstr(out.landed, banned[i]))
                fail_msg("%s lands \"%s\"", pages[p].file, banned[i]);
        if (pages[p].kind != K_DIARY)
            assert_non_null(strstr(out.landed, wk));
        dw_parse_out_release(&out);
    }
    /* Links are replaced, so a reader still sees a capture existed. */
    assert_int_equal(
        parse_fixture(&ctx, "diary.json", K_DIARY, scope, &out, NULL), DW_OK);
    assert_non_null(strstr(out.landed, "\"screenshotImageUrl\":\"(removed)\""));
    free(scope);
    dw_parse_out_release(&out);
}

static void a_missing_permission_is_final_with_upworks_message(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    struct dw_error err = {0};
    assert_int_equal(
        parse_fixture(&ctx, "errors_scope.json", K_CONTRACTS, NULL, &out, &err),
        DW_ERR_AUTH);
    assert_non_null(strstr(err.msg, "doesn't have enough oauth2 "
                                    "permissions/scopes to access"));
    assert_null(out.landed);
    dw_parse_out_release(&out);
}

static void other_graphql_errors_are_retried(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    struct dw_error err = {0};
    assert_int_equal(parse_fixture(&ctx, "errors_transient.json", K_CONTRACTS,
                                   NULL, &out, &err),
                     DW_ERR_PARSE);
    assert_non_null(strstr(err.msg, "Internal server error"));
    dw_parse_out_release(&out);
}

static void partial_data_with_errors_is_retried_not_stored(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    struct dw_error err = {0};
    assert_int_equal(parse_fixture(&ctx, "errors_partial.json", K_TIME,
                                   TR_SCOPE, &out, &err),
                     DW_ERR_PARSE);
    assert_int_equal(out.rows.n_units, 0);
    assert_int_equal(out.follow.n, 0);
    dw_parse_out_release(&out);
}

static void malformed_answers_are_parse_errors(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out out;
    struct dw_error err = {0};
    assert_int_equal(
        parse_fixture(&ctx, "truncated.json", K_CONTRACTS, NULL, &out, &err),
        DW_ERR_PARSE);
    /* The message gives the offset, never the body (ids, links). */
    assert_non_null(strstr(err.msg, "not JSON"));
    assert_null(strstr(err.msg, ADA));
    dw_parse_out_release(&out);
    assert_int_equal(
        parse_fixture(&ctx, "no_edges.json", K_CONTRACTS, NULL, &out, &err),
        DW_ERR_PARSE);
    dw_parse_out_release(&out);
    /* A diary answer for a time-report request: no data.contractTimeReport. */
    char *scope = diary_scope();
    assert_int_equal(
        parse_fixture(&ctx, "diary.json", K_TIME, TR_SCOPE, &out, &err),
        DW_ERR_PARSE);
    assert_non_null(strstr(err.msg, "contractTimeReport"));
    dw_parse_out_release(&out);
    struct dw_request req = {.kind = K_DIARY, .url = GQL, .scope = scope};
    dw_parse_out_init(&out);
    assert_int_equal(dw_platform_upwork.parse(&ctx, &req, "[]", 2, &out, &err),
                     DW_ERR_PARSE);
    dw_parse_out_release(&out);
    free(scope);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(registry_finds_upwork_by_name),
        cmocka_unit_test(a_crawl_starts_with_the_first_page_of_contracts),
        cmocka_unit_test(prepare_refuses_to_send_without_a_token),
        cmocka_unit_test(contracts_become_tasks_priced_by_their_hourly_rate),
        cmocka_unit_test(bad_contracts_go_to_quarantine_with_their_reason),
        cmocka_unit_test(
            each_contract_asks_for_its_time_report_since_it_started),
        cmocka_unit_test(
            a_lookback_window_later_than_the_start_narrows_the_report),
        cmocka_unit_test(the_end_cursor_goes_into_the_next_request_body),
        cmocka_unit_test(a_cursor_that_does_not_move_is_a_parse_error),
        cmocka_unit_test(time_report_days_with_hours_ask_for_their_diary),
        cmocka_unit_test(
            a_day_without_hours_is_a_unit_at_midnight_billed_weekly),
        cmocka_unit_test(bad_time_report_rows_go_to_quarantine),
        cmocka_unit_test(diary_cells_become_segments_with_counts_only),
        cmocka_unit_test(the_diary_day_is_a_unit_from_its_first_cell),
        cmocka_unit_test(this_weeks_time_is_still_in_review),
        cmocka_unit_test(
            links_titles_memos_and_raw_ids_never_reach_the_landed_body),
        cmocka_unit_test(a_missing_permission_is_final_with_upworks_message),
        cmocka_unit_test(other_graphql_errors_are_retried),
        cmocka_unit_test(partial_data_with_errors_is_retried_not_stored),
        cmocka_unit_test(malformed_answers_are_parse_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
