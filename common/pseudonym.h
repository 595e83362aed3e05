/* common/pseudonym.h — worker keys: HMAC-SHA256(secret, "platform:raw id"). */
#ifndef DW_PSEUDONYM_H
#define DW_PSEUDONYM_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

#define DW_PSEUDONYM_HEX 65 /* 64 lower-hex digits + NUL */
#define DW_PSEUDONYM_ENV "DW_PSEUDONYM_KEY"
/* The fixed, public key used only with --demo. Never for real data. */
#define DW_PSEUDONYM_DEMO_KEY "decentwork-demo-key-not-secret"

/* Lower-hex HMAC-SHA256 of data under key, into out[DW_PSEUDONYM_HEX]. */
enum dw_status dw_hmac_sha256_hex(const void *key, size_t key_len,
                                  const void *data, size_t data_len, char *out);

/* The value of one hex digit (either case), or -1 for any other char. */
int dw_hex_digit(char c);

/* Lower-hex SHA-256 of data into out[DW_PSEUDONYM_HEX]. */
void dw_sha256_hex(const void *data, size_t len, char *out);

/* The worker key: hex HMAC-SHA256(key, platform ":" raw_id). */
enum dw_status dw_pseudonym(const char *key, const char *platform,
                            const char *raw_id, char *out,
                            struct dw_error *err);

/*
 * The key from DW_PSEUDONYM_KEY. With demo true and the variable unset,
 * returns the public demo key. Otherwise unset or shorter than 16 bytes is
 * DW_ERR_CONFIG with a message telling the operator what to set. The
 * returned pointer is borrowed (environment or static storage).
 */
enum dw_status dw_pseudonym_key_from_env(bool demo, const char **key,
                                         struct dw_error *err);

#endif
