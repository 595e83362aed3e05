-- 0005_report_method: the report views brought up to the full method
-- (0003) and monitoring (0004): the scorecard gains EHR_total, living
-- wage, back pay, working-time and rest counts, payment practice, the
-- time-zone-unknown share and the monitoring band; the worker-week
-- distribution gains living-wage, minimum-wage-ratio and rest figures;
-- report.vendor_daily_hours is new.
--
-- Dashboards depend on the names: every existing view keeps its columns in
-- their order and new columns are added at the end (CREATE OR REPLACE VIEW
-- allows nothing else). The privacy rules of 0002 hold: groups of fewer
-- than k distinct workers are omitted, no view has a worker key. Money is
-- numeric currency units (micro-units / 1,000,000), times are hours.
--
-- Percentiles: a median is percentile_cont(0.5), the mean of the two middle
-- values for an even count, as the method's medians; p10/p90 added here are
-- nearest-rank (percentile_disc, the ceil(p n)-th smallest), as the
-- method's delays. The p10..p90 columns of 0002 interpolate (percentile_cont).

-- Scorecard ------------------------------------------------------------------

CREATE OR REPLACE VIEW report.vendor_scorecard AS
SELECT v.vendor_id,
       v.name                                   AS vendor,
       v.country                                AS vendor_country,
       ar.analysis_run_id,
       ar.method_version,
       ar.threshold_set,
       ar.window_from,
       ar.window_to,
       ar.finished_at                           AS computed_at,
       vp.currency,
       vp.workers,
       vp.worker_weeks,
       vp.weeks_at_or_above_min,
       round(vp.weeks_at_or_above_min::numeric
             / nullif(vp.worker_weeks, 0), 4)   AS share_at_or_above_min,
       vm.value                                 AS share_target,
       round(vp.weeks_at_or_above_min::numeric
             / nullif(vp.worker_weeks, 0), 4) < vm.value
                                                AS below_share_target,
       round(vp.median_ehr_micros::numeric / 1000000, 6)
                                                AS median_ehr,
       vp.hours_over_48                         AS worker_weeks_over_48h,
       vp.hours_over_60                         AS worker_weeks_over_60h,
       coalesce(fl.amber, 0)                    AS flags_amber,
       coalesce(fl.red, 0)                      AS flags_red,
       coalesce(fl.critical, 0)                 AS flags_critical,
       vp.units_total,
       vp.units_usable,
       round(vp.units_usable::numeric / nullif(vp.units_total, 0), 4)
                                                AS coverage,
       -- 0005: the full method ------------------------------------------
       round(vp.median_ehr_total_micros::numeric / 1000000, 6)
                                                AS median_ehr_total,
       vp.worker_weeks_living,
       vp.weeks_at_or_above_living,
       round(vp.weeks_at_or_above_living::numeric
             / nullif(vp.worker_weeks_living, 0), 4)
                                                AS share_at_or_above_living,
       round(vp.back_pay_micros::numeric / 1000000, 6)
                                                AS back_pay,
       round(vp.paid_s::numeric / 3600, 2)      AS paid_hours,
       round(vp.work_s::numeric / 3600, 2)      AS work_hours,
       vp.hours_avg_over_48                     AS worker_weeks_avg_over_48h,
       vp.days_over_8h,
       vp.daily_rest_fails,
       vp.weekly_rest_weeks                     AS worker_weeks_without_weekly_rest,
       vp.consecutive_days_weeks                AS worker_weeks_over_6_consecutive_days,
       vp.no_break_stretches,
       vp.night_worker_weeks,
       vp.tz_unknown_weeks,
       round(vp.tz_unknown_weeks::numeric / nullif(ww.rows, 0), 4)
                                                AS tz_unknown_share,
       vp.units_approved,
       vp.units_rejected,
       vp.units_returned,
       vp.units_reversed,
       round(vp.rejection_rate, 4)              AS rejection_rate,
       round(vp.reversal_rate, 4)               AS reversal_rate,
       round(vp.return_rate, 4)                 AS return_rate,
       round(vp.approval_delay_median_s::numeric / 3600, 2)
                                                AS approval_delay_median_h,
       round(vp.approval_delay_p90_s::numeric / 3600, 2)
                                                AS approval_delay_p90_h,
       round(vp.payment_delay_median_s::numeric / 3600, 2)
                                                AS payment_delay_median_h,
       round(vp.payment_delay_p90_s::numeric / 3600, 2)
                                                AS payment_delay_p90_h,
       vp.units_due_30d,
       vp.units_unpaid_30d,
       mon.band                                 AS monitoring_band,
       CASE mon.band WHEN 0 THEN 'none' WHEN 1 THEN 'low'
                     WHEN 2 THEN 'moderate' WHEN 3 THEN 'high'
                     WHEN 4 THEN 'very high' END
                                                AS monitoring_band_label,
       mon.critical                             AS monitoring_critical
FROM dw.latest_vendor_run l
JOIN dw.vendor_period vp USING (analysis_run_id, vendor_id)
JOIN dw.analysis_run ar USING (analysis_run_id)
JOIN dw.vendor v ON v.vendor_id = l.vendor_id
CROSS JOIN dw.report_min_group k
LEFT JOIN LATERAL (
    SELECT t.value FROM dw.threshold t
    WHERE t.threshold_set = ar.threshold_set
      AND t.name = 'vast_majority_share'
      AND t.valid_from <= ar.window_to
    ORDER BY t.valid_from DESC
    LIMIT 1) vm ON true
LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE f.severity = 'amber')    AS amber,
           count(*) FILTER (WHERE f.severity = 'red')      AS red,
           count(*) FILTER (WHERE f.severity = 'critical') AS critical
    FROM dw.flag f
    WHERE f.analysis_run_id = l.analysis_run_id
      AND f.vendor_id = l.vendor_id) fl ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS rows
    FROM dw.worker_week w
    WHERE w.analysis_run_id = l.analysis_run_id
      AND w.vendor_id = l.vendor_id) ww ON true
LEFT JOIN dw.vendor_monitoring mon
       ON mon.analysis_run_id = l.analysis_run_id
      AND mon.vendor_id = l.vendor_id
WHERE vp.workers >= k.k;

COMMENT ON VIEW report.vendor_scorecard IS
  'One row per vendor from its newest done analysis run: window, method version, '
  'workers, worker-weeks, share of worker-weeks at or above the minimum wage '
  '(and the vast_majority_share target), median hourly rates, living wage, back '
  'pay, working hours, rest, break and night counts, payment practice (rejection, '
  'reversal and return rates, approval and payment delays, work unpaid 30 days '
  'after submission), the share of worker-weeks without a known time zone, the '
  'monitoring band, flag counts and coverage (usable / total units). Money in '
  'currency units, times in hours. Hours are a lower bound: platform APIs show '
  'only work done on our tasks. Vendors with fewer than k workers are omitted. '
  'Columns after coverage are NULL for runs older than method 2026.11-2; the '
  'monitoring columns are NULL when the run computed no monitoring.';
COMMENT ON COLUMN report.vendor_scorecard.share_at_or_above_min IS
  'weeks_at_or_above_min / worker_weeks (0..1); from method 2026.11-2 judged on EHR_total.';
COMMENT ON COLUMN report.vendor_scorecard.median_ehr IS
  'Median effective hourly rate on paid time only (EHR_paid) over worker-weeks '
  'with paid time, in currency units per hour. Overstates pay per hour worked: '
  'see median_ehr_total.';
COMMENT ON COLUMN report.vendor_scorecard.coverage IS
  'Share of work units with usable times (units_usable / units_total).';
COMMENT ON COLUMN report.vendor_scorecard.median_ehr_total IS
  'Median EHR_total (earnings / all working time incl. unpaid time with '
  'evidence) over worker-weeks, in currency units per hour; exact, half away from zero.';
COMMENT ON COLUMN report.vendor_scorecard.worker_weeks_living IS
  'Worker-weeks whose country has a living wage catalogued.';
COMMENT ON COLUMN report.vendor_scorecard.weeks_at_or_above_living IS
  'Of worker_weeks_living, those with EHR_total >= ehr_living_ratio x living wage.';
COMMENT ON COLUMN report.vendor_scorecard.share_at_or_above_living IS
  'weeks_at_or_above_living / worker_weeks_living (0..1); NULL when no living wage applies.';
COMMENT ON COLUMN report.vendor_scorecard.back_pay IS
  'Back-pay estimate in currency units: sum over worker-weeks below the minimum '
  'wage of minimum wage x work time - earnings.';
COMMENT ON COLUMN report.vendor_scorecard.paid_hours IS
  'Paid time of all worker-weeks, hours (lower bound).';
COMMENT ON COLUMN report.vendor_scorecard.work_hours IS
  'Working time (paid + unpaid with evidence) of all worker-weeks, hours (lower bound).';
COMMENT ON COLUMN report.vendor_scorecard.worker_weeks_avg_over_48h IS
  'Worker-weeks whose 17-week average working time exceeds weekly_hours_avg_max (48 h).';
COMMENT ON COLUMN report.vendor_scorecard.days_over_8h IS
  'Worker-days (local) with more than daily_hours_normal (8 h) of work.';
COMMENT ON COLUMN report.vendor_scorecard.daily_rest_fails IS
  '24-hour windows (each starting at a work block) without 11 consecutive hours of rest.';
COMMENT ON COLUMN report.vendor_scorecard.worker_weeks_without_weekly_rest IS
  'Worker-weeks with a 7-day window without 35 consecutive hours of rest.';
COMMENT ON COLUMN report.vendor_scorecard.worker_weeks_over_6_consecutive_days IS
  'Worker-weeks ending a run of more than max_consecutive_days (6) local days with work.';
COMMENT ON COLUMN report.vendor_scorecard.no_break_stretches IS
  'Stretches of work longer than break_after_hours (6 h) without a break of break_min_minutes (15 min).';
COMMENT ON COLUMN report.vendor_scorecard.night_worker_weeks IS
  'Worker-weeks in which the worker was a night worker (time zone known only).';
COMMENT ON COLUMN report.vendor_scorecard.tz_unknown_weeks IS
  'Worker-weeks computed in UTC because no usable time zone was known (no night figures for them).';
COMMENT ON COLUMN report.vendor_scorecard.tz_unknown_share IS
  'tz_unknown_weeks / all worker-weeks of the vendor in the run (0..1).';
COMMENT ON COLUMN report.vendor_scorecard.units_approved IS
  'Units approved (status now) among those whose first time is in the window.';
COMMENT ON COLUMN report.vendor_scorecard.units_rejected IS
  'Units rejected (status now) among those whose first time is in the window.';
COMMENT ON COLUMN report.vendor_scorecard.units_returned IS
  'Units returned or expired (abandoned) among those whose first time is in the window.';
COMMENT ON COLUMN report.vendor_scorecard.units_reversed IS
  'Units approved now that were rejected before (rejected -> approved in their history).';
COMMENT ON COLUMN report.vendor_scorecard.rejection_rate IS
  'rejected / (approved + rejected) units, 0..1, 4 digits.';
COMMENT ON COLUMN report.vendor_scorecard.reversal_rate IS
  'reversed / (rejected + reversed): rejections later approved, 0..1, 4 digits.';
COMMENT ON COLUMN report.vendor_scorecard.return_rate IS
  '(returned + expired) / units, 0..1, 4 digits.';
COMMENT ON COLUMN report.vendor_scorecard.approval_delay_median_h IS
  'Median of decided_at - submitted_at over approved and rejected units, hours.';
COMMENT ON COLUMN report.vendor_scorecard.approval_delay_p90_h IS
  'Nearest-rank 90th percentile of decided_at - submitted_at, hours.';
COMMENT ON COLUMN report.vendor_scorecard.payment_delay_median_h IS
  'Median of paid_at - submitted_at over paid units, hours.';
COMMENT ON COLUMN report.vendor_scorecard.payment_delay_p90_h IS
  'Nearest-rank 90th percentile of paid_at - submitted_at, hours.';
COMMENT ON COLUMN report.vendor_scorecard.units_due_30d IS
  'Submitted or approved units submitted at least unpaid_after_days (30) before the run''s as_of.';
COMMENT ON COLUMN report.vendor_scorecard.units_unpaid_30d IS
  'Of units_due_30d, those not paid within 30 days of submission.';
COMMENT ON COLUMN report.vendor_scorecard.monitoring_band IS
  'Monitoring band, the worst worker-week band: 0 none, 1 low, 2 moderate, 3 high, 4 very high.';
COMMENT ON COLUMN report.vendor_scorecard.monitoring_band_label IS
  'monitoring_band as a word.';
COMMENT ON COLUMN report.vendor_scorecard.monitoring_critical IS
  'Off-shift collection or a prohibited practice found: CRITICAL overrides the band.';

-- Worker-week distribution ---------------------------------------------------

CREATE OR REPLACE VIEW report.worker_week_distribution AS
SELECT v.vendor_id,
       v.name                                    AS vendor,
       ww.analysis_run_id,
       ww.week_start,
       ww.currency,
       count(*)                                  AS worker_weeks,
       count(*) FILTER (WHERE ww.tz_basis = 'local')
                                                 AS weeks_local_time,
       count(*) FILTER (WHERE ww.at_or_above_min)
                                                 AS weeks_at_or_above_min,
       round(count(*) FILTER (WHERE ww.at_or_above_min)::numeric
             / nullif(count(ww.at_or_above_min), 0), 4)
                                                 AS share_at_or_above_min,
       round((percentile_cont(0.10) WITHIN GROUP
              (ORDER BY ww.ehr_total_micros))::numeric / 1000000, 6)
                                                 AS ehr_p10,
       round((percentile_cont(0.25) WITHIN GROUP
              (ORDER BY ww.ehr_total_micros))::numeric / 1000000, 6)
                                                 AS ehr_p25,
       round((percentile_cont(0.50) WITHIN GROUP
              (ORDER BY ww.ehr_total_micros))::numeric / 1000000, 6)
                                                 AS ehr_median,
       round((percentile_cont(0.75) WITHIN GROUP
              (ORDER BY ww.ehr_total_micros))::numeric / 1000000, 6)
                                                 AS ehr_p75,
       round((percentile_cont(0.90) WITHIN GROUP
              (ORDER BY ww.ehr_total_micros))::numeric / 1000000, 6)
                                                 AS ehr_p90,
       round((percentile_cont(0.50) WITHIN GROUP
              (ORDER BY ww.ehr_paid_micros))::numeric / 1000000, 6)
                                                 AS ehr_paid_median,
       round((percentile_cont(0.50) WITHIN GROUP
              (ORDER BY ww.work_s))::numeric / 3600, 2)
                                                 AS work_hours_median,
       count(*) FILTER (WHERE ww.work_s <= 20 * 3600)
                                                 AS weeks_upto_20h,
       count(*) FILTER (WHERE ww.work_s > 20 * 3600 AND ww.work_s <= 40 * 3600)
                                                 AS weeks_20_40h,
       count(*) FILTER (WHERE ww.work_s > 40 * 3600 AND ww.work_s <= 48 * 3600)
                                                 AS weeks_40_48h,
       count(*) FILTER (WHERE ww.work_s > 48 * 3600 AND ww.work_s <= 60 * 3600)
                                                 AS weeks_48_60h,
       count(*) FILTER (WHERE ww.work_s > 60 * 3600)
                                                 AS weeks_over_60h,
       -- 0005: the full method ------------------------------------------
       round((percentile_cont(0.50) WITHIN GROUP
              (ORDER BY ww.ehr_total_est_micros))::numeric / 1000000, 6)
                                                 AS ehr_total_est_median,
       round(percentile_disc(0.10) WITHIN GROUP
             (ORDER BY ww.min_wage_ratio), 6)    AS min_wage_ratio_p10,
       round((percentile_cont(0.50) WITHIN GROUP
              (ORDER BY ww.min_wage_ratio))::numeric, 6)
                                                 AS min_wage_ratio_median,
       round(percentile_disc(0.90) WITHIN GROUP
             (ORDER BY ww.min_wage_ratio), 6)    AS min_wage_ratio_p90,
       count(ww.at_or_above_living)              AS worker_weeks_living,
       count(*) FILTER (WHERE ww.at_or_above_living)
                                                 AS weeks_at_or_above_living,
       round(count(*) FILTER (WHERE ww.at_or_above_living)::numeric
             / nullif(count(ww.at_or_above_living), 0), 4)
                                                 AS share_at_or_above_living,
       round(sum(ww.back_pay_micros)::numeric / 1000000, 6)
                                                 AS back_pay,
       round((percentile_cont(0.50) WITHIN GROUP
              (ORDER BY ww.paid_s))::numeric / 3600, 2)
                                                 AS paid_hours_median,
       round((percentile_disc(0.90) WITHIN GROUP
              (ORDER BY ww.work_s))::numeric / 3600, 2)
                                                 AS work_hours_p90,
       sum(ww.days_over_8h)                      AS days_over_8h,
       sum(ww.daily_rest_fails)                  AS daily_rest_fails,
       count(*) FILTER (WHERE ww.weekly_rest_fails > 0)
                                                 AS weeks_without_weekly_rest,
       sum(ww.no_break_stretches)                AS no_break_stretches,
       count(*) FILTER (WHERE ww.night_worker)   AS night_worker_weeks
FROM dw.latest_vendor_run l
JOIN dw.worker_week ww USING (analysis_run_id, vendor_id)
JOIN dw.vendor v ON v.vendor_id = l.vendor_id
GROUP BY v.vendor_id, v.name, ww.analysis_run_id, ww.week_start, ww.currency
HAVING count(DISTINCT ww.worker_key) >= (SELECT k FROM dw.report_min_group);

COMMENT ON VIEW report.worker_week_distribution IS
  'Per vendor and ISO week of the vendor''s newest done analysis run: '
  'worker-weeks, share at or above the minimum wage and the living wage, '
  'percentiles of the effective hourly rate EHR_total (earnings / working '
  'time incl. unpaid time with evidence; ehr_*), of EHR_paid and of the ratio '
  'to the minimum wage, back pay, hours, rest and night counts, and '
  'worker-weeks by working hours (paid + unpaid with evidence): <=20, 20-40, '
  '40-48, 48-60, >60 h (upper edges inclusive). Money in currency units, times '
  'in hours; hours are a lower bound. Weeks with fewer than k distinct workers '
  'are omitted.';
COMMENT ON COLUMN report.worker_week_distribution.ehr_p10 IS
  'Interpolated 10th percentile of EHR_total, currency units per hour.';
COMMENT ON COLUMN report.worker_week_distribution.ehr_median IS
  'Median EHR_total (earnings / working time), currency units per hour.';
COMMENT ON COLUMN report.worker_week_distribution.ehr_paid_median IS
  'Median EHR_paid (earnings / paid time only), currency units per hour.';
COMMENT ON COLUMN report.worker_week_distribution.work_hours_median IS
  'Median working time (paid + unpaid with evidence) per worker-week, hours.';
COMMENT ON COLUMN report.worker_week_distribution.ehr_total_est_median IS
  'ESTIMATE: median of earnings / (paid + estimated unpaid time, at least '
  'unpaid_gross_up x paid), currency units per hour.';
COMMENT ON COLUMN report.worker_week_distribution.min_wage_ratio_p10 IS
  'Nearest-rank 10th percentile of EHR_total / minimum wage (1 = at the floor).';
COMMENT ON COLUMN report.worker_week_distribution.min_wage_ratio_median IS
  'Median of EHR_total / minimum wage (1 = at the floor).';
COMMENT ON COLUMN report.worker_week_distribution.min_wage_ratio_p90 IS
  'Nearest-rank 90th percentile of EHR_total / minimum wage.';
COMMENT ON COLUMN report.worker_week_distribution.worker_weeks_living IS
  'Worker-weeks with a living wage catalogued for the worker''s country.';
COMMENT ON COLUMN report.worker_week_distribution.weeks_at_or_above_living IS
  'Of worker_weeks_living, those with EHR_total at or above the living wage.';
COMMENT ON COLUMN report.worker_week_distribution.share_at_or_above_living IS
  'weeks_at_or_above_living / worker_weeks_living (0..1).';
COMMENT ON COLUMN report.worker_week_distribution.back_pay IS
  'Back-pay estimate: sum of minimum wage x work time - earnings over worker-weeks below the floor, currency units.';
COMMENT ON COLUMN report.worker_week_distribution.paid_hours_median IS
  'Median paid time per worker-week, hours.';
COMMENT ON COLUMN report.worker_week_distribution.work_hours_p90 IS
  'Nearest-rank 90th percentile of working time per worker-week, hours.';
COMMENT ON COLUMN report.worker_week_distribution.days_over_8h IS
  'Worker-days (local) of the week with more than 8 h of work.';
COMMENT ON COLUMN report.worker_week_distribution.daily_rest_fails IS
  '24-hour windows without 11 consecutive hours of rest.';
COMMENT ON COLUMN report.worker_week_distribution.weeks_without_weekly_rest IS
  'Worker-weeks with a 7-day window without 35 consecutive hours of rest.';
COMMENT ON COLUMN report.worker_week_distribution.no_break_stretches IS
  'Stretches over 6 h without a 15-minute break.';
COMMENT ON COLUMN report.worker_week_distribution.night_worker_weeks IS
  'Worker-weeks of night workers (time zone known only).';

-- Daily hours ------------------------------------------------------------------

CREATE VIEW report.vendor_daily_hours AS
SELECT v.vendor_id,
       v.name                                    AS vendor,
       wd.analysis_run_id,
       wd.day,
       count(DISTINCT wd.worker_key)             AS workers,
       count(*) FILTER (WHERE wd.tz_basis = 'local')
                                                 AS days_local_time,
       round(sum(wd.work_s)::numeric / 3600, 2)  AS work_hours_total,
       round(sum(wd.paid_s)::numeric / 3600, 2)  AS paid_hours_total,
       round((percentile_cont(0.50) WITHIN GROUP
              (ORDER BY wd.work_s))::numeric / 3600, 2)
                                                 AS work_hours_median,
       round((percentile_disc(0.90) WITHIN GROUP
              (ORDER BY wd.work_s))::numeric / 3600, 2)
                                                 AS work_hours_p90,
       th.hours                                  AS daily_hours_normal,
       CASE WHEN th.hours IS NOT NULL THEN
           count(*) FILTER (WHERE wd.work_s > th.hours * 3600) END
                                                 AS days_over_8h,
       count(*) FILTER (WHERE wd.night_s > 0)    AS days_with_night_work,
       round(sum(wd.night_s)::numeric / 3600, 2) AS night_hours_total
FROM dw.latest_vendor_run l
JOIN dw.worker_day wd USING (analysis_run_id, vendor_id)
JOIN dw.analysis_run ar USING (analysis_run_id)
JOIN dw.vendor v ON v.vendor_id = l.vendor_id
CROSS JOIN LATERAL (
    SELECT (ar.thresholds ->> 'daily_hours_normal')::numeric AS hours) th
GROUP BY v.vendor_id, v.name, wd.analysis_run_id, wd.day, th.hours
HAVING count(DISTINCT wd.worker_key) >= (SELECT k FROM dw.report_min_group);

COMMENT ON VIEW report.vendor_daily_hours IS
  'Per vendor and local day (UTC for workers without a known time zone) of the '
  'vendor''s newest done analysis run: workers with work that day, total, median '
  'and 90th-percentile working hours, worker-days over the daily limit, and night '
  'work. Hours are a lower bound (our tasks only). Days with fewer than k '
  'distinct workers are omitted.';
COMMENT ON COLUMN report.vendor_daily_hours.day IS
  'The worker''s local day (days_local_time of the rows), else the UTC day.';
COMMENT ON COLUMN report.vendor_daily_hours.workers IS
  'Distinct workers with a worker-day (work or night time) on this day.';
COMMENT ON COLUMN report.vendor_daily_hours.days_local_time IS
  'Of the worker-days, those in the worker''s local time (the rest are UTC days).';
COMMENT ON COLUMN report.vendor_daily_hours.work_hours_total IS
  'Working time (paid + unpaid with evidence) of all workers that day, hours.';
COMMENT ON COLUMN report.vendor_daily_hours.paid_hours_total IS
  'Paid time of all workers that day, hours.';
COMMENT ON COLUMN report.vendor_daily_hours.work_hours_median IS
  'Median working time per worker that day, hours.';
COMMENT ON COLUMN report.vendor_daily_hours.work_hours_p90 IS
  'Nearest-rank 90th percentile of working time per worker that day, hours.';
COMMENT ON COLUMN report.vendor_daily_hours.daily_hours_normal IS
  'The daily limit the run used (threshold daily_hours_normal), hours.';
COMMENT ON COLUMN report.vendor_daily_hours.days_over_8h IS
  'Workers with more than daily_hours_normal hours of work that day; NULL when '
  'the run recorded no such threshold.';
COMMENT ON COLUMN report.vendor_daily_hours.days_with_night_work IS
  'Workers with night work in the night that began that day (time zone known only).';
COMMENT ON COLUMN report.vendor_daily_hours.night_hours_total IS
  'Night working time of the night that began that day, hours; workers without '
  'a known time zone add nothing.';

-- Privileges -------------------------------------------------------------------

GRANT SELECT ON report.vendor_scorecard, report.worker_week_distribution,
    report.vendor_daily_hours TO dw_reader, dw_analyzer;
