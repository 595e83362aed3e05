/* common/dwtime.c — ISO 8601 and epoch timestamps as int64 µs UTC. */
#include "dwtime.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "money.h"

#define USEC_PER_DAY (86400LL * DW_USEC)

/* Floor division and modulo, for dates before the epoch. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/* Howard Hinnant's days_from_civil, proleptic Gregorian. */
int64_t dw_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = floor_div(y, 400);
    yoe = y - era * 400;
    doy = (153 * (int64_t)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (int64_t)d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void dw_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    unsigned dd = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    unsigned mm = (unsigned)(mp < 10 ? mp + 3 : mp - 9);

    *y = yoe + era * 400 + (mm <= 2);
    *m = mm;
    *d = dd;
}

void dw_iso_week(int64_t days, int *iso_year, int *iso_week,
                 int64_t *monday_days)
{
    /* 1970-01-01 was a Thursday: (days + 3) mod 7 is 0 on Mondays. */
    int64_t wd = (days + 3) - floor_div(days + 3, 7) * 7;
    int64_t monday = days - wd;
    int64_t thursday = monday + 3;
    int64_t y;
    unsigned m, d;

    /* The ISO year is the year of the week's Thursday. */
    dw_civil_from_days(thursday, &y, &m, &d);
    if (iso_year != NULL)
        *iso_year = (int)y;
    if (iso_week != NULL)
        *iso_week = (int)((thursday - dw_days_from_civil(y, 1, 1)) / 7 + 1);
    if (monday_days != NULL)
        *monday_days = monday;
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
    static const unsigned dim[12] = {31, 28, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};

    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Reads exactly n digits; returns -1 when they are not all digits. */
static long fixed_digits(const char **p, int n)
{
    long v = 0;

    for (int i = 0; i < n; i++) {
        char c = (*p)[i];

        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    return v;
}

#define TIME_FAIL(why)                                                         \
    return dw_error_set(err, DW_ERR_PARSE, "bad timestamp '%.64s': %s", s, why)

enum dw_status dw_time_parse_iso(const char *s, bool naive_is_utc,
                                 int64_t *usec, struct dw_error *err)
{
    const char *p = s;
    long y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
    int64_t frac = 0, days, v;

    if (s == NULL)
        return dw_error_set(err, DW_ERR_PARSE, "bad timestamp: none given");
    y = fixed_digits(&p, 4);
    if (y < 0 || *p++ != '-')
        TIME_FAIL("expected YYYY-MM-DD");
    mo = fixed_digits(&p, 2);
    if (mo < 0 || *p++ != '-')
        TIME_FAIL("expected YYYY-MM-DD");
    d = fixed_digits(&p, 2);
    if (d < 0)
        TIME_FAIL("expected YYYY-MM-DD");
    if (y < 1)
        TIME_FAIL("year out of range");
    if (mo < 1 || mo > 12)
        TIME_FAIL("month out of range");
    if (d < 1 || (unsigned)d > days_in_month(y, (unsigned)mo))
        TIME_FAIL("day out of range for the month");
    days = dw_days_from_civil(y, (unsigned)mo, (unsigned)d);
    if (*p == '\0') {
        /* A date alone is midnight UTC. */
        *usec = days * USEC_PER_DAY;
        return DW_OK;
    }
    if (*p != 'T' && *p != 't' && *p != ' ')
        TIME_FAIL("expected 'T' after the date");
    p++;
    h = fixed_digits(&p, 2);
    if (h < 0 || *p++ != ':')
        TIME_FAIL("expected hh:mm:ss");
    mi = fixed_digits(&p, 2);
    if (mi < 0 || *p++ != ':')
        TIME_FAIL("expected hh:mm:ss");
    sec = fixed_digits(&p, 2);
    if (sec < 0)
        TIME_FAIL("expected hh:mm:ss");
    if (*p == '.' || *p == ',') {
        int n = 0;

        p++;
        for (; *p >= '0' && *p <= '9'; p++, n++)
            if (n < 6)
                frac = frac * 10 + (*p - '0');
        if (n == 0 || n > 9)
            TIME_FAIL("fraction must have 1 to 9 digits");
        for (; n < 6; n++)
            frac *= 10;
    }
    /* 24:00:00 ends a day; 23:59:60 is a leap second (as PostgreSQL). */
    if (h > 24 || (h == 24 && (mi != 0 || sec != 0 || frac != 0)))
        TIME_FAIL("hour out of range");
    if (mi > 59)
        TIME_FAIL("minute out of range");
    if (sec > 60 || (sec == 60 && frac != 0))
        TIME_FAIL("second out of range");

    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1;
        long oh, om;

        oh = fixed_digits(&p, 2);
        if (*p == ':')
            p++;
        om = fixed_digits(&p, 2);
        if (oh < 0 || om < 0)
            TIME_FAIL("expected a zone offset as +hh:mm");
        if (oh > 23 || om > 59)
            TIME_FAIL("zone offset out of range");
        off = sign * (oh * 3600 + om * 60);
    } else if (*p == '\0') {
        if (!naive_is_utc)
            TIME_FAIL("no time zone (add Z or an offset)");
    } else {
        TIME_FAIL("unexpected characters after the time");
    }
    if (*p != '\0')
        TIME_FAIL("unexpected characters after the zone");

    v = days * 86400 + h * 3600 + mi * 60 + sec - off;
    *usec = v * DW_USEC + frac;
    return DW_OK;
}

enum dw_status dw_time_parse_epoch(const char *s, int64_t *usec,
                                   struct dw_error *err)
{
    enum dw_status st = dw_decimal_parse(s, 6, DW_ROUND_TRUNC, true, usec);

    if (st == DW_ERR_RANGE)
        return dw_error_set(err, st, "epoch time '%.64s' is out of range", s);
    if (st != DW_OK)
        return dw_error_set(err, st, "bad epoch time '%.64s'",
                            s ? s : "(null)");
    if (*usec == DW_TIME_NONE)
        return dw_error_set(err, DW_ERR_RANGE,
                            "epoch time '%.64s' is out of range", s);
    return DW_OK;
}

enum dw_status dw_time_from_epoch_real(double secs, int64_t *usec,
                                       struct dw_error *err)
{
    char text[64];

    /* 9.2e12 s is where µs stop fitting in int64. */
    if (!isfinite(secs) || secs > 9.2e12 || secs < -9.2e12)
        return dw_error_set(err, DW_ERR_RANGE, "epoch time is out of range");
    /* 17 digits hold every double; then round at the µs exactly. */
    snprintf(text, sizeof(text), "%.17g", secs);
    if (dw_decimal_parse(text, 6, DW_ROUND_HALF_AWAY, true, usec) != DW_OK)
        return dw_error_set(err, DW_ERR_RANGE, "epoch time %s is out of range",
                            text);
    return DW_OK;
}

const char *dw_time_format_iso(int64_t usec, char *out)
{
    int64_t days, rem, y;
    unsigned m, d;
    if (usec == DW_TIME_NONE) {
        snprintf(out, DW_TIME_ISO_MAX, "none");
        return out;
    }
    int64_t secs = floor_div(usec, DW_USEC);
    /* usec - secs * DW_USEC, without overflowing near INT64_MIN. */
    int64_t frac = usec % DW_USEC;
    if (frac < 0)
        frac += DW_USEC;
    days = floor_div(secs, 86400);
    rem = secs - days * 86400;
    dw_civil_from_days(days, &y, &m, &d);
    if (frac != 0)
        snprintf(out, DW_TIME_ISO_MAX,
                 "%04lld-%02u-%02uT%02d:%02d:%02d.%06lldZ", (long long)y, m, d,
                 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60),
                 (long long)frac);
    else
        snprintf(out, DW_TIME_ISO_MAX, "%04lld-%02u-%02uT%02d:%02d:%02dZ",
                 (long long)y, m, d, (int)(rem / 3600), (int)(rem / 60 % 60),
                 (int)(rem % 60));
    return out;
}

int64_t dw_time_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * DW_USEC + ts.tv_nsec / 1000;
}
