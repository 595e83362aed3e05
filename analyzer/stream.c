/* analyzer/stream.c — facts by COPY in worker order, a worker at a time. */
#include "stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "dwtime.h"
#include "shard.h"

/*
 * Units and bonuses in one stream, sorted by worker and time, so one pass
 * sees each worker's rows together. The sort bounds the cost (DESIGN.md
 * "Speed"); keep facts clustered by (worker_key, accepted_at).
 */
/* clang-format off */
static const char stream_sql[] =
    "COPY ("
    "WITH scope AS (SELECT"
    " current_setting('dw_an.from')::timestamptz AS t_from,"
    " current_setting('dw_an.from_margin')::timestamptz AS t_margin,"
    " current_setting('dw_an.to')::timestamptz AS t_to,"
    " NULLIF(current_setting('dw_an.vendor'), '')::bigint AS vendor_id,"
    " current_setting('dw_an.shard_n')::int AS shard_n,"
    " current_setting('dw_an.shard_k')::int AS shard_k) "
    "SELECT 'u', u.worker_key, s.vendor_id, u.source_id, u.status,"
    " (extract(epoch FROM u.accepted_at) * 1000000)::bigint,"
    " (extract(epoch FROM u.submitted_at) * 1000000)::bigint,"
    " (extract(epoch FROM u.paid_at) * 1000000)::bigint,"
    " u.reward_micros, u.currency, u.worker_fee_micros,"
    " w.country, w.tz, s.default_country,"
    " (extract(epoch FROM COALESCE(u.accepted_at, u.submitted_at,"
    "   u.decided_at, u.paid_at)) * 1000000)::bigint AS t,"
    " (extract(epoch FROM u.decided_at) * 1000000)::bigint,"
    " EXISTS (SELECT 1 FROM dw.work_unit_history h"
    "   WHERE h.source_id = u.source_id AND h.external_id = u.external_id"
    "   AND h.old_status = 'rejected' AND h.new_status = 'approved'),"
    " s.default_tz "
    "FROM dw.work_unit u JOIN dw.source s ON s.source_id = u.source_id"
    " JOIN dw.worker w ON w.worker_key = u.worker_key, scope p "
    "WHERE COALESCE(u.accepted_at, u.submitted_at, u.decided_at, u.paid_at)"
    "   >= p.t_margin"
    " AND COALESCE(u.accepted_at, u.submitted_at, u.decided_at, u.paid_at)"
    "   < p.t_to"
    " AND (p.vendor_id IS NULL OR s.vendor_id = p.vendor_id)"
    " AND (p.shard_n = 0"
    "   OR " DW_SHARD_OF_SQL("u.worker_key", "p.shard_n") " = p.shard_k) "
    "UNION ALL "
    "SELECT 'b', b.worker_key, s.vendor_id, b.source_id, NULL, NULL,"
    " (extract(epoch FROM COALESCE(u.submitted_at, b.effective_at))"
    "   * 1000000)::bigint,"
    " (extract(epoch FROM COALESCE(b.effective_at, u.submitted_at))"
    "   * 1000000)::bigint,"
    " b.amount_micros, b.currency, 0, w.country, w.tz, s.default_country,"
    " (extract(epoch FROM COALESCE(u.submitted_at, b.effective_at))"
    "   * 1000000)::bigint, NULL, false, s.default_tz "
    "FROM dw.payment b JOIN dw.source s ON s.source_id = b.source_id"
    " JOIN dw.worker w ON w.worker_key = b.worker_key"
    " LEFT JOIN dw.work_unit u ON u.source_id = b.source_id"
    "   AND u.external_id = b.unit_external_id, scope p "
    "WHERE b.kind = 'bonus'"
    " AND COALESCE(u.submitted_at, b.effective_at) >= p.t_from"
    " AND COALESCE(u.submitted_at, b.effective_at) < p.t_to"
    " AND (p.vendor_id IS NULL OR s.vendor_id = p.vendor_id)"
    " AND (p.shard_n = 0"
    "   OR " DW_SHARD_OF_SQL("b.worker_key", "p.shard_n") " = p.shard_k) "
    "ORDER BY 2, 15, 1"
    ") TO STDOUT";
/* clang-format on */

enum {
    F_KIND,
    F_WORKER,
    F_VENDOR,
    F_SOURCE,
    F_STATUS,
    F_ACCEPTED,
    F_SUBMITTED,
    F_PAID,
    F_AMOUNT,
    F_CURRENCY,
    F_FEE,
    F_W_COUNTRY,
    F_W_TZ,
    F_S_COUNTRY,
    F_T,
    F_DECIDED,
    F_REVERSED,
    F_S_TZ,
    F_COUNT
};

enum dw_unit_status dw_unit_status_parse(const char *s)
{
    static const char *const names[] = {"in_progress",  "submitted", "approved",
                                        "rejected",     "returned",  "expired",
                                        "screened_out", NULL};
    for (int i = 0; s != NULL && names[i] != NULL; i++)
        if (strcmp(s, names[i]) == 0)
            return (enum dw_unit_status)i;
    return DW_UNIT_UNKNOWN;
}

void dw_stream_init(struct dw_stream *s, dw_worker_fn fn, void *ctx)
{
    memset(s, 0, sizeof *s);
    s->fn = fn;
    s->ctx = ctx;
}

void dw_stream_release(struct dw_stream *s)
{
    free(s->batch.units);
    free(s->batch.bonuses);
    s->batch.units = NULL;
    s->batch.bonuses = NULL;
    s->batch.n_units = s->batch.cap_units = 0;
    s->batch.n_bonuses = s->batch.cap_bonuses = 0;
}

static void copy_code(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

static enum dw_status flush(struct dw_stream *s)
{
    enum dw_status st = DW_OK;
    if (s->have_worker)
        st = s->fn(s->ctx, &s->batch, &s->err);
    s->batch.n_units = 0;
    s->batch.n_bonuses = 0;
    s->have_worker = false;
    return st;
}

static enum dw_status fail(struct dw_stream *s, const char *what)
{
    s->st =
        dw_error_set(&s->err, DW_ERR_PARSE, "analyzer stream line %llu: bad %s",
                     (unsigned long long)s->lines, what);
    return s->st;
}

static void *grow(void *p, size_t *cap, size_t size)
{
    size_t ncap = *cap ? *cap * 2 : 64;
    void *np = realloc(p, ncap * size);
    if (np != NULL)
        *cap = ncap;
    return np;
}

enum dw_status dw_stream_feed(struct dw_stream *s, char *line, size_t len)
{
    char *f[F_COUNT + 1];
    size_t n;
    struct dw_worker_batch *b = &s->batch;
    int64_t vendor, source;

    (void)len;
    if (s->st != DW_OK)
        return s->st;
    s->lines++;
    if (dw_copy_split(line, f, F_COUNT + 1, &n) != DW_OK || n != F_COUNT)
        return fail(s, "field count");
    if (f[F_KIND] == NULL || f[F_WORKER] == NULL ||
        strlen(f[F_WORKER]) != DW_WORKER_KEY_LEN)
        return fail(s, "worker key");
    if (dw_copy_field_i64(f[F_VENDOR], 0, &vendor) ||
        dw_copy_field_i64(f[F_SOURCE], 0, &source))
        return fail(s, "vendor or source id");

    if (s->have_worker && strcmp(b->worker_key, f[F_WORKER]) != 0) {
        s->st = flush(s);
        if (s->st != DW_OK)
            return s->st;
    }
    if (!s->have_worker) {
        s->have_worker = true;
        memcpy(b->worker_key, f[F_WORKER], DW_WORKER_KEY_LEN + 1);
        copy_code(b->country, sizeof b->country, f[F_W_COUNTRY]);
        copy_code(b->tz, sizeof b->tz, f[F_W_TZ]);
    }

    if (strcmp(f[F_KIND], "u") == 0) {
        struct dw_unit_row *u;
        if (b->n_units == b->cap_units) {
            void *p = grow(b->units, &b->cap_units, sizeof *b->units);
            if (p == NULL)
                return s->st = dw_error_set(&s->err, DW_ERR_NOMEM,
                                            "analyzer stream: out of memory");
            b->units = p;
        }
        u = &b->units[b->n_units];
        memset(u, 0, sizeof *u);
        u->vendor_id = vendor;
        u->source_id = source;
        u->status = dw_unit_status_parse(f[F_STATUS]);
        if (dw_copy_field_i64(f[F_ACCEPTED], DW_TIME_NONE, &u->accepted_at) ||
            dw_copy_field_i64(f[F_SUBMITTED], DW_TIME_NONE, &u->submitted_at) ||
            dw_copy_field_i64(f[F_PAID], DW_TIME_NONE, &u->paid_at) ||
            dw_copy_field_i64(f[F_DECIDED], DW_TIME_NONE, &u->decided_at))
            return fail(s, "timestamp");
        if (f[F_REVERSED] == NULL || (strcmp(f[F_REVERSED], "t") != 0 &&
                                      strcmp(f[F_REVERSED], "f") != 0))
            return fail(s, "reversal");
        u->reversed = f[F_REVERSED][0] == 't';
        copy_code(u->source_tz, sizeof u->source_tz, f[F_S_TZ]);
        u->has_reward = f[F_AMOUNT] != NULL && f[F_CURRENCY] != NULL;
        if (dw_copy_field_i64(f[F_AMOUNT], 0, &u->reward) ||
            dw_copy_field_i64(f[F_FEE], 0, &u->fee))
            return fail(s, "amount");
        copy_code(u->currency, sizeof u->currency, f[F_CURRENCY]);
        copy_code(u->source_country, sizeof u->source_country, f[F_S_COUNTRY]);
        b->n_units++;
    } else if (strcmp(f[F_KIND], "b") == 0) {
        struct dw_bonus_row *r;
        if (b->n_bonuses == b->cap_bonuses) {
            void *p = grow(b->bonuses, &b->cap_bonuses, sizeof *b->bonuses);
            if (p == NULL)
                return s->st = dw_error_set(&s->err, DW_ERR_NOMEM,
                                            "analyzer stream: out of memory");
            b->bonuses = p;
        }
        r = &b->bonuses[b->n_bonuses];
        memset(r, 0, sizeof *r);
        r->vendor_id = vendor;
        if (dw_copy_field_i64(f[F_SUBMITTED], DW_TIME_NONE,
                              &r->attributed_at) ||
            dw_copy_field_i64(f[F_PAID], DW_TIME_NONE, &r->fx_at) ||
            dw_copy_field_i64(f[F_AMOUNT], 0, &r->amount) ||
            f[F_CURRENCY] == NULL)
            return fail(s, "bonus");
        copy_code(r->currency, sizeof r->currency, f[F_CURRENCY]);
        copy_code(r->source_country, sizeof r->source_country, f[F_S_COUNTRY]);
        b->n_bonuses++;
    } else {
        return fail(s, "row kind");
    }
    return DW_OK;
}

enum dw_status dw_stream_finish(struct dw_stream *s)
{
    if (s->st == DW_OK)
        s->st = flush(s);
    return s->st;
}

static enum dw_status on_line(void *ctx, char *line, size_t len)
{
    return dw_stream_feed(ctx, line, len);
}

static enum dw_status set_scope(PGconn *conn,
                                const struct dw_stream_scope *scope,
                                struct dw_error *err)
{
    static const char sql[] = "SELECT set_config('dw_an.from', $1, true),"
                              " set_config('dw_an.from_margin', $2, true),"
                              " set_config('dw_an.to', $3, true),"
                              " set_config('dw_an.vendor', $4, true),"
                              " set_config('dw_an.shard_n', $5, true),"
                              " set_config('dw_an.shard_k', $6, true)";
    char from[DW_TIME_ISO_MAX], margin[DW_TIME_ISO_MAX], to[DW_TIME_ISO_MAX];
    char vendor[24] = "", shard_n[12], shard_k[12];
    const char *params[6];

    snprintf(shard_n, sizeof shard_n, "%d", scope->shard.n);
    snprintf(shard_k, sizeof shard_k, "%d", scope->shard.k);
    params[4] = shard_n;
    params[5] = shard_k;
    if (scope->vendor_id > 0)
        snprintf(vendor, sizeof vendor, "%lld", (long long)scope->vendor_id);
    params[0] = dw_time_format_iso(scope->from_us, from);
    params[1] = dw_time_format_iso(scope->from_us - scope->margin_us, margin);
    params[2] = dw_time_format_iso(scope->to_us, to);
    params[3] = vendor;
    return dw_db_exec(conn, sql, 6, params, NULL, err);
}

enum dw_status dw_stream_workers(PGconn *conn,
                                 const struct dw_stream_scope *scope,
                                 dw_worker_fn fn, void *ctx,
                                 struct dw_error *err)
{
    struct dw_stream s;
    enum dw_status st;

    st = set_scope(conn, scope, err);
    if (st != DW_OK)
        return dw_error_prefix(err, "analyzer stream scope");
    dw_stream_init(&s, fn, ctx);
    st = dw_copy_out(conn, stream_sql, on_line, &s, err);
    if (s.st != DW_OK) {
        /* Our own failure (or the callback's) explains better than the
         * COPY's "stopped early". */
        st = s.st;
        if (err != NULL)
            *err = s.err;
    } else if (st == DW_OK) {
        st = dw_stream_finish(&s);
        if (st != DW_OK && err != NULL)
            *err = s.err;
    }
    dw_stream_release(&s);
    return st;
}
