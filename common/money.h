/* common/money.h — exact money: int64 micro-units of a currency, ISO 4217. */
#ifndef DW_MONEY_H
#define DW_MONEY_H

#include <stdbool.h>
#include <stdint.h>

#include "status.h"

/* 1 unit of currency = 1,000,000 micro-units. Range: ±9.2e12 units. */
#define DW_MICROS 1000000LL

/*
 * Parses a plain decimal string ("5", "5.", ".5", "0.5", "101.42", "-3.25",
 * "+1.000001") into micro-units. At most 6 fraction digits (more is
 * DW_ERR_PARSE unless they are all zeros); no exponent, no spaces, no
 * thousands separators. Garbage and empty strings are DW_ERR_PARSE,
 * overflow DW_ERR_RANGE.
 */
enum dw_status dw_money_parse(const char *s, int64_t *micros,
                              struct dw_error *err);

/*
 * Converts an amount in minor units (pence, cents) of `currency` into
 * micro-units: 150 GBP pence -> 1,500,000. DW_ERR_INVALID for an unknown
 * currency, DW_ERR_RANGE on overflow.
 */
enum dw_status dw_money_from_minor(int64_t minor, const char *currency,
                                   int64_t *micros, struct dw_error *err);

/*
 * Converts a JSON real (as Jansson hands it over) into micro-units: the
 * value is printed with 15 significant digits, which recovers the decimal
 * the sender wrote (0.1+0.2 -> 0.3), then parsed exactly and rounded half
 * away from zero at the 6th fraction digit. `scale_minor` true means the
 * number is in minor units of currency (Prolific bonuses). NaN, infinities
 * and out-of-range values fail.
 */
enum dw_status dw_money_from_json_real(double v, bool scale_minor,
                                       const char *currency, int64_t *micros,
                                       struct dw_error *err);

/*
 * Formats micro-units as a decimal with exactly `digits` fraction digits
 * (0..6), rounding half away from zero: (1234567, 2) -> "1.23"; zero is
 * never negative ("0.00"). out must hold at least 32 bytes. Returns out.
 */
const char *dw_money_format(int64_t micros, int digits, char *out);

/*
 * Formats micro-units as the shortest exact decimal: 62500000 -> "62.5",
 * 48000000 -> "48". out must hold at least 32 bytes. Returns out.
 */
const char *dw_money_format_trim(int64_t micros, char *out);

/*
 * True when code is an active ISO 4217 code this build knows, or one
 * withdrawn lately that old records still carry (HRK, SLL, ZWL, CUC, ANG).
 * Upper case only.
 */
bool dw_currency_known(const char *code);
/* Minor-unit digits of a known currency (JPY 0, USD 2, BHD 3); -1 if
 * unknown. */
int dw_currency_digits(const char *code);

/* How dw_decimal_parse treats digits below its resolution. */
enum dw_round {
    DW_ROUND_EXACT,     /* non-zero dropped digits are DW_ERR_PARSE */
    DW_ROUND_HALF_AWAY, /* round half away from zero */
    DW_ROUND_TRUNC,     /* truncate toward zero */
};

/*
 * Parses "[+-]digits[.digits]" (at least one digit on either side of the
 * point; with allow_exp also "[eE][+-]digits") exactly into an integer
 * scaled by 10^shift: ("1.5", 6) -> 1500000. No spaces or separators.
 * DW_ERR_PARSE for garbage, DW_ERR_RANGE beyond ±INT64_MAX. No double.
 */
enum dw_status dw_decimal_parse(const char *s, int shift, enum dw_round mode,
                                bool allow_exp, int64_t *out);

/*
 * a * num / den with 128-bit intermediate, rounded half away from zero.
 * For FX conversion and rates. DW_ERR_RANGE on overflow or den == 0.
 */
enum dw_status dw_money_muldiv(int64_t a, int64_t num, int64_t den,
                               int64_t *out);

#endif
