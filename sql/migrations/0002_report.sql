-- 0002_report: database roles, the settings table, and the stable `report`
-- views that dashboards (Grafana, Metabase, psql) query.
--
-- Privacy rule for every view below: a view that groups workers omits any
-- group of fewer than k distinct workers, k = dw.setting 'report.min_group'
-- (default 5), so a dashboard cannot single a worker out. No view exposes
-- worker_key. Money is numeric currency units (micro-units / 1,000,000).
--
-- Views run with their owner's rights: dw_reader needs SELECT on `report`
-- only and never sees the `dw` tables.

-- Roles (cluster-wide: created only when missing, never altered) ----------

DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'dw_collector') THEN
        CREATE ROLE dw_collector NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'dw_analyzer') THEN
        CREATE ROLE dw_analyzer NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'dw_reader') THEN
        CREATE ROLE dw_reader NOLOGIN;
    END IF;
END
$roles$;

COMMENT ON ROLE dw_collector IS
  'decentwork collector: writes facts and sync bookkeeping in schema dw.';
COMMENT ON ROLE dw_analyzer IS
  'decentwork analyzer: reads facts and catalogues, writes analysis results.';
COMMENT ON ROLE dw_reader IS
  'decentwork dashboards: SELECT on the report views only.';

-- Settings ----------------------------------------------------------------

CREATE TABLE dw.setting (
    name        text PRIMARY KEY,
    value       text NOT NULL,
    note        text,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (name <> 'report.min_group' OR value ~ '^[1-9][0-9]{0,5}$')
);
COMMENT ON TABLE dw.setting IS
  'Database-side settings read by views and programs (name -> text value).';

INSERT INTO dw.setting (name, value, note)
VALUES ('report.min_group', '5',
        'k: report views omit groups of fewer than k distinct workers')
ON CONFLICT (name) DO NOTHING;

-- Support -----------------------------------------------------------------

CREATE INDEX sync_run_source_started ON dw.sync_run (source_id, started_at DESC);

-- The analysis run each vendor's report rows come from: the newest run with
-- status 'done' that wrote the vendor's vendor_period row. Internal (schema
-- dw): the report views build on it.
CREATE VIEW dw.latest_vendor_run AS
SELECT DISTINCT ON (vp.vendor_id)
       vp.vendor_id, vp.analysis_run_id, vp.workers
FROM dw.vendor_period vp
JOIN dw.analysis_run ar USING (analysis_run_id)
WHERE ar.status = 'done'
ORDER BY vp.vendor_id, ar.finished_at DESC NULLS LAST, ar.analysis_run_id DESC;
COMMENT ON VIEW dw.latest_vendor_run IS
  'Per vendor: the newest done analysis_run that wrote its vendor_period row, with its worker count.';

-- The k of k-anonymity, as a one-row view so every report view reads it the
-- same way (malformed values are refused by the CHECK on dw.setting).
CREATE VIEW dw.report_min_group AS
SELECT coalesce((SELECT value::integer FROM dw.setting
                 WHERE name = 'report.min_group'), 5) AS k;
COMMENT ON VIEW dw.report_min_group IS
  'k for the report views: dw.setting report.min_group, default 5.';

-- Report views --------------------------------------------------------------

CREATE VIEW report.vendor_scorecard AS
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
                                                AS coverage
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
WHERE vp.workers >= k.k;
COMMENT ON VIEW report.vendor_scorecard IS
  'One row per vendor from its newest done analysis run: window, method version, '
  'workers, worker-weeks, share of worker-weeks at or above the minimum wage '
  '(and the vast_majority_share target), median effective hourly rate in '
  'currency units, worker-weeks over 48 h and 60 h, flag counts, and coverage '
  '(usable / total units). Hours are a lower bound: platform APIs show only '
  'work done on our tasks. Vendors with fewer than k workers are omitted.';
COMMENT ON COLUMN report.vendor_scorecard.share_at_or_above_min IS
  'weeks_at_or_above_min / worker_weeks (0..1).';
COMMENT ON COLUMN report.vendor_scorecard.median_ehr IS
  'Median effective hourly rate over worker-weeks, in currency units.';
COMMENT ON COLUMN report.vendor_scorecard.coverage IS
  'Share of work units with usable times (units_usable / units_total).';

CREATE VIEW report.flags_by_vendor AS
SELECT v.vendor_id,
       v.name                        AS vendor,
       ar.analysis_run_id,
       ar.method_version,
       ar.window_from,
       ar.window_to,
       f.rule,
       f.severity,
       CASE f.severity WHEN 'critical' THEN 4 WHEN 'red' THEN 3
                       WHEN 'amber' THEN 2 ELSE 1 END
                                     AS severity_rank,
       count(*)                      AS flags,
       count(DISTINCT f.worker_key)  AS workers_flagged,
       min(f.period_start)           AS first_period_start,
       max(f.period_end)             AS last_period_end
FROM dw.latest_vendor_run l
JOIN dw.flag f USING (analysis_run_id, vendor_id)
JOIN dw.analysis_run ar USING (analysis_run_id)
JOIN dw.vendor v ON v.vendor_id = l.vendor_id
CROSS JOIN dw.report_min_group k
WHERE l.workers >= k.k
GROUP BY v.vendor_id, v.name, ar.analysis_run_id, ar.method_version,
         ar.window_from, ar.window_to, f.rule, f.severity;
COMMENT ON VIEW report.flags_by_vendor IS
  'Flag counts per vendor, rule and severity in the vendor''s newest done '
  'analysis run, with the run window and the span of flagged periods. '
  'workers_flagged counts distinct workers (0 for vendor-level flags). '
  'Vendors with fewer than k workers in the run are omitted.';

CREATE VIEW report.worker_week_distribution AS
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
                                                 AS weeks_over_60h
FROM dw.latest_vendor_run l
JOIN dw.worker_week ww USING (analysis_run_id, vendor_id)
JOIN dw.vendor v ON v.vendor_id = l.vendor_id
GROUP BY v.vendor_id, v.name, ww.analysis_run_id, ww.week_start, ww.currency
HAVING count(DISTINCT ww.worker_key) >= (SELECT k FROM dw.report_min_group);
COMMENT ON VIEW report.worker_week_distribution IS
  'Per vendor and ISO week of the vendor''s newest done analysis run: '
  'worker-weeks, share at or above the minimum wage, percentiles (p10..p90) of '
  'the effective hourly rate incl. unpaid time (ehr_*) and of paid time only, '
  'in currency units, and worker-weeks by working hours: <=20, 20-40, 40-48, '
  '48-60, >60 h (upper edges inclusive). Hours are a lower bound. Weeks with '
  'fewer than k distinct workers are omitted.';

CREATE VIEW report.sync_health AS
SELECT s.source_id,
       s.name                        AS source,
       s.platform,
       v.name                        AS vendor,
       r.sync_run_id                 AS last_run_id,
       r.started_at                  AS last_started_at,
       r.finished_at                 AS last_finished_at,
       r.outcome                     AS last_outcome,
       round(extract(epoch FROM r.finished_at - r.started_at), 3)
                                     AS last_duration_s,
       r.pages                       AS last_pages,
       r.requests                    AS last_requests,
       r.retries                     AS last_retries,
       r.units_seen                  AS last_units_seen,
       r.units_changed               AS last_units_changed,
       r.payments_seen               AS last_payments_seen,
       r.quarantined                 AS last_quarantined,
       r.error                       AS last_error,
       ok.finished_at                AS last_ok_at,
       (SELECT count(*) FROM dw.sync_run x
        WHERE x.source_id = s.source_id AND x.outcome = 'failed'
          AND x.started_at > now() - interval '7 days')
                                     AS failed_runs_7d,
       (SELECT count(*) FROM dw.quarantine q
        WHERE q.source_id = s.source_id)
                                     AS quarantine_total,
       (SELECT max(ss.updated_at) FROM dw.sync_state ss
        WHERE ss.source_id = s.source_id)
                                     AS cursor_updated_at
FROM dw.source s
JOIN dw.vendor v USING (vendor_id)
LEFT JOIN LATERAL (
    SELECT * FROM dw.sync_run x
    WHERE x.source_id = s.source_id
    ORDER BY x.started_at DESC, x.sync_run_id DESC
    LIMIT 1) r ON true
LEFT JOIN LATERAL (
    SELECT x.finished_at FROM dw.sync_run x
    WHERE x.source_id = s.source_id AND x.outcome = 'ok'
    ORDER BY x.started_at DESC, x.sync_run_id DESC
    LIMIT 1) ok ON true;
COMMENT ON VIEW report.sync_health IS
  'Per configured source: the last collector run (times, outcome, pages, units, '
  'quarantined records, error), when it last succeeded, failed runs in the last '
  '7 days, records in quarantine, and when its cursor last moved. '
  'Sources that never ran have NULL run columns. No worker data.';

-- Privileges ----------------------------------------------------------------

GRANT USAGE ON SCHEMA dw TO dw_collector, dw_analyzer;

-- Collector: facts and sync bookkeeping.
GRANT SELECT, INSERT, UPDATE ON
    dw.vendor, dw.source, dw.worker, dw.task, dw.work_unit,
    dw.work_unit_history, dw.payment, dw.activity_segment,
    dw.monitoring_practice, dw.sync_run, dw.sync_state, dw.raw_page,
    dw.quarantine
    TO dw_collector;
GRANT DELETE ON dw.monitoring_practice, dw.sync_state TO dw_collector;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA dw TO dw_collector;

-- Analyzer: reads everything in dw, writes results.
GRANT SELECT ON ALL TABLES IN SCHEMA dw TO dw_analyzer;
GRANT INSERT, UPDATE, DELETE ON
    dw.analysis_run, dw.worker_week, dw.vendor_period, dw.flag
    TO dw_analyzer;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA dw TO dw_analyzer;
GRANT USAGE ON SCHEMA report TO dw_analyzer;
GRANT SELECT ON ALL TABLES IN SCHEMA report TO dw_analyzer;

-- Reader: the report views only (they read dw with their owner's rights).
GRANT USAGE ON SCHEMA report TO dw_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA report TO dw_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA report GRANT SELECT ON TABLES TO dw_reader, dw_analyzer;
