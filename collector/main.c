/* collector/main.c — dw-collect: sync every configured source, or one. */
#include <curl/curl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "config.h"
#include "dwtime.h"
#include "log.h"
#include "pseudonym.h"
#include "status.h"
#include "sync.h"

static const char usage_text[] =
    "Usage: dw-collect [OPTION]...\n"
    "Sync crowdwork platform sources into the decentwork database.\n"
    "\n"
    "  --config FILE        configuration file (default " DW_CONFIG_DEFAULT_PATH
    ";\n"
    "                       DW_CONFIG overrides the default)\n"
    "  --source NAME        sync only this source\n"
    "  --dry-run            fetch and validate, write nothing\n"
    "  --full-refresh       drop the saved crawl position and re-read the\n"
    "                       whole history (or from --since)\n"
    "  --since YYYY-MM-DD   re-read from this date instead of the look-back\n"
    "                       window\n"
    "  --log-format F       logfmt (default) or json\n"
    "  --log-level L        debug, info (default), warn or error\n"
    "  --demo               allow the public demo pseudonym key when\n"
    "                       DW_PSEUDONYM_KEY is unset (never for real data)\n"
    "  --help               show this help\n"
    "\n"
    "Environment: DW_PSEUDONYM_KEY (required), DW_DATABASE_URL, and the\n"
    "variable each source's token_env names.\n"
    "Exit status: 0 done, 1 a source failed, 2 usage or configuration\n"
    "error, 3 partial (throttled; progress saved, the next run resumes).\n"
    "See docs/dw-collect.md.\n";

/* Severity order for combining sources: 2 > 1 > 3 > 0. */
static int rank(int code)
{
    switch (code) {
    case DW_EXIT_USAGE:
        return 3;
    case DW_EXIT_FAILED:
        return 2;
    case DW_EXIT_PARTIAL:
        return 1;
    default:
        return 0;
    }
}

static int worst(int a, int b)
{
    return rank(b) > rank(a) ? b : a;
}

struct args {
    const char *config;
    const char *source;
    bool dry_run;
    bool full_refresh;
    int64_t since;
    const char *log_format;
    const char *log_level;
    bool demo;
};

static int parse_args(int argc, char **argv, struct args *a)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'},
        {"source", required_argument, NULL, 's'},
        {"dry-run", no_argument, NULL, 'n'},
        {"full-refresh", no_argument, NULL, 'f'},
        {"since", required_argument, NULL, 'S'},
        {"log-format", required_argument, NULL, 'F'},
        {"log-level", required_argument, NULL, 'L'},
        {"demo", no_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    memset(a, 0, sizeof(*a));
    a->since = DW_TIME_NONE;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            a->config = optarg;
            break;
        case 's':
            a->source = optarg;
            break;
        case 'n':
            a->dry_run = true;
            break;
        case 'f':
            a->full_refresh = true;
            break;
        case 'S':
            if (strlen(optarg) != 10 ||
                dw_time_parse_iso(optarg, false, &a->since, NULL) != DW_OK) {
                fprintf(stderr, "dw-collect: --since wants YYYY-MM-DD\n");
                return DW_EXIT_USAGE;
            }
            break;
        case 'F':
            a->log_format = optarg;
            break;
        case 'L':
            a->log_level = optarg;
            break;
        case 'd':
            a->demo = true;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return -1;
        default:
            fputs(usage_text, stderr);
            return DW_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "dw-collect: unexpected argument '%s'\n", argv[optind]);
        return DW_EXIT_USAGE;
    }
    return 0;
}

/* Log settings: config first, then the command line wins. */
static int setup_log(const struct dw_config *cfg, const struct args *a)
{
    const char *fmt = a->log_format ? a->log_format : cfg->log_format;
    const char *lvl = a->log_level ? a->log_level : cfg->log_level;
    enum dw_log_format f;
    enum dw_log_level l;
    if (fmt) {
        if (dw_log_parse_format(fmt, &f) != DW_OK) {
            fprintf(stderr, "dw-collect: unknown log format '%s'\n", fmt);
            return DW_EXIT_USAGE;
        }
        dw_log_set_format(f);
    }
    if (lvl) {
        if (dw_log_parse_level(lvl, &l) != DW_OK) {
            fprintf(stderr, "dw-collect: unknown log level '%s'\n", lvl);
            return DW_EXIT_USAGE;
        }
        dw_log_set_level(l);
    }
    return 0;
}

/* Syncs one source; returns its exit code. */
static int run_source(const struct dw_source_config *src, const struct args *a,
                      const char *key, const char *db_url)
{
    struct dw_error err = {0};
    struct dw_sync_result res;
    const char *cred = NULL;

    /* A vendor export read from disk (or a public URL) needs no token. */
    bool token_optional = src->platform && strcmp(src->platform, "file") == 0;
    if (!src->token_env || !*src->token_env) {
        if (!token_optional) {
            dw_error_set(&err, DW_ERR_CONFIG,
                         "source %s: token_env is not set (name the "
                         "environment variable that holds the API token)",
                         src->name);
            dw_log_error("collect", &err);
            return DW_EXIT_USAGE;
        }
    } else {
        cred = getenv(src->token_env);
        if (!cred || !*cred) {
            dw_error_set(&err, DW_ERR_CONFIG,
                         "source %s: environment variable %s is not set",
                         src->name, src->token_env);
            dw_log_error("collect", &err);
            return DW_EXIT_USAGE;
        }
    }
    struct dw_sync_opts o = {
        .database_url = db_url,
        .credential = cred,
        .pseudonym_key = key,
        .dry_run = a->dry_run,
        .full_refresh = a->full_refresh,
        .since = a->since,
        .http = NULL,
    };
    enum dw_status st = dw_sync_source(src, &o, &res, &err);
    /* dw_sync_source logged its summary (with the error) already. */
    return (int)dw_exit_code(st);
}

int main(int argc, char **argv)
{
    struct args a;
    struct dw_config cfg;
    struct dw_error err = {0};
    const char *key = NULL;
    int code = parse_args(argc, argv, &a);

    if (code != 0)
        return code < 0 ? DW_EXIT_OK : code;
    if (!a.config)
        a.config =
            getenv("DW_CONFIG") ? getenv("DW_CONFIG") : DW_CONFIG_DEFAULT_PATH;
    dw_config_init(&cfg);
    if (dw_config_load(&cfg, a.config, &err) != DW_OK) {
        dw_log_error("config", &err);
        dw_config_release(&cfg);
        return DW_EXIT_USAGE;
    }
    code = setup_log(&cfg, &a);
    if (code != 0)
        goto done;
    if (dw_pseudonym_key_from_env(a.demo, &key, &err) != DW_OK) {
        dw_log_error("config", &err);
        code = DW_EXIT_USAGE;
        goto done;
    }
    const char *db_url = dw_config_database_url(&cfg);
    if (!db_url && !a.dry_run) {
        dw_error_set(&err, DW_ERR_CONFIG,
                     "no database: set [database] url or DW_DATABASE_URL");
        dw_log_error("config", &err);
        code = DW_EXIT_USAGE;
        goto done;
    }
    if (a.source && !dw_config_source(&cfg, a.source)) {
        dw_error_set(&err, DW_ERR_CONFIG, "%s: no [source %s] section",
                     a.config, a.source);
        dw_log_error("config", &err);
        code = DW_EXIT_USAGE;
        goto done;
    }
    if (cfg.n_sources == 0) {
        dw_log(DW_LOG_WARN, "collect", "sources=0");
        goto done;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        dw_error_set(&err, DW_ERR_INTERNAL, "curl_global_init failed");
        dw_log_error("collect", &err);
        code = DW_EXIT_FAILED;
        goto done;
    }
    /* One after another; a failing source does not stop the rest. */
    for (size_t i = 0; i < cfg.n_sources; i++) {
        const struct dw_source_config *src = &cfg.sources[i];
        if (a.source && strcmp(src->name, a.source) != 0)
            continue;
        code = worst(code, run_source(src, &a, key, db_url));
    }
    curl_global_cleanup();
done:
    dw_config_release(&cfg);
    return code;
}
