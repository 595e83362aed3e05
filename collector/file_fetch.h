/* collector/file_fetch.h — read a file:// URL the way dw_http_get fetches. */
#ifndef DW_FILE_FETCH_H
#define DW_FILE_FETCH_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "http.h"
#include "status.h"

/* True when url is a file:// URL (a local file, read by dw_file_get). */
bool dw_file_url(const char *url);

/*
 * Reads the file a file:// URL names (the path after "file://", taken
 * verbatim, no percent-decoding) into body (reset first, capped at
 * max_body bytes), sets *status to 200 and hands the contents to check
 * once: a file does not change between attempts, so nothing is retried.
 * Errors: DW_ERR_NOT_FOUND (no such file), DW_ERR_TOO_LARGE (over
 * max_body; the message gives both sizes), DW_ERR_IO (anything else the
 * system refused, e.g. a directory), or what check returned. Messages
 * name the file, never its contents.
 */
enum dw_status dw_file_get(const char *url, size_t max_body,
                           dw_http_check_fn check, void *check_ctx,
                           long *status, struct dw_buf *body,
                           struct dw_error *err);

#endif
