/* common/tz.h — IANA time zones from TZif files: UTC instant -> local offset.
 */
#ifndef DW_TZ_H
#define DW_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/*
 * One zone, parsed from a TZif file (RFC 8536, version 2 or later: the
 * 64-bit transition block and the POSIX TZ footer). Offsets before the
 * first transition use the first local time type; after the last one the
 * footer rule applies (a slim file keeps only a few transitions). Leap
 * seconds are ignored (our timestamps are POSIX time).
 */
struct dw_zone;

/*
 * Parses a TZif image (borrowed) into a new zone owned by the caller
 * (dw_zone_free). DW_ERR_PARSE with the reason for a version 1 file, a
 * truncated or inconsistent file, or a footer that is not a POSIX TZ rule.
 */
enum dw_status dw_zone_parse(const unsigned char *buf, size_t len,
                             const char *name, struct dw_zone **out,
                             struct dw_error *err);
void dw_zone_free(struct dw_zone *z);

/* The zone's name as given ("Europe/Berlin"); borrowed. */
const char *dw_zone_name(const struct dw_zone *z);

/*
 * Seconds east of UTC in force at the UTC instant utc_s (seconds since
 * the epoch): Europe/Berlin gives 3600 in winter, 7200 in summer. Binary
 * search over the transitions, the footer rule past the last one. The
 * zone caches the footer's transitions of the last year asked (not
 * thread-safe).
 */
int32_t dw_zone_offset(struct dw_zone *z, int64_t utc_s);

/*
 * A cache of zones loaded by name from a zoneinfo directory: each file is
 * read once. Owns its zones.
 */
struct dw_tzdb;

/* dir NULL: $TZDIR when set, else the system zoneinfo directory
 * (DW_TZDIR_DEFAULT). The string is copied. NULL on allocation failure. */
#define DW_TZDIR_DEFAULT "/usr/share/zoneinfo"
struct dw_tzdb *dw_tzdb_new(const char *dir);
void dw_tzdb_free(struct dw_tzdb *db);

/*
 * The zone named name (an IANA name such as "Asia/Manila" or "UTC"),
 * loaded on first use. *out is borrowed from db. DW_ERR_INVALID for a
 * name that is not a zone name (empty, absolute, "..", odd characters);
 * DW_ERR_NOT_FOUND when no such file exists; DW_ERR_PARSE for a bad file.
 * A failed name is remembered and fails again without touching the disk.
 */
enum dw_status dw_tzdb_get(struct dw_tzdb *db, const char *name,
                           struct dw_zone **out, struct dw_error *err);

#endif
