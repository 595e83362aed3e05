/* analyzer/monitoring.c — monitoring intensity: bands, off-shift capture,
 * prohibited practices (pure functions, no I/O). */
#include "monitoring.h"

#include <stdlib.h>
#include <string.h>

#include "dwtime.h"

__extension__ typedef __int128 i128;

#define MICRO 1000000

const char *const dw_monitoring_threshold_names[] = {
    "sph_band_0_max", "sph_band_1_max",  "sph_band_2_max",
    "sph_band_3_max", "webcam_any_band", NULL};

enum dw_status dw_monitoring_limits_from(const struct dw_thresholds *t,
                                         struct dw_monitoring_limits *l,
                                         struct dw_error *err)
{
    int64_t webcam;
    enum dw_status st;

    for (int i = 0; i < DW_MON_BANDS - 1; i++) {
        st = dw_threshold_get(t, dw_monitoring_threshold_names[i],
                              &l->sph_max[i], err);
        if (st != DW_OK)
            return st;
        if (l->sph_max[i] < 0 || (i > 0 && l->sph_max[i] < l->sph_max[i - 1]))
            return dw_error_set(err, DW_ERR_INVALID,
                                "threshold %s must be >= 0 and >= the band "
                                "below it (sph_band_0_max <= .. <= "
                                "sph_band_3_max)",
                                dw_monitoring_threshold_names[i]);
    }
    st = dw_threshold_get(t, "webcam_any_band", &webcam, err);
    if (st != DW_OK)
        return st;
    if (webcam < 0 || webcam > (DW_MON_BANDS - 1) * (int64_t)MICRO ||
        webcam % MICRO != 0)
        return dw_error_set(err, DW_ERR_INVALID,
                            "threshold webcam_any_band must be a whole band "
                            "0 to 4");
    l->webcam_band = (int)(webcam / MICRO);
    return DW_OK;
}

bool dw_segment_collects(const struct dw_segment *s)
{
    return s->screenshots > 0 || s->webcam_shots > 0 || s->metered;
}

int64_t dw_per_hour_micros(int64_t count, int64_t tracked_us)
{
    i128 num = (i128)count * DW_HOUR_US * MICRO;

    if (tracked_us <= 0)
        return 0;
    return (int64_t)((2 * num + tracked_us) / (2 * (i128)tracked_us));
}

int dw_monitoring_band(const struct dw_monitoring_limits *l,
                       int64_t screenshots, int64_t webcam_shots,
                       int64_t tracked_us, int64_t metered_us)
{
    int band = 0;

    if (tracked_us > 0) {
        /* SPH <= max  <=>  shots * 1 h * 1e6 <= max * tracked (exact). */
        i128 lhs = (i128)screenshots * DW_HOUR_US * MICRO;
        band = DW_MON_BANDS - 1;
        for (int i = 0; i < DW_MON_BANDS - 1; i++) {
            if (lhs <= (i128)l->sph_max[i] * tracked_us) {
                band = i;
                break;
            }
        }
        if (band == 0 && metered_us > 0)
            band = 1;
    }
    if (webcam_shots > 0 && band < l->webcam_band)
        band = l->webcam_band;
    return band;
}

bool dw_segment_offshift(const struct dw_interval *work, size_t n,
                         const struct dw_segment *s)
{
    int64_t cell = s->duration_us;
    size_t lo = 0, hi = n;

    /* The first span whose widened end lies after the cell's start; ends
     * are sorted because the spans are sorted and disjoint. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (work[mid].end + cell > s->start)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (lo == n)
        return true;
    return s->start + cell <= work[lo].start - cell;
}

void dw_monitoring_weeks_init(struct dw_monitoring_weeks *w)
{
    memset(w, 0, sizeof *w);
}

void dw_monitoring_weeks_release(struct dw_monitoring_weeks *w)
{
    free(w->v);
    memset(w, 0, sizeof *w);
}

/* The week starting on monday, inserted in order when absent. */
static struct dw_monitoring_week *week_at(struct dw_monitoring_weeks *w,
                                          int64_t monday)
{
    size_t i = w->n;

    while (i > 0 && w->v[i - 1].monday > monday)
        i--;
    if (i > 0 && w->v[i - 1].monday == monday)
        return &w->v[i - 1];
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 8;
        struct dw_monitoring_week *nv = realloc(w->v, cap * sizeof *nv);
        if (nv == NULL)
            return NULL;
        w->v = nv;
        w->cap = cap;
    }
    memmove(&w->v[i + 1], &w->v[i], (w->n - i) * sizeof *w->v);
    w->n++;
    memset(&w->v[i], 0, sizeof w->v[i]);
    w->v[i].monday = monday;
    w->v[i].first_offshift_at = DW_TIME_NONE;
    return &w->v[i];
}

static enum dw_status check_inputs(const struct dw_interval *work,
                                   size_t n_work, const struct dw_segment *seg,
                                   size_t n_seg,
                                   const struct dw_paid_week *paid,
                                   size_t n_paid, struct dw_error *err)
{
    char at[DW_TIME_ISO_MAX];

    for (size_t i = 0; i < n_seg; i++) {
        if (seg[i].duration_us <= 0)
            return dw_error_set(err, DW_ERR_INVALID,
                                "activity segment at %s: duration must be "
                                "> 0",
                                dw_time_format_iso(seg[i].start, at));
        if (seg[i].screenshots < 0 || seg[i].webcam_shots < 0)
            return dw_error_set(err, DW_ERR_INVALID,
                                "activity segment at %s: negative screenshot "
                                "or webcam count",
                                dw_time_format_iso(seg[i].start, at));
    }
    for (size_t i = 0; i < n_work; i++)
        if (work[i].end < work[i].start)
            return dw_error_set(err, DW_ERR_INVALID,
                                "work interval at %s ends before it starts",
                                dw_time_format_iso(work[i].start, at));
    for (size_t i = 0; i < n_paid; i++)
        if (paid[i].paid_us < 0)
            return dw_error_set(err, DW_ERR_INVALID,
                                "negative paid time in a worker-week");
    return DW_OK;
}

enum dw_status dw_monitoring_worker(const struct dw_monitoring_limits *l,
                                    struct dw_interval *work, size_t n_work,
                                    const struct dw_segment *seg, size_t n_seg,
                                    const struct dw_paid_week *paid,
                                    size_t n_paid,
                                    struct dw_monitoring_weeks *out,
                                    struct dw_error *err)
{
    enum dw_status st;

    out->n = 0;
    st = check_inputs(work, n_work, seg, n_seg, paid, n_paid, err);
    if (st != DW_OK)
        return st;
    n_work = dw_intervals_merge(work, n_work, 0);

    for (size_t i = 0; i < n_seg; i++) {
        const struct dw_segment *s = &seg[i];
        struct dw_monitoring_week *w =
            week_at(out, dw_week_monday(NULL, s->start));
        if (w == NULL)
            return dw_error_set(err, DW_ERR_NOMEM, "monitoring: out of memory");
        w->segments++;
        w->tracked_us += s->duration_us;
        if (s->metered)
            w->metered_us += s->duration_us;
        w->screenshots += s->screenshots;
        w->webcam_shots += s->webcam_shots;
        /* Off shift: it captured something, the worker was idle in it,
         * and it lies outside every unit's span (widened by a cell). */
        if (n_work > 0 && dw_segment_collects(s) && !s->active &&
            dw_segment_offshift(work, n_work, s)) {
            w->offshift_segments++;
            if (w->first_offshift_at == DW_TIME_NONE ||
                s->start < w->first_offshift_at)
                w->first_offshift_at = s->start;
        }
    }
    for (size_t i = 0; i < n_paid; i++) {
        struct dw_monitoring_week *w = week_at(out, paid[i].monday);
        if (w == NULL)
            return dw_error_set(err, DW_ERR_NOMEM, "monitoring: out of memory");
        w->has_paid = true;
        w->paid_us += paid[i].paid_us;
    }
    for (size_t i = 0; i < out->n; i++) {
        struct dw_monitoring_week *w = &out->v[i];
        /* A week with no cells collected nothing: 0 off shift. */
        w->offshift_assessed = n_work > 0 || w->segments == 0;
        w->band = dw_monitoring_band(l, w->screenshots, w->webcam_shots,
                                     w->tracked_us, w->metered_us);
    }
    return DW_OK;
}

static const struct dw_practice_rule practices[] = {
    {"screenshots", NULL, NULL},
    {"webcam", NULL, NULL},
    {"activity_tracking", NULL, NULL},
    {"keystroke_content", "practice_keystroke_content",
     "keystroke content logging (decentwork method)"},
    {"emotion_inference", "practice_emotion_inference",
     "Directive (EU) 2024/2831 Art. 7(1)(a): emotional or psychological "
     "state"},
    {"private_messages", "practice_private_messages",
     "Directive (EU) 2024/2831 Art. 7(1)(b): private conversations"},
    {"offshift_collection", "practice_offshift_collection",
     "Directive (EU) 2024/2831 Art. 7(1)(c): collection while not "
     "performing platform work"},
    {"union_prediction", "practice_union_prediction",
     "Directive (EU) 2024/2831 Art. 7(1)(d): predicting the exercise of "
     "fundamental rights"},
    {"sensitive_inference", "practice_sensitive_inference",
     "Directive (EU) 2024/2831 Art. 7(1)(e): inferring sensitive traits"},
    {"biometric_id", "practice_biometric_id",
     "Directive (EU) 2024/2831 Art. 7(1)(f): biometric identification"},
    {"automated_discipline", "practice_automated_discipline",
     "Directive (EU) 2024/2831 Art. 10: restriction, suspension or "
     "termination without a human decision"},
};

enum dw_status dw_practice_judge(const char *practice, bool in_use,
                                 const struct dw_practice_rule **found,
                                 struct dw_error *err)
{
    *found = NULL;
    for (size_t i = 0;
         practice != NULL && i < sizeof practices / sizeof practices[0]; i++) {
        if (strcmp(practices[i].practice, practice) == 0) {
            if (in_use && practices[i].rule != NULL)
                *found = &practices[i];
            return DW_OK;
        }
    }
    return dw_error_set(err, DW_ERR_INVALID, "unknown monitoring practice '%s'",
                        practice ? practice : "(null)");
}
