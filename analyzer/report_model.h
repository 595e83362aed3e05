/* analyzer/report_model.h — what a vendor scorecard shows, as plain data. */
#ifndef DW_REPORT_MODEL_H
#define DW_REPORT_MODEL_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "status.h"

/*
 * The report model: everything a scorecard prints, for one or more
 * vendors, with no database types in it. dw_report_model_load fills it
 * from one analysis run per vendor; the renderers (report_text.h,
 * report_json.h, report_csv.h, report_html.h) are pure functions of it.
 *
 * Ownership: a loaded model owns every string and array in it (they are
 * freed by dw_report_model_release). A model built by hand (tests) may
 * point at borrowed strings and arrays and is simply not released.
 *
 * Money is int64 micro-units of `currency`; hours are micro-hours; shares
 * are micro-units (0.9 = 900000). A field that may be unknown has a
 * has_ flag next to it. New figures are added here, in the loader, and
 * in each renderer.
 */

/* The weekly-hours histogram: buckets of 6 h, (lo, hi] like the flags
 * ("over 48" is strictly more), the first [0, 6] and the last > 72 h. */
#define DW_REPORT_HOURS_STEP_H 6
#define DW_REPORT_HOURS_BUCKETS 13
/* The EHR histogram has at most this many buckets, the last open. */
#define DW_REPORT_EHR_BUCKETS_MAX 12

/* One threshold as the run used it (dw.analysis_run.thresholds), with
 * its unit from dw.threshold (NULL when the row is gone). */
struct dw_report_threshold {
    const char *name;
    const char *value; /* numeric text, as stored: "0.90" */
    const char *unit;
};

/* Flags of one rule and severity. */
struct dw_report_flag_count {
    const char *rule;
    const char *severity; /* info, amber, red, critical */
    int64_t flags;
    int64_t workers; /* distinct workers flagged (0 for vendor flags) */
};

/* A configured source feeding the vendor. */
struct dw_report_source {
    const char *name;
    const char *platform;
    const char *default_country; /* NULL when none */
};

/* Histogram bucket i covers [lo, hi) for EHR, (lo, hi] for hours; the
 * last bucket of a histogram may be open (hi < 0: "lo and more"). */
struct dw_report_bucket {
    int64_t lo;
    int64_t hi;
    int64_t count; /* worker-weeks */
};

/* Monitoring intensity (dw.vendor_monitoring), when the run computed it. */
struct dw_report_monitoring {
    int band; /* 0 none .. 4 very high; -1 with no worker-weeks */
    bool critical;
    int64_t workers_band[5];
    int64_t worker_weeks;
    int64_t monitored_weeks;
    int64_t tracked_s;
    const char *sph;  /* screenshots per tracked hour, numeric text or NULL */
    const char *wcph; /* webcam shots per tracked hour, or NULL */
    const char *atc;  /* activity-tracking coverage, or NULL */
    int64_t offshift_segments;
    int64_t weeks_offshift;
    int64_t practices_critical;
};

/*
 * Figures of the full method (migration 0003, method 2026.11-2 on): work
 * time with unpaid time, living wage, back pay, rest, night work and
 * payment practice. Runs of older method versions leave them NULL, and
 * the vendor's has_full is false.
 */
struct dw_report_full {
    bool has_median_total;
    int64_t median_ehr_total; /* EHR_total: earnings / work time */
    int64_t back_pay;         /* owed to reach the minimum wage */
    int64_t worker_weeks_living, weeks_at_or_above_living;
    int64_t paid_s, work_s;
    int64_t hours_avg_over_48; /* worker-weeks, rolling average */
    int64_t days_over_8h;      /* worker-days */
    int64_t daily_rest_fails;  /* days with a 24 h window without 11 h rest */
    int64_t weekly_rest_weeks; /* worker-weeks without 35 h rest */
    int64_t consecutive_days_weeks; /* worker-weeks with > 6 days in a row */
    int64_t no_break_stretches;     /* blocks > 6 h without a break */
    int64_t night_worker_weeks;
    int64_t tz_unknown_weeks; /* worker-weeks in UTC: no zone known */
    int64_t units_approved, units_rejected, units_returned, units_reversed;
    const char *rejection_rate, *reversal_rate, *return_rate; /* or NULL */
    bool has_approval_delay, has_payment_delay;
    int64_t approval_delay_median_s, approval_delay_p90_s;
    int64_t payment_delay_median_s, payment_delay_p90_s;
    int64_t units_due_30d, units_unpaid_30d;
};

/* A Fairwork-inspired criterion: what it is judged on, and the result. */
enum dw_report_verdict {
    DW_VERDICT_MET,
    DW_VERDICT_NOT_MET,
    DW_VERDICT_NOT_ASSESSED
};

struct dw_report_criterion {
    const char *id;    /* "1.2" */
    const char *title; /* the Fairwork threshold's wording */
    enum dw_report_verdict verdict;
    const char *basis; /* what the verdict rests on, or why not assessed */
};

#define DW_REPORT_CRITERIA 10

/* One vendor's scorecard from one run. */
struct dw_report_vendor {
    const char *name;
    const char *country; /* NULL when unknown */
    bool covered;        /* false: no done run covers it (nothing below) */

    /* Provenance. */
    int64_t run_id;
    const char *finished_at; /* "2026-11-24T10:00:00Z" */
    bool all_vendors;        /* the run covered every vendor */
    const char *window_from, *window_to;
    const char *period_from, *period_to; /* widened to whole ISO weeks */
    const char *method_version;
    const char *threshold_set;
    const char *currency;
    const char *time_basis;     /* "utc" or "local" weeks */
    const char *fx_latest_date; /* newest FX rate on or before period_to,
                                   NULL when there is none */
    const struct dw_report_threshold *thresholds;
    size_t n_thresholds;
    const struct dw_report_source *sources;
    size_t n_sources;

    /* Coverage and the scorecard (dw.vendor_period). */
    int64_t units_total, units_usable;
    int64_t workers, worker_weeks, weeks_at_or_above;
    bool has_median;
    int64_t median_ehr; /* EHR_paid, micro-units per hour */
    int64_t hours_over_normal, hours_over_hard;
    bool has_vast_majority;
    int64_t vast_majority; /* vast_majority_share, micro-units */
    bool has_weekly_normal, has_weekly_hard;
    int64_t weekly_normal_h, weekly_hard_h; /* micro-hours: 48 h = 48e6 */

    /* Minimum wages that applied (worker-weeks with paid time). */
    bool has_floor;
    int64_t floor_min, floor_max; /* hourly, report currency */
    int64_t floor_countries;      /* distinct floor countries */
    int64_t basis_worker, basis_source_default, basis_fallback;

    /* Distributions: suppressed when fewer than k distinct workers. */
    int64_t k;
    int64_t distinct_workers;
    bool suppressed;
    bool ehr_is_total; /* the histogram is of EHR_total, else EHR_paid */
    int64_t ehr_step;  /* micro-units per hour; 0 when no buckets */
    const struct dw_report_bucket *ehr;
    size_t n_ehr;
    const struct dw_report_bucket *hours; /* micro-hours */
    size_t n_hours;

    const struct dw_report_flag_count *flags;
    size_t n_flags;

    bool has_monitoring;
    struct dw_report_monitoring monitoring;

    bool has_full; /* the run computed the full method */
    struct dw_report_full full;

    struct dw_report_criterion criteria[DW_REPORT_CRITERIA];
};

/* A report: one vendor, or every vendor by name. */
struct dw_report_model {
    const char *generated_at; /* when it was rendered, UTC */
    int64_t k;                /* report.min_group */
    int64_t requested_run;    /* --run, or 0 for the latest runs */
    struct dw_report_vendor *vendors;
    size_t n;
    /* Storage of a loaded model (opaque to renderers). */
    void **pool;
    size_t n_pool, cap_pool;
};

/* The line every report prints about hours. */
extern const char dw_report_lower_bound_caveat[];
/* How amounts were converted to the report currency. */
extern const char dw_report_fx_basis[];
/* The label of the Fairwork-inspired criteria. */
extern const char dw_report_fairwork_label[];

/* What to load. */
struct dw_report_opts {
    const char *vendor; /* NULL: every vendor */
    int64_t run_id;     /* 0: the latest done run covering each vendor */
};

/*
 * Loads the model: for opts->vendor (or every vendor, by name) the
 * newest done run covering it, or run_id. DW_ERR_USAGE for an unknown
 * vendor or run id; DW_ERR_NOT_FOUND when a named vendor exists but no
 * done run (or not run_id) covers it. On failure the model is released.
 */
enum dw_status dw_report_model_load(PGconn *conn,
                                    const struct dw_report_opts *opts,
                                    struct dw_report_model *m,
                                    struct dw_error *err);
void dw_report_model_release(struct dw_report_model *m);

/*
 * Fills v->criteria from the figures already in v (a pure function:
 * renderers never judge). Called by the loader; tests call it on a
 * hand-built vendor.
 */
void dw_report_judge(struct dw_report_vendor *v);

/*
 * The EHR bucket width for a histogram reaching `top` micro-units in
 * about DW_REPORT_EHR_BUCKETS_MAX - 2 steps: the smallest 1, 2, 2.5 or
 * 5 x 10^n micro-units that does it (top 20000000 -> 2000000).
 */
int64_t dw_report_ehr_step(int64_t top);

/* Small helpers shared by the renderers. */
/* part/whole as a percentage with one decimal: (5, 6) -> "83.3". */
const char *dw_report_percent(int64_t part, int64_t whole, char *out, size_t n);
/* micro-units as a percentage with one decimal: 900000 -> "90.0". */
const char *dw_report_percent_micros(int64_t micros, char *out, size_t n);
/* Micro-hours as hours without trailing zeros: 48000000 -> "48",
 * 7500000 -> "7.5". out holds 32 bytes. */
const char *dw_report_hours(int64_t micro_hours, char *out);
/* The verdict's word: "met", "not met", "not assessed". */
const char *dw_report_verdict_name(enum dw_report_verdict v);
/* Worker-weeks at or above the minimum wage pass vast_majority_share. */
bool dw_report_share_passes(const struct dw_report_vendor *v);

/* The output formats of `dw-analyze report`. */
enum dw_report_format {
    DW_REPORT_TEXT,
    DW_REPORT_JSON,
    DW_REPORT_CSV,
    DW_REPORT_HTML
};

/* "text", "json", "csv" or "html"; DW_ERR_USAGE otherwise. */
enum dw_status dw_report_format_parse(const char *s, enum dw_report_format *f,
                                      struct dw_error *err);

/* Renders m in format f (appends to out). */
enum dw_status dw_report_render(const struct dw_report_model *m,
                                enum dw_report_format f, struct dw_buf *out);

/*
 * `dw-analyze report`: loads, renders and writes to path (NULL: to
 * stdout). A file is written whole or not at all: the text goes to
 * "path.tmp" first and is renamed over path. DW_ERR_IO when writing fails.
 */
enum dw_status dw_report_write(PGconn *conn, const struct dw_report_opts *opts,
                               enum dw_report_format f, const char *path,
                               struct dw_error *err);

#endif
