/* tests/sim/sim_sigv4.h — verifying AWS Signature Version 4 like AWS does. */
#ifndef SIM_SIGV4_H
#define SIM_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_server.h"

/* Why a request failed verification; SIM_SIGV4_OK when it passed. */
enum sim_sigv4_result {
    SIM_SIGV4_OK,
    SIM_SIGV4_MISSING,     /* no Authorization header: 400 */
    SIM_SIGV4_MALFORMED,   /* not "AWS4-HMAC-SHA256 Credential=..., ...": 400 */
    SIM_SIGV4_BAD_SCOPE,   /* wrong date, region, service or terminator: 403 */
    SIM_SIGV4_EXPIRED,     /* X-Amz-Date more than 15 minutes off: 403 */
    SIM_SIGV4_UNKNOWN_KEY, /* the access key id is not acceptable: 403 */
    SIM_SIGV4_MISMATCH,    /* the signature does not match: 403 */
};

/*
 * Checks req's SigV4 Authorization for region and service over exactly
 * the SignedHeaders the client declares (host and x-amz-date must be
 * among them), the way AWS does. The secret of access key id K is
 * "sim-secret-" K; K must pass sim_token_valid(). On SIM_SIGV4_OK the key
 * id is copied into akid (n bytes). msg (msgn bytes) gets AWS's wording
 * of the failure. now is seconds since the epoch.
 */
enum sim_sigv4_result sim_sigv4_verify(const struct sim_request *req,
                                       const char *region, const char *service,
                                       int64_t now, char *akid, size_t n,
                                       char *msg, size_t msgn);

/*
 * The signature (64 lower-hex digits into sig[65]) of a canonical request
 * already built, for secret, date (YYYYMMDD), amz_date, region, service:
 * string to sign "AWS4-HMAC-SHA256\n" amz_date "\n" scope "\n"
 * hex(sha256(creq)), key chain "AWS4"+secret -> date -> region -> service
 * -> "aws4_request". False on a crypto failure.
 */
bool sim_sigv4_sign(const char *secret, const char *date, const char *amz_date,
                    const char *region, const char *service, const char *creq,
                    size_t creq_len, char sig[65]);

#endif
