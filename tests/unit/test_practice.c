/* tests/unit/test_practice.c — rejection, reversal, return rates and delays. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "dwtime.h"
#include "practice.h"
#include "stream.h"

#define DAY (86400LL * DW_USEC)

static struct dw_practice_unit unit(int status, bool reversed, int64_t sub,
                                    int64_t decided, int64_t paid)
{
    struct dw_practice_unit u = {status, reversed, sub, decided, paid};
    return u;
}

static void counts_a_rejected_then_approved_unit_as_a_reversal(void **state)
{
    /* Units: approved (reversed from rejected), approved, rejected,
     * returned. rejection rate = 1 / (2 + 1) = 0.333333; reversal rate =
     * 1 reversed / (1 still rejected + 1 reversed) = 0.5; return rate =
     * 1 / 4 = 0.25. */
    struct dw_practice p;
    struct dw_practice_summary s;
    struct dw_practice_unit u[] = {
        unit(DW_UNIT_APPROVED, true, 0, DAY, 2 * DAY),
        unit(DW_UNIT_APPROVED, false, 0, DAY, 2 * DAY),
        unit(DW_UNIT_REJECTED, false, 0, DAY, DW_TIME_NONE),
        unit(DW_UNIT_RETURNED, false, DW_TIME_NONE, DW_TIME_NONE, DW_TIME_NONE),
    };
    (void)state;
    dw_practice_init(&p);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(dw_practice_add(&p, &u[i], 100 * DAY, 30 * DAY),
                         DW_OK);
    dw_practice_summarize(&p, &s);
    assert_int_equal(p.reversed, 1);
    assert_int_equal(s.rejection_rate, 333333);
    assert_int_equal(s.reversal_rate, 500000);
    assert_int_equal(s.return_rate, 250000);
    dw_practice_release(&p);
}

static void takes_the_median_and_nearest_rank_p90_of_delays(void **state)
{
    /* Payment delays of 1..10 days: median (5 + 6) / 2 = 5.5 days =
     * 475200 s; p90 = the ceil(0.9 x 10) = 9th smallest = 9 days =
     * 777600 s. Approval delays: 1 day each. */
    struct dw_practice p;
    struct dw_practice_summary s;
    (void)state;
    dw_practice_init(&p);
    for (int64_t d = 10; d >= 1; d--) {
        struct dw_practice_unit u =
            unit(DW_UNIT_APPROVED, false, 0, DAY, d * DAY);
        assert_int_equal(dw_practice_add(&p, &u, 100 * DAY, 30 * DAY), DW_OK);
    }
    dw_practice_summarize(&p, &s);
    assert_true(s.has_payment_delay);
    assert_int_equal(s.payment_median_s, 475200);
    assert_int_equal(s.payment_p90_s, 777600);
    assert_int_equal(s.approval_median_s, 86400);
    assert_int_equal(s.approval_p90_s, 86400);
    dw_practice_release(&p);
}

static void counts_work_unpaid_thirty_days_after_submission(void **state)
{
    /* as_of = day 40; allowance 30 days. Submitted day 0, never paid:
     * due and late. Submitted day 0, paid day 31: due and late. Submitted
     * day 0, paid day 30: due, paid in time. Submitted day 20: not due
     * yet (20 + 30 > 40). Rejected day 0: never due. */
    struct dw_practice p;
    struct dw_practice_unit u[] = {
        unit(DW_UNIT_SUBMITTED, false, 0, DW_TIME_NONE, DW_TIME_NONE),
        unit(DW_UNIT_APPROVED, false, 0, DAY, 31 * DAY),
        unit(DW_UNIT_APPROVED, false, 0, DAY, 30 * DAY),
        unit(DW_UNIT_SUBMITTED, false, 20 * DAY, DW_TIME_NONE, DW_TIME_NONE),
        unit(DW_UNIT_REJECTED, false, 0, DAY, DW_TIME_NONE),
    };
    (void)state;
    dw_practice_init(&p);
    for (size_t i = 0; i < 5; i++)
        dw_practice_count(&p, &u[i], 40 * DAY, 30 * DAY);
    assert_int_equal(p.due, 3);
    assert_int_equal(p.unpaid_late, 2);
    assert_int_equal(p.n_payment, 0); /* counting keeps no delays */
    dw_practice_release(&p);
}

static void ignores_a_payment_before_submission_as_a_delay(void **state)
{
    /* paid_at before submitted_at is bad data: no delay is kept, and no
     * rate is invented from nothing. */
    struct dw_practice p;
    struct dw_practice_summary s;
    struct dw_practice_unit u =
        unit(DW_UNIT_APPROVED, false, 5 * DAY, 4 * DAY, 4 * DAY);
    (void)state;
    dw_practice_init(&p);
    assert_int_equal(dw_practice_add(&p, &u, 100 * DAY, 30 * DAY), DW_OK);
    dw_practice_summarize(&p, &s);
    assert_false(s.has_payment_delay);
    assert_false(s.has_approval_delay);
    assert_int_equal(s.rejection_rate, 0);
    dw_practice_release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_a_rejected_then_approved_unit_as_a_reversal),
        cmocka_unit_test(takes_the_median_and_nearest_rank_p90_of_delays),
        cmocka_unit_test(counts_work_unpaid_thirty_days_after_submission),
        cmocka_unit_test(ignores_a_payment_before_submission_as_a_delay),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
