/* analyzer/report_html.h — vendor scorecards as one self-contained HTML page.
 */
#ifndef DW_REPORT_HTML_H
#define DW_REPORT_HTML_H

#include "buf.h"
#include "report_model.h"
#include "status.h"

/*
 * Appends m as one HTML5 page with no external assets: inline CSS (screen
 * and print, one vendor per printed page), inline SVG charts (EHR
 * distribution against the minimum wage, weekly hours against the normal
 * and maximum lines, flags by rule), provenance and caveats. With several
 * vendors the page opens with a comparison table. Every text from the
 * model is escaped. Pure: reads only m.
 */
enum dw_status dw_report_html_render(const struct dw_report_model *m,
                                     struct dw_buf *out);

/* Chart colours, shared with the tests. */
#define DW_HTML_BELOW "#c62828" /* below the line: red */
#define DW_HTML_ABOVE "#2e7d32" /* at or above: green */
#define DW_HTML_MIXED "#f9a825" /* a bucket straddling two floors */
#define DW_HTML_AMBER "#ef8f00"
#define DW_HTML_PLAIN "#4a6fa5"

/* Pixel size of the two histograms. */
#define DW_HTML_CHART_W 560
#define DW_HTML_CHART_H 260

#endif
