/* collector/platform.h — the adapter interface: one const table per API. */
#ifndef DW_PLATFORM_H
#define DW_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "http.h"
#include "record.h"
#include "status.h"

/*
 * One request of a crawl. kind, scope and body are the adapter's own (e.g.
 * "submissions of study X, currency GBP"); sync.c stores them in the
 * frontier and hands them back unchanged. Strings are heap, owned by
 * whatever holds the request. url is absolute and carries no secret;
 * neither does body (it is saved in dw.sync_state).
 */
struct dw_request {
    int kind;
    bool root; /* made by start(): a 404 here fails the source */
    char *url;
    char *scope; /* may be NULL */
    /*
     * The request body, or NULL for a GET: a GraphQL query and variables,
     * an MTurk JSON input with its NextToken. The adapter's prepare()
     * turns it into the HTTP body with dw_http_req_set_body(); sync.c
     * never sends it by itself.
     */
    char *body;
};

void dw_request_release(struct dw_request *r);

/* An ordered list of requests; sync pops from the end (depth first). */
struct dw_request_list {
    struct dw_request *items;
    size_t n, cap;
};

void dw_request_list_init(struct dw_request_list *l);
void dw_request_list_release(struct dw_request_list *l);
/* Appends copies of url and scope (scope may be NULL); no body. */
enum dw_status dw_request_list_push(struct dw_request_list *l, int kind,
                                    bool root, const char *url,
                                    const char *scope);
/* The same with a body (copied; NULL = none). */
enum dw_status dw_request_list_push_body(struct dw_request_list *l, int kind,
                                         bool root, const char *url,
                                         const char *scope, const char *body);
/* Fills *out with copies of url, scope and body (out is overwritten, not
 * released first): e.g. dw_parse_out.next. */
enum dw_status dw_request_set(struct dw_request *out, int kind, bool root,
                              const char *url, const char *scope,
                              const char *body);
/* Moves the last request into *out (caller releases it). False if empty. */
bool dw_request_list_pop(struct dw_request_list *l, struct dw_request *out);

/*
 * The frontier as JSON text: {"v":1,"since":"ISO or null","pending":[
 * {"k":kind,"r":root,"u":url,"s":scope,"b":body},...]}; "s" and "b" are
 * left out when NULL (older cursors without "b" still load). *out is heap
 * (free it).
 */
enum dw_status dw_frontier_to_json(const struct dw_request_list *l,
                                   int64_t since, char **out,
                                   struct dw_error *err);
/* Parses the above into an empty list l; DW_ERR_PARSE on a bad cursor. */
enum dw_status dw_frontier_from_json(const char *text,
                                     struct dw_request_list *l, int64_t *since,
                                     struct dw_error *err);

/*
 * What every adapter call may read. All borrowed.
 *
 * credential is the whole value of the environment variable the source's
 * token_env names. Platforms whose secret has two parts take them in one
 * value, split at the first ':' with dw_credential_split(): MTurk
 * "ACCESS_KEY_ID:SECRET_ACCESS_KEY". Each adapter documents its form in
 * docs/dw-collect.md.
 */
struct dw_platform_ctx {
    const struct dw_source_config *source;
    const char *endpoint;      /* base URL, no trailing '/' */
    const char *credential;    /* the secret; never logged or landed */
    const char *pseudonym_key; /* HMAC key for worker ids */
    int64_t now;               /* µs UTC: "in the future" checks */
    int64_t since;             /* look-back start, µs or DW_TIME_NONE */
};

/* What parse produces from one response. Everything owned by it. */
struct dw_parse_out {
    struct dw_page_rows rows;
    struct dw_request_list follow; /* follow-ups (detail, child lists) */
    bool has_next;
    struct dw_request next; /* the next page of the same list */
    char *landed;           /* pseudonymized body to land (heap) */
    long skipped;           /* records outside the window (not errors) */
};

void dw_parse_out_init(struct dw_parse_out *o);
void dw_parse_out_release(struct dw_parse_out *o);

/*
 * An adapter. Adapters are PURE: no I/O, no database, no clock (now is in
 * ctx), no environment. Raw worker ids never leave them: rows, the landed
 * body and quarantined records carry only the HMAC worker key.
 */
struct dw_platform {
    const char *name;             /* matches the config's platform = */
    const char *default_endpoint; /* used when the source has none */
    /* The first requests of a fresh crawl, appended to out. */
    enum dw_status (*start)(const struct dw_platform_ctx *ctx,
                            struct dw_request_list *out, struct dw_error *err);
    /* Adds credentials and headers for req to the HTTP request. */
    enum dw_status (*prepare)(const struct dw_platform_ctx *ctx,
                              const struct dw_request *req,
                              struct dw_http_req *hreq, struct dw_error *err);
    /*
     * Parses a 2xx body of req into out (initialised by the caller).
     * Bad records go to out->rows.quarantine; a body that is not of the
     * expected shape is DW_ERR_PARSE (sync retries the request).
     */
    enum dw_status (*parse)(const struct dw_platform_ctx *ctx,
                            const struct dw_request *req, const char *body,
                            size_t len, struct dw_parse_out *out,
                            struct dw_error *err);
    /*
     * OPTIONAL (NULL = the default: 2xx parsed, 408/429/5xx retried,
     * 401/403 DW_ERR_AUTH, ...). Classifies every complete response of
     * req, any status, before parse; see struct dw_http_verdict in
     * http.h. Pure like the rest. v arrives zeroed with delay_ms = -1.
     */
    void (*classify)(const struct dw_platform_ctx *ctx,
                     const struct dw_request *req, long status,
                     const char *body, size_t len, struct dw_http_verdict *v);
};

/*
 * Splits a two-part credential "FIRST:SECOND" at the first ':'. On DW_OK
 * *first_len is the length of FIRST and *second points into credential.
 * DW_ERR_CONFIG (message names `what`, never the value) when there is no
 * ':' or either part is empty.
 */
enum dw_status dw_credential_split(const char *credential, const char *what,
                                   size_t *first_len, const char **second,
                                   struct dw_error *err);

/* The adapter registered under name, or NULL. */
const struct dw_platform *dw_platform_find(const char *name);

extern const struct dw_platform dw_platform_prolific;
extern const struct dw_platform dw_platform_file;
extern const struct dw_platform dw_platform_upwork;
extern const struct dw_platform dw_platform_toloka;
extern const struct dw_platform dw_platform_mturk;

#endif
