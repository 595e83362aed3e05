/* collector/vendor_rows.h — validate vendor records into normalized rows. */
#ifndef DW_VENDOR_ROWS_H
#define DW_VENDOR_ROWS_H

#include <stdint.h>

#include "buf.h"
#include "record.h"
#include "status.h"
#include "vendor_csv.h"

struct dw_vendor_seen; /* ids already read in this file (duplicates) */

/*
 * Turns the records of one file into rows. Everything is borrowed except
 * seen. worker_ns is the pseudonym namespace: the key of raw worker id R
 * is HMAC(pseudonym_key, worker_ns ":" R). Each record, good or bad, is
 * appended to landed as one pseudonymized JSON line ({"line":N, field:
 * text, ...}, keys sorted, worker_id replaced by its key); a bad record
 * also becomes a quarantine row (page = file, index = line, the reason,
 * that JSON). Good records become unit, task and payment rows (work_units),
 * segment rows (activity) or practice rows (practices).
 */
struct dw_vendor_rows {
    enum dw_vendor_file kind;
    const char *file;
    const char *pseudonym_key;
    const char *worker_ns;
    int64_t now; /* µs UTC: timestamps after now + 1 day are refused */
    struct dw_page_rows *rows;
    struct dw_buf *landed;
    struct dw_vendor_seen *seen;
};

void dw_vendor_rows_init(struct dw_vendor_rows *v, enum dw_vendor_file kind,
                         const char *file, const char *pseudonym_key,
                         const char *worker_ns, int64_t now,
                         struct dw_page_rows *rows, struct dw_buf *landed);
void dw_vendor_rows_release(struct dw_vendor_rows *v);

/*
 * A dw_vendor_record_fn: ctx is a struct dw_vendor_rows. Returns DW_OK for
 * good and quarantined records alike; only running out of memory (or a
 * full landed buffer: DW_ERR_TOO_LARGE) stops the file.
 */
enum dw_status dw_vendor_rows_add(void *ctx, const struct dw_vendor_record *rec,
                                  struct dw_error *err);

#endif
