/* common/log.h — one line per event on stderr, logfmt or JSON. */
#ifndef DW_LOG_H
#define DW_LOG_H

#include <stddef.h>
#include <stdio.h>

#include "status.h"

enum dw_log_level { DW_LOG_DEBUG, DW_LOG_INFO, DW_LOG_WARN, DW_LOG_ERROR };
enum dw_log_format { DW_LOG_LOGFMT, DW_LOG_JSON };

/* Process-wide settings; the defaults are INFO and logfmt. */
void dw_log_set_level(enum dw_log_level level);
void dw_log_set_format(enum dw_log_format format);
/* Parses "debug|info|warn|error" and "logfmt|json"; DW_ERR_USAGE if neither. */
enum dw_status dw_log_parse_level(const char *s, enum dw_log_level *out);
enum dw_status dw_log_parse_format(const char *s, enum dw_log_format *out);
/* Where lines go (stderr by default); tests point it at a tmpfile. */
void dw_log_set_stream(FILE *stream);

/*
 * Log one event. `event` is a short word ("collect", "http", "migrate");
 * `fmt` formats a sequence of key=value pairs, e.g.
 *   dw_log(DW_LOG_INFO, "collect", "source=%s pages=%d", name, n);
 * Values with spaces, quotes or '=' must be passed through dw_log_quote.
 * logfmt output:  2026-11-24T10:00:00Z INFO collect source=x pages=12
 * JSON output:    {"ts":"...","level":"info","event":"collect",
 *                  "source":"x","pages":"12"}
 * Messages below the level are dropped before formatting.
 */
void dw_log(enum dw_log_level level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Quote s for a logfmt value into out (size n): returns out. Adds double
 * quotes and backslash escapes when s has spaces, '=', '"' or controls.
 */
const char *dw_log_quote(const char *s, char *out, size_t n);

/* Logs err's message at ERROR with event and a `status=` field. */
void dw_log_error(const char *event, const struct dw_error *err);

#endif
