/* collector/adapter_json.c — JSON helpers every pure adapter uses. */
#include "adapter_json.h"

#include <stdlib.h>
#include <string.h>

#include "dwtime.h"
#include "money.h"

enum dw_status dw_json_load(const char *body, size_t len, json_t **root,
                            struct dw_error *err)
{
    json_error_t jerr = {0};
    *root = body ? json_loadb(body, len, 0, &jerr) : NULL;
    if (!*root)
        /* jerr.text quotes the body (worker ids): only the offset. */
        return dw_error_set(err, DW_ERR_PARSE, "not JSON (at byte %d of %zu)",
                            jerr.position, len);
    return DW_OK;
}

const char *dw_url_path(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : url;
    return p ? p : "/";
}

enum dw_status dw_json_quarantine_at(struct dw_parse_out *out, const char *page,
                                     int index, const char *reason, json_t *rec,
                                     struct dw_error *err)
{
    char *text = json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS);
    enum dw_status st =
        text ? dw_page_rows_quarantine(&out->rows, page, index, reason, text)
             : DW_ERR_NOMEM;
    free(text);
    if (st != DW_OK)
        dw_error_set(err, st, "out of memory");
    return st;
}

enum dw_status dw_json_quarantine(const struct dw_request *req,
                                  struct dw_parse_out *out, int index,
                                  const char *reason, json_t *rec,
                                  struct dw_error *err)
{
    return dw_json_quarantine_at(out, dw_url_path(req->url), index, reason, rec,
                                 err);
}

enum dw_status dw_json_land(json_t *root, struct dw_parse_out *out,
                            struct dw_error *err)
{
    out->landed = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
    if (!out->landed)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    return DW_OK;
}

bool dw_json_get_time(json_t *o, const char *key, int64_t *out)
{
    json_t *v = json_object_get(o, key);
    *out = DW_TIME_NONE;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_string(v))
        return false;
    return dw_time_parse_iso(json_string_value(v), true, out, NULL) == DW_OK;
}

bool dw_json_money(json_t *v, const char *currency, int64_t *micros)
{
    if (json_is_integer(v)) {
        json_int_t n = json_integer_value(v);
        if (n > INT64_MAX / DW_MICROS || n < INT64_MIN / DW_MICROS)
            return false;
        *micros = (int64_t)n * DW_MICROS;
        return true;
    }
    if (json_is_real(v))
        return dw_money_from_json_real(json_real_value(v), false, currency,
                                       micros, NULL) == DW_OK;
    return false;
}
