/* collector/record.c — normalized rows: status names and page row arrays. */
#include "record.h"

#include <stdlib.h>
#include <string.h>

#include "dwtime.h"

const char *dw_unit_status_name(enum dw_unit_status st)
{
    switch (st) {
    case DW_UNIT_IN_PROGRESS:
        return "in_progress";
    case DW_UNIT_SUBMITTED:
        return "submitted";
    case DW_UNIT_APPROVED:
        return "approved";
    case DW_UNIT_REJECTED:
        return "rejected";
    case DW_UNIT_RETURNED:
        return "returned";
    case DW_UNIT_EXPIRED:
        return "expired";
    case DW_UNIT_SCREENED_OUT:
        return "screened_out";
    case DW_UNIT_UNKNOWN:
        break;
    }
    return "unknown";
}

void dw_page_rows_init(struct dw_page_rows *r)
{
    memset(r, 0, sizeof(*r));
}

void dw_page_rows_release(struct dw_page_rows *r)
{
    for (size_t i = 0; i < r->n_tasks; i++) {
        free(r->tasks[i].external_id);
        free(r->tasks[i].title);
    }
    for (size_t i = 0; i < r->n_units; i++) {
        free(r->units[i].external_id);
        free(r->units[i].task_external_id);
        free(r->units[i].status_raw);
        free(r->units[i].worker_tz);
    }
    for (size_t i = 0; i < r->n_payments; i++) {
        free(r->payments[i].dedupe_key);
        free(r->payments[i].unit_external_id);
    }
    for (size_t i = 0; i < r->n_practices; i++) {
        free(r->practices[i].practice);
        free(r->practices[i].evidence);
    }
    for (size_t i = 0; i < r->n_quarantine; i++) {
        free(r->quarantine[i].page);
        free(r->quarantine[i].reason);
        free(r->quarantine[i].record);
    }
    free(r->tasks);
    free(r->units);
    free(r->payments);
    free(r->quarantine);
    free(r->segments);
    free(r->practices);
    memset(r, 0, sizeof(*r));
}

/* Makes room for one more element of size sz; returns the new slot. */
static void *grow(void **arr, size_t *n, size_t *cap, size_t sz)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        void *p = realloc(*arr, ncap * sz);
        if (!p)
            return NULL;
        *arr = p;
        *cap = ncap;
    }
    char *slot = (char *)*arr + *n * sz;
    memset(slot, 0, sz);
    (*n)++;
    return slot;
}

struct dw_task_row *dw_page_rows_add_task(struct dw_page_rows *r)
{
    struct dw_task_row *t =
        grow((void **)&r->tasks, &r->n_tasks, &r->cap_tasks, sizeof(*t));
    if (t) {
        t->estimate_s = DW_NONE;
        t->max_time_s = DW_NONE;
        t->created_at = DW_TIME_NONE;
    }
    return t;
}

struct dw_unit_row *dw_page_rows_add_unit(struct dw_page_rows *r)
{
    struct dw_unit_row *u =
        grow((void **)&r->units, &r->n_units, &r->cap_units, sizeof(*u));
    if (u) {
        u->accepted_at = DW_TIME_NONE;
        u->submitted_at = DW_TIME_NONE;
        u->decided_at = DW_TIME_NONE;
        u->paid_at = DW_TIME_NONE;
        u->duration_s = DW_NONE;
    }
    return u;
}

struct dw_payment_row *dw_page_rows_add_payment(struct dw_page_rows *r)
{
    struct dw_payment_row *p = grow((void **)&r->payments, &r->n_payments,
                                    &r->cap_payments, sizeof(*p));
    if (p)
        p->effective_at = DW_TIME_NONE;
    return p;
}

struct dw_segment_row *dw_page_rows_add_segment(struct dw_page_rows *r)
{
    struct dw_segment_row *s = grow((void **)&r->segments, &r->n_segments,
                                    &r->cap_segments, sizeof(*s));
    if (s) {
        s->started_at = DW_TIME_NONE;
        s->keyboard_events = DW_NONE;
        s->mouse_events = DW_NONE;
        s->activity_level = DW_NONE;
    }
    return s;
}

struct dw_practice_row *dw_page_rows_add_practice(struct dw_page_rows *r)
{
    return grow((void **)&r->practices, &r->n_practices, &r->cap_practices,
                sizeof(struct dw_practice_row));
}

enum dw_status dw_page_rows_quarantine(struct dw_page_rows *r, const char *page,
                                       int index, const char *reason,
                                       const char *record)
{
    char *pg = strdup(page ? page : "");
    char *rs = strdup(reason ? reason : "");
    char *rc = strdup(record ? record : "");
    struct dw_quarantine_row *q = NULL;
    if (pg && rs && rc)
        q = grow((void **)&r->quarantine, &r->n_quarantine, &r->cap_quarantine,
                 sizeof(*q));
    if (!q) {
        free(pg);
        free(rs);
        free(rc);
        return DW_ERR_NOMEM;
    }
    q->page = pg;
    q->index = index;
    q->reason = rs;
    q->record = rc;
    return DW_OK;
}
