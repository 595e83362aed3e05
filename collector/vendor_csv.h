/* collector/vendor_csv.h — vendor interchange format v1: files to records. */
#ifndef DW_VENDOR_CSV_H
#define DW_VENDOR_CSV_H

#include <stddef.h>

#include "status.h"

/* The three files of an export (docs/file-format.md). */
enum dw_vendor_file {
    DW_VENDOR_UNITS,     /* work_units: required */
    DW_VENDOR_ACTIVITY,  /* activity: optional */
    DW_VENDOR_PRACTICES, /* practices: optional */
};

enum dw_vendor_format {
    DW_VENDOR_CSV,    /* header row, RFC 4180, UTF-8 */
    DW_VENDOR_NDJSON, /* one JSON object per line */
};

/* Field ids of work_units, in the order of the spec. */
enum {
    DW_VU_UNIT_ID,
    DW_VU_TASK_ID,
    DW_VU_WORKER_ID,
    DW_VU_WORKER_COUNTRY,
    DW_VU_WORKER_TZ,
    DW_VU_STATUS,
    DW_VU_ACCEPTED_AT,
    DW_VU_SUBMITTED_AT,
    DW_VU_DECIDED_AT,
    DW_VU_PAID_AT,
    DW_VU_REWARD,
    DW_VU_BONUS,
    DW_VU_WORKER_FEE,
    DW_VU_CURRENCY,
    DW_VU_TASK_ESTIMATE_MINUTES,
    DW_VU_COUNT
};

/* Field ids of activity. */
enum {
    DW_VA_WORKER_ID,
    DW_VA_STARTED_AT,
    DW_VA_MINUTES,
    DW_VA_SCREENSHOTS,
    DW_VA_WEBCAM_SHOTS,
    DW_VA_KEYBOARD_EVENTS,
    DW_VA_MOUSE_EVENTS,
    DW_VA_ACTIVITY_LEVEL,
    DW_VA_MANUAL,
    DW_VA_COUNT
};

/* Field ids of practices. */
enum { DW_VP_PRACTICE, DW_VP_IN_USE, DW_VP_EVIDENCE, DW_VP_COUNT };

#define DW_VENDOR_MAX_FIELDS DW_VU_COUNT
#define DW_VENDOR_MAX_RECORD ((size_t)1024 * 1024) /* bytes per record */
#define DW_VENDOR_MAX_COLUMNS 256

/* "work_units", "activity", "practices". */
const char *dw_vendor_file_base(enum dw_vendor_file kind);
/* Number of fields of kind, and the name of field id ("unit_id"). */
size_t dw_vendor_field_count(enum dw_vendor_file kind);
const char *dw_vendor_field_name(enum dw_vendor_file kind, size_t id);

/*
 * One record as read, before validation. v[id] is the field's text (UTF-8,
 * no NUL): NULL when the file has no such column or the object no such
 * key, "" when empty or JSON null. A record that cannot be read at all
 * (broken quoting, a line that is not a JSON object, bad UTF-8) has
 * malformed set to the reason and every v NULL. Everything is borrowed
 * for the duration of the callback.
 */
struct dw_vendor_record {
    long line; /* 1-based line where the record starts */
    const char *v[DW_VENDOR_MAX_FIELDS];
    const char *malformed;
};

/* Called once per record in file order; a non-OK return stops the read. */
typedef enum dw_status (*dw_vendor_record_fn)(
    void *ctx, const struct dw_vendor_record *rec, struct dw_error *err);

/* What a read saw besides its records. */
struct dw_vendor_read_info {
    long records;      /* callbacks made */
    char unknown[256]; /* unknown column names, comma-separated, "" if none */
};

/*
 * Reads body (len bytes; a leading UTF-8 BOM is skipped) as a kind file
 * in fmt and calls cb for each record, holding at most one record in
 * memory. CSV: the first row is the header; column order is free, names
 * match case-insensitively, unknown columns are ignored and listed in
 * info->unknown; blank lines are skipped; CRLF or LF. NDJSON: blank lines
 * are skipped; unknown keys are listed like unknown columns.
 * Errors (the whole file is refused): DW_ERR_INVALID for a CSV header that
 * is missing, lacks a required column (the message names it) or repeats
 * one; DW_ERR_TOO_LARGE for a record over DW_VENDOR_MAX_RECORD bytes or
 * DW_VENDOR_MAX_COLUMNS columns; whatever cb returned.
 */
enum dw_status dw_vendor_read(enum dw_vendor_file kind,
                              enum dw_vendor_format fmt, const char *body,
                              size_t len, dw_vendor_record_fn cb, void *ctx,
                              struct dw_vendor_read_info *info,
                              struct dw_error *err);

#endif
