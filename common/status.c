/* common/status.c — status names, error details and exit codes. */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const status_text[DW_STATUS_COUNT] = {
    [DW_OK] = "ok",
    [DW_ERR_NOMEM] = "out of memory",
    [DW_ERR_CONFIG] = "configuration error",
    [DW_ERR_USAGE] = "usage error",
    [DW_ERR_IO] = "i/o error",
    [DW_ERR_HTTP] = "http error",
    [DW_ERR_THROTTLED] = "rate limited",
    [DW_ERR_AUTH] = "credentials rejected",
    [DW_ERR_PARSE] = "parse error",
    [DW_ERR_INVALID] = "invalid value",
    [DW_ERR_DB] = "database error",
    [DW_ERR_TOO_LARGE] = "too large",
    [DW_ERR_LOCKED] = "locked by another run",
    [DW_ERR_NOT_FOUND] = "not found",
    [DW_ERR_RANGE] = "out of range",
    [DW_ERR_INTERNAL] = "internal error",
};

static const char *const status_name[DW_STATUS_COUNT] = {
    [DW_OK] = "ok",
    [DW_ERR_NOMEM] = "nomem",
    [DW_ERR_CONFIG] = "config",
    [DW_ERR_USAGE] = "usage",
    [DW_ERR_IO] = "io",
    [DW_ERR_HTTP] = "http",
    [DW_ERR_THROTTLED] = "throttled",
    [DW_ERR_AUTH] = "auth",
    [DW_ERR_PARSE] = "parse",
    [DW_ERR_INVALID] = "invalid",
    [DW_ERR_DB] = "db",
    [DW_ERR_TOO_LARGE] = "too_large",
    [DW_ERR_LOCKED] = "locked",
    [DW_ERR_NOT_FOUND] = "not_found",
    [DW_ERR_RANGE] = "range",
    [DW_ERR_INTERNAL] = "internal",
};

const char *dw_strerror(enum dw_status st)
{
    if ((unsigned)st >= DW_STATUS_COUNT)
        return "unknown status";
    return status_text[st];
}

const char *dw_status_name(enum dw_status st)
{
    if ((unsigned)st >= DW_STATUS_COUNT)
        return "unknown";
    return status_name[st];
}

enum dw_status dw_error_set(struct dw_error *err, enum dw_status code,
                            const char *fmt, ...)
{
    char tmp[DW_ERROR_MSG_MAX];
    va_list ap;

    if (err == NULL)
        return code;
    /* Format into a copy first: an argument may be err->msg itself. */
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    err->code = code;
    memcpy(err->msg, tmp, sizeof(tmp));
    return code;
}

enum dw_status dw_error_prefix(struct dw_error *err, const char *fmt, ...)
{
    char pre[DW_ERROR_MSG_MAX];
    char tmp[DW_ERROR_MSG_MAX];
    const char *sep = ": ";
    size_t plen;
    va_list ap;

    if (err == NULL)
        return DW_OK;
    va_start(ap, fmt);
    vsnprintf(pre, sizeof(pre), fmt, ap);
    va_end(ap);
    plen = strlen(pre);
    /* The caller may have written the separator already. */
    if (plen > 0 && (pre[plen - 1] == ' ' || pre[plen - 1] == ':'))
        sep = "";
    if (err->msg[0] == '\0')
        sep = "";
    if (snprintf(tmp, sizeof(tmp), "%s%s%s", pre, sep, err->msg) < 0)
        return err->code;
    memcpy(err->msg, tmp, sizeof(tmp));
    return err->code;
}

enum dw_exit dw_exit_code(enum dw_status st)
{
    switch (st) {
    case DW_OK:
        return DW_EXIT_OK;
    case DW_ERR_CONFIG:
    case DW_ERR_USAGE:
        return DW_EXIT_USAGE;
    case DW_ERR_THROTTLED:
    case DW_ERR_LOCKED:
        return DW_EXIT_PARTIAL;
    default:
        return DW_EXIT_FAILED;
    }
}
