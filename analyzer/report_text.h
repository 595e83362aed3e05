/* analyzer/report_text.h — a vendor scorecard as plain text. */
#ifndef DW_REPORT_TEXT_H
#define DW_REPORT_TEXT_H

#include "buf.h"
#include "report_model.h"
#include "status.h"

/*
 * Appends the scorecard of every vendor in m to out, in model order,
 * separated by a blank line; a vendor no run covers gets one line saying
 * so. Pure: reads only m. DW_ERR_NOMEM / DW_ERR_TOO_LARGE from the buffer.
 */
enum dw_status dw_report_text_render(const struct dw_report_model *m,
                                     struct dw_buf *out);

#endif
