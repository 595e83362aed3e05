-- 0001_core: the fact, catalogue, sync and result tables of decentwork.
-- Money is bigint micro-units (1 unit = 1,000,000) with an ISO 4217 code;
-- timestamps are timestamptz in UTC; worker keys are hex HMAC-SHA256.

CREATE SCHEMA IF NOT EXISTS dw;
CREATE SCHEMA IF NOT EXISTS report;

-- Organisations and where their data comes from -------------------------

CREATE TABLE dw.vendor (
    vendor_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    country     char(2) CHECK (country ~ '^[A-Z]{2}$'),
    created_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE dw.vendor IS
  'An organisation being vetted: a platform account or a vendor managing a workforce.';

CREATE TABLE dw.source (
    source_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name             text NOT NULL UNIQUE,
    platform         text NOT NULL
                     CHECK (platform IN ('prolific','toloka','upwork','mturk','file')),
    vendor_id        bigint NOT NULL REFERENCES dw.vendor,
    default_country  char(2) CHECK (default_country ~ '^[A-Z]{2}$'),
    default_tz       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE dw.source IS
  'One configured collector source ([source NAME] in the config), upserted by dw-collect.';

-- Facts ------------------------------------------------------------------

CREATE TABLE dw.worker (
    worker_key  char(64) PRIMARY KEY CHECK (worker_key ~ '^[0-9a-f]{64}$'),
    platform    text NOT NULL,
    country     char(2) CHECK (country ~ '^[A-Z]{2}$'),
    tz          text,
    tz_source   text NOT NULL DEFAULT 'unknown'
                CHECK (tz_source IN ('declared','inferred','default','unknown')),
    first_seen  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE dw.worker IS
  'Pseudonymous worker: key = hex HMAC-SHA256(secret, platform:raw id). Raw ids never stored.';

CREATE TABLE dw.task (
    source_id        bigint NOT NULL REFERENCES dw.source,
    external_id      text NOT NULL,
    title            text,
    reward_micros    bigint,
    currency         char(3),
    estimate_s       integer CHECK (estimate_s >= 0),
    max_time_s       integer CHECK (max_time_s >= 0),
    created_at       timestamptz,
    first_seen       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_id, external_id)
);
COMMENT ON TABLE dw.task IS
  'A task offered by the source: Prolific study, MTurk HIT, Toloka pool, Upwork contract.';

CREATE TABLE dw.work_unit (
    source_id          bigint NOT NULL REFERENCES dw.source,
    external_id        text NOT NULL,
    task_external_id   text,
    worker_key         char(64) NOT NULL REFERENCES dw.worker,
    status             text NOT NULL
                       CHECK (status IN ('in_progress','submitted','approved','rejected',
                                         'returned','expired','screened_out','unknown')),
    status_raw         text NOT NULL,
    accepted_at        timestamptz,
    submitted_at       timestamptz,
    decided_at         timestamptz,
    paid_at            timestamptz,
    reward_micros      bigint,
    currency           char(3),
    worker_fee_micros  bigint NOT NULL DEFAULT 0,
    first_seen         timestamptz NOT NULL DEFAULT now(),
    last_seen          timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_id, external_id),
    CHECK (submitted_at IS NULL OR accepted_at IS NULL OR submitted_at >= accepted_at)
);
CREATE INDEX work_unit_worker_accepted ON dw.work_unit (worker_key, accepted_at);
COMMENT ON TABLE dw.work_unit IS
  'One assignment/submission. status is normalized; status_raw keeps the platform word.';

CREATE TABLE dw.work_unit_history (
    history_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id        bigint NOT NULL,
    external_id      text NOT NULL,
    observed_at      timestamptz NOT NULL DEFAULT now(),
    sync_run_id      bigint,
    old_status       text,
    new_status       text NOT NULL,
    old_reward_micros bigint,
    new_reward_micros bigint,
    old_decided_at   timestamptz,
    new_decided_at   timestamptz,
    FOREIGN KEY (source_id, external_id) REFERENCES dw.work_unit
);
CREATE INDEX work_unit_history_unit ON dw.work_unit_history (source_id, external_id);
COMMENT ON TABLE dw.work_unit_history IS
  'Every status or amount change of a work unit (first sight included); reversals are real.';

CREATE TABLE dw.payment (
    source_id          bigint NOT NULL REFERENCES dw.source,
    dedupe_key         text NOT NULL,
    unit_external_id   text,
    worker_key         char(64) NOT NULL REFERENCES dw.worker,
    kind               text NOT NULL CHECK (kind IN ('bonus','payout','adjustment')),
    amount_micros      bigint NOT NULL,
    currency           char(3) NOT NULL,
    effective_at       timestamptz,
    first_seen         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_id, dedupe_key)
);
CREATE INDEX payment_worker ON dw.payment (worker_key);
COMMENT ON TABLE dw.payment IS
  'Bonuses and payouts. dedupe_key is the platform id, or a hash of the natural key when there is none.';

CREATE TABLE dw.activity_segment (
    source_id        bigint NOT NULL REFERENCES dw.source,
    worker_key       char(64) NOT NULL REFERENCES dw.worker,
    started_at       timestamptz NOT NULL,
    duration_s       integer NOT NULL CHECK (duration_s > 0),
    screenshots      integer NOT NULL DEFAULT 0 CHECK (screenshots >= 0),
    webcam_shots     integer NOT NULL DEFAULT 0 CHECK (webcam_shots >= 0),
    keyboard_events  integer CHECK (keyboard_events >= 0),
    mouse_events     integer CHECK (mouse_events >= 0),
    activity_level   smallint,
    manual           boolean NOT NULL DEFAULT false,
    PRIMARY KEY (source_id, worker_key, started_at)
);
COMMENT ON TABLE dw.activity_segment IS
  'Tracked-time cells (e.g. 10-minute work diary cells): counts only, never screenshot contents.';

CREATE TABLE dw.monitoring_practice (
    source_id   bigint NOT NULL REFERENCES dw.source,
    practice    text NOT NULL CHECK (practice IN ('screenshots','webcam','activity_tracking',
                  'keystroke_content','emotion_inference','private_messages','offshift_collection',
                  'biometric_id','sensitive_inference','union_prediction','automated_discipline')),
    in_use      boolean NOT NULL,
    evidence    text,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_id, practice)
);
COMMENT ON TABLE dw.monitoring_practice IS
  'Monitoring practices a source or vendor declares or is known to use.';

-- Collector bookkeeping -------------------------------------------------

CREATE TABLE dw.sync_run (
    sync_run_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id     bigint NOT NULL REFERENCES dw.source,
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    outcome       text NOT NULL DEFAULT 'running'
                  CHECK (outcome IN ('running','ok','partial','failed','skipped')),
    pages         integer NOT NULL DEFAULT 0,
    requests      integer NOT NULL DEFAULT 0,
    retries       integer NOT NULL DEFAULT 0,
    units_seen    integer NOT NULL DEFAULT 0,
    units_changed integer NOT NULL DEFAULT 0,
    payments_seen integer NOT NULL DEFAULT 0,
    quarantined   integer NOT NULL DEFAULT 0,
    error         text
);
COMMENT ON TABLE dw.sync_run IS 'Audit of every collector run, one row per source per run.';

CREATE TABLE dw.sync_state (
    source_id   bigint NOT NULL REFERENCES dw.source,
    stream      text NOT NULL,
    cursor      text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_id, stream)
);
COMMENT ON TABLE dw.sync_state IS
  'Resume point per source and stream, committed in the same transaction as the rows it covers.';

CREATE TABLE dw.raw_page (
    source_id     bigint NOT NULL REFERENCES dw.source,
    sha256        char(64) NOT NULL,
    first_run_id  bigint REFERENCES dw.sync_run,
    last_run_id   bigint REFERENCES dw.sync_run,
    request       text NOT NULL,
    http_status   integer NOT NULL,
    body          text NOT NULL,
    fetched_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_id, sha256)
);
COMMENT ON TABLE dw.raw_page IS
  'Landed response bodies, pseudonymized before landing; identical bodies are stored once.';

CREATE TABLE dw.quarantine (
    quarantine_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id      bigint NOT NULL REFERENCES dw.source,
    record_sha256  char(64) NOT NULL,
    first_run_id   bigint REFERENCES dw.sync_run,
    last_run_id    bigint REFERENCES dw.sync_run,
    page           text NOT NULL,
    record_index   integer NOT NULL,
    reason         text NOT NULL,
    record         text NOT NULL,
    first_seen     timestamptz NOT NULL DEFAULT now(),
    last_seen      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source_id, record_sha256, reason)
);
COMMENT ON TABLE dw.quarantine IS
  'Records that failed validation, pseudonymized, with where they came from and why. Nothing is dropped silently.';

-- Catalogues: dated and sourced -----------------------------------------

CREATE TABLE dw.threshold (
    threshold_set  text NOT NULL DEFAULT 'default',
    name           text NOT NULL,
    value          numeric NOT NULL,
    unit           text NOT NULL,
    valid_from     date NOT NULL,
    source         text NOT NULL,
    note           text,
    PRIMARY KEY (threshold_set, name, valid_from)
);
COMMENT ON TABLE dw.threshold IS
  'Decent-work thresholds with unit and source; a new valid_from row never rewrites history.';

CREATE TABLE dw.wage_floor (
    country      char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    region       text NOT NULL DEFAULT '',
    kind         text NOT NULL CHECK (kind IN ('minimum','living')),
    amount_micros bigint NOT NULL CHECK (amount_micros > 0),
    currency     char(3) NOT NULL,
    per          text NOT NULL CHECK (per IN ('hour','day','week','month')),
    hours_basis  numeric NOT NULL CHECK (hours_basis > 0),
    valid_from   date NOT NULL,
    source       text NOT NULL,
    note         text,
    PRIMARY KEY (country, region, kind, valid_from)
);
COMMENT ON TABLE dw.wage_floor IS
  'Minimum and living wages; hours_basis is the hours in one "per" period used to make it hourly.';

CREATE TABLE dw.fx_rate (
    rate_date  date NOT NULL,
    base       char(3) NOT NULL,
    quote      char(3) NOT NULL,
    rate       numeric(24,10) NOT NULL CHECK (rate > 0),
    source     text NOT NULL,
    PRIMARY KEY (base, quote, rate_date)
);
COMMENT ON TABLE dw.fx_rate IS
  'Units of quote per 1 base on rate_date (ECB reference rates have base EUR).';

-- Results --------------------------------------------------------------

CREATE TABLE dw.analysis_run (
    analysis_run_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    method_version   text NOT NULL,
    threshold_set    text NOT NULL,
    window_from      date NOT NULL,
    window_to        date NOT NULL,
    vendor_id        bigint REFERENCES dw.vendor,
    shard            text,
    report_currency  char(3) NOT NULL,
    units_total      bigint NOT NULL DEFAULT 0,
    units_usable     bigint NOT NULL DEFAULT 0,
    status           text NOT NULL DEFAULT 'running'
                     CHECK (status IN ('running','done','failed','superseded')),
    thresholds       jsonb,
    error            text,
    CHECK (window_to >= window_from)
);
CREATE INDEX analysis_run_scope ON dw.analysis_run (window_from, window_to, vendor_id);
COMMENT ON TABLE dw.analysis_run IS
  'One dw-analyze run: method version, thresholds, window and coverage (usable/total units).';
COMMENT ON COLUMN dw.analysis_run.thresholds IS
  'Snapshot {name: value} of the threshold set as the run used it (latest valid_from <= window_to).';
COMMENT ON COLUMN dw.analysis_run.status IS
  'running, done, failed (error says why; nothing else was kept), superseded (a later run of the same window and vendor scope replaced it; its result rows are deleted).';

CREATE TABLE dw.worker_week (
    analysis_run_id   bigint NOT NULL REFERENCES dw.analysis_run ON DELETE CASCADE,
    vendor_id         bigint NOT NULL REFERENCES dw.vendor,
    worker_key        char(64) NOT NULL,
    week_start        date NOT NULL,
    tz_basis          text NOT NULL CHECK (tz_basis IN ('local','utc')),
    units             integer NOT NULL,
    paid_s            bigint NOT NULL,
    unpaid_s          bigint,
    work_s            bigint NOT NULL,
    earnings_micros   bigint NOT NULL,
    currency          char(3) NOT NULL,
    ehr_paid_micros   bigint,
    ehr_total_micros  bigint,
    floor_country     char(2),
    floor_basis       text,
    min_wage_micros   bigint,
    at_or_above_min   boolean,
    floor_currency    char(3),
    floor_local_micros bigint,
    PRIMARY KEY (analysis_run_id, vendor_id, worker_key, week_start)
);
COMMENT ON TABLE dw.worker_week IS
  'Per worker, vendor and ISO week: paid and unpaid time (seconds), earnings and hourly rates in the report currency.';
COMMENT ON COLUMN dw.worker_week.unpaid_s IS 'NULL while the method does not compute unpaid time.';
COMMENT ON COLUMN dw.worker_week.min_wage_micros IS 'Hourly minimum wage in the report currency (floor_local_micros converted at the week''s Monday).';
COMMENT ON COLUMN dw.worker_week.floor_local_micros IS 'Hourly minimum wage in floor_currency, made hourly with the floor''s hours_basis.';

CREATE TABLE dw.vendor_period (
    analysis_run_id       bigint NOT NULL REFERENCES dw.analysis_run ON DELETE CASCADE,
    vendor_id             bigint NOT NULL REFERENCES dw.vendor,
    period_from           date NOT NULL,
    period_to             date NOT NULL,
    workers               integer NOT NULL,
    worker_weeks          integer NOT NULL,
    weeks_at_or_above_min integer NOT NULL,
    median_ehr_micros     bigint,
    currency              char(3) NOT NULL,
    hours_over_48         integer NOT NULL,
    hours_over_60         integer NOT NULL,
    units_total           bigint NOT NULL,
    units_usable          bigint NOT NULL,
    PRIMARY KEY (analysis_run_id, vendor_id)
);
COMMENT ON TABLE dw.vendor_period IS 'Vendor scorecard figures for the run''s window.';

CREATE TABLE dw.flag (
    flag_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    analysis_run_id  bigint NOT NULL REFERENCES dw.analysis_run ON DELETE CASCADE,
    vendor_id        bigint NOT NULL REFERENCES dw.vendor,
    rule             text NOT NULL,
    severity         text NOT NULL CHECK (severity IN ('info','amber','red','critical')),
    subject          text NOT NULL CHECK (subject IN ('worker_day','worker_week','worker','vendor')),
    worker_key       char(64),
    period_start     date NOT NULL,
    period_end       date NOT NULL,
    value            numeric,
    threshold        numeric,
    unit             text,
    evidence         jsonb
);
CREATE INDEX flag_run_vendor ON dw.flag (analysis_run_id, vendor_id, rule);
COMMENT ON TABLE dw.flag IS
  'A metric crossing a threshold, with the value, the threshold and evidence to check it by hand.';
