/* tests/unit/test_mturk.c — the MTurk adapter on recorded-style pages. */
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
#include "platform_mturk.h"
#include "pseudonym.h"

#define KEY "unit-test-pseudonym-key-0123456789"
#define EP "https://mturk-requester.us-east-1.amazonaws.com"
#define HIT1 "3PR3LXCWSFNV4OJWZBHIMQOIJVSX9G"
#define ASG1 "3TS1AR6UQR73KU04AT2HLPQ4EJT7FY"
#define SCOPE1 "{\"hit\":\"" HIT1 "\",\"reward\":5000000}"
#define ASG_BODY                                                               \
    "{\"AssignmentStatuses\":[\"Submitted\",\"Approved\",\"Rejected\"],"       \
    "\"HITId\":\"" HIT1 "\",\"MaxResults\":100}"
#define BONUS_BODY "{\"HITId\":\"" HIT1 "\",\"MaxResults\":100}"

enum { K_HITS = 1, K_ASSIGNMENTS = 2, K_BONUSES = 3 };

static char *slurp(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/fixtures/mturk/%s", DW_SOURCE_DIR,
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
    src.name = "mturk-archive";
    src.platform = "mturk";
    c.source = &src;
    c.endpoint = EP;
    c.credential = "AKIDEXAMPLE:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    c.pseudonym_key = KEY;
    /* 2026-11-24T00:00:00Z = days_from_civil(2026,11,24) * 86400 s. */
    c.now = dw_days_from_civil(2026, 11, 24) * 86400 * DW_USEC;
    c.since = DW_TIME_NONE;
    return c;
}

static enum dw_status parse_fixture(const struct dw_platform_ctx *ctx,
                                    const char *file, int kind,
                                    const char *scope, const char *input,
                                    struct dw_parse_out *out,
                                    struct dw_error *err)
{
    size_t len;
    char *body = slurp(file, &len);
    struct dw_request req = {kind, kind == K_HITS, (char *)EP "/",
                             (char *)scope, (char *)input};
    dw_parse_out_init(out);
    enum dw_status st = dw_platform_mturk.parse(ctx, &req, body, len, out, err);
    free(body);
    return st;
}

static void key_of(const char *raw, char *out)
{
    assert_int_equal(dw_pseudonym(KEY, "mturk", raw, out, NULL), DW_OK);
}

static void registry_finds_mturk_by_name(void **state)
{
    (void)state;
    assert_ptr_equal(dw_platform_find("mturk"), &dw_platform_mturk);
    assert_non_null(dw_platform_mturk.classify);
}

static void start_asks_for_hits_with_at_most_100_results(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_request_list l;
    dw_request_list_init(&l);
    /* No page_size: the API's ceiling, 100. */
    assert_int_equal(dw_platform_mturk.start(&ctx, &l, NULL), DW_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.items[0].kind, K_HITS);
    assert_true(l.items[0].root);
    assert_string_equal(l.items[0].url, EP "/");
    assert_string_equal(l.items[0].body, "{\"MaxResults\":100}");
    dw_request_list_release(&l);

    /* page_size 500 is above the ceiling: still 100; 25 is kept. */
    src.page_size = 500;
    assert_int_equal(dw_platform_mturk.start(&ctx, &l, NULL), DW_OK);
    assert_string_equal(l.items[0].body, "{\"MaxResults\":100}");
    dw_request_list_release(&l);
    src.page_size = 25;
    assert_int_equal(dw_platform_mturk.start(&ctx, &l, NULL), DW_OK);
    assert_string_equal(l.items[0].body, "{\"MaxResults\":25}");
    dw_request_list_release(&l);
}

static bool has_header(const struct dw_http_req *h, const char *line)
{
    for (size_t i = 0; i < h->n_headers; i++)
        if (strcmp(h->headers[i], line) == 0)
            return true;
    return false;
}

static void prepare_posts_the_cursor_body_with_target_and_sigv4(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_request req = {K_ASSIGNMENTS, false, (char *)EP "/",
                             (char *)SCOPE1, (char *)ASG_BODY};
    struct dw_http_req h;
    dw_http_req_init(&h);
    assert_int_equal(dw_http_req_set_url(&h, req.url), DW_OK);
    assert_int_equal(dw_platform_mturk.prepare(&ctx, &req, &h, NULL), DW_OK);
    assert_string_equal(h.method, "POST");
    assert_string_equal(h.body, ASG_BODY);
    assert_int_equal(h.body_len, strlen(ASG_BODY));
    assert_true(has_header(&h, "X-Amz-Target: "
                               "MTurkRequesterServiceV20170117."
                               "ListAssignmentsForHIT"));
    assert_true(has_header(&h, "Content-Type: application/x-amz-json-1.1"));
    /* No region configured: us-east-1, where MTurk always signs. */
    assert_string_equal(h.aws_sigv4, "aws:amz:us-east-1:mturk-requester");
    assert_string_equal(h.userpwd, ctx.credential);
    dw_http_req_release(&h);

    /* A configured region is used as is. */
    src.region = "eu-west-1";
    dw_http_req_init(&h);
    assert_int_equal(dw_http_req_set_url(&h, req.url), DW_OK);
    assert_int_equal(dw_platform_mturk.prepare(&ctx, &req, &h, NULL), DW_OK);
    assert_string_equal(h.aws_sigv4, "aws:amz:eu-west-1:mturk-requester");
    dw_http_req_release(&h);
}

static void prepare_rejects_a_credential_without_a_secret(void **state)
{
    (void)state;
    static const char *const bad[] = {"KEYONLY", "KEYONLY:", ":hunter2", ""};
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_request req = {K_HITS, true, (char *)EP "/", NULL,
                             (char *)"{\"MaxResults\":100}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct dw_http_req h;
        struct dw_error err = {0};
        ctx.credential = bad[i];
        dw_http_req_init(&h);
        assert_int_equal(dw_platform_mturk.prepare(&ctx, &req, &h, &err),
                         DW_ERR_CONFIG);
        /* The message says what is wrong, never what the value was. */
        assert_non_null(strstr(err.msg, "credential"));
        if (*bad[i])
            assert_null(strstr(err.msg, bad[i]));
        dw_http_req_release(&h);
    }
}

static void hits_become_tasks_with_exact_usd_rewards(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out o;
    struct dw_error err = {0};
    assert_int_equal(parse_fixture(&ctx, "list_hits_page1.json", K_HITS, NULL,
                                   "{\"MaxResults\":100}", &o, &err),
                     DW_OK);
    assert_int_equal(o.rows.n_tasks, 3);
    /* "5." = 5.00 USD = 5,000,000 micro-units. */
    assert_string_equal(o.rows.tasks[0].external_id, HIT1);
    assert_string_equal(o.rows.tasks[0].title, "Label street photos");
    assert_true(o.rows.tasks[0].has_reward);
    assert_int_equal(o.rows.tasks[0].reward_micros, 5000000);
    assert_string_equal(o.rows.tasks[0].currency, "USD");
    assert_int_equal(o.rows.tasks[0].max_time_s, 3600);
    /* CreationTime 1700000000 s = 1,700,000,000,000,000 µs. */
    assert_int_equal(o.rows.tasks[0].created_at, 1700000000000000LL);
    /* "0.5" = 0.50 USD = 500,000; 1.7E9 s is the same instant as above. */
    assert_int_equal(o.rows.tasks[1].reward_micros, 500000);
    assert_int_equal(o.rows.tasks[1].created_at, 1700000000000000LL);
    /* "101.42" = 101,420,000; 1700000102.5 s = ...102,500,000 µs. */
    assert_int_equal(o.rows.tasks[2].reward_micros, 101420000);
    assert_int_equal(o.rows.tasks[2].created_at, 1700000102500000LL);
    /* Reward "-1.00" does not match the CurrencyAmount pattern. */
    assert_int_equal(o.rows.n_quarantine, 1);
    assert_int_equal(o.rows.quarantine[0].index, 3);
    assert_string_equal(o.rows.quarantine[0].reason,
                        "Reward is not a USD amount");
    dw_parse_out_release(&o);
}

static void hits_ask_for_assignments_and_bonuses_and_the_next_page(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out o;
    assert_int_equal(parse_fixture(&ctx, "list_hits_page1.json", K_HITS, NULL,
                                   "{\"MaxResults\":100}", &o, NULL),
                     DW_OK);
    /* 3 good HITs x (assignments, bonuses). */
    assert_int_equal(o.follow.n, 6);
    assert_int_equal(o.follow.items[0].kind, K_ASSIGNMENTS);
    assert_false(o.follow.items[0].root);
    assert_string_equal(o.follow.items[0].body, ASG_BODY);
    assert_string_equal(o.follow.items[0].scope, SCOPE1);
    assert_int_equal(o.follow.items[1].kind, K_BONUSES);
    assert_string_equal(o.follow.items[1].body, BONUS_BODY);
    assert_true(o.has_next);
    assert_int_equal(o.next.kind, K_HITS);
    assert_string_equal(o.next.url, EP "/");
    assert_string_equal(o.next.body, "{\"MaxResults\":100,\"NextToken\":"
                                     "\"p2:Q0FQVEFJTl9UT0tFTg==\"}");
    dw_parse_out_release(&o);
}

static void settled_hits_are_not_followed_inside_a_lookback(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out o;
    /*
     * since = 1700605000 s. HIT1 expires 1.7006048E9 = 1700604800 s, +3600 s
     * duration = 1700608400 >= since: followed. HIT2 1700604800.5 + 600 =
     * 1700605400.5 >= since: followed. HIT3 1700604800 + 7200 >= since.
     * With since = 1700700000 none is followed: 3 skipped.
     */
    ctx.since = 1700605000LL * DW_USEC;
    assert_int_equal(parse_fixture(&ctx, "list_hits_page1.json", K_HITS, NULL,
                                   "{\"MaxResults\":100}", &o, NULL),
                     DW_OK);
    assert_int_equal(o.follow.n, 6);
    dw_parse_out_release(&o);
    ctx.since = 1700700000LL * DW_USEC;
    assert_int_equal(parse_fixture(&ctx, "list_hits_page1.json", K_HITS, NULL,
                                   "{\"MaxResults\":100}", &o, NULL),
                     DW_OK);
    assert_int_equal(o.follow.n, 0);
    assert_int_equal(o.skipped, 3);
    assert_int_equal(o.rows.n_tasks, 3); /* tasks are still recorded */
    dw_parse_out_release(&o);
}

static void money_accepts_the_currency_amount_pattern_only(void **state)
{
    (void)state;
    int64_t m = -1;
    assert_int_equal(dw_mturk_money("5", &m), DW_OK);
    assert_int_equal(m, 5000000);
    assert_int_equal(dw_mturk_money("5.", &m), DW_OK);
    assert_int_equal(m, 5000000);
    assert_int_equal(dw_mturk_money("0.5", &m), DW_OK);
    assert_int_equal(m, 500000);
    assert_int_equal(dw_mturk_money("101.42", &m), DW_OK);
    assert_int_equal(m, 101420000);
    assert_int_equal(dw_mturk_money("0.01", &m), DW_OK);
    assert_int_equal(m, 10000);
    static const char *const bad[] = {"",     ".5",   "-1",   "+1",   "1.234",
                                      "1e2",  " 1",   "1 ",   "1,00", "1..0",
                                      "0x10", "USD5", "5USD", "."};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(dw_mturk_money(bad[i], &m), DW_ERR_PARSE);
    assert_int_equal(dw_mturk_money(NULL, &m), DW_ERR_PARSE);
}

static void status_words_map_and_new_words_stay_unknown(void **state)
{
    (void)state;
    assert_int_equal(dw_mturk_status("Submitted"), DW_UNIT_SUBMITTED);
    assert_int_equal(dw_mturk_status("Approved"), DW_UNIT_APPROVED);
    assert_int_equal(dw_mturk_status("Rejected"), DW_UNIT_REJECTED);
    assert_int_equal(dw_mturk_status("approved"), DW_UNIT_UNKNOWN);
    assert_int_equal(dw_mturk_status("Escalated"), DW_UNIT_UNKNOWN);
    assert_int_equal(dw_mturk_status(NULL), DW_UNIT_UNKNOWN);
}

static void assignments_read_every_epoch_form_and_status(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out o;
    char wk1[DW_PSEUDONYM_HEX], wk2[DW_PSEUDONYM_HEX];
    key_of("A1B2C3D4E5F6G7", wk1);
    key_of("AZ3456EXAMPLE", wk2);
    assert_int_equal(parse_fixture(&ctx, "list_assignments.json", K_ASSIGNMENTS,
                                   SCOPE1, ASG_BODY, &o, NULL),
                     DW_OK);
    assert_int_equal(o.rows.n_units, 4);
    const struct dw_unit_row *u = &o.rows.units[0];
    assert_string_equal(u->external_id, ASG1);
    assert_string_equal(u->task_external_id, HIT1);
    assert_string_equal(u->worker_key, wk1);
    assert_int_equal(u->status, DW_UNIT_APPROVED);
    assert_string_equal(u->status_raw, "Approved");
    /* 1.700000102E9 s = 1,700,000,102 s = 1700000102000000 µs. */
    assert_int_equal(u->accepted_at, 1700000102000000LL);
    assert_int_equal(u->submitted_at, 1700000745000000LL);
    /* Approval decides and pays: 1.700090001E9 s. */
    assert_int_equal(u->decided_at, 1700090001000000LL);
    assert_int_equal(u->paid_at, 1700090001000000LL);
    /* The HIT's reward from the scope: 5,000,000 micro-USD. */
    assert_true(u->has_reward);
    assert_int_equal(u->reward_micros, 5000000);
    assert_string_equal(u->currency, "USD");

    u = &o.rows.units[1];
    assert_string_equal(u->worker_key, wk2);
    assert_int_equal(u->status, DW_UNIT_SUBMITTED);
    /* Integer 1700001000 and decimal 1700001333.5 s. */
    assert_int_equal(u->accepted_at, 1700001000000000LL);
    assert_int_equal(u->submitted_at, 1700001333500000LL);
    assert_int_equal(u->decided_at, DW_TIME_NONE);
    assert_int_equal(u->paid_at, DW_TIME_NONE);

    u = &o.rows.units[2];
    assert_int_equal(u->status, DW_UNIT_REJECTED);
    assert_int_equal(u->decided_at, 1700010000000000LL);
    assert_int_equal(u->paid_at, DW_TIME_NONE);

    u = &o.rows.units[3];
    assert_int_equal(u->status, DW_UNIT_UNKNOWN);
    assert_string_equal(u->status_raw, "Escalated");
    assert_false(o.has_next);
    dw_parse_out_release(&o);
}

static void bad_assignments_are_quarantined_without_raw_ids(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out o;
    assert_int_equal(parse_fixture(&ctx, "list_assignments.json", K_ASSIGNMENTS,
                                   SCOPE1, ASG_BODY, &o, NULL),
                     DW_OK);
    assert_int_equal(o.rows.n_quarantine, 3);
    assert_int_equal(o.rows.quarantine[0].index, 3);
    assert_string_equal(o.rows.quarantine[0].reason, "missing WorkerId");
    assert_int_equal(o.rows.quarantine[1].index, 4);
    assert_string_equal(o.rows.quarantine[1].reason,
                        "AcceptTime missing or unparseable");
    assert_int_equal(o.rows.quarantine[2].index, 5);
    assert_string_equal(o.rows.quarantine[2].reason,
                        "SubmitTime before AcceptTime");
    assert_string_equal(o.rows.quarantine[2].page, "/ ListAssignmentsForHIT");
    for (size_t i = 0; i < o.rows.n_quarantine; i++) {
        assert_null(strstr(o.rows.quarantine[i].record, "A1B2C3D4E5F6G7"));
        assert_null(strstr(o.rows.quarantine[i].record, "Answer"));
    }
    dw_parse_out_release(&o);
}

static void
landed_assignments_hold_keys_not_ids_answers_or_feedback(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out o;
    char wk1[DW_PSEUDONYM_HEX];
    key_of("A1B2C3D4E5F6G7", wk1);
    assert_int_equal(parse_fixture(&ctx, "list_assignments.json", K_ASSIGNMENTS,
                                   SCOPE1, ASG_BODY, &o, NULL),
                     DW_OK);
    assert_non_null(o.landed);
    assert_null(strstr(o.landed, "A1B2C3D4E5F6G7"));
    assert_null(strstr(o.landed, "AZ3456EXAMPLE"));
    assert_null(strstr(o.landed, "A9NEWSTATUS"));
    assert_null(strstr(o.landed, "\"Answer\""));
    assert_null(strstr(o.landed, "RequesterFeedback"));
    assert_null(strstr(o.landed, "attention check"));
    assert_non_null(strstr(o.landed, wk1));
    assert_non_null(strstr(o.landed, ASG1));
    dw_parse_out_release(&o);
}

static void bonuses_dedupe_on_canonical_fields(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out o;
    char wk1[DW_PSEUDONYM_HEX], want[DW_PSEUDONYM_HEX];
    key_of("A1B2C3D4E5F6G7", wk1);
    assert_int_equal(parse_fixture(&ctx, "list_bonuses.json", K_BONUSES,
                                   "{\"hit\":\"" HIT1 "\"}", BONUS_BODY, &o,
                                   NULL),
                     DW_OK);
    assert_int_equal(o.rows.n_payments, 3);
    /*
     * The first two are one bonus written twice ("0.75" at 1700100000 and
     * at 1.7001E9): key = sha256("ASG1|wk|1700100000000000|750000|Good
     * work"), the same for both.
     */
    char text[512];
    snprintf(text, sizeof(text), "%s|%s|%lld|%lld|%s", ASG1, wk1,
             1700100000000000LL, 750000LL, "Good work");
    dw_sha256_hex(text, strlen(text), want);
    assert_string_equal(o.rows.payments[0].dedupe_key, want);
    assert_string_equal(o.rows.payments[1].dedupe_key, want);
    assert_int_equal(o.rows.payments[0].amount_micros, 750000);
    assert_int_equal(o.rows.payments[0].effective_at, 1700100000000000LL);
    assert_string_equal(o.rows.payments[0].unit_external_id, ASG1);
    assert_string_equal(o.rows.payments[0].worker_key, wk1);
    assert_string_equal(o.rows.payments[0].kind, "bonus");
    assert_string_equal(o.rows.payments[0].currency, "USD");
    /* "5." = 5,000,000: another amount, another key. */
    assert_int_equal(o.rows.payments[2].amount_micros, 5000000);
    assert_string_not_equal(o.rows.payments[2].dedupe_key, want);
    /* No amount, and three fraction digits, are quarantined. */
    assert_int_equal(o.rows.n_quarantine, 2);
    assert_string_equal(o.rows.quarantine[0].reason,
                        "BonusAmount missing or not a USD amount");
    assert_int_equal(o.rows.quarantine[1].index, 4);
    assert_null(strstr(o.landed, "AZ3456EXAMPLE"));
    /* The next page keeps the HIT and carries the token. */
    assert_true(o.has_next);
    assert_string_equal(o.next.body,
                        "{\"HITId\":\"" HIT1 "\",\"MaxResults\":100,"
                        "\"NextToken\":\"b2\"}");
    dw_parse_out_release(&o);
}

static void bonus_key_never_uses_the_raw_worker_id(void **state)
{
    (void)state;
    char a[DW_PSEUDONYM_HEX], b[DW_PSEUDONYM_HEX], want[DW_PSEUDONYM_HEX];
    /* NULL assignment and reason are written as "": "|wk|1|2|". */
    assert_int_equal(dw_mturk_bonus_key(NULL, "wk", 1, 2, NULL, a), DW_OK);
    dw_sha256_hex("|wk|1|2|", 8, want);
    assert_string_equal(a, want);
    assert_int_equal(dw_mturk_bonus_key("X", "wk", 1, 2, "r", b), DW_OK);
    dw_sha256_hex("X|wk|1|2|r", 10, want);
    assert_string_equal(b, want);
}

static void a_token_that_does_not_move_is_a_bad_page(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_parse_out o;
    struct dw_error err = {0};
    /* The page says NextToken "b2", the request already carried "b2". */
    assert_int_equal(parse_fixture(&ctx, "list_bonuses.json", K_BONUSES,
                                   "{\"hit\":\"" HIT1 "\"}",
                                   "{\"HITId\":\"" HIT1
                                   "\",\"MaxResults\":100,\"NextToken\":"
                                   "\"b2\"}",
                                   &o, &err),
                     DW_ERR_PARSE);
    assert_non_null(strstr(err.msg, "NextToken"));
    dw_parse_out_release(&o);
}

static void bodies_of_the_wrong_shape_are_parse_errors(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        "{\"HITs\":[", "[]", "{\"Assignments\":[]}", "{\"HITs\":{}}",
        "{\"HITs\":[],\"NextToken\":5}"};
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_request req = {K_HITS, true, (char *)EP "/", NULL,
                             (char *)"{\"MaxResults\":100}"};
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        struct dw_parse_out o;
        dw_parse_out_init(&o);
        assert_int_equal(dw_platform_mturk.parse(&ctx, &req, bodies[i],
                                                 strlen(bodies[i]), &o, NULL),
                         DW_ERR_PARSE);
        dw_parse_out_release(&o);
    }
}

static struct dw_http_verdict classify(long status, const char *body, bool root)
{
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_request req = {K_ASSIGNMENTS, root, (char *)EP "/",
                             (char *)SCOPE1, (char *)ASG_BODY};
    struct dw_http_verdict v;
    memset(&v, 0, sizeof(v));
    v.delay_ms = -1;
    dw_platform_mturk.classify(&ctx, &req, status, body, strlen(body), &v);
    return v;
}

static void throttling_is_retried_as_throttling_at_400_or_429(void **state)
{
    (void)state;
    struct dw_http_verdict v =
        classify(400,
                 "{\"__type\":\"ThrottlingException\",\"message\":\"Rate "
                 "exceeded\"}",
                 false);
    assert_int_equal(v.kind, DW_HTTP_RETRY);
    assert_int_equal(v.final, DW_ERR_THROTTLED);
    assert_int_equal(v.delay_ms, -1); /* MTurk sends no Retry-After */
    assert_string_equal(v.msg, "ThrottlingException: Rate exceeded");
    /* botocore strips a namespace prefix and a ':' suffix. */
    v = classify(
        429, "{\"__type\":\"com.amazon#ThrottlingException:http://x\"}", false);
    assert_int_equal(v.kind, DW_HTTP_RETRY);
    assert_int_equal(v.final, DW_ERR_THROTTLED);
}

static void service_faults_retry_and_request_errors_stop(void **state)
{
    (void)state;
    struct dw_http_verdict v =
        classify(500,
                 "{\"__type\":\"ServiceFault\",\"Message\":\"try again\","
                 "\"TurkErrorCode\":\"AWS.MechanicalTurk.ServiceFault\"}",
                 false);
    assert_int_equal(v.kind, DW_HTTP_RETRY);
    assert_int_equal(v.final, DW_ERR_HTTP);
    v = classify(400,
                 "{\"__type\":\"RequestError\",\"Message\":\"MaxResults must "
                 "be between 1 and 100. (1624047673969)\"}",
                 false);
    assert_int_equal(v.kind, DW_HTTP_FINAL);
    assert_int_equal(v.final, DW_ERR_HTTP);
    assert_false(v.restart_crawl);
    assert_non_null(strstr(v.msg, "MaxResults must be between 1 and 100"));
    /* A vanished HIT under a follow-up is like a 404: skipped. */
    v = classify(400,
                 "{\"__type\":\"RequestError\",\"Message\":\"Hit " HIT1
                 " does not exist. (1624047673969)\"}",
                 false);
    assert_int_equal(v.final, DW_ERR_NOT_FOUND);
    /* A stale NextToken restarts the crawl. */
    v = classify(400,
                 "{\"__type\":\"RequestError\",\"Message\":\"The NextToken is "
                 "invalid or has expired. (1)\"}",
                 false);
    assert_int_equal(v.kind, DW_HTTP_FINAL);
    assert_true(v.restart_crawl);
}

static void signature_errors_are_final_auth_errors_that_say_so(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        "{\"__type\":\"InvalidSignatureException\",\"message\":\"The request "
        "signature we calculated does not match\"}",
        "{\"__type\":\"IncompleteSignatureException\",\"message\":\"x\"}",
        "{\"__type\":\"UnrecognizedClientException\",\"message\":\"The "
        "security token included in the request is invalid.\"}"};
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        struct dw_http_verdict v =
            classify(i == 1 ? 400 : 403, bodies[i], true);
        assert_int_equal(v.kind, DW_HTTP_FINAL);
        assert_int_equal(v.final, DW_ERR_AUTH);
        assert_non_null(strstr(v.msg, "signature"));
    }
}

static void success_and_foreign_bodies_keep_the_default(void **state)
{
    (void)state;
    assert_int_equal(classify(200, "{\"HITs\":[]}", true).kind,
                     DW_HTTP_DEFAULT);
    /* A load balancer's HTML page: the status decides. */
    assert_int_equal(classify(502, "<html>Bad Gateway</html>", true).kind,
                     DW_HTTP_DEFAULT);
    assert_int_equal(classify(503, "", true).kind, DW_HTTP_DEFAULT);
}

static void frontier_keeps_request_bodies(void **state)
{
    (void)state;
    struct dw_request_list l, back;
    char *json = NULL;
    int64_t since;
    dw_request_list_init(&l);
    dw_request_list_init(&back);
    assert_int_equal(dw_request_list_push_body(&l, K_ASSIGNMENTS, false, EP "/",
                                               SCOPE1, ASG_BODY),
                     DW_OK);
    assert_int_equal(dw_request_list_push(&l, K_HITS, true, EP "/", NULL),
                     DW_OK);
    assert_int_equal(dw_frontier_to_json(&l, DW_TIME_NONE, &json, NULL), DW_OK);
    assert_int_equal(dw_frontier_from_json(json, &back, &since, NULL), DW_OK);
    assert_int_equal(back.n, 2);
    assert_string_equal(back.items[0].body, ASG_BODY);
    assert_string_equal(back.items[0].scope, SCOPE1);
    assert_null(back.items[1].body); /* "b" left out when NULL */
    assert_null(strstr(strstr(json, "\"k\":1"), "\"b\""));
    free(json);
    dw_request_list_release(&l);
    dw_request_list_release(&back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(registry_finds_mturk_by_name),
        cmocka_unit_test(start_asks_for_hits_with_at_most_100_results),
        cmocka_unit_test(prepare_posts_the_cursor_body_with_target_and_sigv4),
        cmocka_unit_test(prepare_rejects_a_credential_without_a_secret),
        cmocka_unit_test(hits_become_tasks_with_exact_usd_rewards),
        cmocka_unit_test(
            hits_ask_for_assignments_and_bonuses_and_the_next_page),
        cmocka_unit_test(settled_hits_are_not_followed_inside_a_lookback),
        cmocka_unit_test(money_accepts_the_currency_amount_pattern_only),
        cmocka_unit_test(status_words_map_and_new_words_stay_unknown),
        cmocka_unit_test(assignments_read_every_epoch_form_and_status),
        cmocka_unit_test(bad_assignments_are_quarantined_without_raw_ids),
        cmocka_unit_test(
            landed_assignments_hold_keys_not_ids_answers_or_feedback),
        cmocka_unit_test(bonuses_dedupe_on_canonical_fields),
        cmocka_unit_test(bonus_key_never_uses_the_raw_worker_id),
        cmocka_unit_test(a_token_that_does_not_move_is_a_bad_page),
        cmocka_unit_test(bodies_of_the_wrong_shape_are_parse_errors),
        cmocka_unit_test(throttling_is_retried_as_throttling_at_400_or_429),
        cmocka_unit_test(service_faults_retry_and_request_errors_stop),
        cmocka_unit_test(signature_errors_are_final_auth_errors_that_say_so),
        cmocka_unit_test(success_and_foreign_bodies_keep_the_default),
        cmocka_unit_test(frontier_keeps_request_bodies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
