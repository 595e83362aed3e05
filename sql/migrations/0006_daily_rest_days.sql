-- 0006_daily_rest_days: daily rest is counted in worker-days from method
-- 2026.11-3 on (one flag per local day with a failing 24 h window, not one
-- per window); the column comments say so.
COMMENT ON COLUMN report.vendor_scorecard.daily_rest_fails IS
  'Worker-days with a 24-hour window (starting at a work block that day) without 11 consecutive hours of rest.';
COMMENT ON COLUMN report.worker_week_distribution.daily_rest_fails IS
  'Worker-days with a 24-hour window without 11 consecutive hours of rest.';
COMMENT ON COLUMN dw.worker_week.daily_rest_fails IS
  'Local days of the week with a 24-hour window (starting at a work block) without daily_rest_min of consecutive rest.';
COMMENT ON COLUMN dw.vendor_period.daily_rest_fails IS
  'Worker-days with a 24-hour window without daily_rest_min of consecutive rest.';
