/* sql/sql_embedded.h — the migrations and seeds compiled into the programs. */
#ifndef DW_SQL_EMBEDDED_H
#define DW_SQL_EMBEDDED_H

#include <stddef.h>

/* One embedded SQL file: name is the file name ("0001_core.sql"). */
struct dw_sql_file {
    const char *name;
    const char *text;
};

/* Migrations in file-name order; each runs once, in its own transaction. */
extern const struct dw_sql_file dw_sql_migrations[];
extern const size_t dw_sql_migrations_count;

/* Seeds (catalogues) in file-name order; idempotent, re-run by migrate. */
extern const struct dw_sql_file dw_sql_seeds[];
extern const size_t dw_sql_seeds_count;

#endif
