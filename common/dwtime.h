/* common/dwtime.h — timestamps as int64 microseconds since the epoch, UTC. */
#ifndef DW_DWTIME_H
#define DW_DWTIME_H

#include <stdbool.h>
#include <stdint.h>

#include "status.h"

/* Marks an absent timestamp (a NULL column). */
#define DW_TIME_NONE INT64_MIN
#define DW_USEC 1000000LL

/*
 * Parses ISO 8601 / RFC 3339: "YYYY-MM-DDThh:mm:ss[.f{1,9}](Z|±hh:mm|±hhmm)"
 * (a space may stand for 'T'; fractions beyond microseconds are truncated).
 * A timestamp with no zone is accepted only when naive_is_utc is true
 * (Toloka); otherwise it is DW_ERR_PARSE. A date alone ("YYYY-MM-DD") is
 * midnight UTC. Validates month/day/hour ranges and leap years; accepts
 * 24:00:00 (end of day) and a leap second :60 (rolls over), as PostgreSQL.
 */
enum dw_status dw_time_parse_iso(const char *s, bool naive_is_utc,
                                 int64_t *usec, struct dw_error *err);

/*
 * Parses epoch seconds written as text: "1700000000", "1700000745.5",
 * "1.735442939457E9". Exact for up to 6 fraction digits (after applying
 * the exponent; further digits are truncated toward zero); no double on
 * the way. DW_ERR_PARSE for garbage, DW_ERR_RANGE beyond int64 µs.
 */
enum dw_status dw_time_parse_epoch(const char *s, int64_t *usec,
                                   struct dw_error *err);

/* Epoch seconds from a JSON number, rounded to the microsecond. */
enum dw_status dw_time_from_epoch_real(double secs, int64_t *usec,
                                       struct dw_error *err);

/*
 * Formats as "YYYY-MM-DDThh:mm:ss[.ffffff]Z" (fraction only when non-zero).
 * out must hold DW_TIME_ISO_MAX bytes. Returns out.
 */
#define DW_TIME_ISO_MAX 40
const char *dw_time_format_iso(int64_t usec, char *out);

/* Current time (CLOCK_REALTIME) in microseconds. */
int64_t dw_time_now(void);

/* Days since 1970-01-01 for a proleptic Gregorian date, and back. */
int64_t dw_days_from_civil(int64_t y, unsigned m, unsigned d);
void dw_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* ISO 8601 week of the day `days` since the epoch: year and week 1..53,
 * and the day number of that week's Monday. */
void dw_iso_week(int64_t days, int *iso_year, int *iso_week,
                 int64_t *monday_days);

#endif
