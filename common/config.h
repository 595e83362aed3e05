/* common/config.h — the INI configuration: one table of settings. */
#ifndef DW_CONFIG_H
#define DW_CONFIG_H

#include <stddef.h>

#include "status.h"

#define DW_CONFIG_DEFAULT_PATH "/etc/decentwork/decentwork.conf"
#define DW_MAX_SOURCES 64

/*
 * One [source NAME] section. Strings are owned by the config (heap) and
 * NULL when the key is absent; treat them as read-only. Secrets never
 * live here: token_env names the environment variable that holds the
 * credential.
 */
struct dw_source_config {
    char *name;            /* section name after "source " */
    char *platform;        /* prolific | toloka | upwork | mturk | file */
    char *vendor;          /* vendor name (required) */
    char *vendor_country;  /* ISO 3166-1 alpha-2 of the vendor, optional */
    char *endpoint;        /* base URL; platform default when NULL */
    char *token_env;       /* name of the env var holding the secret */
    char *default_country; /* worker country when the source says none */
    char *default_tz;      /* IANA zone when the source says none */
    char *path;            /* file source: directory or https URL */
    char *region;          /* mturk: signing region (us-east-1) */
    long lookback_days;    /* default 35 */
    long page_size;        /* default: the platform's own */
    long timeout_s;        /* total per request, default 60 */
    long max_retries;      /* default 5 */
    int line;              /* line of the section header, for messages */
};

struct dw_config {
    char *path;             /* the file it was read from */
    char *database_url;     /* [database] url; DW_DATABASE_URL overrides */
    char *log_level;        /* [log] level; DW_LOG_LEVEL overrides */
    char *log_format;       /* [log] format; DW_LOG_FORMAT overrides */
    char *report_currency;  /* [analyzer] currency, default USD */
    char *fallback_country; /* [analyzer] fallback_country, default US */
    long k_anonymity;       /* [report] min_group, default 5 */
    struct dw_source_config sources[DW_MAX_SOURCES];
    size_t n_sources;
};

/*
 * Fills cfg with defaults; no allocation (string defaults point at static
 * text, which dw_config_release knows not to free).
 */
void dw_config_init(struct dw_config *cfg);

/*
 * Reads path (INI through inih), then applies environment overrides, then
 * validates: every key known, every source has platform and vendor, known
 * platform names, numbers in range, countries two upper-case letters,
 * currencies known. On failure err says "FILE:LINE: what is wrong" and
 * cfg holds what was read so far (release it either way).
 */
enum dw_status dw_config_load(struct dw_config *cfg, const char *path,
                              struct dw_error *err);

/* Same as load but from a string (tests); name is used in messages. */
enum dw_status dw_config_load_string(struct dw_config *cfg, const char *text,
                                     const char *name, struct dw_error *err);

/* A source by name, or NULL. Borrowed. */
const struct dw_source_config *dw_config_source(const struct dw_config *cfg,
                                                const char *name);

void dw_config_release(struct dw_config *cfg);

/*
 * The database URL to use: DW_DATABASE_URL, else cfg->database_url (cfg
 * may be NULL). NULL when neither is set. Borrowed.
 */
const char *dw_config_database_url(const struct dw_config *cfg);

#endif
