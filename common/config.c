/* common/config.c — the INI configuration: one table of settings. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ini.h>

#include "buf.h"
#include "log.h"
#include "money.h"

#define CONFIG_MAX_BYTES (1024 * 1024)

enum section {
    SEC_DATABASE,
    SEC_LOG,
    SEC_ANALYZER,
    SEC_REPORT,
    SEC_SOURCE,
    SEC_NONE,
    SEC_BAD
};

static const char *const section_names[] = {"database", "log", "analyzer",
                                            "report", "source"};

enum type {
    T_STR,      /* any non-empty text */
    T_DBURL,    /* a libpq URL or conninfo string */
    T_URL,      /* http:// or https:// */
    T_LONG,     /* integer in [min, max] */
    T_LEVEL,    /* debug|info|warn|error */
    T_FORMAT,   /* logfmt|json */
    T_COUNTRY,  /* ISO 3166-1 alpha-2 */
    T_CURRENCY, /* ISO 4217 */
    T_TZ,       /* IANA zone name present in the zoneinfo database */
    T_PLATFORM, /* a supported platform */
    T_ENVNAME,  /* an environment variable name */
};

/* One setting: where it lives in the file, the environment and the struct. */
struct setting {
    enum section sec;
    const char *key;
    const char *env; /* overrides the file when set and non-empty */
    enum type type;
    size_t off; /* into struct dw_config, or dw_source_config for SOURCE */
    const char *def_str;
    long def_long;
    long min, max;
};

#define G(f) offsetof(struct dw_config, f)
#define S(f) offsetof(struct dw_source_config, f)

static const struct setting settings[] = {
    {SEC_DATABASE, "url", "DW_DATABASE_URL", T_DBURL, G(database_url), NULL, 0,
     0, 0},
    {SEC_LOG, "level", "DW_LOG_LEVEL", T_LEVEL, G(log_level), "info", 0, 0, 0},
    {SEC_LOG, "format", "DW_LOG_FORMAT", T_FORMAT, G(log_format), "logfmt", 0,
     0, 0},
    {SEC_ANALYZER, "currency", NULL, T_CURRENCY, G(report_currency), "USD", 0,
     0, 0},
    {SEC_ANALYZER, "fallback_country", NULL, T_COUNTRY, G(fallback_country),
     "US", 0, 0, 0},
    {SEC_REPORT, "min_group", NULL, T_LONG, G(k_anonymity), NULL, 5, 2, 1000},
    {SEC_SOURCE, "platform", NULL, T_PLATFORM, S(platform), NULL, 0, 0, 0},
    {SEC_SOURCE, "vendor", NULL, T_STR, S(vendor), NULL, 0, 0, 0},
    {SEC_SOURCE, "vendor_country", NULL, T_COUNTRY, S(vendor_country), NULL, 0,
     0, 0},
    {SEC_SOURCE, "endpoint", NULL, T_URL, S(endpoint), NULL, 0, 0, 0},
    {SEC_SOURCE, "token_env", NULL, T_ENVNAME, S(token_env), NULL, 0, 0, 0},
    {SEC_SOURCE, "default_country", NULL, T_COUNTRY, S(default_country), NULL,
     0, 0, 0},
    {SEC_SOURCE, "default_tz", NULL, T_TZ, S(default_tz), NULL, 0, 0, 0},
    {SEC_SOURCE, "path", NULL, T_STR, S(path), NULL, 0, 0, 0},
    {SEC_SOURCE, "region", NULL, T_STR, S(region), NULL, 0, 0, 0},
    {SEC_SOURCE, "lookback_days", NULL, T_LONG, S(lookback_days), NULL, 35, 0,
     3650},
    {SEC_SOURCE, "page_size", NULL, T_LONG, S(page_size), NULL, 0, 1, 10000},
    {SEC_SOURCE, "timeout_s", NULL, T_LONG, S(timeout_s), NULL, 60, 1, 3600},
    {SEC_SOURCE, "max_retries", NULL, T_LONG, S(max_retries), NULL, 5, 0, 100},
};

#define N_SETTINGS (sizeof(settings) / sizeof(settings[0]))

static const char *const platforms[] = {"prolific", "toloka", "upwork", "mturk",
                                        "file"};

/* Key names that would put a credential in the file. */
static const char *const secret_keys[] = {
    "token",  "password",      "passwd",     "secret",     "api_key",
    "apikey", "client_secret", "secret_key", "access_key", "api_token"};

/* Parsing state shared by the line reader and the inih handler. */
struct parse {
    struct dw_config *cfg;
    const char *name; /* file name for messages */
    const char *text;
    size_t pos;
    int line;
    enum section sec;
    struct dw_source_config *src;
    uint64_t seen_global;
    uint64_t seen_src[DW_MAX_SOURCES];
    struct dw_error err; /* the first error */
    int err_line;
};

static void *field_ptr(void *base, const struct setting *s)
{
    return (char *)base + s->off;
}

static void init_source(struct dw_source_config *src)
{
    memset(src, 0, sizeof(*src));
    for (size_t i = 0; i < N_SETTINGS; i++)
        if (settings[i].sec == SEC_SOURCE && settings[i].type == T_LONG)
            *(long *)field_ptr(src, &settings[i]) = settings[i].def_long;
}

void dw_config_init(struct dw_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    /* String defaults point at static text; release never frees them. */
    for (size_t i = 0; i < N_SETTINGS; i++) {
        const struct setting *s = &settings[i];

        if (s->sec == SEC_SOURCE)
            continue;
        if (s->type == T_LONG)
            *(long *)field_ptr(cfg, s) = s->def_long;
        else
            *(char **)field_ptr(cfg, s) = (char *)s->def_str;
    }
}

static void release_source(struct dw_source_config *src)
{
    free(src->name);
    for (size_t i = 0; i < N_SETTINGS; i++)
        if (settings[i].sec == SEC_SOURCE && settings[i].type != T_LONG)
            free(*(char **)field_ptr(src, &settings[i]));
    init_source(src);
}

void dw_config_release(struct dw_config *cfg)
{
    if (cfg == NULL)
        return;
    for (size_t i = 0; i < N_SETTINGS; i++) {
        const struct setting *s = &settings[i];
        char **p;

        if (s->sec == SEC_SOURCE || s->type == T_LONG)
            continue;
        p = field_ptr(cfg, s);
        if (*p != s->def_str)
            free(*p);
    }
    for (size_t i = 0; i < cfg->n_sources; i++)
        release_source(&cfg->sources[i]);
    free(cfg->path);
    dw_config_init(cfg);
}

const struct dw_source_config *dw_config_source(const struct dw_config *cfg,
                                                const char *name)
{
    for (size_t i = 0; cfg != NULL && name != NULL && i < cfg->n_sources; i++)
        if (strcmp(cfg->sources[i].name, name) == 0)
            return &cfg->sources[i];
    return NULL;
}

const char *dw_config_database_url(const struct dw_config *cfg)
{
    const char *env = getenv("DW_DATABASE_URL");

    if (env != NULL && env[0] != '\0')
        return env;
    return cfg != NULL ? cfg->database_url : NULL;
}

/* Records the first error only, as "FILE:LINE: message". */
static int fail(struct parse *ps, int line, enum dw_status code,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail(struct parse *ps, int line, enum dw_status code,
                const char *fmt, ...)
{
    char msg[DW_ERROR_MSG_MAX];
    va_list ap;

    if (ps->err.code != DW_OK)
        return 1;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    ps->err_line = line;
    if (line > 0)
        dw_error_set(&ps->err, code, "%s:%d: %s", ps->name, line, msg);
    else
        dw_error_set(&ps->err, code, "%s: %s", ps->name, msg);
    return 1;
}

static bool valid_name_char(char c, bool allow_dot)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           (allow_dot && c == '.');
}

static bool tz_exists(const char *name)
{
    const char *dir = getenv("TZDIR");
    char path[512];
    struct stat st;

    if (name[0] == '/' || strstr(name, "..") != NULL)
        return false;
    for (const char *p = name; *p; p++)
        if (!valid_name_char(*p, false) && *p != '/' && *p != '+')
            return false;
    if (dir == NULL || dir[0] == '\0')
        dir = "/usr/share/zoneinfo";
    if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
        return false;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * Checks v against the setting's type; on failure writes why (a phrase
 * that follows "key ") and returns false.
 */
static bool check_value(const struct setting *s, const char *v, long *num,
                        char *why, size_t n)
{
    enum dw_log_level lvl;
    enum dw_log_format fmt;

    if (v[0] == '\0') {
        snprintf(why, n, "has no value");
        return false;
    }
    switch (s->type) {
    case T_STR:
    case T_DBURL:
        return true;
    case T_URL:
        if (strncmp(v, "https://", 8) == 0 || strncmp(v, "http://", 7) == 0)
            return true;
        snprintf(why, n, "must start with https:// (or http://), got '%.80s'",
                 v);
        return false;
    case T_LONG: {
        char *end;
        long x;

        errno = 0;
        x = strtol(v, &end, 10);
        if (errno != 0 || *end != '\0' || end == v || x < s->min ||
            x > s->max) {
            snprintf(why, n, "must be an integer from %ld to %ld, got '%.40s'",
                     s->min, s->max, v);
            return false;
        }
        *num = x;
        return true;
    }
    case T_LEVEL:
        if (dw_log_parse_level(v, &lvl) == DW_OK)
            return true;
        snprintf(why, n, "must be debug, info, warn or error, got '%.40s'", v);
        return false;
    case T_FORMAT:
        if (dw_log_parse_format(v, &fmt) == DW_OK)
            return true;
        snprintf(why, n, "must be logfmt or json, got '%.40s'", v);
        return false;
    case T_COUNTRY:
        if (strlen(v) == 2 && v[0] >= 'A' && v[0] <= 'Z' && v[1] >= 'A' &&
            v[1] <= 'Z')
            return true;
        snprintf(why, n,
                 "must be an ISO 3166-1 alpha-2 code in capitals (e.g. DE), "
                 "got '%.40s'",
                 v);
        return false;
    case T_CURRENCY:
        if (dw_currency_known(v))
            return true;
        snprintf(why, n, "must be an ISO 4217 code (e.g. USD), got '%.40s'", v);
        return false;
    case T_TZ:
        if (tz_exists(v))
            return true;
        snprintf(why, n,
                 "must be an IANA time zone name (e.g. Asia/Manila), got "
                 "'%.60s'",
                 v);
        return false;
    case T_PLATFORM:
        for (size_t i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++)
            if (strcmp(v, platforms[i]) == 0)
                return true;
        snprintf(why, n,
                 "must be prolific, toloka, upwork, mturk or file, got "
                 "'%.40s'",
                 v);
        return false;
    case T_ENVNAME:
        if (!(v[0] >= '0' && v[0] <= '9')) {
            const char *p = v;

            while (*p && (valid_name_char(*p, false) && *p != '-'))
                p++;
            if (*p == '\0')
                return true;
        }
        snprintf(why, n,
                 "must name an environment variable (e.g. PROLIFIC_TOKEN), "
                 "got '%.40s'",
                 v);
        return false;
    }
    snprintf(why, n, "has an unknown type");
    return false;
}

/* Stores v (already checked) into the field; strings are copied. */
static enum dw_status store_value(void *base, const struct setting *s,
                                  const char *v, long num)
{
    char **p, *dup;

    if (s->type == T_LONG) {
        *(long *)field_ptr(base, s) = num;
        return DW_OK;
    }
    dup = strdup(v);
    if (dup == NULL)
        return DW_ERR_NOMEM;
    p = field_ptr(base, s);
    if (*p != s->def_str)
        free(*p);
    *p = dup;
    return DW_OK;
}

static const struct setting *find_setting(enum section sec, const char *key)
{
    for (size_t i = 0; i < N_SETTINGS; i++)
        if (settings[i].sec == sec && strcmp(settings[i].key, key) == 0)
            return &settings[i];
    return NULL;
}

/* "[source x]" or "[database]", for messages. */
static const char *section_label(const struct parse *ps, char *out, size_t n)
{
    if (ps->sec == SEC_SOURCE)
        snprintf(out, n, "[source %s]", ps->src->name);
    else
        snprintf(out, n, "[%s]", section_names[ps->sec]);
    return out;
}

static int handler(void *user, const char *section, const char *key,
                   const char *value)
{
    struct parse *ps = user;
    const struct setting *s;
    char label[96], why[256];
    uint64_t *seen, bit;
    long num = 0;
    enum dw_status st;

    (void)section; /* the line reader tracks sections, with line numbers */
    if (ps->sec == SEC_BAD)
        return 1;
    if (ps->sec == SEC_NONE)
        return fail(ps, ps->line, DW_ERR_CONFIG,
                    "key '%.40s' is outside any section", key);
    section_label(ps, label, sizeof(label));
    for (size_t i = 0; i < sizeof(secret_keys) / sizeof(secret_keys[0]); i++)
        if (strcmp(key, secret_keys[i]) == 0)
            return fail(ps, ps->line, DW_ERR_CONFIG,
                        "'%s' in %s: secrets never go in the config file; "
                        "put it in an environment variable and name that "
                        "variable with token_env = VARIABLE",
                        key, label);
    s = find_setting(ps->sec, key);
    if (s == NULL)
        return fail(ps, ps->line, DW_ERR_CONFIG, "unknown key '%.40s' in %s",
                    key, label);
    seen = ps->sec == SEC_SOURCE ? &ps->seen_src[ps->src - ps->cfg->sources]
                                 : &ps->seen_global;
    bit = (uint64_t)1 << (size_t)(s - settings);
    if (*seen & bit)
        return fail(ps, ps->line, DW_ERR_CONFIG, "duplicate key '%s' in %s",
                    key, label);
    *seen |= bit;
    if (!check_value(s, value, &num, why, sizeof(why)))
        return fail(ps, ps->line, DW_ERR_CONFIG, "%s in %s %s", key, label,
                    why);
    st = store_value(ps->sec == SEC_SOURCE ? (void *)ps->src : (void *)ps->cfg,
                     s, value, num);
    if (st != DW_OK)
        return fail(ps, ps->line, st, "out of memory");
    return 1;
}

/* Handles a "[...]" line: sets the current section or records an error. */
static void section_line(struct parse *ps, const char *p, size_t len)
{
    char inner[128], *name;
    const char *close = memchr(p, ']', len);
    size_t n, i;
    struct dw_config *cfg = ps->cfg;

    ps->sec = SEC_BAD;
    if (close == NULL)
        return; /* inih reports the syntax error on this line */
    for (const char *q = close + 1; q < p + len; q++) {
        if (*q == ';' || *q == '#')
            break;
        if (*q != ' ' && *q != '\t' && *q != '\r' && *q != '\n') {
            fail(ps, ps->line, DW_ERR_CONFIG,
                 "unexpected text after the section header");
            return;
        }
    }
    n = (size_t)(close - p - 1);
    if (n >= sizeof(inner)) {
        fail(ps, ps->line, DW_ERR_CONFIG, "section header too long");
        return;
    }
    memcpy(inner, p + 1, n);
    inner[n] = '\0';
    /* Split "kind name", trimming spaces and tabs. */
    name = inner;
    while (*name == ' ' || *name == '\t')
        name++;
    memmove(inner, name, strlen(name) + 1);
    name = inner;
    while (*name != '\0' && *name != ' ' && *name != '\t')
        name++;
    if (*name != '\0')
        *name++ = '\0';
    while (*name == ' ' || *name == '\t')
        name++;
    for (i = strlen(name); i > 0 && (name[i - 1] == ' ' || name[i - 1] == '\t');
         i--)
        name[i - 1] = '\0';

    for (i = 0; i < SEC_SOURCE; i++) {
        if (strcmp(inner, section_names[i]) == 0) {
            if (*name != '\0') {
                fail(ps, ps->line, DW_ERR_CONFIG,
                     "[%s] takes no name, got '%.40s'", inner, name);
                return;
            }
            ps->sec = (enum section)i;
            return;
        }
    }
    if (strcmp(inner, "source") != 0) {
        fail(ps, ps->line, DW_ERR_CONFIG,
             "unknown section [%.60s] (expected database, log, analyzer, "
             "report or source NAME)",
             inner);
        return;
    }
    if (*name == '\0') {
        fail(ps, ps->line, DW_ERR_CONFIG,
             "[source] needs a name: [source NAME]");
        return;
    }
    for (const char *q = name; *q; q++) {
        if (!valid_name_char(*q, true) || strlen(name) > 63) {
            fail(ps, ps->line, DW_ERR_CONFIG,
                 "source name '%.70s' must be 1 to 63 letters, digits, "
                 "'.', '_' or '-'",
                 name);
            return;
        }
    }
    for (i = 0; i < cfg->n_sources; i++) {
        if (strcmp(cfg->sources[i].name, name) == 0) {
            fail(ps, ps->line, DW_ERR_CONFIG,
                 "duplicate [source %s] (first on line %d)", name,
                 cfg->sources[i].line);
            return;
        }
    }
    if (cfg->n_sources == DW_MAX_SOURCES) {
        fail(ps, ps->line, DW_ERR_CONFIG, "more than %d sources",
             DW_MAX_SOURCES);
        return;
    }
    ps->src = &cfg->sources[cfg->n_sources];
    init_source(ps->src);
    ps->src->name = strdup(name);
    if (ps->src->name == NULL) {
        fail(ps, ps->line, DW_ERR_NOMEM, "out of memory");
        return;
    }
    ps->src->line = ps->line;
    ps->seen_src[cfg->n_sources] = 0;
    cfg->n_sources++;
    ps->sec = SEC_SOURCE;
}

/*
 * inih's fgets-style reader over the text. It counts lines (this inih
 * calls handlers without line numbers), tracks sections, and hands inih
 * each line without its indentation so that indented keys are not taken
 * for continuation lines.
 */
static char *reader(char *str, int num, void *stream)
{
    struct parse *ps = stream;
    const char *p = ps->text + ps->pos;
    const char *nl;
    size_t len, full;

    if (*p == '\0')
        return NULL;
    nl = strchr(p, '\n');
    full = nl != NULL ? (size_t)(nl - p) + 1 : strlen(p);
    ps->pos += full;
    ps->line++;
    len = full;
    while (len > 0 && (*p == ' ' || *p == '\t')) {
        p++;
        len--;
    }
    if (len > 0 && *p == '[')
        section_line(ps, p, len);
    if (len + 1 > (size_t)num) {
        fail(ps, ps->line, DW_ERR_CONFIG, "line longer than %d characters",
             num - 3);
        len = (size_t)num - 1;
    }
    memcpy(str, p, len);
    str[len] = '\0';
    return str;
}

/* After the file: every source complete and consistent. */
static void check_sources(struct parse *ps)
{
    for (size_t i = 0; i < ps->cfg->n_sources; i++) {
        const struct dw_source_config *src = &ps->cfg->sources[i];

        if (src->platform == NULL)
            fail(ps, src->line, DW_ERR_CONFIG,
                 "[source %s] needs platform = prolific, toloka, upwork, "
                 "mturk or file",
                 src->name);
        else if (src->vendor == NULL)
            fail(ps, src->line, DW_ERR_CONFIG,
                 "[source %s] needs vendor = the vendor's name", src->name);
        else if (strcmp(src->platform, "file") == 0 && src->path == NULL)
            fail(ps, src->line, DW_ERR_CONFIG,
                 "[source %s] needs path = a directory or https URL",
                 src->name);
    }
}

/* Environment variables named in the table win over the file. */
static void apply_env(struct parse *ps)
{
    for (size_t i = 0; i < N_SETTINGS; i++) {
        const struct setting *s = &settings[i];
        const char *v;
        char why[256];
        long num = 0;

        if (s->env == NULL || ps->err.code != DW_OK)
            continue;
        v = getenv(s->env);
        if (v == NULL || v[0] == '\0')
            continue;
        if (!check_value(s, v, &num, why, sizeof(why))) {
            dw_error_set(&ps->err, DW_ERR_CONFIG, "environment %s %s", s->env,
                         why);
            return;
        }
        if (store_value(ps->cfg, s, v, num) != DW_OK)
            dw_error_set(&ps->err, DW_ERR_NOMEM, "out of memory");
    }
}

static enum dw_status parse_text(struct dw_config *cfg, const char *text,
                                 const char *name, struct dw_error *err)
{
    struct parse *ps;
    enum dw_status st;
    int rc;

    /* On the heap: seen_src makes it big for a stack frame. */
    ps = calloc(1, sizeof(*ps));
    if (ps == NULL)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    ps->cfg = cfg;
    ps->name = name;
    ps->text = text;
    ps->sec = SEC_NONE;
    rc = ini_parse_stream(reader, ps, handler, ps);
    /* inih finds syntax errors; ours are more precise on the same line. */
    if (rc > 0 && (ps->err.code == DW_OK || rc < ps->err_line)) {
        ps->err.code = DW_OK;
        fail(ps, rc, DW_ERR_CONFIG,
             "syntax error (expected [section], key = value or a comment)");
    } else if (rc < 0 && ps->err.code == DW_OK) {
        fail(ps, 0, DW_ERR_NOMEM, "out of memory while parsing");
    }
    if (ps->err.code == DW_OK)
        check_sources(ps);
    if (ps->err.code == DW_OK)
        apply_env(ps);
    st = ps->err.code;
    if (st != DW_OK)
        dw_error_set(err, st, "%s", ps->err.msg);
    free(ps);
    return st;
}

enum dw_status dw_config_load_string(struct dw_config *cfg, const char *text,
                                     const char *name, struct dw_error *err)
{
    if (name == NULL)
        name = "(string)";
    free(cfg->path);
    cfg->path = strdup(name);
    if (cfg->path == NULL)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    return parse_text(cfg, text != NULL ? text : "", name, err);
}

enum dw_status dw_config_load(struct dw_config *cfg, const char *path,
                              struct dw_error *err)
{
    struct dw_buf text;
    char chunk[8192];
    enum dw_status st = DW_OK;
    FILE *f;
    size_t n;

    if (path == NULL)
        path = DW_CONFIG_DEFAULT_PATH;
    f = fopen(path, "r");
    if (f == NULL)
        return dw_error_set(err, DW_ERR_CONFIG, "%s: cannot open: %s", path,
                            strerror(errno));
    dw_buf_init(&text, CONFIG_MAX_BYTES);
    while (st == DW_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        st = dw_buf_append(&text, chunk, n);
    if (st == DW_OK && ferror(f))
        st = dw_error_set(err, DW_ERR_CONFIG, "%s: cannot read: %s", path,
                          strerror(errno));
    else if (st == DW_ERR_TOO_LARGE)
        dw_error_set(err, DW_ERR_CONFIG, "%s: larger than %d bytes", path,
                     CONFIG_MAX_BYTES);
    else if (st != DW_OK)
        dw_error_set(err, st, "%s: out of memory", path);
    fclose(f);
    if (st == DW_ERR_TOO_LARGE)
        st = DW_ERR_CONFIG;
    if (st == DW_OK && text.len > 0 && memchr(text.data, '\0', text.len))
        st = dw_error_set(err, DW_ERR_CONFIG, "%s: contains a NUL byte", path);
    if (st == DW_OK)
        st = dw_config_load_string(cfg, text.data != NULL ? text.data : "",
                                   path, err);
    dw_buf_release(&text);
    return st;
}
