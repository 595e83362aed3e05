/* analyzer/worktime.h — merge work intervals, split them into ISO weeks. */
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

/*
 * A time zone as a function: the offset of local time from UTC, in seconds
 * east, at the UTC instant utc_us. NULL (or a struct dw_tz with a NULL
 * offset) means UTC. Only UTC is used so far; IANA zones come with local
 * weeks (the caller owns ctx and name).
 */
struct dw_tz {
    int64_t (*offset)(const void *ctx, int64_t utc_us);
    const void *ctx;
    const char *name; /* for reports; "UTC" when NULL */
};

/* Local wall-clock µs for a UTC instant under tz (NULL = UTC). */
int64_t dw_tz_local(const struct dw_tz *tz, int64_t utc_us);

/* Days since the epoch of the local Monday starting the ISO week that
 * holds the UTC instant utc_us. */
int64_t dw_week_monday(const struct dw_tz *tz, int64_t utc_us);

/* Time in one ISO week: week_start is the local Monday (days). */
struct dw_week_time {
    int64_t monday;
    int64_t paid_us;
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
 * week). DW_ERR_NOMEM on allocation failure.
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

#endif
