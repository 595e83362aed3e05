/* analyzer/practice.h — payment practice: rejections, reversals, delays. */
#ifndef DW_PRACTICE_H
#define DW_PRACTICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* What one work unit tells about payment practice. Times are µs UTC or
 * DW_TIME_NONE. */
struct dw_practice_unit {
    int status;    /* enum dw_unit_status (stream.h) */
    bool reversed; /* history has rejected -> approved */
    int64_t submitted_at;
    int64_t decided_at; /* approved or rejected at */
    int64_t paid_at;
};

/*
 * Counts and delays over a set of units (a worker-week or a vendor). Owns
 * the delay arrays (seconds), kept for exact medians.
 */
struct dw_practice {
    int64_t units;       /* every unit added */
    int64_t approved;    /* status approved (reversals included) */
    int64_t rejected;    /* status rejected now */
    int64_t returned;    /* returned or expired: accepted, never submitted */
    int64_t reversed;    /* rejected first, approved later */
    int64_t due;         /* submitted and not rejected, 30 days old by as_of */
    int64_t unpaid_late; /* of those, not paid within unpaid_after */
    int64_t *approval_s; /* decided_at - submitted_at */
    size_t n_approval;
    size_t cap_approval;
    int64_t *payment_s; /* paid_at - submitted_at */
    size_t n_payment;
    size_t cap_payment;
};

void dw_practice_init(struct dw_practice *p);
void dw_practice_release(struct dw_practice *p);
/* Empties p, keeping its storage. */
void dw_practice_reset(struct dw_practice *p);

/*
 * Adds one unit. as_of_us is the instant the run looks from and
 * unpaid_after_us the allowance (30 days): a submitted or approved unit
 * whose submitted_at + unpaid_after <= as_of is "due"; it is "unpaid late"
 * when it has no paid_at or paid_at > submitted_at + unpaid_after.
 * Delays are kept only when both times are known and in order (a delay
 * below zero is bad data and is not kept). DW_ERR_NOMEM on failure.
 */
enum dw_status dw_practice_add(struct dw_practice *p,
                               const struct dw_practice_unit *u,
                               int64_t as_of_us, int64_t unpaid_after_us);

/* dw_practice_add without the delays: counts only, never allocates (for
 * per-week tallies). */
void dw_practice_count(struct dw_practice *p, const struct dw_practice_unit *u,
                       int64_t as_of_us, int64_t unpaid_after_us);

/* Figures of a struct dw_practice; rates are micro-units (0.05 = 50000). */
struct dw_practice_summary {
    bool has_rejection_rate; /* approved + rejected > 0 */
    int64_t rejection_rate;  /* rejected / (approved + rejected) */
    bool has_reversal_rate;  /* rejected + reversed > 0 */
    int64_t reversal_rate;   /* reversed / (rejected + reversed) */
    bool has_return_rate;    /* units > 0 */
    int64_t return_rate;     /* returned / units */
    bool has_approval_delay;
    int64_t approval_median_s;
    int64_t approval_p90_s;
    bool has_payment_delay;
    int64_t payment_median_s;
    int64_t payment_p90_s;
};

/*
 * Summarises p (sorts its delay arrays). Medians are exact (the mean of
 * the two middle values, rounded half away from zero); p90 is the
 * nearest-rank value: the ceil(0.9 n)-th smallest.
 */
void dw_practice_summarize(struct dw_practice *p,
                           struct dw_practice_summary *out);

/* Nearest-rank percentile (pct in 1..100) of sorted v[0..n); n > 0. */
int64_t dw_percentile_sorted(const int64_t *v, size_t n, int pct);

#endif
