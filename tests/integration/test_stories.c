/* tests/integration/test_stories.c — golden worker stories: vendor exports
 * in, the hand-computed worker-weeks and flags of expected.txt out. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "harness.h"

/*
 * Each story is a directory of tests/fixtures/stories/ holding a vendor
 * export (docs/file-format.md) and, for the euro story, an ECB rate file
 * (fx.csv). Its expected results are the block "[name]" of
 * tests/fixtures/stories/expected.txt, computed by hand from
 * docs/method.md; the stories are told in tests/fixtures/stories/README.md.
 * For each story: a fresh database, dw-admin migrate (seeded thresholds,
 * wage floors and FX), dw-admin import-fx when the story has fx.csv,
 * dw-collect of one `platform = file` source on the directory (no token),
 * dw-analyze run over the story's week, then the run's rows rendered in
 * the format of expected.txt and compared line by line.
 */

#define KEY "stories-pseudonym-key"
#define VENDOR "Story Labelling"
#define STORIES DW_SOURCE_DIR "/tests/fixtures/stories"
#define EXPECTED STORIES "/expected.txt"
#define WINDOW_FROM "2026-11-02"
#define WINDOW_TO "2026-11-08"

/* Variables the programs must not inherit from the caller's shell. */
#define CLEAN_ENV "DW_DATABASE_URL", "DW_LOG_FORMAT", "DW_LOG_LEVEL"

/* The newest done run's results (each analyze supersedes the last). */
#define RUN_ID                                                                 \
    "(SELECT max(analysis_run_id) FROM dw.analysis_run"                        \
    " WHERE status = 'done')"

/* Formatting helpers, session-local: whole seconds as H:MM:SS, and
 * micro-units as a decimal with six places ('-' for NULL). */
static const char *const helpers[] = {
    "CREATE FUNCTION pg_temp.hms(s bigint) RETURNS text LANGUAGE sql"
    " IMMUTABLE AS $$ SELECT CASE WHEN s IS NULL THEN '-' ELSE"
    " (s / 3600)::text || ':' || lpad((s % 3600 / 60)::text, 2, '0')"
    " || ':' || lpad((s % 60)::text, 2, '0') END $$",
    "CREATE FUNCTION pg_temp.m6(m bigint) RETURNS text LANGUAGE sql"
    " IMMUTABLE AS $$ SELECT CASE WHEN m IS NULL THEN '-' ELSE"
    " round(m::numeric / 1000000, 6)::text END $$",
    "CREATE FUNCTION pg_temp.yes(b boolean) RETURNS text LANGUAGE sql"
    " IMMUTABLE AS $$ SELECT CASE WHEN b IS NULL THEN '-' WHEN b THEN"
    " 'at or above' ELSE 'BELOW' END $$",
    NULL};

static const char weeks_sql[] =
    "SELECT format(E'week %s %s %s (%s)\\n"
    "  paid        %s\\n"
    "  unpaid      %s = task %s + search %s\\n"
    "  work        %s\\n"
    "  earnings    %s %s\\n"
    "  ehr_paid    %s %s/h\\n"
    "  ehr_total   %s %s/h\\n"
    "  floor       %s (%s) %s %s/h from %s %s/h\\n"
    "  minimum     %s, back pay %s %s\\n"
    "  living      %s\\n"
    "  night       %s\\n"
    "  days        worked %s, over 8 h %s, longest run %s\\n"
    "  units       approved %s, rejected %s, returned %s, reversed %s',"
    " w.week_start, w.tz_basis, coalesce(w.tz_name, '-'), w.tz_source,"
    " pg_temp.hms(w.paid_s), pg_temp.hms(w.unpaid_s),"
    " pg_temp.hms(w.unpaid_task_s), pg_temp.hms(w.search_s),"
    " pg_temp.hms(w.work_s), pg_temp.m6(w.earnings_micros), w.currency,"
    " pg_temp.m6(w.ehr_paid_micros), w.currency,"
    " pg_temp.m6(w.ehr_total_micros), w.currency,"
    " coalesce(w.floor_country, '-'), coalesce(w.floor_basis, '-'),"
    " pg_temp.m6(w.min_wage_micros), w.currency,"
    " pg_temp.m6(w.floor_local_micros), coalesce(w.floor_currency, '-'),"
    " pg_temp.yes(w.at_or_above_min), pg_temp.m6(w.back_pay_micros),"
    " w.currency,"
    " CASE WHEN w.living_wage_micros IS NULL THEN '-' ELSE"
    "  format('%s %s/h from %s %s/h, %s', pg_temp.m6(w.living_wage_micros),"
    "  w.currency, pg_temp.m6(w.living_local_micros), w.living_currency,"
    "  pg_temp.yes(w.at_or_above_living)) END,"
    " pg_temp.hms(w.night_s), w.days_worked, w.days_over_8h,"
    " w.max_consecutive_days, w.units_approved, w.units_rejected,"
    " w.units_returned, w.units_reversed)"
    " FROM dw.worker_week w WHERE w.analysis_run_id = " RUN_ID
    " ORDER BY w.worker_key, w.week_start";

static const char monitoring_sql[] =
    "SELECT format('monitoring %s %s cells %s, tracked %s, screenshots %s"
    " (%s per h), webcam %s (%s per h), band %s, off shift %s',"
    " m.week_start, m.tz_basis, m.segments, pg_temp.hms(m.tracked_s),"
    " m.screenshots, coalesce(trim_scale(m.sph)::text, '-'),"
    " m.webcam_shots, coalesce(trim_scale(m.wcph)::text, '-'), m.band,"
    " coalesce(m.offshift_segments::text, '-'))"
    " FROM dw.worker_week_monitoring m WHERE m.segments > 0"
    " AND m.analysis_run_id = " RUN_ID " ORDER BY m.worker_key, m.week_start";

static const char flags_sql[] =
    "SELECT format('flag %s %s %s %s..%s value %s threshold %s %s',"
    " f.rule, f.severity, f.subject, f.period_start, f.period_end,"
    " coalesce(trim_scale(f.value)::text, '-'),"
    " coalesce(trim_scale(f.threshold)::text, '-'), coalesce(f.unit, '-'))"
    " FROM dw.flag f WHERE f.analysis_run_id = " RUN_ID
    " ORDER BY f.rule COLLATE \"C\", f.period_start, f.worker_key NULLS FIRST";

/* A block of lines (heap strings). */
struct lines {
    char **v;
    size_t n;
    size_t cap;
};

static void lines_push(struct lines *l, const char *s, size_t len)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        char **v = realloc(l->v, cap * sizeof *v);
        assert_non_null(v);
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n] = strndup(s, len);
    assert_non_null(l->v[l->n]);
    l->n++;
}

static void lines_free(struct lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* Appends each line of text, without trailing blanks; comments ('#')
 * and blank lines are left out. */
static void lines_split(struct lines *l, const char *text)
{
    const char *p = text;

    while (*p != '\0') {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        size_t end = len;

        while (end > 0 &&
               (p[end - 1] == ' ' || p[end - 1] == '\r' || p[end - 1] == '\t'))
            end--;
        if (end > 0 && p[0] != '#')
            lines_push(l, p, end);
        p += eol ? len + 1 : len;
    }
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct dw_buf b;
    char chunk[4096];
    size_t n;
    char *text;

    if (f == NULL)
        fail_msg("cannot open %s", path);
    dw_buf_init(&b, 1 << 20);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        assert_int_equal(dw_buf_append(&b, chunk, n), DW_OK);
    fclose(f);
    text = dw_buf_take(&b);
    assert_non_null(text);
    return text;
}

/* The lines of block "[name]" of expected.txt, header included; fails
 * the test when the file has no such block. */
static void expected_block(const char *name, struct lines *out)
{
    char *text = read_text(EXPECTED);
    struct lines all = {0};
    char header[256];
    bool in = false;

    snprintf(header, sizeof header, "[%s]", name);
    lines_split(&all, text);
    free(text);
    for (size_t i = 0; i < all.n; i++) {
        if (all.v[i][0] == '[')
            in = strcmp(all.v[i], header) == 0;
        if (in)
            lines_push(out, all.v[i], strlen(all.v[i]));
    }
    lines_free(&all);
    if (out->n == 0)
        fail_msg("expected.txt has no block %s", header);
}

/* Appends the text of every row of a one-column query. */
static void render_query(PGconn *c, const char *sql, struct lines *out)
{
    PGresult *r = PQexec(c, sql);

    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(c));
        PQclear(r);
        fail_msg("rendering the run failed: %s", msg);
    }
    for (int i = 0; i < PQntuples(r); i++)
        lines_split(out, PQgetvalue(r, i, 0));
    PQclear(r);
}

/* The newest done run of the database, in the format of expected.txt. */
static void actual_block(const char *url, const char *name, struct lines *out)
{
    PGconn *c = h_connect(url);
    char header[256];
    size_t before;

    for (size_t i = 0; helpers[i] != NULL; i++) {
        PGresult *r = PQexec(c, helpers[i]);
        bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok)
            fail_msg("helper function: %s", PQerrorMessage(c));
    }
    snprintf(header, sizeof header, "[%s]", name);
    lines_push(out, header, strlen(header));
    render_query(c, weeks_sql, out);
    render_query(c, monitoring_sql, out);
    before = out->n;
    render_query(c, flags_sql, out);
    if (out->n == before)
        lines_push(out, "flags none", strlen("flags none"));
    PQfinish(c);
}

/*
 * Prints a unified-style diff of two blocks to stderr (' ' both, '-'
 * expected only, '+' actual only), from a longest common subsequence;
 * blocks are a few dozen lines.
 */
static void print_diff(const char *name, const struct lines *want,
                       const struct lines *got)
{
    size_t n = want->n, m = got->n;
    size_t *t = calloc((n + 1) * (m + 1), sizeof *t);
    size_t i = 0, j = 0;

    assert_non_null(t);
#define T(a, b) t[(a) * (m + 1) + (b)]
    for (size_t a = n; a-- > 0;)
        for (size_t b = m; b-- > 0;)
            T(a, b) =
                strcmp(want->v[a], got->v[b]) == 0
                    ? T(a + 1, b + 1) + 1
                    : (T(a + 1, b) > T(a, b + 1) ? T(a + 1, b) : T(a, b + 1));
    fprintf(stderr, "--- expected.txt [%s] (computed by hand)\n", name);
    fprintf(stderr, "+++ dw-analyze run (rendered from the database)\n");
    while (i < n || j < m) {
        if (i < n && j < m && strcmp(want->v[i], got->v[j]) == 0) {
            fprintf(stderr, " %s\n", want->v[i]);
            i++;
            j++;
        } else if (i < n && (j == m || T(i + 1, j) >= T(i, j + 1))) {
            fprintf(stderr, "-%s\n", want->v[i++]);
        } else {
            fprintf(stderr, "+%s\n", got->v[j++]);
        }
    }
#undef T
    free(t);
}

static void check_block(const char *url, const char *name)
{
    struct lines want = {0}, got = {0};
    bool same;

    expected_block(name, &want);
    actual_block(url, name, &got);
    same = want.n == got.n;
    for (size_t i = 0; same && i < want.n; i++)
        same = strcmp(want.v[i], got.v[i]) == 0;
    if (!same)
        print_diff(name, &want, &got);
    lines_free(&want);
    lines_free(&got);
    if (!same)
        fail_msg("story %s: the analyzer's figures differ from the hand "
                 "computation (diff above)",
                 name);
}

/* Runs a program with the database URL in its environment. */
static int run_with_db(const char *url, const char *const argv[])
{
    char dbenv[1200];
    const char *const env[] = {CLEAN_ENV, dbenv, "DW_PSEUDONYM_KEY=" KEY, NULL};
    char *out = NULL;
    int rc;

    snprintf(dbenv, sizeof dbenv, "DW_DATABASE_URL=%s", url);
    rc = h_run(argv, env, &out);
    if (rc != 0)
        fprintf(stderr, "%s exited %d:\n%s\n", argv[0], rc, out ? out : "");
    free(out);
    return rc;
}

static void collect(const char *url, const char *story, const char *subdir,
                    const char *country)
{
    char text[2048];
    char *cfg;

    snprintf(text, sizeof text,
             "[source story]\n"
             "platform = file\n"
             "vendor = " VENDOR "\n"
             "vendor_country = %s\n"
             "path = " STORIES "/%s%s%s\n",
             country, story, subdir ? "/" : "", subdir ? subdir : "");
    cfg = h_write_temp(text);
    {
        const char *const argv[] = {DW_COLLECT_BIN, "--config", cfg,
                                    "--log-level",  "warn",     NULL};
        assert_int_equal(run_with_db(url, argv), 0);
    }
    unlink(cfg);
    free(cfg);
}

static void analyze(const char *url)
{
    const char *const argv[] = {
        DW_ANALYZE_BIN, "run", "--from", WINDOW_FROM, "--to", WINDOW_TO, NULL};
    assert_int_equal(run_with_db(url, argv), 0);
}

/* A fresh, migrated database for the story (and its FX file, if any). */
static const char *story_db(const char *story)
{
    static char url[1024];
    char name[128], fx[1024];

    snprintf(name, sizeof name, "story_%s", story);
    for (char *p = name; *p != '\0'; p++)
        if (*p == '-')
            *p = '_';
    snprintf(url, sizeof url, "%s", h_fresh_db(name));
    {
        const char *const argv[] = {DW_ADMIN_BIN, "--database-url", url,
                                    "migrate", NULL};
        assert_int_equal(run_with_db(url, argv), 0);
    }
    snprintf(fx, sizeof fx, STORIES "/%s/fx.csv", story);
    if (access(fx, R_OK) == 0) {
        const char *const argv[] = {
            DW_ADMIN_BIN, "--database-url", url, "import-fx", fx, NULL};
        assert_int_equal(run_with_db(url, argv), 0);
    }
    return url;
}

/* The whole path for a one-export story. */
static void tell(const char *story, const char *country)
{
    const char *url = story_db(story);

    collect(url, story, NULL, country);
    analyze(url);
    check_block(url, story);
}

static void parallel_tasks_are_counted_once(void **state)
{
    (void)state;
    tell("parallel-tasker", "US");
}

static void a_seventy_hour_week_breaks_the_daily_and_weekly_limits(void **state)
{
    (void)state;
    tell("seventy-hour-week", "PH");
}

static void a_night_worker_is_flagged_in_her_declared_zone(void **state)
{
    (void)state;
    tell("night-worker", "DE");
}

static void seven_days_in_a_row_leave_no_day_off(void **state)
{
    (void)state;
    tell("seven-day-streak", "GB");
}

static void time_on_returned_tasks_pulls_pay_below_the_minimum(void **state)
{
    (void)state;
    tell("returned-task-grinder", "US");
}

static void a_reversed_rejection_restores_the_pay_and_counts_once(void **state)
{
    const char *url;

    (void)state;
    url = story_db("rejected-then-reversed");
    /* The first export, with rr-2 rejected. */
    collect(url, "rejected-then-reversed", "first-export", "US");
    analyze(url);
    check_block(url, "rejected-then-reversed/first-export");
    /* The vendor's next export approves rr-2: a reversal in history. */
    collect(url, "rejected-then-reversed", NULL, "US");
    {
        PGconn *c = h_connect(url);
        char *h = h_query_value(
            c, "SELECT string_agg(old_status || '->' || new_status, ',')"
               " FROM dw.work_unit_history WHERE external_id = 'rr-2'"
               " AND old_status IS NOT NULL");
        assert_non_null(h);
        assert_string_equal(h, "rejected->approved");
        free(h);
        PQfinish(c);
    }
    analyze(url);
    check_block(url, "rejected-then-reversed");
}

static void screenshots_webcam_and_emotion_inference_are_flagged(void **state)
{
    (void)state;
    tell("screenshot-heavy", "PH");
}

static void an_unknown_zone_means_utc_days_and_no_night_figures(void **state)
{
    (void)state;
    tell("unknown-timezone", "US");
}

static void euro_pay_is_converted_at_each_payment_date(void **state)
{
    (void)state;
    tell("eur-earner", "DE");
}

static void a_well_paid_part_timer_raises_no_flag(void **state)
{
    (void)state;
    tell("well-paid-part-timer", "GB");
}

static void a_sunday_evening_west_of_utc_stays_in_its_local_week(void **state)
{
    (void)state;
    tell("late-sunday-shift", "US");
}

/* Four 24 h windows without 11 h rest on two days: one flag per day. */
static void split_shifts_lack_daily_rest_once_a_day(void **state)
{
    (void)state;
    tell("split-shift", "US");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parallel_tasks_are_counted_once),
        cmocka_unit_test(
            a_seventy_hour_week_breaks_the_daily_and_weekly_limits),
        cmocka_unit_test(a_night_worker_is_flagged_in_her_declared_zone),
        cmocka_unit_test(seven_days_in_a_row_leave_no_day_off),
        cmocka_unit_test(time_on_returned_tasks_pulls_pay_below_the_minimum),
        cmocka_unit_test(a_reversed_rejection_restores_the_pay_and_counts_once),
        cmocka_unit_test(screenshots_webcam_and_emotion_inference_are_flagged),
        cmocka_unit_test(an_unknown_zone_means_utc_days_and_no_night_figures),
        cmocka_unit_test(euro_pay_is_converted_at_each_payment_date),
        cmocka_unit_test(a_well_paid_part_timer_raises_no_flag),
        cmocka_unit_test(a_sunday_evening_west_of_utc_stays_in_its_local_week),
        cmocka_unit_test(split_shifts_lack_daily_rest_once_a_day),
    };

    if (!h_require_db()) {
        printf("integration_test_stories: skipped (DW_TEST_DB_URL unset)\n");
        return 0;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
