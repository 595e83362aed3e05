/* tests/fuzz/fuzz_copy.c — COPY text escaping and splitting round trip. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "fuzz.h"

#define MAX_FIELDS 16

/*
 * The input is fields separated by NUL bytes; a field that is the single
 * byte 0xff stands for SQL NULL. Escaped and joined with tabs, the line
 * must split back into exactly those fields.
 */
static void check_round_trip(const uint8_t *data, size_t size)
{
    const char *field[MAX_FIELDS];
    size_t flen[MAX_FIELDS], nf = 0, start = 0, n = 0;
    char *copy = fuzz_cstr(data, size);
    char *out[MAX_FIELDS + 1];
    struct dw_buf line;
    char *text;

    for (size_t i = 0; i <= size && nf < MAX_FIELDS; i++) {
        if (i == size || data[i] == 0) {
            bool null = i - start == 1 && data[start] == 0xff;
            copy[i < size ? i : size] = '\0';
            field[nf] = null ? NULL : copy + start;
            flen[nf] = i - start;
            nf++;
            start = i + 1;
        }
    }
    dw_buf_init(&line, 0);
    for (size_t i = 0; i < nf; i++) {
        size_t before;

        if (i > 0)
            FUZZ_CHECK(dw_buf_putc(&line, '\t') == DW_OK);
        before = line.len;
        if (field[i] == NULL) {
            FUZZ_CHECK(dw_buf_puts(&line, "\\N") == DW_OK);
            continue;
        }
        FUZZ_CHECK(dw_copy_escape(&line, field[i]) == DW_OK);
        /* Escaped text holds no control byte and is never \N. */
        for (size_t k = before; k < line.len; k++)
            FUZZ_CHECK((unsigned char)line.data[k] >= 0x20 &&
                       line.data[k] != 0x7f);
        FUZZ_CHECK(line.len - before != 2 ||
                   memcmp(line.data + before, "\\N", 2) != 0);
    }
    text = dw_buf_take(&line);
    FUZZ_CHECK(text != NULL);
    FUZZ_CHECK(dw_copy_split(text, out, nf, &n) == DW_OK);
    FUZZ_CHECK(n == nf);
    for (size_t i = 0; i < nf; i++) {
        if (field[i] == NULL) {
            FUZZ_CHECK(out[i] == NULL);
            continue;
        }
        FUZZ_CHECK(out[i] != NULL);
        FUZZ_CHECK(strlen(out[i]) == flen[i]);
        FUZZ_CHECK(memcmp(out[i], field[i], flen[i]) == 0);
    }
    free(text);
    free(copy);
}

/* Any line: fields stay inside it, and a count above max is an error. */
static void check_split(const uint8_t *data, size_t size)
{
    char *line = fuzz_cstr(data, size);
    size_t len = strlen(line), n = 0, tabs = 0;
    char *out[4];
    enum dw_status st;

    for (size_t i = 0; i < len; i++)
        tabs += line[i] == '\t';
    st = dw_copy_split(line, out, 4, &n);
    FUZZ_CHECK(st == DW_OK || st == DW_ERR_PARSE);
    if (st == DW_OK) {
        /* An escaped tab (backslash, tab) joins fields, never splits. */
        FUZZ_CHECK(n >= 1 && n <= 4 && n <= tabs + 1);
        for (size_t i = 0; i < n; i++)
            if (out[i] != NULL)
                FUZZ_CHECK(out[i] >= line &&
                           out[i] + strlen(out[i]) <= line + len);
    } else {
        FUZZ_CHECK(tabs >= 4);
    }
    free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_split(data, size);
    check_round_trip(data, size);
    return 0;
}
