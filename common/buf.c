/* common/buf.c — growable byte buffer with a hard cap. */
#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dw_buf_init(struct dw_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void dw_buf_release(struct dw_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void dw_buf_reset(struct dw_buf *b)
{
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

/* Makes room for n more bytes plus the NUL, honouring the cap. */
static enum dw_status grow(struct dw_buf *b, size_t n)
{
    size_t need, ncap;
    char *p;

    if (n > SIZE_MAX - 1 - b->len)
        return DW_ERR_TOO_LARGE;
    need = b->len + n;
    if (b->max != 0 && need > b->max)
        return DW_ERR_TOO_LARGE;
    if (need + 1 <= b->cap)
        return DW_OK;
    ncap = b->cap != 0 ? b->cap : 64;
    while (ncap < need + 1)
        ncap = ncap > SIZE_MAX / 2 ? need + 1 : ncap * 2;
    if (b->max != 0 && ncap > b->max + 1)
        ncap = b->max + 1;
    p = realloc(b->data, ncap);
    if (p == NULL)
        return DW_ERR_NOMEM;
    b->data = p;
    b->cap = ncap;
    return DW_OK;
}

enum dw_status dw_buf_append(struct dw_buf *b, const void *p, size_t n)
{
    enum dw_status st = grow(b, n);

    if (st != DW_OK)
        return st;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return DW_OK;
}

enum dw_status dw_buf_puts(struct dw_buf *b, const char *s)
{
    return dw_buf_append(b, s, strlen(s));
}

enum dw_status dw_buf_putc(struct dw_buf *b, char c)
{
    return dw_buf_append(b, &c, 1);
}

enum dw_status dw_buf_printf(struct dw_buf *b, const char *fmt, ...)
{
    enum dw_status st;
    va_list ap;

    va_start(ap, fmt);
    st = dw_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return st;
}

enum dw_status dw_buf_vprintf(struct dw_buf *b, const char *fmt, va_list ap)
{
    enum dw_status st;
    va_list ap2;
    int n;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return DW_ERR_INTERNAL;
    st = grow(b, (size_t)n);
    if (st != DW_OK)
        return st;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return DW_OK;
}

char *dw_buf_take(struct dw_buf *b)
{
    char *p = b->data;

    if (p == NULL) {
        p = malloc(1);
        if (p == NULL)
            return NULL;
        p[0] = '\0';
    }
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}
