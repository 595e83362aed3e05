/* analyzer/metrics.h — result records: worker-weeks, flags, method version. */
#ifndef DW_METRICS_H
#define DW_METRICS_H

#include <stdbool.h>
#include <stdint.h>

/* The method's version, stamped on every dw.analysis_run. Bump it whenever
 * a figure would change for the same facts and thresholds. */
#define DW_METHOD_VERSION "2026.11-3"

#define DW_WORKER_KEY_LEN 64

/* One row of dw.worker_week (by value; fixed size so it can be spooled).
 * Times are µs; money is micro-units of the report currency unless named
 * local. The columns are described in docs/method.md. */
struct dw_worker_week {
    int64_t vendor_id;
    char worker_key[DW_WORKER_KEY_LEN + 1];
    int64_t week_start;     /* the ISO week's Monday, days since the epoch */
    bool tz_local;          /* days and weeks in tz_name; else UTC */
    char tz_name[64];       /* the zone used, "" for UTC */
    char tz_source[16];     /* worker | source_default | unknown | invalid */
    int32_t units;          /* paid-status units with usable times submitted
                               in the week */
    int64_t paid_us;        /* merged paid time inside the week */
    int64_t unpaid_task_us; /* merged time on rejected/returned/expired
                               units, beyond the paid time */
    int64_t search_us;      /* gaps <= search_gap_max between clusters */
    int64_t work_us;        /* paid + unpaid with evidence (blocks) */
    int64_t unpaid_est_us;  /* max(unpaid evidence, gross-up x paid) */
    int64_t earnings;       /* micro-units of the report currency */
    bool has_ehr;           /* paid_us > 0 */
    int64_t ehr_paid;       /* micro-units per hour */
    bool has_ehr_total;     /* work_us > 0 */
    int64_t ehr_total;      /* earnings / work time */
    int64_t ehr_total_est;  /* earnings / (paid + unpaid_est) */
    char floor_country[3];  /* "" when none was known */
    char floor_basis[16];   /* worker | source_default | fallback */
    char floor_currency[4]; /* of floor_local */
    int64_t floor_local;    /* hourly floor, its own currency */
    int64_t min_wage;       /* hourly floor in the report currency */
    bool at_or_above_known; /* has_ehr_total */
    bool at_or_above;       /* EHR_total >= ehr_min_ratio x min_wage, exact */
    int64_t mw_ratio;       /* EHR_total / min_wage, micro-units */
    int64_t back_pay;       /* min_wage x work time - earnings, when below */
    bool has_living;        /* a living wage is known for floor_country */
    char living_currency[4];
    int64_t living_local; /* hourly living wage, its own currency */
    int64_t living_wage;  /* hourly living wage, report currency */
    int64_t lw_ratio;     /* EHR_total / living_wage, micro-units */
    bool at_or_above_living;
    /* working time (local days when tz_local) */
    int32_t days_worked;
    int64_t max_day_us;
    int32_t days_over_normal;     /* days over daily_hours_normal */
    int32_t daily_rest_fails;     /* local days with a failing 24 h window */
    int32_t weekly_rest_fails;    /* 7-day windows starting in the week */
    int64_t weekly_rest_worst_us; /* the longest rest in the worst one */
    int32_t max_consecutive_days;
    int32_t no_break_stretches; /* stretches over break_after_hours */
    int64_t avg_work_us;        /* mean over weekly_avg_reference_weeks */
    bool night_known;           /* false: tz unknown, night is NULL */
    int64_t night_us;           /* night time of nights begun in the week */
    int32_t night_nights;       /* nights with >= night_worker_hours */
    bool night_worker;          /* night_nights x 2 >= days_worked */
    /* payment practice of units first seen in the week */
    int32_t units_approved;
    int32_t units_rejected;
    int32_t units_returned;
    int32_t units_reversed;
    int32_t units_unpaid_late;
};

/* One row of dw.worker_day: a local day (UTC when the tz is unknown). */
struct dw_worker_day {
    int64_t vendor_id;
    char worker_key[DW_WORKER_KEY_LEN + 1];
    int64_t day;
    bool tz_local;
    int64_t work_us;
    int64_t paid_us;
    bool night_known;
    int64_t night_us;
};

enum dw_severity { DW_SEV_INFO, DW_SEV_AMBER, DW_SEV_RED, DW_SEV_CRITICAL };
enum dw_subject {
    DW_SUBJ_WORKER_DAY,
    DW_SUBJ_WORKER_WEEK,
    DW_SUBJ_WORKER,
    DW_SUBJ_VENDOR
};

#define DW_EVIDENCE_MAX 384

/* One row of dw.flag (by value; fixed size so it can be spooled). */
struct dw_flag {
    int64_t vendor_id;
    char rule[40];
    enum dw_severity severity;
    enum dw_subject subject;
    char worker_key[DW_WORKER_KEY_LEN + 1]; /* "" for vendor flags */
    int64_t period_start;                   /* days */
    int64_t period_end;                     /* days, inclusive */
    int64_t value;                          /* micro-units of `unit` */
    int64_t threshold;                      /* micro-units of `unit` */
    char unit[24];
    char evidence[DW_EVIDENCE_MAX]; /* a JSON object */
};

const char *dw_severity_name(enum dw_severity s);
const char *dw_subject_name(enum dw_subject s);

#endif
