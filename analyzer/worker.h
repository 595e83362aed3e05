/* analyzer/worker.h — the method on one worker: weeks, flags, tallies. */
#ifndef DW_WORKER_H
#define DW_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "pay.h"
#include "rules.h"
#include "scorecard.h"
#include "stream.h"
#include "worktime.h"

/* Money and units of one week while a worker is being computed. */
struct dw_week_acc {
    int64_t monday;
    int64_t paid_us;
    int64_t earnings;
    int32_t units;
};

/*
 * Everything the per-worker step needs. The caller fills the borrowed
 * inputs (params, fx, wages, currency, weeks, cards, emit_*) and calls
 * dw_method_worker once per batch; the scratch arrays are owned here and
 * reused, so memory stays bounded by one worker.
 */
struct dw_method {
    const struct dw_rule_params *params;
    struct dw_fx_table *fx; /* sorted on first use */
    const struct dw_wage_table *wages;
    const char *currency;       /* report currency, e.g. "USD" */
    int64_t week_from;          /* first Monday in scope, days */
    int64_t week_to;            /* last Monday in scope, days */
    struct dw_scorecard *cards; /* one per vendor in scope */
    size_t n_cards;
    /* Called for every worker-week and flag; the record is borrowed. */
    enum dw_status (*emit_week)(void *ctx, const struct dw_worker_week *w,
                                struct dw_error *err);
    enum dw_status (*emit_flag)(void *ctx, const struct dw_flag *f,
                                struct dw_error *err);
    void *emit_ctx;

    /* scratch */
    struct dw_interval *iv;
    size_t cap_iv;
    struct dw_weeks time;
    struct dw_week_acc *acc;
    size_t n_acc;
    size_t cap_acc;
    int64_t *vendors;
    size_t cap_vendors;
};

/* Zeroes m (inputs included); fill the inputs afterwards. */
void dw_method_init(struct dw_method *m);
void dw_method_release(struct dw_method *m);

/*
 * Computes one worker, per vendor in the batch: paid time (submitted and
 * approved units with usable times, merged with parallel_merge_gap, split
 * into UTC ISO weeks), earnings per week of submission (approved reward -
 * worker fee, bonuses by their attributed week; converted to the report
 * currency at the payment date, else the submission date), EHR_paid, the
 * minimum wage that applies and the flags. Weeks outside
 * [week_from, week_to] are left out. Fails on a missing FX rate or a
 * vendor without a scorecard.
 */
enum dw_status dw_method_worker(struct dw_method *m,
                                const struct dw_worker_batch *b,
                                struct dw_error *err);

/* dw_method_worker as a dw_worker_fn (ctx is the struct dw_method). */
enum dw_status dw_method_worker_fn(void *ctx, const struct dw_worker_batch *b,
                                   struct dw_error *err);

#endif
