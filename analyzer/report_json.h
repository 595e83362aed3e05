/* analyzer/report_json.h — vendor scorecards as one JSON document. */
#ifndef DW_REPORT_JSON_H
#define DW_REPORT_JSON_H

#include "buf.h"
#include "report_model.h"
#include "status.h"

/*
 * Appends m as one JSON object (field names in docs/report-formats.md,
 * stable across versions: new fields may appear, none are renamed).
 * Money is {"amount": "decimal string", "currency": "ISO 4217"}, shares
 * and hours decimal strings, counts integers: no JSON reals anywhere.
 * Pure: reads only m. DW_ERR_NOMEM when Jansson or the buffer fails.
 */
enum dw_status dw_report_json_render(const struct dw_report_model *m,
                                     struct dw_buf *out);

#endif
