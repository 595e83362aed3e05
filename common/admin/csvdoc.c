/* common/admin/csvdoc.c — CSV records with line numbers (libcsv), errors. */
#include "csvdoc.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dwtime.h"

/* State shared with the libcsv callbacks. */
struct parse_ctx {
    struct dw_csvdoc *doc;
    char **fields; /* the record being built */
    size_t n, cap;
    size_t start_line;
    bool in_record; /* a record has begun and not yet ended */
    bool nomem;
};

static void on_field(void *field, size_t len, void *data)
{
    struct parse_ctx *c = data;
    char *s;

    if (c->nomem)
        return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        char **v = realloc(c->fields, cap * sizeof(*v));

        if (v == NULL) {
            c->nomem = true;
            return;
        }
        c->fields = v;
        c->cap = cap;
    }
    s = malloc(len + 1);
    if (s == NULL) {
        c->nomem = true;
        return;
    }
    if (len > 0)
        memcpy(s, field, len);
    s[len] = '\0';
    c->fields[c->n++] = s;
}

static void free_fields(char **fields, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(fields[i]);
    free(fields);
}

static void on_record(int term, void *data)
{
    struct parse_ctx *c = data;
    struct dw_csvdoc *d = c->doc;
    struct dw_csv_record *r;

    (void)term;
    c->in_record = false;
    if (c->nomem || c->n == 0)
        goto reset;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        struct dw_csv_record *v = realloc(d->records, cap * sizeof(*v));

        if (v == NULL) {
            c->nomem = true;
            goto reset;
        }
        d->records = v;
        d->cap = cap;
    }
    r = &d->records[d->n++];
    r->line = c->start_line;
    r->n = c->n;
    r->fields = c->fields;
    c->fields = NULL;
    c->n = c->cap = 0;
    return;
reset:
    free_fields(c->fields, c->n);
    c->fields = NULL;
    c->n = c->cap = 0;
}

/* A line libcsv skips: only spaces, tabs and line ends. */
static bool blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
            return false;
    return true;
}

enum dw_status dw_csvdoc_parse(const char *buf, size_t len,
                               struct dw_csvdoc *doc, struct dw_error *err)
{
    struct csv_parser p;
    struct parse_ctx c = {0};
    const char *nul;
    size_t pos = 0, line = 1;
    enum dw_status st = DW_OK;

    memset(doc, 0, sizeof(*doc));
    c.doc = doc;
    nul = memchr(buf, '\0', len);
    if (nul != NULL) {
        for (const char *q = buf; q < nul; q++)
            line += *q == '\n';
        return dw_error_set(err, DW_ERR_PARSE,
                            "%zu: a NUL byte: not a text CSV file", line);
    }
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    /* One physical line at a time, to know where each record starts. */
    while (pos < len) {
        const char *eol = memchr(buf + pos, '\n', len - pos);
        size_t n = eol ? (size_t)(eol - (buf + pos)) + 1 : len - pos;

        if (!c.in_record && !blank(buf + pos, n)) {
            c.start_line = line;
            c.in_record = true;
        }
        if (csv_parse(&p, buf + pos, n, on_field, on_record, &c) != n) {
            st = dw_error_set(err, DW_ERR_PARSE, "%zu: malformed CSV (%s)",
                              line, csv_strerror(csv_error(&p)));
            goto done;
        }
        if (c.nomem)
            break;
        pos += n;
        line++;
    }
    if (!c.nomem && csv_fini(&p, on_field, on_record, &c) != 0) {
        st = dw_error_set(err, DW_ERR_PARSE,
                          "%zu: a quoted field is not closed before the end "
                          "of the file",
                          c.start_line);
        goto done;
    }
    if (c.nomem)
        st = dw_error_set(err, DW_ERR_NOMEM, "out of memory");
done:
    csv_free(&p);
    free_fields(c.fields, c.n);
    if (st != DW_OK)
        dw_csvdoc_release(doc);
    return st;
}

void dw_csvdoc_release(struct dw_csvdoc *doc)
{
    if (doc == NULL)
        return;
    for (size_t i = 0; i < doc->n; i++)
        free_fields(doc->records[i].fields, doc->records[i].n);
    free(doc->records);
    memset(doc, 0, sizeof(*doc));
}

enum dw_status dw_read_file(const char *path, char **out, size_t *len,
                            struct dw_error *err)
{
    struct dw_buf b;
    char chunk[65536];
    size_t got;
    FILE *f;
    enum dw_status st = DW_OK;

    *out = NULL;
    *len = 0;
    f = fopen(path, "rb");
    if (f == NULL)
        return dw_error_set(err, errno == ENOENT ? DW_ERR_NOT_FOUND : DW_ERR_IO,
                            "%s: %s", path, strerror(errno));
    dw_buf_init(&b, DW_CSVDOC_MAX_BYTES);
    while (st == DW_OK && (got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        st = dw_buf_append(&b, chunk, got);
    if (st == DW_OK && ferror(f))
        st = dw_error_set(err, DW_ERR_IO, "%s: read failed", path);
    else if (st == DW_ERR_TOO_LARGE)
        st = dw_error_set(err, st, "%s: larger than %u MiB", path,
                          DW_CSVDOC_MAX_BYTES / (1024u * 1024u));
    else if (st != DW_OK)
        st = dw_error_set(err, st, "out of memory");
    fclose(f);
    if (st == DW_OK) {
        *len = b.len;
        *out = dw_buf_take(&b);
        if (*out == NULL)
            st = dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    }
    dw_buf_release(&b);
    return st;
}

void dw_import_error_add(struct dw_import_errors *e, size_t line,
                         const char *fmt, ...)
{
    va_list ap;

    if (e->n >= DW_IMPORT_ERRORS_MAX) {
        e->dropped++;
        return;
    }
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 16;
        struct dw_import_error *v = realloc(e->v, cap * sizeof(*v));

        if (v == NULL) {
            e->nomem = true;
            e->dropped++;
            return;
        }
        e->v = v;
        e->cap = cap;
    }
    e->v[e->n].line = line;
    va_start(ap, fmt);
    vsnprintf(e->v[e->n].msg, sizeof(e->v[e->n].msg), fmt, ap);
    va_end(ap);
    e->n++;
}

size_t dw_import_errors_count(const struct dw_import_errors *e)
{
    return e->n + e->dropped;
}

void dw_import_errors_sort(struct dw_import_errors *e)
{
    /* Insertion sort: stable, and the list is short and nearly sorted. */
    for (size_t i = 1; i < e->n; i++) {
        struct dw_import_error x = e->v[i];
        size_t j = i;

        while (j > 0 && e->v[j - 1].line > x.line) {
            e->v[j] = e->v[j - 1];
            j--;
        }
        e->v[j] = x;
    }
}

void dw_import_errors_print(const struct dw_import_errors *e, const char *path,
                            FILE *to)
{
    for (size_t i = 0; i < e->n; i++) {
        if (e->v[i].line > 0)
            fprintf(to, "%s:%zu: %s\n", path, e->v[i].line, e->v[i].msg);
        else
            fprintf(to, "%s: %s\n", path, e->v[i].msg);
    }
    if (e->dropped > 0)
        fprintf(to, "%s: %zu more error%s not shown\n", path, e->dropped,
                e->dropped == 1 ? "" : "s");
}

void dw_import_errors_release(struct dw_import_errors *e)
{
    if (e == NULL)
        return;
    free(e->v);
    memset(e, 0, sizeof(*e));
}

bool dw_iso_date_valid(const char *s, char out[11])
{
    unsigned y = 0, m = 0, d = 0;
    int64_t days, yy;
    unsigned mm, dd;

    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7)
            continue;
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    for (int i = 0; i < 4; i++)
        y = y * 10 + (unsigned)(s[i] - '0');
    m = (unsigned)(s[5] - '0') * 10 + (unsigned)(s[6] - '0');
    d = (unsigned)(s[8] - '0') * 10 + (unsigned)(s[9] - '0');
    if (y < 1000 || m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    /* A real date survives the round trip through a day number. */
    days = dw_days_from_civil(y, m, d);
    dw_civil_from_days(days, &yy, &mm, &dd);
    if (yy != (int64_t)y || mm != m || dd != d)
        return false;
    memcpy(out, s, 11);
    return true;
}
