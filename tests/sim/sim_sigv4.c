/* tests/sim/sim_sigv4.c — SigV4: parse Authorization, rebuild, compare. */
#include "sim_sigv4.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"

#define ALGORITHM "AWS4-HMAC-SHA256"
#define MAX_SIGNED 24
#define SKEW_SECS (15 * 60)

static void hex(const unsigned char *d, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

static bool sha256_hex(const void *d, size_t n, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(d, n, md, &len, EVP_sha256(), NULL) || len != 32)
        return false;
    hex(md, 32, out);
    return true;
}

static bool hmac(const void *key, size_t klen, const char *data,
                 unsigned char out[32])
{
    unsigned int len = 0;
    return HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)data,
                strlen(data), out, &len) != NULL &&
           len == 32;
}

bool sim_sigv4_sign(const char *secret, const char *date, const char *amz_date,
                    const char *region, const char *service, const char *creq,
                    size_t creq_len, char sig[65])
{
    char creq_hash[65];
    unsigned char k1[32], k2[32], k3[32], k4[32], s[32];
    struct dw_buf key, sts;
    bool ok = sha256_hex(creq, creq_len, creq_hash);

    dw_buf_init(&key, 1024);
    dw_buf_init(&sts, 4096);
    ok = ok && dw_buf_printf(&key, "AWS4%s", secret) == DW_OK &&
         dw_buf_printf(&sts, ALGORITHM "\n%s\n%s/%s/%s/aws4_request\n%s",
                       amz_date, date, region, service, creq_hash) == DW_OK;
    ok = ok && hmac(key.data, key.len, date, k1) && hmac(k1, 32, region, k2) &&
         hmac(k2, 32, service, k3) && hmac(k3, 32, "aws4_request", k4) &&
         hmac(k4, 32, sts.data, s);
    if (ok)
        hex(s, 32, sig);
    OPENSSL_cleanse(key.data ? key.data : (char *)"", key.data ? key.len : 0);
    dw_buf_release(&key);
    dw_buf_release(&sts);
    return ok;
}

/* Copies the value of "name=" in the Authorization parameters into out. */
static bool auth_param(const char *params, const char *name, char *out,
                       size_t n)
{
    size_t nl = strlen(name);
    const char *p = params;
    while (p && *p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (strncmp(p, name, nl) == 0 && p[nl] == '=') {
            p += nl + 1;
            size_t len = strcspn(p, ", ");
            if (len == 0 || len >= n)
                return false;
            memcpy(out, p, len);
            out[len] = '\0';
            return true;
        }
        p = strchr(p, ',');
    }
    return false;
}

/* Appends "name:value\n" with value trimmed and inner runs of spaces
 * collapsed, as the canonical request wants. */
static bool put_header(struct dw_buf *b, const char *name, const char *value)
{
    if (dw_buf_printf(b, "%s:", name) != DW_OK)
        return false;
    while (*value == ' ' || *value == '\t')
        value++;
    bool space = false;
    for (const char *p = value; *p; p++) {
        if (*p == ' ' || *p == '\t') {
            space = true;
            continue;
        }
        if (space && dw_buf_putc(b, ' ') != DW_OK)
            return false;
        space = false;
        if (dw_buf_putc(b, *p) != DW_OK)
            return false;
    }
    return dw_buf_putc(b, '\n') == DW_OK;
}

/* The decimal number in s[off, off + len); digits already checked. */
static int digits(const char *s, int off, int len)
{
    int v = 0;
    for (int i = off; i < off + len; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* True when amz is "YYYYMMDDTHHMMSSZ" within SKEW_SECS of now. */
static bool date_fresh(const char *amz, int64_t now)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (strlen(amz) != 16 || amz[8] != 'T' || amz[15] != 'Z')
        return false;
    for (int i = 0; i < 15; i++)
        if (i != 8 && (amz[i] < '0' || amz[i] > '9'))
            return false;
    tm.tm_year = digits(amz, 0, 4) - 1900;
    tm.tm_mon = digits(amz, 4, 2) - 1;
    tm.tm_mday = digits(amz, 6, 2);
    tm.tm_hour = digits(amz, 9, 2);
    tm.tm_min = digits(amz, 11, 2);
    tm.tm_sec = digits(amz, 13, 2);
    int64_t t = (int64_t)timegm(&tm);
    return t >= now - SKEW_SECS && t <= now + SKEW_SECS;
}

enum sim_sigv4_result sim_sigv4_verify(const struct sim_request *req,
                                       const char *region, const char *service,
                                       int64_t now, char *akid, size_t n,
                                       char *msg, size_t msgn)
{
    const char *auth = sim_request_header(req, "Authorization");
    const char *amz = sim_request_header(req, "X-Amz-Date");
    char cred[256], signed_h[512], sig[128], scope_date[16], want[65];
    size_t alg = strlen(ALGORITHM);

    if (!auth || !*auth) {
        snprintf(msg, msgn, "Missing Authentication Token");
        return SIM_SIGV4_MISSING;
    }
    if (strncmp(auth, ALGORITHM, alg) != 0 || auth[alg] != ' ' ||
        !auth_param(auth + alg, "Credential", cred, sizeof cred) ||
        !auth_param(auth + alg, "SignedHeaders", signed_h, sizeof signed_h) ||
        !auth_param(auth + alg, "Signature", sig, sizeof sig)) {
        snprintf(msg, msgn,
                 "Authorization header requires 'Credential', "
                 "'SignedHeaders' and 'Signature' parameters.");
        return SIM_SIGV4_MALFORMED;
    }
    if (!amz) {
        snprintf(msg, msgn,
                 "Authorization header requires existence of either a "
                 "'X-Amz-Date' or a 'Date' header.");
        return SIM_SIGV4_MALFORMED;
    }

    /* Credential = AKID/DATE/REGION/SERVICE/aws4_request */
    char *parts[5];
    size_t np = 0;
    for (char *p = cred; np < 5; np++) {
        parts[np] = p;
        char *slash = strchr(p, '/');
        if (!slash) {
            np++;
            break;
        }
        *slash = '\0';
        p = slash + 1;
    }
    if (np != 5 || !*parts[0]) {
        snprintf(msg, msgn, "Credential should have 5 parts.");
        return SIM_SIGV4_MALFORMED;
    }
    if (!sim_token_valid(parts[0])) {
        snprintf(msg, msgn,
                 "The security token included in the request is invalid.");
        return SIM_SIGV4_UNKNOWN_KEY;
    }
    snprintf(scope_date, sizeof scope_date, "%.8s", amz);
    if (strcmp(parts[1], scope_date) != 0 || strcmp(parts[2], region) != 0 ||
        strcmp(parts[3], service) != 0 ||
        strcmp(parts[4], "aws4_request") != 0) {
        snprintf(msg, msgn,
                 "Credential should be scoped to a valid region, service "
                 "and date: %.40s/%.40s/%.20s.",
                 parts[2], parts[3], parts[1]);
        return SIM_SIGV4_BAD_SCOPE;
    }
    if (!date_fresh(amz, now)) {
        snprintf(msg, msgn,
                 "Signature expired: %.20s is not within 15 minutes of the "
                 "server's time.",
                 amz);
        return SIM_SIGV4_EXPIRED;
    }

    /* Canonical request over the declared headers, in their order. */
    struct dw_buf creq;
    dw_buf_init(&creq, 64 * 1024);
    bool ok =
        dw_buf_printf(&creq, "%s\n%s\n\n", req->method, req->path) == DW_OK;
    bool has_host = false, has_date = false;
    char names[512];
    snprintf(names, sizeof names, "%s", signed_h);
    for (char *h = names; ok && h && *h;) {
        char *semi = strchr(h, ';');
        if (semi)
            *semi = '\0';
        const char *v = sim_request_header(req, h);
        has_host |= strcmp(h, "host") == 0;
        has_date |= strcmp(h, "x-amz-date") == 0;
        ok = v && put_header(&creq, h, v);
        h = semi ? semi + 1 : NULL;
    }
    char body_hash[65];
    ok = ok && has_host && has_date &&
         sha256_hex(req->body ? req->body : "", req->body_len, body_hash) &&
         dw_buf_printf(&creq, "\n%s\n%s", signed_h, body_hash) == DW_OK;
    if (ok) {
        struct dw_buf secret;
        dw_buf_init(&secret, 256);
        ok = dw_buf_printf(&secret, "sim-secret-%s", parts[0]) == DW_OK &&
             sim_sigv4_sign(secret.data, scope_date, amz, region, service,
                            creq.data, creq.len, want);
        dw_buf_release(&secret);
    }
    dw_buf_release(&creq);
    if (!ok || strlen(sig) != 64 || CRYPTO_memcmp(sig, want, 64) != 0) {
        snprintf(msg, msgn,
                 "The request signature we calculated does not match the "
                 "signature you provided. Check your AWS Secret Access Key "
                 "and signing method.");
        return SIM_SIGV4_MISMATCH;
    }
    snprintf(akid, n, "%s", parts[0]);
    return SIM_SIGV4_OK;
}
