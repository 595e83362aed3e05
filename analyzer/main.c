/* analyzer/main.c — dw-analyze: command line, connection, run or report. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "log.h"
#include "metrics.h"
#include "report_model.h"
#include "run.h"
#include "shard.h"
#include "status.h"
#include "worktime.h"

static const char usage_text[] =
    "Usage: dw-analyze [OPTIONS] run --from DATE --to DATE [--vendor NAME]\n"
    "                  [--shard K/N]\n"
    "       dw-analyze [OPTIONS] report [--vendor NAME] [--run ID]\n"
    "                  [--format text|json|csv|html] [--output FILE]\n"
    "\n"
    "run     compute worker-weeks, flags and vendor scorecards for the\n"
    "        window (widened to whole ISO weeks) and store them in one\n"
    "        transaction; re-running a window replaces its results.\n"
    "        --shard K/N computes only the workers of shard K of N (by\n"
    "        worker key); run K = 1..N, on one machine or many, in any\n"
    "        order: the last shard to finish completes the run, with the\n"
    "        same results as an unsharded run (1 <= K <= N <= 1024).\n"
    "report  print the scorecard of a vendor (or of every vendor) from the\n"
    "        latest finished run covering it, or from run ID, as text\n"
    "        (default), json, csv or a one-page html with charts; to FILE\n"
    "        (written whole or not at all) or stdout.\n"
    "\n"
    "Options:\n"
    "  --config FILE        configuration file (default " DW_CONFIG_DEFAULT_PATH
    " if it exists)\n"
    "  --database-url URL   PostgreSQL URL (else DW_DATABASE_URL, else the\n"
    "                       config's [database] url)\n"
    "  --log-format FORMAT  logfmt (default) or json\n"
    "  --log-level LEVEL    debug, info (default), warn or error\n"
    "  -h, --help           this text\n"
    "\n"
    "Exit codes: 0 done, 1 failed, 2 usage or configuration error,\n"
    "3 a shard is running elsewhere (run it again).\n"
    "Method version " DW_METHOD_VERSION ".\n";

struct args {
    const char *command;
    const char *config;
    const char *database_url;
    const char *log_format;
    const char *log_level;
    const char *from;
    const char *to;
    const char *vendor;
    const char *run;
    const char *format;
    const char *output;
    const char *shard;
    bool help;
};

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "dw-analyze: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'dw-analyze --help'.\n");
    return DW_EXIT_USAGE;
}

/* Accepts "--name value" and "--name=value"; options may come before or
 * after the command. Returns 0 or an exit code. */
static int parse_args(int argc, char **argv, struct args *a)
{
    static const struct {
        const char *name;
        size_t offset;
    } opts[] = {
        {"--config", offsetof(struct args, config)},
        {"--database-url", offsetof(struct args, database_url)},
        {"--log-format", offsetof(struct args, log_format)},
        {"--log-level", offsetof(struct args, log_level)},
        {"--from", offsetof(struct args, from)},
        {"--to", offsetof(struct args, to)},
        {"--vendor", offsetof(struct args, vendor)},
        {"--run", offsetof(struct args, run)},
        {"--format", offsetof(struct args, format)},
        {"--output", offsetof(struct args, output)},
        {"--shard", offsetof(struct args, shard)},
    };

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        bool matched = false;

        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            a->help = true;
            continue;
        }
        if (arg[0] != '-') {
            if (a->command != NULL)
                return usage_error("unexpected argument '%s'", arg);
            a->command = arg;
            continue;
        }
        for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++) {
            size_t n = strlen(opts[k].name);
            const char **slot = (const char **)((char *)a + opts[k].offset);
            if (strncmp(arg, opts[k].name, n) != 0 ||
                (arg[n] != '\0' && arg[n] != '='))
                continue;
            if (arg[n] == '=') {
                *slot = arg + n + 1;
            } else {
                if (i + 1 >= argc)
                    return usage_error("%s needs a value", opts[k].name);
                *slot = argv[++i];
            }
            matched = true;
            break;
        }
        if (!matched)
            return usage_error("unknown option '%s'", arg);
    }
    return 0;
}

static int cmd_run(PGconn *conn, const struct args *a, const char *currency)
{
    struct dw_run_opts o;
    struct dw_run_result r;
    struct dw_error err = {DW_OK, ""};
    enum dw_status st;
    char q[256];

    memset(&o, 0, sizeof o);
    if (a->from == NULL || a->to == NULL)
        return usage_error("%s", "run needs --from DATE and --to DATE");
    if (a->run != NULL)
        return usage_error("%s", "--run belongs to report");
    if (a->format != NULL || a->output != NULL)
        return usage_error("%s", "--format and --output belong to report");
    if (dw_date_parse(a->from, &o.from_day, &err) != DW_OK ||
        dw_date_parse(a->to, &o.to_day, &err) != DW_OK)
        return usage_error("%s", err.msg);
    if (a->shard != NULL && dw_shard_parse(a->shard, &o.shard, &err) != DW_OK)
        return usage_error("%s", err.msg);
    o.vendor = a->vendor;
    o.threshold_set = "default";
    o.currency = currency;
    st = dw_run(conn, &o, &r, &err);
    if (st != DW_OK) {
        dw_log_error("analyze", &err);
        return (int)dw_exit_code(st);
    }
    if (o.shard.n > 0) {
        char k[16];
        dw_log(DW_LOG_INFO, "analyze",
               "run=%lld from=%s to=%s vendor=%s method=%s shard=%s "
               "shards_done=%s complete=%s worker_weeks=%lld flags=%lld",
               (long long)r.run_id, a->from, a->to,
               dw_log_quote(a->vendor ? a->vendor : "*", q, sizeof q),
               DW_METHOD_VERSION, dw_shard_format(&o.shard, k, sizeof k),
               r.shards, r.complete ? "true" : "false",
               (long long)r.worker_weeks, (long long)r.flags);
        if (r.complete)
            dw_log(DW_LOG_INFO, "analyze",
                   "run=%lld complete: vendors=%lld workers=%lld units=%lld "
                   "usable=%lld superseded=%lld",
                   (long long)r.run_id, (long long)r.vendors,
                   (long long)r.workers, (long long)r.units_total,
                   (long long)r.units_usable, (long long)r.superseded);
        return DW_EXIT_OK;
    }
    dw_log(DW_LOG_INFO, "analyze",
           "run=%lld from=%s to=%s vendor=%s method=%s vendors=%lld "
           "workers=%lld worker_weeks=%lld flags=%lld units=%lld "
           "usable=%lld superseded=%lld",
           (long long)r.run_id, a->from, a->to,
           dw_log_quote(a->vendor ? a->vendor : "*", q, sizeof q),
           DW_METHOD_VERSION, (long long)r.vendors, (long long)r.workers,
           (long long)r.worker_weeks, (long long)r.flags,
           (long long)r.units_total, (long long)r.units_usable,
           (long long)r.superseded);
    return DW_EXIT_OK;
}

static int cmd_report(PGconn *conn, const struct args *a)
{
    struct dw_report_opts o;
    struct dw_error err = {DW_OK, ""};
    enum dw_report_format f = DW_REPORT_TEXT;
    enum dw_status st;

    memset(&o, 0, sizeof o);
    if (a->from != NULL || a->to != NULL)
        return usage_error("%s", "report takes --vendor and --run, not a "
                                 "window");
    if (a->shard != NULL)
        return usage_error("%s", "--shard belongs to run");
    o.vendor = a->vendor;
    if (a->run != NULL) {
        char *end;
        long long id = strtoll(a->run, &end, 10);
        if (*a->run == '\0' || *end != '\0' || id <= 0)
            return usage_error("--run '%s' is not a run id", a->run);
        o.run_id = id;
    }
    if (a->format != NULL &&
        dw_report_format_parse(a->format, &f, &err) != DW_OK)
        return usage_error("%s", err.msg);
    if (a->output != NULL && *a->output == '\0')
        return usage_error("%s", "--output needs a file name");
    st = dw_report_write(conn, &o, f, a->output, &err);
    if (st != DW_OK) {
        dw_log_error("report", &err);
        return (int)dw_exit_code(st);
    }
    return fflush(stdout) == 0 ? DW_EXIT_OK : DW_EXIT_FAILED;
}

int main(int argc, char **argv)
{
    struct args a;
    struct dw_config cfg;
    struct dw_error err = {DW_OK, ""};
    const char *url, *currency;
    const char *fmt, *lvl;
    PGconn *conn = NULL;
    int rc;

    memset(&a, 0, sizeof a);
    dw_config_init(&cfg);
    rc = parse_args(argc, argv, &a);
    if (rc != 0)
        goto out;
    if (a.help) {
        fputs(usage_text, stdout);
        goto out;
    }
    if (a.command == NULL) {
        rc = usage_error("%s", "a command is needed: run or report");
        goto out;
    }
    if (strcmp(a.command, "run") != 0 && strcmp(a.command, "report") != 0) {
        rc = usage_error("unknown command '%s'", a.command);
        goto out;
    }
    if (a.config != NULL || access(DW_CONFIG_DEFAULT_PATH, R_OK) == 0) {
        const char *path = a.config ? a.config : DW_CONFIG_DEFAULT_PATH;
        if (dw_config_load(&cfg, path, &err) != DW_OK) {
            fprintf(stderr, "dw-analyze: %s\n", err.msg);
            rc = DW_EXIT_USAGE;
            goto out;
        }
    }
    fmt = a.log_format ? a.log_format : cfg.log_format;
    lvl = a.log_level ? a.log_level : cfg.log_level;
    if (fmt != NULL) {
        enum dw_log_format f;
        if (dw_log_parse_format(fmt, &f) != DW_OK) {
            rc = usage_error("unknown log format '%s'", fmt);
            goto out;
        }
        dw_log_set_format(f);
    }
    if (lvl != NULL) {
        enum dw_log_level l;
        if (dw_log_parse_level(lvl, &l) != DW_OK) {
            rc = usage_error("unknown log level '%s'", lvl);
            goto out;
        }
        dw_log_set_level(l);
    }
    url = a.database_url ? a.database_url : dw_config_database_url(&cfg);
    if (url == NULL || *url == '\0') {
        rc = usage_error("%s", "no database: set --database-url, "
                               "DW_DATABASE_URL or [database] url");
        goto out;
    }
    currency = cfg.report_currency ? cfg.report_currency : "USD";
    if (dw_db_connect(url, "dw-analyze", &conn, &err) != DW_OK) {
        dw_log_error("analyze", &err);
        rc = (int)dw_exit_code(err.code == DW_OK ? DW_ERR_DB : err.code);
        goto out;
    }
    if (strcmp(a.command, "run") == 0)
        rc = cmd_run(conn, &a, currency);
    else
        rc = cmd_report(conn, &a);

out:
    if (conn != NULL)
        dw_db_close(conn);
    dw_config_release(&cfg);
    return rc;
}
