/* common/status.h — the one error enum, error details, and exit codes. */
#ifndef DW_STATUS_H
#define DW_STATUS_H

/*
 * Every fallible function returns an enum dw_status and, when the caller
 * passes one, fills a struct dw_error with a human-readable message.
 * Values are never renumbered; new ones go at the end.
 */
enum dw_status {
    DW_OK = 0,
    DW_ERR_NOMEM,     /* allocation failed */
    DW_ERR_CONFIG,    /* missing or malformed setting */
    DW_ERR_USAGE,     /* bad command-line arguments */
    DW_ERR_IO,        /* file or socket I/O failed */
    DW_ERR_HTTP,      /* transport failure, or non-2xx after retries */
    DW_ERR_THROTTLED, /* retries exhausted on 429: progress saved, exit 3 */
    DW_ERR_AUTH,      /* credentials rejected (401/403) */
    DW_ERR_PARSE,     /* body or field is not of the expected shape */
    DW_ERR_INVALID,   /* a value parsed but is not acceptable (a record
                         fails validation: goes to quarantine) */
    DW_ERR_DB,        /* libpq reported an error */
    DW_ERR_TOO_LARGE, /* a capped buffer reached its cap */
    DW_ERR_LOCKED,    /* another run holds the source's advisory lock */
    DW_ERR_NOT_FOUND, /* a named thing (vendor, source, file) is absent */
    DW_ERR_RANGE,     /* a number is out of its representable range */
    DW_ERR_INTERNAL,  /* a broken invariant: a bug */
    DW_STATUS_COUNT
};

/* Process exit codes shared by every program. */
enum dw_exit {
    DW_EXIT_OK = 0,      /* done */
    DW_EXIT_FAILED = 1,  /* failed */
    DW_EXIT_USAGE = 2,   /* usage or configuration error */
    DW_EXIT_PARTIAL = 3, /* partial: progress saved, the next run resumes */
};

#define DW_ERROR_MSG_MAX 512

/* Detail of the last failure. Zero-initialise before use. */
struct dw_error {
    enum dw_status code;
    char msg[DW_ERROR_MSG_MAX];
};

/* Short, stable, lower-case description of a status ("out of memory"). */
const char *dw_strerror(enum dw_status st);

/* Short, stable token for logs and JSON ("nomem", "too_large"). */
const char *dw_status_name(enum dw_status st);

/*
 * Record a failure in err (which may be NULL) and return code, so callers
 * can write `return dw_error_set(err, DW_ERR_PARSE, "bad %s", what);`.
 * The message is formatted like printf and truncated to fit.
 */
enum dw_status dw_error_set(struct dw_error *err, enum dw_status code,
                            const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Prefix an existing message with context ("source prolific-main: ...").
 * ": " is inserted unless the prefix already ends in ':' or a space.
 * Returns err->code (DW_OK when err is NULL).
 */
enum dw_status dw_error_prefix(struct dw_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Map a status to the exit code a program should return for it: CONFIG and
 * USAGE -> 2; THROTTLED and LOCKED (another run has it: try again) -> 3.
 */
enum dw_exit dw_exit_code(enum dw_status st);

#endif
