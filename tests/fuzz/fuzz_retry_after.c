/* tests/fuzz/fuzz_retry_after.c — Retry-After values and HTTP dates. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dwtime.h"
#include "fuzz.h"
#include "retry.h"

/* "Sun, 06 Nov 1994 08:49:37 GMT" for usec, written independently. */
static void imf_fixdate(int64_t usec, char *out, size_t n)
{
    static const char *const wd[] = {"Thu", "Fri", "Sat", "Sun",
                                     "Mon", "Tue", "Wed"};
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int64_t secs = usec / DW_USEC - (usec % DW_USEC < 0 ? 1 : 0);
    int64_t days = secs / 86400 - (secs % 86400 < 0 ? 1 : 0);
    int64_t rem = secs - days * 86400, y;
    unsigned m, d;

    dw_civil_from_days(days, &y, &m, &d);
    snprintf(out, n, "%s, %02u %s %04lld %02d:%02d:%02d GMT",
             wd[(days % 7 + 7) % 7], d, mon[m - 1], (long long)y,
             (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* 2026-01-01T00:00:00Z, and the epoch: realistic clocks. */
    static const int64_t nows[] = {1767225600LL * DW_USEC, 0};
    char *s = fuzz_cstr(data, size);
    int64_t at = 0;

    for (size_t i = 0; i < sizeof(nows) / sizeof(nows[0]); i++) {
        int64_t delay = -1;
        enum dw_status st = dw_retry_after_parse(s, nows[i], &delay);

        FUZZ_CHECK(st == DW_OK || st == DW_ERR_PARSE);
        if (st == DW_OK) {
            const char *p = s + strspn(s, " \t");

            FUZZ_CHECK(delay >= 0);
            /* Delta-seconds clamp below 1e10 s; a date ends by 10000. */
            if (*p >= '0' && *p <= '9')
                FUZZ_CHECK(delay < 10000000000LL * 1000);
            else
                FUZZ_CHECK(delay <= 253402300801LL * 1000);
        }
    }
    if (dw_http_date_parse(s, &at) == DW_OK) {
        char again[64];
        int64_t back = 0;

        FUZZ_CHECK(strlen(s) == 29);
        /* A leap second may roll into year 10000: nothing to compare. */
        if (at < 253402300800LL * DW_USEC) {
            imf_fixdate(at, again, sizeof(again));
            FUZZ_CHECK(dw_http_date_parse(again, &back) == DW_OK);
            FUZZ_CHECK(back == at);
            if (s[23] != '6') /* not :60 */
                FUZZ_CHECK(strcmp(again, s) == 0);
        }
    }
    free(s);
    return 0;
}
