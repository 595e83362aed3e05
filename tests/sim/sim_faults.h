/* tests/sim/sim_faults.h — fault specs and per-request fault decisions. */
#ifndef SIM_FAULTS_H
#define SIM_FAULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sim_fault_kind {
    SIM_FAULT_NONE,
    SIM_FAULT_429,      /* 429, Retry-After: 1 */
    SIM_FAULT_429_DATE, /* 429, Retry-After as an HTTP-date 1-2 s ahead */
    SIM_FAULT_429_NONE, /* 429 without Retry-After */
    SIM_FAULT_500,
    SIM_FAULT_502,
    SIM_FAULT_503,
    SIM_FAULT_504,
    SIM_FAULT_TRUNCATE, /* 200 with the JSON body cut in half */
    SIM_FAULT_RESET,    /* connection closed mid-body */
    SIM_FAULT_STALL,    /* wait SECS, then answer normally */
    SIM_FAULT_DUP,      /* a list page served as the previous page again */
    SIM_FAULT_THROTTLE, /* the platform's own throttling answer (MTurk:
                           400 ThrottlingException); else like 429none */
    SIM_FAULT_COUNT
};

#define SIM_FAULT_MAX_RULES 32
#define SIM_FAULT_SPEC_MAX 1024
#define SIM_FAULT_MAX_PLATFORMS 8
#define SIM_FAULT_NAME_MAX 16

/* One item of a spec: by probability, or on the at-th request. */
struct sim_fault_rule {
    enum sim_fault_kind kind;
    int stall_secs;
    double prob;  /* used when at == 0 */
    uint64_t at;  /* 1-based request number of the platform since the spec
                     was set */
    int platform; /* index into sim_faults.platforms; -1 = every platform */
};

struct sim_fault_decision {
    enum sim_fault_kind kind;
    int stall_secs;
    uint64_t seq;      /* the request's number (of its platform) since the
                          spec was set */
    unsigned rotation; /* varies the 5xx body: 0 JSON, 1 HTML, 2 empty */
};

/*
 * The fault engine. Not thread-safe: callers hold the server's mutex.
 *
 * Spec grammar (comma-separated items, empty = no faults):
 *   [PLATFORM ':'] KIND ':' PROB     e.g. 429:0.1, mturk:throttle:0.2
 *   [PLATFORM ':'] KIND '@' N        e.g. 500@3, prolific:500@3
 *   [PLATFORM ':'] stall ':' SECS (':' PROB | '@' N)
 * KIND is 429, 429date, 429none, 500, 502, 503, 504, truncate, reset,
 * stall, dup or throttle. An item without PLATFORM applies to every
 * platform. Requests are numbered per platform (the N of @N and the key
 * of the random draw), so one platform's faults do not depend on traffic
 * to another. For each platform, the probabilities of the items that
 * apply to it must sum to at most 1.
 */
struct sim_faults {
    uint64_t seed;
    struct sim_fault_rule rules[SIM_FAULT_MAX_RULES];
    size_t n_rules;
    char spec[SIM_FAULT_SPEC_MAX];
    uint64_t seq; /* requests (all platforms) since the spec was set */
    char platforms[SIM_FAULT_MAX_PLATFORMS][SIM_FAULT_NAME_MAX];
    size_t n_platforms;
    uint64_t pseq[SIM_FAULT_MAX_PLATFORMS]; /* per platform, likewise */
    uint64_t injected[SIM_FAULT_COUNT];     /* cumulative, by kind */
    unsigned rotation[SIM_FAULT_COUNT];
};

void sim_faults_init(struct sim_faults *f, uint64_t seed);

/*
 * Declares a platform name that specs may use as a prefix, before the
 * first sim_faults_set(). False when the table is full or the name is
 * empty, too long or already declared.
 */
bool sim_faults_add_platform(struct sim_faults *f, const char *name);

/*
 * Replaces the rules with spec and restarts the request numbering at 1.
 * On a malformed spec returns false, writes the reason to err and keeps
 * the old rules.
 */
bool sim_faults_set(struct sim_faults *f, const char *spec, char *err,
                    size_t errlen);

/*
 * Numbers the next request to platform (a declared name; NULL or unknown
 * = the unprefixed items only, numbered with the first platform's count)
 * and decides its fault from (seed, the platform's number) only, so the
 * same spec and the same request order give the same faults.
 */
struct sim_fault_decision sim_faults_next(struct sim_faults *f,
                                          const char *platform);

/* Records that a decided fault was really applied. */
void sim_faults_count(struct sim_faults *f, enum sim_fault_kind kind);

/* "429", "429date", ... ; "none" for SIM_FAULT_NONE. */
const char *sim_fault_name(enum sim_fault_kind kind);

#endif
