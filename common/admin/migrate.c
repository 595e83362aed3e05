/* common/admin/migrate.c — forward-only migrations and idempotent seeds. */
#include "migrate.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"

/*
 * Created before anything else so that the table exists for the very first
 * migration. Constant text: no data is ever spliced in.
 */
static const char bootstrap_sql[] =
    "SET client_min_messages = warning;\n" /* no "already exists" NOTICEs */
    "CREATE SCHEMA IF NOT EXISTS dw;\n"
    "CREATE TABLE IF NOT EXISTS dw.schema_migrations (\n"
    "    version     text PRIMARY KEY,\n"
    "    name        text NOT NULL,\n"
    "    checksum    char(64) NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),\n"
    "    applied_at  timestamptz NOT NULL DEFAULT now()\n"
    ");\n"
    "COMMENT ON TABLE dw.schema_migrations IS\n"
    "  'Migrations applied by dw-admin migrate, with the SHA-256 of each "
    "file.';\n";

/* One row of dw.schema_migrations. */
struct applied {
    char version[DW_MIGRATE_VERSION_MAX];
    char name[DW_MIGRATE_NAME_MAX];
    char checksum[65];
};

bool dw_migrate_parse_name(const char *file,
                           char version[DW_MIGRATE_VERSION_MAX],
                           char name[DW_MIGRATE_NAME_MAX])
{
    size_t len, stem, i;

    version[0] = '\0';
    name[0] = '\0';
    if (file == NULL)
        return false;
    len = strlen(file);
    /* "NNNN_" + at least one name byte + ".sql" */
    if (len < 10 || strcmp(file + len - 4, ".sql") != 0 || file[4] != '_')
        return false;
    for (i = 0; i < 4; i++)
        if (file[i] < '0' || file[i] > '9')
            return false;
    stem = len - 4 - 5; /* bytes of the name part */
    if (stem + 1 > DW_MIGRATE_NAME_MAX)
        return false;
    for (i = 5; i < len - 4; i++) {
        char c = file[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    memcpy(version, file, 4);
    version[4] = '\0';
    memcpy(name, file + 5, stem);
    name[stem] = '\0';
    return true;
}

enum dw_status dw_migrate_check_list(const struct dw_sql_file *files, size_t n,
                                     struct dw_error *err)
{
    char v[DW_MIGRATE_VERSION_MAX], nm[DW_MIGRATE_NAME_MAX];
    char prev[DW_MIGRATE_VERSION_MAX] = "";

    for (size_t i = 0; i < n; i++) {
        if (!dw_migrate_parse_name(files[i].name, v, nm))
            return dw_error_set(err, DW_ERR_INTERNAL,
                                "migration file name '%s' does not match "
                                "NNNN_name.sql",
                                files[i].name ? files[i].name : "(null)");
        if (files[i].text == NULL)
            return dw_error_set(err, DW_ERR_INTERNAL,
                                "migration %s has no text", files[i].name);
        if (i > 0 && strcmp(v, prev) <= 0)
            return dw_error_set(err, DW_ERR_INTERNAL,
                                "migration %s is out of order or repeats "
                                "version %s",
                                files[i].name, v);
        memcpy(prev, v, sizeof(prev));
    }
    return DW_OK;
}

enum dw_status dw_migrate_checksum(const char *text, char out[65],
                                   struct dw_error *err)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;

    out[0] = '\0';
    if (EVP_Digest(text, strlen(text), md, &md_len, EVP_sha256(), NULL) != 1 ||
        md_len != 32)
        return dw_error_set(err, DW_ERR_INTERNAL, "SHA-256 failed");
    for (unsigned int i = 0; i < md_len; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 0x0f];
    }
    out[64] = '\0';
    return DW_OK;
}

/* Waits for the migrate lock; says so when another migrator holds it. */
static enum dw_status take_lock(PGconn *conn, struct dw_error *err)
{
    const char *key = DW_MIGRATE_LOCK_KEY;
    bool got = false;
    enum dw_status st;

    st = dw_db_try_lock(conn, key, &got, err);
    if (st != DW_OK || got)
        return st;
    dw_log(DW_LOG_INFO, "migrate", "waiting=another_migrator");
    /* Same hashing as dw_db_try_lock, so the two agree on the lock. */
    return dw_db_exec(conn, "SELECT pg_advisory_lock(hashtextextended($1, 0))",
                      1, &key, NULL, err);
}

/* Reads dw.schema_migrations into a heap array (*out, *n). */
static enum dw_status load_applied(PGconn *conn, struct applied **out,
                                   size_t *n, struct dw_error *err)
{
    PGresult *r = NULL;
    enum dw_status st;
    int rows;

    *out = NULL;
    *n = 0;
    st = dw_db_exec(conn,
                    "SELECT version, name, checksum FROM dw.schema_migrations "
                    "ORDER BY version",
                    0, NULL, &r, err);
    if (st != DW_OK)
        return st;
    rows = PQntuples(r);
    if (rows > 0) {
        *out = calloc((size_t)rows, sizeof(**out));
        if (*out == NULL) {
            PQclear(r);
            return dw_error_set(err, DW_ERR_NOMEM, "out of memory");
        }
    }
    for (int i = 0; i < rows; i++) {
        struct applied *a = &(*out)[i];
        snprintf(a->version, sizeof(a->version), "%s", PQgetvalue(r, i, 0));
        snprintf(a->name, sizeof(a->name), "%s", PQgetvalue(r, i, 1));
        snprintf(a->checksum, sizeof(a->checksum), "%s", PQgetvalue(r, i, 2));
    }
    *n = (size_t)rows;
    PQclear(r);
    return DW_OK;
}

static const struct applied *find_applied(const struct applied *a, size_t n,
                                          const char *version)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i].version, version) == 0)
            return &a[i];
    return NULL;
}

/*
 * Refuses to go on when the database and the embedded files disagree about
 * what was applied: a changed file, or a version this program lacks.
 */
static enum dw_status verify_applied(const struct applied *a, size_t n,
                                     const struct dw_sql_file *files,
                                     size_t n_files, struct dw_error *err)
{
    char v[DW_MIGRATE_VERSION_MAX], nm[DW_MIGRATE_NAME_MAX], sum[65];
    enum dw_status st;

    for (size_t i = 0; i < n; i++) {
        const struct dw_sql_file *f = NULL;

        for (size_t j = 0; j < n_files && f == NULL; j++)
            if (dw_migrate_parse_name(files[j].name, v, nm) &&
                strcmp(v, a[i].version) == 0)
                f = &files[j];
        if (f == NULL)
            return dw_error_set(err, DW_ERR_CONFIG,
                                "the database has migration %s_%s, which "
                                "this program does not contain: use the "
                                "dw-admin that matches the database",
                                a[i].version, a[i].name);
        st = dw_migrate_checksum(f->text, sum, err);
        if (st != DW_OK)
            return st;
        if (strcmp(sum, a[i].checksum) != 0)
            return dw_error_set(err, DW_ERR_CONFIG,
                                "migration %s was changed after it was "
                                "applied (checksum %.12s in the database, "
                                "%.12s in this program): migrations are "
                                "forward-only, put the change in a new one",
                                f->name, a[i].checksum, sum);
    }
    return DW_OK;
}

/* One migration and its schema_migrations row, in one transaction. */
static enum dw_status apply_one(PGconn *conn, const struct dw_sql_file *f,
                                const char *version, const char *name,
                                struct dw_error *err)
{
    char sum[65];
    const char *params[3];
    enum dw_status st;

    st = dw_migrate_checksum(f->text, sum, err);
    if (st != DW_OK)
        return st;
    st = dw_db_begin(conn, err);
    if (st != DW_OK)
        return st;
    st = dw_db_exec_script(conn, f->text, err);
    if (st == DW_OK) {
        params[0] = version;
        params[1] = name;
        params[2] = sum;
        st = dw_db_exec(conn,
                        "INSERT INTO dw.schema_migrations "
                        "(version, name, checksum) VALUES ($1, $2, $3)",
                        3, params, NULL, err);
    }
    if (st == DW_OK)
        st = dw_db_commit(conn, err);
    if (st != DW_OK) {
        dw_db_rollback(conn);
        dw_error_prefix(err, "migration %s", f->name);
    }
    return st;
}

/* All seeds in one transaction: a broken seed leaves the old catalogue. */
static enum dw_status run_seeds(PGconn *conn, const struct dw_sql_file *seeds,
                                size_t n, struct dw_migrate_result *res,
                                struct dw_error *err)
{
    enum dw_status st;

    if (n == 0)
        return DW_OK;
    st = dw_db_begin(conn, err);
    if (st != DW_OK)
        return st;
    for (size_t i = 0; i < n && st == DW_OK; i++) {
        st = dw_db_exec_script(conn, seeds[i].text, err);
        if (st != DW_OK)
            dw_error_prefix(err, "seed %s", seeds[i].name);
    }
    if (st == DW_OK)
        st = dw_db_commit(conn, err);
    if (st != DW_OK) {
        dw_db_rollback(conn);
        return st;
    }
    res->seeds = n;
    return DW_OK;
}

enum dw_status dw_migrate_files(PGconn *conn,
                                const struct dw_sql_file *migrations,
                                size_t n_migrations,
                                const struct dw_sql_file *seeds, size_t n_seeds,
                                struct dw_migrate_result *res,
                                struct dw_error *err)
{
    struct applied *applied = NULL;
    size_t n_applied = 0;
    char v[DW_MIGRATE_VERSION_MAX], nm[DW_MIGRATE_NAME_MAX];
    enum dw_status st;

    memset(res, 0, sizeof(*res));
    st = dw_migrate_check_list(migrations, n_migrations, err);
    if (st != DW_OK)
        return st;
    st = take_lock(conn, err);
    if (st != DW_OK)
        return st;

    st = dw_db_exec_script(conn, bootstrap_sql, err);
    if (st == DW_OK)
        st = load_applied(conn, &applied, &n_applied, err);
    if (st == DW_OK)
        st = verify_applied(applied, n_applied, migrations, n_migrations, err);
    if (st == DW_OK && n_applied > 0)
        snprintf(res->current, sizeof(res->current), "%s_%s",
                 applied[n_applied - 1].version, applied[n_applied - 1].name);

    for (size_t i = 0; i < n_migrations && st == DW_OK; i++) {
        dw_migrate_parse_name(migrations[i].name, v, nm);
        if (find_applied(applied, n_applied, v) != NULL) {
            res->already++;
            continue;
        }
        st = apply_one(conn, &migrations[i], v, nm, err);
        if (st != DW_OK)
            break;
        res->applied++;
        snprintf(res->current, sizeof(res->current), "%s_%s", v, nm);
        dw_log(DW_LOG_INFO, "migrate", "applied=%s", migrations[i].name);
    }
    if (st == DW_OK)
        st = run_seeds(conn, seeds, n_seeds, res, err);

    free(applied);
    dw_db_rollback(conn); /* no-op unless a failure left one open */
    /* The lock dies with the session anyway; release it for reused ones. */
    dw_db_unlock(conn, DW_MIGRATE_LOCK_KEY, NULL);
    return st;
}

enum dw_status dw_migrate(PGconn *conn, struct dw_migrate_result *res,
                          struct dw_error *err)
{
    return dw_migrate_files(conn, dw_sql_migrations, dw_sql_migrations_count,
                            dw_sql_seeds, dw_sql_seeds_count, res, err);
}
