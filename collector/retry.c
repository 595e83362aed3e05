/* collector/retry.c — backoff, Retry-After and retry decisions (pure). */
#include "retry.h"

#include <ctype.h>
#include <string.h>

#include "dwtime.h"

void dw_retry_policy_default(struct dw_retry_policy *p)
{
    p->max_attempts = 5;
    p->base_ms = 500;
    p->cap_ms = 30000;
    p->retry_after_cap_ms = 120000;
}

bool dw_retry_status_retryable(long status)
{
    switch (status) {
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
        return true;
    default:
        return false;
    }
}

int64_t dw_retry_backoff_ceiling(const struct dw_retry_policy *p, int n)
{
    int64_t c = p->base_ms > 0 ? p->base_ms : 0;
    /* Doubling stops at the cap, so this cannot overflow. */
    for (int i = 1; i < n && c < p->cap_ms; i++)
        c *= 2;
    if (c > p->cap_ms)
        c = p->cap_ms;
    return c < 0 ? 0 : c;
}

int64_t dw_retry_backoff(const struct dw_retry_policy *p, int n, uint64_t rnd)
{
    int64_t ceil = dw_retry_backoff_ceiling(p, n);
    return (int64_t)(rnd % ((uint64_t)ceil + 1));
}

static enum dw_status final_error(enum dw_attempt how, long status)
{
    switch (how) {
    case DW_ATTEMPT_OK:
        return DW_OK;
    case DW_ATTEMPT_BAD_BODY:
        return DW_ERR_PARSE;
    case DW_ATTEMPT_TOO_LARGE:
        return DW_ERR_TOO_LARGE;
    case DW_ATTEMPT_TRANSPORT:
        return DW_ERR_HTTP;
    case DW_ATTEMPT_STATUS:
        break;
    }
    if (status == 401 || status == 403)
        return DW_ERR_AUTH;
    if (status == 404)
        return DW_ERR_NOT_FOUND;
    if (status == 429)
        return DW_ERR_THROTTLED;
    return DW_ERR_HTTP;
}

struct dw_retry_decision dw_retry_decide_as(const struct dw_retry_policy *p,
                                            int n, bool retryable,
                                            enum dw_status final,
                                            int64_t delay_ms, uint64_t rnd)
{
    struct dw_retry_decision d = {false, 0, final};
    if (!retryable || n >= p->max_attempts)
        return d;
    d.retry = true;
    d.final = DW_OK;
    if (delay_ms >= 0)
        d.delay_ms =
            delay_ms < p->retry_after_cap_ms ? delay_ms : p->retry_after_cap_ms;
    else
        d.delay_ms = dw_retry_backoff(p, n, rnd);
    return d;
}

struct dw_retry_decision dw_retry_decide(const struct dw_retry_policy *p, int n,
                                         enum dw_attempt how, long status,
                                         int64_t retry_after_ms, uint64_t rnd)
{
    bool retryable;

    switch (how) {
    case DW_ATTEMPT_TRANSPORT:
    case DW_ATTEMPT_BAD_BODY:
        retryable = true;
        break;
    case DW_ATTEMPT_STATUS:
        retryable = dw_retry_status_retryable(status);
        break;
    default:
        retryable = false;
    }
    return dw_retry_decide_as(p, n, retryable, final_error(how, status),
                              retry_after_ms, rnd);
}

static bool parse_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

enum dw_status dw_http_date_parse(const char *s, int64_t *usec)
{
    static const char *const days[] = {"Mon", "Tue", "Wed", "Thu",
                                       "Fri", "Sat", "Sun"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
                                         "May", "Jun", "Jul", "Aug",
                                         "Sep", "Oct", "Nov", "Dec"};
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};
    /* "Sun, 06 Nov 1994 08:49:37 GMT": exactly 29 characters. */
    int wday = -1, mon = -1, day, year, hh, mm, ss;

    if (!s || strlen(s) != 29)
        return DW_ERR_PARSE;
    for (int i = 0; i < 7; i++)
        if (memcmp(s, days[i], 3) == 0)
            wday = i;
    for (int i = 0; i < 12; i++)
        if (memcmp(s + 8, months[i], 3) == 0)
            mon = i;
    if (wday < 0 || mon < 0 || memcmp(s + 3, ", ", 2) != 0 || s[7] != ' ' ||
        s[11] != ' ' || s[16] != ' ' || s[19] != ':' || s[22] != ':' ||
        memcmp(s + 25, " GMT", 4) != 0)
        return DW_ERR_PARSE;
    if (!parse_digits(s + 5, 2, &day) || !parse_digits(s + 12, 4, &year) ||
        !parse_digits(s + 17, 2, &hh) || !parse_digits(s + 20, 2, &mm) ||
        !parse_digits(s + 23, 2, &ss))
        return DW_ERR_PARSE;
    unsigned maxd = mdays[mon];
    if (mon == 1 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        maxd = 29;
    if (day < 1 || (unsigned)day > maxd || hh > 23 || mm > 59 || ss > 60)
        return DW_ERR_PARSE;
    int64_t days_since =
        dw_days_from_civil(year, (unsigned)mon + 1, (unsigned)day);
    /* 1970-01-01 was a Thursday (index 3 in days[]). */
    int64_t w = ((days_since % 7) + 7 + 3) % 7;
    if (w != wday)
        return DW_ERR_PARSE;
    *usec = ((days_since * 86400) + hh * 3600 + mm * 60 + ss) * DW_USEC;
    return DW_OK;
}

enum dw_status dw_retry_after_parse(const char *value, int64_t now_us,
                                    int64_t *delay_ms)
{
    if (!value)
        return DW_ERR_PARSE;
    while (*value == ' ' || *value == '\t')
        value++;
    size_t n = strlen(value);
    while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t' ||
                     value[n - 1] == '\r' || value[n - 1] == '\n'))
        n--;
    if (n == 0)
        return DW_ERR_PARSE;
    if (isdigit((unsigned char)value[0])) {
        int64_t secs = 0;
        for (size_t i = 0; i < n; i++) {
            if (!isdigit((unsigned char)value[i]))
                return DW_ERR_PARSE;
            if (secs < 1000000000) /* clamp absurd values, no overflow */
                secs = secs * 10 + (value[i] - '0');
        }
        *delay_ms = secs * 1000;
        return DW_OK;
    }
    char date[32];
    if (n >= sizeof(date))
        return DW_ERR_PARSE;
    memcpy(date, value, n);
    date[n] = '\0';
    int64_t at;
    if (dw_http_date_parse(date, &at) != DW_OK)
        return DW_ERR_PARSE;
    int64_t d = (at - now_us) / 1000;
    *delay_ms = d > 0 ? d : 0;
    return DW_OK;
}
