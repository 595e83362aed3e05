/* common/pseudonym.c — worker keys: HMAC-SHA256 under a secret, in hex. */
#include "pseudonym.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "buf.h"

#define MIN_KEY_LEN 16

enum dw_status dw_hmac_sha256_hex(const void *key, size_t key_len,
                                  const void *data, size_t data_len, char *out)
{
    static const char hex[] = "0123456789abcdef";
    static const unsigned char empty[1] = {0};
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;

    if (key_len > INT_MAX)
        return DW_ERR_RANGE;
    /* OpenSSL treats a NULL key as "reuse the previous one": never pass it. */
    if (key == NULL || key_len == 0)
        key = empty;
    if (data == NULL)
        data = empty;
    if (HMAC(EVP_sha256(), key, (int)key_len, data, data_len, md, &md_len) ==
            NULL ||
        md_len != 32)
        return DW_ERR_INTERNAL;
    for (unsigned int i = 0; i < md_len; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
    return DW_OK;
}

enum dw_status dw_pseudonym(const char *key, const char *platform,
                            const char *raw_id, char *out, struct dw_error *err)
{
    struct dw_buf msg;
    enum dw_status st;

    if (key == NULL || key[0] == '\0')
        return dw_error_set(err, DW_ERR_CONFIG, "no pseudonym key");
    if (platform == NULL || platform[0] == '\0')
        return dw_error_set(err, DW_ERR_INVALID, "no platform for pseudonym");
    /* An empty id would merge every anonymous worker into one. */
    if (raw_id == NULL || raw_id[0] == '\0')
        return dw_error_set(err, DW_ERR_INVALID, "empty worker id");
    dw_buf_init(&msg, 0);
    st = dw_buf_printf(&msg, "%s:%s", platform, raw_id);
    if (st == DW_OK)
        st = dw_hmac_sha256_hex(key, strlen(key), msg.data, msg.len, out);
    dw_buf_release(&msg);
    if (st != DW_OK)
        return dw_error_set(err, st, "cannot compute pseudonym: %s",
                            dw_strerror(st));
    return DW_OK;
}

enum dw_status dw_pseudonym_key_from_env(bool demo, const char **key,
                                         struct dw_error *err)
{
    const char *v = getenv(DW_PSEUDONYM_ENV);

    if (v == NULL || v[0] == '\0') {
        if (demo) {
            *key = DW_PSEUDONYM_DEMO_KEY;
            return DW_OK;
        }
        return dw_error_set(err, DW_ERR_CONFIG,
                            "%s is not set: set it to a secret of at least "
                            "%d bytes (e.g. the output of 'openssl rand -hex "
                            "32') and keep it: changing it changes every "
                            "worker key",
                            DW_PSEUDONYM_ENV, MIN_KEY_LEN);
    }
    if (strlen(v) < MIN_KEY_LEN)
        return dw_error_set(err, DW_ERR_CONFIG,
                            "%s is too short (%zu bytes): use a secret of at "
                            "least %d bytes, e.g. 'openssl rand -hex 32'",
                            DW_PSEUDONYM_ENV, strlen(v), MIN_KEY_LEN);
    *key = v;
    return DW_OK;
}

void dw_sha256_hex(const void *data, size_t len, char *out)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(data, len, md);
    for (size_t i = 0; i < sizeof md; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[2 * sizeof md] = '\0';
}

int dw_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
