/* analyzer/monitoring.h — monitoring intensity: bands, off-shift capture,
 * prohibited practices (pure functions, no I/O). */
#ifndef DW_MONITORING_H
#define DW_MONITORING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "rules.h"
#include "status.h"
#include "worktime.h"

/* Bands 0 none, 1 low, 2 moderate, 3 high, 4 very high. */
#define DW_MON_BANDS 5

/* The band limits of one run, read from the thresholds. */
struct dw_monitoring_limits {
    int64_t sph_max[DW_MON_BANDS - 1]; /* sph_band_0_max .. sph_band_3_max:
                                          micro-screenshots per tracked h */
    int webcam_band;                   /* webcam_any_band (0..4) */
};

/* The thresholds the limits need, NULL-terminated. */
extern const char *const dw_monitoring_threshold_names[];

/*
 * Fills l from t. DW_ERR_NOT_FOUND (naming it) for a missing threshold;
 * DW_ERR_INVALID when the SPH limits are negative or not in ascending
 * order, or webcam_any_band is not a whole band 0..4.
 */
enum dw_status dw_monitoring_limits_from(const struct dw_thresholds *t,
                                         struct dw_monitoring_limits *l,
                                         struct dw_error *err);

/* One tracked-time cell (a dw.activity_segment row). */
struct dw_segment {
    int64_t start;       /* µs UTC */
    int64_t duration_us; /* > 0 */
    int64_t screenshots; /* >= 0 */
    int64_t webcam_shots;
    bool metered; /* keyboard or mouse counts were recorded */
    bool active;  /* input events or an activity level above 0: the worker
                     was working in the cell, so it is never off shift */
};

/* Whether the cell collected anything: screenshots, webcam shots or
 * keyboard/mouse counts (a manual cell with none collects nothing). */
bool dw_segment_collects(const struct dw_segment *s);

/*
 * Count per tracked hour in micro-units, rounded half up:
 * 6 screenshots in 30 min -> 12000000. 0 when tracked_us <= 0.
 */
int64_t dw_per_hour_micros(int64_t count, int64_t tracked_us);

/*
 * The band of a stretch of tracked time. SPH = screenshots / tracked
 * hours falls in the first band i (0..3) with SPH <= sph_max[i], else 4;
 * comparisons are exact (128-bit). Band 0 with metered time (activity
 * tracking without screenshots) is band 1. Any webcam shot raises the
 * band to at least webcam_band. No tracked time is band 0.
 */
int dw_monitoring_band(const struct dw_monitoring_limits *l,
                       int64_t screenshots, int64_t webcam_shots,
                       int64_t tracked_us, int64_t metered_us);

/*
 * True when the cell s lies outside every work interval widened by one
 * cell (s->duration_us) on each side: it neither overlaps nor touches
 * [start - cell, end + cell) of any. work[0..n) must be sorted by start
 * and disjoint (dw_intervals_merge). A 10-minute cell starting exactly
 * when work ends is on shift; the next cell is off shift.
 */
bool dw_segment_offshift(const struct dw_interval *work, size_t n,
                         const struct dw_segment *s);

/* Paid time of one worker-week, from dw.worker_week. */
struct dw_paid_week {
    int64_t monday; /* days */
    int64_t paid_us;
};

/* Monitoring of one worker at one vendor in one ISO week (UTC). */
struct dw_monitoring_week {
    int64_t monday; /* days */
    int64_t segments;
    int64_t tracked_us;
    int64_t metered_us; /* tracked time with keyboard/mouse counts */
    int64_t screenshots;
    int64_t webcam_shots;
    bool has_paid; /* a worker-week with paid time exists */
    int64_t paid_us;
    bool offshift_assessed; /* work intervals known, or no cells */
    int64_t offshift_segments;
    int64_t first_offshift_at; /* µs, DW_TIME_NONE when none */
    int band;
};

/* A list of weeks sorted by monday. Owns v. */
struct dw_monitoring_weeks {
    struct dw_monitoring_week *v;
    size_t n;
    size_t cap;
};

void dw_monitoring_weeks_init(struct dw_monitoring_weeks *w);
void dw_monitoring_weeks_release(struct dw_monitoring_weeks *w);

/*
 * Computes one worker at one vendor into out (emptied first): a week for
 * every ISO week (UTC) holding a segment's start or a paid week. Sorts
 * and merges work[0..n_work) in place (touching or overlapping spans
 * join); with n_work == 0 off-shift collection is not assessed in a
 * week with cells (offshift_assessed false). seg need
 * not be sorted. DW_ERR_INVALID for a cell with duration <= 0 or
 * negative counts, a work span that ends before it starts, or paid time
 * < 0; DW_ERR_NOMEM.
 */
enum dw_status dw_monitoring_worker(const struct dw_monitoring_limits *l,
                                    struct dw_interval *work, size_t n_work,
                                    const struct dw_segment *seg, size_t n_seg,
                                    const struct dw_paid_week *paid,
                                    size_t n_paid,
                                    struct dw_monitoring_weeks *out,
                                    struct dw_error *err);

/* A declared practice that is CRITICAL when in use. Static storage. */
struct dw_practice_rule {
    const char *practice; /* dw.monitoring_practice.practice */
    const char *rule;     /* dw.flag.rule */
    const char *basis;    /* the legal or method basis, for evidence */
};

/*
 * Judges one dw.monitoring_practice row: *found is the rule to raise
 * (severity critical) when the practice is in use and prohibited
 * (Platform Work Directive 2024/2831 Art. 7: emotion_inference,
 * private_messages, offshift_collection, biometric_id,
 * sensitive_inference, union_prediction; Art. 10: automated_discipline;
 * and keystroke_content), else NULL. screenshots, webcam and
 * activity_tracking are measured from the data, never flagged here.
 * DW_ERR_INVALID for a practice name this build does not know.
 */
enum dw_status dw_practice_judge(const char *practice, bool in_use,
                                 const struct dw_practice_rule **found,
                                 struct dw_error *err);

#endif
