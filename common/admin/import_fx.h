/* common/admin/import_fx.h — dw-admin import-fx: ECB euro reference rates. */
#ifndef DW_IMPORT_FX_H
#define DW_IMPORT_FX_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "csvdoc.h"
#include "status.h"

#define DW_FX_DEFAULT_SOURCE "ECB euro foreign exchange reference rates"
/* Fraction digits of dw.fx_rate.rate (numeric(24,10)). */
#define DW_FX_RATE_DIGITS 10

enum dw_fx_layout {
    DW_FX_UNKNOWN,
    /* eurofxref.csv / eurofxref-hist.csv: "Date,USD,JPY,...", one row per
       day, "N/A" where a currency has no rate; the date is "2026-11-20"
       or "20 November 2026" (the daily file). */
    DW_FX_EUROFXREF,
    /* ECB Data Portal (SDMX) CSV: one row per observation with columns
       TIME_PERIOD, OBS_VALUE, CURRENCY, CURRENCY_DENOM (and FREQ,
       EXR_TYPE when present: only D and SP00 are accepted). */
    DW_FX_SDMX,
};

/* Name of a layout: "eurofxref", "sdmx", "unknown". */
const char *dw_fx_layout_name(enum dw_fx_layout l);

/*
 * The layout a header record announces: first field "Date" is eurofxref;
 * TIME_PERIOD, OBS_VALUE and CURRENCY together are SDMX. Pure.
 */
enum dw_fx_layout dw_fx_detect(const struct dw_csv_record *header);

/* One rate: units of quote per 1 EUR on date. rate points into the
   owning set's doc and is the exact text of the file. */
struct dw_fx_row {
    size_t line;
    char quote[4];
    char date[11];    /* YYYY-MM-DD */
    const char *rate; /* plain decimal, > 0, at most 10 fraction digits */
    int64_t rate_e10; /* the rate scaled by 10^10 */
};

struct dw_fx_set {
    struct dw_csvdoc doc; /* owns the strings the rows point to */
    enum dw_fx_layout layout;
    struct dw_fx_row *rows;
    size_t n, cap;
    size_t missing;   /* empty or N/A cells skipped */
    size_t withdrawn; /* cells of pre-euro currencies skipped (CYP, ...) */
    char first[11], last[11];       /* date range of the rows; "" when none */
    struct dw_import_errors errors; /* sorted by line */
};

/*
 * Parses an ECB rate file held in buf (len bytes) into set (zeroed or
 * released), detecting the layout from the header. Collects every problem
 * in set->errors as "LINE: what": unknown layout, unknown currency code (a
 * header column or a CURRENCY value), a denominator other than EUR, a
 * non-daily or non-spot SDMX series, a date that is not real, a rate that
 * is not a plain positive decimal with at most 10 fraction digits ("1,05"
 * is refused; never through double), a wrong field count, and a currency
 * and date given twice. Empty and "N/A" cells are skipped and counted;
 * so are cells of currencies the euro replaced (CYP, EEK, LTL, LVL, MTL,
 * SIT, SKK) and old ROL/TRL, which the ECB history still lists. Pure: no
 * I/O. Returns DW_OK even with errors; DW_ERR_NOMEM, or DW_ERR_PARSE for
 * CSV that cannot be read at all. Release with dw_fx_set_release, also after
 * a failure.
 */
enum dw_status dw_fx_parse(const char *buf, size_t len, struct dw_fx_set *set,
                           struct dw_error *err);
void dw_fx_set_release(struct dw_fx_set *set);

struct dw_fx_result {
    size_t read;     /* rates in the file */
    size_t inserted; /* new rows in dw.fx_rate */
    size_t present;  /* the same rate already stored */
};

/*
 * Loads a clean set (no errors) into dw.fx_rate with base EUR and the
 * given source label (borrowed) in one transaction (COPY into a temp
 * table, then INSERT ... ON CONFLICT DO NOTHING). A stored (EUR, quote,
 * date) with a different rate is added to conflicts with its line and
 * nothing is written (DW_ERR_INVALID). conn is borrowed, not in a
 * transaction. DW_ERR_DB on a server error.
 */
enum dw_status dw_fx_import(PGconn *conn, const struct dw_fx_set *set,
                            const char *source, struct dw_fx_result *res,
                            struct dw_import_errors *conflicts,
                            struct dw_error *err);

/*
 * The whole command: reads and checks path (before connecting), prints
 * every error as "path:LINE: what" on errs, connects to url, imports with
 * source (NULL = DW_FX_DEFAULT_SOURCE) and prints "import-fx: N rates
 * read, M new, K already present (...)" on out. Returns an exit code: 0
 * done; 2 unreadable or bad file, or a conflict (nothing imported); 1
 * failed.
 */
int dw_admin_import_fx(const char *url, const char *path, const char *source,
                       FILE *out, FILE *errs);

#endif
