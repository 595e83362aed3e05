/* tests/fuzz/fuzz_money.c — dw_money_parse, dw_decimal_parse, format trips. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "money.h"

static const int64_t half_unit[7] = {500000, 50000, 5000, 500, 50, 5, 0};

/* parse(format(x, 6)) == x, and coarser formats round to within half. */
static void check_format(int64_t x)
{
    char out[32];
    int64_t back;

    if (x == INT64_MIN) {
        for (int d = 0; d <= 6; d++)
            dw_money_format(x, d, out); /* must not crash; no value */
        return;
    }
    dw_money_format(x, 6, out);
    FUZZ_CHECK(strlen(out) < sizeof(out));
    FUZZ_CHECK(out[0] != '-' || strpbrk(out, "123456789") != NULL);
    FUZZ_CHECK(dw_money_parse(out, &back, NULL) == DW_OK);
    FUZZ_CHECK(back == x);
    for (int d = 0; d < 6; d++) {
        enum dw_status st;

        dw_money_format(x, d, out);
        FUZZ_CHECK(out[0] != '-' || strpbrk(out, "123456789") != NULL);
        st = dw_money_parse(out, &back, NULL);
        /* Rounding INT64_MAX up may leave int64: that is the only way out. */
        FUZZ_CHECK(st == DW_OK || st == DW_ERR_RANGE);
        if (st == DW_OK) {
            int64_t diff = back > x ? back - x : x - back;
            FUZZ_CHECK(diff >= 0 && diff <= half_unit[d]);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    struct dw_error err = {0};
    int64_t m = 0, exact, trunc, away;
    enum dw_status st = dw_money_parse(s, &m, &err);

    FUZZ_CHECK(st == DW_OK || st == DW_ERR_PARSE || st == DW_ERR_RANGE);
    FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
    if (st == DW_OK) {
        FUZZ_CHECK(m != INT64_MIN);
        check_format(m);
    }

    /* The rounding modes agree whenever the exact one succeeds. */
    enum dw_status se = dw_decimal_parse(s, 6, DW_ROUND_EXACT, true, &exact);
    enum dw_status st_ = dw_decimal_parse(s, 6, DW_ROUND_TRUNC, true, &trunc);
    enum dw_status sa = dw_decimal_parse(s, 6, DW_ROUND_HALF_AWAY, true, &away);
    if (se == DW_OK) {
        FUZZ_CHECK(st_ == DW_OK && sa == DW_OK);
        FUZZ_CHECK(trunc == exact && away == exact);
    }
    if (st_ == DW_OK && sa == DW_OK) {
        int64_t diff = away > trunc ? away - trunc : trunc - away;
        FUZZ_CHECK(diff <= 1);
    }
    if (st == DW_OK)
        FUZZ_CHECK(se == DW_OK && exact == m); /* no exponent: same value */
    for (int shift = 0; shift <= 9; shift += 3) {
        int64_t v;
        dw_decimal_parse(s, shift, DW_ROUND_HALF_AWAY, true, &v);
    }

    /* Raw bytes as an amount, and as a JSON real. */
    if (size >= 8) {
        int64_t x = fuzz_i64(data, size);
        double dv;
        int64_t micros;

        check_format(x);
        memcpy(&dv, data, sizeof(dv));
        dw_money_from_json_real(dv, size > 8 && (data[8] & 1), "USD", &micros,
                                NULL);
        dw_money_from_minor(x, size > 8 && (data[8] & 2) ? "BHD" : "JPY",
                            &micros, NULL);
    }
    free(s);
    return 0;
}
