/* analyzer/scorecard.c — per-vendor aggregates of worker-weeks for one run. */
#include "scorecard.h"

#include <stdlib.h>
#include <string.h>

__extension__ typedef __int128 i128;

void dw_scorecard_init(struct dw_scorecard *sc, int64_t vendor_id)
{
    memset(sc, 0, sizeof *sc);
    sc->vendor_id = vendor_id;
}

void dw_scorecard_release(struct dw_scorecard *sc)
{
    free(sc->ehr);
    sc->ehr = NULL;
    sc->n_ehr = sc->cap_ehr = 0;
}

enum dw_status dw_scorecard_add_week(struct dw_scorecard *sc,
                                     const struct dw_rule_params *p,
                                     const struct dw_worker_week *w)
{
    if (dw_rules_over_normal(p, w->paid_us))
        sc->hours_over_48++;
    if (dw_rules_over_hard(p, w->paid_us))
        sc->hours_over_60++;
    if (!w->has_ehr)
        return DW_OK;
    if (sc->n_ehr == sc->cap_ehr) {
        size_t cap = sc->cap_ehr ? sc->cap_ehr * 2 : 256;
        int64_t *v = realloc(sc->ehr, cap * sizeof *v);
        if (v == NULL)
            return DW_ERR_NOMEM;
        sc->ehr = v;
        sc->cap_ehr = cap;
    }
    sc->ehr[sc->n_ehr++] = w->ehr_paid;
    sc->worker_weeks++;
    if (w->at_or_above_known && w->at_or_above)
        sc->weeks_at_or_above++;
    return DW_OK;
}

void dw_scorecard_add_worker(struct dw_scorecard *sc)
{
    sc->workers++;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

bool dw_median_i64(int64_t *v, size_t n, int64_t *median)
{
    i128 sum;

    if (n == 0)
        return false;
    qsort(v, n, sizeof *v, cmp_i64);
    if (n % 2 == 1) {
        *median = v[n / 2];
        return true;
    }
    sum = (i128)v[n / 2 - 1] + v[n / 2];
    /* Half away from zero: (sum ± 1) / 2 truncates toward zero. */
    *median = (int64_t)((sum + (sum < 0 ? -1 : 1)) / 2);
    return true;
}

bool dw_scorecard_median(struct dw_scorecard *sc, int64_t *median)
{
    return dw_median_i64(sc->ehr, sc->n_ehr, median);
}
