/* tests/fuzz/fuzz_config.c — dw_config_load_string on arbitrary INI text. */
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    struct dw_config cfg;
    struct dw_error err = {0};
    enum dw_status st;

    dw_config_init(&cfg);
    st = dw_config_load_string(&cfg, text, "fuzz.conf", &err);
    FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
    FUZZ_CHECK(cfg.n_sources <= DW_MAX_SOURCES);
    if (st != DW_OK) {
        FUZZ_CHECK(st == DW_ERR_CONFIG || st == DW_ERR_NOMEM);
        FUZZ_CHECK(err.code == st && err.msg[0] != '\0');
    } else {
        /* Validated: what the rest of the program relies on holds. */
        FUZZ_CHECK(cfg.report_currency != NULL && cfg.fallback_country);
        FUZZ_CHECK(cfg.k_anonymity >= 2 && cfg.k_anonymity <= 1000);
        for (size_t i = 0; i < cfg.n_sources; i++) {
            const struct dw_source_config *src = &cfg.sources[i];

            FUZZ_CHECK(src->name != NULL && src->platform != NULL &&
                       src->vendor != NULL);
            FUZZ_CHECK(dw_config_source(&cfg, src->name) != NULL);
            FUZZ_CHECK(src->lookback_days >= 0 && src->lookback_days <= 3650);
            FUZZ_CHECK(src->timeout_s >= 1 && src->max_retries >= 0);
            FUZZ_CHECK(src->page_size >= 0 && src->page_size <= 10000);
        }
    }
    dw_config_release(&cfg);
    free(text);
    return 0;
}
