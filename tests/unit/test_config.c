/* tests/unit/test_config.c — the INI configuration and its messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static const char valid[] =
    "; decentwork test configuration\n"               /* 1 */
    "[database]\n"                                    /* 2 */
    "url = postgresql://dw@localhost/decentwork\n"    /* 3 */
    "\n"                                              /* 4 */
    "[log]\n"                                         /* 5 */
    "level = debug\n"                                 /* 6 */
    "format = json\n"                                 /* 7 */
    "[analyzer]\n"                                    /* 8 */
    "currency = EUR\n"                                /* 9 */
    "fallback_country = DE\n"                         /* 10 */
    "[report]\n"                                      /* 11 */
    "min_group = 10\n"                                /* 12 */
    "# the Prolific account\n"                        /* 13 */
    "[source prolific-main]\n"                        /* 14 */
    "  platform = prolific\n"                         /* 15 */
    "  vendor = Acme Research\n"                      /* 16 */
    "  vendor_country = GB\n"                         /* 17 */
    "  token_env = PROLIFIC_TOKEN\n"                  /* 18 */
    "  default_tz = Europe/London ; inline comment\n" /* 19 */
    "  page_size = 200\n"                             /* 20 */
    "[source bpo.export]\n"                           /* 21 */
    "platform = file\n"                               /* 22 */
    "vendor = Manila Labelling Inc.\n"                /* 23 */
    "path = https://vendor.example/exports/\n"        /* 24 */
    "default_country = PH\n"                          /* 25 */
    "default_tz = Asia/Manila\n"                      /* 26 */
    "lookback_days = 0\n"                             /* 27 */
    "timeout_s = 120\n"                               /* 28 */
    "max_retries = 0\n";                              /* 29 */

static int setup(void **state)
{
    (void)state;
    unsetenv("DW_DATABASE_URL");
    unsetenv("DW_LOG_LEVEL");
    unsetenv("DW_LOG_FORMAT");
    return 0;
}

static void fills_defaults_without_a_file(void **state)
{
    struct dw_config cfg;

    (void)state;
    dw_config_init(&cfg);
    assert_null(cfg.database_url);
    assert_string_equal(cfg.log_level, "info");
    assert_string_equal(cfg.log_format, "logfmt");
    assert_string_equal(cfg.report_currency, "USD");
    assert_string_equal(cfg.fallback_country, "US");
    assert_int_equal(cfg.k_anonymity, 5);
    assert_int_equal(cfg.n_sources, 0);
    dw_config_release(&cfg);
}

static void reads_every_section_and_source(void **state)
{
    struct dw_config cfg;
    struct dw_error err = {0};
    const struct dw_source_config *p, *f;

    (void)state;
    dw_config_init(&cfg);
    if (dw_config_load_string(&cfg, valid, "test.conf", &err) != DW_OK)
        fail_msg("%s", err.msg);
    assert_string_equal(cfg.path, "test.conf");
    assert_string_equal(cfg.database_url,
                        "postgresql://dw@localhost/decentwork");
    assert_string_equal(cfg.log_level, "debug");
    assert_string_equal(cfg.log_format, "json");
    assert_string_equal(cfg.report_currency, "EUR");
    assert_string_equal(cfg.fallback_country, "DE");
    assert_int_equal(cfg.k_anonymity, 10);
    assert_int_equal(cfg.n_sources, 2);

    p = dw_config_source(&cfg, "prolific-main");
    assert_non_null(p);
    assert_int_equal(p->line, 14);
    assert_string_equal(p->platform, "prolific");
    assert_string_equal(p->vendor, "Acme Research");
    assert_string_equal(p->vendor_country, "GB");
    assert_string_equal(p->token_env, "PROLIFIC_TOKEN");
    assert_string_equal(p->default_tz, "Europe/London");
    assert_null(p->endpoint);
    assert_null(p->path);
    assert_int_equal(p->page_size, 200);
    assert_int_equal(p->lookback_days, 35); /* defaults */
    assert_int_equal(p->timeout_s, 60);
    assert_int_equal(p->max_retries, 5);

    f = dw_config_source(&cfg, "bpo.export");
    assert_non_null(f);
    assert_int_equal(f->line, 21);
    assert_string_equal(f->path, "https://vendor.example/exports/");
    assert_string_equal(f->default_country, "PH");
    assert_int_equal(f->lookback_days, 0);
    assert_int_equal(f->page_size, 0);
    assert_int_equal(f->timeout_s, 120);
    assert_int_equal(f->max_retries, 0);
    assert_null(dw_config_source(&cfg, "nope"));
    dw_config_release(&cfg);
}

static void reads_the_same_from_a_file(void **state)
{
    char path[] = "/tmp/dw-test-config-XXXXXX";
    struct dw_config cfg;
    struct dw_error err = {0};
    int fd;

    (void)state;
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, valid, strlen(valid)), (int)strlen(valid));
    close(fd);
    dw_config_init(&cfg);
    if (dw_config_load(&cfg, path, &err) != DW_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(cfg.n_sources, 2);
    assert_string_equal(cfg.path, path);
    dw_config_release(&cfg);
    unlink(path);

    dw_config_init(&cfg);
    assert_int_equal(dw_config_load(&cfg, path, &err), DW_ERR_CONFIG);
    assert_non_null(strstr(err.msg, "cannot open"));
    dw_config_release(&cfg);
}

static void lets_the_environment_override_the_database_url(void **state)
{
    struct dw_config cfg;
    struct dw_error err = {0};

    (void)state;
    setenv("DW_DATABASE_URL", "postgresql:///fromenv", 1);
    setenv("DW_LOG_LEVEL", "warn", 1);
    dw_config_init(&cfg);
    assert_int_equal(dw_config_load_string(&cfg, valid, "t.conf", &err), DW_OK);
    assert_string_equal(cfg.database_url, "postgresql:///fromenv");
    assert_string_equal(cfg.log_level, "warn");
    assert_string_equal(dw_config_database_url(&cfg), "postgresql:///fromenv");
    assert_string_equal(dw_config_database_url(NULL), "postgresql:///fromenv");
    unsetenv("DW_DATABASE_URL");
    assert_string_equal(dw_config_database_url(&cfg), "postgresql:///fromenv");
    assert_null(dw_config_database_url(NULL));
    dw_config_release(&cfg);

    setenv("DW_LOG_LEVEL", "chatty", 1);
    dw_config_init(&cfg);
    assert_int_equal(dw_config_load_string(&cfg, valid, "t.conf", &err),
                     DW_ERR_CONFIG);
    assert_string_equal(err.msg, "environment DW_LOG_LEVEL must be debug, "
                                 "info, warn or error, got 'chatty'");
    dw_config_release(&cfg);
    unsetenv("DW_LOG_LEVEL");
}

/* Loads text and expects exactly the message want. */
static void check_error(const char *text, const char *want)
{
    struct dw_config cfg;
    struct dw_error err = {0};

    dw_config_init(&cfg);
    if (dw_config_load_string(&cfg, text, "dw.conf", &err) != DW_ERR_CONFIG)
        fail_msg("expected an error for:\n%s", text);
    assert_int_equal(err.code, DW_ERR_CONFIG);
    assert_string_equal(err.msg, want);
    dw_config_release(&cfg);
}

#define SRC "[source s]\nplatform = toloka\nvendor = V\n"

static void names_the_line_of_an_unknown_key_or_section(void **state)
{
    (void)state;
    check_error(SRC "colour = blue\n",
                "dw.conf:4: unknown key 'colour' in [source s]");
    check_error("[database]\nhost = x\n",
                "dw.conf:2: unknown key 'host' in [database]");
    check_error("\n\n[reports]\nmin_group = 5\n",
                "dw.conf:3: unknown section [reports] (expected database, "
                "log, analyzer, report or source NAME)");
    check_error("url = x\n", "dw.conf:1: key 'url' is outside any section");
}

static void reports_syntax_errors_with_their_line(void **state)
{
    (void)state;
    check_error("[log]\nlevel = info\njust some words\n",
                "dw.conf:3: syntax error (expected [section], key = value "
                "or a comment)");
    check_error("[log\nlevel = info\n",
                "dw.conf:1: syntax error (expected [section], key = value "
                "or a comment)");
    check_error("[log] extra\n",
                "dw.conf:1: unexpected text after the section header");
}

static void refuses_secrets_in_the_file(void **state)
{
    (void)state;
    check_error(SRC "token = abc123\n",
                "dw.conf:4: 'token' in [source s]: secrets never go in the "
                "config file; put it in an environment variable and name "
                "that variable with token_env = VARIABLE");
    check_error("[database]\npassword = hunter2\n",
                "dw.conf:2: 'password' in [database]: secrets never go in "
                "the config file; put it in an environment variable and "
                "name that variable with token_env = VARIABLE");
}

static void validates_values_precisely(void **state)
{
    (void)state;
    check_error(SRC "page_size = 0\n",
                "dw.conf:4: page_size in [source s] must be an integer from "
                "1 to 10000, got '0'");
    check_error(SRC "timeout_s = 12s\n",
                "dw.conf:4: timeout_s in [source s] must be an integer from "
                "1 to 3600, got '12s'");
    check_error(SRC "lookback_days = 99999999999999999999\n",
                "dw.conf:4: lookback_days in [source s] must be an integer "
                "from 0 to 3650, got '99999999999999999999'");
    check_error("[source s]\nplatform = fiverr\n",
                "dw.conf:2: platform in [source s] must be prolific, toloka, "
                "upwork, mturk or file, got 'fiverr'");
    check_error(SRC "default_country = de\n",
                "dw.conf:4: default_country in [source s] must be an ISO "
                "3166-1 alpha-2 code in capitals (e.g. DE), got 'de'");
    check_error("[analyzer]\ncurrency = XYZ\n",
                "dw.conf:2: currency in [analyzer] must be an ISO 4217 code "
                "(e.g. USD), got 'XYZ'");
    check_error(SRC "default_tz = Mars/Olympus\n",
                "dw.conf:4: default_tz in [source s] must be an IANA time "
                "zone name (e.g. Asia/Manila), got 'Mars/Olympus'");
    check_error(SRC "default_tz = ../../etc/passwd\n",
                "dw.conf:4: default_tz in [source s] must be an IANA time "
                "zone name (e.g. Asia/Manila), got '../../etc/passwd'");
    check_error(SRC "token_env = MY-TOKEN\n",
                "dw.conf:4: token_env in [source s] must name an environment "
                "variable (e.g. PROLIFIC_TOKEN), got 'MY-TOKEN'");
    check_error(SRC "endpoint = ftp://x\n",
                "dw.conf:4: endpoint in [source s] must start with https:// "
                "(or http://), got 'ftp://x'");
    check_error("[log]\nformat = xml\n",
                "dw.conf:2: format in [log] must be logfmt or json, got "
                "'xml'");
    check_error("[report]\nmin_group = 1\n",
                "dw.conf:2: min_group in [report] must be an integer from 2 "
                "to 1000, got '1'");
    check_error("[database]\nurl =\n",
                "dw.conf:2: url in [database] has no value");
}

static void checks_sources_are_complete(void **state)
{
    (void)state;
    check_error("[log]\nlevel = info\n[source a]\nvendor = V\n",
                "dw.conf:3: [source a] needs platform = prolific, toloka, "
                "upwork, mturk or file");
    check_error("[source a]\nplatform = upwork\n",
                "dw.conf:1: [source a] needs vendor = the vendor's name");
    check_error("[source a]\nplatform = file\nvendor = V\n",
                "dw.conf:1: [source a] needs path = a directory or https URL");
    check_error("[source a]\n", "dw.conf:1: [source a] needs platform = "
                                "prolific, toloka, upwork, mturk or file");
    check_error("[source]\n", "dw.conf:1: [source] needs a name: [source "
                              "NAME]");
    check_error(SRC "[source s]\n",
                "dw.conf:4: duplicate [source s] (first on line 1)");
    check_error(SRC "vendor = W\n",
                "dw.conf:4: duplicate key 'vendor' in [source s]");
    check_error("[source a/b]\n", "dw.conf:1: source name 'a/b' must be 1 to "
                                  "63 letters, digits, '.', '_' or '-'");
}

static void reports_the_first_error_only(void **state)
{
    (void)state;
    check_error("[log]\nlevel = loud\ncolour = red\n",
                "dw.conf:2: level in [log] must be debug, info, warn or "
                "error, got 'loud'");
}

static void refuses_overlong_lines(void **state)
{
    char text[400];

    (void)state;
    /* "[database]\n" then "url = " and 300 x's: far beyond inih's line */
    snprintf(text, sizeof(text), "[database]\nurl = %0300d\n", 0);
    check_error(text, "dw.conf:2: line longer than 197 characters");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fills_defaults_without_a_file),
        cmocka_unit_test(reads_every_section_and_source),
        cmocka_unit_test(reads_the_same_from_a_file),
        cmocka_unit_test(lets_the_environment_override_the_database_url),
        cmocka_unit_test(names_the_line_of_an_unknown_key_or_section),
        cmocka_unit_test(reports_syntax_errors_with_their_line),
        cmocka_unit_test(refuses_secrets_in_the_file),
        cmocka_unit_test(validates_values_precisely),
        cmocka_unit_test(checks_sources_are_complete),
        cmocka_unit_test(reports_the_first_error_only),
        cmocka_unit_test(refuses_overlong_lines),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
