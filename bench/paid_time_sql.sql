-- bench/paid_time_sql.sql — the simple metric (merged paid time per worker
-- and ISO week, gap <= 60 s) as the best single-window SQL we know, to
-- compare with the C engine side by side (DESIGN.md "Speed").
WITH u AS (
    SELECT worker_key, accepted_at AS a, submitted_at AS s
    FROM dw.work_unit
    WHERE status IN ('approved', 'submitted')
      AND accepted_at IS NOT NULL AND submitted_at IS NOT NULL),
m AS (
    SELECT *, max(s) OVER (PARTITION BY worker_key ORDER BY a
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
    FROM u),
g AS (
    SELECT *, count(*) FILTER (WHERE prev_end IS NULL
                                  OR a > prev_end + interval '60 seconds')
              OVER (PARTITION BY worker_key ORDER BY a) AS grp
    FROM m),
c AS (
    SELECT worker_key, min(a) AS a, max(s) AS s FROM g GROUP BY worker_key, grp)
SELECT count(*), sum(secs) FROM (
    SELECT worker_key, date_trunc('week', a), sum(extract(epoch FROM s - a)) AS secs
    FROM c GROUP BY 1, 2) w;
