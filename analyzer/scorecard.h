/* analyzer/scorecard.h — per-vendor aggregates of worker-weeks for one run. */
#ifndef DW_SCORECARD_H
#define DW_SCORECARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "practice.h"
#include "rules.h"
#include "status.h"
#include "stream.h"

/*
 * A vendor's figures for a run. Keeps one EHR_paid and one EHR_total per
 * worker-week for exact medians (8 bytes each: a million worker-weeks is
 * 16 MB), and the vendor's payment practice. Owns its arrays.
 */
struct dw_scorecard {
    int64_t vendor_id;
    int64_t workers;            /* workers with at least one worker-week */
    int64_t worker_weeks;       /* worker-weeks with work time (EHR_total) */
    int64_t weeks_at_or_above;  /* of those, EHR_total >= minimum wage */
    int64_t weeks_living_known; /* worker-weeks with a living wage */
    int64_t weeks_at_or_above_living;
    int64_t back_pay;            /* sum of worker_week.back_pay, report cur. */
    int64_t hours_over_48;       /* worker-weeks over weekly_hours_normal */
    int64_t hours_over_60;       /* worker-weeks over weekly_hours_hard_max */
    int64_t hours_avg_over_48;   /* worker-weeks whose 17-week mean is over */
    int64_t days_over_8;         /* worker-days over daily_hours_normal */
    int64_t daily_rest_fails;    /* days with a 24 h window without 11 h rest */
    int64_t weekly_rest_weeks;   /* worker-weeks with a failing 7-day window */
    int64_t consecutive_weeks;   /* worker-weeks with > max days in a row */
    int64_t no_break;            /* stretches > 6 h without a break */
    int64_t night_worker_weeks;  /* worker-weeks of night workers */
    int64_t tz_unknown_weeks;    /* worker-weeks in UTC (no usable tz) */
    int64_t paid_s;              /* sums of the worker-weeks' whole */
    int64_t work_s;              /* seconds (dw.worker_week.paid_s, work_s) */
    int64_t units_total;         /* units in the window */
    int64_t units_usable;        /* of those, with accepted and submitted */
    struct dw_practice practice; /* units in the window */
    int64_t *ehr;
    size_t n_ehr;
    size_t cap_ehr;
    int64_t *ehr_total;
    size_t n_ehr_total;
    size_t cap_ehr_total;
};

void dw_scorecard_init(struct dw_scorecard *sc, int64_t vendor_id);
void dw_scorecard_release(struct dw_scorecard *sc);

/*
 * What a scorecard takes from one worker-week: exactly the figures stored
 * in its dw.worker_week row and its flags, so a sharded run can rebuild
 * the scorecard from stored rows and get the same vendor figures.
 */
struct dw_scorecard_week {
    bool over_normal;  /* flag hours_over_48 */
    bool over_hard;    /* flag hours_over_60 */
    bool avg_over;     /* flag hours_avg_over_48 */
    bool consecutive;  /* flag consecutive_days_over_6 */
    bool night_worker; /* flag night_worker */
    bool tz_local;
    int64_t days_over_normal;
    int64_t daily_rest_fails;
    int64_t weekly_rest_fails;
    int64_t no_break_stretches;
    int64_t paid_s; /* whole seconds, as stored */
    int64_t work_s;
    bool has_ehr; /* ehr_paid_micros is not NULL */
    int64_t ehr_paid;
    bool has_ehr_total; /* ehr_total_micros is not NULL */
    int64_t ehr_total;
    bool at_or_above; /* at_or_above_min */
    bool has_living;  /* at_or_above_living is not NULL */
    bool at_or_above_living;
    int64_t back_pay;
};

/* The summary of a computed worker-week (decisions made on its µs). */
void dw_scorecard_week_of(const struct dw_rule_params *p,
                          const struct dw_worker_week *w,
                          struct dw_scorecard_week *out);

/* Counts one worker-week: hour and rest counts for every week, EHR_paid
 * for weeks with paid time, EHR_total and the floors for weeks with work
 * time. DW_ERR_NOMEM on allocation failure, DW_ERR_RANGE when back pay
 * overflows. */
enum dw_status dw_scorecard_add(struct dw_scorecard *sc,
                                const struct dw_scorecard_week *w);

/* dw_scorecard_week_of then dw_scorecard_add. */
enum dw_status dw_scorecard_add_week(struct dw_scorecard *sc,
                                     const struct dw_rule_params *p,
                                     const struct dw_worker_week *w);
void dw_scorecard_add_worker(struct dw_scorecard *sc);

/*
 * Counts one unit of the window (the caller decides membership, by the
 * worker's local week of the unit's first time): coverage (units_total,
 * and units_usable when it has accepted <= submitted) and payment
 * practice judged at as_of_us with the unpaid_after_us allowance.
 * DW_ERR_NOMEM on allocation failure.
 */
enum dw_status dw_scorecard_add_unit(struct dw_scorecard *sc,
                                     const struct dw_unit_row *u,
                                     int64_t as_of_us, int64_t unpaid_after_us);

/* The first known time of a unit: accepted, else submitted, decided,
 * paid (DW_TIME_NONE when none). */
int64_t dw_unit_first_time(const struct dw_unit_row *u);

/* A unit with accepted and submitted times in order. */
bool dw_unit_usable(const struct dw_unit_row *u);

/* The exact median EHR_total (as dw_scorecard_median); false when none. */
bool dw_scorecard_median_total(struct dw_scorecard *sc, int64_t *median);

/*
 * The exact median EHR (micro-units per hour): the middle value, or the
 * mean of the two middle values rounded half away from zero. Sorts the
 * kept values. false when there are none.
 */
bool dw_scorecard_median(struct dw_scorecard *sc, int64_t *median);

/* Exact integer median of v[0..n) (sorted in place); false when n == 0. */
bool dw_median_i64(int64_t *v, size_t n, int64_t *median);

#endif
