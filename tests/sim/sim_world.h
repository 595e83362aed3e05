/* tests/sim/sim_world.h — the deterministic crowdwork population. */
#ifndef SIM_WORLD_H
#define SIM_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A world is platform-neutral: workers, tasks (Prolific studies) and work
 * units (Prolific submissions) with times in microseconds since the epoch
 * (UTC) and money in integer minor units. Platform files (sim_prolific.c,
 * later Toloka, Upwork, MTurk) render it in their own API's shape.
 *
 * Each workspace (an API token) owns one world, generated from
 * (seed, token, scale, anchor) and then moved forward by sim_world_advance().
 * The same inputs and the same number of steps always give the same world.
 */

#define SIM_ID_BYTES 12 /* rendered as 24 hex digits, like Prolific ids */
#define SIM_MAX_BONUSES 4
#define SIM_WINDOW_DAYS 28
#define SIM_USEC 1000000LL
#define SIM_DAY_USEC (86400LL * SIM_USEC)
#define SIM_TIME_NONE INT64_MIN

enum sim_status {
    SIM_ST_ACTIVE,       /* started, not finished */
    SIM_ST_AWAITING,     /* submitted, waiting for the requester's review */
    SIM_ST_APPROVED,     /* paid */
    SIM_ST_REJECTED,     /* not paid */
    SIM_ST_RETURNED,     /* the worker gave up */
    SIM_ST_TIMED_OUT,    /* the maximum allowed time ran out */
    SIM_ST_SCREENED_OUT, /* excluded by a screener at the start */
    SIM_ST_COUNT
};

enum sim_story {
    SIM_STORY_ORDINARY,   /* 5-25 h a week, fair pay */
    SIM_STORY_OVERWORKED, /* 60-70 h a week, every day */
    SIM_STORY_UNDERPAID,  /* ordinary hours on underpaying tasks only */
    SIM_STORY_PARALLEL,   /* several tasks open at once */
    SIM_STORY_NIGHT,      /* works 23:00-04:00 UTC */
    SIM_STORY_RETURNER,   /* many returned and timed-out units */
    SIM_STORY_REJECTED,   /* several rejected units */
    SIM_STORY_COUNT
};

struct sim_worker {
    unsigned char id[SIM_ID_BYTES];
    enum sim_story story;
    int birth_year;
    uint8_t ethnicity; /* index into the platform's list */
    uint8_t sex;       /* 0 female, 1 male */
    uint32_t ip;       /* IPv4 in a documentation range, host order */
    uint32_t n_units;
};

struct sim_task {
    unsigned char id[SIM_ID_BYTES];
    char name[80];
    char internal_name[48];
    char code[9];         /* completion code, 8 characters */
    char currency[4];     /* "GBP" or "USD" */
    int estimate_min;     /* advertised time */
    int max_min;          /* maximum allowed time */
    int64_t reward_minor; /* pence or cents per unit */
    int64_t created_us;
    int64_t published_us;
    bool underpays; /* advertised rate far below any minimum wage */
    uint32_t first_unit, n_units; /* slice of sim_world.units */
};

struct sim_unit {
    unsigned char id[SIM_ID_BYTES];
    uint32_t task, worker;
    int64_t start_us;
    int64_t end_us;      /* SIM_TIME_NONE when the platform gives no end */
    uint8_t status;      /* enum sim_status */
    uint8_t frac_digits; /* how many fraction digits its timestamps show */
    uint8_t n_bonus;
    bool star;
    bool return_requested;
    uint16_t bonus[SIM_MAX_BONUSES]; /* minor units */
};

struct sim_world {
    uint64_t seed; /* the workspace's own seed */
    int scale;
    int64_t anchor_day; /* days since 1970-01-01, first day of the window */
    int step;           /* how many times sim_world_advance() ran */
    unsigned char researcher_id[SIM_ID_BYTES];
    struct sim_worker *workers;
    size_t n_workers;
    struct sim_task *tasks;
    size_t n_tasks;
    struct sim_unit *units; /* grouped by task, each group by start time */
    size_t n_units;
    uint32_t *by_id; /* unit indices sorted by id */
};

/* What one sim_world_advance() changed. */
struct sim_advance_result {
    int step;
    size_t approved;      /* AWAITING REVIEW -> APPROVED */
    long reversed;        /* unit index REJECTED -> APPROVED, or -1 */
    long bonused;         /* unit index that got a new bonus, or -1 */
    unsigned bonus_minor; /* its amount */
};

/*
 * Generates a world. scale is the number of workers (>= SIM_MIN_SCALE).
 * Returns NULL when out of memory. Free with sim_world_free().
 */
#define SIM_MIN_SCALE 7
struct sim_world *sim_world_new(uint64_t seed, int scale, int64_t anchor_day);
void sim_world_free(struct sim_world *w);

/*
 * One step of late changes: the older half of AWAITING REVIEW units are
 * approved, one REJECTED unit is approved (a reversal) and one APPROVED unit
 * gets a new bonus. Deterministic for (world seed, step).
 */
void sim_world_advance(struct sim_world *w, struct sim_advance_result *res);

/* Lookups by id; NULL when absent. */
const struct sim_task *sim_world_find_task(const struct sim_world *w,
                                           const unsigned char *id);
const struct sim_unit *sim_world_find_unit(const struct sim_world *w,
                                           const unsigned char *id);

/* Totals for the truth endpoint. */
size_t sim_world_count_bonuses(const struct sim_world *w);
void sim_world_count_status(const struct sim_world *w,
                            size_t counts[SIM_ST_COUNT]);

const char *sim_story_name(enum sim_story s);

/* 24 lower-case hex digits; out holds 25 bytes. */
void sim_id_hex(const unsigned char id[SIM_ID_BYTES], char out[25]);
/* Parses exactly 24 hex digits; false otherwise. */
bool sim_id_parse(const char *s, unsigned char id[SIM_ID_BYTES]);

/*
 * ISO 8601 UTC with 'Z' and frac_digits (0-6) fraction digits, e.g.
 * "2026-10-19T08:00:00.457Z". out holds at least 32 bytes.
 */
void sim_time_iso(int64_t us, int frac_digits, char *out, size_t n);
/* "YYYY-MM-DD" -> days since the epoch; false when malformed. */
bool sim_date_parse(const char *s, int64_t *day);
void sim_date_format(int64_t day, char *out, size_t n);
/* Days since the epoch of the Monday five weeks before today (UTC). */
int64_t sim_default_anchor(void);

/*
 * Workspaces: one world per API token, created on first use. All calls
 * must be serialised by the caller (the server's mutex).
 */
struct sim_workspaces;

struct sim_workspaces *sim_workspaces_new(uint64_t seed, int scale,
                                          int64_t anchor_day);
void sim_workspaces_free(struct sim_workspaces *ws);
/*
 * The world of token (borrowed; lives until sim_workspaces_free), created
 * when new. NULL when the token is not acceptable or on OOM, or when too
 * many workspaces exist.
 */
struct sim_world *sim_workspaces_get(struct sim_workspaces *ws,
                                     const char *token);
/* True when token matches ^[A-Za-z0-9._-]{4,64}$ and is not "revoked". */
bool sim_token_valid(const char *token);
size_t sim_workspaces_count(const struct sim_workspaces *ws);
/* The i-th existing world, in creation order, and its token (borrowed). */
struct sim_world *sim_workspaces_at(struct sim_workspaces *ws, size_t i,
                                    const char **token);

#endif
