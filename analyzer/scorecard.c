/* analyzer/scorecard.c — per-vendor aggregates of worker-weeks for one run. */
#include "scorecard.h"

#include <stdlib.h>
#include <string.h>

#include "dwtime.h"
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

static int64_t us_to_s(int64_t us)
{
    return (us + 500000) / 1000000;
}

void dw_scorecard_week_of(const struct dw_rule_params *p,
                          const struct dw_worker_week *w,
                          struct dw_scorecard_week *out)
{
    memset(out, 0, sizeof *out);
    out->over_normal = dw_rules_over_normal(p, w->work_us);
    out->over_hard = dw_rules_over_hard(p, w->work_us);
    out->avg_over = (i128)w->avg_work_us > (i128)dw_hours_us(p->weekly_avg_h);
    out->consecutive =
        (int64_t)w->max_consecutive_days * DW_MICROS > p->max_days;
    out->night_worker = w->night_known && w->night_worker;
    out->tz_local = w->tz_local;
    out->days_over_normal = w->days_over_normal;
    out->daily_rest_fails = w->daily_rest_fails;
    out->weekly_rest_fails = w->weekly_rest_fails;
    out->no_break_stretches = w->no_break_stretches;
    out->paid_s = us_to_s(w->paid_us);
    out->work_s = us_to_s(w->work_us);
    out->has_ehr = w->has_ehr;
    out->ehr_paid = w->ehr_paid;
    out->has_ehr_total = w->has_ehr_total;
    out->ehr_total = w->ehr_total;
    out->at_or_above = w->at_or_above_known && w->at_or_above;
    out->has_living = w->has_living;
    out->at_or_above_living = w->at_or_above_living;
    out->back_pay = w->back_pay;
}

enum dw_status dw_scorecard_add(struct dw_scorecard *sc,
                                const struct dw_scorecard_week *w)
{
    sc->hours_over_48 += w->over_normal;
    sc->hours_over_60 += w->over_hard;
    sc->hours_avg_over_48 += w->avg_over;
    sc->days_over_8 += w->days_over_normal;
    sc->daily_rest_fails += w->daily_rest_fails;
    sc->weekly_rest_weeks += w->weekly_rest_fails > 0;
    sc->consecutive_weeks += w->consecutive;
    sc->no_break += w->no_break_stretches;
    sc->night_worker_weeks += w->night_worker;
    sc->tz_unknown_weeks += !w->tz_local;
    sc->paid_s += w->paid_s;
    sc->work_s += w->work_s;
    if (w->has_ehr && !push(&sc->ehr, &sc->n_ehr, &sc->cap_ehr, w->ehr_paid))
        return DW_ERR_NOMEM;
    if (!w->has_ehr_total)
        return DW_OK;
    if (!push(&sc->ehr_total, &sc->n_ehr_total, &sc->cap_ehr_total,
              w->ehr_total))
        return DW_ERR_NOMEM;
    sc->worker_weeks++;
    if (w->at_or_above)
        sc->weeks_at_or_above++;
    if (w->has_living) {
        sc->weeks_living_known++;
        sc->weeks_at_or_above_living += w->at_or_above_living;
    }
    if (__builtin_add_overflow(sc->back_pay, w->back_pay, &sc->back_pay))
        return DW_ERR_RANGE;
    return DW_OK;
}

enum dw_status dw_scorecard_add_week(struct dw_scorecard *sc,
                                     const struct dw_rule_params *p,
                                     const struct dw_worker_week *w)
{
    struct dw_scorecard_week s;

    dw_scorecard_week_of(p, w, &s);
    return dw_scorecard_add(sc, &s);
}

int64_t dw_unit_first_time(const struct dw_unit_row *u)
{
    if (u->accepted_at != DW_TIME_NONE)
        return u->accepted_at;
    if (u->submitted_at != DW_TIME_NONE)
        return u->submitted_at;
    if (u->decided_at != DW_TIME_NONE)
        return u->decided_at;
    return u->paid_at;
}

bool dw_unit_usable(const struct dw_unit_row *u)
{
    return u->accepted_at != DW_TIME_NONE && u->submitted_at != DW_TIME_NONE &&
           u->submitted_at >= u->accepted_at;
}

enum dw_status dw_scorecard_add_unit(struct dw_scorecard *sc,
                                     const struct dw_unit_row *u,
                                     int64_t as_of_us, int64_t unpaid_after_us)
{
    struct dw_practice_unit pu = {u->status, u->reversed, u->submitted_at,
                                  u->decided_at, u->paid_at};

    sc->units_total++;
    if (dw_unit_usable(u))
        sc->units_usable++;
    return dw_practice_add(&sc->practice, &pu, as_of_us, unpaid_after_us);
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
