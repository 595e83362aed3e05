-- 0004_monitoring: monitoring-intensity results of dw-analyze run (per
-- worker-week and per vendor) and the report view over them.
-- Method: docs/method.md "Monitoring intensity"; bands from the thresholds
-- sph_band_0_max .. sph_band_3_max and webcam_any_band.

CREATE TABLE dw.worker_week_monitoring (
    analysis_run_id    bigint NOT NULL REFERENCES dw.analysis_run ON DELETE CASCADE,
    vendor_id          bigint NOT NULL REFERENCES dw.vendor,
    worker_key         char(64) NOT NULL REFERENCES dw.worker ON DELETE CASCADE,
    week_start         date NOT NULL,
    tz_basis           text NOT NULL CHECK (tz_basis IN ('local','utc')),
    segments           integer NOT NULL CHECK (segments >= 0),
    tracked_s          bigint NOT NULL CHECK (tracked_s >= 0),
    metered_s          bigint NOT NULL CHECK (metered_s >= 0),
    paid_s             bigint,
    screenshots        bigint NOT NULL CHECK (screenshots >= 0),
    webcam_shots       bigint NOT NULL CHECK (webcam_shots >= 0),
    sph                numeric,
    wcph               numeric,
    atc                numeric,
    band               smallint NOT NULL CHECK (band BETWEEN 0 AND 4),
    offshift_segments  integer,
    critical           boolean NOT NULL,
    PRIMARY KEY (analysis_run_id, vendor_id, worker_key, week_start)
);
CREATE INDEX worker_week_monitoring_worker ON dw.worker_week_monitoring (worker_key);
COMMENT ON TABLE dw.worker_week_monitoring IS
  'Monitoring intensity per worker, vendor and ISO week (UTC): tracked cells, '
  'screenshots and webcam shots per tracked hour, activity-tracking coverage, '
  'band 0-4, and cells collected outside working time. One row for every '
  'worker-week with tracked cells or paid time.';
COMMENT ON COLUMN dw.worker_week_monitoring.tracked_s IS
  'Sum of duration_s of the activity segments starting in the week.';
COMMENT ON COLUMN dw.worker_week_monitoring.metered_s IS
  'Tracked seconds with keyboard or mouse counts recorded.';
COMMENT ON COLUMN dw.worker_week_monitoring.paid_s IS
  'Paid seconds of the run''s dw.worker_week row; NULL when there is none.';
COMMENT ON COLUMN dw.worker_week_monitoring.sph IS
  'Screenshots per tracked hour (SPH); NULL with no tracked time.';
COMMENT ON COLUMN dw.worker_week_monitoring.wcph IS
  'Webcam shots per tracked hour (WCPH); NULL with no tracked time.';
COMMENT ON COLUMN dw.worker_week_monitoring.atc IS
  'Activity-tracking coverage metered_s / paid_s (ATC); above 1 when more time '
  'was metered than paid; NULL with no paid time.';
COMMENT ON COLUMN dw.worker_week_monitoring.band IS
  '0 none, 1 low, 2 moderate, 3 high, 4 very high (SPH limits, webcam_any_band).';
COMMENT ON COLUMN dw.worker_week_monitoring.offshift_segments IS
  'Collecting cells outside every work interval widened by one cell; NULL when '
  'the worker has tracked cells but no work interval at the vendor (not assessable).';
COMMENT ON COLUMN dw.worker_week_monitoring.critical IS
  'offshift_segments > 0 (Directive (EU) 2024/2831 Art. 7(1)(c)); overrides the band.';

CREATE TABLE dw.vendor_monitoring (
    analysis_run_id    bigint NOT NULL REFERENCES dw.analysis_run ON DELETE CASCADE,
    vendor_id          bigint NOT NULL REFERENCES dw.vendor,
    period_from        date NOT NULL,
    period_to          date NOT NULL,
    workers            integer NOT NULL,
    worker_weeks       integer NOT NULL,
    monitored_weeks    integer NOT NULL,
    workers_band_0     integer NOT NULL,
    workers_band_1     integer NOT NULL,
    workers_band_2     integer NOT NULL,
    workers_band_3     integer NOT NULL,
    workers_band_4     integer NOT NULL,
    band               smallint CHECK (band BETWEEN 0 AND 4),
    tracked_s          bigint NOT NULL,
    metered_s          bigint NOT NULL,
    paid_s             bigint NOT NULL,
    screenshots        bigint NOT NULL,
    webcam_shots       bigint NOT NULL,
    sph                numeric,
    wcph               numeric,
    atc                numeric,
    offshift_segments  bigint NOT NULL,
    weeks_offshift     integer NOT NULL,
    practices_critical integer NOT NULL,
    critical           boolean NOT NULL,
    PRIMARY KEY (analysis_run_id, vendor_id),
    CHECK (workers = workers_band_0 + workers_band_1 + workers_band_2
                     + workers_band_3 + workers_band_4)
);
COMMENT ON TABLE dw.vendor_monitoring IS
  'Vendor monitoring intensity for the run''s window: the band (the worst '
  'worker-week band), workers by their worst band, totals and rates over all '
  'worker-weeks, off-shift collection and prohibited practices in use.';
COMMENT ON COLUMN dw.vendor_monitoring.band IS
  'Worst worker-week band; NULL with no worker-weeks.';
COMMENT ON COLUMN dw.vendor_monitoring.monitored_weeks IS
  'Worker-weeks with at least one tracked cell.';
COMMENT ON COLUMN dw.vendor_monitoring.practices_critical IS
  'dw.monitoring_practice rows in use that are prohibited (PWD Art. 7, Art. 10, keystroke content).';
COMMENT ON COLUMN dw.vendor_monitoring.critical IS
  'weeks_offshift > 0 or practices_critical > 0: CRITICAL overrides the band.';

CREATE VIEW report.vendor_monitoring AS
SELECT v.vendor_id,
       v.name                      AS vendor,
       ar.analysis_run_id,
       ar.method_version,
       ar.threshold_set,
       ar.window_from,
       ar.window_to,
       ar.finished_at              AS computed_at,
       vm.workers,
       vm.worker_weeks,
       vm.monitored_weeks,
       vm.band,
       CASE vm.band WHEN 0 THEN 'none' WHEN 1 THEN 'low'
                    WHEN 2 THEN 'moderate' WHEN 3 THEN 'high'
                    WHEN 4 THEN 'very high' END
                                   AS band_label,
       vm.critical,
       vm.workers_band_0,
       vm.workers_band_1,
       vm.workers_band_2,
       vm.workers_band_3,
       vm.workers_band_4,
       round(vm.tracked_s::numeric / 3600, 2)
                                   AS tracked_hours,
       vm.sph,
       vm.wcph,
       vm.atc,
       vm.offshift_segments,
       vm.weeks_offshift,
       vm.practices_critical
FROM dw.latest_vendor_run l
JOIN dw.vendor_monitoring vm USING (analysis_run_id, vendor_id)
JOIN dw.analysis_run ar USING (analysis_run_id)
JOIN dw.vendor v ON v.vendor_id = l.vendor_id
CROSS JOIN dw.report_min_group k
WHERE vm.workers >= k.k;
COMMENT ON VIEW report.vendor_monitoring IS
  'One row per vendor from its newest done analysis run: monitoring band (worst '
  'worker-week band: 0 none .. 4 very high), whether anything CRITICAL was found '
  '(off-shift collection, or a practice the EU Platform Work Directive prohibits), '
  'workers by their worst band, screenshots and webcam shots per tracked hour, '
  'activity-tracking coverage, off-shift cells and prohibited practices in use. '
  'Vendors with fewer than k workers are omitted.';

GRANT SELECT, INSERT, UPDATE, DELETE ON dw.worker_week_monitoring, dw.vendor_monitoring
    TO dw_analyzer;
GRANT SELECT ON report.vendor_monitoring TO dw_reader, dw_analyzer;
