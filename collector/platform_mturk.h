/* collector/platform_mturk.h — MTurk value rules the adapter applies (tested).
 */
#ifndef DW_PLATFORM_MTURK_H
#define DW_PLATFORM_MTURK_H

#include <stdint.h>

#include "record.h"
#include "status.h"

/*
 * A CurrencyAmount: a USD decimal string ^[0-9]+(\.)?[0-9]{0,2}$ ("5",
 * "5.", "0.5", "101.42") into micro-units. Signs, more than two fraction
 * digits, exponents, spaces and NULL are DW_ERR_PARSE; overflow
 * DW_ERR_RANGE.
 */
enum dw_status dw_mturk_money(const char *s, int64_t *micros);

/* Submitted, Approved, Rejected -> submitted, approved, rejected; any
 * other word (or NULL) -> DW_UNIT_UNKNOWN (the raw word is kept). */
enum dw_unit_status dw_mturk_status(const char *raw);

/*
 * A bonus's dedupe key (MTurk bonuses have no id): lower-hex SHA-256 of
 * "AssignmentId|worker key|GrantTime µs|BonusAmount micros|Reason", with
 * NULL assignment or reason written as "". Uses the worker key, not the
 * raw WorkerId, so the raw id cannot be recovered by hashing guesses;
 * canonical numbers, so "5." and "5.00", 1.7E9 and 1700000000 give the
 * same key. out holds DW_PSEUDONYM_HEX bytes.
 */
enum dw_status dw_mturk_bonus_key(const char *assignment, const char *wk,
                                  int64_t grant, int64_t micros,
                                  const char *reason, char *out);

#endif
