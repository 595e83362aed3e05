/* tests/fuzz/fuzz_time.c — ISO 8601 and epoch parsing, format round trips. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dwtime.h"
#include "fuzz.h"

/*
 * parse_iso(format_iso(v)) == v. The formatter writes any year, the
 * parser reads 0001..9999 only: outside that there is nothing to compare.
 */
static void check_round_trip(int64_t v)
{
    char out[DW_TIME_ISO_MAX];
    int64_t back = 0;
    int64_t secs, days, y;
    unsigned m, d;

    if (v == DW_TIME_NONE) {
        FUZZ_CHECK(strcmp(dw_time_format_iso(v, out), "none") == 0);
        return;
    }
    dw_time_format_iso(v, out);
    FUZZ_CHECK(strlen(out) < sizeof(out));
    secs = v / DW_USEC - (v % DW_USEC < 0 ? 1 : 0);
    days = secs / 86400 - (secs % 86400 < 0 ? 1 : 0);
    dw_civil_from_days(days, &y, &m, &d);
    if (y < 1 || y > 9999)
        return;
    FUZZ_CHECK(dw_time_parse_iso(out, false, &back, NULL) == DW_OK);
    FUZZ_CHECK(back == v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    struct dw_error err = {0};
    int64_t zoned = 0, naive = 0, epoch = 0;
    enum dw_status sz = dw_time_parse_iso(s, false, &zoned, &err);
    enum dw_status sn = dw_time_parse_iso(s, true, &naive, NULL);
    enum dw_status se = dw_time_parse_epoch(s, &epoch, NULL);

    FUZZ_CHECK(sz == DW_OK || sz == DW_ERR_PARSE);
    FUZZ_CHECK(sn == DW_OK || sn == DW_ERR_PARSE);
    FUZZ_CHECK(se == DW_OK || se == DW_ERR_PARSE || se == DW_ERR_RANGE);
    FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
    /* Treating naive stamps as UTC only ever accepts more. */
    if (sz == DW_OK)
        FUZZ_CHECK(sn == DW_OK && naive == zoned);
    if (sn == DW_OK) {
        /* 0001-01-01 and 10000-01-01 (days_from_civil -719162 and
         * 2932897, times 86400 s), widened by a day of zone offset. */
        FUZZ_CHECK(naive >= (-719162LL - 1) * 86400 * DW_USEC);
        FUZZ_CHECK(naive < (2932897LL + 1) * 86400 * DW_USEC);
        check_round_trip(naive);
    }
    if (se == DW_OK) {
        FUZZ_CHECK(epoch != DW_TIME_NONE);
        check_round_trip(epoch);
    }
    /* Raw bytes as a timestamp: formatting never overflows, trips back. */
    if (size >= 8)
        check_round_trip(fuzz_i64(data, size));
    free(s);
    return 0;
}
