/* analyzer/rules.h — thresholds from dw.threshold, and the flag rules. */
#ifndef DW_RULES_H
#define DW_RULES_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "status.h"

/* One threshold: the row of dw.threshold valid for the run. */
struct dw_threshold {
    char name[64];
    int64_t value; /* micro-units of unit: 48 h -> 48000000 */
    char unit[32];
    int64_t valid_from; /* days */
};

/* The thresholds of one set valid on one day. Owns v. */
struct dw_thresholds {
    char set[64];
    int64_t as_of; /* days */
    struct dw_threshold *v;
    size_t n;
    size_t cap;
};

void dw_thresholds_init(struct dw_thresholds *t, const char *set,
                        int64_t as_of);
void dw_thresholds_release(struct dw_thresholds *t);

/*
 * Adds a row (value as numeric text, at most 6 fraction digits). Rows
 * valid after as_of are ignored; of two rows with one name the later
 * valid_from wins. DW_ERR_PARSE for a bad value.
 */
enum dw_status dw_thresholds_add(struct dw_thresholds *t, const char *name,
                                 const char *value, const char *unit,
                                 int64_t valid_from, struct dw_error *err);

/*
 * Loads set's rows from dw.threshold: for each name the latest valid_from
 * <= as_of (the window's end).
 */
enum dw_status dw_thresholds_load(PGconn *conn, struct dw_thresholds *t,
                                  struct dw_error *err);

/* The value of name; DW_ERR_NOT_FOUND with a message naming the
 * threshold, the set and the date when it is missing. */
enum dw_status dw_threshold_get(const struct dw_thresholds *t, const char *name,
                                int64_t *value, struct dw_error *err);

/* The thresholds the method uses, read once per run; each is in
 * micro-units of its dw.threshold unit (48 h -> 48000000). */
struct dw_rule_params {
    int64_t merge_gap_us;        /* parallel_merge_gap (s) */
    int64_t search_gap_us;       /* search_gap_max (s) */
    int64_t gross_up;            /* unpaid_gross_up (h per paid h) */
    int64_t weekly_normal_h;     /* weekly_hours_normal */
    int64_t weekly_hard_h;       /* weekly_hours_hard_max */
    int64_t weekly_avg_h;        /* weekly_hours_avg_max */
    int64_t avg_weeks;           /* weekly_avg_reference_weeks */
    int64_t daily_normal_h;      /* daily_hours_normal */
    int64_t daily_rest_h;        /* daily_rest_min */
    int64_t weekly_rest_h;       /* weekly_rest_min */
    int64_t max_days;            /* max_consecutive_days */
    int64_t break_after_h;       /* break_after_hours */
    int64_t break_min_min;       /* break_min_minutes */
    int64_t night_start_h;       /* night_start_local (hour) */
    int64_t night_end_h;         /* night_end_local (hour) */
    int64_t night_worker_h;      /* night_worker_hours */
    int64_t fallback_floor_usd;  /* mw_fallback_usd, micro-USD per hour */
    int64_t min_ratio;           /* ehr_min_ratio */
    int64_t living_ratio;        /* ehr_living_ratio */
    int64_t vast_majority_share; /* vast_majority_share (0.9 = 900000) */
    int64_t pay_delay_warn_d;    /* payment_delay_warn (days, median) */
    int64_t pay_delay_red_d;     /* payment_delay_red (days, p90) */
    int64_t unpaid_after_d;      /* unpaid_after_days */
    int64_t rejection_warn;      /* rejection_rate_warn */
    int64_t rejection_red;       /* rejection_rate_red */
};

/* The names dw_rule_params needs, NULL-terminated (for docs and checks). */
extern const char *const dw_rule_threshold_names[];

/*
 * Fills p from t; the first missing threshold is an error naming it, and
 * so is a negative value, an hour of day outside 0..23 or a reference
 * period of zero weeks.
 */
enum dw_status dw_rule_params_from(const struct dw_thresholds *t,
                                   struct dw_rule_params *p,
                                   struct dw_error *err);

/* µs of a threshold in micro-hours, seconds, minutes or days. */
int64_t dw_hours_us(int64_t micro_hours);

/* Weekly hours above weekly_hours_normal / weekly_hours_hard_max
 * (strictly more: exactly 48 h is not over 48). */
bool dw_rules_over_normal(const struct dw_rule_params *p, int64_t work_us);
bool dw_rules_over_hard(const struct dw_rule_params *p, int64_t work_us);

/* At most this many flags come from one worker-week. */
#define DW_RULES_WEEK_MAX 9

/*
 * Flags for one worker-week into out[0..ret):
 *   below_minimum_wage (red): EHR_total < ehr_min_ratio x minimum wage;
 *   below_living_wage (amber): EHR_total < ehr_living_ratio x living wage;
 *   hours_over_48 (amber), hours_over_60 (red): work time in the week;
 *   hours_avg_over_48 (red): the weekly_avg_reference_weeks mean;
 *   weekly_rest_under_35h (red): a 7-day window starting in the week;
 *   consecutive_days_over_6 (red): a run of days with work;
 *   night_worker (amber): nights with >= night_worker_hours on at least
 *   half the days worked (never when the tz is unknown).
 * currency names the report currency for units.
 */
size_t dw_rules_worker_week(const struct dw_rule_params *p,
                            const struct dw_worker_week *w,
                            const char *currency,
                            struct dw_flag out[DW_RULES_WEEK_MAX]);

/* daily_hours_over_8 (amber, worker_day): more than daily_hours_normal
 * of work in the local day. Returns true and fills out when it fires. */
bool dw_rules_worker_day(const struct dw_rule_params *p,
                         const struct dw_worker_day *d, struct dw_flag *out);

/* daily_rest_under_11h (amber, worker_day): the 24 h window starting at
 * window_start (a block's start, on local day `day`) holds no rest of
 * daily_rest_min; longest_us is the longest rest inside it. */
void dw_rules_daily_rest(const struct dw_rule_params *p, int64_t vendor_id,
                         const char *worker_key, int64_t day, bool tz_local,
                         int64_t window_start, int64_t longest_us,
                         struct dw_flag *out);

/* no_break_over_6h (amber, worker_day): work from start to end (µs UTC,
 * starting on local day `day`) with no break of break_min_minutes. */
void dw_rules_no_break(const struct dw_rule_params *p, int64_t vendor_id,
                       const char *worker_key, int64_t day, bool tz_local,
                       int64_t start, int64_t end, struct dw_flag *out);

/*
 * The vendor-level flag share_below_vast_majority (red): the share of
 * worker-weeks at or above the minimum wage is below vast_majority_share.
 * Returns true and fills out when it fires; never fires with no
 * worker-weeks.
 */
bool dw_rules_vendor_share(const struct dw_rule_params *p, int64_t vendor_id,
                           int64_t worker_weeks, int64_t at_or_above,
                           int64_t period_start, int64_t period_end,
                           struct dw_flag *out);

/* What a vendor's payment practice flags look at. */
struct dw_practice_summary;

/* At most this many payment-practice flags per vendor. */
#define DW_RULES_PRACTICE_MAX 3

/*
 * Vendor payment-practice flags into out[0..ret):
 *   rejection_rate (amber over rejection_rate_warn, red over _red);
 *   payment_delay (amber when the median is over payment_delay_warn days,
 *   red when the p90 is over payment_delay_red days);
 *   unpaid_after_30_days (red): units due (submitted unpaid_after_days
 *   before the run) that were not paid within that time, out of `due`.
 */
size_t dw_rules_vendor_practice(const struct dw_rule_params *p,
                                int64_t vendor_id,
                                const struct dw_practice_summary *s,
                                int64_t rejected, int64_t decided,
                                int64_t unpaid_late, int64_t due,
                                int64_t period_start, int64_t period_end,
                                struct dw_flag out[DW_RULES_PRACTICE_MAX]);

/* share * 1e6, rounded half up (0 when worker_weeks is 0). */
int64_t dw_share_micros(int64_t part, int64_t whole);

/* part / whole >= share_micros / 1e6, exactly. */
bool dw_share_at_least(int64_t part, int64_t whole, int64_t share_micros);

/* part / whole <= share_micros / 1e6, exactly ("over 2%" is its negation). */
bool dw_share_at_most(int64_t part, int64_t whole, int64_t share_micros);

#endif
