-- 0003_method: the full decent-work method (method version 2026.11-2):
-- unpaid time with evidence and the gross-up estimate, local time zones,
-- living wage, back pay, working-time and rest figures, night work, and
-- payment practice; per local day in dw.worker_day. docs/method.md gives
-- every formula. Times are seconds; money is micro-units of `currency`.

ALTER TABLE dw.analysis_run
    ADD COLUMN as_of timestamptz;
COMMENT ON COLUMN dw.analysis_run.as_of IS
  'The instant "unpaid 30 days after submission" was judged from (the run''s start).';

ALTER TABLE dw.worker_week
    ADD COLUMN tz_name              text,
    ADD COLUMN tz_source            text
        CHECK (tz_source IN ('worker','source_default','unknown','invalid')),
    ADD COLUMN unpaid_task_s        bigint,
    ADD COLUMN search_s             bigint,
    ADD COLUMN unpaid_est_s         bigint,
    ADD COLUMN ehr_total_est_micros bigint,
    ADD COLUMN min_wage_ratio       numeric,
    ADD COLUMN back_pay_micros      bigint,
    ADD COLUMN living_currency      char(3),
    ADD COLUMN living_local_micros  bigint,
    ADD COLUMN living_wage_micros   bigint,
    ADD COLUMN living_wage_ratio    numeric,
    ADD COLUMN at_or_above_living   boolean,
    ADD COLUMN days_worked          integer,
    ADD COLUMN max_day_s            bigint,
    ADD COLUMN days_over_8h         integer,
    ADD COLUMN daily_rest_fails     integer,
    ADD COLUMN weekly_rest_fails    integer,
    ADD COLUMN max_consecutive_days integer,
    ADD COLUMN no_break_stretches   integer,
    ADD COLUMN avg_work_s           bigint,
    ADD COLUMN night_s              bigint,
    ADD COLUMN night_nights         integer,
    ADD COLUMN night_worker         boolean,
    ADD COLUMN units_approved       integer,
    ADD COLUMN units_rejected       integer,
    ADD COLUMN units_returned       integer,
    ADD COLUMN units_reversed       integer,
    ADD COLUMN units_unpaid_30d     integer;

COMMENT ON COLUMN dw.worker_week.tz_basis IS
  'local: days and weeks in tz_name; utc: no usable zone (tz_source unknown or invalid).';
COMMENT ON COLUMN dw.worker_week.tz_source IS
  'Where tz_name came from: worker (dw.worker.tz), source_default (dw.source.default_tz); unknown (none) or invalid (not a zone name): UTC.';
COMMENT ON COLUMN dw.worker_week.unpaid_s IS
  'Unpaid time with evidence: work_s - paid_s = unpaid_task_s + search_s.';
COMMENT ON COLUMN dw.worker_week.work_s IS
  'Working time: paid time plus unpaid time with evidence (work blocks inside the week). A lower bound: our tasks only.';
COMMENT ON COLUMN dw.worker_week.unpaid_task_s IS
  'Merged time on rejected, returned and expired units, beyond the paid time.';
COMMENT ON COLUMN dw.worker_week.search_s IS
  'Gaps of at most search_gap_max between activity clusters (searching, waiting).';
COMMENT ON COLUMN dw.worker_week.unpaid_est_s IS
  'ESTIMATE: max(unpaid_s, unpaid_gross_up x paid_s); never mixed with unpaid_s.';
COMMENT ON COLUMN dw.worker_week.ehr_total_micros IS
  'EHR_total = earnings / work_s, per hour: the primary decent-work rate.';
COMMENT ON COLUMN dw.worker_week.ehr_total_est_micros IS
  'ESTIMATE: earnings / (paid_s + unpaid_est_s), per hour.';
COMMENT ON COLUMN dw.worker_week.at_or_above_min IS
  'EHR_total >= ehr_min_ratio x min_wage_micros, exactly (NULL without work time).';
COMMENT ON COLUMN dw.worker_week.min_wage_ratio IS 'EHR_total / min_wage.';
COMMENT ON COLUMN dw.worker_week.back_pay_micros IS
  'min_wage x work time - earnings when below the floor, else 0 (report currency).';
COMMENT ON COLUMN dw.worker_week.living_wage_micros IS
  'Hourly living wage of floor_country in the report currency; NULL when none is catalogued.';
COMMENT ON COLUMN dw.worker_week.night_s IS
  'Night time (night_start_local to night_end_local) of nights begun in the week; NULL when the tz is unknown.';
COMMENT ON COLUMN dw.worker_week.night_worker IS
  'Nights with >= night_worker_hours on at least half the days worked; NULL when the tz is unknown.';
COMMENT ON COLUMN dw.worker_week.avg_work_s IS
  'Mean work_s over the weekly_avg_reference_weeks weeks ending with this one (weeks without work count 0).';
COMMENT ON COLUMN dw.worker_week.units_unpaid_30d IS
  'Units first seen in the week, submitted unpaid_after_days before as_of, not paid within that time.';

CREATE TABLE dw.worker_day (
    analysis_run_id  bigint NOT NULL REFERENCES dw.analysis_run ON DELETE CASCADE,
    vendor_id        bigint NOT NULL REFERENCES dw.vendor,
    worker_key       char(64) NOT NULL,
    day              date NOT NULL,
    tz_basis         text NOT NULL CHECK (tz_basis IN ('local','utc')),
    work_s           bigint NOT NULL,
    paid_s           bigint NOT NULL,
    night_s          bigint,
    PRIMARY KEY (analysis_run_id, vendor_id, worker_key, day)
);
COMMENT ON TABLE dw.worker_day IS
  'Per worker, vendor and local day (UTC when tz_basis = utc): work and paid time; night_s is the night begun that day (NULL when the tz is unknown).';

ALTER TABLE dw.vendor_period
    ADD COLUMN median_ehr_total_micros   bigint,
    ADD COLUMN worker_weeks_living       integer,
    ADD COLUMN weeks_at_or_above_living  integer,
    ADD COLUMN back_pay_micros           bigint,
    ADD COLUMN hours_avg_over_48         integer,
    ADD COLUMN days_over_8h              integer,
    ADD COLUMN daily_rest_fails          integer,
    ADD COLUMN weekly_rest_weeks         integer,
    ADD COLUMN consecutive_days_weeks    integer,
    ADD COLUMN no_break_stretches        integer,
    ADD COLUMN night_worker_weeks        integer,
    ADD COLUMN tz_unknown_weeks          integer,
    ADD COLUMN paid_s                    bigint,
    ADD COLUMN work_s                    bigint,
    ADD COLUMN units_approved            bigint,
    ADD COLUMN units_rejected            bigint,
    ADD COLUMN units_returned            bigint,
    ADD COLUMN units_reversed            bigint,
    ADD COLUMN rejection_rate            numeric,
    ADD COLUMN reversal_rate             numeric,
    ADD COLUMN return_rate               numeric,
    ADD COLUMN approval_delay_median_s   bigint,
    ADD COLUMN approval_delay_p90_s      bigint,
    ADD COLUMN payment_delay_median_s    bigint,
    ADD COLUMN payment_delay_p90_s       bigint,
    ADD COLUMN units_due_30d             bigint,
    ADD COLUMN units_unpaid_30d          bigint;
COMMENT ON COLUMN dw.vendor_period.worker_weeks IS
  'Worker-weeks with work time (EHR_total known).';
COMMENT ON COLUMN dw.vendor_period.weeks_at_or_above_min IS
  'Of worker_weeks, those with EHR_total >= ehr_min_ratio x minimum wage.';
COMMENT ON COLUMN dw.vendor_period.back_pay_micros IS
  'Sum over worker-weeks below the minimum wage of min_wage x work time - earnings (report currency).';
COMMENT ON COLUMN dw.vendor_period.rejection_rate IS 'rejected / (approved + rejected).';
COMMENT ON COLUMN dw.vendor_period.reversal_rate IS 'reversed / (rejected + reversed): rejections later approved.';
COMMENT ON COLUMN dw.vendor_period.return_rate IS 'returned or expired / units.';
COMMENT ON COLUMN dw.vendor_period.payment_delay_p90_s IS 'Nearest-rank 90th percentile of paid_at - submitted_at.';

GRANT SELECT, INSERT, UPDATE, DELETE ON dw.worker_day TO dw_analyzer;
