/* collector/adapter_json.h — JSON helpers every pure adapter uses. */
#ifndef DW_ADAPTER_JSON_H
#define DW_ADAPTER_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "platform.h"

/*
 * Parses body (len bytes; NULL reads as not JSON) into *root (new: the
 * caller decrefs it). DW_ERR_PARSE when it is not JSON: err gives only
 * the byte offset, never Jansson's text, which quotes the body.
 */
enum dw_status dw_json_load(const char *body, size_t len, json_t **root,
                            struct dw_error *err);

/*
 * The path of url for quarantine rows: never a host or a token. Borrowed:
 * points into url (or at a static "/" when url has no path).
 */
const char *dw_url_path(const char *url);

/*
 * Quarantines rec (borrowed; stored as compact JSON with sorted keys) as
 * row index of page (borrowed, copied) into out->rows. On failure sets err
 * to "out of memory" and returns its status.
 */
enum dw_status dw_json_quarantine_at(struct dw_parse_out *out, const char *page,
                                     int index, const char *reason, json_t *rec,
                                     struct dw_error *err);

/* dw_json_quarantine_at under the path of req->url. */
enum dw_status dw_json_quarantine(const struct dw_request *req,
                                  struct dw_parse_out *out, int index,
                                  const char *reason, json_t *rec,
                                  struct dw_error *err);

/*
 * Sets out->landed (new, the caller's parse_out owns it) to root (borrowed)
 * as compact JSON with sorted keys: the same content lands with the same
 * sha256. DW_ERR_NOMEM (err set) when it cannot.
 */
enum dw_status dw_json_land(json_t *root, struct dw_parse_out *out,
                            struct dw_error *err);

/*
 * An ISO 8601 timestamp field of o (a zoneless stamp is read as UTC):
 * absent or null -> *out = DW_TIME_NONE and true; else it must parse.
 */
bool dw_json_get_time(json_t *o, const char *key, int64_t *out);

/*
 * A JSON number of whole units of currency (integer, or a real read
 * through its decimal) -> micro-units. May be negative; false when not a
 * number or out of range.
 */
bool dw_json_money(json_t *v, const char *currency, int64_t *micros);

#endif
