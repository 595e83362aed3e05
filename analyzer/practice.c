/* analyzer/practice.c — payment practice: rejections, reversals, delays. */
#include "practice.h"

#include <stdlib.h>
#include <string.h>

#include "dwtime.h"
#include "rules.h"
#include "scorecard.h"
#include "stream.h"

void dw_practice_init(struct dw_practice *p)
{
    memset(p, 0, sizeof *p);
}

void dw_practice_release(struct dw_practice *p)
{
    free(p->approval_s);
    free(p->payment_s);
    dw_practice_init(p);
}

void dw_practice_reset(struct dw_practice *p)
{
    int64_t *a = p->approval_s, *y = p->payment_s;
    size_t ca = p->cap_approval, cy = p->cap_payment;

    memset(p, 0, sizeof *p);
    p->approval_s = a;
    p->payment_s = y;
    p->cap_approval = ca;
    p->cap_payment = cy;
}

static bool push(int64_t **v, size_t *n, size_t *cap, int64_t x)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        int64_t *nv = realloc(*v, ncap * sizeof *nv);
        if (nv == NULL)
            return false;
        *v = nv;
        *cap = ncap;
    }
    (*v)[(*n)++] = x;
    return true;
}

void dw_practice_count(struct dw_practice *p, const struct dw_practice_unit *u,
                       int64_t as_of_us, int64_t unpaid_after_us)
{
    bool sub = u->submitted_at != DW_TIME_NONE;

    p->units++;
    switch (u->status) {
    case DW_UNIT_APPROVED:
        p->approved++;
        if (u->reversed)
            p->reversed++;
        break;
    case DW_UNIT_REJECTED:
        p->rejected++;
        break;
    case DW_UNIT_RETURNED:
    case DW_UNIT_EXPIRED:
        p->returned++;
        break;
    default:
        break;
    }
    if (sub &&
        (u->status == DW_UNIT_APPROVED || u->status == DW_UNIT_SUBMITTED)) {
        int64_t deadline = u->submitted_at + unpaid_after_us;
        if (deadline <= as_of_us) {
            p->due++;
            if (u->paid_at == DW_TIME_NONE || u->paid_at > deadline)
                p->unpaid_late++;
        }
    }
}

enum dw_status dw_practice_add(struct dw_practice *p,
                               const struct dw_practice_unit *u,
                               int64_t as_of_us, int64_t unpaid_after_us)
{
    bool sub = u->submitted_at != DW_TIME_NONE;

    dw_practice_count(p, u, as_of_us, unpaid_after_us);
    if (sub && u->decided_at != DW_TIME_NONE &&
        u->decided_at >= u->submitted_at &&
        (u->status == DW_UNIT_APPROVED || u->status == DW_UNIT_REJECTED) &&
        !push(&p->approval_s, &p->n_approval, &p->cap_approval,
              (u->decided_at - u->submitted_at) / DW_USEC))
        return DW_ERR_NOMEM;
    if (sub && u->paid_at != DW_TIME_NONE && u->paid_at >= u->submitted_at &&
        !push(&p->payment_s, &p->n_payment, &p->cap_payment,
              (u->paid_at - u->submitted_at) / DW_USEC))
        return DW_ERR_NOMEM;
    return DW_OK;
}

int64_t dw_percentile_sorted(const int64_t *v, size_t n, int pct)
{
    /* rank = ceil(pct * n / 100), 1-based */
    size_t rank = ((size_t)pct * n + 99) / 100;
    if (rank < 1)
        rank = 1;
    return v[rank - 1];
}

void dw_practice_summarize(struct dw_practice *p,
                           struct dw_practice_summary *out)
{
    memset(out, 0, sizeof *out);
    if (p->approved + p->rejected > 0) {
        out->has_rejection_rate = true;
        out->rejection_rate =
            dw_share_micros(p->rejected, p->approved + p->rejected);
    }
    if (p->rejected + p->reversed > 0) {
        out->has_reversal_rate = true;
        out->reversal_rate =
            dw_share_micros(p->reversed, p->rejected + p->reversed);
    }
    if (p->units > 0) {
        out->has_return_rate = true;
        out->return_rate = dw_share_micros(p->returned, p->units);
    }
    if (dw_median_i64(p->approval_s, p->n_approval, &out->approval_median_s)) {
        out->has_approval_delay = true;
        out->approval_p90_s =
            dw_percentile_sorted(p->approval_s, p->n_approval, 90);
    }
    if (dw_median_i64(p->payment_s, p->n_payment, &out->payment_median_s)) {
        out->has_payment_delay = true;
        out->payment_p90_s =
            dw_percentile_sorted(p->payment_s, p->n_payment, 90);
    }
}
