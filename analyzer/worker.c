/* analyzer/worker.c — the method on one worker: weeks, days, flags, tallies. */
#include "worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwtime.h"
#include "money.h"

void dw_method_init(struct dw_method *m)
{
    memset(m, 0, sizeof *m);
    dw_weeks_init(&m->wk_paid);
    dw_weeks_init(&m->wk_act);
    dw_weeks_init(&m->wk_work);
    dw_days_init(&m->days);
}

void dw_method_release(struct dw_method *m)
{
    free(m->paid);
    free(m->all);
    free(m->blocks);
    free(m->acc);
    free(m->vendors);
    free(m->daily_rest.v);
    free(m->weekly_rest.v);
    free(m->no_break.v);
    dw_weeks_release(&m->wk_paid);
    dw_weeks_release(&m->wk_act);
    dw_weeks_release(&m->wk_work);
    dw_days_release(&m->days);
    m->paid = m->all = m->blocks = NULL;
    m->acc = NULL;
    m->vendors = NULL;
    memset(&m->daily_rest, 0, sizeof m->daily_rest);
    memset(&m->weekly_rest, 0, sizeof m->weekly_rest);
    memset(&m->no_break, 0, sizeof m->no_break);
    m->cap_iv = m->cap_acc = m->cap_vendors = m->n_acc = 0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if (a % b != 0 && (a < 0) != (b < 0))
        q--;
    return q;
}

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
    size_t ncap;
    void *np;

    if (need <= *cap)
        return true;
    ncap = *cap ? *cap : 16;
    while (ncap < need)
        ncap *= 2;
    np = realloc(*p, ncap * size);
    if (np == NULL)
        return false;
    *p = np;
    *cap = ncap;
    return true;
}

static void event_push(void *ctx, int64_t a, int64_t b)
{
    struct dw_events *e = ctx;
    if (!grow((void **)&e->v, &e->cap, e->n + 1, sizeof *e->v)) {
        e->oom = true;
        return;
    }
    e->v[e->n].a = a;
    e->v[e->n].b = b;
    e->n++;
}

static struct dw_week_acc *acc_slot(struct dw_method *m, int64_t monday)
{
    size_t i = m->n_acc;

    while (i > 0 && m->acc[i - 1].monday > monday)
        i--;
    if (i > 0 && m->acc[i - 1].monday == monday)
        return &m->acc[i - 1];
    if (!grow((void **)&m->acc, &m->cap_acc, m->n_acc + 1, sizeof *m->acc))
        return NULL;
    memmove(&m->acc[i + 1], &m->acc[i], (m->n_acc - i) * sizeof *m->acc);
    memset(&m->acc[i], 0, sizeof m->acc[i]);
    m->acc[i].monday = monday;
    m->n_acc++;
    return &m->acc[i];
}

static struct dw_scorecard *card_for(struct dw_method *m, int64_t vendor_id)
{
    for (size_t i = 0; i < m->n_cards; i++)
        if (m->cards[i].vendor_id == vendor_id)
            return &m->cards[i];
    return NULL;
}

static bool in_scope(const struct dw_method *m, int64_t monday)
{
    return monday >= m->week_from && monday <= m->week_to;
}

static enum dw_status nomem(struct dw_error *err)
{
    return dw_error_set(err, DW_ERR_NOMEM, "analyzer: out of memory");
}

static const struct dw_tz *tz_of(const struct dw_method *m)
{
    return m->tz_local ? &m->tz : NULL;
}

static int64_t zone_offset(const void *ctx, int64_t utc_us)
{
    /* The zone caches its last footer year: it is not const. */
    struct dw_zone *z = (struct dw_zone *)(uintptr_t)ctx;
    return dw_zone_offset(z, floor_div(utc_us, DW_USEC));
}

/* The worker's zone: dw.worker.tz, else the source's default_tz, else
 * UTC. A name that is no zone leaves UTC with tz_source 'invalid'. */
static enum dw_status resolve_tz(struct dw_method *m, const char *worker_tz,
                                 const char *source_tz, struct dw_error *err)
{
    const char *name = NULL;
    struct dw_zone *z = NULL;
    enum dw_status st;

    m->tz_local = false;
    m->tz_name[0] = '\0';
    snprintf(m->tz_source, sizeof m->tz_source, "unknown");
    if (worker_tz != NULL && worker_tz[0] != '\0') {
        name = worker_tz;
        snprintf(m->tz_source, sizeof m->tz_source, "worker");
    } else if (source_tz != NULL && source_tz[0] != '\0') {
        name = source_tz;
        snprintf(m->tz_source, sizeof m->tz_source, "source_default");
    }
    if (name == NULL || m->tzdb == NULL)
        return DW_OK;
    st = dw_tzdb_get(m->tzdb, name, &z, NULL);
    if (st == DW_ERR_NOMEM)
        return nomem(err);
    if (st != DW_OK) {
        snprintf(m->tz_source, sizeof m->tz_source, "invalid");
        return DW_OK;
    }
    m->tz.offset = zone_offset;
    m->tz.ctx = z;
    m->tz.name = dw_zone_name(z);
    snprintf(m->tz_name, sizeof m->tz_name, "%s", name);
    m->tz_local = true;
    return DW_OK;
}

enum dw_status dw_method_zone(struct dw_method *m,
                              const struct dw_worker_batch *b, int64_t vendor,
                              struct dw_error *err)
{
    const char *src_tz = "";

    for (size_t i = 0; i < b->n_units && *src_tz == '\0'; i++)
        if (b->units[i].vendor_id == vendor)
            src_tz = b->units[i].source_tz;
    return resolve_tz(m, b->tz, src_tz, err);
}

bool dw_method_in_window(const struct dw_method *m, int64_t utc_us)
{
    return utc_us != DW_TIME_NONE &&
           in_scope(m, dw_week_monday(tz_of(m), utc_us));
}

static enum dw_status add_money(struct dw_method *m, struct dw_week_acc *a,
                                int64_t amount, const char *currency,
                                int64_t when_us, struct dw_error *err)
{
    int64_t conv;
    enum dw_status st;

    st = dw_fx_convert(m->fx, amount, currency, m->currency,
                       floor_div(when_us, DW_DAY_US), &conv, err);
    if (st != DW_OK)
        return st;
    if (dw_money_add(&a->earnings, conv) != DW_OK)
        return dw_error_set(err, DW_ERR_RANGE, "earnings overflow");
    return DW_OK;
}

static bool paid_status(enum dw_unit_status s)
{
    return s == DW_UNIT_SUBMITTED || s == DW_UNIT_APPROVED;
}

static bool unpaid_status(enum dw_unit_status s)
{
    return s == DW_UNIT_REJECTED || s == DW_UNIT_RETURNED ||
           s == DW_UNIT_EXPIRED;
}

/* One unit: coverage and practice (window units), intervals, money. */
static enum dw_status add_unit(struct dw_method *m, const struct dw_unit_row *u,
                               struct dw_scorecard *card, struct dw_error *err)
{
    const struct dw_tz *tz = tz_of(m);
    int64_t t = dw_unit_first_time(u);
    int64_t unpaid_after = dw_hours_us(m->params->unpaid_after_d) * 24;
    struct dw_week_acc *a;
    int64_t net;

    /* Coverage and practice count a unit in the local week of its first
     * time, so the window's edges are the worker's local midnights. */
    if (dw_method_in_window(m, t)) {
        struct dw_practice_unit pu = {u->status, u->reversed, u->submitted_at,
                                      u->decided_at, u->paid_at};
        if (dw_scorecard_add_unit(card, u, m->as_of_us, unpaid_after) != DW_OK)
            return nomem(err);
        a = acc_slot(m, dw_week_monday(tz, t));
        if (a == NULL)
            return nomem(err);
        dw_practice_count(&a->practice, &pu, m->as_of_us, unpaid_after);
    }
    if (!dw_unit_usable(u))
        return DW_OK;
    if (paid_status(u->status)) {
        m->paid[m->n_paid].start = u->accepted_at;
        m->paid[m->n_paid++].end = u->submitted_at;
    }
    if (paid_status(u->status) || unpaid_status(u->status)) {
        m->all[m->n_all].start = u->accepted_at;
        m->all[m->n_all++].end = u->submitted_at;
    }
    if (!paid_status(u->status) ||
        !in_scope(m, dw_week_monday(tz, u->submitted_at)))
        return DW_OK;
    a = acc_slot(m, dw_week_monday(tz, u->submitted_at));
    if (a == NULL)
        return nomem(err);
    a->units++;
    if (!u->has_reward)
        return DW_OK;
    if (dw_unit_earnings(u->status == DW_UNIT_APPROVED, u->reward, u->fee,
                         &net) != DW_OK)
        return dw_error_set(err, DW_ERR_RANGE, "unit earnings overflow");
    if (net == 0)
        return DW_OK;
    return add_money(m, a, net, u->currency,
                     u->paid_at != DW_TIME_NONE ? u->paid_at : u->submitted_at,
                     err);
}

/* Paid clusters, activity clusters and blocks -> weeks, days, events. */
static enum dw_status timeline(struct dw_method *m)
{
    const struct dw_rule_params *p = m->params;
    const struct dw_tz *tz = tz_of(m);
    int64_t break_us = p->break_min_min * 60;

    m->n_paid = dw_intervals_merge(m->paid, m->n_paid, p->merge_gap_us);
    m->n_all = dw_intervals_merge(m->all, m->n_all, p->merge_gap_us);
    memcpy(m->blocks, m->all, m->n_all * sizeof *m->blocks);
    m->n_blocks = dw_blocks_join(m->blocks, m->n_all, p->search_gap_us);

    for (size_t i = 0; i < m->n_paid; i++)
        if (dw_weeks_add_interval(&m->wk_paid, &m->paid[i], tz) != DW_OK ||
            dw_days_add_interval(&m->days, &m->paid[i], tz, DW_DAY_PAID) !=
                DW_OK)
            return DW_ERR_NOMEM;
    for (size_t i = 0; i < m->n_all; i++)
        if (dw_weeks_add_interval(&m->wk_act, &m->all[i], tz) != DW_OK)
            return DW_ERR_NOMEM;
    for (size_t i = 0; i < m->n_blocks; i++) {
        if (dw_weeks_add_interval(&m->wk_work, &m->blocks[i], tz) != DW_OK ||
            dw_days_add_interval(&m->days, &m->blocks[i], tz, DW_DAY_WORK) !=
                DW_OK)
            return DW_ERR_NOMEM;
        if (m->tz_local &&
            dw_days_add_night(&m->days, &m->blocks[i], tz,
                              (int)(p->night_start_h / DW_MICROS),
                              (int)(p->night_end_h / DW_MICROS)) != DW_OK)
            return DW_ERR_NOMEM;
    }
    dw_rest_check(m->blocks, m->n_blocks, DW_DAY_US,
                  dw_hours_us(p->daily_rest_h), event_push, &m->daily_rest);
    dw_rest_check(m->blocks, m->n_blocks, 7 * DW_DAY_US,
                  dw_hours_us(p->weekly_rest_h), event_push, &m->weekly_rest);
    dw_no_break_check(m->blocks, m->n_blocks, break_us,
                      dw_hours_us(p->break_after_h), event_push, &m->no_break);
    if (m->daily_rest.oom || m->weekly_rest.oom || m->no_break.oom)
        return DW_ERR_NOMEM;
    return DW_OK;
}

/* Units and bonuses of one vendor -> accumulators and the timeline. */
static enum dw_status collect(struct dw_method *m,
                              const struct dw_worker_batch *b, int64_t vendor,
                              struct dw_scorecard *card, const char **src_cty,
                              struct dw_error *err)
{
    enum dw_status st;

    m->n_acc = 0;
    m->n_paid = m->n_all = m->n_blocks = 0;
    dw_weeks_reset(&m->wk_paid);
    dw_weeks_reset(&m->wk_act);
    dw_weeks_reset(&m->wk_work);
    dw_days_reset(&m->days);
    m->daily_rest.n = m->weekly_rest.n = m->no_break.n = 0;
    if (!grow((void **)&m->paid, &m->cap_iv, b->n_units + 1, sizeof *m->paid))
        return nomem(err);
    /* The three arrays share cap_iv: grow the other two to match. */
    {
        struct dw_interval *a = realloc(m->all, m->cap_iv * sizeof *a);
        if (a == NULL)
            return nomem(err);
        m->all = a;
        a = realloc(m->blocks, m->cap_iv * sizeof *a);
        if (a == NULL)
            return nomem(err);
        m->blocks = a;
    }
    for (size_t i = 0; i < b->n_units; i++) {
        if (b->units[i].vendor_id != vendor)
            continue;
        if (**src_cty == '\0')
            *src_cty = b->units[i].source_country;
    }
    st = dw_method_zone(m, b, vendor, err);
    if (st != DW_OK)
        return st;

    for (size_t i = 0; i < b->n_units; i++) {
        if (b->units[i].vendor_id != vendor)
            continue;
        st = add_unit(m, &b->units[i], card, err);
        if (st != DW_OK)
            return st;
    }
    for (size_t i = 0; i < b->n_bonuses; i++) {
        const struct dw_bonus_row *r = &b->bonuses[i];
        struct dw_week_acc *a;
        int64_t monday;

        if (r->vendor_id != vendor || r->attributed_at == DW_TIME_NONE)
            continue;
        if (**src_cty == '\0')
            *src_cty = r->source_country;
        monday = dw_week_monday(tz_of(m), r->attributed_at);
        if (!in_scope(m, monday))
            continue;
        a = acc_slot(m, monday);
        if (a == NULL)
            return nomem(err);
        st = add_money(m, a, r->amount, r->currency,
                       r->fx_at != DW_TIME_NONE ? r->fx_at : r->attributed_at,
                       err);
        if (st != DW_OK)
            return st;
    }
    if (timeline(m) != DW_OK)
        return nomem(err);
    for (size_t i = 0; i < m->wk_work.n; i++)
        if (in_scope(m, m->wk_work.v[i].monday) &&
            acc_slot(m, m->wk_work.v[i].monday) == NULL)
            return nomem(err);
    return DW_OK;
}

static int64_t week_time(const struct dw_weeks *w, int64_t monday)
{
    const struct dw_week_time *t = dw_weeks_find(w, monday);
    return t ? t->us : 0;
}

/* Pay figures of one week: EHRs, floors, ratios, back pay. */
static enum dw_status week_pay(struct dw_method *m, struct dw_worker_week *w,
                               const char *country, const char *src_cty,
                               struct dw_error *err)
{
    const struct dw_rule_params *p = m->params;
    struct dw_floor fl;
    const struct dw_wage_floor *lw;
    enum dw_status st;
    int64_t est_time;

    dw_floor_resolve(m->wages, country, src_cty, w->week_start,
                     p->fallback_floor_usd, "USD", &fl);
    memcpy(w->floor_country, fl.country, sizeof w->floor_country);
    snprintf(w->floor_basis, sizeof w->floor_basis, "%s",
             dw_floor_basis_name(fl.basis));
    memcpy(w->floor_currency, fl.currency, sizeof w->floor_currency);
    w->floor_local = fl.hourly_micros;
    st = dw_fx_convert(m->fx, fl.hourly_micros, fl.currency, m->currency,
                       w->week_start, &w->min_wage, err);
    if (st != DW_OK)
        return dw_error_prefix(err, "minimum wage");

    /* The living wage of the country whose minimum applies. */
    lw = m->living != NULL && fl.basis != DW_FLOOR_FALLBACK
             ? dw_wage_lookup(m->living, fl.country, w->week_start)
             : NULL;
    if (lw != NULL) {
        w->has_living = true;
        memcpy(w->living_currency, lw->currency, sizeof w->living_currency);
        w->living_local = lw->hourly_micros;
        st = dw_fx_convert(m->fx, lw->hourly_micros, lw->currency, m->currency,
                           w->week_start, &w->living_wage, err);
        if (st != DW_OK)
            return dw_error_prefix(err, "living wage");
    }

    if (w->paid_us > 0) {
        if (dw_ehr_micros(w->earnings, w->paid_us, &w->ehr_paid) != DW_OK)
            return dw_error_set(err, DW_ERR_RANGE, "EHR overflow");
        w->has_ehr = true;
    }
    if (w->work_us <= 0)
        return DW_OK;
    if (dw_ehr_micros(w->earnings, w->work_us, &w->ehr_total) != DW_OK ||
        dw_back_pay(w->earnings, w->work_us, w->min_wage, &w->back_pay) !=
            DW_OK)
        return dw_error_set(err, DW_ERR_RANGE, "EHR overflow");
    est_time = w->paid_us + w->unpaid_est_us;
    if (est_time > 0 &&
        dw_ehr_micros(w->earnings, est_time, &w->ehr_total_est) != DW_OK)
        return dw_error_set(err, DW_ERR_RANGE, "EHR overflow");
    w->has_ehr_total = true;
    w->at_or_above_known = true;
    w->at_or_above = dw_ehr_at_or_above_ratio(w->earnings, w->work_us,
                                              w->min_wage, p->min_ratio);
    if (w->min_wage > 0 &&
        dw_wage_ratio(w->ehr_total, w->min_wage, &w->mw_ratio) != DW_OK)
        return dw_error_set(err, DW_ERR_RANGE, "wage ratio overflow");
    if (w->has_living) {
        w->at_or_above_living = dw_ehr_at_or_above_ratio(
            w->earnings, w->work_us, w->living_wage, p->living_ratio);
        if (w->living_wage > 0 &&
            dw_wage_ratio(w->ehr_total, w->living_wage, &w->lw_ratio) != DW_OK)
            return dw_error_set(err, DW_ERR_RANGE, "wage ratio overflow");
    }
    return DW_OK;
}

static enum dw_status emit_flag(struct dw_method *m, const struct dw_flag *f,
                                struct dw_error *err)
{
    return m->emit_flag(m->emit_ctx, f, err);
}

/* Days of the week: rows, daily flags, and the week's day figures. */
static enum dw_status week_days(struct dw_method *m, struct dw_worker_week *w,
                                struct dw_error *err)
{
    const struct dw_rule_params *p = m->params;
    int64_t night_min = dw_hours_us(p->night_worker_h);
    enum dw_status st;

    for (size_t i = 0; i < m->days.n; i++) {
        const struct dw_day_time *d = &m->days.v[i];
        struct dw_worker_day row;
        struct dw_flag f;
        int64_t streak;

        if (d->day < w->week_start || d->day > w->week_start + 6)
            continue;
        memset(&row, 0, sizeof row);
        row.vendor_id = w->vendor_id;
        memcpy(row.worker_key, w->worker_key, sizeof row.worker_key);
        row.day = d->day;
        row.tz_local = m->tz_local;
        row.work_us = d->work_us;
        row.paid_us = d->paid_us;
        row.night_known = m->tz_local;
        row.night_us = d->night_us;
        st = m->emit_day(m->emit_ctx, &row, err);
        if (st != DW_OK)
            return st;
        if (dw_rules_worker_day(p, &row, &f)) {
            w->days_over_normal++;
            st = emit_flag(m, &f, err);
            if (st != DW_OK)
                return st;
        }
        if (d->work_us > 0)
            w->days_worked++;
        if (d->work_us > w->max_day_us)
            w->max_day_us = d->work_us;
        streak = dw_days_streak(&m->days, i);
        if (streak > w->max_consecutive_days)
            w->max_consecutive_days = (int32_t)streak;
        w->night_us += d->night_us;
        if (d->night_us >= night_min && d->night_us > 0)
            w->night_nights++;
    }
    w->night_known = m->tz_local;
    if (!w->night_known) {
        w->night_us = 0;
        w->night_nights = 0;
    }
    w->night_worker = w->night_known && w->night_nights > 0 &&
                      (int64_t)w->night_nights * 2 >= w->days_worked;
    return DW_OK;
}

/* Rest windows and stretches that start in the week. */
static enum dw_status week_events(struct dw_method *m, struct dw_worker_week *w,
                                  struct dw_error *err)
{
    const struct dw_tz *tz = tz_of(m);
    struct dw_flag f;
    enum dw_status st;

    /* Daily rest: one flag per local day that has a failing window (the
     * windows start at every block of a busy day), with the day's worst
     * window as evidence. Events come in time order. */
    for (size_t i = 0; i < m->daily_rest.n;) {
        const struct dw_event *worst = &m->daily_rest.v[i];
        int64_t day = dw_local_day(tz, worst->a);
        size_t j = i + 1;
        while (j < m->daily_rest.n &&
               dw_local_day(tz, m->daily_rest.v[j].a) == day) {
            if (m->daily_rest.v[j].b < worst->b)
                worst = &m->daily_rest.v[j];
            j++;
        }
        i = j;
        if (day < w->week_start || day > w->week_start + 6)
            continue;
        w->daily_rest_fails++;
        dw_rules_daily_rest(m->params, w->vendor_id, w->worker_key, day,
                            m->tz_local, worst->a, worst->b, &f);
        st = emit_flag(m, &f, err);
        if (st != DW_OK)
            return st;
    }
    for (size_t i = 0; i < m->weekly_rest.n; i++) {
        const struct dw_event *e = &m->weekly_rest.v[i];
        if (dw_week_monday(tz, e->a) != w->week_start)
            continue;
        if (w->weekly_rest_fails == 0 || e->b < w->weekly_rest_worst_us)
            w->weekly_rest_worst_us = e->b;
        w->weekly_rest_fails++;
    }
    for (size_t i = 0; i < m->no_break.n; i++) {
        const struct dw_event *e = &m->no_break.v[i];
        int64_t day = dw_local_day(tz, e->a);
        if (day < w->week_start || day > w->week_start + 6)
            continue;
        w->no_break_stretches++;
        dw_rules_no_break(m->params, w->vendor_id, w->worker_key, day,
                          m->tz_local, e->a, e->b, &f);
        st = emit_flag(m, &f, err);
        if (st != DW_OK)
            return st;
    }
    return DW_OK;
}

static enum dw_status emit(struct dw_method *m, const struct dw_worker_batch *b,
                           int64_t vendor, struct dw_scorecard *card,
                           const char *src_cty, struct dw_error *err)
{
    const struct dw_rule_params *p = m->params;
    enum dw_status st;

    for (size_t i = 0; i < m->n_acc; i++) {
        const struct dw_week_acc *a = &m->acc[i];
        struct dw_worker_week w;
        struct dw_flag flags[DW_RULES_WEEK_MAX];
        int64_t act, gross;
        size_t nf;

        memset(&w, 0, sizeof w);
        w.vendor_id = vendor;
        memcpy(w.worker_key, b->worker_key, sizeof w.worker_key);
        w.week_start = a->monday;
        w.tz_local = m->tz_local;
        memcpy(w.tz_name, m->tz_name, sizeof w.tz_name);
        memcpy(w.tz_source, m->tz_source, sizeof w.tz_source);
        w.units = a->units;
        w.earnings = a->earnings;
        w.paid_us = week_time(&m->wk_paid, a->monday);
        act = week_time(&m->wk_act, a->monday);
        w.work_us = week_time(&m->wk_work, a->monday);
        w.unpaid_task_us = act - w.paid_us;
        w.search_us = w.work_us - act;
        if (dw_money_muldiv(w.paid_us, p->gross_up, DW_MICROS, &gross) != DW_OK)
            return dw_error_set(err, DW_ERR_RANGE, "gross-up overflow");
        w.unpaid_est_us =
            w.work_us - w.paid_us > gross ? w.work_us - w.paid_us : gross;
        w.units_approved = (int32_t)a->practice.approved;
        w.units_rejected = (int32_t)a->practice.rejected;
        w.units_returned = (int32_t)a->practice.returned;
        w.units_reversed = (int32_t)a->practice.reversed;
        w.units_unpaid_late = (int32_t)a->practice.unpaid_late;
        w.avg_work_us = dw_weeks_rolling_mean(&m->wk_work, a->monday,
                                              p->avg_weeks / DW_MICROS);

        st = week_pay(m, &w, b->country, src_cty, err);
        if (st == DW_OK)
            st = week_days(m, &w, err);
        if (st == DW_OK)
            st = week_events(m, &w, err);
        if (st == DW_OK)
            st = m->emit_week(m->emit_ctx, &w, err);
        if (st != DW_OK)
            return st;
        st = dw_scorecard_add_week(card, p, &w);
        if (st != DW_OK)
            return st == DW_ERR_NOMEM
                       ? nomem(err)
                       : dw_error_set(err, st, "vendor back pay overflow");
        nf = dw_rules_worker_week(p, &w, m->currency, flags);
        for (size_t k = 0; k < nf; k++) {
            st = emit_flag(m, &flags[k], err);
            if (st != DW_OK)
                return st;
        }
    }
    if (m->n_acc > 0)
        dw_scorecard_add_worker(card);
    return DW_OK;
}

enum dw_status dw_method_worker(struct dw_method *m,
                                const struct dw_worker_batch *b,
                                struct dw_error *err)
{
    size_t n_v = 0;
    enum dw_status st;
    size_t total = b->n_units + b->n_bonuses;

    /* The distinct vendors, in first-seen order (usually one). */
    if (!grow((void **)&m->vendors, &m->cap_vendors, total + 1,
              sizeof *m->vendors))
        return nomem(err);
    for (size_t i = 0; i < total; i++) {
        int64_t v = i < b->n_units ? b->units[i].vendor_id
                                   : b->bonuses[i - b->n_units].vendor_id;
        size_t k = 0;
        while (k < n_v && m->vendors[k] != v)
            k++;
        if (k == n_v)
            m->vendors[n_v++] = v;
    }
    for (size_t k = 0; k < n_v; k++) {
        struct dw_scorecard *card = card_for(m, m->vendors[k]);
        const char *src_cty = "";

        if (card == NULL)
            return dw_error_set(err, DW_ERR_INTERNAL,
                                "vendor %lld is not in the run's scope",
                                (long long)m->vendors[k]);
        st = collect(m, b, m->vendors[k], card, &src_cty, err);
        if (st == DW_OK)
            st = emit(m, b, m->vendors[k], card, src_cty, err);
        if (st != DW_OK)
            return st;
    }
    return DW_OK;
}

enum dw_status dw_method_worker_fn(void *ctx, const struct dw_worker_batch *b,
                                   struct dw_error *err)
{
    return dw_method_worker(ctx, b, err);
}
