/* analyzer/shard.c — `--shard K/N`: which workers a shard computes, and the
 * set of finished shards of a sharded run (pure functions, no I/O). */
#include "shard.h"

#include <stdio.h>
#include <string.h>

#include "pseudonym.h"

/* A decimal number of at most 4 digits (DW_SHARD_MAX has 4) at *p;
 * advances *p. -1 when there is none or it is longer. */
static int number(const char **p)
{
    int v = 0, digits = 0;

    while (**p >= '0' && **p <= '9') {
        if (++digits > 4)
            return -1;
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    return digits > 0 ? v : -1;
}

enum dw_status dw_shard_parse(const char *s, struct dw_shard *out,
                              struct dw_error *err)
{
    const char *p = s;
    int k, n;

    if (s == NULL)
        return dw_error_set(err, DW_ERR_USAGE, "--shard needs K/N");
    k = number(&p);
    if (k >= 0 && *p == '/') {
        p++;
        n = number(&p);
        if (n >= 1 && n <= DW_SHARD_MAX && k >= 1 && k <= n && *p == '\0') {
            out->k = k;
            out->n = n;
            return DW_OK;
        }
    }
    return dw_error_set(err, DW_ERR_USAGE,
                        "--shard '%s': expected K/N with 1 <= K <= N <= %d "
                        "(e.g. 1/4)",
                        s, DW_SHARD_MAX);
}

const char *dw_shard_format(const struct dw_shard *s, char *buf, size_t cap)
{
    snprintf(buf, cap, "%d/%d", s->k, s->n);
    return buf;
}

int dw_shard_of(const char *worker_key, int n)
{
    uint32_t v = 0;

    if (worker_key == NULL || n < 1 || n > DW_SHARD_MAX)
        return -1;
    for (int i = 0; i < 8; i++) {
        int d = dw_hex_digit(worker_key[i]);
        if (d < 0)
            return -1;
        v = v << 4 | (uint32_t)d;
    }
    return (int)(v % (uint32_t)n) + 1;
}

void dw_shard_set_init(struct dw_shard_set *set, int n)
{
    memset(set, 0, sizeof *set);
    set->n = n;
}

void dw_shard_set_add(struct dw_shard_set *set, int k)
{
    if (k >= 1 && k <= set->n)
        set->bits[(k - 1) / 64] |= UINT64_C(1) << ((k - 1) % 64);
}

bool dw_shard_set_has(const struct dw_shard_set *set, int k)
{
    return k >= 1 && k <= set->n &&
           (set->bits[(k - 1) / 64] >> ((k - 1) % 64) & 1) != 0;
}

int dw_shard_set_count(const struct dw_shard_set *set)
{
    int c = 0;

    for (int k = 1; k <= set->n; k++)
        c += dw_shard_set_has(set, k);
    return c;
}

bool dw_shard_set_full(const struct dw_shard_set *set)
{
    return set->n > 0 && dw_shard_set_count(set) == set->n;
}

const char *dw_shard_set_format(const struct dw_shard_set *set, char *buf,
                                size_t cap)
{
    size_t len = 0;
    int k = 1;

    buf[0] = '\0';
    while (k <= set->n) {
        int last;
        if (!dw_shard_set_has(set, k)) {
            k++;
            continue;
        }
        last = k;
        while (last < set->n && dw_shard_set_has(set, last + 1))
            last++;
        len += (size_t)snprintf(buf + len, len < cap ? cap - len : 0,
                                last > k ? "%s%d-%d" : "%s%d", len ? "," : "",
                                k, last);
        k = last + 1;
    }
    snprintf(buf + len, len < cap ? cap - len : 0, "/%d", set->n);
    return buf;
}

enum dw_status dw_shard_set_parse(const char *s, struct dw_shard_set *set,
                                  struct dw_error *err)
{
    const char *slash = s ? strrchr(s, '/') : NULL;
    const char *p;
    int n, prev = 0;

    if (slash == NULL)
        goto bad;
    p = slash + 1;
    n = number(&p);
    if (n < 1 || n > DW_SHARD_MAX || *p != '\0')
        goto bad;
    dw_shard_set_init(set, n);
    p = s;
    while (p < slash) {
        int a = number(&p), b = a;
        if (*p == '-') {
            p++;
            b = number(&p);
        }
        if (a <= prev || b < a || b > n || (*p != ',' && p != slash) ||
            (*p == ',' && p + 1 == slash))
            goto bad;
        for (int k = a; k <= b; k++)
            dw_shard_set_add(set, k);
        prev = b;
        if (*p == ',')
            p++;
    }
    return DW_OK;
bad:
    return dw_error_set(err, DW_ERR_PARSE,
                        "shard set '%s' is not of the form '1-3,5/8'",
                        s ? s : "");
}
