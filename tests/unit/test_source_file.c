/* tests/unit/test_source_file.c — the file source: vendor CSV and NDJSON. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwtime.h"
#include "file_fetch.h"
#include "log.h"
#include "platform.h"
#include "pseudonym.h"

#define KEY "unit-test-pseudonym-key-0123456789"
#define VENDOR "Acme Labelling"
#define K_UNITS 1 /* the adapter's request kinds */
#define K_ACTIVITY 2
#define K_PRACTICES 3
#define BIG_RECORD ((size_t)1100 * 1024) /* over the 1 MiB record cap */

static struct dw_source_config src;

static struct dw_platform_ctx make_ctx(void)
{
    struct dw_platform_ctx c = {0};
    memset(&src, 0, sizeof(src));
    src.name = "acme-export";
    src.platform = "file";
    src.vendor = VENDOR;
    src.path = "/srv/exports/acme";
    c.source = &src;
    c.endpoint = "";
    c.pseudonym_key = KEY;
    /* 2026-11-24T00:00:00Z. */
    c.now = dw_days_from_civil(2026, 11, 24) * 86400 * DW_USEC;
    c.since = DW_TIME_NONE;
    return c;
}

/* µs of a UTC wall time. */
static int64_t utc(int y, unsigned mo, unsigned d, int h, int mi, int s)
{
    return (dw_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) *
           DW_USEC;
}

static char *slurp(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/fixtures/file/%s", DW_SOURCE_DIR,
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

/* The file with a UTF-8 BOM in front and every LF made CRLF. */
static char *bom_crlf(const char *s, size_t *len)
{
    size_t n = strlen(s), lf = 0;
    for (size_t i = 0; i < n; i++)
        lf += s[i] == '\n';
    char *o = malloc(3 + n + lf + 1), *p = o;
    assert_non_null(o);
    memcpy(p, "\xEF\xBB\xBF", 3);
    p += 3;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            *p++ = '\r';
        *p++ = s[i];
    }
    *p = '\0';
    *len = (size_t)(p - o);
    return o;
}

static enum dw_status parse(int kind, const char *url, const char *body,
                            size_t len, struct dw_parse_out *out,
                            struct dw_error *err)
{
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_request req = {
        .kind = kind, .root = kind == K_UNITS, .url = (char *)url};
    dw_parse_out_init(out);
    return dw_platform_file.parse(&ctx, &req, body, len, out, err);
}

static enum dw_status parse_text(int kind, const char *url, const char *body,
                                 struct dw_parse_out *out, struct dw_error *err)
{
    return parse(kind, url, body, strlen(body), out, err);
}

static void worker(const char *raw, char *wk)
{
    /* The namespace is the vendor: "file:Acme Labelling:w-ana". */
    assert_int_equal(dw_pseudonym(KEY, "file:" VENDOR, raw, wk, NULL), DW_OK);
}

static const struct dw_unit_row *unit(const struct dw_parse_out *o,
                                      const char *id)
{
    for (size_t i = 0; i < o->rows.n_units; i++)
        if (strcmp(o->rows.units[i].external_id, id) == 0)
            return &o->rows.units[i];
    fail_msg("no unit %s", id);
    return NULL;
}

/* Log lines go to a temp file so a test can count the warnings. */
static FILE *log_to_temp(void)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    dw_log_set_stream(f);
    return f;
}

static int count_lines(FILE *f, const char *needle)
{
    char line[1024];
    int n = 0;
    fflush(f);
    rewind(f);
    while (fgets(line, sizeof(line), f))
        n += strstr(line, needle) != NULL;
    dw_log_set_stream(stderr);
    fclose(f);
    return n;
}

static void check_good_units(const struct dw_parse_out *o)
{
    char ana[DW_PSEUDONYM_HEX], ben[DW_PSEUDONYM_HEX];
    worker("w-ana", ana);
    worker("w-ben", ben);
    assert_int_equal(o->rows.n_units, 5);
    assert_int_equal(o->rows.n_quarantine, 0);

    const struct dw_unit_row *u = unit(o, "u-001");
    assert_string_equal(u->worker_key, ana);
    assert_int_equal(u->status, DW_UNIT_APPROVED);
    assert_string_equal(u->status_raw, "approved");
    /* 09:00 at +02:00 = 07:00Z; 09:30 at +02:00 = 07:30Z. */
    assert_true(u->accepted_at == utc(2026, 10, 5, 7, 0, 0));
    assert_true(u->submitted_at == utc(2026, 10, 5, 7, 30, 0));
    assert_true(u->decided_at == utc(2026, 10, 6, 10, 0, 0));
    assert_true(u->paid_at == utc(2026, 10, 7, 10, 0, 0));
    /* 6.00 USD = 6,000,000 micro-units; fee 0.30 = 300,000. */
    assert_true(u->has_reward);
    assert_true(u->reward_micros == 6000000);
    assert_true(u->worker_fee_micros == 300000);
    assert_string_equal(u->currency, "USD");
    /* The quoted task id keeps its comma. */
    assert_string_equal(u->task_external_id, "T-1, batch A");
    assert_string_equal(u->worker_country, "PH");
    assert_string_equal(u->worker_tz, "Asia/Manila");

    u = unit(o, "u-002"); /* its unknown column spans two lines */
    assert_int_equal(u->status, DW_UNIT_SUBMITTED);
    assert_true(u->decided_at == DW_TIME_NONE);
    assert_true(u->paid_at == DW_TIME_NONE);

    u = unit(o, "u-003");
    assert_string_equal(u->worker_key, ben);
    assert_string_equal(u->worker_country, "KE"); /* "ke" upper-cased */
    /* 4.25 EUR = 4,250,000 micro-units. */
    assert_true(u->reward_micros == 4250000);
    assert_string_equal(u->currency, "EUR");

    u = unit(o, "u-005");
    assert_int_equal(u->status, DW_UNIT_IN_PROGRESS);
    assert_false(u->has_reward);
    assert_string_equal(u->currency, "");
    assert_string_equal(u->worker_country, "");
    assert_null(u->worker_tz);
    /* 12:00 at -05:00 = 17:00Z. */
    assert_true(u->accepted_at == utc(2026, 10, 7, 17, 0, 0));

    /* One task row per unit with a task; 7.5 min = 450 s, 30 min = 1800 s. */
    assert_int_equal(o->rows.n_tasks, 5);
    assert_string_equal(o->rows.tasks[0].external_id, "T-1, batch A");
    assert_true(o->rows.tasks[0].estimate_s == 1800);
    assert_string_equal(o->rows.tasks[4].external_id, "T-3");
    assert_true(o->rows.tasks[4].estimate_s == 450);

    /* Bonuses: u-001 0.50 USD paid 2026-10-07, u-004 1.00 EUR. */
    assert_int_equal(o->rows.n_payments, 2);
    assert_string_equal(o->rows.payments[0].dedupe_key, "u-001:bonus");
    assert_string_equal(o->rows.payments[0].unit_external_id, "u-001");
    assert_string_equal(o->rows.payments[0].kind, "bonus");
    assert_true(o->rows.payments[0].amount_micros == 500000);
    assert_string_equal(o->rows.payments[0].currency, "USD");
    assert_true(o->rows.payments[0].effective_at == utc(2026, 10, 7, 10, 0, 0));
    assert_string_equal(o->rows.payments[0].worker_key, ana);
    assert_string_equal(o->rows.payments[1].dedupe_key, "u-004:bonus");
    assert_true(o->rows.payments[1].amount_micros == 1000000);
    assert_string_equal(o->rows.payments[1].currency, "EUR");

    /* The landed body names workers only by key. */
    assert_non_null(o->landed);
    assert_null(strstr(o->landed, "w-ana"));
    assert_null(strstr(o->landed, "w-ben"));
    assert_non_null(strstr(o->landed, ana));
}

static void loads_a_good_csv_with_quotes_and_shuffled_columns(void **state)
{
    (void)state;
    size_t len;
    char *body = slurp("good/work_units.csv", &len);
    struct dw_parse_out o;
    struct dw_error err = {0};
    FILE *log = log_to_temp();
    assert_int_equal(
        parse(K_UNITS, "file:///srv/acme/work_units.csv", body, len, &o, &err),
        DW_OK);
    check_good_units(&o);
    /* shift_code is unknown: one warning for the whole file. */
    assert_int_equal(count_lines(log, "unknown_columns=shift_code"), 1);
    dw_parse_out_release(&o);
    free(body);
}

static void loads_the_same_csv_with_a_bom_and_crlf_lines(void **state)
{
    (void)state;
    size_t len, n;
    char *plain = slurp("good/work_units.csv", &len);
    char *body = bom_crlf(plain, &n);
    struct dw_parse_out o;
    struct dw_error err = {0};
    FILE *log = log_to_temp();
    assert_int_equal(
        parse(K_UNITS, "file:///srv/acme/work_units.csv", body, n, &o, &err),
        DW_OK);
    check_good_units(&o);
    assert_int_equal(count_lines(log, "WARN"), 1);
    dw_parse_out_release(&o);
    free(body);
    free(plain);
}

static void reads_ndjson_into_the_same_rows_as_csv(void **state)
{
    (void)state;
    size_t len;
    char *body = slurp("good-ndjson/work_units.ndjson", &len);
    struct dw_parse_out o;
    struct dw_error err = {0};
    assert_int_equal(parse(K_UNITS, "https://x.example/e/work_units.ndjson",
                           body, len, &o, &err),
                     DW_OK);
    /* Same data as good/work_units.csv, JSON numbers and nulls included. */
    check_good_units(&o);
    dw_parse_out_release(&o);
    free(body);
}

static void check_quarantine(const struct dw_parse_out *o, size_t i, int line,
                             const char *reason_start, const char *file)
{
    const struct dw_quarantine_row *q = &o->rows.quarantine[i];
    assert_int_equal(q->index, line);
    assert_string_equal(q->page, file);
    if (strncmp(q->reason, reason_start, strlen(reason_start)) != 0)
        fail_msg("line %d: reason '%s', expected '%s...'", line, q->reason,
                 reason_start);
}

static void check_five_bad(const struct dw_parse_out *o, const char *file,
                           int first_line)
{
    /* Rows 2..6 of the data are the bad ones (lines first_line..+4). */
    check_quarantine(o, 0, first_line, "missing unit_id", file);
    check_quarantine(o, 1, first_line + 1, "submitted_at before accepted_at",
                     file);
    check_quarantine(o, 2, first_line + 2, "unknown currency 'XYZ'", file);
    check_quarantine(o, 3, first_line + 3,
                     "reward '12,50' is not a decimal number", file);
    check_quarantine(o, 4, first_line + 4,
                     "accepted_at is more than a day in the future", file);
    assert_int_equal(o->rows.n_units, 3);
    assert_string_equal(o->rows.units[0].external_id, "b-001");
    assert_string_equal(o->rows.units[1].external_id, "b-007");
    assert_string_equal(o->rows.units[2].external_id, "b-008");
}

static void
quarantines_exactly_the_five_bad_rows_and_loads_the_rest(void **state)
{
    (void)state;
    size_t len;
    char *body = slurp("bad/work_units.csv", &len);
    struct dw_parse_out o;
    struct dw_error err = {0};
    char dan[DW_PSEUDONYM_HEX];
    assert_int_equal(
        parse(K_UNITS, "file:///srv/bad/work_units.csv", body, len, &o, &err),
        DW_OK);
    assert_int_equal(o.rows.n_quarantine, 5);
    /* Header on line 1, the first good row on 2: bad rows on 3..7. */
    check_five_bad(&o, "work_units.csv", 3);
    /* The quarantined record carries the worker's key, not the raw id. */
    worker("w-dan", dan);
    assert_null(strstr(o.rows.quarantine[0].record, "w-dan"));
    assert_non_null(strstr(o.rows.quarantine[0].record, dan));
    assert_non_null(strstr(o.rows.quarantine[0].record, "\"line\":3"));
    dw_parse_out_release(&o);
    free(body);
}

static void quarantines_a_malformed_ndjson_line_with_its_number(void **state)
{
    (void)state;
    size_t len;
    char *body = slurp("bad-ndjson/work_units.ndjson", &len);
    struct dw_parse_out o;
    struct dw_error err = {0};
    assert_int_equal(parse(K_UNITS, "file:///srv/bad/work_units.ndjson", body,
                           len, &o, &err),
                     DW_OK);
    /* The five bad records on lines 2..6, then the cut-off line 8. */
    assert_int_equal(o.rows.n_quarantine, 6);
    check_five_bad(&o, "work_units.ndjson", 2);
    check_quarantine(&o, 5, 8, "not JSON", "work_units.ndjson");
    /* Its text may hold a raw id: only the line number is kept. */
    assert_string_equal(o.rows.quarantine[5].record, "{\"line\":8}");
    dw_parse_out_release(&o);
    free(body);
}

static void reads_activity_segments(void **state)
{
    (void)state;
    const char *files[] = {"good/activity.csv", "good-ndjson/activity.ndjson"};
    const char *urls[] = {"file:///a/activity.csv",
                          "file:///a/activity.ndjson"};
    char ana[DW_PSEUDONYM_HEX];
    worker("w-ana", ana);
    for (int f = 0; f < 2; f++) {
        size_t len;
        char *body = slurp(files[f], &len);
        struct dw_parse_out o;
        struct dw_error err = {0};
        assert_int_equal(parse(K_ACTIVITY, urls[f], body, len, &o, &err),
                         DW_OK);
        assert_int_equal(o.rows.n_quarantine, 0);
        assert_int_equal(o.rows.n_segments, 3);
        const struct dw_segment_row *g = o.rows.segments;
        assert_string_equal(g[0].worker_key, ana);
        assert_true(g[0].started_at == utc(2026, 10, 5, 7, 0, 0));
        assert_true(g[0].duration_s == 600); /* 10 min * 60 */
        assert_true(g[0].screenshots == 3);
        assert_true(g[0].webcam_shots == 0);
        assert_true(g[0].keyboard_events == 412);
        assert_true(g[0].mouse_events == 230);
        assert_true(g[0].activity_level == 80);
        assert_false(g[0].manual);
        /* Empty counts are unknown, not zero. */
        assert_true(g[1].webcam_shots == 1);
        assert_true(g[1].keyboard_events == DW_NONE);
        assert_true(g[1].activity_level == DW_NONE);
        /* 7.5 min * 60 = 450 s. */
        assert_true(g[2].duration_s == 450);
        assert_true(g[2].keyboard_events == 0);
        assert_true(g[2].manual);
        dw_parse_out_release(&o);
        free(body);
    }
}

static void reads_declared_practices(void **state)
{
    (void)state;
    const char *files[] = {"good/practices.csv",
                           "good-ndjson/practices.ndjson"};
    const char *urls[] = {"file:///a/practices.csv",
                          "file:///a/practices.ndjson"};
    for (int f = 0; f < 2; f++) {
        size_t len;
        char *body = slurp(files[f], &len);
        struct dw_parse_out o;
        struct dw_error err = {0};
        assert_int_equal(parse(K_PRACTICES, urls[f], body, len, &o, &err),
                         DW_OK);
        assert_int_equal(o.rows.n_quarantine, 0);
        assert_int_equal(o.rows.n_practices, 4);
        const struct dw_practice_row *p = o.rows.practices;
        assert_string_equal(p[0].practice, "screenshots");
        assert_true(p[0].in_use);
        assert_string_equal(
            p[0].evidence,
            "Vendor policy 4.2: random screenshots, 3 per 10 minutes");
        assert_string_equal(p[1].practice, "webcam");
        assert_true(p[1].in_use); /* "yes" in the CSV */
        assert_null(p[1].evidence);
        assert_string_equal(p[2].practice, "emotion_inference");
        assert_false(p[2].in_use);
        assert_string_equal(p[3].practice, "keystroke_content");
        assert_false(p[3].in_use); /* "no" in the CSV */
        dw_parse_out_release(&o);
        free(body);
    }
}

static void quarantines_an_unknown_practice(void **state)
{
    (void)state;
    struct dw_parse_out o;
    struct dw_error err = {0};
    assert_int_equal(parse_text(K_PRACTICES, "file:///a/practices.csv",
                                "practice,in_use\n"
                                "webcam,false\n"
                                "mind_reading,true\n"
                                "webcam,true\n",
                                &o, &err),
                     DW_OK);
    assert_int_equal(o.rows.n_practices, 1);
    assert_int_equal(o.rows.n_quarantine, 2);
    check_quarantine(&o, 0, 3, "unknown practice 'mind_reading'",
                     "practices.csv");
    check_quarantine(&o, 1, 4, "duplicate practice (first on line 2)",
                     "practices.csv");
    dw_parse_out_release(&o);
}

static void refuses_a_header_without_a_required_column(void **state)
{
    (void)state;
    struct dw_parse_out o;
    struct dw_error err = {0};
    assert_int_equal(parse_text(K_UNITS, "file:///a/work_units.csv",
                                "unit_id,status\nu-1,approved\n", &o, &err),
                     DW_ERR_INVALID);
    assert_string_equal(err.msg, "work_units.csv: the header has no worker_id "
                                 "column (required)");
    dw_parse_out_release(&o);

    memset(&err, 0, sizeof(err));
    assert_int_equal(parse_text(K_ACTIVITY, "file:///a/activity.csv",
                                "worker_id,started_at\n", &o, &err),
                     DW_ERR_INVALID);
    assert_non_null(strstr(err.msg, "no minutes column"));
    dw_parse_out_release(&o);
}

static void refuses_an_empty_file_and_a_repeated_column(void **state)
{
    (void)state;
    struct dw_parse_out o;
    struct dw_error err = {0};
    assert_int_equal(
        parse_text(K_UNITS, "file:///a/work_units.csv", "\n\n", &o, &err),
        DW_ERR_INVALID);
    assert_string_equal(err.msg,
                        "work_units.csv is empty: it needs a header row");
    dw_parse_out_release(&o);
    memset(&err, 0, sizeof(err));
    assert_int_equal(parse_text(K_UNITS, "file:///a/work_units.csv",
                                "unit_id,worker_id,UNIT_ID\n", &o, &err),
                     DW_ERR_INVALID);
    assert_string_equal(err.msg,
                        "work_units.csv: the header has the column unit_id "
                        "twice");
    dw_parse_out_release(&o);
}

static void quarantines_broken_rows_and_reads_on(void **state)
{
    (void)state;
    struct dw_parse_out o;
    struct dw_error err = {0};
    assert_int_equal(parse_text(K_UNITS, "file:///a/work_units.csv",
                                "unit_id,worker_id\n"
                                "u1,w1\n"
                                "u2,\"w2\"x\n"
                                "u3,w3,extra\n"
                                "\n"
                                "u1,w9\n"
                                "u4,\"w\xff\"\n"
                                "u5,w5\n",
                                &o, &err),
                     DW_OK);
    assert_int_equal(o.rows.n_units, 2);
    assert_string_equal(o.rows.units[0].external_id, "u1");
    assert_string_equal(o.rows.units[1].external_id, "u5");
    assert_int_equal(o.rows.n_quarantine, 4);
    check_quarantine(&o, 0, 3, "broken CSV quoting", "work_units.csv");
    check_quarantine(&o, 1, 4, "has 3 fields, the header has 2",
                     "work_units.csv");
    /* Line 5 is blank; the duplicate is on line 6. */
    check_quarantine(&o, 2, 6, "duplicate unit_id (first on line 2)",
                     "work_units.csv");
    check_quarantine(&o, 3, 7, "not valid UTF-8", "work_units.csv");
    dw_parse_out_release(&o);
}

static void quarantines_an_unterminated_quote_at_the_end(void **state)
{
    (void)state;
    struct dw_parse_out o;
    struct dw_error err = {0};
    assert_int_equal(parse_text(K_UNITS, "file:///a/work_units.csv",
                                "unit_id,worker_id\n"
                                "u1,w1\n"
                                "u2,\"w2\n",
                                &o, &err),
                     DW_OK);
    assert_int_equal(o.rows.n_units, 1);
    assert_int_equal(o.rows.n_quarantine, 1);
    check_quarantine(&o, 0, 3, "unterminated quoted field", "work_units.csv");
    dw_parse_out_release(&o);
}

static void refuses_a_record_over_one_mebibyte(void **state)
{
    (void)state;
    /* An opening quote never closed swallows the rest of the file. */
    size_t n = BIG_RECORD;
    char *body = malloc(n + 64);
    assert_non_null(body);
    size_t k = (size_t)snprintf(body, 64, "unit_id,worker_id\nu1,\"");
    memset(body + k, 'x', n);
    body[k + n] = '\0';
    struct dw_parse_out o;
    struct dw_error err = {0};
    assert_int_equal(
        parse(K_UNITS, "file:///a/work_units.csv", body, k + n, &o, &err),
        DW_ERR_TOO_LARGE);
    assert_string_equal(err.msg, "work_units.csv line 2: a record over 1048576 "
                                 "bytes (an unclosed quote?)");
    dw_parse_out_release(&o);
    free(body);
}

static void quarantines_ndjson_lines_that_are_not_records(void **state)
{
    (void)state;
    struct dw_parse_out o;
    struct dw_error err = {0};
    assert_int_equal(
        parse_text(
            K_UNITS, "file:///a/work_units.ndjson",
            "[\"u1\",\"w1\"]\n"
            "{\"unit_id\":\"u2\",\"worker_id\":{\"id\":\"w2\"}}\n"
            "{\"unit_id\":\"u3\",\"unit_id\":\"u4\",\"worker_id\":\"w\"}\n"
            "{\"unit_id\":\"u5\",\"worker_id\":\"w5\",\"reward\":2.5,"
            "\"currency\":\"USD\",\"extra\":1}\n",
            &o, &err),
        DW_OK);
    assert_int_equal(o.rows.n_quarantine, 3);
    check_quarantine(&o, 0, 1, "not a JSON object", "work_units.ndjson");
    check_quarantine(&o, 1, 2,
                     "worker_id is not a string, number, boolean or null",
                     "work_units.ndjson");
    check_quarantine(&o, 2, 3, "not JSON", "work_units.ndjson");
    /* A JSON real goes the exact way: 2.5 -> 2,500,000 micro-units. */
    assert_int_equal(o.rows.n_units, 1);
    assert_true(o.rows.units[0].reward_micros == 2500000);
    dw_parse_out_release(&o);
}

static void quarantines_each_invalid_field_with_its_reason(void **state)
{
    (void)state;
    static const struct {
        const char *row;
        const char *reason;
    } cases[] = {
        {"u,w,XX1,,,,,", "worker_country 'XX1' is not an ISO 3166-1"},
        {"u,w,,Mars/../x,,,,", "worker_tz 'Mars/../x' is not an IANA zone"},
        {"u,w,,,paid,,,", "unknown status 'paid'"},
        {"u,w,,,,2026-10-01 08:00:00,,",
         "accepted_at '2026-10-01 08:00:00' is not ISO 8601 with an offset"},
        {"u,w,,,,,1.50,", "an amount without a currency"},
        {"u,w,,,,,-1,USD", "reward is negative"},
        {"u,w,,,,,1.1234567,USD", "reward '1.1234567' is not a decimal"},
        {",,,,,,,", "missing unit_id"},
        {"u,,,,,,,", "missing worker_id"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char body[512];
        struct dw_parse_out o;
        struct dw_error err = {0};
        snprintf(body, sizeof(body),
                 "unit_id,worker_id,worker_country,worker_tz,status,"
                 "accepted_at,reward,currency\n%s\n",
                 cases[i].row);
        assert_int_equal(
            parse_text(K_UNITS, "file:///a/work_units.csv", body, &o, &err),
            DW_OK);
        assert_int_equal(o.rows.n_units, 0);
        assert_int_equal(o.rows.n_quarantine, 1);
        check_quarantine(&o, 0, 2, cases[i].reason, "work_units.csv");
        dw_parse_out_release(&o);
    }
}

static void quarantines_bad_activity_rows(void **state)
{
    (void)state;
    struct dw_parse_out o;
    struct dw_error err = {0};
    assert_int_equal(parse_text(K_ACTIVITY, "file:///a/activity.csv",
                                "worker_id,started_at,minutes,activity_level,"
                                "manual\n"
                                "w,2026-10-01T08:00:00Z,0,,\n"
                                "w,2026-10-01T08:00:00Z,10,101,\n"
                                "w,2026-10-01T08:00:00Z,10,,maybe\n"
                                "w,,10,,\n"
                                "w,2026-10-01T08:00:00Z,1441,,\n",
                                &o, &err),
                     DW_OK);
    assert_int_equal(o.rows.n_segments, 0);
    assert_int_equal(o.rows.n_quarantine, 5);
    check_quarantine(&o, 0, 2, "minutes '0' is not a number above 0",
                     "activity.csv");
    check_quarantine(&o, 1, 3,
                     "activity_level '101' is not a whole number "
                     "from 0 to 100",
                     "activity.csv");
    check_quarantine(&o, 2, 4, "manual 'maybe' is not true or false",
                     "activity.csv");
    check_quarantine(&o, 3, 5, "missing started_at", "activity.csv");
    check_quarantine(&o, 4, 6,
                     "minutes '1441' is not a number above 0 and "
                     "at most 1440",
                     "activity.csv");
    dw_parse_out_release(&o);
}

static void pop_url(struct dw_request_list *l, int kind, bool root,
                    const char *url)
{
    struct dw_request r;
    assert_true(dw_request_list_pop(l, &r));
    assert_int_equal(r.kind, kind);
    assert_int_equal(r.root, root);
    assert_string_equal(r.url, url);
    dw_request_release(&r);
}

static void starts_with_one_request_per_file(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_request_list l;
    struct dw_error err = {0};

    /* A directory: CSV files, work units first and required. */
    src.path = "/srv/exports/acme/";
    dw_request_list_init(&l);
    assert_int_equal(dw_platform_file.start(&ctx, &l, &err), DW_OK);
    assert_int_equal(l.n, 3);
    pop_url(&l, K_UNITS, true, "file:///srv/exports/acme/work_units.csv");
    pop_url(&l, K_ACTIVITY, false, "file:///srv/exports/acme/activity.csv");
    pop_url(&l, K_PRACTICES, false, "file:///srv/exports/acme/practices.csv");
    dw_request_list_release(&l);

    /* Naming work_units.ndjson selects NDJSON for all three. */
    src.path = "https://vendor.example/export/2026-11/work_units.ndjson";
    assert_int_equal(dw_platform_file.start(&ctx, &l, &err), DW_OK);
    pop_url(&l, K_UNITS, true,
            "https://vendor.example/export/2026-11/work_units.ndjson");
    pop_url(&l, K_ACTIVITY, false,
            "https://vendor.example/export/2026-11/activity.ndjson");
    pop_url(&l, K_PRACTICES, false,
            "https://vendor.example/export/2026-11/practices.ndjson");
    dw_request_list_release(&l);

    src.path = "exports/acme";
    assert_int_equal(dw_platform_file.start(&ctx, &l, &err), DW_ERR_CONFIG);
    assert_non_null(strstr(err.msg, "absolute directory"));
    dw_request_list_release(&l);
    src.path = "http://vendor.example/export";
    assert_int_equal(dw_platform_file.start(&ctx, &l, &err), DW_ERR_CONFIG);
    assert_non_null(strstr(err.msg, "must be https"));
    dw_request_list_release(&l);
}

static void sends_a_token_only_to_a_web_server(void **state)
{
    (void)state;
    struct dw_platform_ctx ctx = make_ctx();
    struct dw_http_req h;
    struct dw_error err = {0};
    struct dw_request web = {.kind = K_UNITS,
                             .url = "https://v.example/e/work_units.csv"};
    struct dw_request local = {.kind = K_UNITS,
                               .url = "file:///srv/e/work_units.csv"};
    ctx.credential = "s3cret";
    dw_http_req_init(&h);
    assert_int_equal(dw_platform_file.prepare(&ctx, &local, &h, &err), DW_OK);
    assert_int_equal(h.n_headers, 0);
    assert_int_equal(dw_platform_file.prepare(&ctx, &web, &h, &err), DW_OK);
    assert_int_equal(h.n_headers, 1);
    assert_string_equal(h.headers[0], "Authorization: Bearer s3cret");
    dw_http_req_release(&h);
}

/* Remembers what dw_file_get handed to the check. */
static enum dw_status keep_len(void *ctx, long status, const char *body,
                               size_t len, struct dw_error *err)
{
    (void)status;
    (void)body;
    (void)err;
    *(size_t *)ctx = len;
    return DW_OK;
}

static void reads_local_files_with_a_cap(void **state)
{
    (void)state;
    char path[] = "/tmp/dw-test-file-XXXXXX";
    char url[64];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "unit_id,worker_id\n", 18), 18);
    close(fd);
    snprintf(url, sizeof(url), "file://%s", path);

    struct dw_buf body;
    struct dw_error err = {0};
    long status = 0;
    size_t seen = 0;
    dw_buf_init(&body, 0);
    assert_true(dw_file_url(url));
    assert_false(dw_file_url("https://x.example/work_units.csv"));
    assert_int_equal(
        dw_file_get(url, 1024, keep_len, &seen, &status, &body, &err), DW_OK);
    assert_int_equal(status, 200);
    assert_int_equal(seen, 18);
    /* 18 bytes over a 10-byte cap. */
    assert_int_equal(
        dw_file_get(url, 10, keep_len, &seen, &status, &body, &err),
        DW_ERR_TOO_LARGE);
    assert_non_null(strstr(err.msg, "is 18 bytes, over the 10-byte cap"));
    unlink(path);
    assert_int_equal(
        dw_file_get(url, 1024, keep_len, &seen, &status, &body, &err),
        DW_ERR_NOT_FOUND);
    assert_int_equal(
        dw_file_get("file:///tmp", 1024, keep_len, &seen, &status, &body, &err),
        DW_ERR_IO);
    dw_buf_release(&body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_a_good_csv_with_quotes_and_shuffled_columns),
        cmocka_unit_test(loads_the_same_csv_with_a_bom_and_crlf_lines),
        cmocka_unit_test(reads_ndjson_into_the_same_rows_as_csv),
        cmocka_unit_test(
            quarantines_exactly_the_five_bad_rows_and_loads_the_rest),
        cmocka_unit_test(quarantines_a_malformed_ndjson_line_with_its_number),
        cmocka_unit_test(reads_activity_segments),
        cmocka_unit_test(reads_declared_practices),
        cmocka_unit_test(quarantines_an_unknown_practice),
        cmocka_unit_test(refuses_a_header_without_a_required_column),
        cmocka_unit_test(refuses_an_empty_file_and_a_repeated_column),
        cmocka_unit_test(quarantines_broken_rows_and_reads_on),
        cmocka_unit_test(quarantines_an_unterminated_quote_at_the_end),
        cmocka_unit_test(refuses_a_record_over_one_mebibyte),
        cmocka_unit_test(quarantines_ndjson_lines_that_are_not_records),
        cmocka_unit_test(quarantines_each_invalid_field_with_its_reason),
        cmocka_unit_test(quarantines_bad_activity_rows),
        cmocka_unit_test(starts_with_one_request_per_file),
        cmocka_unit_test(sends_a_token_only_to_a_web_server),
        cmocka_unit_test(reads_local_files_with_a_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
