/* analyzer/report_csv.h — vendor scorecards as CSV, one row per metric. */
#ifndef DW_REPORT_CSV_H
#define DW_REPORT_CSV_H

#include "buf.h"
#include "report_model.h"
#include "status.h"

/*
 * Appends m as RFC 4180 CSV: a header row "vendor,metric,value,unit,
 * threshold,status", then one row per metric of each vendor (names in
 * docs/report-formats.md), CRLF line ends. A field with a comma, quote,
 * CR or LF is quoted with quotes doubled; a text field starting with
 * = + - @ gets a leading apostrophe so spreadsheets show it rather than
 * run it. Pure: reads only m.
 */
enum dw_status dw_report_csv_render(const struct dw_report_model *m,
                                    struct dw_buf *out);

/* Appends one CSV field, quoted when needed (no separator). */
enum dw_status dw_csv_field(struct dw_buf *out, const char *s);

#endif
