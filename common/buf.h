/* common/buf.h — growable byte buffer with a hard cap. */
#ifndef DW_BUF_H
#define DW_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "status.h"

/*
 * A NUL-terminated growable buffer. `max` is the largest len allowed
 * (0 = no cap); appends beyond it fail with DW_ERR_TOO_LARGE and leave the
 * buffer unchanged. data is NULL until the first append.
 */
struct dw_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;
};

void dw_buf_init(struct dw_buf *b, size_t max);
/* Frees the storage; the buffer is then empty and reusable. */
void dw_buf_release(struct dw_buf *b);
/* Empties the buffer, keeping its storage. */
void dw_buf_reset(struct dw_buf *b);
enum dw_status dw_buf_append(struct dw_buf *b, const void *p, size_t n);
enum dw_status dw_buf_puts(struct dw_buf *b, const char *s);
enum dw_status dw_buf_putc(struct dw_buf *b, char c);
enum dw_status dw_buf_printf(struct dw_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum dw_status dw_buf_vprintf(struct dw_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/*
 * Hands the storage to the caller (free() it) and empties the buffer.
 * Returns an empty heap string when nothing was appended; NULL on OOM.
 */
char *dw_buf_take(struct dw_buf *b);

#endif
