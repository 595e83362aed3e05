/* tests/integration/harness.c — fresh databases, dw-sim, and the programs. */
#include "harness.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void h_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)))
__attribute__((noreturn));

static void h_fail(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "harness: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

bool h_require_db(void)
{
    const char *url = getenv("DW_TEST_DB_URL");
    if (url && *url)
        return true;
    if (getenv("CI"))
        h_fail("DW_TEST_DB_URL is not set but CI is: integration tests "
               "must run against PostgreSQL (use scripts/test)");
    printf("SKIP: DW_TEST_DB_URL is not set (scripts/test sets it)\n");
    return false;
}

static void add_param(char *out, size_t n, const char *key, const char *val)
{
    size_t len = strlen(out);
    int w = snprintf(out + len, n - len, "%s%s='", len ? " " : "", key);
    if (w < 0 || (size_t)w >= n - len)
        h_fail("connection string too long");
    len += (size_t)w;
    for (const char *p = val; *p; p++) {
        if (len + 3 >= n)
            h_fail("connection string too long");
        if (*p == '\'' || *p == '\\')
            out[len++] = '\\';
        out[len++] = *p;
    }
    out[len++] = '\'';
    out[len] = '\0';
}

/* The base URL's parameters with dbname replaced, as key='value' pairs. */
static void url_with_db(const char *dbname, char *out, size_t n)
{
    char *msg = NULL;
    PQconninfoOption *opts = PQconninfoParse(getenv("DW_TEST_DB_URL"), &msg);
    if (!opts)
        h_fail("DW_TEST_DB_URL does not parse: %s", msg ? msg : "?");
    out[0] = '\0';
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (!o->val || !*o->val || strcmp(o->keyword, "dbname") == 0)
            continue;
        add_param(out, n, o->keyword, o->val);
    }
    add_param(out, n, "dbname", dbname);
    PQconninfoFree(opts);
}

PGconn *h_connect(const char *url)
{
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK)
        h_fail("cannot connect: %s", PQerrorMessage(c));
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    return c;
}

const char *h_fresh_db(const char *name)
{
    static char url[1024];
    char db[128];
    char sql[256];
    snprintf(db, sizeof db, "dwit_%s", name);
    for (char *p = db; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_'))
            h_fail("database name must be [a-z0-9_]: %s", name);

    PGconn *admin = h_connect(getenv("DW_TEST_DB_URL"));
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", db);
    PGresult *r = PQexec(admin, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        h_fail("%s: %s", sql, PQerrorMessage(admin));
    PQclear(r);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", db);
    r = PQexec(admin, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        h_fail("%s: %s", sql, PQerrorMessage(admin));
    PQclear(r);
    PQfinish(admin);
    url_with_db(db, url, sizeof url);
    return url;
}

char *h_query_value(PGconn *conn, const char *sql)
{
    PGresult *r = PQexec(conn, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
        h_fail("query failed (%s): %s", sql, PQerrorMessage(conn));
    char *v = PQgetisnull(r, 0, 0) ? NULL : strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

long h_query_long(PGconn *conn, const char *sql)
{
    char *v = h_query_value(conn, sql);
    long n = v ? strtol(v, NULL, 10) : -1;
    free(v);
    return n;
}

static char *read_all_fd(int fd)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        h_fail("out of memory");
    for (;;) {
        if (len + 1024 > cap) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb)
                h_fail("out of memory");
            buf = nb;
        }
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    return buf;
}

/* "NAME=value" sets a variable in the child; a bare "NAME" unsets it. */
static void child_env(const char *const env[])
{
    for (size_t i = 0; env && env[i]; i++) {
        const char *eq = strchr(env[i], '=');
        if (!eq) {
            unsetenv(env[i]);
            continue;
        }
        char name[256];
        size_t n = (size_t)(eq - env[i]);
        if (n >= sizeof name)
            continue;
        memcpy(name, env[i], n);
        name[n] = '\0';
        setenv(name, eq + 1, 1);
    }
}

int h_run(const char *const argv[], const char *const env[], char **out)
{
    int fds[2] = {-1, -1};
    if (out && pipe(fds) != 0)
        h_fail("pipe: %s", strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        h_fail("fork: %s", strerror(errno));
    if (pid == 0) {
        if (out) {
            dup2(fds[1], 1);
            dup2(fds[1], 2);
            close(fds[0]);
            close(fds[1]);
        }
        child_env(env);
        execv(argv[0], (char *const *)argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (out) {
        close(fds[1]);
        *out = read_all_fd(fds[0]);
        close(fds[0]);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

void h_sim_start(struct h_sim *sim, const char *const args[])
{
    char path[] = "/tmp/dwsim-out-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        h_fail("mkstemp: %s", strerror(errno));
    const char *argv[64];
    size_t n = 0;
    argv[n++] = DW_SIM_BIN;
    argv[n++] = "--port";
    argv[n++] = "0";
    for (size_t i = 0; args && args[i] && n < 62; i++)
        argv[n++] = args[i];
    argv[n] = NULL;

    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        h_fail("fork: %s", strerror(errno));
    if (pid == 0) {
        dup2(fd, 1);
        if (!getenv("DW_TEST_VERBOSE")) {
            int devnull = open("/dev/null", O_WRONLY);
            if (devnull >= 0)
                dup2(devnull, 2);
        }
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fd);
    memset(sim, 0, sizeof *sim);
    sim->pid = (int)pid;
    for (int i = 0; i < 200; i++) {
        FILE *f = fopen(path, "r");
        char line[256] = "";
        if (f) {
            if (!fgets(line, sizeof line, f))
                line[0] = '\0';
            fclose(f);
        }
        const char *p = strstr(line, "http://127.0.0.1:");
        if (p) {
            sim->port = (int)strtol(p + strlen("http://127.0.0.1:"), NULL, 10);
            snprintf(sim->base_url, sizeof sim->base_url, "http://127.0.0.1:%d",
                     sim->port);
            unlink(path);
            return;
        }
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid)
            h_fail("dw-sim exited before listening (status %d)", status);
        sleep_ms(50);
    }
    unlink(path);
    kill(pid, SIGKILL);
    h_fail("dw-sim did not start within 10 s");
}

void h_sim_stop(struct h_sim *sim)
{
    if (sim->pid <= 0)
        return;
    kill(sim->pid, SIGTERM);
    int status;
    for (int i = 0; i < 100; i++) {
        if (waitpid(sim->pid, &status, WNOHANG) == sim->pid) {
            sim->pid = 0;
            return;
        }
        sleep_ms(50);
    }
    kill(sim->pid, SIGKILL);
    waitpid(sim->pid, &status, 0);
    sim->pid = 0;
}

json_t *h_sim_call(const struct h_sim *sim, const char *method,
                   const char *path, const char *body)
{
    char url[512];
    char *data = NULL;
    size_t len = 0;
    CURL *c = curl_easy_init();
    if (!c)
        h_fail("curl_easy_init failed");
    snprintf(url, sizeof url, "%s%s", sim->base_url, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body || strcmp(method, "POST") == 0)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
    FILE *f = open_memstream(&data, &len);
    if (!f)
        h_fail("open_memstream: %s", strerror(errno));
    curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
    CURLcode rc = curl_easy_perform(c);
    fclose(f);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK)
        h_fail("%s %s: %s", method, path, curl_easy_strerror(rc));
    json_error_t jerr;
    json_t *j = json_loads(data, 0, &jerr);
    if (!j)
        h_fail("%s %s: answer is not JSON: %s", method, path, jerr.text);
    free(data);
    return j;
}

char *h_write_temp(const char *text)
{
    char *path = strdup("/tmp/dwit-XXXXXX");
    if (!path)
        h_fail("out of memory");
    int fd = mkstemp(path);
    if (fd < 0)
        h_fail("mkstemp: %s", strerror(errno));
    size_t len = strlen(text);
    if (write(fd, text, len) != (ssize_t)len)
        h_fail("write %s: %s", path, strerror(errno));
    close(fd);
    return path;
}

/* Each query returns one text column, already in a canonical order. */
static const char *const dump_queries[] = {
    "SELECT format('vendor %s %s', name, country) FROM dw.vendor ORDER BY 1",
    "SELECT format('source %s %s %s %s %s', s.name, s.platform, v.name, "
    "s.default_country, s.default_tz) FROM dw.source s JOIN dw.vendor v "
    "USING (vendor_id) ORDER BY 1",
    "SELECT format('worker %s %s %s %s %s', worker_key, platform, country, "
    "tz, tz_source) FROM dw.worker ORDER BY 1",
    "SELECT format('task %s %s %s %s %s %s %s %s', s.name, t.external_id, "
    "t.title, t.reward_micros, t.currency, t.estimate_s, t.max_time_s, "
    "t.created_at) FROM dw.task t JOIN dw.source s USING (source_id) "
    "ORDER BY 1",
    "SELECT format('unit %s %s %s %s %s %s %s %s %s %s %s %s %s', s.name, "
    "u.external_id, u.task_external_id, u.worker_key, u.status, "
    "u.status_raw, u.accepted_at, u.submitted_at, u.decided_at, u.paid_at, "
    "u.reward_micros, u.currency, u.worker_fee_micros) FROM dw.work_unit u "
    "JOIN dw.source s USING (source_id) ORDER BY 1",
    "SELECT format('history %s %s %s>%s %s>%s %s>%s', s.name, h.external_id, "
    "h.old_status, h.new_status, h.old_reward_micros, h.new_reward_micros, "
    "h.old_decided_at, h.new_decided_at) FROM dw.work_unit_history h "
    "JOIN dw.source s USING (source_id) ORDER BY 1",
    "SELECT format('payment %s %s %s %s %s %s %s %s', s.name, p.dedupe_key, "
    "p.unit_external_id, p.worker_key, p.kind, p.amount_micros, p.currency, "
    "p.effective_at) FROM dw.payment p JOIN dw.source s USING (source_id) "
    "ORDER BY 1",
    "SELECT format('segment %s %s %s %s %s %s %s %s %s %s', s.name, "
    "a.worker_key, a.started_at, a.duration_s, a.screenshots, a.webcam_shots, "
    "a.keyboard_events, a.mouse_events, a.activity_level, a.manual) "
    "FROM dw.activity_segment a JOIN dw.source s USING (source_id) "
    "ORDER BY 1",
    "SELECT format('practice %s %s %s %s', s.name, m.practice, m.in_use, "
    "m.evidence) FROM dw.monitoring_practice m JOIN dw.source s "
    "USING (source_id) ORDER BY 1",
    "SELECT format('quarantine %s %s %s', s.name, q.record_sha256, q.reason) "
    "FROM dw.quarantine q JOIN dw.source s USING (source_id) ORDER BY 1",
};

char *h_dump_facts(PGconn *conn)
{
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    if (!out)
        h_fail("out of memory");
    out[0] = '\0';
    for (size_t q = 0; q < sizeof dump_queries / sizeof *dump_queries; q++) {
        PGresult *r = PQexec(conn, dump_queries[q]);
        if (PQresultStatus(r) != PGRES_TUPLES_OK)
            h_fail("dump failed: %s", PQerrorMessage(conn));
        for (int i = 0; i < PQntuples(r); i++) {
            const char *v = PQgetvalue(r, i, 0);
            size_t n = strlen(v);
            while (len + n + 2 > cap) {
                cap *= 2;
                char *nb = realloc(out, cap);
                if (!nb)
                    h_fail("out of memory");
                out = nb;
            }
            memcpy(out + len, v, n);
            len += n;
            out[len++] = '\n';
            out[len] = '\0';
        }
        PQclear(r);
    }
    return out;
}

int h_run_curl_tests(const struct CMUnitTest tests[], size_t n,
                     CMFixtureFunction setup, CMFixtureFunction teardown)
{
    if (!h_require_db())
        return 0;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = _cmocka_run_group_tests("tests", tests, n, setup, teardown);
    curl_global_cleanup();
    return rc;
}

int h_admin(const char *url, const char *const args[], const char *const env[],
            char **out)
{
    const char *argv[16];
    size_t n = 0;

    argv[n++] = DW_ADMIN_BIN;
    if (url) {
        argv[n++] = "--database-url";
        argv[n++] = url;
    }
    for (size_t i = 0; args[i] != NULL && n < 15; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return h_run(argv, env, out);
}

int h_migrate(const char *url, const char *const env[], char **out)
{
    const char *const args[] = {"migrate", NULL};
    return h_admin(url, args, env, out);
}

char *h_query_params(PGconn *conn, const char *sql, int n,
                     const char *const params[])
{
    PGresult *r = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
    char *v;

    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    v = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    assert_non_null(v);
    return v;
}

const char *h_fresh_migrated_db(const char *name)
{
    static char url[1024];
    snprintf(url, sizeof(url), "%s", h_fresh_db(name));
    assert_int_equal(h_migrate(url, NULL, NULL), 0);
    return url;
}

int h_collect(const char *url, const char *config, const char *log_level,
              const char *const env_extra[], char **out)
{
    char dbenv[1200];
    const char *env[32];
    size_t n = 0;
    snprintf(dbenv, sizeof(dbenv), "DW_DATABASE_URL=%s", url);
    env[n++] = dbenv;
    env[n++] = "DW_PSEUDONYM_KEY=" H_KEY;
    for (size_t i = 0; env_extra && env_extra[i]; i++) {
        if (n + 1 >= sizeof(env) / sizeof(env[0]))
            h_fail("h_collect: too many environment entries");
        env[n++] = env_extra[i];
    }
    env[n] = NULL;
    const char *const argv[] = {DW_COLLECT_BIN, "--config", config,
                                "--log-level",  log_level,  NULL};
    return h_run(argv, env, out);
}

long h_truth_count(json_t *truth, const char *key)
{
    return (long)json_integer_value(
        json_object_get(json_object_get(truth, "counts"), key));
}

/* Variables dw-analyze and dw-admin must not inherit from the shell. */
#define H_CLEAN_ENV "DW_DATABASE_URL", "DW_LOG_FORMAT", "DW_LOG_LEVEL"

int h_analyze(const char *url, const char *const args[], char **out)
{
    char env_url[1100];
    const char *argv[16];
    const char *env[] = {H_CLEAN_ENV, env_url, NULL};
    size_t n = 0;

    snprintf(env_url, sizeof env_url, "DW_DATABASE_URL=%s", url);
    argv[n++] = DW_ANALYZE_BIN;
    for (size_t i = 0; args[i] != NULL && n < 15; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return h_run(argv, env, out);
}

void h_exec(PGconn *conn, const char *sql)
{
    PGresult *r = PQexec(conn, sql);
    ExecStatusType s = PQresultStatus(r);

    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(conn));
    PQclear(r);
}

void h_assert_query(PGconn *conn, const char *sql, const char *want)
{
    char *got = h_query_value(conn, sql);

    if (got == NULL || strcmp(got, want) != 0)
        fail_msg("got:\n%s\nwant:\n%s", got ? got : "(null)", want);
    free(got);
}

void h_assert_contains(const char *hay, const char *needle)
{
    if (hay == NULL || strstr(hay, needle) == NULL)
        fail_msg("output lacks \"%s\":\n%s", needle, hay ? hay : "(null)");
}

/* The whole of a text file (heap), or NULL when it cannot be read. */
static char *read_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    char *text = read_all_fd(fd);
    close(fd);
    return text;
}

/* Prints a failed program's output for a group setup; frees out. */
static int setup_failed(const char *what, int rc, char *out)
{
    fprintf(stderr, "%s failed (%d):\n%s\n", what, rc, out ? out : "");
    free(out);
    return -1;
}

int h_analyzer_db(const char *name, const char *sql_file,
                  const char *const sql[], const char *const run[], char *url,
                  size_t n)
{
    const char *const env[] = {H_CLEAN_ENV, NULL};
    char *out = NULL;
    int rc;

    snprintf(url, n, "%s", h_fresh_db(name));
    rc = h_migrate(url, env, &out);
    if (rc != 0)
        return setup_failed("dw-admin migrate", rc, out);
    free(out);
    PGconn *c = h_connect(url);
    if (sql_file) {
        char *text = read_file(sql_file);
        if (!text)
            h_fail("cannot read %s: %s", sql_file, strerror(errno));
        h_exec(c, text);
        free(text);
    }
    for (size_t i = 0; sql && sql[i] != NULL; i++)
        h_exec(c, sql[i]);
    PQfinish(c);
    if (!run)
        return 0;
    out = NULL;
    rc = h_analyze(url, run, &out);
    if (rc != 0)
        return setup_failed("dw-analyze run", rc, out);
    free(out);
    return 0;
}

void h_snapshot_take(PGconn *conn, struct h_snapshot *s)
{
    s->history =
        h_query_long(conn, "SELECT count(*) FROM dw.work_unit_history");
    s->facts = h_dump_facts(conn);
}

void h_assert_unchanged(PGconn *conn, struct h_snapshot *s)
{
    char *facts = h_dump_facts(conn);
    assert_string_equal(s->facts, facts);
    assert_int_equal(
        h_query_long(conn, "SELECT count(*) FROM dw.work_unit_history"),
        s->history);
    assert_int_equal(h_query_long(conn, "SELECT units_changed FROM dw.sync_run"
                                        " ORDER BY sync_run_id DESC LIMIT 1"),
                     0);
    free(s->facts);
    s->facts = NULL;
    free(facts);
}

char *h_dump_facts_at(const char *url)
{
    PGconn *conn = h_connect(url);
    char *d = h_dump_facts(conn);
    PQfinish(conn);
    return d;
}
