/* analyzer/metrics.h — result records: worker-weeks, flags, method version. */
#ifndef DW_METRICS_H
#define DW_METRICS_H

#include <stdbool.h>
#include <stdint.h>

/* The method's version, stamped on every dw.analysis_run. Bump it whenever
 * a figure would change for the same facts and thresholds. */
#define DW_METHOD_VERSION "2026.11-1"

#define DW_WORKER_KEY_LEN 64

/* One row of dw.worker_week (by value; fixed size so it can be spooled). */
struct dw_worker_week {
    int64_t vendor_id;
    char worker_key[DW_WORKER_KEY_LEN + 1];
    int64_t week_start;     /* the ISO week's Monday, days since the epoch */
    bool tz_local;          /* false: UTC weeks (the only basis so far) */
    int32_t units;          /* paid-status units with usable times submitted
                               in the week */
    int64_t paid_us;        /* merged paid time inside the week */
    int64_t earnings;       /* micro-units of the report currency */
    bool has_ehr;           /* paid_us > 0 */
    int64_t ehr_paid;       /* micro-units per hour */
    char floor_country[3];  /* "" when none was known */
    char floor_basis[16];   /* worker | source_default | fallback */
    char floor_currency[4]; /* of floor_local */
    int64_t floor_local;    /* hourly floor, its own currency */
    int64_t min_wage;       /* hourly floor in the report currency */
    bool at_or_above_known; /* has_ehr */
    bool at_or_above;       /* EHR_paid >= min_wage, exact */
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
