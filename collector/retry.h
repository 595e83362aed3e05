/* collector/retry.h — the HTTP retry policy as pure functions. */
#ifndef DW_RETRY_H
#define DW_RETRY_H

#include <stdbool.h>
#include <stdint.h>

#include "status.h"

struct dw_retry_policy {
    int max_attempts;           /* total attempts, >= 1; default 5 */
    int64_t base_ms;            /* first backoff ceiling; default 500 */
    int64_t cap_ms;             /* largest backoff ceiling; default 30000 */
    int64_t retry_after_cap_ms; /* largest honoured Retry-After; 120000 */
};

void dw_retry_policy_default(struct dw_retry_policy *p);

/* How one attempt ended. */
enum dw_attempt {
    DW_ATTEMPT_OK,        /* 2xx and the body passed its check */
    DW_ATTEMPT_STATUS,    /* a non-2xx HTTP status */
    DW_ATTEMPT_TRANSPORT, /* timeout, reset, partial body, DNS, ... */
    DW_ATTEMPT_BAD_BODY,  /* 2xx but the body is malformed */
    DW_ATTEMPT_TOO_LARGE, /* the body exceeded the cap */
};

struct dw_retry_decision {
    bool retry;
    int64_t delay_ms;     /* sleep before the next attempt */
    enum dw_status final; /* when !retry: DW_OK or the error to return */
};

/* True for statuses worth retrying: 408, 429, 500, 502, 503, 504. */
bool dw_retry_status_retryable(long status);

/*
 * Ceiling of the backoff before attempt n+1 after n failed attempts
 * (n >= 1): min(cap, base * 2^(n-1)).
 */
int64_t dw_retry_backoff_ceiling(const struct dw_retry_policy *p, int n);

/* Full jitter: rnd mod (ceiling + 1), so 0..ceiling inclusive. */
int64_t dw_retry_backoff(const struct dw_retry_policy *p, int n, uint64_t rnd);

/*
 * What to do after attempt n (1-based) ended as `how` with HTTP status
 * `status` (0 when none) and a Retry-After of retry_after_ms (-1 when
 * absent). A Retry-After replaces the backoff, capped at
 * retry_after_cap_ms. Final errors: 401/403 DW_ERR_AUTH, 404
 * DW_ERR_NOT_FOUND, 429 DW_ERR_THROTTLED, bad body DW_ERR_PARSE, too
 * large DW_ERR_TOO_LARGE, anything else DW_ERR_HTTP.
 */
struct dw_retry_decision dw_retry_decide(const struct dw_retry_policy *p, int n,
                                         enum dw_attempt how, long status,
                                         int64_t retry_after_ms, uint64_t rnd);

/*
 * The same decision when the caller has already classified the attempt:
 * retryable or not, and the error to return when it stops. delay_ms >= 0
 * replaces the backoff (capped at retry_after_cap_ms), -1 = backoff.
 */
struct dw_retry_decision dw_retry_decide_as(const struct dw_retry_policy *p,
                                            int n, bool retryable,
                                            enum dw_status final,
                                            int64_t delay_ms, uint64_t rnd);

/*
 * Parses a Retry-After value: delta-seconds ("120") or an RFC 7231
 * IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), relative to now (µs).
 * A date in the past is 0 ms. DW_ERR_PARSE for anything else.
 */
enum dw_status dw_retry_after_parse(const char *value, int64_t now_us,
                                    int64_t *delay_ms);

/*
 * Parses an IMF-fixdate into µs since the epoch; DW_ERR_PARSE when it is
 * not exactly "Day, DD Mon YYYY HH:MM:SS GMT" with valid fields.
 */
enum dw_status dw_http_date_parse(const char *s, int64_t *usec);

#endif
