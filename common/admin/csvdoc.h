/* common/admin/csvdoc.h — a CSV file as records with line numbers, and a
 * list of "LINE: what is wrong" errors, for the dw-admin importers. */
#ifndef DW_CSVDOC_H
#define DW_CSVDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "status.h"

/* Largest file the importers read (the ECB history is about 1.5 MiB). */
#define DW_CSVDOC_MAX_BYTES (64u * 1024u * 1024u)
/* Errors kept in a list; more are only counted. */
#define DW_IMPORT_ERRORS_MAX 1000
#define DW_IMPORT_ERROR_MSG 240

/* One CSV record: its fields (NUL-terminated, unquoted; libcsv trims
   unquoted leading and trailing spaces) and the line it starts on. */
struct dw_csv_record {
    size_t line; /* 1-based physical line of the record's first byte */
    size_t n;    /* number of fields (at least 1) */
    char **fields;
};

/* All records of one file, the header included (records[0]). */
struct dw_csvdoc {
    struct dw_csv_record *records;
    size_t n;
    size_t cap;
};

/*
 * Parses buf (len bytes; RFC 4180: quoted fields may hold commas, quotes
 * as "" and line breaks; CRLF or LF) into doc, which must be zeroed or
 * released. A UTF-8 byte-order mark is skipped; blank lines are ignored.
 * doc owns every string; free with dw_csvdoc_release. Errors: DW_ERR_PARSE
 * (an unterminated quote, with its line), DW_ERR_NOMEM.
 */
enum dw_status dw_csvdoc_parse(const char *buf, size_t len,
                               struct dw_csvdoc *doc, struct dw_error *err);
void dw_csvdoc_release(struct dw_csvdoc *doc);

/*
 * Reads a whole file into a NUL-terminated heap buffer (*out, free() it;
 * *len without the NUL). DW_ERR_NOT_FOUND / DW_ERR_IO with the path,
 * DW_ERR_TOO_LARGE beyond DW_CSVDOC_MAX_BYTES.
 */
enum dw_status dw_read_file(const char *path, char **out, size_t *len,
                            struct dw_error *err);

/* One problem found in an input file. */
struct dw_import_error {
    size_t line; /* 0 = the file as a whole */
    char msg[DW_IMPORT_ERROR_MSG];
};

/* The problems found in one file, in the order found; zero-initialise. */
struct dw_import_errors {
    struct dw_import_error *v;
    size_t n;       /* kept (at most DW_IMPORT_ERRORS_MAX) */
    size_t dropped; /* found beyond the cap */
    size_t cap;
    bool nomem; /* an append could not allocate */
};

/* Adds "line: msg" (printf format). Never fails: on OOM it sets nomem. */
void dw_import_error_add(struct dw_import_errors *e, size_t line,
                         const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Total errors found (kept and dropped). */
size_t dw_import_errors_count(const struct dw_import_errors *e);
/* Sorts the kept errors by line, keeping the order of equal lines. */
void dw_import_errors_sort(struct dw_import_errors *e);
/* Prints each as "path:LINE: msg" (or "path: msg" for line 0) and a
   count of dropped ones. */
void dw_import_errors_print(const struct dw_import_errors *e, const char *path,
                            FILE *to);
void dw_import_errors_release(struct dw_import_errors *e);

/*
 * True when s is a real calendar date written "YYYY-MM-DD" (years
 * 1000..9999): "2026-02-30" is false. Copies it into out[11].
 */
bool dw_iso_date_valid(const char *s, char out[11]);

#endif
