/* collector/http.c — libcurl requests with a capped body, timeouts, retries. */
#include "http.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "dwtime.h"
#include "log.h"

struct dw_http {
    CURL *curl;
    struct dw_http_opts opts;
    struct dw_http_stats stats;
    uint64_t rng;
    /* Per attempt, filled by the callbacks. */
    struct dw_buf *body;
    bool too_large;
    char retry_after[64];
    char content_type[64];
};

void dw_http_req_init(struct dw_http_req *r)
{
    memset(r, 0, sizeof(*r));
}

/* Overwrites a secret before it is freed. */
static void wipe(char *s)
{
    volatile char *p = s;
    while (p && *p)
        *p++ = '\0';
}

void dw_http_req_release(struct dw_http_req *r)
{
    for (size_t i = 0; i < r->n_headers; i++) {
        /* Headers may hold credentials: wipe before freeing. */
        wipe(r->headers[i]);
        free(r->headers[i]);
    }
    wipe(r->userpwd);
    free(r->userpwd);
    free(r->headers);
    free(r->url);
    free(r->log_name);
    free(r->method);
    free(r->body);
    free(r->aws_sigv4);
    memset(r, 0, sizeof(*r));
}

enum dw_status dw_http_req_set_url(struct dw_http_req *r, const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : NULL;
    char *u = strdup(url);
    char *l = strdup(p ? p : "/");
    if (!u || !l) {
        free(u);
        free(l);
        return DW_ERR_NOMEM;
    }
    char *frag = strchr(l, '#');
    if (frag)
        *frag = '\0';
    free(r->url);
    free(r->log_name);
    r->url = u;
    r->log_name = l;
    return DW_OK;
}

enum dw_status dw_http_req_add_header(struct dw_http_req *r, const char *fmt,
                                      ...)
{
    struct dw_buf b;
    va_list ap;
    dw_buf_init(&b, 16384);
    va_start(ap, fmt);
    enum dw_status st = dw_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (st != DW_OK) {
        dw_buf_release(&b);
        return st;
    }
    if (r->n_headers == r->cap_headers) {
        size_t ncap = r->cap_headers ? r->cap_headers * 2 : 4;
        char **p = realloc(r->headers, ncap * sizeof(*p));
        if (!p) {
            dw_buf_release(&b);
            return DW_ERR_NOMEM;
        }
        r->headers = p;
        r->cap_headers = ncap;
    }
    char *h = dw_buf_take(&b);
    if (!h)
        return DW_ERR_NOMEM;
    r->headers[r->n_headers++] = h;
    return DW_OK;
}

enum dw_status dw_http_req_set_body(struct dw_http_req *r, const char *method,
                                    const char *content_type, const char *body,
                                    size_t len)
{
    char *m = strdup(method ? method : "POST");
    char *b = malloc(len + 1);
    if (!m || !b) {
        free(m);
        free(b);
        return DW_ERR_NOMEM;
    }
    if (len > 0)
        memcpy(b, body, len);
    b[len] = '\0';
    if (content_type) {
        enum dw_status st =
            dw_http_req_add_header(r, "Content-Type: %s", content_type);
        if (st != DW_OK) {
            free(m);
            free(b);
            return st;
        }
    }
    free(r->method);
    free(r->body);
    r->method = m;
    r->body = b;
    r->body_len = len;
    return DW_OK;
}

/* True when s is non-empty and every character is in the SigV4-safe set. */
static bool sigv4_token_ok(const char *s, size_t n, bool colon_ok)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || strchr("._/+=-", c) != NULL ||
                  (colon_ok && c == ':');
        if (!ok || c == '\0')
            return false;
    }
    return true;
}

enum dw_status dw_http_req_set_aws_sigv4(struct dw_http_req *r,
                                         const char *region,
                                         const char *service,
                                         const char *credential,
                                         struct dw_error *err)
{
    const char *colon = credential ? strchr(credential, ':') : NULL;
    if (!region || !sigv4_token_ok(region, strlen(region), false))
        return dw_error_set(err, DW_ERR_CONFIG,
                            "AWS signing region is empty or malformed");
    if (!service || !sigv4_token_ok(service, strlen(service), false))
        return dw_error_set(err, DW_ERR_CONFIG,
                            "AWS signing service is empty or malformed");
    if (!colon ||
        !sigv4_token_ok(credential, (size_t)(colon - credential), false) ||
        !sigv4_token_ok(colon + 1, strlen(colon + 1), false))
        return dw_error_set(err, DW_ERR_CONFIG,
                            "AWS credential must be ACCESS_KEY_ID:SECRET "
                            "(both non-empty)");
    struct dw_buf b;
    dw_buf_init(&b, 512);
    char *u = strdup(credential);
    enum dw_status st =
        u ? dw_buf_printf(&b, "aws:amz:%s:%s", region, service) : DW_ERR_NOMEM;
    char *sig = st == DW_OK ? dw_buf_take(&b) : NULL;
    dw_buf_release(&b);
    if (!u || !sig) {
        wipe(u);
        free(u);
        free(sig);
        return dw_error_set(err, st == DW_OK ? DW_ERR_NOMEM : st,
                            "out of memory");
    }
    free(r->aws_sigv4);
    wipe(r->userpwd);
    free(r->userpwd);
    r->aws_sigv4 = sig;
    r->userpwd = u;
    return DW_OK;
}

static long env_long(const char *name, long def)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return def;
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || *end || x < 0)
        return def;
    return x;
}

void dw_http_opts_default(struct dw_http_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->connect_timeout_s = 10;
    o->timeout_s = 60;
    o->low_speed_bytes = 1;
    o->low_speed_time_s = 30;
    o->max_body = DW_HTTP_DEFAULT_MAX_BODY;
    dw_retry_policy_default(&o->retry);
    o->retry.base_ms = env_long("DW_HTTP_BACKOFF_MS", o->retry.base_ms);
    o->retry.cap_ms = env_long("DW_HTTP_BACKOFF_CAP_MS", o->retry.cap_ms);
    o->retry.retry_after_cap_ms =
        env_long("DW_HTTP_RETRY_AFTER_CAP_MS", o->retry.retry_after_cap_ms);
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct dw_http *h = ud;
    size_t n = size * nmemb;
    if (dw_buf_append(h->body, ptr, n) != DW_OK) {
        h->too_large = true;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    return n;
}

/* Copies the value of header `name` from line into out when it matches. */
static void grab_header(const char *line, size_t n, const char *name, char *out,
                        size_t outsz)
{
    size_t nl = strlen(name);
    if (n <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return;
    const char *v = line + nl + 1;
    size_t vn = n - nl - 1;
    while (vn > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        vn--;
    }
    while (vn > 0 &&
           (v[vn - 1] == '\r' || v[vn - 1] == '\n' || v[vn - 1] == ' '))
        vn--;
    if (vn >= outsz)
        vn = outsz - 1;
    memcpy(out, v, vn);
    out[vn] = '\0';
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct dw_http *h = ud;
    size_t n = size * nmemb;
    /* A new status line starts a new header block (e.g. after 100). */
    if (n >= 5 && memcmp(ptr, "HTTP/", 5) == 0) {
        h->retry_after[0] = '\0';
        h->content_type[0] = '\0';
    }
    grab_header(ptr, n, "Retry-After", h->retry_after, sizeof(h->retry_after));
    grab_header(ptr, n, "Content-Type", h->content_type,
                sizeof(h->content_type));
    return n;
}

struct dw_http *dw_http_new(const struct dw_http_opts *opts,
                            struct dw_error *err)
{
    struct dw_http *h = calloc(1, sizeof(*h));
    if (!h) {
        dw_error_set(err, DW_ERR_NOMEM, "out of memory");
        return NULL;
    }
    if (opts)
        h->opts = *opts;
    else
        dw_http_opts_default(&h->opts);
    if (h->opts.retry.max_attempts < 1)
        h->opts.retry.max_attempts = 1;
    h->curl = curl_easy_init();
    if (!h->curl) {
        free(h);
        dw_error_set(err, DW_ERR_NOMEM, "curl_easy_init failed");
        return NULL;
    }
    h->rng = (uint64_t)dw_time_now() ^ ((uint64_t)getpid() << 32) ^
             0x9e3779b97f4a7c15ULL;
    return h;
}

void dw_http_free(struct dw_http *h)
{
    if (!h)
        return;
    curl_easy_cleanup(h->curl);
    free(h);
}

const struct dw_http_stats *dw_http_stats(const struct dw_http *h)
{
    return &h->stats;
}

static uint64_t next_rand(struct dw_http *h)
{
    /* xorshift64*: jitter only, not security. */
    h->rng ^= h->rng >> 12;
    h->rng ^= h->rng << 25;
    h->rng ^= h->rng >> 27;
    return h->rng * 0x2545F4914F6CDD1DULL;
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

bool dw_http_url_allowed(const char *url)
{
    if (!url)
        return false;
    if (strncasecmp(url, "https://", 8) == 0)
        return url[8] != '\0';
    if (strncasecmp(url, "http://", 7) != 0)
        return false;
    const char *host = url + 7;
    static const char *const loop[] = {"127.0.0.1", "localhost", "[::1]"};
    for (size_t i = 0; i < sizeof(loop) / sizeof(loop[0]); i++) {
        size_t n = strlen(loop[i]);
        if (strncasecmp(host, loop[i], n) == 0 &&
            (host[n] == '\0' || host[n] == ':' || host[n] == '/'))
            return true;
    }
    return false;
}

/* One attempt. Returns the attempt class; fills status and message. */
static enum dw_attempt attempt_once(struct dw_http *h,
                                    const struct dw_http_req *req,
                                    struct curl_slist *hdrs, long *status,
                                    char *msg, size_t msgsz)
{
    CURL *c = h->curl;
    char ebuf[CURL_ERROR_SIZE] = "";

    curl_easy_reset(c); /* keeps the connection cache: keep-alive */
    h->too_large = false;
    h->retry_after[0] = '\0';
    h->content_type[0] = '\0';
    dw_buf_reset(h->body);
    *status = 0;

    curl_easy_setopt(c, CURLOPT_URL, req->url);
    if (req->body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)req->body_len);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
        if (req->method && strcmp(req->method, "POST") != 0)
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
    } else if (req->method && strcmp(req->method, "GET") != 0) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
    } else {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    if (req->aws_sigv4) {
        curl_easy_setopt(c, CURLOPT_AWS_SIGV4, req->aws_sigv4);
        curl_easy_setopt(c, CURLOPT_USERPWD, req->userpwd);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "decentwork-collector/0.1");
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(c, CURLOPT_PROTOCOLS,
                     (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, h->opts.connect_timeout_s);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, h->opts.timeout_s);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, h->opts.low_speed_bytes);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, h->opts.low_speed_time_s);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, h);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
    if (h->opts.max_body > 0)
        curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                         (curl_off_t)h->opts.max_body);

    h->stats.requests++;
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
    if (h->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
        snprintf(msg, msgsz, "%s: response body larger than %zu bytes",
                 req->log_name, h->opts.max_body);
        return DW_ATTEMPT_TOO_LARGE;
    }
    if (rc != CURLE_OK) {
        /* curl's messages name hosts, never our headers. */
        snprintf(msg, msgsz, "%s: %s", req->log_name,
                 ebuf[0] ? ebuf : curl_easy_strerror(rc));
        return DW_ATTEMPT_TRANSPORT;
    }
    if (*status == 429)
        h->stats.http_429++;
    if (*status >= 500)
        h->stats.http_5xx++;
    if (*status < 200 || *status > 299) {
        snprintf(msg, msgsz, "%s: HTTP %ld", req->log_name, *status);
        return DW_ATTEMPT_STATUS;
    }
    return DW_ATTEMPT_OK;
}

enum dw_status dw_http_get(struct dw_http *h, const struct dw_http_req *req,
                           dw_http_check_fn check, void *check_ctx,
                           long *status, struct dw_buf *body,
                           struct dw_error *err)
{
    struct dw_http_hooks hooks = {check, NULL, check_ctx};
    return dw_http_send(h, req, &hooks, status, body, err);
}

/* Asks the hook about a complete response; false = default handling. */
static bool classify(struct dw_http *h, const struct dw_http_hooks *hooks,
                     const struct dw_http_req *req, long status,
                     const struct dw_buf *body, struct dw_http_verdict *v,
                     char *msg, size_t msgsz)
{
    memset(v, 0, sizeof(*v));
    v->delay_ms = -1;
    if (!hooks || !hooks->classify)
        return false;
    hooks->classify(hooks->ctx, status, body->data ? body->data : "", body->len,
                    v);
    if (v->kind == DW_HTTP_DEFAULT)
        return false;
    if (v->final == DW_OK) /* a hook bug must not turn into success */
        v->final = DW_ERR_HTTP;
    if (v->kind == DW_HTTP_RETRY && v->final == DW_ERR_THROTTLED &&
        status != 429)
        h->stats.http_429++;
    snprintf(msg, msgsz, "%.200s: HTTP %ld%s%.250s", req->log_name, status,
             v->msg[0] ? " " : "", v->msg);
    return true;
}

enum dw_status dw_http_send(struct dw_http *h, const struct dw_http_req *req,
                            const struct dw_http_hooks *hooks, long *status,
                            struct dw_buf *body, struct dw_error *err)
{
    struct curl_slist *hdrs = NULL;
    enum dw_status st = DW_OK;
    char msg[DW_ERROR_MSG_MAX];

    if (!dw_http_url_allowed(req->url))
        return dw_error_set(err, DW_ERR_CONFIG,
                            "%s: refusing a non-https URL to a remote host",
                            req->log_name);
    for (size_t i = 0; i < req->n_headers; i++) {
        struct curl_slist *n = curl_slist_append(hdrs, req->headers[i]);
        if (!n) {
            curl_slist_free_all(hdrs);
            return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
        }
        hdrs = n;
    }
    if (req->body && !req->aws_sigv4) {
        /*
         * No "Expect: 100-continue" round trip before a POST body. Not with
         * SigV4: libcurl 7.88 signs this header although it is never sent.
         */
        struct curl_slist *n = curl_slist_append(hdrs, "Expect:");
        if (!n) {
            curl_slist_free_all(hdrs);
            return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
        }
        hdrs = n;
    }
    body->max = h->opts.max_body;
    h->body = body;

    for (int n = 1;; n++) {
        if (n > 1)
            h->stats.retries++;
        msg[0] = '\0';
        enum dw_attempt how =
            attempt_once(h, req, hdrs, status, msg, sizeof(msg));
        struct dw_http_verdict v;
        if ((how == DW_ATTEMPT_OK || how == DW_ATTEMPT_STATUS) &&
            classify(h, hooks, req, *status, body, &v, msg, sizeof(msg))) {
            struct dw_retry_decision d =
                dw_retry_decide_as(&h->opts.retry, n, v.kind == DW_HTTP_RETRY,
                                   v.final, v.delay_ms, next_rand(h));
            if (d.retry && v.delay_ms < 0 && h->retry_after[0]) {
                int64_t ra;
                if (dw_retry_after_parse(h->retry_after, dw_time_now(), &ra) ==
                    DW_OK)
                    d.delay_ms = ra < h->opts.retry.retry_after_cap_ms
                                     ? ra
                                     : h->opts.retry.retry_after_cap_ms;
            }
            if (!d.retry) {
                st = d.final;
                dw_error_set(err, st, "%s (after %d attempt%s)", msg, n,
                             n == 1 ? "" : "s");
                break;
            }
            char q[DW_ERROR_MSG_MAX + 64];
            dw_log(DW_LOG_INFO, "http", "retry=%d delay_ms=%lld reason=%s", n,
                   (long long)d.delay_ms, dw_log_quote(msg, q, sizeof(q)));
            if (d.delay_ms > 0)
                sleep_ms(d.delay_ms);
            continue;
        }
        if (how == DW_ATTEMPT_OK && hooks && hooks->check) {
            struct dw_error cerr = {0};
            enum dw_status cst =
                hooks->check(hooks->ctx, *status, body->data, body->len, &cerr);
            if (cst == DW_ERR_PARSE) {
                how = DW_ATTEMPT_BAD_BODY;
                snprintf(msg, sizeof(msg), "%.200s: %.300s", req->log_name,
                         cerr.msg);
            } else if (cst != DW_OK) {
                st = cst;
                if (err)
                    *err = cerr;
                break;
            }
        }
        int64_t ra = -1;
        if (how == DW_ATTEMPT_STATUS && h->retry_after[0] &&
            dw_retry_after_parse(h->retry_after, dw_time_now(), &ra) != DW_OK)
            ra = -1;
        struct dw_retry_decision d =
            dw_retry_decide(&h->opts.retry, n, how, *status, ra, next_rand(h));
        if (!d.retry) {
            st = d.final;
            if (st != DW_OK)
                dw_error_set(err, st, "%s (after %d attempt%s)", msg, n,
                             n == 1 ? "" : "s");
            break;
        }
        char q[DW_ERROR_MSG_MAX + 64];
        dw_log(DW_LOG_INFO, "http", "retry=%d delay_ms=%lld reason=%s", n,
               (long long)d.delay_ms, dw_log_quote(msg, q, sizeof(q)));
        if (d.delay_ms > 0)
            sleep_ms(d.delay_ms);
    }
    curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hdrs);
    h->body = NULL;
    return st;
}
