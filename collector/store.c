/* collector/store.c — staging COPY and one merge statement per table. */
#include "store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "dwtime.h"
#include "pseudonym.h"

/* ord keeps page order so the last sighting of a duplicate wins. */
static const char staging_sql[] =
    "CREATE TEMP TABLE IF NOT EXISTS dw_stage_task ("
    " ord bigint, external_id text, title text, reward_micros bigint,"
    " currency text, estimate_s integer, max_time_s integer,"
    " created_at timestamptz) ON COMMIT DELETE ROWS;"
    "CREATE TEMP TABLE IF NOT EXISTS dw_stage_unit ("
    " ord bigint, external_id text, task_external_id text,"
    " worker_key text, status text, status_raw text,"
    " accepted_at timestamptz, submitted_at timestamptz,"
    " decided_at timestamptz, paid_at timestamptz, reward_micros bigint,"
    " currency text, worker_fee_micros bigint, country text, tz text)"
    " ON COMMIT DELETE ROWS;"
    "CREATE TEMP TABLE IF NOT EXISTS dw_stage_payment ("
    " ord bigint, dedupe_key text, unit_external_id text, worker_key text,"
    " kind text, amount_micros bigint, currency text,"
    " effective_at timestamptz) ON COMMIT DELETE ROWS;"
    "CREATE TEMP TABLE IF NOT EXISTS dw_stage_quarantine ("
    " ord bigint, record_sha256 text, page text, record_index integer,"
    " reason text, record text) ON COMMIT DELETE ROWS;"
    "CREATE TEMP TABLE IF NOT EXISTS dw_stage_segment ("
    " ord bigint, worker_key text, started_at timestamptz,"
    " duration_s integer, screenshots integer, webcam_shots integer,"
    " keyboard_events integer, mouse_events integer,"
    " activity_level smallint, manual boolean) ON COMMIT DELETE ROWS;"
    "CREATE TEMP TABLE IF NOT EXISTS dw_stage_practice ("
    " ord bigint, practice text, in_use boolean, evidence text)"
    " ON COMMIT DELETE ROWS;";

enum dw_status dw_store_prepare(PGconn *conn, struct dw_error *err)
{
    /* IF NOT EXISTS notices are noise: keep them off stderr. */
    enum dw_status st = dw_db_exec(conn, "SET client_min_messages = warning", 0,
                                   NULL, NULL, err);
    if (st == DW_OK)
        st = dw_db_exec_script(conn, staging_sql, err);
    return st;
}

static const char merge_worker_sql[] =
    "INSERT INTO dw.worker AS w (worker_key, platform, country, tz,"
    " tz_source)"
    " SELECT DISTINCT ON (worker_key) worker_key, $1::text, country, tz,"
    "  CASE WHEN tz IS NULL THEN 'unknown' ELSE 'declared' END"
    " FROM (SELECT worker_key, country, tz FROM dw_stage_unit"
    "       UNION ALL SELECT worker_key, NULL, NULL FROM dw_stage_payment"
    "       UNION ALL SELECT worker_key, NULL, NULL FROM dw_stage_segment) s"
    " ORDER BY worker_key, country IS NULL, tz IS NULL"
    " ON CONFLICT (worker_key) DO UPDATE SET"
    "  country = COALESCE(EXCLUDED.country, w.country),"
    "  tz = COALESCE(EXCLUDED.tz, w.tz),"
    "  tz_source = CASE WHEN EXCLUDED.tz IS NULL THEN w.tz_source"
    "              ELSE EXCLUDED.tz_source END,"
    "  updated_at = now()"
    " WHERE (EXCLUDED.country IS NOT NULL"
    "        AND EXCLUDED.country IS DISTINCT FROM w.country)"
    "    OR (EXCLUDED.tz IS NOT NULL AND EXCLUDED.tz IS DISTINCT FROM w.tz)";

static const char merge_task_sql[] =
    "INSERT INTO dw.task AS t (source_id, external_id, title,"
    " reward_micros, currency, estimate_s, max_time_s, created_at)"
    " SELECT DISTINCT ON (external_id) $1, external_id, title,"
    "  reward_micros, currency, estimate_s, max_time_s, created_at"
    " FROM dw_stage_task ORDER BY external_id, ord DESC"
    " ON CONFLICT (source_id, external_id) DO UPDATE SET"
    "  title = EXCLUDED.title, reward_micros = EXCLUDED.reward_micros,"
    "  currency = EXCLUDED.currency, estimate_s = EXCLUDED.estimate_s,"
    "  max_time_s = EXCLUDED.max_time_s, created_at = EXCLUDED.created_at,"
    "  updated_at = now()"
    " WHERE (t.title, t.reward_micros, t.currency, t.estimate_s,"
    "        t.max_time_s, t.created_at)"
    "   IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.reward_micros,"
    "        EXCLUDED.currency, EXCLUDED.estimate_s, EXCLUDED.max_time_s,"
    "        EXCLUDED.created_at)";

/*
 * All CTEs see the same snapshot, so `old` holds the rows as they were
 * before `up` changed them: history compares old and new in one pass.
 * Every sighting bumps last_seen; updated_at moves only on change.
 */
static const char merge_unit_sql[] =
    "WITH s AS ("
    "  SELECT DISTINCT ON (external_id) * FROM dw_stage_unit"
    "  ORDER BY external_id, ord DESC),"
    " old AS ("
    "  SELECT w.* FROM dw.work_unit w JOIN s USING (external_id)"
    "  WHERE w.source_id = $1),"
    " up AS ("
    "  INSERT INTO dw.work_unit AS w (source_id, external_id,"
    "   task_external_id, worker_key, status, status_raw, accepted_at,"
    "   submitted_at, decided_at, paid_at, reward_micros, currency,"
    "   worker_fee_micros)"
    "  SELECT $1, external_id, task_external_id, worker_key, status,"
    "   status_raw, accepted_at, submitted_at, decided_at, paid_at,"
    "   reward_micros, currency, worker_fee_micros FROM s"
    "  ON CONFLICT (source_id, external_id) DO UPDATE SET"
    "   task_external_id = EXCLUDED.task_external_id,"
    "   worker_key = EXCLUDED.worker_key, status = EXCLUDED.status,"
    "   status_raw = EXCLUDED.status_raw,"
    "   accepted_at = EXCLUDED.accepted_at,"
    "   submitted_at = EXCLUDED.submitted_at,"
    "   decided_at = EXCLUDED.decided_at, paid_at = EXCLUDED.paid_at,"
    "   reward_micros = EXCLUDED.reward_micros,"
    "   currency = EXCLUDED.currency,"
    "   worker_fee_micros = EXCLUDED.worker_fee_micros,"
    "   last_seen = now(),"
    "   updated_at = CASE WHEN (w.task_external_id, w.worker_key, w.status,"
    "     w.status_raw, w.accepted_at, w.submitted_at, w.decided_at,"
    "     w.paid_at, w.reward_micros, w.currency, w.worker_fee_micros)"
    "    IS DISTINCT FROM (EXCLUDED.task_external_id, EXCLUDED.worker_key,"
    "     EXCLUDED.status, EXCLUDED.status_raw, EXCLUDED.accepted_at,"
    "     EXCLUDED.submitted_at, EXCLUDED.decided_at, EXCLUDED.paid_at,"
    "     EXCLUDED.reward_micros, EXCLUDED.currency,"
    "     EXCLUDED.worker_fee_micros)"
    "    THEN now() ELSE w.updated_at END"
    "  RETURNING w.*),"
    " changed AS ("
    "  SELECT up.*, old.external_id IS NULL AS is_new,"
    "   old.status AS o_status, old.reward_micros AS o_reward,"
    "   old.decided_at AS o_decided"
    "  FROM up LEFT JOIN old USING (external_id)"
    "  WHERE old.external_id IS NULL"
    "   OR (old.task_external_id, old.worker_key, old.status,"
    "       old.status_raw, old.accepted_at, old.submitted_at,"
    "       old.decided_at, old.paid_at, old.reward_micros, old.currency,"
    "       old.worker_fee_micros)"
    "   IS DISTINCT FROM (up.task_external_id, up.worker_key, up.status,"
    "       up.status_raw, up.accepted_at, up.submitted_at, up.decided_at,"
    "       up.paid_at, up.reward_micros, up.currency,"
    "       up.worker_fee_micros)),"
    " hist AS ("
    "  INSERT INTO dw.work_unit_history (source_id, external_id,"
    "   sync_run_id, old_status, new_status, old_reward_micros,"
    "   new_reward_micros, old_decided_at, new_decided_at)"
    "  SELECT $1, external_id, $2, o_status, status, o_reward,"
    "   reward_micros, o_decided, decided_at FROM changed"
    "  WHERE is_new OR (o_status, o_reward, o_decided)"
    "   IS DISTINCT FROM (status, reward_micros, decided_at)"
    "  RETURNING 1)"
    " SELECT (SELECT count(*) FROM up), (SELECT count(*) FROM changed),"
    "  (SELECT count(*) FROM hist)";

static const char merge_payment_sql[] =
    "WITH ins AS ("
    " INSERT INTO dw.payment (source_id, dedupe_key, unit_external_id,"
    "  worker_key, kind, amount_micros, currency, effective_at)"
    " SELECT DISTINCT ON (dedupe_key) $1, dedupe_key, unit_external_id,"
    "  worker_key, kind, amount_micros, currency, effective_at"
    " FROM dw_stage_payment ORDER BY dedupe_key, ord DESC"
    " ON CONFLICT (source_id, dedupe_key) DO NOTHING RETURNING 1)"
    " SELECT count(*) FROM ins";

static const char merge_quarantine_sql[] =
    "INSERT INTO dw.quarantine AS q (source_id, record_sha256, first_run_id,"
    " last_run_id, page, record_index, reason, record)"
    " SELECT DISTINCT ON (record_sha256, reason) $1, record_sha256, $2, $2,"
    "  page, record_index, reason, record"
    " FROM dw_stage_quarantine ORDER BY record_sha256, reason, ord DESC"
    " ON CONFLICT (source_id, record_sha256, reason) DO UPDATE SET"
    "  last_seen = now(), last_run_id = EXCLUDED.last_run_id";

static const char merge_segment_sql[] =
    "INSERT INTO dw.activity_segment AS a (source_id, worker_key,"
    " started_at, duration_s, screenshots, webcam_shots, keyboard_events,"
    " mouse_events, activity_level, manual)"
    " SELECT DISTINCT ON (worker_key, started_at) $1, worker_key,"
    "  started_at, duration_s, screenshots, webcam_shots, keyboard_events,"
    "  mouse_events, activity_level, manual"
    " FROM dw_stage_segment ORDER BY worker_key, started_at, ord DESC"
    " ON CONFLICT (source_id, worker_key, started_at) DO UPDATE SET"
    "  duration_s = EXCLUDED.duration_s,"
    "  screenshots = EXCLUDED.screenshots,"
    "  webcam_shots = EXCLUDED.webcam_shots,"
    "  keyboard_events = EXCLUDED.keyboard_events,"
    "  mouse_events = EXCLUDED.mouse_events,"
    "  activity_level = EXCLUDED.activity_level, manual = EXCLUDED.manual"
    " WHERE (a.duration_s, a.screenshots, a.webcam_shots,"
    "        a.keyboard_events, a.mouse_events, a.activity_level, a.manual)"
    "   IS DISTINCT FROM (EXCLUDED.duration_s, EXCLUDED.screenshots,"
    "        EXCLUDED.webcam_shots, EXCLUDED.keyboard_events,"
    "        EXCLUDED.mouse_events, EXCLUDED.activity_level,"
    "        EXCLUDED.manual)";

/* A source's declaration replaces the last one, practice by practice. */
static const char merge_practice_sql[] =
    "INSERT INTO dw.monitoring_practice AS m (source_id, practice, in_use,"
    " evidence)"
    " SELECT DISTINCT ON (practice) $1, practice, in_use, evidence"
    " FROM dw_stage_practice ORDER BY practice, ord DESC"
    " ON CONFLICT (source_id, practice) DO UPDATE SET"
    "  in_use = EXCLUDED.in_use, evidence = EXCLUDED.evidence,"
    "  updated_at = now()"
    " WHERE (m.in_use, m.evidence)"
    "   IS DISTINCT FROM (EXCLUDED.in_use, EXCLUDED.evidence)";

static void copy_opt_i64(struct dw_copy *c, bool has, int64_t v)
{
    if (has)
        dw_copy_i64(c, v);
    else
        dw_copy_null(c);
}

static void copy_opt_str(struct dw_copy *c, const char *s)
{
    dw_copy_str(c, s && *s ? s : NULL);
}

static enum dw_status stage_rows(PGconn *conn, const struct dw_page_rows *rows,
                                 struct dw_error *err)
{
    struct dw_copy c;
    enum dw_status st = DW_OK;

    if (rows->n_tasks) {
        st = dw_copy_begin(&c, conn,
                           "COPY dw_stage_task (ord, external_id, title,"
                           " reward_micros, currency, estimate_s,"
                           " max_time_s, created_at) FROM STDIN",
                           err);
        for (size_t i = 0; st == DW_OK && i < rows->n_tasks; i++) {
            const struct dw_task_row *t = &rows->tasks[i];
            dw_copy_i64(&c, (int64_t)i);
            dw_copy_str(&c, t->external_id);
            dw_copy_str(&c, t->title);
            copy_opt_i64(&c, t->has_reward, t->reward_micros);
            copy_opt_str(&c, t->has_reward ? t->currency : NULL);
            copy_opt_i64(&c, t->estimate_s >= 0, t->estimate_s);
            copy_opt_i64(&c, t->max_time_s >= 0, t->max_time_s);
            dw_copy_time(&c, t->created_at);
            st = dw_copy_end_row(&c, err);
        }
        st = st == DW_OK ? dw_copy_finish(&c, err) : st;
        if (st != DW_OK)
            goto fail;
    }
    if (rows->n_units) {
        st = dw_copy_begin(&c, conn,
                           "COPY dw_stage_unit (ord, external_id,"
                           " task_external_id, worker_key, status,"
                           " status_raw, accepted_at, submitted_at,"
                           " decided_at, paid_at, reward_micros, currency,"
                           " worker_fee_micros, country, tz) FROM STDIN",
                           err);
        for (size_t i = 0; st == DW_OK && i < rows->n_units; i++) {
            const struct dw_unit_row *u = &rows->units[i];
            dw_copy_i64(&c, (int64_t)i);
            dw_copy_str(&c, u->external_id);
            dw_copy_str(&c, u->task_external_id);
            dw_copy_str(&c, u->worker_key);
            dw_copy_str(&c, dw_unit_status_name(u->status));
            dw_copy_str(&c, u->status_raw ? u->status_raw : "");
            dw_copy_time(&c, u->accepted_at);
            dw_copy_time(&c, u->submitted_at);
            dw_copy_time(&c, u->decided_at);
            dw_copy_time(&c, u->paid_at);
            copy_opt_i64(&c, u->has_reward, u->reward_micros);
            copy_opt_str(&c, u->currency);
            dw_copy_i64(&c, u->worker_fee_micros);
            copy_opt_str(&c, u->worker_country);
            copy_opt_str(&c, u->worker_tz);
            st = dw_copy_end_row(&c, err);
        }
        st = st == DW_OK ? dw_copy_finish(&c, err) : st;
        if (st != DW_OK)
            goto fail;
    }
    if (rows->n_payments) {
        st = dw_copy_begin(&c, conn,
                           "COPY dw_stage_payment (ord, dedupe_key,"
                           " unit_external_id, worker_key, kind,"
                           " amount_micros, currency, effective_at)"
                           " FROM STDIN",
                           err);
        for (size_t i = 0; st == DW_OK && i < rows->n_payments; i++) {
            const struct dw_payment_row *p = &rows->payments[i];
            dw_copy_i64(&c, (int64_t)i);
            dw_copy_str(&c, p->dedupe_key);
            dw_copy_str(&c, p->unit_external_id);
            dw_copy_str(&c, p->worker_key);
            dw_copy_str(&c, p->kind);
            dw_copy_i64(&c, p->amount_micros);
            dw_copy_str(&c, p->currency);
            dw_copy_time(&c, p->effective_at);
            st = dw_copy_end_row(&c, err);
        }
        st = st == DW_OK ? dw_copy_finish(&c, err) : st;
        if (st != DW_OK)
            goto fail;
    }
    if (rows->n_quarantine) {
        st = dw_copy_begin(&c, conn,
                           "COPY dw_stage_quarantine (ord, record_sha256,"
                           " page, record_index, reason, record) FROM STDIN",
                           err);
        for (size_t i = 0; st == DW_OK && i < rows->n_quarantine; i++) {
            const struct dw_quarantine_row *q = &rows->quarantine[i];
            char sha[65];
            dw_sha256_hex(q->record, strlen(q->record), sha);
            dw_copy_i64(&c, (int64_t)i);
            dw_copy_str(&c, sha);
            dw_copy_str(&c, q->page);
            dw_copy_i64(&c, q->index);
            dw_copy_str(&c, q->reason);
            dw_copy_str(&c, q->record);
            st = dw_copy_end_row(&c, err);
        }
        st = st == DW_OK ? dw_copy_finish(&c, err) : st;
        if (st != DW_OK)
            goto fail;
    }
    if (rows->n_segments) {
        st = dw_copy_begin(&c, conn,
                           "COPY dw_stage_segment (ord, worker_key,"
                           " started_at, duration_s, screenshots,"
                           " webcam_shots, keyboard_events, mouse_events,"
                           " activity_level, manual) FROM STDIN",
                           err);
        for (size_t i = 0; st == DW_OK && i < rows->n_segments; i++) {
            const struct dw_segment_row *g = &rows->segments[i];
            dw_copy_i64(&c, (int64_t)i);
            dw_copy_str(&c, g->worker_key);
            dw_copy_time(&c, g->started_at);
            dw_copy_i64(&c, g->duration_s);
            dw_copy_i64(&c, g->screenshots);
            dw_copy_i64(&c, g->webcam_shots);
            copy_opt_i64(&c, g->keyboard_events >= 0, g->keyboard_events);
            copy_opt_i64(&c, g->mouse_events >= 0, g->mouse_events);
            copy_opt_i64(&c, g->activity_level >= 0, g->activity_level);
            dw_copy_bool(&c, g->manual);
            st = dw_copy_end_row(&c, err);
        }
        st = st == DW_OK ? dw_copy_finish(&c, err) : st;
        if (st != DW_OK)
            goto fail;
    }
    if (rows->n_practices) {
        st = dw_copy_begin(&c, conn,
                           "COPY dw_stage_practice (ord, practice, in_use,"
                           " evidence) FROM STDIN",
                           err);
        for (size_t i = 0; st == DW_OK && i < rows->n_practices; i++) {
            const struct dw_practice_row *m = &rows->practices[i];
            dw_copy_i64(&c, (int64_t)i);
            dw_copy_str(&c, m->practice);
            dw_copy_bool(&c, m->in_use);
            dw_copy_str(&c, m->evidence);
            st = dw_copy_end_row(&c, err);
        }
        st = st == DW_OK ? dw_copy_finish(&c, err) : st;
        if (st != DW_OK)
            goto fail;
    }
    return DW_OK;
fail:
    if (c.active)
        dw_copy_abort(&c);
    return st;
}

static long result_long(PGresult *res, int col)
{
    if (!res || PQntuples(res) < 1 || PQgetisnull(res, 0, col))
        return 0;
    return strtol(PQgetvalue(res, 0, col), NULL, 10);
}

enum dw_status dw_store_page(PGconn *conn, int64_t source_id, int64_t run_id,
                             const char *platform,
                             const struct dw_page_rows *rows,
                             struct dw_store_counts *counts,
                             struct dw_error *err)
{
    char sid[24], rid[24];
    const char *p_src[] = {sid};
    const char *p_run[] = {sid, rid};
    const char *p_plat[] = {platform};
    PGresult *res = NULL;
    enum dw_status st;

    memset(counts, 0, sizeof(*counts));
    snprintf(sid, sizeof(sid), "%" PRId64, source_id);
    snprintf(rid, sizeof(rid), "%" PRId64, run_id);

    st = stage_rows(conn, rows, err);
    if (st != DW_OK)
        return st;
    if (rows->n_units || rows->n_payments || rows->n_segments) {
        st = dw_db_exec(conn, merge_worker_sql, 1, p_plat, NULL, err);
        if (st != DW_OK)
            return st;
    }
    if (rows->n_tasks) {
        st = dw_db_exec(conn, merge_task_sql, 1, p_src, NULL, err);
        if (st != DW_OK)
            return st;
    }
    if (rows->n_units) {
        st = dw_db_exec(conn, merge_unit_sql, 2, p_run, &res, err);
        if (st != DW_OK)
            return st;
        counts->units_seen = result_long(res, 0);
        counts->units_changed = result_long(res, 1);
        PQclear(res);
        res = NULL;
    }
    if (rows->n_payments) {
        st = dw_db_exec(conn, merge_payment_sql, 1, p_src, &res, err);
        if (st != DW_OK)
            return st;
        counts->payments_seen = (long)rows->n_payments;
        counts->payments_new = result_long(res, 0);
        PQclear(res);
        res = NULL;
    }
    if (rows->n_segments) {
        st = dw_db_exec(conn, merge_segment_sql, 1, p_src, NULL, err);
        if (st != DW_OK)
            return st;
        counts->segments_seen = (long)rows->n_segments;
    }
    if (rows->n_practices) {
        st = dw_db_exec(conn, merge_practice_sql, 1, p_src, NULL, err);
        if (st != DW_OK)
            return st;
    }
    if (rows->n_quarantine) {
        st = dw_db_exec(conn, merge_quarantine_sql, 2, p_run, NULL, err);
        if (st != DW_OK)
            return st;
        counts->quarantined = (long)rows->n_quarantine;
    }
    return DW_OK;
}

enum dw_status dw_store_raw_page(PGconn *conn, int64_t source_id,
                                 int64_t run_id, const char *request,
                                 long http_status, const char *body,
                                 struct dw_error *err)
{
    char sid[24], rid[24], code[24], sha[65];
    snprintf(sid, sizeof(sid), "%" PRId64, source_id);
    snprintf(rid, sizeof(rid), "%" PRId64, run_id);
    snprintf(code, sizeof(code), "%ld", http_status);
    dw_sha256_hex(body, strlen(body), sha);
    const char *params[] = {sid, sha, rid, request, code, body};
    return dw_db_exec(
        conn,
        "INSERT INTO dw.raw_page (source_id, sha256, first_run_id,"
        " last_run_id, request, http_status, body)"
        " VALUES ($1, $2, $3, $3, $4, $5, $6)"
        " ON CONFLICT (source_id, sha256) DO UPDATE SET"
        "  last_run_id = EXCLUDED.last_run_id, fetched_at = now()",
        6, params, NULL, err);
}
