/* collector/http.h — one reused libcurl handle per source, with retries. */
#ifndef DW_HTTP_H
#define DW_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "retry.h"
#include "status.h"

#define DW_HTTP_DEFAULT_MAX_BODY ((size_t)64 * 1024 * 1024)

/* A GET request being prepared. Strings are heap, owned by the request. */
struct dw_http_req {
    char *url;      /* absolute */
    char *log_name; /* what logs and landed pages show: path only */
    char **headers; /* "Name: value"; may hold secrets: never logged */
    size_t n_headers, cap_headers;
};

void dw_http_req_init(struct dw_http_req *r);
void dw_http_req_release(struct dw_http_req *r);
/* Sets url (copied) and log_name (url without scheme, host, fragment). */
enum dw_status dw_http_req_set_url(struct dw_http_req *r, const char *url);
enum dw_status dw_http_req_add_header(struct dw_http_req *r, const char *fmt,
                                      ...)
    __attribute__((format(printf, 2, 3)));

struct dw_http_opts {
    long connect_timeout_s; /* default 10 */
    long timeout_s;         /* whole request; default 60 */
    long low_speed_bytes;   /* abort below this many bytes/s ... */
    long low_speed_time_s;  /* ... for this long; default 1 B/s, 30 s */
    size_t max_body;        /* default DW_HTTP_DEFAULT_MAX_BODY */
    struct dw_retry_policy retry;
};

/* Defaults, then DW_HTTP_BACKOFF_MS, DW_HTTP_BACKOFF_CAP_MS and
 * DW_HTTP_RETRY_AFTER_CAP_MS from the environment when set. */
void dw_http_opts_default(struct dw_http_opts *o);

/* Counters across every request made through one handle. */
struct dw_http_stats {
    long requests; /* attempts sent */
    long retries;  /* attempts after the first, per request */
    long http_429;
    long http_5xx;
};

struct dw_http;

/* A handle with its own curl easy handle (keep-alive). NULL on OOM. */
struct dw_http *dw_http_new(const struct dw_http_opts *opts,
                            struct dw_error *err);
void dw_http_free(struct dw_http *h);
const struct dw_http_stats *dw_http_stats(const struct dw_http *h);

/*
 * Called with each 2xx body; returning DW_ERR_PARSE makes the attempt
 * count as failed and retried like a 5xx. Any other non-OK stops.
 */
typedef enum dw_status (*dw_http_check_fn)(void *ctx, long status,
                                           const char *body, size_t len,
                                           struct dw_error *err);

/*
 * GETs req with the retry policy. On DW_OK, *status is the final 2xx and
 * body holds it (body is reset first; its cap is the handle's max_body).
 * Errors: DW_ERR_AUTH (401/403, never retried), DW_ERR_NOT_FOUND (404),
 * DW_ERR_THROTTLED (429 after the last attempt), DW_ERR_HTTP (5xx,
 * transport or other status), DW_ERR_PARSE (check kept failing),
 * DW_ERR_TOO_LARGE. Messages name req->log_name, never the URL's secrets.
 */
enum dw_status dw_http_get(struct dw_http *h, const struct dw_http_req *req,
                           dw_http_check_fn check, void *check_ctx,
                           long *status, struct dw_buf *body,
                           struct dw_error *err);

/*
 * True when url may carry credentials: https anywhere, plain http only
 * to loopback (127.0.0.1, ::1, localhost) for the simulator.
 */
bool dw_http_url_allowed(const char *url);

#endif
