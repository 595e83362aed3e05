/* collector/sync.h — the per-source loop: fetch, parse, store, checkpoint. */
#ifndef DW_SYNC_H
#define DW_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "http.h"
#include "status.h"

#define DW_FRONTIER_STREAM "frontier"
#define DW_DEFAULT_LOOKBACK_DAYS 35

enum dw_sync_outcome {
    DW_SYNC_OK,      /* the crawl ran (to completion or resumed cleanly) */
    DW_SYNC_PARTIAL, /* throttled: progress saved, the next run resumes */
    DW_SYNC_FAILED,
    DW_SYNC_SKIPPED, /* another run holds the source's lock */
};

/* "ok", "partial", "failed", "skipped" (the dw.sync_run.outcome words). */
const char *dw_sync_outcome_name(enum dw_sync_outcome o);

/* All borrowed. */
struct dw_sync_opts {
    const char *database_url; /* may be NULL with dry_run */
    const char *credential;   /* the source's secret */
    const char *pseudonym_key;
    bool dry_run;                    /* fetch and validate, write nothing */
    bool full_refresh;               /* drop the saved frontier; no look-back
                                        limit unless since is set */
    int64_t since;                   /* µs; DW_TIME_NONE = look-back window */
    const struct dw_http_opts *http; /* NULL = dw_http_opts_default */
};

struct dw_sync_result {
    enum dw_sync_outcome outcome;
    bool crawl_complete; /* the frontier emptied in this run */
    long pages;          /* responses parsed and stored */
    long requests;       /* HTTP attempts */
    long retries;
    long units_seen;
    long units_changed;
    long payments_seen;
    long segments_seen; /* tracked-time cells (activity segments) */
    long quarantined;
    long skipped; /* records outside the look-back window */
};

/*
 * Syncs one source: connect, upsert its vendor and source rows, take the
 * advisory lock "dw-collect:<name>", record a dw.sync_run row, resume or
 * start a crawl, and commit each page with the new frontier in one
 * transaction. Logs one summary line. Returns DW_OK for ok and skipped,
 * DW_ERR_THROTTLED for partial, and the failure otherwise (res->outcome
 * says which; err says why).
 */
enum dw_status dw_sync_source(const struct dw_source_config *src,
                              const struct dw_sync_opts *opts,
                              struct dw_sync_result *res, struct dw_error *err);

#endif
