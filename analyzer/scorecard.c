/* analyzer/scorecard.c — per-vendor aggregates of worker-weeks for one run. */
#include "scorecard.h"

#include <stdlib.h>
#include <string.h>

#include "money.h"

__extension__ typedef __int128 i128;

void dw_scorecard_init(struct dw_scorecard *sc, int64_t vendor_id)
{
    memset(sc, 0, sizeof *sc);
    sc->vendor_id = vendor_id;
    dw_practice_init(&sc->practice);
}

void dw_scorecard_release(struct dw_scorecard *sc)
{
    free(sc->ehr);
    free(sc->ehr_total);
    dw_practice_release(&sc->practice);
    sc->ehr = NULL;
    sc->ehr_total = NULL;
    sc->n_ehr = sc->cap_ehr = 0;
    sc->n_ehr_total = sc->cap_ehr_total = 0;
}

static bool push(int64_t **v, size_t *n, size_t *cap, int64_t x)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 256;
        int64_t *nv = realloc(*v, ncap * sizeof *nv);
        if (nv == NULL)
            return false;
        *v = nv;
        *cap = ncap;
    }
    (*v)[(*n)++] = x;
    return true;
}

enum dw_status dw_scorecard_add_week(struct dw_scorecard *sc,
                                     const struct dw_rule_params *p,
                                     const struct dw_worker_week *w)
{
    if (dw_rules_over_normal(p, w->work_us))
        sc->hours_over_48++;
    if (dw_rules_over_hard(p, w->work_us))
        sc->hours_over_60++;
    if ((i128)w->avg_work_us > (i128)dw_hours_us(p->weekly_avg_h))
        sc->hours_avg_over_48++;
    sc->days_over_8 += w->days_over_normal;
    sc->daily_rest_fails += w->daily_rest_fails;
    sc->weekly_rest_weeks += w->weekly_rest_fails > 0;
    sc->consecutive_weeks +=
        (int64_t)w->max_consecutive_days * DW_MICROS > p->max_days;
    sc->no_break += w->no_break_stretches;
    sc->night_worker_weeks += w->night_known && w->night_worker;
    sc->tz_unknown_weeks += !w->tz_local;
    sc->paid_us += w->paid_us;
    sc->work_us += w->work_us;
    if (w->has_ehr && !push(&sc->ehr, &sc->n_ehr, &sc->cap_ehr, w->ehr_paid))
        return DW_ERR_NOMEM;
    if (!w->has_ehr_total)
        return DW_OK;
    if (!push(&sc->ehr_total, &sc->n_ehr_total, &sc->cap_ehr_total,
              w->ehr_total))
        return DW_ERR_NOMEM;
    sc->worker_weeks++;
    if (w->at_or_above_known && w->at_or_above)
        sc->weeks_at_or_above++;
    if (w->has_living) {
        sc->weeks_living_known++;
        sc->weeks_at_or_above_living += w->at_or_above_living;
    }
    if (__builtin_add_overflow(sc->back_pay, w->back_pay, &sc->back_pay))
        return DW_ERR_RANGE;
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

bool dw_scorecard_median_total(struct dw_scorecard *sc, int64_t *median)
{
    return dw_median_i64(sc->ehr_total, sc->n_ehr_total, median);
}
