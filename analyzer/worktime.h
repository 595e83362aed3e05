/* analyzer/worktime.h — working time: intervals, blocks, local days, rest,
 * night. */
#ifndef DW_WORKTIME_H
#define DW_WORKTIME_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define DW_DAY_US (86400LL * 1000000LL)
#define DW_HOUR_US (3600LL * 1000000LL)

/* One span of work in µs since the epoch (UTC), start <= end. */
struct dw_interval {
    int64_t start;
    int64_t end;
};

/*
 * Sorts iv by start and merges, in place, every interval that overlaps the
 * cluster before it or starts at most merge_gap_us after the cluster's end
 * (gap <= merge_gap_us merges; parallel work is counted once, and a merged
 * gap counts as work: Hara et al. 2018). Returns the new count; iv[0..ret)
 * are disjoint, sorted, and separated by more than merge_gap_us.
 */
size_t dw_intervals_merge(struct dw_interval *iv, size_t n,
                          int64_t merge_gap_us);

/* Sum of end - start over iv[0..n). */
int64_t dw_intervals_total(const struct dw_interval *iv, size_t n);

/* The largest distance of any zone's local time from UTC (UTC+14, Line
 * Islands): a window in local time lies within this of its UTC edges. */
#define DW_TZ_EDGE_US (14LL * 3600 * 1000000)

/*
 * A time zone as a function: the offset of local time from UTC, in seconds
 * east, at the UTC instant utc_us. NULL (or a struct dw_tz with a NULL
 * offset) means UTC. worker.c plugs common/tz.h zones in (the caller owns
 * ctx and name).
 */
struct dw_tz {
    int64_t (*offset)(const void *ctx, int64_t utc_us);
    const void *ctx;
    const char *name; /* for reports; "UTC" when NULL */
};

/* Local wall-clock µs for a UTC instant under tz (NULL = UTC). */
int64_t dw_tz_local(const struct dw_tz *tz, int64_t utc_us);

/*
 * The UTC instant of a local wall-clock time (µs). An ambiguous local
 * time (the repeated hour in autumn) maps to its first instant; one in a
 * spring gap maps as if the old offset still held.
 */
int64_t dw_tz_utc(const struct dw_tz *tz, int64_t local_us);

/* The local day (days since the epoch) holding the UTC instant utc_us. */
int64_t dw_local_day(const struct dw_tz *tz, int64_t utc_us);

/* Days since the epoch of the local Monday starting the ISO week that
 * holds the UTC instant utc_us. */
int64_t dw_week_monday(const struct dw_tz *tz, int64_t utc_us);

/* Time in one ISO week: monday is the local Monday (days). */
struct dw_week_time {
    int64_t monday;
    int64_t us;
};

/* A growable list of weeks, kept sorted by monday. Owns v. */
struct dw_weeks {
    struct dw_week_time *v;
    size_t n;
    size_t cap;
};

void dw_weeks_init(struct dw_weeks *w);
void dw_weeks_release(struct dw_weeks *w);
/* Empties the list, keeping its storage. */
void dw_weeks_reset(struct dw_weeks *w);

/*
 * Adds the interval's time to the weeks it covers, splitting it at local
 * Monday 00:00 (a Sunday 23:30 - Monday 00:30 span adds 30 min to each
 * week; the cut is the UTC instant of local midnight, so a week with a
 * DST change has 167 or 169 hours). DW_ERR_NOMEM on allocation failure.
 */
enum dw_status dw_weeks_add_interval(struct dw_weeks *w,
                                     const struct dw_interval *iv,
                                     const struct dw_tz *tz);

/* The week starting on monday, or NULL. Borrowed. */
const struct dw_week_time *dw_weeks_find(const struct dw_weeks *w,
                                         int64_t monday);

/* µs to micro-hours (1 h = 1,000,000), rounded half up: 30 min -> 500000. */
int64_t dw_hours_micros(int64_t us);

/*
 * Dates as days since 1970-01-01. dw_date_parse takes exactly
 * "YYYY-MM-DD" and checks the day exists (DW_ERR_PARSE otherwise);
 * dw_date_format writes it into out (DW_DATE_MAX bytes) and returns out.
 */
enum dw_status dw_date_parse(const char *s, int64_t *days,
                             struct dw_error *err);
#define DW_DATE_MAX 24
const char *dw_date_format(int64_t days, char *out);

/* --- Local days ---------------------------------------------------------- */

/* Time on one local day. night_us is NULL-able in results: it is only
 * meaningful when the zone is known (the caller decides). */
struct dw_day_time {
    int64_t day;      /* local date, days since the epoch */
    int64_t work_us;  /* block time inside the day */
    int64_t paid_us;  /* paid-cluster time inside the day */
    int64_t night_us; /* night time of the night that BEGINS this day */
};

/* A growable list of days, sorted by day. Owns v. */
struct dw_days {
    struct dw_day_time *v;
    size_t n;
    size_t cap;
};

void dw_days_init(struct dw_days *d);
void dw_days_release(struct dw_days *d);
void dw_days_reset(struct dw_days *d);

/* Which field of struct dw_day_time an interval adds to. */
enum dw_day_field { DW_DAY_WORK, DW_DAY_PAID };

/*
 * Adds the interval to the local days it covers, split at local midnight
 * (23:00-01:00 gives 1 h to each day). DW_ERR_NOMEM on failure.
 */
enum dw_status dw_days_add_interval(struct dw_days *d,
                                    const struct dw_interval *iv,
                                    const struct dw_tz *tz,
                                    enum dw_day_field field);

/*
 * Adds the interval's night time: the night that begins on local day D
 * runs from D + night_start_h to the next night_end_h (22 and 5: 22:00 to
 * 05:00 the next morning; with start < end, within D). Each night's time
 * goes to day D, so a 23:00-04:00 shift is 5 h of night on the day it
 * began. Days get created as needed (with zero work).
 */
enum dw_status dw_days_add_night(struct dw_days *d,
                                 const struct dw_interval *iv,
                                 const struct dw_tz *tz, int night_start_h,
                                 int night_end_h);

/* The entry for day, or NULL. Borrowed. */
const struct dw_day_time *dw_days_find(const struct dw_days *d, int64_t day);

/*
 * Length of the run of consecutive days with work (work_us > 0) that
 * ends on d->v[i] (0 when that day has no work): Mon..Sun all worked
 * gives 7 on Sunday.
 */
int64_t dw_days_streak(const struct dw_days *d, size_t i);

/* --- Blocks, rest, breaks ----------------------------------------------- */

/*
 * Joins sorted, disjoint intervals in place across gaps <= gap_us (work
 * blocks: activity clusters joined across search gaps) and returns the
 * new count. Unlike dw_intervals_merge it does not sort.
 */
size_t dw_blocks_join(struct dw_interval *iv, size_t n, int64_t gap_us);

/*
 * Rest windows over blocks (sorted, disjoint; rest = the time between
 * them, and the time after the last block is rest without end, so the
 * data's edge never fails a window). For each block k the window
 * [start_k, start_k + window_us) must hold min_rest_us of consecutive
 * rest inside it. Calls fn for each block whose window fails, with the
 * longest rest found inside that window. Returns the number of failures.
 * O(n).
 */
size_t dw_rest_check(const struct dw_interval *blocks, size_t n,
                     int64_t window_us, int64_t min_rest_us,
                     void (*fn)(void *ctx, int64_t window_start,
                                int64_t longest_rest_us),
                     void *ctx);

/*
 * Work stretches without a break: blocks joined across gaps shorter than
 * break_us (a gap of exactly break_us is a break). Calls fn for each
 * stretch longer than max_us; returns their number.
 */
size_t dw_no_break_check(const struct dw_interval *blocks, size_t n,
                         int64_t break_us, int64_t max_us,
                         void (*fn)(void *ctx, int64_t start, int64_t end),
                         void *ctx);

/*
 * The mean of the `weeks` weekly totals ending with the week of
 * week_monday (weeks with no entry count 0): w->v holds the totals.
 * Sum in µs over `weeks` weeks, rounded half up.
 */
int64_t dw_weeks_rolling_mean(const struct dw_weeks *w, int64_t week_monday,
                              int64_t weeks);

#endif
