/* tests/unit/test_stream.c — COPY lines grouped into per-worker batches. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "dwtime.h"
#include "stream.h"

#define KEY_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define KEY_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

struct seen {
    int batches;
    size_t units[4];
    size_t bonuses[4];
    char keys[4][DW_WORKER_KEY_LEN + 1];
    struct dw_unit_row first_unit;
    struct dw_bonus_row first_bonus;
};

static enum dw_status collect(void *ctx, const struct dw_worker_batch *b,
                              struct dw_error *err)
{
    struct seen *s = ctx;
    (void)err;
    if (s->batches == 0) {
        s->first_unit = b->units[0];
        if (b->n_bonuses > 0)
            s->first_bonus = b->bonuses[0];
    }
    s->units[s->batches] = b->n_units;
    s->bonuses[s->batches] = b->n_bonuses;
    memcpy(s->keys[s->batches], b->worker_key, sizeof s->keys[0]);
    s->batches++;
    return DW_OK;
}

static void feed(struct dw_stream *st, const char *text)
{
    char line[512];
    snprintf(line, sizeof line, "%s", text);
    assert_int_equal(dw_stream_feed(st, line, strlen(line)), DW_OK);
}

static void groups_rows_by_worker_and_keeps_bonuses(void **state)
{
    struct dw_stream st;
    struct seen s;
    (void)state;
    memset(&s, 0, sizeof s);
    dw_stream_init(&st, collect, &s);
    /* kind worker vendor source status accepted submitted paid amount
     * currency fee w.country w.tz s.country t decided reversed s.tz */
    feed(&st, "u\t" KEY_A "\t1\t10\tapproved\t1000\t2000\t\\N\t29000000\tPHP"
              "\t0\t\\N\t\\N\tPH\t1000\t2500\tt\tAsia/Manila");
    feed(&st, "b\t" KEY_A "\t1\t10\t\\N\t\\N\t2000\t5000\t500000\tPHP\t0"
              "\t\\N\t\\N\tPH\t2000\t\\N\tf\tAsia/Manila");
    feed(&st, "u\t" KEY_A "\t1\t10\tin_progress\t3000\t\\N\t\\N\t\\N\t\\N"
              "\t0\t\\N\t\\N\tPH\t3000\t\\N\tf\t\\N");
    feed(&st, "u\t" KEY_B "\t2\t11\tsubmitted\t1000\t1500\t\\N\t1\tUSD\t0"
              "\tGB\tEurope/London\t\\N\t1000\t\\N\tf\t\\N");
    assert_int_equal(s.batches, 1); /* B is still open */
    assert_int_equal(dw_stream_finish(&st), DW_OK);
    assert_int_equal(s.batches, 2);
    assert_string_equal(s.keys[0], KEY_A);
    assert_int_equal(s.units[0], 2);
    assert_int_equal(s.bonuses[0], 1);
    assert_string_equal(s.keys[1], KEY_B);
    assert_int_equal(s.units[1], 1);
    assert_int_equal(s.first_unit.status, DW_UNIT_APPROVED);
    assert_int_equal(s.first_unit.accepted_at, 1000);
    assert_int_equal(s.first_unit.paid_at, DW_TIME_NONE);
    assert_int_equal(s.first_unit.reward, 29000000);
    assert_string_equal(s.first_unit.source_country, "PH");
    /* The decision time, the reversal and the source's default zone. */
    assert_int_equal(s.first_unit.decided_at, 2500);
    assert_true(s.first_unit.reversed);
    assert_string_equal(s.first_unit.source_tz, "Asia/Manila");
    assert_int_equal(s.first_bonus.attributed_at, 2000);
    assert_int_equal(s.first_bonus.fx_at, 5000);
    dw_stream_release(&st);
}

static void rejects_a_malformed_line_with_its_number(void **state)
{
    struct dw_stream st;
    struct seen s;
    char line[] = "u\tshort-key\t1";
    (void)state;
    memset(&s, 0, sizeof s);
    dw_stream_init(&st, collect, &s);
    assert_int_equal(dw_stream_feed(&st, line, strlen(line)), DW_ERR_PARSE);
    assert_non_null(strstr(st.err.msg, "line 1"));
    dw_stream_release(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(groups_rows_by_worker_and_keeps_bonuses),
        cmocka_unit_test(rejects_a_malformed_line_with_its_number),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
