/* common/admin/main.c — dw-admin: migrate, check-config, pseudonym,
 * import-wages, import-fx, erase-worker. */
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "erase.h"
#include "import_fx.h"
#include "import_wages.h"
#include "log.h"
#include "migrate.h"
#include "pseudonym.h"
#include "status.h"

#define RAW_ID_MAX 4096

/* Global options, given before the command. */
struct opts {
    const char *config_path; /* --config; NULL = the default, if present */
    const char *database_url;
    const char *log_format;
    const char *log_level;
};

struct command {
    const char *name;
    int (*run)(const struct opts *o, int argc, char **argv);
    const char *synopsis;
    const char *help;
};

static const char usage_text[] =
    "Usage: dw-admin [--config FILE] [--database-url URL]\n"
    "                [--log-format logfmt|json] [--log-level LEVEL] COMMAND "
    "[ARGS]\n"
    "\n"
    "Commands:\n"
    "  migrate                     apply pending migrations, reload seeds\n"
    "  check-config                validate the configuration file\n"
    "  pseudonym PLATFORM RAW_ID   print a worker's pseudonymous key\n"
    "  import-wages FILE.csv       add minimum and living wages from a CSV\n"
    "  import-fx FILE.csv          add ECB euro reference rates from a CSV\n"
    "  erase-worker PLATFORM RAW_ID\n"
    "                              delete everything held about a worker\n"
    "\n"
    "Options:\n"
    "  --config FILE        configuration file (default " DW_CONFIG_DEFAULT_PATH
    ")\n"
    "  --database-url URL   database; else DW_DATABASE_URL, else [database] "
    "url\n"
    "  --log-format FMT     logfmt (default) or json\n"
    "  --log-level LEVEL    debug, info (default), warn or error\n"
    "  -h, --help           this help; 'dw-admin COMMAND --help' for a "
    "command\n"
    "\n"
    "Exit codes: 0 done, 1 failed, 2 usage or configuration error.\n";

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("dw-admin: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'dw-admin --help'.\n", stderr);
    return DW_EXIT_USAGE;
}

/*
 * Loads the configuration: the --config file (required to load), else the
 * default path when it exists, else none (*loaded false). Applies its log
 * settings, then the command-line ones. Returns an exit code.
 */
static int load_config(const struct opts *o, struct dw_config *cfg,
                       bool *loaded)
{
    struct dw_error err = {0};
    const char *path = o->config_path;
    enum dw_log_level level;
    enum dw_log_format format;

    *loaded = false;
    dw_config_init(cfg);
    if (path == NULL && access(DW_CONFIG_DEFAULT_PATH, R_OK) == 0)
        path = DW_CONFIG_DEFAULT_PATH;
    if (path != NULL) {
        if (dw_config_load(cfg, path, &err) != DW_OK) {
            fprintf(stderr, "dw-admin: %s\n", err.msg);
            return DW_EXIT_USAGE;
        }
        *loaded = true;
        if (cfg->log_level != NULL &&
            dw_log_parse_level(cfg->log_level, &level) == DW_OK)
            dw_log_set_level(level);
        if (cfg->log_format != NULL &&
            dw_log_parse_format(cfg->log_format, &format) == DW_OK)
            dw_log_set_format(format);
    }
    if (o->log_level != NULL)
        dw_log_set_level(dw_log_parse_level(o->log_level, &level) == DW_OK
                             ? level
                             : DW_LOG_INFO);
    if (o->log_format != NULL &&
        dw_log_parse_format(o->log_format, &format) == DW_OK)
        dw_log_set_format(format);
    return DW_EXIT_OK;
}

/* The options a command accepts: NULL members are refused. */
struct command_flags {
    bool *demo;          /* --demo */
    bool *dry_run;       /* --dry-run */
    const char **source; /* --source TEXT or --source=TEXT */
};

/*
 * Splits a command's arguments: -h/--help prints help (returns 0), the
 * options in f (may be NULL) are set when allowed, others are usage
 * errors. Positionals go to pos[] (at most max). Returns -1 to go on, or
 * an exit code.
 */
static int parse_command_args(const struct command *c, int argc, char **argv,
                              const struct command_flags *f, const char **pos,
                              int max, int *npos)
{
    static const struct command_flags none = {NULL, NULL, NULL};
    bool options_done = false;

    if (f == NULL)
        f = &none;

    *npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!options_done && a[0] == '-' && a[1] != '\0') {
            if (strcmp(a, "--") == 0) {
                options_done = true;
            } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
                printf("Usage: dw-admin [GLOBAL OPTIONS] %s\n\n%s", c->synopsis,
                       c->help);
                return DW_EXIT_OK;
            } else if (f->demo != NULL && strcmp(a, "--demo") == 0) {
                *f->demo = true;
            } else if (f->dry_run != NULL && strcmp(a, "--dry-run") == 0) {
                *f->dry_run = true;
            } else if (f->source != NULL && strcmp(a, "--source") == 0) {
                if (i + 1 >= argc)
                    return usage_error("%s", "--source needs a value");
                *f->source = argv[++i];
            } else if (f->source != NULL && strncmp(a, "--source=", 9) == 0) {
                *f->source = a + 9;
            } else {
                return usage_error("unknown option '%s'", a);
            }
            continue;
        }
        if (*npos >= max)
            return usage_error("unexpected argument '%s'", a);
        pos[(*npos)++] = a;
    }
    return -1;
}

static int cmd_migrate(const struct opts *o, int argc, char **argv);
static int cmd_check_config(const struct opts *o, int argc, char **argv);
static int cmd_pseudonym(const struct opts *o, int argc, char **argv);
static int cmd_import_wages(const struct opts *o, int argc, char **argv);
static int cmd_import_fx(const struct opts *o, int argc, char **argv);
static int cmd_erase_worker(const struct opts *o, int argc, char **argv);

/* Positions in commands[]. */
enum {
    CMD_MIGRATE,
    CMD_CHECK_CONFIG,
    CMD_PSEUDONYM,
    CMD_IMPORT_WAGES,
    CMD_IMPORT_FX,
    CMD_ERASE_WORKER
};

static const struct command commands[] = {
    {"migrate", cmd_migrate, "migrate",
     "Creates dw.schema_migrations if missing, then applies every migration\n"
     "compiled into this program that the database does not have yet, each\n"
     "in its own transaction, and reloads the seed catalogues (thresholds,\n"
     "wage floors, FX rates; existing rows are kept). Concurrent runs wait\n"
     "for each other. Refuses (exit 2) when an applied migration was changed.\n"
     "Running it again is a no-op: \"0 applied\".\n"
     "\n"
     "The database URL comes from --database-url, DW_DATABASE_URL or the\n"
     "config's [database] url. Exit 0 done, 1 failed, 2 no URL or refused.\n"},
    {"check-config", cmd_check_config, "check-config",
     "Reads and validates the configuration file (--config FILE, "
     "default\n" DW_CONFIG_DEFAULT_PATH
     ") and prints \"FILE: ok, N sources\", or the first\n"
     "error as \"FILE:LINE: what is wrong\" on stderr and exits 2.\n"},
    {"pseudonym", cmd_pseudonym, "pseudonym [--demo] PLATFORM RAW_ID",
     "Prints the pseudonymous key of a worker: lower-hex HMAC-SHA256 of\n"
     "\"PLATFORM:RAW_ID\" under DW_PSEUDONYM_KEY, as the collector stores it.\n"
     "Use it to find a worker's rows for a data-subject request.\n"
     "PLATFORM is prolific, toloka, upwork, mturk or file. RAW_ID '-' reads\n"
     "the id from the first line of standard input (keeps it out of the\n"
     "shell history). --demo uses the public demo key when DW_PSEUDONYM_KEY\n"
     "is unset (never for real data). Exit 2 when the key is missing.\n"},
    {"import-wages", cmd_import_wages, "import-wages FILE.csv",
     "Adds minimum and living wages to dw.wage_floor from a CSV file with\n"
     "the header\n"
     "  " DW_WAGES_HEADER "\n"
     "(RFC 4180 quoting; region and note may be empty; kind minimum or\n"
     "living; per hour, day, week or month; amount a plain decimal such as\n"
     "12.71; valid_from YYYY-MM-DD; source required).\n"
     "Every row is checked first: any bad row prints every problem as\n"
     "\"FILE:LINE: what is wrong\" and nothing is imported (exit 2).\n"
     "Then all rows go in one transaction. A row already stored with the\n"
     "same figure counts as already present; one stored with another\n"
     "amount is refused and nothing is imported (exit 2): a new valid_from\n"
     "row never rewrites history, so add a row with a new valid_from.\n"
     "Prints \"import-wages: N rows read, M new, K already present\".\n"},
    {"import-fx", cmd_import_fx, "import-fx [--source TEXT] FILE.csv",
     "Adds ECB euro reference rates (units of a currency per 1 EUR) to\n"
     "dw.fx_rate. Reads either layout the ECB publishes, told apart by the\n"
     "header: eurofxref.csv / eurofxref-hist.csv (\"Date,USD,JPY,...\";\n"
     "N/A cells are skipped) or an ECB Data Portal CSV (TIME_PERIOD,\n"
     "OBS_VALUE, CURRENCY, CURRENCY_DENOM = EUR; daily spot series).\n"
     "Rates are stored exactly as written (at most 10 fraction digits).\n"
     "Any bad value or unknown currency prints \"FILE:LINE: what\" for each\n"
     "and imports nothing (exit 2); so does a date already stored with a\n"
     "different rate. The same rate already stored counts as present.\n"
     "--source TEXT labels the rows (default\n"
     "\"" DW_FX_DEFAULT_SOURCE "\").\n"},
    {"erase-worker", cmd_erase_worker,
     "erase-worker [--demo] [--dry-run] PLATFORM RAW_ID",
     "GDPR erasure: computes the worker's key as 'pseudonym' does (RAW_ID\n"
     "'-' reads it from standard input; DW_PSEUDONYM_KEY, or --demo) and\n"
     "deletes, in one transaction, every row held about that worker:\n"
     "work units and their history, payments, activity segments, analysis\n"
     "results (worker weeks, flags), landed raw pages and quarantined\n"
     "records that contain the key (whole rows: they are audit copies),\n"
     "and the worker. Prints the rows deleted per table. --dry-run counts\n"
     "them and changes nothing. An unknown worker is not an error: \"no\n"
     "data held for this worker\", exit 0.\n"},
};

/*
 * Loads the configuration into cfg (always release it) and finds the
 * database URL: --database-url, else DW_DATABASE_URL, else [database] url
 * (*url is borrowed from o, the environment or cfg). Returns an exit code;
 * without a URL says so for command `name` and returns 2.
 */
static int database_url(const struct opts *o, const char *name,
                        struct dw_config *cfg, const char **url)
{
    bool loaded;
    int rc;

    *url = NULL;
    rc = load_config(o, cfg, &loaded);
    if (rc != DW_EXIT_OK)
        return rc;
    *url = o->database_url != NULL
               ? o->database_url
               : dw_config_database_url(loaded ? cfg : NULL);
    if (*url == NULL || (*url)[0] == '\0') {
        fprintf(stderr,
                "dw-admin: %s: no database URL: pass --database-url, set "
                "DW_DATABASE_URL, or set [database] url in the config\n",
                name);
        return DW_EXIT_USAGE;
    }
    return DW_EXIT_OK;
}

static int cmd_migrate(const struct opts *o, int argc, char **argv)
{
    struct dw_config cfg;
    struct dw_error err = {0};
    struct dw_migrate_result res;
    const char *pos[1];
    const char *url;
    PGconn *conn = NULL;
    int npos, rc;
    enum dw_status st;

    rc = parse_command_args(&commands[CMD_MIGRATE], argc, argv, NULL, pos, 0,
                            &npos);
    if (rc >= 0)
        return rc;
    rc = database_url(o, "migrate", &cfg, &url);
    if (rc != DW_EXIT_OK)
        goto done;
    st = dw_db_connect(url, "dw-admin", &conn, &err);
    if (st == DW_OK)
        st = dw_migrate(conn, &res, &err);
    else
        memset(&res, 0, sizeof(res));
    if (st != DW_OK) {
        dw_log_error("migrate", &err);
        rc = (int)dw_exit_code(st);
        goto done;
    }
    dw_log(DW_LOG_INFO, "migrate",
           "applied=%zu already=%zu seeds=%zu current=%s", res.applied,
           res.already, res.seeds, res.current[0] ? res.current : "none");
    printf("migrate: %zu applied, %zu already applied, %zu seed files "
           "loaded; database at %s\n",
           res.applied, res.already, res.seeds,
           res.current[0] ? res.current : "no migration");
    rc = DW_EXIT_OK;
done:
    dw_db_close(conn);
    dw_config_release(&cfg);
    return rc;
}

static int cmd_check_config(const struct opts *o, int argc, char **argv)
{
    struct dw_config cfg;
    struct dw_error err = {0};
    const char *pos[1];
    const char *path = o->config_path ? o->config_path : DW_CONFIG_DEFAULT_PATH;
    int npos, rc;

    rc = parse_command_args(&commands[CMD_CHECK_CONFIG], argc, argv, NULL, pos,
                            0, &npos);
    if (rc >= 0)
        return rc;
    dw_config_init(&cfg);
    if (dw_config_load(&cfg, path, &err) != DW_OK) {
        fprintf(stderr, "%s\n", err.msg);
        rc = DW_EXIT_USAGE;
    } else {
        printf("%s: ok, %zu source%s\n", path, cfg.n_sources,
               cfg.n_sources == 1 ? "" : "s");
        rc = DW_EXIT_OK;
    }
    dw_config_release(&cfg);
    return rc;
}

static bool known_platform(const char *p)
{
    static const char *const names[] = {"prolific", "toloka", "upwork", "mturk",
                                        "file"};

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(p, names[i]) == 0)
            return true;
    return false;
}

/* Reads the raw id from the first line of stdin into buf. */
static bool read_raw_id(char *buf, size_t n)
{
    size_t len;

    if (fgets(buf, (int)n, stdin) == NULL)
        return false;
    len = strcspn(buf, "\r\n");
    buf[len] = '\0';
    return len > 0;
}

/*
 * The worker key (into wk) of `CMD PLATFORM RAW_ID`, a RAW_ID of "-" read
 * from standard input; *key is the pseudonym key used (borrowed). -1 when
 * done, else the exit code, after saying why.
 */
static int worker_key_arg(const char *cmd, const char *const pos[2], int npos,
                          bool demo, const char **key,
                          char wk[DW_PSEUDONYM_HEX])
{
    struct dw_error err = {0};
    char raw[RAW_ID_MAX];
    const char *raw_id;
    int rc = -1;

    if (npos != 2)
        return usage_error("%s needs PLATFORM and RAW_ID", cmd);
    if (!known_platform(pos[0]))
        return usage_error("unknown platform '%s' (prolific, toloka, upwork, "
                           "mturk, file)",
                           pos[0]);
    raw_id = pos[1];
    if (strcmp(raw_id, "-") == 0) {
        if (!read_raw_id(raw, sizeof(raw)))
            return usage_error("%s", "no raw id on standard input");
        raw_id = raw;
    }
    if (dw_pseudonym_key_from_env(demo, key, &err) != DW_OK ||
        dw_pseudonym(*key, pos[0], raw_id, wk, &err) != DW_OK) {
        fprintf(stderr, "dw-admin: %s: %s\n", cmd, err.msg);
        rc = (int)dw_exit_code(err.code);
    }
    memset(raw, 0, sizeof(raw)); /* the raw id is not needed any more */
    return rc;
}

static int cmd_pseudonym(const struct opts *o, int argc, char **argv)
{
    char out[DW_PSEUDONYM_HEX];
    const char *pos[2];
    const char *key = NULL;
    bool demo = false;
    const struct command_flags flags = {&demo, NULL, NULL};
    int npos, rc;

    (void)o;
    rc = parse_command_args(&commands[CMD_PSEUDONYM], argc, argv, &flags, pos,
                            2, &npos);
    if (rc >= 0)
        return rc;
    rc = worker_key_arg("pseudonym", pos, npos, demo, &key, out);
    if (rc >= 0)
        return rc;
    if (demo && strcmp(key, DW_PSEUDONYM_DEMO_KEY) == 0)
        dw_log(DW_LOG_WARN, "pseudonym", "key=demo note=not_for_real_data");
    printf("%s\n", out);
    return DW_EXIT_OK;
}

static int cmd_import_wages(const struct opts *o, int argc, char **argv)
{
    struct dw_config cfg;
    const char *pos[1];
    const char *url;
    int npos, rc;

    rc = parse_command_args(&commands[CMD_IMPORT_WAGES], argc, argv, NULL, pos,
                            1, &npos);
    if (rc >= 0)
        return rc;
    if (npos != 1)
        return usage_error("%s", "import-wages needs FILE.csv");
    rc = database_url(o, "import-wages", &cfg, &url);
    if (rc == DW_EXIT_OK)
        rc = dw_admin_import_wages(url, pos[0], stdout, stderr);
    dw_config_release(&cfg);
    return rc;
}

static int cmd_import_fx(const struct opts *o, int argc, char **argv)
{
    struct dw_config cfg;
    const char *pos[1];
    const char *url, *source = NULL;
    const struct command_flags flags = {NULL, NULL, &source};
    int npos, rc;

    rc = parse_command_args(&commands[CMD_IMPORT_FX], argc, argv, &flags, pos,
                            1, &npos);
    if (rc >= 0)
        return rc;
    if (npos != 1)
        return usage_error("%s", "import-fx needs FILE.csv");
    if (source != NULL && source[0] == '\0')
        return usage_error("%s", "--source must not be empty");
    rc = database_url(o, "import-fx", &cfg, &url);
    if (rc == DW_EXIT_OK)
        rc = dw_admin_import_fx(url, pos[0], source, stdout, stderr);
    dw_config_release(&cfg);
    return rc;
}

static int cmd_erase_worker(const struct opts *o, int argc, char **argv)
{
    struct dw_config cfg;
    char worker_key[DW_PSEUDONYM_HEX];
    const char *pos[2];
    const char *key = NULL, *url;
    bool demo = false, dry_run = false;
    const struct command_flags flags = {&demo, &dry_run, NULL};
    int npos, rc;

    rc = parse_command_args(&commands[CMD_ERASE_WORKER], argc, argv, &flags,
                            pos, 2, &npos);
    if (rc >= 0)
        return rc;
    rc = worker_key_arg("erase-worker", pos, npos, demo, &key, worker_key);
    if (rc >= 0)
        return rc;
    if (demo && strcmp(key, DW_PSEUDONYM_DEMO_KEY) == 0)
        dw_log(DW_LOG_WARN, "erase-worker", "key=demo note=not_for_real_data");
    rc = database_url(o, "erase-worker", &cfg, &url);
    if (rc == DW_EXIT_OK)
        rc = dw_admin_erase_worker(url, worker_key, dry_run, stdout);
    dw_config_release(&cfg);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"database-url", required_argument, NULL, 'd'},
        {"log-format", required_argument, NULL, 'f'},
        {"log-level", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct opts o = {0};
    enum dw_log_format format;
    enum dw_log_level level;
    int c;

    opterr = 0;
    /* '+': stop at the command; its own options are parsed after it. */
    while ((c = getopt_long(argc, argv, "+h", long_opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            o.config_path = optarg;
            break;
        case 'd':
            o.database_url = optarg;
            break;
        case 'f':
            if (dw_log_parse_format(optarg, &format) != DW_OK)
                return usage_error("--log-format must be logfmt or json, not "
                                   "'%s'",
                                   optarg);
            dw_log_set_format(format);
            o.log_format = optarg;
            break;
        case 'l':
            if (dw_log_parse_level(optarg, &level) != DW_OK)
                return usage_error("--log-level must be debug, info, warn or "
                                   "error, not '%s'",
                                   optarg);
            dw_log_set_level(level);
            o.log_level = optarg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return DW_EXIT_OK;
        default:
            return usage_error("bad option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return usage_error("%s", "no command given");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[optind], commands[i].name) == 0)
            return commands[i].run(&o, argc - optind, argv + optind);
    if (strcmp(argv[optind], "help") == 0) {
        fputs(usage_text, stdout);
        return DW_EXIT_OK;
    }
    return usage_error("unknown command '%s'", argv[optind]);
}
