/* analyzer/report_text.h — `dw-analyze report`: a vendor scorecard as text. */
#ifndef DW_REPORT_TEXT_H
#define DW_REPORT_TEXT_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "status.h"

/* One vendor's figures from one run, as the renderer needs them. Strings
 * are borrowed (they live in the PGresult or the test). */
struct dw_report_row {
    const char *vendor;
    int64_t run_id;
    const char *finished_at;
    bool all_vendors; /* the run covered every vendor */
    const char *window_from, *window_to;
    const char *period_from, *period_to;
    const char *method_version;
    const char *threshold_set;
    const char *currency;
    int64_t units_total, units_usable;
    int64_t workers, worker_weeks, weeks_at_or_above;
    bool has_median;
    int64_t median_ehr;
    int64_t hours_over_48, hours_over_60;
    int64_t vast_majority;     /* micro-units; -1 when the snapshot lacks it */
    const char *weekly_normal; /* threshold text, e.g. "48" */
    const char *weekly_hard;   /* e.g. "60" */
};

/* Appends the scorecard of one vendor to out. */
enum dw_status dw_report_text_render(const struct dw_report_row *r,
                                     struct dw_buf *out);

/* Options of `dw-analyze report`. */
struct dw_report_opts {
    const char *vendor; /* NULL: every vendor */
    int64_t run_id;     /* 0: the latest done run covering each vendor */
};

/*
 * Writes the scorecard of opts->vendor (or of every vendor, by name) from
 * the latest done run covering it, or from run_id, to out.
 * DW_ERR_USAGE for an unknown vendor or run id; DW_ERR_NOT_FOUND when a
 * named vendor exists but no done run covers it.
 */
enum dw_status dw_report_text(PGconn *conn, const struct dw_report_opts *opts,
                              FILE *out, struct dw_error *err);

#endif
