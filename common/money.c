/* common/money.c — exact decimal money in int64 micro-units; ISO 4217. */
#include "money.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exponents beyond this are clamped: they overflow or vanish anyway. */
#define EXP_CLAMP 100000

struct digits {
    const char *ip; /* integer digits */
    size_t ni;
    const char *fp; /* fraction digits */
    size_t nf;
};

static int digit_at(const struct digits *d, long long k)
{
    if (k < 0 || k >= (long long)(d->ni + d->nf))
        return 0;
    if ((size_t)k < d->ni)
        return d->ip[k] - '0';
    return d->fp[(size_t)k - d->ni] - '0';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

enum dw_status dw_decimal_parse(const char *s, int shift, enum dw_round mode,
                                bool allow_exp, int64_t *out)
{
    struct digits d = {0};
    bool neg = false;
    long long exp = 0, total, keep, k;
    uint64_t acc = 0;

    if (s == NULL || out == NULL)
        return DW_ERR_PARSE;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    d.ip = s;
    while (is_digit(*s))
        s++;
    d.ni = (size_t)(s - d.ip);
    if (*s == '.') {
        d.fp = ++s;
        while (is_digit(*s))
            s++;
        d.nf = (size_t)(s - d.fp);
    }
    if (d.ni + d.nf == 0)
        return DW_ERR_PARSE;
    if (allow_exp && (*s == 'e' || *s == 'E')) {
        bool eneg = false;

        s++;
        if (*s == '+' || *s == '-')
            eneg = *s++ == '-';
        if (!is_digit(*s))
            return DW_ERR_PARSE;
        for (; is_digit(*s); s++)
            if (exp < EXP_CLAMP)
                exp = exp * 10 + (*s - '0');
        if (eneg)
            exp = -exp;
    }
    if (*s != '\0')
        return DW_ERR_PARSE;

    /* value = digits * 10^(exp - nf); keep the digits above 10^-shift. */
    total = (long long)(d.ni + d.nf);
    keep = (long long)d.ni + exp + shift;
    for (k = 0; k < keep; k++) {
        int dig = digit_at(&d, k);

        if (acc > ((uint64_t)INT64_MAX - (uint64_t)dig) / 10)
            return DW_ERR_RANGE;
        acc = acc * 10 + (uint64_t)dig;
        if (acc == 0 && k >= total)
            break; /* only zeros remain: the value is 0 */
    }
    if (mode == DW_ROUND_EXACT) {
        for (k = keep < 0 ? 0 : keep; k < total; k++)
            if (digit_at(&d, k) != 0)
                return DW_ERR_PARSE;
    } else if (mode == DW_ROUND_HALF_AWAY) {
        if (keep >= 0 && digit_at(&d, keep) >= 5) {
            if (acc == (uint64_t)INT64_MAX)
                return DW_ERR_RANGE;
            acc++;
        }
    }
    *out = neg ? -(int64_t)acc : (int64_t)acc;
    return DW_OK;
}

enum dw_status dw_money_parse(const char *s, int64_t *micros,
                              struct dw_error *err)
{
    enum dw_status st = dw_decimal_parse(s, 6, DW_ROUND_EXACT, false, micros);

    if (st == DW_ERR_RANGE)
        return dw_error_set(err, st, "amount '%.40s' is out of range", s);
    if (st != DW_OK)
        return dw_error_set(err, st,
                            "amount '%.40s' is not a plain decimal with at "
                            "most 6 fraction digits",
                            s ? s : "(null)");
    return DW_OK;
}

/*
 * Active ISO 4217 codes (list one) with their minor-unit digits, sorted
 * for bsearch. Fund and precious-metal codes without minor units are left
 * out; recently withdrawn codes stay because old records carry them.
 */
struct currency {
    char code[4];
    signed char digits;
};

static const struct currency currencies[] = {
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2},
    {"ARS", 2}, {"AUD", 2}, {"AWG", 2}, {"AZN", 2}, {"BAM", 2}, {"BBD", 2},
    {"BDT", 2}, {"BGN", 2}, {"BHD", 3}, {"BIF", 0}, {"BMD", 2}, {"BND", 2},
    {"BOB", 2}, {"BOV", 2}, {"BRL", 2}, {"BSD", 2}, {"BTN", 2}, {"BWP", 2},
    {"BYN", 2}, {"BZD", 2}, {"CAD", 2}, {"CDF", 2}, {"CHE", 2}, {"CHF", 2},
    {"CHW", 2}, {"CLF", 4}, {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"COU", 2},
    {"CRC", 2}, {"CUC", 2}, {"CUP", 2}, {"CVE", 2}, {"CZK", 2}, {"DJF", 0},
    {"DKK", 2}, {"DOP", 2}, {"DZD", 2}, {"EGP", 2}, {"ERN", 2}, {"ETB", 2},
    {"EUR", 2}, {"FJD", 2}, {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2},
    {"GIP", 2}, {"GMD", 2}, {"GNF", 0}, {"GTQ", 2}, {"GYD", 2}, {"HKD", 2},
    {"HNL", 2}, {"HRK", 2}, {"HTG", 2}, {"HUF", 2}, {"IDR", 2}, {"ILS", 2},
    {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2}, {"JOD", 3},
    {"JPY", 0}, {"KES", 2}, {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2},
    {"KRW", 0}, {"KWD", 3}, {"KYD", 2}, {"KZT", 2}, {"LAK", 2}, {"LBP", 2},
    {"LKR", 2}, {"LRD", 2}, {"LSL", 2}, {"LYD", 3}, {"MAD", 2}, {"MDL", 2},
    {"MGA", 2}, {"MKD", 2}, {"MMK", 2}, {"MNT", 2}, {"MOP", 2}, {"MRU", 2},
    {"MUR", 2}, {"MVR", 2}, {"MWK", 2}, {"MXN", 2}, {"MXV", 2}, {"MYR", 2},
    {"MZN", 2}, {"NAD", 2}, {"NGN", 2}, {"NIO", 2}, {"NOK", 2}, {"NPR", 2},
    {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2}, {"PGK", 2}, {"PHP", 2},
    {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2}, {"RSD", 2},
    {"RUB", 2}, {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2},
    {"SEK", 2}, {"SGD", 2}, {"SHP", 2}, {"SLE", 2}, {"SLL", 2}, {"SOS", 2},
    {"SRD", 2}, {"SSP", 2}, {"STN", 2}, {"SVC", 2}, {"SYP", 2}, {"SZL", 2},
    {"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2}, {"TRY", 2},
    {"TTD", 2}, {"TWD", 2}, {"TZS", 2}, {"UAH", 2}, {"UGX", 0}, {"USD", 2},
    {"USN", 2}, {"UYI", 0}, {"UYU", 2}, {"UYW", 4}, {"UZS", 2}, {"VED", 2},
    {"VES", 2}, {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAF", 0}, {"XCD", 2},
    {"XCG", 2}, {"XOF", 0}, {"XPF", 0}, {"YER", 2}, {"ZAR", 2}, {"ZMW", 2},
    {"ZWG", 2}, {"ZWL", 2},
};

static int currency_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct currency *)elem)->code);
}

static const struct currency *currency_find(const char *code)
{
    if (code == NULL || strlen(code) != 3)
        return NULL;
    return bsearch(code, currencies, sizeof(currencies) / sizeof(currencies[0]),
                   sizeof(currencies[0]), currency_cmp);
}

bool dw_currency_known(const char *code)
{
    return currency_find(code) != NULL;
}

int dw_currency_digits(const char *code)
{
    const struct currency *c = currency_find(code);

    return c != NULL ? c->digits : -1;
}

/* GCC and Clang have 128-bit integers; __extension__ quiets -Wpedantic. */
__extension__ typedef __int128 i128;

static const int64_t pow10_tab[] = {1, 10, 100, 1000, 10000, 100000, 1000000};

enum dw_status dw_money_from_minor(int64_t minor, const char *currency,
                                   int64_t *micros, struct dw_error *err)
{
    int digits = dw_currency_digits(currency);
    int64_t mul;

    if (digits < 0)
        return dw_error_set(err, DW_ERR_INVALID, "unknown currency '%.8s'",
                            currency ? currency : "(null)");
    mul = pow10_tab[6 - digits];
    if (minor > INT64_MAX / mul || minor < -INT64_MAX / mul)
        return dw_error_set(err, DW_ERR_RANGE,
                            "amount %lld %s minor units is out of range",
                            (long long)minor, currency);
    *micros = minor * mul;
    return DW_OK;
}

enum dw_status dw_money_from_json_real(double v, bool scale_minor,
                                       const char *currency, int64_t *micros,
                                       struct dw_error *err)
{
    char text[64];
    int shift = 6;
    enum dw_status st;

    if (!isfinite(v))
        return dw_error_set(err, DW_ERR_RANGE, "amount is not a finite number");
    if (scale_minor) {
        int digits = dw_currency_digits(currency);

        if (digits < 0)
            return dw_error_set(err, DW_ERR_INVALID, "unknown currency '%.8s'",
                                currency ? currency : "(null)");
        shift = 6 - digits;
    }
    /* 15 significant digits recover the decimal the sender wrote. */
    snprintf(text, sizeof(text), "%.15g", v);
    st = dw_decimal_parse(text, shift, DW_ROUND_HALF_AWAY, true, micros);
    if (st != DW_OK)
        return dw_error_set(err, st == DW_ERR_RANGE ? DW_ERR_RANGE : st,
                            "amount %s is out of range", text);
    return DW_OK;
}

const char *dw_money_format(int64_t micros, int digits, char *out)
{
    uint64_t mag, q, r, scale;
    bool neg = micros < 0;
    char tmp[64];
    int n;

    if (digits < 0)
        digits = 0;
    if (digits > 6)
        digits = 6;
    mag = neg ? (uint64_t)0 - (uint64_t)micros : (uint64_t)micros;
    q = (uint64_t)pow10_tab[6 - digits];
    r = mag / q + (mag % q >= (q + 1) / 2 && q > 1 ? 1 : 0);
    scale = (uint64_t)pow10_tab[digits];
    if (r == 0)
        neg = false;
    /* At most 21 bytes ("-9223372036854.775808"); out holds 32. */
    if (digits == 0)
        n = snprintf(tmp, sizeof(tmp), "%s%llu", neg ? "-" : "",
                     (unsigned long long)r);
    else
        n = snprintf(tmp, sizeof(tmp), "%s%llu.%0*llu", neg ? "-" : "",
                     (unsigned long long)(r / scale), digits,
                     (unsigned long long)(r % scale));
    if (n < 0 || n > 31)
        n = 0;
    memcpy(out, tmp, (size_t)n);
    out[n] = '\0';
    return out;
}

const char *dw_money_format_trim(int64_t micros, char *out)
{
    size_t n;

    dw_money_format(micros, 6, out);
    n = strlen(out);
    while (n > 0 && out[n - 1] == '0')
        out[--n] = '\0';
    if (n > 0 && out[n - 1] == '.')
        out[--n] = '\0';
    return out;
}

enum dw_status dw_money_muldiv(int64_t a, int64_t num, int64_t den,
                               int64_t *out)
{
    i128 p, q, rem, arem, aden;

    if (den == 0)
        return DW_ERR_RANGE;
    p = (i128)a * num;
    q = p / den;
    rem = p % den;
    arem = rem < 0 ? -rem : rem;
    aden = den < 0 ? -(i128)den : den;
    if (2 * arem >= aden)
        q += ((p < 0) != (den < 0)) ? -1 : 1;
    if (q > INT64_MAX || q < -INT64_MAX)
        return DW_ERR_RANGE;
    *out = (int64_t)q;
    return DW_OK;
}
