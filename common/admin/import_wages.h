/* common/admin/import_wages.h — dw-admin import-wages: wage floors from CSV. */
#ifndef DW_IMPORT_WAGES_H
#define DW_IMPORT_WAGES_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "csvdoc.h"
#include "status.h"

/* The header every wage file has (columns in any order, no others). */
#define DW_WAGES_HEADER                                                        \
    "country,region,kind,amount,currency,per,hours_basis,valid_from,source,"   \
    "note"

/* One validated row. Strings point into the owning dw_wage_set's doc. */
struct dw_wage_row {
    size_t line;
    const char *country;     /* ^[A-Z]{2}$ */
    const char *region;      /* "" when empty */
    const char *kind;        /* minimum | living */
    int64_t amount_micros;   /* > 0 */
    const char *currency;    /* dw_currency_known */
    const char *per;         /* hour | day | week | month */
    const char *hours_basis; /* positive decimal, as written */
    char valid_from[11];     /* YYYY-MM-DD, a real date */
    const char *source;      /* non-empty */
    const char *note;        /* NULL when empty */
};

/* A parsed file: the rows when it has no errors, else the errors. */
struct dw_wage_set {
    struct dw_csvdoc doc; /* owns the strings the rows point to */
    struct dw_wage_row *rows;
    size_t n;                       /* valid rows (all of them when no
                                       errors) */
    size_t read;                    /* data records in the file */
    struct dw_import_errors errors; /* sorted by line */
};

/*
 * Parses and validates a wage-floor CSV held in buf (len bytes) into set
 * (zeroed or released). Every problem is collected in set->errors as
 * "LINE: what": a missing or unknown header column, a wrong field count,
 * bad country, region, kind, amount (dw_money_parse, > 0: "12,5" is
 * refused), currency, per, hours_basis (positive decimal), valid_from
 * (a real YYYY-MM-DD date), empty source, and a key (country, region,
 * kind, valid_from) given twice. Pure: no I/O. Returns DW_OK even when rows
 * are bad (check dw_import_errors_count); DW_ERR_NOMEM, or DW_ERR_PARSE
 * for CSV that cannot be read at all (err says where). Release with
 * dw_wage_set_release, also after a failure.
 */
enum dw_status dw_wages_parse(const char *buf, size_t len,
                              struct dw_wage_set *set, struct dw_error *err);
void dw_wage_set_release(struct dw_wage_set *set);

struct dw_wages_result {
    size_t read;     /* rows in the file */
    size_t inserted; /* new rows */
    size_t present;  /* identical rows already in dw.wage_floor */
};

/*
 * Loads a clean set (no errors) in one transaction: COPY into a temp
 * table, refuse rows whose key exists with a different amount, currency,
 * per or hours_basis (each added to conflicts with its line; nothing is
 * written), else INSERT ... ON CONFLICT DO NOTHING. conn is borrowed and
 * must not be in a transaction. Returns DW_ERR_INVALID when conflicts
 * were found, DW_ERR_DB on a server error.
 */
enum dw_status dw_wages_import(PGconn *conn, const struct dw_wage_set *set,
                               struct dw_wages_result *res,
                               struct dw_import_errors *conflicts,
                               struct dw_error *err);

/*
 * The whole command: reads and checks path (before connecting), prints
 * every error as "path:LINE: what" on errs, connects to url (borrowed),
 * imports, and prints "import-wages: N rows read, M new, K already
 * present" on out. Returns an exit code: 0 done; 2 unreadable or bad file,
 * or a conflict (nothing imported); 1 failed (database).
 */
int dw_admin_import_wages(const char *url, const char *path, FILE *out,
                          FILE *errs);

#endif
