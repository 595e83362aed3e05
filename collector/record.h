/* collector/record.h — normalized rows an adapter emits for one page. */
#ifndef DW_RECORD_H
#define DW_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pseudonym.h"
#include "status.h"

/* Normalized work-unit status; names match dw.work_unit.status. */
enum dw_unit_status {
    DW_UNIT_UNKNOWN = 0,
    DW_UNIT_IN_PROGRESS,
    DW_UNIT_SUBMITTED,
    DW_UNIT_APPROVED,
    DW_UNIT_REJECTED,
    DW_UNIT_RETURNED,
    DW_UNIT_EXPIRED,
    DW_UNIT_SCREENED_OUT,
};

/* "in_progress", "approved", ...; never NULL. */
const char *dw_unit_status_name(enum dw_unit_status st);

#define DW_CURRENCY_LEN 4 /* ISO 4217 + NUL; "" = unknown */
#define DW_COUNTRY_LEN 3  /* ISO 3166-1 alpha-2 + NUL; "" = unknown */
#define DW_NONE (-1)      /* an absent non-negative integer (seconds) */

/*
 * A task (Prolific study, MTurk HIT, Toloka pool). Strings are heap and
 * owned by the row; NULL is SQL NULL. has_reward false = NULL reward.
 */
struct dw_task_row {
    char *external_id;
    char *title;
    bool has_reward;
    int64_t reward_micros;
    char currency[DW_CURRENCY_LEN];
    int64_t estimate_s; /* DW_NONE when unknown */
    int64_t max_time_s; /* DW_NONE when unknown */
    int64_t created_at; /* µs UTC or DW_TIME_NONE */
};

/*
 * One assignment / submission. worker_key is the HMAC key (never a raw
 * id). Times are µs UTC or DW_TIME_NONE.
 */
struct dw_unit_row {
    char *external_id;
    char *task_external_id; /* may be NULL */
    char worker_key[DW_PSEUDONYM_HEX];
    enum dw_unit_status status;
    char *status_raw; /* the platform's word, never NULL */
    int64_t accepted_at;
    int64_t submitted_at;
    int64_t decided_at;
    int64_t paid_at;
    int64_t duration_s; /* platform-reported working time, DW_NONE */
    bool has_reward;
    int64_t reward_micros;
    char currency[DW_CURRENCY_LEN];
    int64_t worker_fee_micros;
    char worker_country[DW_COUNTRY_LEN]; /* "" when unknown */
    char *worker_tz;                     /* IANA zone or NULL */
};

/* A bonus, payout or adjustment; kind matches dw.payment.kind. */
struct dw_payment_row {
    char *dedupe_key;
    char *unit_external_id; /* may be NULL */
    char worker_key[DW_PSEUDONYM_HEX];
    const char *kind; /* static string: "bonus", "payout", "adjustment" */
    int64_t amount_micros;
    char currency[DW_CURRENCY_LEN];
    int64_t effective_at; /* µs UTC or DW_TIME_NONE */
};

/*
 * A tracked-time cell (Upwork work diary): counts only, never screenshot
 * or webcam contents, window titles or memos. Integers are DW_NONE when
 * the platform gives none (stored as NULL).
 */
struct dw_segment_row {
    char worker_key[DW_PSEUDONYM_HEX];
    int64_t started_at; /* µs UTC */
    int64_t duration_s; /* > 0 */
    int64_t screenshots;
    int64_t webcam_shots;
    int64_t keyboard_events; /* DW_NONE when unknown */
    int64_t mouse_events;    /* DW_NONE when unknown */
    int64_t activity_level;  /* DW_NONE when unknown */
    bool manual;
};

/*
 * A monitoring practice a source declares (dw.monitoring_practice).
 * practice is one of the schema's names; evidence may be NULL. Heap.
 */
struct dw_practice_row {
    char *practice;
    bool in_use;
    char *evidence;
};

/*
 * A record that failed validation. record is the pseudonymized record
 * text (JSON); page names where it came from (a path, never a token).
 */
struct dw_quarantine_row {
    char *page;
    int index;
    char *reason;
    char *record;
};

/* Growable arrays of every row kind produced from one page. */
struct dw_page_rows {
    struct dw_task_row *tasks;
    size_t n_tasks, cap_tasks;
    struct dw_unit_row *units;
    size_t n_units, cap_units;
    struct dw_payment_row *payments;
    size_t n_payments, cap_payments;
    struct dw_quarantine_row *quarantine;
    size_t n_quarantine, cap_quarantine;
    struct dw_segment_row *segments;
    size_t n_segments, cap_segments;
    struct dw_practice_row *practices;
    size_t n_practices, cap_practices;
};

void dw_page_rows_init(struct dw_page_rows *r);
/* Frees every row and its strings; r is then empty and reusable. */
void dw_page_rows_release(struct dw_page_rows *r);

/*
 * Append a zero-filled row (times DW_TIME_NONE, integers DW_NONE where
 * documented) and return it for the caller to fill, or NULL on OOM. The
 * pointer is valid until the next add of the same kind. Strings put in it
 * must be heap: the rows own them.
 */
struct dw_task_row *dw_page_rows_add_task(struct dw_page_rows *r);
struct dw_unit_row *dw_page_rows_add_unit(struct dw_page_rows *r);
struct dw_payment_row *dw_page_rows_add_payment(struct dw_page_rows *r);
struct dw_segment_row *dw_page_rows_add_segment(struct dw_page_rows *r);
struct dw_practice_row *dw_page_rows_add_practice(struct dw_page_rows *r);

/* Copies page, reason and record into a new quarantine row. */
enum dw_status dw_page_rows_quarantine(struct dw_page_rows *r, const char *page,
                                       int index, const char *reason,
                                       const char *record);

#endif
