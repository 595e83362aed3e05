/* tests/sim/sim_server.h — HTTP server, platform route tables, log, faults. */
#ifndef SIM_SERVER_H
#define SIM_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sim_faults.h"
#include "sim_world.h"

#define SIM_MAX_PARAMS 4

struct sim_request;

/*
 * What a handler hands back. body is heap memory the server takes over
 * (NULL = empty body). content_type is a static string.
 */
struct sim_response {
    int status;
    char *body;
    const char *content_type;
    char retry_after[64]; /* header value, empty = none */
    bool dup_applied;     /* the handler honoured req->dup */
};

typedef void (*sim_handler_fn)(const struct sim_request *req,
                               struct sim_response *resp);

/*
 * A route: method and a path pattern where "{}" matches one non-empty
 * segment (captured into req->params). A trailing slash is optional on
 * both sides: "/api/v1/studies/{}/" matches "/api/v1/studies/abc".
 */
struct sim_route {
    const char *method;
    const char *pattern;
    sim_handler_fn fn;
};

/*
 * A platform plugs in with one const table: its routes and how its errors
 * look. Adding a platform = one sim_<name>.c defining one of these, and a
 * line in sim_main.c's table.
 *
 * One dw-sim serves every platform of its table at once. For each API
 * request the server picks ONE platform, in this order: the first (in
 * table order) whose match() says yes; else the first with a route whose
 * pattern matches the path; else the first of the table. That platform's
 * faults are drawn, then only its routes are tried (404/405 in its error
 * envelope when none fits).
 */
struct sim_platform {
    const char *name;
    const struct sim_route *routes;
    size_t n_routes;
    /* The platform's JSON error envelope (heap string; NULL on OOM). */
    char *(*error_body)(int status, const char *title, const char *detail);
    /* A worker id as this platform writes it (for /__sim/truth). */
    void (*worker_id)(const struct sim_worker *w, char *out, size_t n);
    /*
     * OPTIONAL: true when req is for this platform, from what only it
     * sends (Prolific: "Authorization: Token ..."; Toloka: "OAuth " or
     * "ApiKey "; Upwork: POST /graphql; MTurk: POST / with X-Amz-Target).
     * Must only look at method, path and headers.
     */
    bool (*match)(const struct sim_request *req);
    /*
     * OPTIONAL: the platform's own throttling answer for the `throttle`
     * fault (MTurk: 400 ThrottlingException). NULL = 429 without
     * Retry-After in the error envelope.
     */
    void (*throttle)(const struct sim_request *req, struct sim_response *resp);
    /*
     * OPTIONAL: GET /__sim/truth?platform=NAME for world w (new reference;
     * NULL on OOM). NULL = the generic Prolific-shaped truth (see
     * docs/simulator.md) with worker ids from worker_id().
     */
    json_t *(*truth)(const struct sim_world *w);
    /* OPTIONAL: a unit id as this platform writes it (for /__sim/advance);
     * NULL = 24 hex digits. */
    void (*unit_id)(const struct sim_unit *u, char *out, size_t n);
};

/* The platforms, one file each (sim_prolific.c, ...). */
extern const struct sim_platform sim_prolific;
extern const struct sim_platform sim_mturk;
extern const struct sim_platform sim_upwork;
extern const struct sim_platform sim_toloka;

/* One request as handlers see it. Everything is borrowed. */
struct sim_request {
    const char *method;
    const char *path; /* without the query string */
    const char *params[SIM_MAX_PARAMS];
    size_t n_params;
    const char *body;
    size_t body_len;
    const char *base_url; /* "http://host:port", for absolute links */
    int page_size;        /* default page size (--page-size) */
    bool dup;             /* fault: serve the previous page of a list */
    struct sim_workspaces *worlds;
    const struct sim_platform *platform;
    void *conn; /* struct MHD_Connection *, for the accessors below */
};

/* A query parameter or header of the request (borrowed), or NULL. */
const char *sim_request_query(const struct sim_request *req, const char *name);
const char *sim_request_header(const struct sim_request *req, const char *name);

/* Fills resp with a JSON body (takes ownership of body). */
void sim_respond_json(struct sim_response *resp, int status, char *body);
/* Fills resp with the platform's error envelope. */
void sim_respond_error(const struct sim_request *req, struct sim_response *resp,
                       int status, const char *title, const char *detail);

struct sim_server_config {
    uint16_t port; /* 0 = any free port */
    uint64_t seed;
    int page_size;
    bool quiet; /* no request log on stderr */
    /* The platforms served, in routing order (borrowed, at least one). */
    const struct sim_platform *const *platforms;
    size_t n_platforms;
    struct sim_workspaces *worlds; /* borrowed */
    const char *faults;            /* initial spec, may be NULL */
};

struct sim_server;

/*
 * Starts listening on 127.0.0.1 in background threads. Returns NULL and
 * writes a reason into err on failure.
 */
struct sim_server *sim_server_start(const struct sim_server_config *cfg,
                                    char *err, size_t errlen);
uint16_t sim_server_port(const struct sim_server *s);
/* Stops (cutting stalls short), waits for the threads, frees. NULL is ok. */
void sim_server_stop(struct sim_server *s);

#endif
