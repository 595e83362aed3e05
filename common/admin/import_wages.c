/* common/admin/import_wages.c — dw-admin import-wages: wage floors from CSV. */
#include "import_wages.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "import_common.h"
#include "log.h"
#include "money.h"

enum col {
    C_COUNTRY,
    C_REGION,
    C_KIND,
    C_AMOUNT,
    C_CURRENCY,
    C_PER,
    C_HOURS,
    C_VALID_FROM,
    C_SOURCE,
    C_NOTE,
    C_COUNT
};

static const char *const col_names[C_COUNT] = {
    "country", "region",      "kind",       "amount", "currency",
    "per",     "hours_basis", "valid_from", "source", "note"};

/* Maps the header to column positions; every column exactly once. */
static bool map_header(const struct dw_csv_record *h, int pos[C_COUNT],
                       struct dw_import_errors *e)
{
    bool ok = true;

    for (int c = 0; c < C_COUNT; c++)
        pos[c] = -1;
    for (size_t i = 0; i < h->n; i++) {
        int c = 0;

        while (c < C_COUNT && strcmp(h->fields[i], col_names[c]) != 0)
            c++;
        if (c == C_COUNT) {
            dw_import_error_add(e, h->line,
                                "unknown column '%.40s' (the header is "
                                "%s)",
                                h->fields[i], DW_WAGES_HEADER);
            ok = false;
        } else if (pos[c] >= 0) {
            dw_import_error_add(e, h->line, "column '%s' appears twice",
                                col_names[c]);
            ok = false;
        } else {
            pos[c] = (int)i;
        }
    }
    for (int c = 0; c < C_COUNT; c++)
        if (pos[c] < 0) {
            dw_import_error_add(e, h->line, "missing column '%s'",
                                col_names[c]);
            ok = false;
        }
    return ok;
}

static bool one_of(const char *s, const char *const *words)
{
    for (; *words != NULL; words++)
        if (strcmp(s, *words) == 0)
            return true;
    return false;
}

static bool is_country(const char *s)
{
    return s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
           s[2] == '\0';
}

/* Validates one record into row; false (with errors added) if bad. */
static bool parse_row(const struct dw_csv_record *r, const int pos[C_COUNT],
                      struct dw_wage_row *row, struct dw_import_errors *e)
{
    static const char *const kinds[] = {"minimum", "living", NULL};
    static const char *const pers[] = {"hour", "day", "week", "month", NULL};
    struct dw_error perr = {0};
    const char *f[C_COUNT];
    int64_t hours;
    size_t before = dw_import_errors_count(e);

    for (int c = 0; c < C_COUNT; c++)
        f[c] = r->fields[pos[c]];
    memset(row, 0, sizeof(*row));
    row->line = r->line;
    if (!is_country(f[C_COUNTRY]))
        dw_import_error_add(e, r->line,
                            "country '%.40s' is not two upper-case letters "
                            "(ISO 3166-1 alpha-2)",
                            f[C_COUNTRY]);
    if (!one_of(f[C_KIND], kinds))
        dw_import_error_add(e, r->line, "kind '%.40s' is not minimum or living",
                            f[C_KIND]);
    if (dw_money_parse(f[C_AMOUNT], &row->amount_micros, &perr) != DW_OK)
        dw_import_error_add(e, r->line, "%s", perr.msg);
    else if (row->amount_micros <= 0)
        dw_import_error_add(e, r->line, "amount '%.40s' must be above 0",
                            f[C_AMOUNT]);
    if (!dw_currency_known(f[C_CURRENCY]))
        dw_import_error_add(e, r->line,
                            "unknown currency '%.40s' (an ISO 4217 code in "
                            "upper case)",
                            f[C_CURRENCY]);
    if (!one_of(f[C_PER], pers))
        dw_import_error_add(e, r->line,
                            "per '%.40s' is not hour, day, week or month",
                            f[C_PER]);
    if (dw_decimal_parse(f[C_HOURS], 10, DW_ROUND_EXACT, false, &hours) !=
            DW_OK ||
        hours <= 0)
        dw_import_error_add(e, r->line,
                            "hours_basis '%.40s' is not a positive decimal "
                            "(the hours in one '%.8s')",
                            f[C_HOURS], f[C_PER]);
    if (!dw_iso_date_valid(f[C_VALID_FROM], row->valid_from))
        dw_import_error_add(e, r->line,
                            "valid_from '%.40s' is not a real date "
                            "YYYY-MM-DD",
                            f[C_VALID_FROM]);
    if (f[C_SOURCE][0] == '\0')
        dw_import_error_add(e, r->line,
                            "source is empty: every figure names where it "
                            "comes from");
    row->country = f[C_COUNTRY];
    row->region = f[C_REGION];
    row->kind = f[C_KIND];
    row->currency = f[C_CURRENCY];
    row->per = f[C_PER];
    row->hours_basis = f[C_HOURS];
    row->source = f[C_SOURCE];
    row->note = f[C_NOTE][0] != '\0' ? f[C_NOTE] : NULL;
    return dw_import_errors_count(e) == before;
}

static int key_cmp(const struct dw_wage_row *a, const struct dw_wage_row *b)
{
    int c = strcmp(a->country, b->country);

    if (c == 0)
        c = strcmp(a->region, b->region);
    if (c == 0)
        c = strcmp(a->kind, b->kind);
    if (c == 0)
        c = strcmp(a->valid_from, b->valid_from);
    return c;
}

static int row_ptr_cmp(const void *pa, const void *pb)
{
    const struct dw_wage_row *a = *(const struct dw_wage_row *const *)pa;
    const struct dw_wage_row *b = *(const struct dw_wage_row *const *)pb;
    int c = key_cmp(a, b);

    if (c != 0)
        return c;
    return a->line < b->line ? -1 : a->line > b->line;
}

/* A key given twice in one file is an error at the later line. */
static enum dw_status find_duplicates(struct dw_wage_set *set)
{
    const struct dw_wage_row **v;

    if (set->n < 2)
        return DW_OK;
    v = malloc(set->n * sizeof(*v));
    if (v == NULL)
        return DW_ERR_NOMEM;
    for (size_t i = 0; i < set->n; i++)
        v[i] = &set->rows[i];
    qsort(v, set->n, sizeof(*v), row_ptr_cmp);
    for (size_t i = 1; i < set->n; i++)
        if (key_cmp(v[i - 1], v[i]) == 0)
            dw_import_error_add(
                &set->errors, v[i]->line,
                "%s%s%.40s %s from %s is already given on line %zu",
                v[i]->country, v[i]->region[0] ? " " : "", v[i]->region,
                v[i]->kind, v[i]->valid_from, v[i - 1]->line);
    free(v);
    return DW_OK;
}

enum dw_status dw_wages_parse(const char *buf, size_t len,
                              struct dw_wage_set *set, struct dw_error *err)
{
    int pos[C_COUNT];
    const struct dw_csv_record *h;
    enum dw_status st;

    memset(set, 0, sizeof(*set));
    st = dw_csvdoc_parse(buf, len, &set->doc, err);
    if (st != DW_OK)
        return st;
    if (set->doc.n == 0) {
        dw_import_error_add(&set->errors, 0,
                            "empty file: expected the header %s",
                            DW_WAGES_HEADER);
        return DW_OK;
    }
    h = &set->doc.records[0];
    if (!map_header(h, pos, &set->errors))
        return DW_OK;
    set->read = set->doc.n - 1;
    if (set->read > 0) {
        set->rows = calloc(set->read, sizeof(*set->rows));
        if (set->rows == NULL)
            return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 1; i < set->doc.n; i++) {
        const struct dw_csv_record *r = &set->doc.records[i];

        if (r->n != h->n) {
            dw_import_error_add(&set->errors, r->line,
                                "%zu field%s, the header has %zu (quote "
                                "fields that contain commas)",
                                r->n, r->n == 1 ? "" : "s", h->n);
            continue;
        }
        if (parse_row(r, pos, &set->rows[set->n], &set->errors))
            set->n++;
    }
    if (find_duplicates(set) != DW_OK)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    dw_import_errors_sort(&set->errors);
    if (set->errors.nomem)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    return DW_OK;
}

void dw_wage_set_release(struct dw_wage_set *set)
{
    if (set == NULL)
        return;
    dw_csvdoc_release(&set->doc);
    free(set->rows);
    dw_import_errors_release(&set->errors);
    memset(set, 0, sizeof(*set));
}

static const char stage_sql[] =
    "CREATE TEMP TABLE dw_stage_wage (line integer NOT NULL,"
    " country char(2) NOT NULL, region text NOT NULL, kind text NOT NULL,"
    " amount_micros bigint NOT NULL, currency char(3) NOT NULL,"
    " per text NOT NULL, hours_basis numeric NOT NULL,"
    " valid_from date NOT NULL, source text NOT NULL, note text)"
    " ON COMMIT DROP";

/* Rows whose key is stored with another figure: history is never
   rewritten. Source and note may differ (they are not the figure). */
static const char conflict_sql[] =
    "SELECT s.line, w.amount_micros, w.currency, w.per,"
    " w.hours_basis::text, s.amount_micros, s.currency, s.per,"
    " s.hours_basis::text, concat_ws(' ', s.country, nullif(s.region, ''),"
    " s.kind, 'from', s.valid_from)"
    " FROM dw_stage_wage s JOIN dw.wage_floor w"
    " ON w.country = s.country AND w.region = s.region"
    " AND w.kind = s.kind AND w.valid_from = s.valid_from"
    " WHERE (w.amount_micros, w.currency, w.per, w.hours_basis)"
    " IS DISTINCT FROM (s.amount_micros, s.currency, s.per, s.hours_basis)"
    " ORDER BY s.line";

static const char insert_sql[] =
    "INSERT INTO dw.wage_floor (country, region, kind, amount_micros,"
    " currency, per, hours_basis, valid_from, source, note)"
    " SELECT country, region, kind, amount_micros, currency, per,"
    " hours_basis, valid_from, source, note FROM dw_stage_wage ORDER BY line"
    " ON CONFLICT (country, region, kind, valid_from) DO NOTHING";

/* "12.5" of 12,500,000 micro-units: no trailing zeros beyond two. */
static const char *amount_text(const char *micros, char *out)
{
    int64_t v;
    size_t n;

    if (dw_decimal_parse(micros, 0, DW_ROUND_EXACT, false, &v) != DW_OK) {
        snprintf(out, 32, "%.20s", micros); /* never: a bigint */
        return out;
    }
    dw_money_format(v, 6, out);
    n = strlen(out);
    while (n > 0 && out[n - 1] == '0' && strchr(out, '.') + 3 < out + n)
        out[--n] = '\0';
    return out;
}

static enum dw_status copy_rows(PGconn *conn, const void *rows,
                                struct dw_error *err)
{
    const struct dw_wage_set *set = rows;
    struct dw_copy c;
    enum dw_status st;

    st = dw_copy_begin(&c, conn,
                       "COPY dw_stage_wage (line, country, region, kind,"
                       " amount_micros, currency, per, hours_basis,"
                       " valid_from, source, note) FROM STDIN",
                       err);
    for (size_t i = 0; st == DW_OK && i < set->n; i++) {
        const struct dw_wage_row *r = &set->rows[i];

        dw_copy_i64(&c, (int64_t)r->line);
        dw_copy_str(&c, r->country);
        dw_copy_str(&c, r->region);
        dw_copy_str(&c, r->kind);
        dw_copy_i64(&c, r->amount_micros);
        dw_copy_str(&c, r->currency);
        dw_copy_str(&c, r->per);
        dw_copy_str(&c, r->hours_basis);
        dw_copy_str(&c, r->valid_from);
        dw_copy_str(&c, r->source);
        dw_copy_str(&c, r->note);
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
    char was[32], now[32];

    for (int i = 0; i < PQntuples(r); i++) {
        char *end;
        unsigned long line = strtoul(PQgetvalue(r, i, 0), &end, 10);

        dw_import_error_add(
            conflicts, (size_t)line,
            "%s is already stored as %s %s per %s (hours basis %s), this file "
            "says %s %s per %s (hours basis %s): a new valid_from row never "
            "rewrites history; add a row with a new valid_from instead",
            PQgetvalue(r, i, 9), amount_text(PQgetvalue(r, i, 1), was),
            PQgetvalue(r, i, 2), PQgetvalue(r, i, 3), PQgetvalue(r, i, 4),
            amount_text(PQgetvalue(r, i, 5), now), PQgetvalue(r, i, 6),
            PQgetvalue(r, i, 7), PQgetvalue(r, i, 8));
    }
    return dw_error_set(err, DW_ERR_INVALID,
                        "%d row%s would change stored wage floors",
                        PQntuples(r), PQntuples(r) == 1 ? "" : "s");
}

enum dw_status dw_wages_import(PGconn *conn, const struct dw_wage_set *set,
                               struct dw_wages_result *res,
                               struct dw_import_errors *conflicts,
                               struct dw_error *err)
{
    const struct dw_import_store store = {
        .lock_sql = "LOCK TABLE dw.wage_floor IN SHARE ROW EXCLUSIVE MODE",
        .stage_sql = stage_sql,
        .conflict_sql = conflict_sql,
        .insert_sql = insert_sql,
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

int dw_admin_import_wages(const char *url, const char *path, FILE *out,
                          FILE *errs)
{
    struct dw_wage_set set = {0};
    struct dw_import_errors conflicts = {0};
    struct dw_wages_result res = {0};
    struct dw_error err = {0};
    PGconn *conn = NULL;
    char *buf = NULL;
    size_t len;
    int rc = DW_EXIT_OK;
    enum dw_status st;

    st = dw_read_file(path, &buf, &len, &err);
    if (st == DW_OK)
        st = dw_wages_parse(buf, len, &set, &err);
    rc = dw_import_report_file("import-wages", path, st, &err, &set.errors,
                               errs);
    if (rc != DW_EXIT_OK)
        goto done;
    st = dw_db_connect(url, "dw-admin", &conn, &err);
    if (st == DW_OK)
        st = dw_wages_import(conn, &set, &res, &conflicts, &err);
    rc = dw_import_report_store("import-wages", path, st, &err, &conflicts,
                                errs);
    if (rc != DW_EXIT_OK)
        goto done;
    dw_log(DW_LOG_INFO, "import-wages", "read=%zu new=%zu present=%zu",
           res.read, res.inserted, res.present);
    fprintf(out, "import-wages: %zu rows read, %zu new, %zu already present\n",
            res.read, res.inserted, res.present);
done:
    dw_db_close(conn);
    dw_import_errors_release(&conflicts);
    dw_wage_set_release(&set);
    free(buf);
    return rc;
}
