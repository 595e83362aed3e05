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

/*
 * A request being prepared: GET unless dw_http_req_set_body() made it a
 * POST (or another method). Strings are heap, owned by the request; the
 * ones that may hold secrets (headers, userpwd) are wiped on release.
 */
struct dw_http_req {
    char *url;      /* absolute */
    char *log_name; /* what logs and landed pages show: path only */
    char **headers; /* "Name: value"; may hold secrets: never logged */
    size_t n_headers, cap_headers;
    char *method; /* NULL = GET */
    char *body;   /* request body or NULL; sent as is, body_len bytes */
    size_t body_len;
    char *aws_sigv4; /* NULL, or "aws:amz:REGION:SERVICE" (CURLOPT_AWS_SIGV4) */
    char *userpwd;   /* NULL, or "USER:SECRET" (CURLOPT_USERPWD): a secret */
};

void dw_http_req_init(struct dw_http_req *r);
void dw_http_req_release(struct dw_http_req *r);
/* Sets url (copied) and log_name (url without scheme, host, fragment). */
enum dw_status dw_http_req_set_url(struct dw_http_req *r, const char *url);
enum dw_status dw_http_req_add_header(struct dw_http_req *r, const char *fmt,
                                      ...)
    __attribute__((format(printf, 2, 3)));
/*
 * Makes r a `method` request (e.g. "POST") carrying len bytes of body
 * (copied) and adds "Content-Type: content_type" (when not NULL). E.g. a
 * GraphQL query: set_body(r, "POST", "application/json", q, strlen(q)).
 */
enum dw_status dw_http_req_set_body(struct dw_http_req *r, const char *method,
                                    const char *content_type, const char *body,
                                    size_t len);
/*
 * Signs r with AWS Signature Version 4 by libcurl: region and service are
 * always explicit (a loopback simulator has no AWS host name to derive
 * them from); credential is "ACCESS_KEY_ID:SECRET" (copied, wiped on
 * release). libcurl adds X-Amz-Date and Authorization and signs host,
 * x-amz-date and every header set on r (so set none that is not sent).
 * DW_ERR_CONFIG when region, service or either half of credential is
 * empty or holds characters outside [A-Za-z0-9._/+=-] (':' in region).
 */
enum dw_status dw_http_req_set_aws_sigv4(struct dw_http_req *r,
                                         const char *region,
                                         const char *service,
                                         const char *credential,
                                         struct dw_error *err);

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

/* What a classify hook says about one complete HTTP response. */
enum dw_http_verdict_kind {
    DW_HTTP_DEFAULT = 0, /* the status decides (see dw_http_send) */
    DW_HTTP_RETRY,       /* retry; when attempts run out, fail with final */
    DW_HTTP_FINAL,       /* stop now with final (never DW_OK) */
};

#define DW_HTTP_VERDICT_MSG_MAX 256

struct dw_http_verdict {
    enum dw_http_verdict_kind kind;
    /*
     * RETRY: the status when attempts run out (DW_ERR_THROTTLED makes the
     * run partial, exit 3; DW_ERR_HTTP or DW_ERR_PARSE fail it). FINAL:
     * the status returned at once (DW_ERR_AUTH, DW_ERR_INVALID, ...).
     */
    enum dw_status final;
    /* RETRY: wait this long (capped at the policy's retry_after_cap_ms);
     * -1 = Retry-After when the response has one, else the backoff. */
    int64_t delay_ms;
    /* Why, for the log and the error: e.g. "ThrottlingException: Rate
     * exceeded". Never a secret. Empty = "HTTP <status>". */
    char msg[DW_HTTP_VERDICT_MSG_MAX];
    /* FINAL only, read by sync.c: the request's cursor (a page token) is
     * no longer valid; drop the saved crawl and start a fresh one. */
    bool restart_crawl;
};

/*
 * Classifies a complete response of any status (2xx too) before the check
 * runs. v arrives zeroed with delay_ms = -1; leaving kind DW_HTTP_DEFAULT
 * keeps the default handling. Use it for APIs whose errors hide in the
 * body: MTurk's HTTP 400 ThrottlingException (retry like 429), Toloka's
 * 429 payload.interval (a delay), Upwork's HTTP 200 with errors[].
 */
typedef void (*dw_http_classify_fn)(void *ctx, long status, const char *body,
                                    size_t len, struct dw_http_verdict *v);

/* The callbacks of one request; any may be NULL. ctx is passed to both. */
struct dw_http_hooks {
    dw_http_check_fn check;
    dw_http_classify_fn classify;
    void *ctx;
};

/*
 * Sends req (its method, body and signing) with the retry policy. On
 * DW_OK, *status is the final 2xx and body holds it (body is reset first;
 * its cap is the handle's max_body). Per attempt: transport errors retry;
 * a complete response goes to hooks->classify, then (2xx, DEFAULT) to
 * hooks->check. Default errors: DW_ERR_AUTH (401/403, never retried),
 * DW_ERR_NOT_FOUND (404), DW_ERR_THROTTLED (429 after the last attempt),
 * DW_ERR_HTTP (5xx, transport or other status), DW_ERR_PARSE (check kept
 * failing), DW_ERR_TOO_LARGE. Messages name req->log_name, never the
 * URL's secrets. hooks may be NULL.
 */
enum dw_status dw_http_send(struct dw_http *h, const struct dw_http_req *req,
                            const struct dw_http_hooks *hooks, long *status,
                            struct dw_buf *body, struct dw_error *err);

/* dw_http_send with only a check hook (kept for GET callers). */
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
