/* analyzer/worker.c — the method on one worker: weeks, flags, tallies. */
#include "worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwtime.h"

void dw_method_init(struct dw_method *m)
{
    memset(m, 0, sizeof *m);
    dw_weeks_init(&m->time);
}

void dw_method_release(struct dw_method *m)
{
    free(m->iv);
    free(m->acc);
    free(m->vendors);
    dw_weeks_release(&m->time);
    m->iv = NULL;
    m->acc = NULL;
    m->vendors = NULL;
    m->cap_iv = m->cap_acc = m->cap_vendors = m->n_acc = 0;
}

static int64_t day_of(int64_t us)
{
    int64_t d = us / DW_DAY_US;
    if (us % DW_DAY_US < 0)
        d--;
    return d;
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

static enum dw_status add_money(struct dw_method *m, struct dw_week_acc *a,
                                int64_t amount, const char *currency,
                                int64_t when_us, struct dw_error *err)
{
    int64_t conv;
    enum dw_status st;

    st = dw_fx_convert(m->fx, amount, currency, m->currency, day_of(when_us),
                       &conv, err);
    if (st != DW_OK)
        return st;
    if (dw_money_add(&a->earnings, conv) != DW_OK)
        return dw_error_set(err, DW_ERR_RANGE, "earnings overflow");
    return DW_OK;
}

static bool usable(const struct dw_unit_row *u)
{
    return u->accepted_at != DW_TIME_NONE && u->submitted_at != DW_TIME_NONE &&
           u->submitted_at >= u->accepted_at;
}

/* Units and bonuses of one vendor -> m->acc (weeks in scope only). */
static enum dw_status collect(struct dw_method *m,
                              const struct dw_worker_batch *b, int64_t vendor,
                              struct dw_scorecard *card, const char **src_cty,
                              struct dw_error *err)
{
    size_t n_iv = 0;
    int64_t from_us = m->week_from * DW_DAY_US;
    enum dw_status st;

    m->n_acc = 0;
    dw_weeks_reset(&m->time);
    if (!grow((void **)&m->iv, &m->cap_iv, b->n_units + 1, sizeof *m->iv))
        return nomem(err);

    for (size_t i = 0; i < b->n_units; i++) {
        const struct dw_unit_row *u = &b->units[i];
        int64_t t;
        struct dw_week_acc *a;
        int64_t net;

        if (u->vendor_id != vendor)
            continue;
        if (**src_cty == '\0')
            *src_cty = u->source_country;
        t = u->accepted_at != DW_TIME_NONE ? u->accepted_at : u->submitted_at;
        if (t == DW_TIME_NONE || t >= from_us) {
            card->units_total++;
            if (usable(u))
                card->units_usable++;
        }
        if (!usable(u) ||
            (u->status != DW_UNIT_SUBMITTED && u->status != DW_UNIT_APPROVED))
            continue;
        m->iv[n_iv].start = u->accepted_at;
        m->iv[n_iv].end = u->submitted_at;
        n_iv++;
        if (!in_scope(m, dw_week_monday(NULL, u->submitted_at)))
            continue;
        a = acc_slot(m, dw_week_monday(NULL, u->submitted_at));
        if (a == NULL)
            return nomem(err);
        a->units++;
        if (!u->has_reward)
            continue;
        if (dw_unit_earnings(u->status == DW_UNIT_APPROVED, u->reward, u->fee,
                             &net) != DW_OK)
            return dw_error_set(err, DW_ERR_RANGE, "unit earnings overflow");
        if (net == 0)
            continue;
        st = add_money(
            m, a, net, u->currency,
            u->paid_at != DW_TIME_NONE ? u->paid_at : u->submitted_at, err);
        if (st != DW_OK)
            return st;
    }

    for (size_t i = 0; i < b->n_bonuses; i++) {
        const struct dw_bonus_row *r = &b->bonuses[i];
        struct dw_week_acc *a;

        if (r->vendor_id != vendor || r->attributed_at == DW_TIME_NONE)
            continue;
        if (**src_cty == '\0')
            *src_cty = r->source_country;
        if (!in_scope(m, dw_week_monday(NULL, r->attributed_at)))
            continue;
        a = acc_slot(m, dw_week_monday(NULL, r->attributed_at));
        if (a == NULL)
            return nomem(err);
        st = add_money(m, a, r->amount, r->currency,
                       r->fx_at != DW_TIME_NONE ? r->fx_at : r->attributed_at,
                       err);
        if (st != DW_OK)
            return st;
    }

    n_iv = dw_intervals_merge(m->iv, n_iv, m->params->merge_gap_us);
    for (size_t i = 0; i < n_iv; i++)
        if (dw_weeks_add_interval(&m->time, &m->iv[i], NULL) != DW_OK)
            return nomem(err);
    for (size_t i = 0; i < m->time.n; i++) {
        struct dw_week_acc *a;
        if (!in_scope(m, m->time.v[i].monday))
            continue;
        a = acc_slot(m, m->time.v[i].monday);
        if (a == NULL)
            return nomem(err);
        a->paid_us += m->time.v[i].paid_us;
    }
    return DW_OK;
}

static enum dw_status emit(struct dw_method *m, const struct dw_worker_batch *b,
                           int64_t vendor, struct dw_scorecard *card,
                           const char *src_cty, struct dw_error *err)
{
    enum dw_status st;

    for (size_t i = 0; i < m->n_acc; i++) {
        const struct dw_week_acc *a = &m->acc[i];
        struct dw_worker_week w;
        struct dw_floor fl;
        struct dw_flag flags[DW_RULES_WEEK_MAX];
        size_t nf;

        memset(&w, 0, sizeof w);
        w.vendor_id = vendor;
        memcpy(w.worker_key, b->worker_key, sizeof w.worker_key);
        w.week_start = a->monday;
        w.units = a->units;
        w.paid_us = a->paid_us;
        w.earnings = a->earnings;

        dw_floor_resolve(m->wages, b->country, src_cty, a->monday,
                         m->params->fallback_floor_usd, "USD", &fl);
        memcpy(w.floor_country, fl.country, sizeof w.floor_country);
        snprintf(w.floor_basis, sizeof w.floor_basis, "%s",
                 dw_floor_basis_name(fl.basis));
        memcpy(w.floor_currency, fl.currency, sizeof w.floor_currency);
        w.floor_local = fl.hourly_micros;
        st = dw_fx_convert(m->fx, fl.hourly_micros, fl.currency, m->currency,
                           a->monday, &w.min_wage, err);
        if (st != DW_OK)
            return dw_error_prefix(err, "minimum wage");

        if (a->paid_us > 0) {
            if (dw_ehr_micros(a->earnings, a->paid_us, &w.ehr_paid) != DW_OK)
                return dw_error_set(err, DW_ERR_RANGE, "EHR overflow");
            w.has_ehr = true;
            w.at_or_above_known = true;
            w.at_or_above =
                dw_ehr_at_or_above(a->earnings, a->paid_us, w.min_wage);
        }
        st = m->emit_week(m->emit_ctx, &w, err);
        if (st != DW_OK)
            return st;
        if (dw_scorecard_add_week(card, m->params, &w) != DW_OK)
            return nomem(err);
        nf = dw_rules_worker_week(m->params, &w, m->currency, flags);
        for (size_t k = 0; k < nf; k++) {
            st = m->emit_flag(m->emit_ctx, &flags[k], err);
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
