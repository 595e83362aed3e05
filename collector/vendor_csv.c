/* collector/vendor_csv.c — read vendor CSV (libcsv) and NDJSON into records. */
#include "vendor_csv.h"

#include <csv.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "money.h"

#define FEED_MAX ((size_t)64 * 1024) /* bytes handed to libcsv at once */

struct field_def {
    const char *name;
    bool required; /* a CSV header without it refuses the file */
};

static const struct field_def unit_fields[DW_VU_COUNT] = {
    {"unit_id", true},
    {"task_id", false},
    {"worker_id", true},
    {"worker_country", false},
    {"worker_tz", false},
    {"status", false},
    {"accepted_at", false},
    {"submitted_at", false},
    {"decided_at", false},
    {"paid_at", false},
    {"reward", false},
    {"bonus", false},
    {"worker_fee", false},
    {"currency", false},
    {"task_estimate_minutes", false},
};

static const struct field_def activity_fields[DW_VA_COUNT] = {
    {"worker_id", true},     {"started_at", true},
    {"minutes", true},       {"screenshots", false},
    {"webcam_shots", false}, {"keyboard_events", false},
    {"mouse_events", false}, {"activity_level", false},
    {"manual", false},
};

static const struct field_def practice_fields[DW_VP_COUNT] = {
    {"practice", true},
    {"in_use", true},
    {"evidence", false},
};

static const struct field_def *fields_of(enum dw_vendor_file kind, size_t *n)
{
    switch (kind) {
    case DW_VENDOR_ACTIVITY:
        *n = DW_VA_COUNT;
        return activity_fields;
    case DW_VENDOR_PRACTICES:
        *n = DW_VP_COUNT;
        return practice_fields;
    case DW_VENDOR_UNITS:
        break;
    }
    *n = DW_VU_COUNT;
    return unit_fields;
}

const char *dw_vendor_file_base(enum dw_vendor_file kind)
{
    switch (kind) {
    case DW_VENDOR_ACTIVITY:
        return "activity";
    case DW_VENDOR_PRACTICES:
        return "practices";
    case DW_VENDOR_UNITS:
        break;
    }
    return "work_units";
}

size_t dw_vendor_field_count(enum dw_vendor_file kind)
{
    size_t n;
    fields_of(kind, &n);
    return n;
}

const char *dw_vendor_field_name(enum dw_vendor_file kind, size_t id)
{
    size_t n;
    const struct field_def *f = fields_of(kind, &n);
    return id < n ? f[id].name : "";
}

/* The field id of name (ASCII case-insensitive), or -1. */
static int field_id(enum dw_vendor_file kind, const char *name)
{
    size_t n;
    const struct field_def *f = fields_of(kind, &n);
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(f[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* True when s[0..n) is well-formed UTF-8 without NUL bytes. */
static bool utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t k;
        unsigned cp;
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + k >= n)
            return false;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        /* Overlong forms, surrogates and values past U+10FFFF. */
        if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += k + 1;
    }
    return true;
}

/* Adds name to the comma-separated unknown list once; "..." when full. */
static void note_unknown(struct dw_vendor_read_info *info, const char *name)
{
    char *u = info->unknown;
    const char *p = u;
    if (!*name)
        name = "(empty)";
    size_t used = strlen(u), n = strlen(name);
    while (*p) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return;
        if (len == 3 && strncmp(p, "...", 3) == 0)
            return;
        p = c ? c + 1 : p + len;
    }
    if (used + (used ? 1 : 0) + n + 5 > sizeof(info->unknown)) {
        if (used + 4 < sizeof(info->unknown))
            snprintf(u + used, sizeof(info->unknown) - used, "%s...",
                     used ? "," : "");
        return;
    }
    snprintf(u + used, sizeof(info->unknown) - used, "%s%s", used ? "," : "",
             name);
}

static bool blank(const char *p, const char *end)
{
    for (; p < end; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            return false;
    return true;
}

/* ---- CSV ---------------------------------------------------------------- */

struct csv_read {
    enum dw_vendor_file kind;
    const char *file; /* for messages: "work_units.csv" */
    struct dw_buf fields;
    size_t off[DW_VENDOR_MAX_COLUMNS];
    size_t nf;
    bool too_many, bad_text;
    int map[DW_VENDOR_MAX_COLUMNS];
    size_t ncols;
    bool have_header;
    long rec_line; /* 0: between records */
    size_t rec_bytes;
    char reason[128];
    enum dw_status st;
    struct dw_error *err;
    dw_vendor_record_fn cb;
    void *ctx;
    struct dw_vendor_read_info *info;
};

static void clear_record(struct csv_read *r)
{
    dw_buf_reset(&r->fields);
    r->nf = 0;
    r->too_many = r->bad_text = false;
    r->rec_line = 0;
    r->rec_bytes = 0;
}

static void on_field(void *s, size_t len, void *data)
{
    struct csv_read *r = data;
    if (r->st != DW_OK)
        return;
    if (r->nf == DW_VENDOR_MAX_COLUMNS) {
        r->too_many = true;
        return;
    }
    if (!utf8_ok(s, s ? len : 0))
        r->bad_text = true;
    r->off[r->nf++] = r->fields.len;
    if ((len && dw_buf_append(&r->fields, s, len) != DW_OK) ||
        dw_buf_putc(&r->fields, '\0') != DW_OK)
        r->st = dw_error_set(r->err, DW_ERR_TOO_LARGE,
                             "%s line %ld: a record over %zu bytes", r->file,
                             r->rec_line, DW_VENDOR_MAX_RECORD);
}

static const char *field_text(const struct csv_read *r, size_t i)
{
    return r->fields.data ? r->fields.data + r->off[i] : "";
}

static void take_header(struct csv_read *r)
{
    size_t n;
    const struct field_def *defs = fields_of(r->kind, &n);
    bool seen[DW_VENDOR_MAX_FIELDS] = {false};

    if (r->too_many) {
        r->st = dw_error_set(r->err, DW_ERR_TOO_LARGE,
                             "%s: the header has more than %d columns", r->file,
                             DW_VENDOR_MAX_COLUMNS);
        return;
    }
    if (r->bad_text) {
        r->st = dw_error_set(r->err, DW_ERR_INVALID,
                             "%s: the header is not valid UTF-8", r->file);
        return;
    }
    for (size_t i = 0; i < r->nf; i++) {
        const char *name = field_text(r, i);
        int id = field_id(r->kind, name);
        r->map[i] = id;
        if (id < 0) {
            note_unknown(r->info, name);
        } else if (seen[id]) {
            r->st = dw_error_set(r->err, DW_ERR_INVALID,
                                 "%s: the header has the column %s twice",
                                 r->file, defs[id].name);
            return;
        } else {
            seen[id] = true;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (defs[i].required && !seen[i]) {
            r->st = dw_error_set(r->err, DW_ERR_INVALID,
                                 "%s: the header has no %s column (required)",
                                 r->file, defs[i].name);
            return;
        }
    r->ncols = r->nf;
    r->have_header = true;
}

static void emit(struct csv_read *r, struct dw_vendor_record *rec)
{
    rec->line = r->rec_line;
    r->info->records++;
    r->st = r->cb(r->ctx, rec, r->err);
}

static void emit_malformed(struct csv_read *r, const char *reason)
{
    struct dw_vendor_record rec = {0};
    snprintf(r->reason, sizeof(r->reason), "%s", reason);
    rec.malformed = r->reason;
    emit(r, &rec);
}

static void on_record(int c, void *data)
{
    struct csv_read *r = data;
    (void)c;
    if (r->st != DW_OK)
        return;
    if (!r->have_header) {
        take_header(r);
    } else if (r->too_many) {
        emit_malformed(r, "more columns than the header");
    } else if (r->bad_text) {
        emit_malformed(r, "not valid UTF-8 (or holds a NUL byte)");
    } else if (r->nf != r->ncols) {
        char why[128];
        snprintf(why, sizeof(why), "has %zu fields, the header has %zu", r->nf,
                 r->ncols);
        emit_malformed(r, why);
    } else {
        struct dw_vendor_record rec = {0};
        for (size_t i = 0; i < r->nf; i++)
            if (r->map[i] >= 0)
                rec.v[r->map[i]] = field_text(r, i);
        emit(r, &rec);
    }
    clear_record(r);
}

/* A quoting error: the record is reported and reading resumes after it. */
static void broken_quote(struct csv_read *r, struct csv_parser *p)
{
    if (!r->have_header)
        r->st = dw_error_set(r->err, DW_ERR_INVALID,
                             "%s: the header row has broken quoting", r->file);
    else
        emit_malformed(r, "broken CSV quoting");
    clear_record(r);
    csv_free(p);
    csv_init(p, CSV_STRICT | CSV_STRICT_FINI);
}

static enum dw_status read_csv(struct csv_read *r, const char *body, size_t len)
{
    struct csv_parser p;
    const char *end = body + len;
    long line = 1;

    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return dw_error_set(r->err, DW_ERR_NOMEM, "out of memory");
    for (const char *s = body; s < end && r->st == DW_OK; line++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *stop = nl ? nl + 1 : end;
        if (r->rec_line == 0 && !blank(s, stop))
            r->rec_line = line;
        for (const char *q = s; q < stop && r->st == DW_OK;) {
            size_t n =
                (size_t)(stop - q) < FEED_MAX ? (size_t)(stop - q) : FEED_MAX;
            if (r->rec_line && r->rec_bytes + n > DW_VENDOR_MAX_RECORD) {
                r->st =
                    dw_error_set(r->err, DW_ERR_TOO_LARGE,
                                 "%s line %ld: a record over %zu bytes "
                                 "(an unclosed quote?)",
                                 r->file, r->rec_line, DW_VENDOR_MAX_RECORD);
                break;
            }
            r->rec_bytes += n;
            if (csv_parse(&p, q, n, on_field, on_record, r) < n &&
                csv_error(&p) == CSV_EPARSE) {
                broken_quote(r, &p);
                break; /* the rest of this line belongs to the bad record */
            }
            q += n;
        }
        s = stop;
    }
    if (r->st == DW_OK && csv_fini(&p, on_field, on_record, r) != 0 &&
        r->st == DW_OK) {
        if (!r->have_header)
            r->st =
                dw_error_set(r->err, DW_ERR_INVALID,
                             "%s: the header row has broken quoting", r->file);
        else
            emit_malformed(r, "unterminated quoted field");
    }
    csv_free(&p);
    if (r->st == DW_OK && !r->have_header)
        r->st = dw_error_set(r->err, DW_ERR_INVALID,
                             "%s is empty: it needs a header row", r->file);
    return r->st;
}

/* ---- NDJSON ------------------------------------------------------------- */

/* A JSON real as decimal text through the exact money path ("7.5"). */
static bool real_text(double v, char *out)
{
    int64_t m;
    if (dw_money_from_json_real(v, false, NULL, &m, NULL) != DW_OK)
        return false;
    dw_money_format_trim(m, out);
    return true;
}

static enum dw_status ndjson_line(enum dw_vendor_file kind, const char *s,
                                  size_t n, long line, dw_vendor_record_fn cb,
                                  void *ctx, struct dw_vendor_read_info *info,
                                  struct dw_error *err)
{
    char num[DW_VENDOR_MAX_FIELDS][48];
    char why[160];
    struct dw_vendor_record rec = {0};
    json_error_t jerr;
    json_t *o = json_loadb(s, n, JSON_REJECT_DUPLICATES, &jerr);
    const char *key;
    json_t *v;

    rec.line = line;
    if (!o) {
        /* jerr.text may quote the line (raw ids): only the column. */
        snprintf(why, sizeof(why), "not JSON (column %d)", jerr.column);
        rec.malformed = why;
    } else if (!json_is_object(o)) {
        rec.malformed = "not a JSON object";
    } else {
        json_object_foreach(o, key, v)
        {
            int id = field_id(kind, key);
            if (id < 0) {
                note_unknown(info, key);
                continue;
            }
            if (json_is_string(v)) {
                rec.v[id] = json_string_value(v);
            } else if (json_is_null(v)) {
                rec.v[id] = "";
            } else if (json_is_boolean(v)) {
                rec.v[id] = json_is_true(v) ? "true" : "false";
            } else if (json_is_integer(v)) {
                snprintf(num[id], sizeof(num[id]), "%" JSON_INTEGER_FORMAT,
                         json_integer_value(v));
                rec.v[id] = num[id];
            } else if (json_is_real(v) &&
                       real_text(json_real_value(v), num[id])) {
                rec.v[id] = num[id];
            } else {
                snprintf(why, sizeof(why),
                         "%s is not a string, number, boolean or null",
                         dw_vendor_field_name(kind, (size_t)id));
                memset(rec.v, 0, sizeof(rec.v));
                rec.malformed = why;
                break;
            }
        }
    }
    info->records++;
    enum dw_status st = cb(ctx, &rec, err);
    json_decref(o);
    return st;
}

static enum dw_status read_ndjson(enum dw_vendor_file kind, const char *file,
                                  const char *body, size_t len,
                                  dw_vendor_record_fn cb, void *ctx,
                                  struct dw_vendor_read_info *info,
                                  struct dw_error *err)
{
    const char *end = body + len;
    long line = 1;
    enum dw_status st = DW_OK;
    for (const char *s = body; s < end && st == DW_OK; line++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *stop = nl ? nl : end;
        if ((size_t)(stop - s) > DW_VENDOR_MAX_RECORD)
            return dw_error_set(err, DW_ERR_TOO_LARGE,
                                "%s line %ld: a record over %zu bytes", file,
                                line, DW_VENDOR_MAX_RECORD);
        if (!blank(s, stop))
            st = ndjson_line(kind, s, (size_t)(stop - s), line, cb, ctx, info,
                             err);
        s = nl ? nl + 1 : end;
    }
    return st;
}

enum dw_status dw_vendor_read(enum dw_vendor_file kind,
                              enum dw_vendor_format fmt, const char *body,
                              size_t len, dw_vendor_record_fn cb, void *ctx,
                              struct dw_vendor_read_info *info,
                              struct dw_error *err)
{
    char file[32];
    snprintf(file, sizeof(file), "%s.%s", dw_vendor_file_base(kind),
             fmt == DW_VENDOR_NDJSON ? "ndjson" : "csv");
    memset(info, 0, sizeof(*info));
    if (len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0) {
        body += 3;
        len -= 3;
    }
    if (fmt == DW_VENDOR_NDJSON)
        return read_ndjson(kind, file, body, len, cb, ctx, info, err);

    struct csv_read r;
    memset(&r, 0, sizeof(r));
    r.kind = kind;
    r.file = file;
    r.err = err;
    r.cb = cb;
    r.ctx = ctx;
    r.info = info;
    dw_buf_init(&r.fields, DW_VENDOR_MAX_RECORD + DW_VENDOR_MAX_COLUMNS);
    enum dw_status st = read_csv(&r, body, len);
    dw_buf_release(&r.fields);
    return st;
}
