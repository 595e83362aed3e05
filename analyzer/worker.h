/* analyzer/worker.h — the method on one worker: weeks, flags, tallies. */
#ifndef DW_WORKER_H
#define DW_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "pay.h"
#include "practice.h"
#include "rules.h"
#include "scorecard.h"
#include "stream.h"
#include "tz.h"
#include "worktime.h"

/* Money, units and payment practice of one week while a worker is being
 * computed. */
struct dw_week_acc {
    int64_t monday;
    int64_t earnings;
    int32_t units;
    struct dw_practice practice; /* counts only (dw_practice_count) */
};

/* A rest window that failed (a = window start, b = longest rest) or a
 * stretch without a break (a = start, b = end), µs UTC. */
struct dw_event {
    int64_t a;
    int64_t b;
};

/* A growable list of events. Owns v. */
struct dw_events {
    struct dw_event *v;
    size_t n;
    size_t cap;
    bool oom;
};

/*
 * Everything the per-worker step needs. The caller fills the borrowed
 * inputs (params, fx, wages, living, tzdb, currency, weeks, as_of, cards,
 * emit_*) and calls dw_method_worker once per batch; the scratch arrays
 * are owned here and reused, so memory stays bounded by one worker.
 */
struct dw_method {
    const struct dw_rule_params *params;
    struct dw_fx_table *fx;             /* sorted on first use */
    const struct dw_wage_table *wages;  /* minimum wages */
    const struct dw_wage_table *living; /* living wages (may be empty) */
    struct dw_tzdb *tzdb;               /* zones by name, cached */
    const char *currency;               /* report currency, e.g. "USD" */
    int64_t week_from;                  /* first Monday in scope, days */
    int64_t week_to;                    /* last Monday in scope, days */
    int64_t as_of_us;           /* "unpaid after 30 days" is judged here */
    struct dw_scorecard *cards; /* one per vendor in scope */
    size_t n_cards;
    /* Called for every worker-week, worker-day and flag; the record is
     * borrowed. */
    enum dw_status (*emit_week)(void *ctx, const struct dw_worker_week *w,
                                struct dw_error *err);
    enum dw_status (*emit_day)(void *ctx, const struct dw_worker_day *d,
                               struct dw_error *err);
    enum dw_status (*emit_flag)(void *ctx, const struct dw_flag *f,
                                struct dw_error *err);
    void *emit_ctx;

    /* scratch */
    struct dw_interval *paid;
    struct dw_interval *all;
    struct dw_interval *blocks;
    size_t cap_iv;
    size_t n_paid, n_all, n_blocks;
    struct dw_weeks wk_paid, wk_act, wk_work;
    struct dw_days days;
    struct dw_events daily_rest, weekly_rest, no_break;
    struct dw_week_acc *acc;
    size_t n_acc;
    size_t cap_acc;
    int64_t *vendors;
    size_t cap_vendors;
    /* the zone of the worker being computed */
    struct dw_tz tz;
    bool tz_local;
    char tz_name[64];
    char tz_source[16];
};

/* Zeroes m (inputs included); fill the inputs afterwards. */
void dw_method_init(struct dw_method *m);
void dw_method_release(struct dw_method *m);

/*
 * Computes one worker, per vendor in the batch (docs/method.md has every
 * formula): the zone (worker tz, else the source default, else UTC);
 * paid clusters, activity clusters and work blocks; local days and ISO
 * weeks; unpaid time with evidence and the gross-up estimate; earnings
 * (approved reward - worker fee, bonuses) converted at the payment date,
 * else the submission date; EHR_paid, EHR_total, minimum and living wage
 * ratios, back pay; daily hours, daily and weekly rest, consecutive days,
 * breaks, night hours, the rolling weekly average; payment practice.
 * Emits worker-weeks and worker-days of weeks in [week_from, week_to] and
 * their flags. Fails on a missing FX rate or a vendor without a
 * scorecard; a tz name that is not a zone is not an error (the worker is
 * computed in UTC with tz_source 'invalid').
 */
enum dw_status dw_method_worker(struct dw_method *m,
                                const struct dw_worker_batch *b,
                                struct dw_error *err);

/*
 * Resolves the worker's zone for one vendor as dw_method_worker does (the
 * worker's tz, else the first tz among the vendor's sources in b, else
 * UTC) and keeps it in m for dw_method_in_window. DW_ERR_NOMEM only.
 */
enum dw_status dw_method_zone(struct dw_method *m,
                              const struct dw_worker_batch *b, int64_t vendor,
                              struct dw_error *err);

/*
 * True when utc_us (not DW_TIME_NONE) falls in a week of the window
 * [week_from, week_to] counted in the zone last resolved: the window's
 * edges are the worker's local Monday midnights.
 */
bool dw_method_in_window(const struct dw_method *m, int64_t utc_us);

/* dw_method_worker as a dw_worker_fn (ctx is the struct dw_method). */
enum dw_status dw_method_worker_fn(void *ctx, const struct dw_worker_batch *b,
                                   struct dw_error *err);

#endif
