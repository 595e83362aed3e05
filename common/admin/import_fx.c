/* common/admin/import_fx.c — dw-admin import-fx: ECB euro reference rates. */
#include "import_fx.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "import_common.h"
#include "log.h"
#include "money.h"

const char *dw_fx_layout_name(enum dw_fx_layout l)
{
    switch (l) {
    case DW_FX_EUROFXREF:
        return "eurofxref";
    case DW_FX_SDMX:
        return "sdmx";
    case DW_FX_UNKNOWN:
        break;
    }
    return "unknown";
}

static int find_col(const struct dw_csv_record *h, const char *name)
{
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(h->fields[i], name) == 0)
            return (int)i;
    return -1;
}

enum dw_fx_layout dw_fx_detect(const struct dw_csv_record *header)
{
    if (header == NULL || header->n == 0)
        return DW_FX_UNKNOWN;
    if (strcasecmp(header->fields[0], "Date") == 0)
        return DW_FX_EUROFXREF;
    if (find_col(header, "TIME_PERIOD") >= 0 &&
        find_col(header, "OBS_VALUE") >= 0 && find_col(header, "CURRENCY") >= 0)
        return DW_FX_SDMX;
    return DW_FX_UNKNOWN;
}

/* Currencies the ECB history lists that ISO 4217 no longer has. */
static bool withdrawn(const char *code)
{
    static const char *const old[] = {"CYP", "EEK", "LTL", "LVL", "MTL",
                                      "ROL", "SIT", "SKK", "TRL"};

    for (size_t i = 0; i < sizeof(old) / sizeof(old[0]); i++)
        if (strcmp(code, old[i]) == 0)
            return true;
    return false;
}

static bool missing_cell(const char *s)
{
    return s[0] == '\0' || strcmp(s, "N/A") == 0 || strcmp(s, "NaN") == 0;
}

/* "2026-11-20", or "20 November 2026" / "3 June 2021" (daily file). */
static bool parse_date(const char *s, char out[11])
{
    static const char *const months[] = {
        "January", "February", "March",     "April",   "May",      "June",
        "July",    "August",   "September", "October", "November", "December"};
    char iso[32], name[16];
    unsigned d = 0, y = 0;
    size_t i = 0, k = 0;
    int m = -1;

    if (dw_iso_date_valid(s, out))
        return true;
    while (i < 2 && s[i] >= '0' && s[i] <= '9')
        d = d * 10 + (unsigned)(s[i++] - '0');
    if (i == 0 || s[i] != ' ')
        return false;
    i++;
    while (k < sizeof(name) - 1 &&
           ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
        name[k++] = s[i++];
    name[k] = '\0';
    if (s[i] != ' ')
        return false;
    i++;
    for (int j = 0; j < 12; j++)
        if (strcasecmp(name, months[j]) == 0)
            m = j + 1;
    for (k = 0; k < 4 && s[i] >= '0' && s[i] <= '9'; k++)
        y = y * 10 + (unsigned)(s[i++] - '0');
    if (m < 0 || k != 4 || s[i] != '\0' || d > 31)
        return false;
    snprintf(iso, sizeof(iso), "%04u-%02d-%02u", y, m, d);
    return dw_iso_date_valid(iso, out);
}

/* Appends a rate when it is valid; else records why not. */
static enum dw_status add_rate(struct dw_fx_set *set, size_t line,
                               const char *quote, const char *date,
                               const char *rate)
{
    struct dw_fx_row *r;
    int64_t v;
    enum dw_status st;

    st = dw_decimal_parse(rate, DW_FX_RATE_DIGITS, DW_ROUND_EXACT, false, &v);
    if (st == DW_ERR_RANGE) {
        dw_import_error_add(&set->errors, line, "%s: rate '%.40s' is too large",
                            quote, rate);
        return DW_OK;
    }
    if (st != DW_OK) {
        dw_import_error_add(&set->errors, line,
                            "%s: rate '%.40s' is not a plain decimal with at "
                            "most %d fraction digits",
                            quote, rate, DW_FX_RATE_DIGITS);
        return DW_OK;
    }
    if (v <= 0) {
        dw_import_error_add(&set->errors, line,
                            "%s: rate '%.40s' must be above 0", quote, rate);
        return DW_OK;
    }
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 256;
        struct dw_fx_row *nv = realloc(set->rows, cap * sizeof(*nv));

        if (nv == NULL)
            return DW_ERR_NOMEM;
        set->rows = nv;
        set->cap = cap;
    }
    r = &set->rows[set->n++];
    r->line = line;
    memcpy(r->quote, quote, 4);
    memcpy(r->date, date, 11);
    r->rate = rate;
    r->rate_e10 = v;
    if (set->first[0] == '\0' || strcmp(date, set->first) < 0)
        memcpy(set->first, date, 11);
    if (strcmp(date, set->last) > 0)
        memcpy(set->last, date, 11);
    return DW_OK;
}

/* A currency column or value: known, withdrawn (skip), or an error. */
enum cur_kind { CUR_OK, CUR_WITHDRAWN, CUR_BAD };

static enum cur_kind classify(const char *code)
{
    if (dw_currency_known(code))
        return CUR_OK;
    if (withdrawn(code))
        return CUR_WITHDRAWN;
    return CUR_BAD;
}

static enum dw_status parse_eurofxref(struct dw_fx_set *set)
{
    const struct dw_csv_record *h = &set->doc.records[0];
    enum cur_kind *kind;
    size_t width = h->n;
    enum dw_status st = DW_OK;

    /* A trailing comma makes an empty last column. */
    while (width > 1 && h->fields[width - 1][0] == '\0')
        width--;
    kind = calloc(width, sizeof(*kind));
    if (kind == NULL)
        return DW_ERR_NOMEM;
    for (size_t c = 1; c < width; c++) {
        const char *code = h->fields[c];

        kind[c] = classify(code);
        if (kind[c] == CUR_BAD)
            dw_import_error_add(&set->errors, h->line,
                                "column %zu: unknown currency '%.40s'", c + 1,
                                code);
        for (size_t p = 1; p < c; p++)
            if (strcmp(h->fields[p], code) == 0)
                dw_import_error_add(&set->errors, h->line,
                                    "column %zu: currency %.8s appears twice",
                                    c + 1, code);
    }
    for (size_t i = 1; st == DW_OK && i < set->doc.n; i++) {
        const struct dw_csv_record *r = &set->doc.records[i];
        size_t n = r->n;
        char date[11];

        while (n > width && r->fields[n - 1][0] == '\0')
            n--;
        if (n != width) {
            dw_import_error_add(&set->errors, r->line,
                                "%zu fields, the header has %zu currencies "
                                "and the date",
                                n, width - 1);
            continue;
        }
        if (!parse_date(r->fields[0], date)) {
            dw_import_error_add(&set->errors, r->line,
                                "date '%.40s' is not a real date "
                                "(YYYY-MM-DD or '20 November 2026')",
                                r->fields[0]);
            continue;
        }
        for (size_t c = 1; st == DW_OK && c < width; c++) {
            if (missing_cell(r->fields[c]))
                set->missing++;
            else if (kind[c] == CUR_WITHDRAWN)
                set->withdrawn++;
            else if (kind[c] == CUR_OK)
                st = add_rate(set, r->line, h->fields[c], date, r->fields[c]);
        }
    }
    free(kind);
    return st;
}

static enum dw_status parse_sdmx(struct dw_fx_set *set)
{
    const struct dw_csv_record *h = &set->doc.records[0];
    int c_time = find_col(h, "TIME_PERIOD"), c_val = find_col(h, "OBS_VALUE");
    int c_cur = find_col(h, "CURRENCY"), c_den = find_col(h, "CURRENCY_DENOM");
    int c_freq = find_col(h, "FREQ"), c_type = find_col(h, "EXR_TYPE");
    enum dw_status st = DW_OK;

    if (c_den < 0) {
        dw_import_error_add(&set->errors, h->line,
                            "missing column CURRENCY_DENOM (rates must be "
                            "per 1 EUR)");
        return DW_OK;
    }
    for (size_t i = 1; st == DW_OK && i < set->doc.n; i++) {
        const struct dw_csv_record *r = &set->doc.records[i];
        const char *cur, *val;
        size_t before = dw_import_errors_count(&set->errors);
        char date[11];

        if (r->n != h->n) {
            dw_import_error_add(&set->errors, r->line,
                                "%zu fields, the header has %zu", r->n, h->n);
            continue;
        }
        cur = r->fields[c_cur];
        val = r->fields[c_val];
        if (strcmp(r->fields[c_den], "EUR") != 0)
            dw_import_error_add(&set->errors, r->line,
                                "CURRENCY_DENOM '%.40s' is not EUR",
                                r->fields[c_den]);
        if (c_freq >= 0 && strcmp(r->fields[c_freq], "D") != 0)
            dw_import_error_add(&set->errors, r->line,
                                "FREQ '%.40s' is not D: only daily reference "
                                "rates are imported",
                                r->fields[c_freq]);
        if (c_type >= 0 && strcmp(r->fields[c_type], "SP00") != 0)
            dw_import_error_add(&set->errors, r->line,
                                "EXR_TYPE '%.40s' is not SP00 (spot)",
                                r->fields[c_type]);
        if (!parse_date(r->fields[c_time], date))
            dw_import_error_add(&set->errors, r->line,
                                "TIME_PERIOD '%.40s' is not a real date "
                                "YYYY-MM-DD",
                                r->fields[c_time]);
        if (classify(cur) == CUR_BAD)
            dw_import_error_add(&set->errors, r->line,
                                "unknown currency '%.40s'", cur);
        if (dw_import_errors_count(&set->errors) != before)
            continue;
        if (missing_cell(val))
            set->missing++;
        else if (classify(cur) == CUR_WITHDRAWN)
            set->withdrawn++;
        else
            st = add_rate(set, r->line, cur, date, val);
    }
    return st;
}

static int key_cmp(const struct dw_fx_row *a, const struct dw_fx_row *b)
{
    int c = strcmp(a->quote, b->quote);

    return c != 0 ? c : strcmp(a->date, b->date);
}

static int row_ptr_cmp(const void *pa, const void *pb)
{
    const struct dw_fx_row *a = *(const struct dw_fx_row *const *)pa;
    const struct dw_fx_row *b = *(const struct dw_fx_row *const *)pb;
    int c = key_cmp(a, b);

    if (c != 0)
        return c;
    return a->line < b->line ? -1 : a->line > b->line;
}

/*
 * A currency and date given twice is an error at the later line; a line
 * with several such rates (a repeated date) is reported once.
 */
static enum dw_status find_duplicates(struct dw_fx_set *set)
{
    const struct dw_fx_row **v;
    size_t *dup_of;

    if (set->n < 2)
        return DW_OK;
    v = malloc(set->n * sizeof(*v));
    dup_of = calloc(set->n, sizeof(*dup_of));
    if (v == NULL || dup_of == NULL) {
        free(v);
        free(dup_of);
        return DW_ERR_NOMEM;
    }
    for (size_t i = 0; i < set->n; i++)
        v[i] = &set->rows[i];
    qsort(v, set->n, sizeof(*v), row_ptr_cmp);
    for (size_t i = 1; i < set->n; i++)
        if (key_cmp(v[i - 1], v[i]) == 0)
            dup_of[v[i] - set->rows] = v[i - 1]->line;
    for (size_t i = 0; i < set->n; i++) {
        size_t more = 0, j = i + 1;

        if (dup_of[i] == 0)
            continue;
        while (j < set->n && set->rows[j].line == set->rows[i].line) {
            more += dup_of[j] != 0;
            dup_of[j++] = 0;
        }
        if (more > 0)
            dw_import_error_add(&set->errors, set->rows[i].line,
                                "the rates for %s (and %zu more) on %s are "
                                "already given on line %zu",
                                set->rows[i].quote, more, set->rows[i].date,
                                dup_of[i]);
        else
            dw_import_error_add(&set->errors, set->rows[i].line,
                                "the %s rate on %s is already given on line "
                                "%zu",
                                set->rows[i].quote, set->rows[i].date,
                                dup_of[i]);
    }
    free(v);
    free(dup_of);
    return DW_OK;
}

enum dw_status dw_fx_parse(const char *buf, size_t len, struct dw_fx_set *set,
                           struct dw_error *err)
{
    enum dw_status st;

    memset(set, 0, sizeof(*set));
    st = dw_csvdoc_parse(buf, len, &set->doc, err);
    if (st != DW_OK)
        return st;
    if (set->doc.n == 0) {
        dw_import_error_add(&set->errors, 0,
                            "empty file: expected an ECB reference-rate CSV");
        return DW_OK;
    }
    set->layout = dw_fx_detect(&set->doc.records[0]);
    switch (set->layout) {
    case DW_FX_EUROFXREF:
        st = parse_eurofxref(set);
        break;
    case DW_FX_SDMX:
        st = parse_sdmx(set);
        break;
    case DW_FX_UNKNOWN:
        dw_import_error_add(&set->errors, set->doc.records[0].line,
                            "unknown layout: expected the ECB eurofxref "
                            "header 'Date,USD,JPY,...' or an ECB Data Portal "
                            "CSV with TIME_PERIOD, OBS_VALUE, CURRENCY and "
                            "CURRENCY_DENOM");
        break;
    }
    if (st == DW_OK)
        st = find_duplicates(set);
    dw_import_errors_sort(&set->errors);
    if (st == DW_OK && set->errors.nomem)
        st = DW_ERR_NOMEM;
    if (st != DW_OK)
        return dw_error_set(err, st, "out of memory");
    return DW_OK;
}

void dw_fx_set_release(struct dw_fx_set *set)
{
    if (set == NULL)
        return;
    dw_csvdoc_release(&set->doc);
    free(set->rows);
    dw_import_errors_release(&set->errors);
    memset(set, 0, sizeof(*set));
}

static const char stage_sql[] =
    "CREATE TEMP TABLE dw_stage_fx (line integer NOT NULL,"
    " quote char(3) NOT NULL, rate_date date NOT NULL,"
    " rate numeric(24,10) NOT NULL) ON COMMIT DROP";

static const char conflict_sql[] =
    "SELECT s.line, s.quote, s.rate_date::text, trim_scale(f.rate)::text,"
    " trim_scale(s.rate)::text, f.source"
    " FROM dw_stage_fx s JOIN dw.fx_rate f ON f.base = 'EUR'"
    " AND f.quote = s.quote AND f.rate_date = s.rate_date"
    " WHERE f.rate <> s.rate ORDER BY s.line, s.quote";

static const char insert_sql[] =
    "INSERT INTO dw.fx_rate (rate_date, base, quote, rate, source)"
    " SELECT rate_date, 'EUR', quote, rate, $1 FROM dw_stage_fx"
    " ORDER BY rate_date, quote"
    " ON CONFLICT (base, quote, rate_date) DO NOTHING";

static enum dw_status copy_rows(PGconn *conn, const void *rows,
                                struct dw_error *err)
{
    const struct dw_fx_set *set = rows;
    struct dw_copy c;
    enum dw_status st;

    st = dw_copy_begin(&c, conn,
                       "COPY dw_stage_fx (line, quote, rate_date, rate)"
                       " FROM STDIN",
                       err);
    for (size_t i = 0; st == DW_OK && i < set->n; i++) {
        dw_copy_i64(&c, (int64_t)set->rows[i].line);
        dw_copy_str(&c, set->rows[i].quote);
        dw_copy_str(&c, set->rows[i].date);
        dw_copy_str(&c, set->rows[i].rate); /* exact text, never a double */
        st = dw_copy_end_row(&c, err);
    }
    if (st == DW_OK)
        return dw_copy_finish(&c, err);
    dw_copy_abort(&c);
    return st;
}

static enum dw_status add_conflicts(PGresult *r,
                                    struct dw_import_errors *conflicts,
                                    struct dw_error *err)
{
    for (int i = 0; i < PQntuples(r); i++) {
        unsigned long line = strtoul(PQgetvalue(r, i, 0), NULL, 10);

        dw_import_error_add(conflicts, (size_t)line,
                            "%s on %s is already stored as %s (source: "
                            "%.80s), this file says %s: stored rates are "
                            "never rewritten; delete the stored row first "
                            "if it is wrong",
                            PQgetvalue(r, i, 1), PQgetvalue(r, i, 2),
                            PQgetvalue(r, i, 3), PQgetvalue(r, i, 5),
                            PQgetvalue(r, i, 4));
    }
    return dw_error_set(err, DW_ERR_INVALID, "%d rate%s from stored rates",
                        PQntuples(r),
                        PQntuples(r) == 1 ? " differs" : "s differ");
}

enum dw_status dw_fx_import(PGconn *conn, const struct dw_fx_set *set,
                            const char *source, struct dw_fx_result *res,
                            struct dw_import_errors *conflicts,
                            struct dw_error *err)
{
    const char *params[1] = {source};
    const struct dw_import_store store = {
        .lock_sql = "LOCK TABLE dw.fx_rate IN SHARE ROW EXCLUSIVE MODE",
        .stage_sql = stage_sql,
        .conflict_sql = conflict_sql,
        .insert_sql = insert_sql,
        .n_params = 1,
        .params = params,
        .copy = copy_rows,
        .conflicts = add_conflicts,
    };
    enum dw_status st;

    memset(res, 0, sizeof(*res));
    res->read = set->n;
    st = dw_import_store(conn, &store, set, conflicts, &res->inserted, err);
    if (st == DW_OK)
        res->present = res->read - res->inserted;
    return st;
}

int dw_admin_import_fx(const char *url, const char *path, const char *source,
                       FILE *out, FILE *errs)
{
    struct dw_fx_set set = {0};
    struct dw_import_errors conflicts = {0};
    struct dw_fx_result res = {0};
    struct dw_error err = {0};
    PGconn *conn = NULL;
    char *buf = NULL;
    size_t len;
    int rc = DW_EXIT_OK;
    enum dw_status st;

    if (source == NULL)
        source = DW_FX_DEFAULT_SOURCE;
    st = dw_read_file(path, &buf, &len, &err);
    if (st == DW_OK)
        st = dw_fx_parse(buf, len, &set, &err);
    rc = dw_import_report_file("import-fx", path, st, &err, &set.errors, errs);
    if (rc != DW_EXIT_OK)
        goto done;
    st = dw_db_connect(url, "dw-admin", &conn, &err);
    if (st == DW_OK)
        st = dw_fx_import(conn, &set, source, &res, &conflicts, &err);
    rc = dw_import_report_store("import-fx", path, st, &err, &conflicts, errs);
    if (rc != DW_EXIT_OK)
        goto done;
    dw_log(DW_LOG_INFO, "import-fx",
           "layout=%s read=%zu new=%zu present=%zu missing=%zu "
           "withdrawn=%zu",
           dw_fx_layout_name(set.layout), res.read, res.inserted, res.present,
           set.missing, set.withdrawn);
    fprintf(out,
            "import-fx: %zu rates read, %zu new, %zu already present "
            "(%s layout",
            res.read, res.inserted, res.present, dw_fx_layout_name(set.layout));
    if (res.read > 0)
        fprintf(out, ", %s to %s", set.first, set.last);
    if (set.missing > 0)
        fprintf(out, ", %zu missing value%s skipped", set.missing,
                set.missing == 1 ? "" : "s");
    if (set.withdrawn > 0)
        fprintf(out, ", %zu rate%s of withdrawn currencies skipped",
                set.withdrawn, set.withdrawn == 1 ? "" : "s");
    fputs(")\n", out);
done:
    dw_db_close(conn);
    dw_import_errors_release(&conflicts);
    dw_fx_set_release(&set);
    free(buf);
    return rc;
}
