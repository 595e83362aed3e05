/* tests/unit/test_log.c — logfmt and JSON lines, quoting, level filter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "log.h"

static FILE *out;

static int setup(void **state)
{
    (void)state;
    out = tmpfile();
    if (out == NULL)
        return -1;
    dw_log_set_stream(out);
    dw_log_set_level(DW_LOG_INFO);
    dw_log_set_format(DW_LOG_LOGFMT);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dw_log_set_stream(NULL);
    fclose(out);
    return 0;
}

/* Everything logged since the last call. */
static const char *logged(void)
{
    static char text[4096];
    size_t n;

    rewind(out);
    n = fread(text, 1, sizeof(text) - 1, out);
    text[n] = '\0';
    rewind(out);
    if (ftruncate(fileno(out), 0) != 0)
        fail_msg("cannot truncate the log file");
    return text;
}

/* "2026-11-24T10:00:00Z": digits where digits go, and a Z. */
static void assert_utc_stamp(const char *s)
{
    const char *shape = "dddd-dd-ddTdd:dd:ddZ";

    for (size_t i = 0; shape[i] != '\0'; i++) {
        if (shape[i] == 'd')
            assert_true(s[i] >= '0' && s[i] <= '9');
        else
            assert_int_equal(s[i], shape[i]);
    }
}

static void writes_one_logfmt_line_per_event(void **state)
{
    const char *line;

    (void)state;
    dw_log(DW_LOG_INFO, "collect", "source=%s pages=%d units=%d",
           "prolific-main", 12, 2400);
    line = logged();
    assert_utc_stamp(line);
    /* the stamp is 20 characters, then a space */
    assert_string_equal(line + 20,
                        " INFO collect source=prolific-main pages=12 "
                        "units=2400\n");
    dw_log(DW_LOG_ERROR, "migrate", "%s", "");
    assert_string_equal(logged() + 20, " ERROR migrate\n");
}

static void keeps_an_event_on_one_line(void **state)
{
    (void)state;
    dw_log(DW_LOG_WARN, "http", "note=%s", "a\nb");
    assert_string_equal(logged() + 20, " WARN http note=a b\n");
}

static void quotes_values_that_need_it(void **state)
{
    char q[64];

    (void)state;
    assert_string_equal(dw_log_quote("plain", q, sizeof(q)), "plain");
    assert_string_equal(dw_log_quote("two words", q, sizeof(q)),
                        "\"two words\"");
    assert_string_equal(dw_log_quote("a=b", q, sizeof(q)), "\"a=b\"");
    assert_string_equal(dw_log_quote("say \"hi\"", q, sizeof(q)),
                        "\"say \\\"hi\\\"\"");
    assert_string_equal(dw_log_quote("back\\slash", q, sizeof(q)),
                        "\"back\\\\slash\"");
    assert_string_equal(dw_log_quote("l1\nl2\t", q, sizeof(q)),
                        "\"l1\\nl2\\t\"");
    assert_string_equal(dw_log_quote("bell\a", q, sizeof(q)), "\"bell\\x07\"");
    assert_string_equal(dw_log_quote("", q, sizeof(q)), "\"\"");
    assert_string_equal(dw_log_quote(NULL, q, sizeof(q)), "\"\"");
    assert_string_equal(dw_log_quote("Zoë", q, sizeof(q)), "Zoë");
    /* truncated, but still closed: 8 bytes hold "a b c" + quotes + NUL */
    assert_string_equal(dw_log_quote("a b c d e f", q, 8), "\"a b c\"");
    assert_string_equal(dw_log_quote("abcdef", q, 4), "abc");
}

static void writes_json_fields_from_the_key_value_message(void **state)
{
    char q[64];
    const char *line;
    json_error_t jerr;
    json_t *obj;

    (void)state;
    dw_log_set_format(DW_LOG_JSON);
    dw_log(DW_LOG_INFO, "collect", "source=%s pages=%d title=%s",
           "prolific-main", 12, dw_log_quote("say \"hi\"\tZoë", q, sizeof(q)));
    line = logged();
    assert_int_equal(strncmp(line, "{\"ts\":\"", 7), 0);
    assert_utc_stamp(line + 7);
    assert_string_equal(line + 27,
                        "\",\"level\":\"info\",\"event\":\"collect\","
                        "\"source\":\"prolific-main\",\"pages\":\"12\","
                        "\"title\":\"say \\\"hi\\\"\\tZoë\"}\n");
    /* and it is JSON that a parser reads back to the same values */
    obj = json_loads(line, 0, &jerr);
    assert_non_null(obj);
    assert_string_equal(json_string_value(json_object_get(obj, "title")),
                        "say \"hi\"\tZoë");
    assert_string_equal(json_string_value(json_object_get(obj, "level")),
                        "info");
    json_decref(obj);
    dw_log_set_format(DW_LOG_LOGFMT);
}

static void keeps_bare_words_and_fixed_keys_apart_in_json(void **state)
{
    const char *line;
    json_t *obj;

    (void)state;
    dw_log_set_format(DW_LOG_JSON);
    dw_log(DW_LOG_WARN, "sync", "retrying now level=%d ctl=%s", 3, "\"\\x01\"");
    line = logged();
    obj = json_loads(line, 0, NULL);
    assert_non_null(obj);
    assert_string_equal(json_string_value(json_object_get(obj, "level")),
                        "warn");
    assert_string_equal(json_string_value(json_object_get(obj, "_level")), "3");
    assert_string_equal(json_string_value(json_object_get(obj, "text")),
                        "retrying now");
    assert_string_equal(json_string_value(json_object_get(obj, "ctl")), "\x01");
    assert_non_null(strstr(line, "\\u0001"));
    json_decref(obj);
    dw_log_set_format(DW_LOG_LOGFMT);
}

static void drops_events_below_the_level(void **state)
{
    (void)state;
    dw_log_set_level(DW_LOG_WARN);
    dw_log(DW_LOG_DEBUG, "x", "a=1");
    dw_log(DW_LOG_INFO, "x", "a=2");
    assert_string_equal(logged(), "");
    dw_log(DW_LOG_WARN, "x", "a=3");
    dw_log(DW_LOG_ERROR, "x", "a=4");
    assert_non_null(strstr(logged(), " WARN x a=3\n"));
    dw_log_set_level(DW_LOG_DEBUG);
    dw_log(DW_LOG_DEBUG, "x", "a=5");
    assert_string_equal(logged() + 20, " DEBUG x a=5\n");
    dw_log_set_level(DW_LOG_INFO);
}

static void parses_level_and_format_names(void **state)
{
    enum dw_log_level l;
    enum dw_log_format f;

    (void)state;
    assert_int_equal(dw_log_parse_level("debug", &l), DW_OK);
    assert_int_equal(l, DW_LOG_DEBUG);
    assert_int_equal(dw_log_parse_level("WARN", &l), DW_OK);
    assert_int_equal(l, DW_LOG_WARN);
    assert_int_equal(dw_log_parse_level("error", &l), DW_OK);
    assert_int_equal(l, DW_LOG_ERROR);
    assert_int_equal(dw_log_parse_level("loud", &l), DW_ERR_USAGE);
    assert_int_equal(dw_log_parse_level(NULL, &l), DW_ERR_USAGE);
    assert_int_equal(dw_log_parse_format("json", &f), DW_OK);
    assert_int_equal(f, DW_LOG_JSON);
    assert_int_equal(dw_log_parse_format("logfmt", &f), DW_OK);
    assert_int_equal(f, DW_LOG_LOGFMT);
    assert_int_equal(dw_log_parse_format("xml", &f), DW_ERR_USAGE);
}

static void logs_an_error_with_its_status(void **state)
{
    struct dw_error err = {0};

    (void)state;
    dw_error_set(&err, DW_ERR_CONFIG, "bad \"thing\" at %d", 7);
    dw_log_error("config", &err);
    assert_string_equal(logged() + 20, " ERROR config status=config "
                                       "msg=\"bad \\\"thing\\\" at 7\"\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(writes_one_logfmt_line_per_event),
        cmocka_unit_test(keeps_an_event_on_one_line),
        cmocka_unit_test(quotes_values_that_need_it),
        cmocka_unit_test(writes_json_fields_from_the_key_value_message),
        cmocka_unit_test(keeps_bare_words_and_fixed_keys_apart_in_json),
        cmocka_unit_test(drops_events_below_the_level),
        cmocka_unit_test(parses_level_and_format_names),
        cmocka_unit_test(logs_an_error_with_its_status),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
