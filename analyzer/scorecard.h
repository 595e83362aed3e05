/* analyzer/scorecard.h — per-vendor aggregates of worker-weeks for one run. */
#ifndef DW_SCORECARD_H
#define DW_SCORECARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "rules.h"
#include "status.h"

/*
 * A vendor's figures for a run. Keeps one EHR per worker-week for the
 * exact median (8 bytes each: a million worker-weeks is 8 MB). Owns ehr.
 */
struct dw_scorecard {
    int64_t vendor_id;
    int64_t workers;           /* workers with at least one worker-week */
    int64_t worker_weeks;      /* worker-weeks with paid time (EHR known) */
    int64_t weeks_at_or_above; /* of those, EHR_paid >= minimum wage */
    int64_t hours_over_48;     /* worker-weeks over weekly_hours_normal */
    int64_t hours_over_60;     /* worker-weeks over weekly_hours_hard_max */
    int64_t units_total;       /* units in the window */
    int64_t units_usable;      /* of those, with accepted and submitted */
    int64_t *ehr;
    size_t n_ehr;
    size_t cap_ehr;
};

void dw_scorecard_init(struct dw_scorecard *sc, int64_t vendor_id);
void dw_scorecard_release(struct dw_scorecard *sc);

/* Counts one worker-week: hour counts for every week, the EHR figures
 * only for weeks with paid time. DW_ERR_NOMEM on allocation failure. */
enum dw_status dw_scorecard_add_week(struct dw_scorecard *sc,
                                     const struct dw_rule_params *p,
                                     const struct dw_worker_week *w);
void dw_scorecard_add_worker(struct dw_scorecard *sc);

/*
 * The exact median EHR (micro-units per hour): the middle value, or the
 * mean of the two middle values rounded half away from zero. Sorts the
 * kept values. false when there are none.
 */
bool dw_scorecard_median(struct dw_scorecard *sc, int64_t *median);

/* Exact integer median of v[0..n) (sorted in place); false when n == 0. */
bool dw_median_i64(int64_t *v, size_t n, int64_t *median);

#endif
