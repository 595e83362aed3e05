/* tests/fuzz/fuzz_prolific.c — the Prolific adapter's parse on any body. */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dwtime.h"
#include "fuzz.h"
#include "platform.h"
#include "pseudonym.h"

/*
 * Input: byte 0 picks the request kind (value mod 4: 1 studies, 2
 * submissions, 3 detail, 0 unknown), byte 1 the scope (mod 4) and the
 * look-back (bit 2); the rest is the response body.
 */
#define KEY "fuzz-pseudonym-key-0123456789abcdef"
#define EP "https://api.prolific.com"
#define STUDY "64a1b2c3d4e5f60718293a4b"

static const char *const scopes[4] = {
    "{\"currency\":\"GBP\",\"reward\":150,\"study\":\"" STUDY "\"}",
    "{\"currency\":\"JPY\",\"study\":\"" STUDY "\"}",
    "{\"currency\":\"\",\"study\":\"" STUDY "\"}",
    NULL,
};

static const char *const urls[4] = {
    EP "/api/v1/studies/?limit=200&offset=0",
    EP "/api/v1/studies/?limit=200&offset=0",
    EP "/api/v1/studies/" STUDY "/submissions/?limit=200&offset=400",
    EP "/api/v1/submissions/5f1e2d3c4b5a69788796a5b4/",
};

static bool is_worker_key(const char *s)
{
    if (strlen(s) != DW_PSEUDONYM_HEX - 1)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

/*
 * Where the input record had a non-empty string id under key, the output
 * record must hold its worker key, "(invalid)" or nothing: never the id.
 */
static void check_key(json_t *in, json_t *out, const char *key)
{
    json_t *raw = json_object_get(in, key);
    json_t *now = json_object_get(out, key);
    const char *r, *n;
    char wk[DW_PSEUDONYM_HEX];

    if (!raw || json_is_null(raw) || !json_is_object(out))
        return;
    if (!json_is_string(raw)) {
        /* Not a usable id, so never kept: replaced or dropped. */
        FUZZ_CHECK(!now || (json_is_string(now) &&
                            strcmp(json_string_value(now), "(invalid)") == 0));
        return;
    }
    r = json_string_value(raw);
    if (!*r || !json_is_string(now))
        return;
    n = json_string_value(now);
    /* The raw participant id is still in the record. */
    FUZZ_CHECK(strcmp(n, r) != 0);
    if (strcmp(n, "(invalid)") != 0) {
        FUZZ_CHECK(dw_pseudonym(KEY, "prolific", r, wk, NULL) == DW_OK);
        FUZZ_CHECK(strcmp(n, wk) == 0);
    }
}

/* Neither participant key may survive raw, whichever the adapter reads. */
static void check_record(json_t *in, json_t *out)
{
    check_key(in, out, "participant");
    check_key(in, out, "participant_id");
}

static void check_landed(int kind, json_t *in, const char *landed)
{
    json_error_t jerr;
    json_t *out = json_loads(landed, 0, &jerr);

    FUZZ_CHECK(json_is_object(out));
    if (kind == 3) {
        check_record(in, out);
    } else if (kind == 2) {
        json_t *ri = json_object_get(in, "results");
        json_t *ro = json_object_get(out, "results");
        FUZZ_CHECK(json_array_size(ri) == json_array_size(ro));
        for (size_t i = 0; i < json_array_size(ri); i++)
            check_record(json_array_get(ri, i), json_array_get(ro, i));
    }
    json_decref(out);
}

static void check_quarantine(int kind, json_t *in,
                             const struct dw_quarantine_row *q)
{
    json_error_t jerr;
    json_t *rec = json_loads(q->record, JSON_DECODE_ANY, &jerr);

    FUZZ_CHECK(rec != NULL);
    FUZZ_CHECK(q->page[0] == '/'); /* a path: never the host or a token */
    if (kind == 3)
        check_record(in, rec);
    else if (kind == 2)
        check_record(
            json_array_get(json_object_get(in, "results"), (size_t)q->index),
            rec);
    json_decref(rec);
}

static void check_out(int kind, const char *body, size_t len,
                      const struct dw_parse_out *out, enum dw_status st)
{
    json_error_t jerr;
    json_t *in = json_loadb(body, len, 0, &jerr);

    for (size_t i = 0; i < out->rows.n_units; i++)
        FUZZ_CHECK(is_worker_key(out->rows.units[i].worker_key));
    for (size_t i = 0; i < out->rows.n_payments; i++)
        FUZZ_CHECK(is_worker_key(out->rows.payments[i].worker_key));
    for (size_t i = 0; i < out->rows.n_quarantine; i++)
        check_quarantine(kind, in, &out->rows.quarantine[i]);
    for (size_t i = 0; i < out->follow.n; i++)
        FUZZ_CHECK(strncmp(out->follow.items[i].url, EP "/", sizeof(EP)) == 0);
    if (out->has_next)
        FUZZ_CHECK(strncmp(out->next.url, EP "/", sizeof(EP)) == 0);
    if (st == DW_OK) {
        FUZZ_CHECK(in != NULL && out->landed != NULL);
        check_landed(kind, in, out->landed);
    }
    json_decref(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dw_source_config src = {0};
    struct dw_platform_ctx ctx = {0};
    struct dw_request req = {0};
    struct dw_parse_out out;
    struct dw_error err = {0};
    enum dw_status st;
    char *body;
    size_t len;

    if (size < 2)
        return 0;
    src.name = "prolific-fuzz";
    src.platform = "prolific";
    ctx.source = &src;
    ctx.endpoint = EP;
    ctx.credential = "fuzz-token";
    ctx.pseudonym_key = KEY;
    /* 2026-11-24T00:00:00Z = days_from_civil(2026,11,24) * 86400 s. */
    ctx.now = dw_days_from_civil(2026, 11, 24) * 86400 * DW_USEC;
    ctx.since = data[1] & 4 ? dw_days_from_civil(2026, 10, 20) * 86400 * DW_USEC
                            : DW_TIME_NONE;
    req.kind = data[0] % 4;
    req.url = (char *)urls[req.kind];
    req.scope = (char *)scopes[data[1] % 4];

    /* The body as the HTTP layer hands it over: a heap copy, NUL-ended. */
    len = size - 2;
    body = fuzz_cstr(data + 2, len);
    dw_parse_out_init(&out);
    st = dw_platform_prolific.parse(&ctx, &req, body, len, &out, &err);
    FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
    if (st == DW_OK)
        FUZZ_CHECK(req.kind >= 1 && req.kind <= 3);
    check_out(req.kind, body, len, &out, st);
    dw_parse_out_release(&out);
    free(body);
    return 0;
}
