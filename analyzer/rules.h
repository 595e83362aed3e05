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

/* The thresholds the method uses, read once per run. */
struct dw_rule_params {
    int64_t merge_gap_us;        /* parallel_merge_gap (s) */
    int64_t weekly_normal_h;     /* weekly_hours_normal, micro-hours */
    int64_t weekly_hard_h;       /* weekly_hours_hard_max, micro-hours */
    int64_t fallback_floor_usd;  /* mw_fallback_usd, micro-USD per hour */
    int64_t vast_majority_share; /* vast_majority_share, micro-units (0.9 =
                                    900000) */
};

/* The names dw_rule_params needs, NULL-terminated (for docs and checks). */
extern const char *const dw_rule_threshold_names[];

/* Fills p from t; the first missing threshold is an error naming it. */
enum dw_status dw_rule_params_from(const struct dw_thresholds *t,
                                   struct dw_rule_params *p,
                                   struct dw_error *err);

/* Weekly hours above weekly_hours_normal / weekly_hours_hard_max
 * (strictly more: exactly 48 h is not over 48). */
bool dw_rules_over_normal(const struct dw_rule_params *p, int64_t work_us);
bool dw_rules_over_hard(const struct dw_rule_params *p, int64_t work_us);

/* At most this many flags come from one worker-week. */
#define DW_RULES_WEEK_MAX 3

/*
 * Flags for one worker-week into out[0..ret): below_minimum_wage (red:
 * EHR_paid < floor), hours_over_48 (amber) and hours_over_60 (red) on the
 * week's working time (paid time only, so far). currency names the report
 * currency for units.
 */
size_t dw_rules_worker_week(const struct dw_rule_params *p,
                            const struct dw_worker_week *w,
                            const char *currency,
                            struct dw_flag out[DW_RULES_WEEK_MAX]);

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

/* share * 1e6, rounded half up (0 when worker_weeks is 0). */
int64_t dw_share_micros(int64_t part, int64_t whole);

/* part / whole >= share_micros / 1e6, exactly. */
bool dw_share_at_least(int64_t part, int64_t whole, int64_t share_micros);

#endif
