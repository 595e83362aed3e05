/* common/admin/migrate.h — apply the embedded migrations and seeds. */
#ifndef DW_MIGRATE_H
#define DW_MIGRATE_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "sql_embedded.h"
#include "status.h"

/* Advisory-lock key that serialises migrators on one database. */
#define DW_MIGRATE_LOCK_KEY "decentwork:migrate"

/* "0001" of "0001_core.sql": four digits and a NUL. */
#define DW_MIGRATE_VERSION_MAX 5
/* "core" of "0001_core.sql" (names are at most this long, NUL included). */
#define DW_MIGRATE_NAME_MAX 64

struct dw_migrate_result {
    size_t applied; /* migrations applied by this call */
    size_t already; /* embedded migrations that were already applied */
    size_t seeds;   /* seed files run (all of them, every call) */
    char current[DW_MIGRATE_VERSION_MAX + DW_MIGRATE_NAME_MAX];
    /* the newest migration the database now has, "0002_report"; empty
       when there is none */
};

/*
 * Brings the database up to date with the migrations compiled into the
 * program (sql/migrations) and re-runs every seed (sql/seed):
 *  1. takes the session advisory lock DW_MIGRATE_LOCK_KEY, waiting for a
 *     concurrent migrator to finish (so the two never race);
 *  2. creates dw.schema_migrations (version, name, checksum, applied_at)
 *     if missing;
 *  3. refuses with DW_ERR_CONFIG, changing nothing, when an applied
 *     migration's SHA-256 differs from the embedded file or the database
 *     has a version this program does not know;
 *  4. applies each pending migration in order, each in its own
 *     transaction together with its schema_migrations row;
 *  5. runs all seed files in one transaction (they are idempotent).
 * Re-running is a no-op apart from the seeds (res->applied == 0).
 * conn is borrowed and must not be inside a transaction (its session
 * gets client_min_messages = warning); res (required)
 * is filled even on failure with what was done. Logs one INFO line per
 * migration applied. Errors: DW_ERR_DB (server error, with the file
 * name), DW_ERR_CONFIG (changed or unknown migration), DW_ERR_INTERNAL
 * (a badly named embedded file).
 */
enum dw_status dw_migrate(PGconn *conn, struct dw_migrate_result *res,
                          struct dw_error *err);

/*
 * Same, over an explicit list of migration and seed files (tests). The
 * arrays are borrowed; migrations must be sorted by name.
 */
enum dw_status dw_migrate_files(PGconn *conn,
                                const struct dw_sql_file *migrations,
                                size_t n_migrations,
                                const struct dw_sql_file *seeds, size_t n_seeds,
                                struct dw_migrate_result *res,
                                struct dw_error *err);

/*
 * Splits a migration file name "NNNN_name.sql" (four digits, '_', then
 * [a-z0-9_]+, ".sql") into version ("NNNN") and name. Returns false, with
 * the outputs empty, when the name does not match or name is too long.
 */
bool dw_migrate_parse_name(const char *file,
                           char version[DW_MIGRATE_VERSION_MAX],
                           char name[DW_MIGRATE_NAME_MAX]);

/*
 * Checks a migration list: every name parses, names are strictly
 * increasing (so versions are unique and sorted). DW_ERR_INTERNAL with the
 * offending file name otherwise.
 */
enum dw_status dw_migrate_check_list(const struct dw_sql_file *files, size_t n,
                                     struct dw_error *err);

/* The checksum stored for a migration: lower-hex SHA-256 of text (its
   bytes up to the NUL) into out[65]. */
enum dw_status dw_migrate_checksum(const char *text, char out[65],
                                   struct dw_error *err);

#endif
