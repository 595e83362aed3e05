/* analyzer/monitoring_run.c — monitoring intensity inside `dw-analyze run`:
 * stream segments and work, write worker-week, vendor and flag rows. */
#include "monitoring_run.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "dwtime.h"
#include "metrics.h"
#include "money.h"
#include "monitoring.h"
#include "run.h"
#include "shard.h"
#include "worktime.h"

/*
 * Segments in the window, the same workers' work intervals (units with
 * accepted and submitted times, or still in progress) from a day before
 * to a day after it, and the run's worker-weeks (paid time), in one
 * stream sorted by worker and vendor. Scope through set_config (COPY
 * takes no parameters).
 */
/* clang-format off */
static const char stream_sql[] =
    "COPY ("
    "WITH p AS (SELECT"
    " current_setting('dw_mon.from')::timestamptz AS t_from,"
    " current_setting('dw_mon.to')::timestamptz AS t_to,"
    " NULLIF(current_setting('dw_mon.vendor'), '')::bigint AS vendor_id,"
    " current_setting('dw_mon.run')::bigint AS run_id,"
    " current_setting('dw_mon.shard_n')::int AS shard_n,"
    " current_setting('dw_mon.shard_k')::int AS shard_k), "
    "seg AS (SELECT a.worker_key, s.vendor_id, a.started_at, a.duration_s,"
    " a.screenshots, a.webcam_shots,"
    /* 'a' active (input or an activity level), 't' metered but idle,
     * 'f' not metered. */
    " CASE WHEN coalesce(a.keyboard_events, 0) + coalesce(a.mouse_events, 0)"
    "   > 0 OR coalesce(a.activity_level, 0) > 0 THEN 'a'"
    "  WHEN a.keyboard_events IS NOT NULL OR a.mouse_events IS NOT NULL"
    "  THEN 't' ELSE 'f' END AS m"
    " FROM dw.activity_segment a JOIN dw.source s"
    "  ON s.source_id = a.source_id, p"
    " WHERE a.started_at >= p.t_from AND a.started_at < p.t_to"
    " AND (p.vendor_id IS NULL OR s.vendor_id = p.vendor_id)"
    " AND (p.shard_n = 0"
    "   OR " DW_SHARD_OF_SQL("a.worker_key", "p.shard_n") " = p.shard_k)) "
    "SELECT 's', worker_key, vendor_id,"
    " (extract(epoch FROM started_at) * 1000000)::bigint, duration_s,"
    " screenshots, webcam_shots, m FROM seg "
    "UNION ALL "
    "SELECT 'i', u.worker_key, s.vendor_id,"
    " (extract(epoch FROM u.accepted_at) * 1000000)::bigint,"
    " (extract(epoch FROM u.submitted_at) * 1000000)::bigint,"
    " NULL, NULL, NULL"
    " FROM dw.work_unit u JOIN dw.source s ON s.source_id = u.source_id, p"
    " WHERE u.accepted_at IS NOT NULL"
    " AND (u.submitted_at IS NOT NULL OR u.status = 'in_progress')"
    " AND u.accepted_at < p.t_to + interval '1 day'"
    " AND (u.submitted_at IS NULL"
    "      OR u.submitted_at >= p.t_from - interval '1 day')"
    " AND (p.vendor_id IS NULL OR s.vendor_id = p.vendor_id)"
    " AND (u.worker_key, s.vendor_id) IN"
    "     (SELECT worker_key, vendor_id FROM seg) "
    "UNION ALL "
    "SELECT 'w', ww.worker_key, ww.vendor_id,"
    " (ww.week_start - date '1970-01-01')::bigint, ww.paid_s,"
    " NULL, NULL, NULL"
    " FROM dw.worker_week ww, p WHERE ww.analysis_run_id = p.run_id"
    " AND (p.shard_n = 0"
    "   OR " DW_SHARD_OF_SQL("ww.worker_key", "p.shard_n") " = p.shard_k) "
    "ORDER BY 2, 3, 1, 4"
    ") TO STDOUT";
/* clang-format on */

enum { F_KIND, F_WORKER, F_VENDOR, F_T, F_A, F_SHOTS, F_WEBCAM, F_M, F_N };

/* Monitoring tallies of one vendor. */
struct vendor_acc {
    int64_t vendor_id;
    int64_t workers;
    int64_t worker_weeks;
    int64_t monitored_weeks;
    int64_t workers_band[DW_MON_BANDS];
    int band; /* worst worker-week band; -1 with no worker-weeks */
    int64_t tracked_us;
    int64_t metered_us;
    int64_t paid_us;
    int64_t screenshots;
    int64_t webcam_shots;
    int64_t offshift_segments;
    int64_t weeks_offshift;
    int64_t practices_critical;
};

/* A spooled worker-week (fixed size). */
struct week_row {
    int64_t vendor_id;
    char worker_key[DW_WORKER_KEY_LEN + 1];
    struct dw_monitoring_week w;
};

struct mon {
    const struct dw_monitoring_limits *lim;
    int64_t open_end_us; /* end of a unit still in progress */
    struct vendor_acc *vendors;
    size_t n_vendors;
    FILE *weeks; /* struct week_row */
    FILE *flags; /* struct dw_flag */
    int64_t n_weeks;
    int64_t n_flags;
    /* the current worker and vendor */
    bool have;
    char worker_key[DW_WORKER_KEY_LEN + 1];
    int64_t vendor_id;
    struct dw_interval *iv;
    size_t n_iv, cap_iv;
    struct dw_segment *seg;
    size_t n_seg, cap_seg;
    struct dw_paid_week *paid;
    size_t n_paid, cap_paid;
    struct dw_monitoring_weeks out;
    uint64_t lines;
    enum dw_status st;
    struct dw_error err;
};

static void *grow(void *p, size_t *cap, size_t size)
{
    size_t ncap = *cap ? *cap * 2 : 64;
    void *np = realloc(p, ncap * size);
    if (np != NULL)
        *cap = ncap;
    return np;
}

static struct vendor_acc *vendor_find(struct mon *m, int64_t vendor_id)
{
    size_t lo = 0, hi = m->n_vendors;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->vendors[mid].vendor_id == vendor_id)
            return &m->vendors[mid];
        if (m->vendors[mid].vendor_id < vendor_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static enum dw_status spool_flag(struct mon *m, const struct dw_flag *f)
{
    if (fwrite(f, sizeof *f, 1, m->flags) != 1)
        return dw_error_set(&m->err, DW_ERR_IO, "spooling flags failed");
    m->n_flags++;
    return DW_OK;
}

static void week_flag_base(const struct mon *m,
                           const struct dw_monitoring_week *w, const char *rule,
                           enum dw_severity sev, struct dw_flag *f)
{
    memset(f, 0, sizeof *f);
    f->vendor_id = m->vendor_id;
    snprintf(f->rule, sizeof f->rule, "%s", rule);
    f->severity = sev;
    f->subject = DW_SUBJ_WORKER_WEEK;
    memcpy(f->worker_key, m->worker_key, sizeof f->worker_key);
    f->period_start = w->monday;
    f->period_end = w->monday + 6;
}

/* CRITICAL offshift_collection_detected; red/amber for bands 4/3. */
static enum dw_status week_flags(struct mon *m,
                                 const struct dw_monitoring_week *w)
{
    struct dw_flag f;
    char at[DW_TIME_ISO_MAX];
    enum dw_status st = DW_OK;

    if (w->offshift_segments > 0) {
        week_flag_base(m, w, "offshift_collection_detected", DW_SEV_CRITICAL,
                       &f);
        f.value = w->offshift_segments * 1000000;
        f.threshold = 0;
        snprintf(f.unit, sizeof f.unit, "segments");
        snprintf(f.evidence, sizeof f.evidence,
                 "{\"offshift_segments\":%lld,\"segments\":%lld,"
                 "\"first_offshift_at\":\"%s\",\"tolerance\":\"one cell "
                 "each side of the merged work intervals\","
                 "\"basis\":\"Directive (EU) 2024/2831 Art. 7(1)(c)\"}",
                 (long long)w->offshift_segments, (long long)w->segments,
                 dw_time_format_iso(w->first_offshift_at, at));
        st = spool_flag(m, &f);
    }
    if (st == DW_OK && w->band >= 3) {
        int sph_band = dw_monitoring_band(m->lim, w->screenshots, 0,
                                          w->tracked_us, w->metered_us);
        week_flag_base(
            m, w, w->band >= 4 ? "monitoring_very_high" : "monitoring_high",
            w->band >= 4 ? DW_SEV_RED : DW_SEV_AMBER, &f);
        if (sph_band < w->band) { /* raised by webcam shots */
            f.value = dw_per_hour_micros(w->webcam_shots, w->tracked_us);
            f.threshold = 0;
            snprintf(f.unit, sizeof f.unit, "webcam shots/h");
        } else {
            f.value = dw_per_hour_micros(w->screenshots, w->tracked_us);
            f.threshold = m->lim->sph_max[w->band - 1];
            snprintf(f.unit, sizeof f.unit, "screenshots/h");
        }
        snprintf(f.evidence, sizeof f.evidence,
                 "{\"band\":%d,\"screenshots\":%lld,\"webcam_shots\":%lld,"
                 "\"tracked_s\":%lld,\"metered_s\":%lld}",
                 w->band, (long long)w->screenshots, (long long)w->webcam_shots,
                 (long long)(w->tracked_us / DW_USEC),
                 (long long)(w->metered_us / DW_USEC));
        st = spool_flag(m, &f);
    }
    return st;
}

/* Computes the current worker at the current vendor. */
static enum dw_status flush(struct mon *m)
{
    enum dw_status st;

    if (!m->have)
        return DW_OK;
    m->have = false;
    st = dw_monitoring_worker(m->lim, m->iv, m->n_iv, m->seg, m->n_seg, m->paid,
                              m->n_paid, &m->out, &m->err);
    if (st != DW_OK)
        return dw_error_prefix(&m->err, "worker %.12s", m->worker_key);
    for (size_t i = 0; i < m->out.n; i++) {
        const struct dw_monitoring_week *w = &m->out.v[i];
        struct week_row r;

        memset(&r, 0, sizeof r);
        r.vendor_id = m->vendor_id;
        memcpy(r.worker_key, m->worker_key, sizeof r.worker_key);
        r.w = *w;
        if (fwrite(&r, sizeof r, 1, m->weeks) != 1)
            return dw_error_set(&m->err, DW_ERR_IO,
                                "spooling monitoring weeks failed");
        m->n_weeks++;
        st = week_flags(m, w);
        if (st != DW_OK)
            return st;
    }
    m->n_iv = m->n_seg = m->n_paid = 0;
    return DW_OK;
}

static enum dw_status bad(struct mon *m, const char *what)
{
    return m->st = dw_error_set(&m->err, DW_ERR_PARSE,
                                "monitoring stream line %llu: bad %s",
                                (unsigned long long)m->lines, what);
}

static enum dw_status add_row(struct mon *m, char **f)
{
    int64_t t, a, shots, webcam;

    if (dw_copy_field_i64(f[F_T], DW_TIME_NONE, &t) || t == DW_TIME_NONE ||
        dw_copy_field_i64(f[F_A], DW_TIME_NONE, &a))
        return bad(m, "time");
    if (strcmp(f[F_KIND], "s") == 0) {
        struct dw_segment *s;
        if (a == DW_TIME_NONE || dw_copy_field_i64(f[F_SHOTS], 0, &shots) ||
            dw_copy_field_i64(f[F_WEBCAM], 0, &webcam) || f[F_M] == NULL)
            return bad(m, "segment");
        if (m->n_seg == m->cap_seg) {
            void *p = grow(m->seg, &m->cap_seg, sizeof *m->seg);
            if (p == NULL)
                goto nomem;
            m->seg = p;
        }
        s = &m->seg[m->n_seg++];
        s->start = t;
        s->duration_us = a * DW_USEC;
        s->screenshots = shots;
        s->webcam_shots = webcam;
        s->metered = strcmp(f[F_M], "a") == 0 || strcmp(f[F_M], "t") == 0;
        s->active = strcmp(f[F_M], "a") == 0;
    } else if (strcmp(f[F_KIND], "i") == 0) {
        if (m->n_iv == m->cap_iv) {
            void *p = grow(m->iv, &m->cap_iv, sizeof *m->iv);
            if (p == NULL)
                goto nomem;
            m->iv = p;
        }
        m->iv[m->n_iv].start = t;
        m->iv[m->n_iv].end = a == DW_TIME_NONE ? m->open_end_us : a;
        m->n_iv++;
    } else if (strcmp(f[F_KIND], "w") == 0) {
        if (a == DW_TIME_NONE)
            return bad(m, "worker-week");
        if (m->n_paid == m->cap_paid) {
            void *p = grow(m->paid, &m->cap_paid, sizeof *m->paid);
            if (p == NULL)
                goto nomem;
            m->paid = p;
        }
        m->paid[m->n_paid].monday = t;
        m->paid[m->n_paid].paid_us = a * DW_USEC;
        m->n_paid++;
    } else {
        return bad(m, "row kind");
    }
    return DW_OK;
nomem:
    return m->st = dw_error_set(&m->err, DW_ERR_NOMEM,
                                "monitoring stream: out of memory");
}

static enum dw_status on_line(void *ctx, char *line, size_t len)
{
    struct mon *m = ctx;
    char *f[F_N + 1];
    size_t n;
    int64_t vendor;

    (void)len;
    if (m->st != DW_OK)
        return m->st;
    m->lines++;
    if (dw_copy_split(line, f, F_N + 1, &n) != DW_OK || n != F_N)
        return bad(m, "field count");
    if (f[F_KIND] == NULL || f[F_WORKER] == NULL ||
        strlen(f[F_WORKER]) != DW_WORKER_KEY_LEN)
        return bad(m, "worker key");
    if (dw_copy_field_i64(f[F_VENDOR], 0, &vendor) || vendor <= 0)
        return bad(m, "vendor id");
    if (m->have &&
        (vendor != m->vendor_id || strcmp(m->worker_key, f[F_WORKER]) != 0)) {
        m->st = flush(m);
        if (m->st != DW_OK)
            return m->st;
    }
    if (!m->have) {
        m->have = true;
        memcpy(m->worker_key, f[F_WORKER], DW_WORKER_KEY_LEN + 1);
        m->vendor_id = vendor;
    }
    return add_row(m, f);
}

static enum dw_status stream(PGconn *conn, struct mon *m, int64_t run_id,
                             const struct dw_monitoring_window *win,
                             int64_t vendor_id, const struct dw_shard *shard,
                             struct dw_error *err)
{
    static const char scope_sql[] =
        "SELECT set_config('dw_mon.from', $1, true),"
        " set_config('dw_mon.to', $2, true),"
        " set_config('dw_mon.vendor', $3, true),"
        " set_config('dw_mon.run', $4, true),"
        " set_config('dw_mon.shard_n', $5, true),"
        " set_config('dw_mon.shard_k', $6, true)";
    char from[DW_TIME_ISO_MAX], to[DW_TIME_ISO_MAX], vendor[24] = "", run[24];
    char shard_n[12], shard_k[12];
    const char *params[6];
    enum dw_status st;

    if (vendor_id > 0)
        snprintf(vendor, sizeof vendor, "%lld", (long long)vendor_id);
    snprintf(run, sizeof run, "%lld", (long long)run_id);
    snprintf(shard_n, sizeof shard_n, "%d", shard ? shard->n : 0);
    snprintf(shard_k, sizeof shard_k, "%d", shard ? shard->k : 0);
    params[0] = dw_time_format_iso(win->week_from * DW_DAY_US, from);
    params[1] = dw_time_format_iso((win->period_to + 1) * DW_DAY_US, to);
    params[2] = vendor;
    params[3] = run;
    params[4] = shard_n;
    params[5] = shard_k;
    st = dw_db_exec(conn, scope_sql, 6, params, NULL, err);
    if (st != DW_OK)
        return dw_error_prefix(err, "monitoring stream scope");
    st = dw_copy_out(conn, stream_sql, on_line, m, err);
    if (m->st != DW_OK) {
        st = m->st;
    } else if (st == DW_OK) {
        st = m->st = flush(m);
    }
    if (m->st != DW_OK && err != NULL)
        *err = m->err;
    return st;
}

/* count per hour of tracked time, or NULL with none. */
static void copy_per_hour(struct dw_copy *c, int64_t count, int64_t tracked_us)
{
    char num[40];

    if (tracked_us > 0)
        dw_copy_str(c, dw_money_format_trim(
                           dw_per_hour_micros(count, tracked_us), num));
    else
        dw_copy_null(c);
}

/* metered / paid time, or NULL with no paid time. */
static void copy_atc(struct dw_copy *c, int64_t metered_us, int64_t paid_us)
{
    char num[40];

    if (paid_us > 0)
        dw_copy_str(
            c, dw_money_format_trim(dw_share_micros(metered_us, paid_us), num));
    else
        dw_copy_null(c);
}

static enum dw_status copy_weeks(PGconn *conn, struct mon *m, int64_t run_id,
                                 struct dw_error *err)
{
    struct dw_copy c;
    struct week_row r;
    char date[DW_DATE_MAX];
    enum dw_status st;

    rewind(m->weeks);
    st = dw_copy_begin(&c, conn,
                       "COPY dw.worker_week_monitoring (analysis_run_id,"
                       " vendor_id, worker_key, week_start, tz_basis,"
                       " segments, tracked_s, metered_s, paid_s, screenshots,"
                       " webcam_shots, sph, wcph, atc, band,"
                       " offshift_segments, critical) FROM STDIN",
                       err);
    if (st != DW_OK)
        return st;
    while (st == DW_OK && fread(&r, sizeof r, 1, m->weeks) == 1) {
        const struct dw_monitoring_week *w = &r.w;
        dw_copy_i64(&c, run_id);
        dw_copy_i64(&c, r.vendor_id);
        dw_copy_str(&c, r.worker_key);
        dw_copy_str(&c, dw_date_format(w->monday, date));
        dw_copy_str(&c, "utc");
        dw_copy_i64(&c, w->segments);
        dw_copy_i64(&c, w->tracked_us / DW_USEC);
        dw_copy_i64(&c, w->metered_us / DW_USEC);
        if (w->has_paid)
            dw_copy_i64(&c, w->paid_us / DW_USEC);
        else
            dw_copy_null(&c);
        dw_copy_i64(&c, w->screenshots);
        dw_copy_i64(&c, w->webcam_shots);
        copy_per_hour(&c, w->screenshots, w->tracked_us);
        copy_per_hour(&c, w->webcam_shots, w->tracked_us);
        copy_atc(&c, w->metered_us, w->has_paid ? w->paid_us : 0);
        dw_copy_i64(&c, w->band);
        if (w->offshift_assessed)
            dw_copy_i64(&c, w->offshift_segments);
        else
            dw_copy_null(&c);
        dw_copy_bool(&c, w->offshift_segments > 0);
        st = dw_copy_end_row(&c, err);
    }
    if (st == DW_OK && ferror(m->weeks))
        st = dw_error_set(err, DW_ERR_IO, "reading spooled monitoring weeks");
    if (st != DW_OK) {
        dw_copy_abort(&c);
        return st;
    }
    return dw_copy_finish(&c, err);
}

static const char flag_copy_sql[] =
    "COPY dw.flag (analysis_run_id, vendor_id, rule, severity, subject,"
    " worker_key, period_start, period_end, value, threshold, unit, evidence)"
    " FROM STDIN";

static void copy_flag_row(struct dw_copy *c, int64_t run_id,
                          const struct dw_flag *f, const char *evidence)
{
    char date[DW_DATE_MAX], num[40];

    dw_copy_i64(c, run_id);
    dw_copy_i64(c, f->vendor_id);
    dw_copy_str(c, f->rule);
    dw_copy_str(c, dw_severity_name(f->severity));
    dw_copy_str(c, dw_subject_name(f->subject));
    dw_copy_str(c, f->worker_key[0] ? f->worker_key : NULL);
    dw_copy_str(c, dw_date_format(f->period_start, date));
    dw_copy_str(c, dw_date_format(f->period_end, date));
    dw_copy_str(c, dw_money_format_trim(f->value, num));
    dw_copy_str(c, dw_money_format_trim(f->threshold, num));
    dw_copy_str(c, f->unit);
    dw_copy_str(c, evidence);
}

/* Columns of the practices query below. */
enum { P_VENDOR, P_SOURCE, P_PRACTICE, P_IN_USE, P_EVIDENCE };

static enum dw_status load_practices(PGconn *conn, struct mon *m,
                                     int64_t vendor_id, PGresult **res,
                                     struct dw_error *err)
{
    char id[24];
    const char *params[1] = {NULL};
    enum dw_status st;

    if (vendor_id > 0) {
        snprintf(id, sizeof id, "%lld", (long long)vendor_id);
        params[0] = id;
    }
    st = dw_db_exec(conn,
                    "SELECT s.vendor_id, s.name, p.practice, p.in_use,"
                    " p.evidence FROM dw.monitoring_practice p"
                    " JOIN dw.source s ON s.source_id = p.source_id"
                    " WHERE $1::bigint IS NULL OR s.vendor_id = $1::bigint"
                    " ORDER BY s.vendor_id, s.name, p.practice",
                    1, params, res, err);
    for (int i = 0; st == DW_OK && i < PQntuples(*res); i++) {
        const struct dw_practice_rule *rule;
        struct vendor_acc *v =
            vendor_find(m, strtoll(PQgetvalue(*res, i, P_VENDOR), NULL, 10));
        st = dw_practice_judge(PQgetvalue(*res, i, P_PRACTICE),
                               strcmp(PQgetvalue(*res, i, P_IN_USE), "t") == 0,
                               &rule, err);
        if (st == DW_OK && rule != NULL && v != NULL)
            v->practices_critical++;
    }
    return st;
}

/* The CRITICAL flag of one practice row, with its evidence as JSON. */
static enum dw_status practice_flag(struct dw_copy *c, int64_t run_id,
                                    const struct dw_monitoring_window *win,
                                    PGresult *res, int i,
                                    const struct dw_practice_rule *rule,
                                    struct dw_error *err)
{
    struct dw_flag f;
    json_t *ev;
    char *text;

    memset(&f, 0, sizeof f);
    f.vendor_id = strtoll(PQgetvalue(res, i, P_VENDOR), NULL, 10);
    snprintf(f.rule, sizeof f.rule, "%s", rule->rule);
    f.severity = DW_SEV_CRITICAL;
    f.subject = DW_SUBJ_VENDOR;
    f.period_start = win->week_from;
    f.period_end = win->period_to;
    f.value = 1000000;
    f.threshold = 0;
    snprintf(f.unit, sizeof f.unit, "practice in use");
    ev = json_pack(
        "{s:s, s:s, s:s, s:s?}", "source", PQgetvalue(res, i, P_SOURCE),
        "practice", rule->practice, "basis", rule->basis, "declared_evidence",
        PQgetisnull(res, i, P_EVIDENCE) ? NULL
                                        : PQgetvalue(res, i, P_EVIDENCE));
    text = ev ? json_dumps(ev, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(ev);
    if (text == NULL)
        return dw_error_set(err, DW_ERR_INVALID,
                            "monitoring practice %s of source %s: evidence "
                            "is not valid UTF-8",
                            rule->practice, PQgetvalue(res, i, P_SOURCE));
    copy_flag_row(c, run_id, &f, text);
    free(text);
    return dw_copy_end_row(c, err);
}

static enum dw_status copy_week_flags(PGconn *conn, struct mon *m,
                                      int64_t run_id, struct dw_error *err)
{
    struct dw_copy c;
    struct dw_flag f;
    enum dw_status st;

    rewind(m->flags);
    st = dw_copy_begin(&c, conn, flag_copy_sql, err);
    if (st != DW_OK)
        return st;
    while (st == DW_OK && fread(&f, sizeof f, 1, m->flags) == 1) {
        copy_flag_row(&c, run_id, &f, f.evidence);
        st = dw_copy_end_row(&c, err);
    }
    if (st == DW_OK && ferror(m->flags))
        st = dw_error_set(err, DW_ERR_IO, "reading spooled flags");
    if (st != DW_OK) {
        dw_copy_abort(&c);
        return st;
    }
    return dw_copy_finish(&c, err);
}

static enum dw_status
copy_practice_flags(PGconn *conn, struct mon *m, int64_t run_id,
                    const struct dw_monitoring_window *win, PGresult *practices,
                    struct dw_error *err)
{
    struct dw_copy c;
    enum dw_status st;

    st = dw_copy_begin(&c, conn, flag_copy_sql, err);
    if (st != DW_OK)
        return st;
    for (int i = 0; st == DW_OK && i < PQntuples(practices); i++) {
        const struct dw_practice_rule *rule;
        st = dw_practice_judge(
            PQgetvalue(practices, i, P_PRACTICE),
            strcmp(PQgetvalue(practices, i, P_IN_USE), "t") == 0, &rule, err);
        if (st == DW_OK && rule != NULL) {
            st = practice_flag(&c, run_id, win, practices, i, rule, err);
            m->n_flags++;
        }
    }
    if (st != DW_OK) {
        dw_copy_abort(&c);
        return st;
    }
    return dw_copy_finish(&c, err);
}

/*
 * The vendors' tallies from the run's stored worker-week rows: every
 * figure there is exact (cells last whole seconds; paid time comes from
 * dw.worker_week in seconds), so a sharded run whose shards wrote the
 * rows gets the same vendor figures as an unsharded one.
 */
static enum dw_status tally_vendors(PGconn *conn, struct mon *m, int64_t run_id,
                                    struct dw_error *err)
{
    static const char sums_sql[] =
        "SELECT vendor_id, count(*), count(*) FILTER (WHERE segments > 0),"
        " sum(tracked_s), sum(metered_s), sum(COALESCE(paid_s, 0)),"
        " sum(screenshots), sum(webcam_shots),"
        " sum(COALESCE(offshift_segments, 0)),"
        " count(*) FILTER (WHERE offshift_segments > 0), max(band)"
        " FROM dw.worker_week_monitoring WHERE analysis_run_id = $1"
        " GROUP BY vendor_id";
    static const char bands_sql[] =
        "SELECT vendor_id, worst, count(*) FROM"
        " (SELECT vendor_id, worker_key, max(band) AS worst"
        "  FROM dw.worker_week_monitoring WHERE analysis_run_id = $1"
        "  GROUP BY vendor_id, worker_key) w GROUP BY vendor_id, worst";
    char run[24];
    const char *params[1] = {run};
    PGresult *res = NULL;
    enum dw_status st;

    snprintf(run, sizeof run, "%lld", (long long)run_id);
    st = dw_db_exec(conn, sums_sql, 1, params, &res, err);
    for (int i = 0; st == DW_OK && i < PQntuples(res); i++) {
        int64_t f[11];
        struct vendor_acc *v;
        for (int k = 0; k < 11; k++)
            f[k] = strtoll(PQgetvalue(res, i, k), NULL, 10);
        v = vendor_find(m, f[0]);
        if (v == NULL || f[10] < 0 || f[10] >= DW_MON_BANDS) {
            st = dw_error_set(err, DW_ERR_INTERNAL,
                              "monitoring: vendor %lld is not in the run's "
                              "scope or has a band out of range",
                              (long long)f[0]);
            break;
        }
        v->worker_weeks = f[1];
        v->monitored_weeks = f[2];
        v->tracked_us = f[3] * DW_USEC;
        v->metered_us = f[4] * DW_USEC;
        v->paid_us = f[5] * DW_USEC;
        v->screenshots = f[6];
        v->webcam_shots = f[7];
        v->offshift_segments = f[8];
        v->weeks_offshift = f[9];
        v->band = (int)f[10];
    }
    PQclear(res);
    res = NULL;
    if (st == DW_OK)
        st = dw_db_exec(conn, bands_sql, 1, params, &res, err);
    for (int i = 0; st == DW_OK && i < PQntuples(res); i++) {
        struct vendor_acc *v =
            vendor_find(m, strtoll(PQgetvalue(res, i, 0), NULL, 10));
        long long band = strtoll(PQgetvalue(res, i, 1), NULL, 10);
        int64_t n = strtoll(PQgetvalue(res, i, 2), NULL, 10);
        if (v == NULL || band < 0 || band >= DW_MON_BANDS) {
            st = dw_error_set(err, DW_ERR_INTERNAL,
                              "monitoring: worker band out of range");
            break;
        }
        v->workers_band[band] += n;
        v->workers += n;
    }
    PQclear(res);
    return st;
}

static enum dw_status copy_vendors(PGconn *conn, struct mon *m, int64_t run_id,
                                   const struct dw_monitoring_window *win,
                                   struct dw_error *err)
{
    struct dw_copy c;
    char date[DW_DATE_MAX];
    enum dw_status st;

    st = dw_copy_begin(&c, conn,
                       "COPY dw.vendor_monitoring (analysis_run_id,"
                       " vendor_id, period_from, period_to, workers,"
                       " worker_weeks, monitored_weeks, workers_band_0,"
                       " workers_band_1, workers_band_2, workers_band_3,"
                       " workers_band_4, band, tracked_s, metered_s, paid_s,"
                       " screenshots, webcam_shots, sph, wcph, atc,"
                       " offshift_segments, weeks_offshift,"
                       " practices_critical, critical) FROM STDIN",
                       err);
    if (st != DW_OK)
        return st;
    for (size_t i = 0; st == DW_OK && i < m->n_vendors; i++) {
        const struct vendor_acc *v = &m->vendors[i];
        dw_copy_i64(&c, run_id);
        dw_copy_i64(&c, v->vendor_id);
        dw_copy_str(&c, dw_date_format(win->week_from, date));
        dw_copy_str(&c, dw_date_format(win->period_to, date));
        dw_copy_i64(&c, v->workers);
        dw_copy_i64(&c, v->worker_weeks);
        dw_copy_i64(&c, v->monitored_weeks);
        for (int b = 0; b < DW_MON_BANDS; b++)
            dw_copy_i64(&c, v->workers_band[b]);
        if (v->band >= 0)
            dw_copy_i64(&c, v->band);
        else
            dw_copy_null(&c);
        dw_copy_i64(&c, v->tracked_us / DW_USEC);
        dw_copy_i64(&c, v->metered_us / DW_USEC);
        dw_copy_i64(&c, v->paid_us / DW_USEC);
        dw_copy_i64(&c, v->screenshots);
        dw_copy_i64(&c, v->webcam_shots);
        copy_per_hour(&c, v->screenshots, v->tracked_us);
        copy_per_hour(&c, v->webcam_shots, v->tracked_us);
        copy_atc(&c, v->metered_us, v->paid_us);
        dw_copy_i64(&c, v->offshift_segments);
        dw_copy_i64(&c, v->weeks_offshift);
        dw_copy_i64(&c, v->practices_critical);
        dw_copy_bool(&c, v->weeks_offshift > 0 || v->practices_critical > 0);
        st = dw_copy_end_row(&c, err);
    }
    if (st != DW_OK) {
        dw_copy_abort(&c);
        return st;
    }
    return dw_copy_finish(&c, err);
}

static enum dw_status load_vendors(PGconn *conn, struct mon *m,
                                   int64_t vendor_id, struct dw_error *err)
{
    int64_t *ids;
    size_t n;
    enum dw_status st = dw_vendor_ids(conn, vendor_id, &ids, &n, err);

    if (st != DW_OK)
        return st;
    m->n_vendors = n;
    m->vendors = calloc(n ? n : 1, sizeof *m->vendors);
    if (m->vendors == NULL) {
        m->n_vendors = 0;
        free(ids);
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        m->vendors[i].vendor_id = ids[i];
        m->vendors[i].band = -1;
    }
    free(ids);
    return DW_OK;
}

/* Result rows of superseded runs go, as run.c does for its own tables. */
static enum dw_status delete_superseded(PGconn *conn, struct dw_error *err)
{
    enum dw_status st;

    st = dw_db_exec(conn,
                    "DELETE FROM dw.worker_week_monitoring x"
                    " USING dw.analysis_run r"
                    " WHERE x.analysis_run_id = r.analysis_run_id"
                    " AND r.status = 'superseded'",
                    0, NULL, NULL, err);
    if (st == DW_OK)
        st = dw_db_exec(conn,
                        "DELETE FROM dw.vendor_monitoring x"
                        " USING dw.analysis_run r"
                        " WHERE x.analysis_run_id = r.analysis_run_id"
                        " AND r.status = 'superseded'",
                        0, NULL, NULL, err);
    return st;
}

enum dw_status dw_monitoring_workers(PGconn *conn, int64_t run_id,
                                     const struct dw_monitoring_window *window,
                                     int64_t vendor_id,
                                     const struct dw_shard *shard,
                                     const struct dw_thresholds *th,
                                     struct dw_monitoring_result *res,
                                     struct dw_error *err)
{
    struct dw_monitoring_limits lim;
    struct mon m;
    enum dw_status st;

    memset(&m, 0, sizeof m);
    dw_monitoring_weeks_init(&m.out);
    m.lim = &lim;
    m.open_end_us = (window->period_to + 2) * DW_DAY_US;

    st = dw_monitoring_limits_from(th, &lim, err);
    if (st != DW_OK)
        goto done;
    m.weeks = tmpfile();
    m.flags = tmpfile();
    if (m.weeks == NULL || m.flags == NULL) {
        st = dw_error_set(err, DW_ERR_IO, "cannot create a temporary file");
        goto done;
    }
    st = stream(conn, &m, run_id, window, vendor_id, shard, err);
    if (st == DW_OK)
        st = copy_weeks(conn, &m, run_id, err);
    if (st == DW_OK)
        st = copy_week_flags(conn, &m, run_id, err);
    if (st == DW_OK && res != NULL) {
        res->worker_weeks += m.n_weeks;
        res->flags += m.n_flags;
    }
done:
    if (st != DW_OK)
        dw_error_prefix(err, "monitoring");
    if (m.weeks != NULL)
        fclose(m.weeks);
    if (m.flags != NULL)
        fclose(m.flags);
    free(m.iv);
    free(m.seg);
    free(m.paid);
    dw_monitoring_weeks_release(&m.out);
    return st;
}

enum dw_status dw_monitoring_vendors(PGconn *conn, int64_t run_id,
                                     const struct dw_monitoring_window *window,
                                     int64_t vendor_id,
                                     struct dw_monitoring_result *res,
                                     struct dw_error *err)
{
    struct mon m;
    PGresult *practices = NULL;
    enum dw_status st;

    memset(&m, 0, sizeof m);
    st = delete_superseded(conn, err);
    if (st == DW_OK)
        st = load_vendors(conn, &m, vendor_id, err);
    if (st == DW_OK)
        st = load_practices(conn, &m, vendor_id, &practices, err);
    if (st == DW_OK)
        st = tally_vendors(conn, &m, run_id, err);
    if (st == DW_OK)
        st = copy_practice_flags(conn, &m, run_id, window, practices, err);
    if (st == DW_OK)
        st = copy_vendors(conn, &m, run_id, window, err);
    if (st == DW_OK && res != NULL) {
        res->vendors += (int64_t)m.n_vendors;
        res->flags += m.n_flags;
    }
    if (st != DW_OK)
        dw_error_prefix(err, "monitoring");
    PQclear(practices);
    free(m.vendors);
    return st;
}
