/* common/tz.c — IANA time zones from TZif files: UTC instant -> local offset.
 */
#include "tz.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwtime.h"

/* A zoneinfo file is a few kB; anything this large is not one. */
#define TZIF_MAX (1024 * 1024)
#define NAME_MAX_LEN 64

/* One date rule of a POSIX TZ string: Jn, n or Mm.w.d, at secs local. */
struct rule {
    char kind; /* 'J', 'N' (zero-based day) or 'M' */
    int day;   /* Jn: 1..365; n: 0..365; M: d 0..6 (Sunday = 0) */
    int week;  /* M: 1..5 (5 = last) */
    int month; /* M: 1..12 */
    int32_t secs;
};

/* The POSIX TZ footer: std offset, and optionally dst with two rules. */
struct posix {
    int32_t std_off; /* seconds east */
    bool has_dst;
    int32_t dst_off;
    struct rule start, end;
};

struct dw_zone {
    char name[NAME_MAX_LEN + 1];
    int64_t *trans;     /* transition instants, ascending */
    int32_t *trans_off; /* offset in force from trans[i] */
    size_t n_trans;
    int32_t first_off; /* before the first transition */
    bool has_footer;
    struct posix tz;
    /* cache of the footer's DST transitions for one year */
    int64_t cache_year;
    int64_t cache_start;
    int64_t cache_end;
};

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           (uint32_t)p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* --- POSIX TZ strings ---------------------------------------------------- */

/* A zone abbreviation: <...> or 3+ letters. */
static const char *skip_name(const char *s)
{
    const char *p = s;
    if (*p == '<') {
        while (*p != '\0' && *p != '>')
            p++;
        return *p == '>' && p - s > 1 ? p + 1 : NULL;
    }
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
        p++;
    return p - s >= 3 ? p : NULL;
}

static const char *parse_num(const char *s, int lo, int hi, int *out)
{
    int v = 0, n = 0;
    while (*s >= '0' && *s <= '9' && n < 3) {
        v = v * 10 + (*s++ - '0');
        n++;
    }
    if (n == 0 || v < lo || v > hi)
        return NULL;
    *out = v;
    return s;
}

/* [+-]hh[:mm[:ss]], hours up to 167 (RFC 8536 allows it for rule times). */
static const char *parse_hms(const char *s, int32_t *secs)
{
    int sign = 1, h, m = 0, sec = 0;
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    if ((s = parse_num(s, 0, 167, &h)) == NULL)
        return NULL;
    if (*s == ':' && (s = parse_num(s + 1, 0, 59, &m)) != NULL && *s == ':')
        s = parse_num(s + 1, 0, 59, &sec);
    if (s == NULL)
        return NULL;
    *secs = sign * (h * 3600 + m * 60 + sec);
    return s;
}

static const char *parse_rule(const char *s, struct rule *r)
{
    r->secs = 7200; /* 02:00 by default */
    if (*s == 'M') {
        if ((s = parse_num(s + 1, 1, 12, &r->month)) == NULL || *s != '.' ||
            (s = parse_num(s + 1, 1, 5, &r->week)) == NULL || *s != '.' ||
            (s = parse_num(s + 1, 0, 6, &r->day)) == NULL)
            return NULL;
        r->kind = 'M';
    } else if (*s == 'J') {
        if ((s = parse_num(s + 1, 1, 365, &r->day)) == NULL)
            return NULL;
        r->kind = 'J';
    } else {
        if ((s = parse_num(s, 0, 365, &r->day)) == NULL)
            return NULL;
        r->kind = 'N';
    }
    if (*s == '/')
        s = parse_hms(s + 1, &r->secs);
    return s;
}

static bool parse_posix(const char *s, struct posix *tz)
{
    int32_t off;

    memset(tz, 0, sizeof *tz);
    if ((s = skip_name(s)) == NULL || (s = parse_hms(s, &off)) == NULL)
        return false;
    tz->std_off = -off; /* POSIX offsets are west of Greenwich */
    if (*s == '\0')
        return true;
    if ((s = skip_name(s)) == NULL)
        return false;
    tz->has_dst = true;
    tz->dst_off = tz->std_off + 3600;
    if (*s != ',' && *s != '\0') {
        if ((s = parse_hms(s, &off)) == NULL)
            return false;
        tz->dst_off = -off;
    }
    /* A DST name without rules: POSIX leaves it to the implementation;
     * tzcode uses the US rules, which zoneinfo footers never rely on. */
    if (*s != ',' || (s = parse_rule(s + 1, &tz->start)) == NULL || *s != ',' ||
        (s = parse_rule(s + 1, &tz->end)) == NULL)
        return false;
    return *s == '\0';
}

static bool leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Local midnight (days since the epoch) of the rule's day in year y, plus
 * its time of day: seconds of local wall-clock time. */
static int64_t rule_local(const struct rule *r, int64_t y)
{
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};
    int64_t day;

    if (r->kind == 'J') {
        /* Jn: 1..365, February 29 never counted. */
        day = dw_days_from_civil(y, 1, 1) + r->day - 1;
        if (leap(y) && r->day >= 60)
            day++;
    } else if (r->kind == 'N') {
        day = dw_days_from_civil(y, 1, 1) + r->day;
    } else {
        int64_t first = dw_days_from_civil(y, (unsigned)r->month, 1);
        int wd = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01: Thursday */
        int len = (int)mdays[r->month - 1] + (r->month == 2 && leap(y));
        int dom = 1 + (r->day - wd + 7) % 7 + (r->week - 1) * 7;
        while (dom > len)
            dom -= 7;
        day = first + dom - 1;
    }
    return day * 86400 + r->secs;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if (a % b != 0 && (a < 0) != (b < 0))
        q--;
    return q;
}

static int32_t posix_offset(struct dw_zone *z, int64_t t)
{
    const struct posix *tz = &z->tz;
    int64_t y;
    unsigned m, d;

    if (!tz->has_dst)
        return tz->std_off;
    dw_civil_from_days(floor_div(t + tz->std_off, 86400), &y, &m, &d);
    if (y != z->cache_year) {
        /* DST starts at a local standard time, ends at a local DST time. */
        z->cache_start = rule_local(&tz->start, y) - tz->std_off;
        z->cache_end = rule_local(&tz->end, y) - tz->dst_off;
        z->cache_year = y;
    }
    if (z->cache_start < z->cache_end) /* northern hemisphere */
        return t >= z->cache_start && t < z->cache_end ? tz->dst_off
                                                       : tz->std_off;
    /* southern: DST over the new year */
    return t >= z->cache_end && t < z->cache_start ? tz->std_off : tz->dst_off;
}

/* --- TZif ---------------------------------------------------------------- */

struct header {
    uint32_t isut, isstd, leap, time, type, chars;
};

static bool read_header(const unsigned char *p, size_t len, struct header *h)
{
    if (len < 44 || memcmp(p, "TZif", 4) != 0)
        return false;
    h->isut = be32(p + 20);
    h->isstd = be32(p + 24);
    h->leap = be32(p + 28);
    h->time = be32(p + 32);
    h->type = be32(p + 36);
    h->chars = be32(p + 40);
    return true;
}

/* Size of a data block with time_size-byte times. */
static uint64_t block_size(const struct header *h, unsigned time_size)
{
    return (uint64_t)h->time * time_size + h->time + (uint64_t)h->type * 6 +
           h->chars + (uint64_t)h->leap * (time_size + 4) + h->isstd + h->isut;
}

static enum dw_status bad(struct dw_error *err, const char *name,
                          const char *why)
{
    return dw_error_set(err, DW_ERR_PARSE, "time zone '%s': %s", name, why);
}

enum dw_status dw_zone_parse(const unsigned char *buf, size_t len,
                             const char *name, struct dw_zone **out,
                             struct dw_error *err)
{
    struct header h1, h2;
    const unsigned char *p, *types;
    uint64_t v1;
    struct dw_zone *z;
    char footer[128];
    const unsigned char *f, *nl;

    *out = NULL;
    if (name == NULL)
        name = "";
    if (!read_header(buf, len, &h1))
        return bad(err, name, "not a TZif file");
    if (buf[4] < '2')
        return bad(err, name, "TZif version 1 has no 64-bit data");
    v1 = 44 + block_size(&h1, 4);
    if (v1 > len || !read_header(buf + v1, len - v1, &h2))
        return bad(err, name, "truncated before the 64-bit header");
    p = buf + v1 + 44;
    if (h2.type == 0 || h2.type > 256 || h2.chars == 0 ||
        (h2.isstd != 0 && h2.isstd != h2.type) ||
        (h2.isut != 0 && h2.isut != h2.type) ||
        block_size(&h2, 8) > len - v1 - 44)
        return bad(err, name, "inconsistent or truncated 64-bit data");
    types = p + (size_t)h2.time * 9;

    z = calloc(1, sizeof *z);
    if (z == NULL)
        return dw_error_set(err, DW_ERR_NOMEM, "time zone: out of memory");
    snprintf(z->name, sizeof z->name, "%s", name);
    z->cache_year = INT64_MIN;
    z->n_trans = h2.time;
    z->trans = malloc((z->n_trans ? z->n_trans : 1) * sizeof *z->trans);
    z->trans_off = malloc((z->n_trans ? z->n_trans : 1) * sizeof *z->trans_off);
    if (z->trans == NULL || z->trans_off == NULL) {
        dw_zone_free(z);
        return dw_error_set(err, DW_ERR_NOMEM, "time zone: out of memory");
    }
    for (size_t i = 0; i < z->n_trans; i++) {
        unsigned idx = p[h2.time * 8 + i];
        z->trans[i] = be64(p + i * 8);
        if (idx >= h2.type || (i > 0 && z->trans[i] <= z->trans[i - 1])) {
            dw_zone_free(z);
            return bad(err, name, "transition out of order or bad type");
        }
        z->trans_off[i] = (int32_t)be32(types + idx * 6);
    }
    z->first_off = (int32_t)be32(types);

    /* The footer: "\n<TZ string>\n" right after the 64-bit data. */
    f = p + block_size(&h2, 8);
    if (f < buf + len && *f == '\n' &&
        (nl = memchr(f + 1, '\n', (size_t)(buf + len - f - 1))) != NULL &&
        nl > f + 1) {
        size_t n = (size_t)(nl - f - 1);
        if (n >= sizeof footer || (memcpy(footer, f + 1, n), footer[n] = '\0',
                                   !parse_posix(footer, &z->tz))) {
            dw_zone_free(z);
            return bad(err, name, "footer is not a POSIX TZ rule");
        }
        z->has_footer = true;
    }
    *out = z;
    return DW_OK;
}

void dw_zone_free(struct dw_zone *z)
{
    if (z == NULL)
        return;
    free(z->trans);
    free(z->trans_off);
    free(z);
}

const char *dw_zone_name(const struct dw_zone *z)
{
    return z->name;
}

int32_t dw_zone_offset(struct dw_zone *z, int64_t utc_s)
{
    size_t lo = 0, hi = z->n_trans;

    if (z->n_trans == 0 || utc_s >= z->trans[z->n_trans - 1]) {
        if (z->has_footer)
            return posix_offset(z, utc_s);
        return z->n_trans ? z->trans_off[z->n_trans - 1] : z->first_off;
    }
    if (utc_s < z->trans[0])
        return z->first_off;
    /* The last transition <= utc_s. */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->trans[mid] <= utc_s)
            lo = mid;
        else
            hi = mid;
    }
    return z->trans_off[lo];
}

/* --- the cache ----------------------------------------------------------- */

struct entry {
    char name[NAME_MAX_LEN + 1];
    struct dw_zone *zone; /* NULL: loading failed */
    enum dw_status st;
    char why[DW_ERROR_MSG_MAX];
};

struct dw_tzdb {
    char *dir;
    struct entry *v;
    size_t n;
    size_t cap;
    size_t last; /* index of the last hit: workers come one zone at a time */
};

struct dw_tzdb *dw_tzdb_new(const char *dir)
{
    struct dw_tzdb *db = calloc(1, sizeof *db);
    const char *d = dir;

    if (db == NULL)
        return NULL;
    if (d == NULL || *d == '\0')
        d = getenv("TZDIR");
    if (d == NULL || *d == '\0')
        d = DW_TZDIR_DEFAULT;
    db->dir = malloc(strlen(d) + 1);
    if (db->dir == NULL) {
        free(db);
        return NULL;
    }
    memcpy(db->dir, d, strlen(d) + 1);
    return db;
}

void dw_tzdb_free(struct dw_tzdb *db)
{
    if (db == NULL)
        return;
    for (size_t i = 0; i < db->n; i++)
        dw_zone_free(db->v[i].zone);
    free(db->v);
    free(db->dir);
    free(db);
}

static bool name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > NAME_MAX_LEN || s[0] == '/' || s[0] == '.' ||
        strstr(s, "..") != NULL || strstr(s, "//") != NULL)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '-' ||
              c == '+'))
            return false;
    }
    return true;
}

static enum dw_status load(const char *dir, const char *name,
                           struct dw_zone **out, struct dw_error *err)
{
    char path[1024];
    unsigned char *buf;
    size_t len;
    FILE *f;
    enum dw_status st;

    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return dw_error_set(err, DW_ERR_INVALID,
                            "time zone '%s': path too "
                            "long",
                            name);
    f = fopen(path, "rb");
    if (f == NULL)
        return dw_error_set(err, DW_ERR_NOT_FOUND,
                            "time zone '%s' is not in the zoneinfo directory "
                            "%s",
                            name, dir);
    buf = malloc(TZIF_MAX);
    if (buf == NULL) {
        fclose(f);
        return dw_error_set(err, DW_ERR_NOMEM, "time zone: out of memory");
    }
    len = fread(buf, 1, TZIF_MAX, f);
    if (ferror(f))
        st = dw_error_set(err, DW_ERR_IO, "time zone '%s': read failed", name);
    else if (len == TZIF_MAX)
        st = bad(err, name, "file too large");
    else
        st = dw_zone_parse(buf, len, name, out, err);
    fclose(f);
    free(buf);
    return st;
}

enum dw_status dw_tzdb_get(struct dw_tzdb *db, const char *name,
                           struct dw_zone **out, struct dw_error *err)
{
    struct entry *e = NULL;

    *out = NULL;
    if (name == NULL || !name_ok(name))
        return dw_error_set(err, DW_ERR_INVALID,
                            "'%s' is not a time zone name (like "
                            "Europe/Berlin)",
                            name ? name : "");
    if (db->last < db->n && strcmp(db->v[db->last].name, name) == 0) {
        e = &db->v[db->last];
    } else {
        for (size_t i = 0; i < db->n && e == NULL; i++)
            if (strcmp(db->v[i].name, name) == 0) {
                e = &db->v[i];
                db->last = i;
            }
    }
    if (e == NULL) {
        struct dw_error lerr = {0};
        if (db->n == db->cap) {
            size_t cap = db->cap ? db->cap * 2 : 16;
            struct entry *v = realloc(db->v, cap * sizeof *v);
            if (v == NULL)
                return dw_error_set(err, DW_ERR_NOMEM,
                                    "time zones: out of memory");
            db->v = v;
            db->cap = cap;
        }
        e = &db->v[db->n];
        memset(e, 0, sizeof *e);
        snprintf(e->name, sizeof e->name, "%s", name);
        e->st = load(db->dir, name, &e->zone, &lerr);
        if (e->st == DW_ERR_NOMEM)
            return dw_error_set(err, DW_ERR_NOMEM, "%s", lerr.msg);
        snprintf(e->why, sizeof e->why, "%s", lerr.msg);
        db->last = db->n++;
    }
    if (e->st != DW_OK)
        return dw_error_set(err, e->st, "%s", e->why);
    *out = e->zone;
    return DW_OK;
}
