/* collector/store.h — write one page's rows: staging COPY, then merges. */
#ifndef DW_STORE_H
#define DW_STORE_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "status.h"

/* What one dw_store_page call wrote. */
struct dw_store_counts {
    long units_seen;
    long units_changed; /* inserted, or any column changed */
    long payments_seen;
    long payments_new;
    long quarantined;   /* quarantine rows staged (new or seen again) */
    long segments_seen; /* activity segments staged */
};

/*
 * Creates this session's TEMP staging tables (rows deleted at commit).
 * Call once per connection, outside a transaction.
 */
enum dw_status dw_store_prepare(PGconn *conn, struct dw_error *err);

/*
 * Merges rows into dw.worker, dw.task, dw.work_unit (+ history),
 * dw.payment, dw.activity_segment, dw.monitoring_practice and dw.quarantine
 * for source_id, attributing changes to run_id. Must run inside the caller's
 * transaction. platform names the workers' platform. counts is filled (not
 * accumulated).
 */
enum dw_status dw_store_page(PGconn *conn, int64_t source_id, int64_t run_id,
                             const char *platform,
                             const struct dw_page_rows *rows,
                             struct dw_store_counts *counts,
                             struct dw_error *err);

/*
 * Lands a pseudonymized body in dw.raw_page, keyed by its sha256; a body
 * seen before only gets last_run_id and fetched_at bumped.
 */
enum dw_status dw_store_raw_page(PGconn *conn, int64_t source_id,
                                 int64_t run_id, const char *request,
                                 long http_status, const char *body,
                                 struct dw_error *err);

#endif
