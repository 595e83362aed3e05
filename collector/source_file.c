/* collector/source_file.c — the `file` source: a vendor's export, format v1. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "platform.h"
#include "vendor_csv.h"
#include "vendor_rows.h"

/* Request kinds; stored in frontiers, so never renumber. */
enum {
    FK_UNITS = 1,     /* work_units.{csv,ndjson}: required */
    FK_ACTIVITY = 2,  /* activity.{csv,ndjson}: optional */
    FK_PRACTICES = 3, /* practices.{csv,ndjson}: optional */
};

#define PLATFORM "file"

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/*
 * The export's location: path is a directory or base URL (CSV files), or
 * names its work_units file, whose extension then sets the format. *base
 * is heap, without a trailing '/'.
 */
static enum dw_status locate(const char *path, char **base,
                             enum dw_vendor_format *fmt, struct dw_error *err)
{
    size_t n = strlen(path);
    *fmt = DW_VENDOR_CSV;
    if (ends_with(path, n, "/work_units.ndjson")) {
        *fmt = DW_VENDOR_NDJSON;
        n -= strlen("/work_units.ndjson");
    } else if (ends_with(path, n, "/work_units.csv")) {
        n -= strlen("/work_units.csv");
    }
    while (n > 1 && path[n - 1] == '/')
        n--;
    *base = strndup(path, n);
    if (!*base)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    return DW_OK;
}

static bool is_web(const char *url)
{
    return strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0;
}

static enum dw_status file_start(const struct dw_platform_ctx *ctx,
                                 struct dw_request_list *out,
                                 struct dw_error *err)
{
    static const struct {
        int kind;
        enum dw_vendor_file file;
    } files[] = {
        /* Popped from the end: work units first. */
        {FK_PRACTICES, DW_VENDOR_PRACTICES},
        {FK_ACTIVITY, DW_VENDOR_ACTIVITY},
        {FK_UNITS, DW_VENDOR_UNITS},
    };
    const char *path = ctx->source ? ctx->source->path : NULL;
    const char *prefix = "";
    enum dw_vendor_format fmt;
    char *base = NULL;
    enum dw_status st;

    if (!path || !*path)
        return dw_error_set(err, DW_ERR_CONFIG,
                            "file: path = a directory or https URL is needed");
    st = locate(path, &base, &fmt, err);
    if (st != DW_OK)
        return st;
    if (is_web(base)) {
        if (!dw_http_url_allowed(base))
            st = dw_error_set(err, DW_ERR_CONFIG,
                              "file: path must be https (plain http only to "
                              "loopback)");
    } else if (strncmp(base, "file://", 7) != 0) {
        if (base[0] != '/')
            st = dw_error_set(err, DW_ERR_CONFIG,
                              "file: path must be an absolute directory or an "
                              "https URL");
        prefix = "file://";
    }
    for (size_t i = 0; st == DW_OK && i < sizeof(files) / sizeof(files[0]);
         i++) {
        struct dw_buf url;
        dw_buf_init(&url, 0);
        st = dw_buf_printf(&url, "%s%s/%s.%s", prefix, base,
                           dw_vendor_file_base(files[i].file),
                           fmt == DW_VENDOR_NDJSON ? "ndjson" : "csv");
        if (st == DW_OK)
            st = dw_request_list_push(
                out, files[i].kind, files[i].kind == FK_UNITS, url.data, NULL);
        dw_buf_release(&url);
        if (st != DW_OK)
            dw_error_set(err, st, "out of memory");
    }
    free(base);
    return st;
}

static enum dw_status file_prepare(const struct dw_platform_ctx *ctx,
                                   const struct dw_request *req,
                                   struct dw_http_req *hreq,
                                   struct dw_error *err)
{
    /* A token, when the source names one, goes only to a web server. */
    if (!is_web(req->url) || !ctx->credential || !*ctx->credential)
        return DW_OK;
    if (dw_http_req_add_header(hreq, "Authorization: Bearer %s",
                               ctx->credential) != DW_OK)
        return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    return DW_OK;
}

/* "work_units.csv" from any URL: the quarantine page and log name. */
static char *file_name(const char *url)
{
    const char *q = strpbrk(url, "?#");
    size_t n = q ? (size_t)(q - url) : strlen(url);
    const char *s = url + n;
    while (s > url && s[-1] != '/')
        s--;
    return strndup(s, (size_t)(url + n - s));
}

static enum dw_status file_parse(const struct dw_platform_ctx *ctx,
                                 const struct dw_request *req, const char *body,
                                 size_t len, struct dw_parse_out *out,
                                 struct dw_error *err)
{
    enum dw_vendor_file kind = req->kind == FK_ACTIVITY    ? DW_VENDOR_ACTIVITY
                               : req->kind == FK_PRACTICES ? DW_VENDOR_PRACTICES
                                                           : DW_VENDOR_UNITS;
    char *name = file_name(req->url);
    size_t nlen = name ? strlen(name) : 0;
    enum dw_vendor_format fmt = ends_with(name ? name : "", nlen, ".ndjson")
                                    ? DW_VENDOR_NDJSON
                                    : DW_VENDOR_CSV;
    const char *vendor =
        ctx->source && ctx->source->vendor ? ctx->source->vendor : "";
    struct dw_vendor_read_info info;
    struct dw_vendor_rows vr;
    struct dw_buf ns, landed;
    enum dw_status st = DW_OK;

    dw_buf_init(&ns, 0);
    dw_buf_init(&landed, 0);
    if (req->kind < FK_UNITS || req->kind > FK_PRACTICES)
        st = dw_error_set(err, DW_ERR_INTERNAL, "file: unknown request kind %d",
                          req->kind);
    else if (!name || dw_buf_printf(&ns, "%s:%s", PLATFORM, vendor) != DW_OK)
        st = dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    if (st == DW_OK) {
        dw_vendor_rows_init(&vr, kind, name, ctx->pseudonym_key, ns.data,
                            ctx->now, &out->rows, &landed);
        st = dw_vendor_read(kind, fmt, body ? body : "", body ? len : 0,
                            dw_vendor_rows_add, &vr, &info, err);
        dw_vendor_rows_release(&vr);
    }
    if (st == DW_OK && info.unknown[0]) {
        char q[300];
        dw_log(DW_LOG_WARN, "file",
               "source=%s file=%s unknown_columns=%s "
               "action=ignored",
               ctx->source && ctx->source->name ? ctx->source->name : "", name,
               dw_log_quote(info.unknown, q, sizeof(q)));
    }
    if (st == DW_OK && !(out->landed = dw_buf_take(&landed)))
        st = dw_error_set(err, DW_ERR_NOMEM, "out of memory");
    dw_buf_release(&landed);
    dw_buf_release(&ns);
    free(name);
    return st;
}

const struct dw_platform dw_platform_file = {
    .name = PLATFORM,
    .default_endpoint = "", /* the source's path says where the files are */
    .start = file_start,
    .prepare = file_prepare,
    .parse = file_parse,
};
